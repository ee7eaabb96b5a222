//! The built `order-processor` binary run as Lambda runs it: its init against a local
//! DynamoDB/S3 API, one SQS batch from a stand-in Runtime API, its answer and its logs.

use std::process::{Child, Stdio};
use std::time::Duration;

use chrono::NaiveDate;
use packwise_aws::testing::runtime_api::{Answer, RuntimeApi};
use packwise_aws::testing::{local_aws, unique_name};
use packwise_aws::{DynamoStore, RequestCounter, create_table};
use packwise_core::ports::OrderStore;
use packwise_synth::{Generator, demo};
use serde_json::{Value, json};

fn function(runtime: &RuntimeApi, env: &[(&str, &str)]) -> Child {
    let mut command = runtime.command(env!("CARGO_BIN_EXE_order-processor"), "order-processor");
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    for (k, v) in env {
        command.env(k, v);
    }
    command.spawn().expect("the order-processor binary starts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_through_the_real_binary_answers_with_only_the_bad_message() {
    let aws = local_aws();
    let clients = aws.clients(&RequestCounter::new());
    let table = unique_name("packwise-fn");
    create_table(&clients.dynamodb, &table).await.unwrap();
    let store = DynamoStore::new(clients.dynamodb.clone(), &table);
    demo::install(&store).await.unwrap();
    let bucket = aws.bucket().await;

    let generator = Generator::new(3);
    let customers = generator.customers(10);
    let orders = generator.day_of_orders(
        &customers,
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        3,
    );
    let mut records: Vec<Value> = orders
        .iter()
        .map(|o| json!({"messageId": format!("msg-{}", o.order_id), "body": serde_json::to_string(o).unwrap()}))
        .collect();
    records.push(json!({"messageId": "msg-bad", "body": "{\"merchant\": \"demo-shop\"}"}));
    let event = json!({ "Records": records }).to_string();

    let runtime = RuntimeApi::serve(vec![event]);
    let mut child = function(
        &runtime,
        &[("PACKWISE_TABLE", &table), ("PACKWISE_BUCKET", &bucket)],
    );
    let answer = runtime.answer(Duration::from_secs(60));
    child.kill().unwrap();
    let output = child.wait_with_output().unwrap();
    let logs = String::from_utf8_lossy(&output.stdout);

    let Some(Answer::Response(body)) = answer else {
        panic!(
            "no response: {answer:?}\nlogs:\n{logs}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    let response: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        response,
        json!({"batchItemFailures": [{"itemIdentifier": "msg-bad"}]})
    );
    for order in &orders {
        let record = store
            .processed(&order.merchant, &order.order_id)
            .await
            .unwrap()
            .expect("processed");
        let object = clients
            .s3
            .get_object()
            .bucket(&bucket)
            .key(&record.instruction_key)
            .send()
            .await
            .unwrap();
        let bytes = object.body.collect().await.unwrap().into_bytes();
        assert_eq!(&bytes[..], record.instruction.as_bytes());
    }
    let rejected = logs
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|l| l["fields"]["message_id"] == "msg-bad")
        .unwrap_or_else(|| panic!("no JSON log line for the bad message:\n{logs}"));
    assert_eq!(rejected["level"], "ERROR");
    assert!(
        rejected["fields"]["reason"]
            .as_str()
            .unwrap()
            .contains("missing field"),
        "{rejected}"
    );
}

#[test]
fn a_function_without_its_table_fails_at_init_and_says_which_variable() {
    let runtime = RuntimeApi::serve(Vec::new());
    let child = function(&runtime, &[("PACKWISE_BUCKET", "b")]);
    let output = child.wait_with_output().unwrap();
    assert!(!output.status.success());
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(all.contains("PACKWISE_TABLE"), "{all}");
}
