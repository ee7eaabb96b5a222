//! The built `pick-lists` binary run as Lambda runs it, on the schedule's event and on a
//! bad one, and refusing wave settings that make no wave at start-up.

use std::time::Duration;

use chrono::NaiveDate;
use packwise_aws::testing::runtime_api::{self, Answer, RuntimeApi};
use packwise_aws::testing::{local_aws, unique_name};
use packwise_aws::{DynamoStore, RequestCounter, S3Sink, create_table};
use packwise_core::process::Processor;
use packwise_core::wave::{Wave, WaveLength};
use packwise_synth::{Generator, demo};
use serde_json::{Value, json};

const BINARY: &str = env!("CARGO_BIN_EXE_pick-lists");

fn run(table: &str, bucket: &str, events: Vec<String>) -> Vec<Option<Answer>> {
    let env = [
        ("PACKWISE_TABLE", table),
        ("PACKWISE_BUCKET", bucket),
        ("WAVE_MINUTES", "120"),
        ("SETTLE_MINUTES", "15"),
    ];
    runtime_api::answers(BINARY, "pick-lists", &env, events)
}

async fn object(s3: &aws_sdk_s3::Client, bucket: &str, key: &str) -> Vec<u8> {
    let object = s3
        .get_object()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .unwrap_or_else(|e| panic!("no object {key}: {e:?}"));
    object.body.collect().await.unwrap().into_bytes().to_vec()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scheduled_event_writes_the_last_closed_waves_lists_and_a_bad_one_is_refused() {
    let clients = local_aws().clients(&RequestCounter::new());
    let table = unique_name("packwise-fn");
    create_table(&clients.dynamodb, &table).await.unwrap();
    let store = DynamoStore::new(clients.dynamodb.clone(), &table);
    demo::install(&store).await.unwrap();
    let bucket = local_aws().bucket().await;
    let processor = Processor::new(
        store,
        S3Sink::new(clients.s3.clone(), &bucket),
        Duration::from_secs(60),
    );
    let generator = Generator::new(5);
    let customers = generator.customers(30);
    let day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let mut orders = generator.day_of_orders(&customers, day, 40);
    for order in &orders {
        processor.process(order).await.unwrap();
    }
    orders.sort_by_key(|o| o.placed_at);
    let wave = Wave::containing(
        orders[orders.len() / 2].placed_at,
        WaveLength::minutes(120).unwrap(),
    );
    let in_wave = orders.iter().filter(|o| wave.contains(o.placed_at)).count();
    // The schedule fires when the wave has settled, and says when it was meant to.
    let fired = wave.end + chrono::Duration::minutes(15);
    let scheduled = json!({"detail-type": "Scheduled Event", "source": "aws.scheduler",
                           "time": fired.to_rfc3339(), "detail": {}});
    let bad = json!({"detail-type": "Pick lists", "source": "operator",
                     "detail": {"merchant": 5}});

    let answers = run(
        &table,
        &bucket,
        vec![scheduled.to_string(), bad.to_string()],
    );

    let Some(Answer::Response(body)) = &answers[0] else {
        panic!("{answers:?}")
    };
    let body: Value = serde_json::from_str(body).unwrap();
    assert_eq!(body["wave"], wave.key_part());
    let written = body["written"].as_array().expect("lists written");
    assert!(!written.is_empty(), "{body}");
    let orders_listed: u64 = written.iter().map(|w| w["orders"].as_u64().unwrap()).sum();
    assert_eq!(orders_listed, in_wave as u64);
    for list in written {
        assert_eq!(list["merchant"], demo::MERCHANT);
        let keys: Vec<&str> = list["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str().unwrap())
            .collect();
        let stem = format!(
            "picklists/{}/{}/{}",
            demo::MERCHANT,
            list["centre"].as_str().unwrap(),
            wave.key_part()
        );
        assert_eq!(keys[0], format!("{stem}.totals.csv"));
        let totals = String::from_utf8(object(&clients.s3, &bucket, keys[0]).await).unwrap();
        let units: u64 = totals
            .lines()
            .skip(1)
            .map(|l| l.rsplit(',').next().unwrap().parse::<u64>().unwrap())
            .sum();
        assert_eq!(json!(units), list["units"], "{totals}");
        assert!(
            object(&clients.s3, &bucket, keys[2])
                .await
                .starts_with(b"%PDF-")
        );
    }
    let Some(Answer::Error(error)) = &answers[1] else {
        panic!("{answers:?}")
    };
    assert!(error.contains("merchant"), "{error}");
}

#[test]
fn wave_settings_that_make_no_wave_stop_the_function_at_start_up() {
    let runtime = RuntimeApi::serve(vec![]);
    let out = runtime
        .command(BINARY, "pick-lists")
        .env("PACKWISE_TABLE", "t")
        .env("PACKWISE_BUCKET", "b")
        .env("WAVE_MINUTES", "100")
        .output()
        .expect("the pick-lists binary runs");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("WAVE_MINUTES=100") && stderr.contains("does not fit a day"),
        "{stderr}"
    );
    assert!(runtime.poll(Duration::from_millis(100)).is_none());
}
