//! The handlers over DynamoDB and S3, against a real DynamoDB/S3 API on loopback (moto
//! server, started by the harness): the same scenarios as on the embedded store.

mod support;

use std::sync::Arc;
use std::time::Duration;

use packwise_aws::testing::{local_aws, unique_name};
use packwise_aws::{DynamoStore, RequestCounter, S3Sink};
use packwise_core::ports::OrderStore;
use packwise_core::process::Processor;
use packwise_slips::Slips;
use support::Objects;
use support::aws::Bucket;

async fn store(counter: &RequestCounter) -> DynamoStore {
    support::aws::demo_store(&local_aws().clients(counter)).await
}

async fn shop(counter: &RequestCounter) -> (Processor<DynamoStore, S3Sink>, Bucket) {
    support::aws::shop(&local_aws().clients(counter)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_messages_fail_alone() {
    let (processor, objects) = shop(&RequestCounter::new()).await;
    support::bad_messages_fail_alone(processor, objects).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redelivered_batch_changes_nothing() {
    let (processor, objects) = shop(&RequestCounter::new()).await;
    support::a_redelivered_batch_changes_nothing(processor, objects).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customers_orders_in_one_batch_both_count() {
    let (processor, objects) = shop(&RequestCounter::new()).await;
    support::a_customers_orders_in_one_batch_both_count(processor, objects).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rebuild_covers_every_merchant() {
    support::the_rebuild_covers_every_merchant(store(&RequestCounter::new()).await).await;
}

/// The design's promise, counted: a batch of ten orders from ten customers is one
/// BatchGetItem, one transaction per order and three PutObjects per order (the
/// instruction, its slip as PDF and as HTML), once the merchant's campaigns are cached.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_costs_one_read_round_trip_and_one_write_per_order() {
    let counter = RequestCounter::new();
    let (processor, _objects) = shop(&counter).await;
    let orders = support::distinct_customers(10);
    let warm = support::sqs_event(&support::messages(&orders[..1]));
    packwise_handlers::handle_order_messages(&processor, &warm, 1).await;
    counter.reset();

    let event = support::sqs_event(&support::messages(&orders[1..]));
    let report = packwise_handlers::handle_order_messages(&processor, &event, 1).await;

    assert_eq!((report.processed, report.failed.len()), (9, 0));
    println!(
        "requests for a warm batch of 9 orders: {:?}",
        counter.snapshot()
    );
    assert_eq!(counter.count("BatchGetItem"), 1, "{:?}", counter.snapshot());
    assert_eq!(
        counter.count("TransactWriteItems"),
        9,
        "{:?}",
        counter.snapshot()
    );
    assert_eq!(counter.count("PutObject"), 27, "{:?}", counter.snapshot());
    assert_eq!(counter.total(), 37, "{:?}", counter.snapshot());
}

/// The instruction cannot be written after the commit (here: its bucket is missing). The
/// message goes back to the queue; once the bucket is there, the redelivery writes the
/// committed instruction's exact bytes and decides nothing again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_object_not_written_after_the_commit_is_written_on_redelivery() {
    let counter = RequestCounter::new();
    let store = store(&counter).await;
    let s3 = local_aws().clients(&counter).s3;
    let bucket = unique_name("packwise-late");
    let processor = Processor::new(
        store,
        S3Sink::new(s3.clone(), &bucket),
        Duration::from_secs(60),
    )
    .with_slips(Arc::new(Slips::new()));
    let order = support::distinct_customers(1).remove(0);
    let event = support::sqs_event(&support::messages(std::slice::from_ref(&order)));

    let first = packwise_handlers::handle_order_messages(&processor, &event, 1).await;
    assert_eq!(first.processed, 0);
    assert_eq!(first.failed.len(), 1);
    assert!(
        first.failed[0].reason.contains(&bucket),
        "{:?}",
        first.failed
    );
    let committed = processor
        .store
        .processed(&order.merchant, &order.order_id)
        .await
        .unwrap()
        .expect("the commit happened before the write");

    s3.create_bucket().bucket(&bucket).send().await.unwrap();
    let again = packwise_handlers::handle_order_messages(&processor, &event, 1).await;
    assert_eq!(
        (again.processed, again.replayed, again.failed.len()),
        (1, 1, 0)
    );
    let written = Bucket {
        client: s3.clone(),
        name: bucket.clone(),
    }
    .get(&committed.instruction_key)
    .await
    .expect("written on redelivery");
    assert_eq!(written, committed.instruction.as_bytes());
    let instruction: packwise_core::PickPackInstruction = serde_json::from_slice(&written).unwrap();
    let slip = instruction.slip.expect("the instruction names its slip");
    for (key, content_type) in [
        (&slip.pdf, "application/pdf"),
        (&slip.html, "text/html; charset=utf-8"),
    ] {
        let head = s3
            .head_object()
            .bucket(&bucket)
            .key(key)
            .send()
            .await
            .unwrap_or_else(|e| panic!("no slip at {key}: {e}"));
        assert_eq!(head.content_type(), Some(content_type), "{key}");
    }
}

/// The load-bearing scenario: 200 orders in SQS batches of ten, a poison message
/// in the middle of one batch. Every good order ends as its objects in S3, only the poison
/// message is reported, and replaying every batch changes no object and issues no second
/// coupon or budget unit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_orders_a_poison_message_and_a_full_replay() {
    let counter = RequestCounter::new();
    let (processor, objects) = shop(&counter).await;
    let orders = support::orders(200);
    let mut batches: Vec<Vec<(String, String)>> =
        orders.chunks(10).map(support::messages).collect();
    batches[9].insert(5, ("msg-poison".into(), "[\"not an order\"]".into()));
    let events: Vec<_> = batches.iter().map(|b| support::sqs_event(b)).collect();

    let mut failed = Vec::new();
    for event in &events {
        let report = packwise_handlers::handle_order_messages(&processor, event, 4).await;
        failed.extend(
            report
                .response()
                .batch_item_failures
                .into_iter()
                .map(|f| f.item_identifier),
        );
    }
    assert_eq!(failed, ["msg-poison"]);
    let keys = objects.keys().await;
    assert_eq!(
        keys.len(),
        3 * 200,
        "an instruction and its slip (PDF, HTML) per order"
    );
    let mut before = Vec::new();
    for key in &keys {
        before.push(objects.get(key).await.unwrap());
    }
    let instructions: Vec<Vec<u8>> = keys
        .iter()
        .zip(&before)
        .filter(|(key, _)| key.ends_with(".json"))
        .map(|(_, bytes)| bytes.clone())
        .collect();
    assert_eq!(instructions.len(), 200);
    let coupons = support::aws::issued_coupons(&processor, &instructions).await;
    assert!(!coupons.is_empty(), "the demo campaigns issue coupons");
    let counted = support::counters(&processor).await;
    counter.reset();

    let mut replayed = 0;
    for event in &events {
        let report = packwise_handlers::handle_order_messages(&processor, event, 4).await;
        replayed += report.replayed;
    }
    assert_eq!(replayed, 200);
    assert_eq!(
        counter.count("TransactWriteItems"),
        0,
        "a replay commits nothing"
    );
    assert_eq!(objects.keys().await, keys);
    for (key, bytes) in keys.iter().zip(&before) {
        assert_eq!(&objects.get(key).await.unwrap(), bytes, "{key} changed");
    }
    assert_eq!(
        support::aws::issued_coupons(&processor, &instructions).await,
        coupons
    );
    assert_eq!(support::counters(&processor).await, counted);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_waves_pick_lists_match_its_instructions() {
    let (processor, objects) = shop(&RequestCounter::new()).await;
    support::a_waves_pick_lists_match_its_instructions(processor, objects).await;
}
