//! The built `similarity-builder` binary run as Lambda runs it, on the scheduler's `{}`.

use chrono::NaiveDate;
use packwise_aws::testing::runtime_api::{self, Answer};
use packwise_aws::testing::{local_aws, unique_name};
use packwise_aws::{DynamoStore, RequestCounter, create_table};
use packwise_core::ports::{ConfigStore, Expect, OrderStore};
use packwise_core::similar;
use packwise_synth::{Generator, demo};
use serde_json::{Value, json};

fn run(table: &str, events: Vec<String>) -> Vec<Option<Answer>> {
    let binary = env!("CARGO_BIN_EXE_similarity-builder");
    runtime_api::answers(
        binary,
        "similarity-builder",
        &[("PACKWISE_TABLE", table)],
        events,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scheduled_event_rebuilds_every_merchant_and_a_bad_one_is_refused() {
    let clients = local_aws().clients(&RequestCounter::new());
    let table = unique_name("packwise-fn");
    create_table(&clients.dynamodb, &table).await.unwrap();
    let store = DynamoStore::new(clients.dynamodb, &table);
    store
        .put_settings(&demo::settings(), Expect::Any)
        .await
        .unwrap();
    let generator = Generator::new(4);
    let customers = generator.customers(15);
    let history = generator.history(
        &customers,
        NaiveDate::from_ymd_opt(2026, 11, 23)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
            .and_utc(),
    );
    for order in &history {
        store.import_history(order).await.unwrap();
    }
    let model = similar::of_orders(&history, &similar::ModelOptions::default());
    let skus = model.iter().filter(|s| s.sku != similar::POPULAR).count();

    let answers = run(&table, vec!["{}".into(), r#"{"merchant": 5}"#.into()]);

    let Some(Answer::Response(body)) = &answers[0] else {
        panic!("{answers:?}")
    };
    let body: Value = serde_json::from_str(body).unwrap();
    assert_eq!(body["rebuilt"][0]["merchant"], demo::MERCHANT);
    assert_eq!(body["rebuilt"][0]["orders"], json!(history.len()));
    assert_eq!(body["rebuilt"][0]["skus"], json!(skus));
    let Some(Answer::Error(error)) = &answers[1] else {
        panic!("{answers:?}")
    };
    assert!(error.contains("`merchant` must be a string"), "{error}");
}
