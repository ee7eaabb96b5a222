//! Faults injected into the SDK's requests (`packwise_aws::testing::FaultInjector`)
//! while the order-processor's handler runs real SQS batches against DynamoDB and S3 on
//! the local API server: S3 failing after the commit, DynamoDB throttling and server
//! errors, answers lost after a write was applied, retries running out, a process dying
//! between commit and write, and SQS delivering a batch again. After the redeliveries,
//! every run must leave what a run without faults leaves on a table and bucket of its
//! own: the same objects, byte for byte, and each coupon, budget unit, stock unit and
//! profile count once.

mod support;

use std::collections::BTreeMap;

use aws_lambda_events::event::sqs::SqsEvent;
use packwise_aws::RequestCounter;
use packwise_aws::testing::{Fault, FaultInjector, local_aws};
use packwise_core::Order;
use packwise_core::insert::Insert;
use packwise_core::ports::{ConfigStore, OrderStore};
use packwise_core::profile::CustomerProfile;
use packwise_handlers::{BatchReport, handle_order_messages};
use packwise_synth::demo;
use support::aws::{AwsProcessor, Bucket};

/// Lanes per batch, as the function runs them.
const LANES: usize = 4;

/// A shop on its own table and bucket whose clients' attempts `faults` may fail.
struct Faulty {
    processor: AwsProcessor,
    bucket: Bucket,
    counter: RequestCounter,
    faults: FaultInjector,
}

impl Faulty {
    async fn new() -> Faulty {
        let counter = RequestCounter::new();
        let faults = FaultInjector::new();
        let clients = local_aws().clients_with_faults(&counter, &faults);
        let (processor, bucket) = support::aws::shop(&clients).await;
        // Warm the campaign cache, so the counts below are the batches' own.
        processor.campaign_set(demo::MERCHANT).await.unwrap();
        counter.reset();
        Faulty {
            processor,
            bucket,
            counter,
            faults,
        }
    }

    async fn deliver(&self, event: &SqsEvent) -> BatchReport {
        handle_order_messages(&self.processor, event, LANES).await
    }
}

/// Everything a batch leaves behind that a retry could double or lose.
#[derive(Debug)]
struct Outcome {
    objects: BTreeMap<String, Vec<u8>>,
    counters: BTreeMap<String, BTreeMap<String, u64>>,
    inserts: Vec<Insert>,
    profiles: BTreeMap<String, Option<CustomerProfile>>,
    items: BTreeMap<String, usize>,
    coupons: Vec<String>,
}

/// What the shop holds after `orders`, checked for consistency on the way: every order
/// has its record and its three objects (the instruction the record holds, its slip as
/// PDF and HTML), and every coupon printed is stored once.
async fn outcome(processor: &AwsProcessor, bucket: &Bucket, orders: &[Order]) -> Outcome {
    let mut instructions = Vec::new();
    for order in orders {
        instructions.push(support::stored_instruction(processor, bucket, order).await);
    }
    let objects = bucket.contents().await;
    assert_eq!(
        objects.len(),
        3 * orders.len(),
        "an instruction and its slip (PDF, HTML) per order, nothing else"
    );
    let mut inserts = processor.store.inserts(demo::MERCHANT).await.unwrap();
    inserts.sort_by(|a, b| a.sku.cmp(&b.sku));
    let mut profiles = BTreeMap::new();
    for order in orders {
        let profile = processor
            .store
            .profile(&order.merchant, &order.customer.id)
            .await
            .unwrap();
        profiles.insert(order.customer.id.clone(), profile);
    }
    let items = support::aws::item_kinds(processor.store.table()).await;
    let coupons = support::aws::issued_coupons(processor, &instructions).await;
    assert_eq!(items.get("COUPON").copied().unwrap_or(0), coupons.len());
    assert_eq!(items.get("DONE").copied().unwrap_or(0), orders.len());
    let outcome = Outcome {
        objects,
        counters: support::counters(processor).await,
        inserts,
        profiles,
        items,
        coupons,
    };
    let issued: u64 = outcome
        .counters
        .values()
        .filter_map(|c| c.get(packwise_core::ports::COUPONS_ISSUED))
        .sum();
    assert_eq!(
        issued as usize,
        outcome.coupons.len(),
        "coupons counted once"
    );
    outcome
}

/// Asserts the faulted run left exactly what the run without faults left.
fn assert_same(faulted: &Outcome, clean: &Outcome) {
    let keys = |o: &Outcome| o.objects.keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(faulted), keys(clean), "the same objects");
    for (key, bytes) in &faulted.objects {
        assert!(
            *bytes == clean.objects[key],
            "{key} differs from the clean run's"
        );
    }
    assert_eq!(
        faulted.coupons, clean.coupons,
        "the same coupons, once each"
    );
    assert_eq!(faulted.counters, clean.counters, "budgets and counters");
    assert_eq!(faulted.inserts, clean.inserts, "stock and insert versions");
    assert_eq!(faulted.profiles, clean.profiles, "customer profiles");
    assert_eq!(faulted.items, clean.items, "items in the table by kind");
}

/// The same events, delivered once each without faults, on a table and bucket of their
/// own.
async fn clean_run(events: &[SqsEvent], orders: &[Order]) -> Outcome {
    let clean = Faulty::new().await;
    for event in events {
        let report = clean.deliver(event).await;
        assert!(report.failed.is_empty(), "{:?}", report.failed);
    }
    outcome(&clean.processor, &clean.bucket, orders).await
}

/// A batch of the demo day: twelve orders, some customers twice.
fn batch() -> (Vec<Order>, SqsEvent) {
    let orders = support::orders(12);
    let mut customers = std::collections::HashSet::new();
    assert!(
        orders.iter().any(|o| !customers.insert(&o.customer.id)),
        "some customer orders twice"
    );
    let event = support::sqs_event(&support::messages(&orders));
    (orders, event)
}

fn assert_all_retryable(report: &BatchReport, orders: &[Order], reason: &str) {
    assert_eq!(report.processed, 0, "{report:?}");
    assert_eq!(report.failed.len(), orders.len(), "{report:?}");
    for failure in &report.failed {
        assert!(failure.retryable, "{failure:?}");
    }
    assert!(
        report.failed.iter().any(|f| f.reason.contains(reason)),
        "some failure names {reason}: {:?}",
        report.failed
    );
}

async fn committed(processor: &AwsProcessor, orders: &[Order]) -> usize {
    let mut n = 0;
    for order in orders {
        let record = processor
            .store
            .processed(&order.merchant, &order.order_id)
            .await
            .unwrap();
        n += usize::from(record.is_some());
    }
    n
}

/// S3 refuses every write after the commits (503 SlowDown, through all of the SDK's
/// attempts): every message goes back to the queue as retryable, each order committed
/// once and nothing written. The redelivery, S3 healthy again, replays the records and
/// writes every object; nothing is decided or committed again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_failing_after_the_commit_is_finished_by_the_redelivery() {
    let (orders, event) = batch();
    let shop = Faulty::new().await;
    shop.faults.fail_always("PutObject", Fault::slow_down());

    let first = shop.deliver(&event).await;

    assert_all_retryable(&first, &orders, "SlowDown");
    assert_eq!(committed(&shop.processor, &orders).await, orders.len());
    assert_eq!(
        shop.counter.count("TransactWriteItems"),
        orders.len() as u64
    );
    assert!(shop.bucket.keys().await.is_empty(), "nothing written");
    let puts = shop.counter.count("PutObject");
    assert_eq!(shop.faults.injected("PutObject"), puts, "every put refused");
    // Each order's first slip write alone took all three of the SDK's attempts.
    assert!(puts >= 3 * orders.len() as u64, "{puts} attempts");

    shop.faults.clear();
    shop.counter.reset();
    let again = shop.deliver(&event).await;

    assert_eq!(
        (again.processed, again.replayed, again.failed.len()),
        (orders.len(), orders.len(), 0),
        "{:?}",
        again.failed
    );
    assert_eq!(shop.counter.count("TransactWriteItems"), 0);
    assert_eq!(shop.counter.count("PutObject"), 3 * orders.len() as u64);
    let faulted = outcome(&shop.processor, &shop.bucket, &orders).await;
    assert_same(&faulted, &clean_run(&[event], &orders).await);
}

/// DynamoDB throttles and fails with 500 on reads and commits for a few attempts: the
/// SDK's retries absorb them, the batch succeeds at its first delivery and every effect
/// lands once. Each fault cost exactly one more attempt than the clean run's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_and_server_errors_are_retried_by_the_sdk() {
    let (orders, event) = batch();
    let clean = Faulty::new().await;
    assert!(clean.deliver(&event).await.failed.is_empty());
    let clean_requests = clean.counter.snapshot();
    let shop = Faulty::new().await;
    // Two faults at most per operation: even if they meet one request, its third
    // attempt gets through.
    shop.faults
        .fail_next("BatchGetItem", 1, Fault::throughput_exceeded())
        .fail_next("BatchGetItem", 1, Fault::internal_server_error())
        .fail_next("TransactWriteItems", 1, Fault::throttling())
        .fail_next("TransactWriteItems", 1, Fault::internal_server_error());

    let report = shop.deliver(&event).await;

    assert_eq!(
        (report.processed, report.replayed, report.failed.len()),
        (orders.len(), 0, 0),
        "{:?}",
        report.failed
    );
    for operation in ["BatchGetItem", "TransactWriteItems"] {
        assert_eq!(shop.faults.injected(operation), 2, "{operation}");
        assert_eq!(
            shop.counter.count(operation),
            clean_requests[&format!("DynamoDB.{operation}")] + 2,
            "{operation}: one more attempt per fault"
        );
    }
    let faulted = outcome(&shop.processor, &shop.bucket, &orders).await;
    assert_same(
        &faulted,
        &outcome(&clean.processor, &clean.bucket, &orders).await,
    );
}

/// Answers lost after the server acted: a commit DynamoDB applied, an object S3 stored
/// and a read, each answered with a 500 the SDK retries. The commit's retry carries the
/// same ClientRequestToken (DynamoDB answers it as done; moto ignores tokens and refuses
/// it on the processed record, so the order is replayed from that record): either way
/// nothing is counted twice and the objects are the clean run's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_lost_after_the_write_was_applied_double_nothing() {
    let (orders, event) = batch();
    let shop = Faulty::new().await;
    shop.faults
        .fail_next(
            "TransactWriteItems",
            1,
            Fault::internal_server_error().after_applying(),
        )
        .fail_next("PutObject", 2, Fault::internal_error().after_applying())
        .fail_next(
            "BatchGetItem",
            1,
            Fault::internal_server_error().after_applying(),
        );

    let report = shop.deliver(&event).await;

    assert_eq!(
        (report.processed, report.failed.len()),
        (orders.len(), 0),
        "{:?}",
        report.failed
    );
    assert!(report.replayed <= 1, "only the lost commit: {report:?}");
    assert_eq!(shop.faults.injected("TransactWriteItems"), 1);
    assert_eq!(
        shop.counter.count("TransactWriteItems"),
        orders.len() as u64 + 1,
        "the lost commit was sent again, the others once"
    );
    assert_eq!(shop.counter.count("PutObject"), 3 * orders.len() as u64 + 2);
    let faulted = outcome(&shop.processor, &shop.bucket, &orders).await;
    assert_same(&faulted, &clean_run(&[event], &orders).await);
}

/// DynamoDB throttles every commit attempt until the SDK gives up: every order goes back
/// to the queue as retryable with nothing of it stored or written. The redelivery
/// decides and commits them all, as if the first delivery had never been.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commits_refused_through_every_retry_leave_nothing_behind() {
    let (orders, event) = batch();
    let shop = Faulty::new().await;
    shop.faults
        .fail_always("TransactWriteItems", Fault::throttling());

    let first = shop.deliver(&event).await;

    assert_all_retryable(&first, &orders, "ThrottlingException");
    let attempts = shop.counter.count("TransactWriteItems");
    assert!(
        attempts >= 3 && attempts % 3 == 0,
        "three attempts per commit: {attempts}"
    );
    assert_eq!(committed(&shop.processor, &orders).await, 0);
    assert!(shop.bucket.keys().await.is_empty());
    let items = support::aws::item_kinds(shop.processor.store.table()).await;
    for kind in ["DONE", "COUPON", "PROFILE", "O#", "COUNTER"] {
        assert_eq!(items.get(kind), None, "no {kind} item: {items:?}");
    }

    shop.faults.clear();
    let again = shop.deliver(&event).await;

    assert_eq!(
        (again.processed, again.replayed, again.failed.len()),
        (orders.len(), 0, 0),
        "{:?}",
        again.failed
    );
    let faulted = outcome(&shop.processor, &shop.bucket, &orders).await;
    assert_same(&faulted, &clean_run(&[event], &orders).await);
}

/// The worst commit failure: every commit is applied but its answer lost, through all of
/// the SDK's attempts. The processor cannot tell whether its commits landed; every order
/// goes back to the queue. Whatever did land is finished by the redelivery (replayed
/// from its record), whatever did not is decided then, in the customer's order, and the
/// end is the clean run's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commits_applied_but_never_answered_are_finished_by_the_redelivery() {
    let (orders, event) = batch();
    let shop = Faulty::new().await;
    shop.faults.fail_always(
        "TransactWriteItems",
        Fault::internal_server_error().after_applying(),
    );

    let first = shop.deliver(&event).await;

    assert_all_retryable(&first, &orders, "InternalServerError");
    let landed = committed(&shop.processor, &orders).await;
    assert!(landed > 0, "the first attempts were applied");
    assert!(shop.bucket.keys().await.is_empty());

    shop.faults.clear();
    let again = shop.deliver(&event).await;

    assert_eq!(
        (again.processed, again.replayed, again.failed.len()),
        (orders.len(), landed, 0),
        "{:?}",
        again.failed
    );
    let faulted = outcome(&shop.processor, &shop.bucket, &orders).await;
    assert_same(&faulted, &clean_run(&[event], &orders).await);
}

/// The process dies between commit and write: S3 takes the first four objects and then
/// nothing, so one order may have its slip but no instruction; the processor, its
/// clients and its warm caches are gone with the process and SQS hands the whole batch
/// to a brand-new one. It writes every object and commits nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_process_finishes_what_a_crashed_one_committed() {
    let (orders, event) = batch();
    let shop = Faulty::new().await;
    shop.faults
        .pass_next("PutObject", 4)
        .fail_always("PutObject", Fault::internal_error());
    let table = shop.processor.store.table().to_string();
    let bucket = shop.bucket.name.clone();

    let first = shop.deliver(&event).await;

    // Four objects can hold one order's slip and instruction at most.
    assert!(first.failed.len() >= orders.len() - 1, "{first:?}");
    assert_eq!(first.processed + first.failed.len(), orders.len());
    assert_eq!(committed(&shop.processor, &orders).await, orders.len());
    assert_eq!(shop.bucket.keys().await.len(), 4, "only what got through");
    drop(shop);

    let counter = RequestCounter::new();
    let clients = local_aws().clients(&counter);
    let processor = support::aws::processor(&clients, &table, &bucket);
    let bucket = Bucket {
        client: clients.s3.clone(),
        name: bucket,
    };
    let again = handle_order_messages(&processor, &event, LANES).await;

    assert_eq!(
        (again.processed, again.replayed, again.failed.len()),
        (orders.len(), orders.len(), 0),
        "{:?}",
        again.failed
    );
    assert_eq!(counter.count("TransactWriteItems"), 0);
    let faulted = outcome(&processor, &bucket, &orders).await;
    assert_same(&faulted, &clean_run(&[event], &orders).await);
}

/// SQS delivers a batch again after it fully succeeded, and then a batch that mixes
/// orders already done with new ones: the done ones are replayed with the same bytes
/// (no new key, no changed object), only the new ones commit, and the end is the clean
/// run's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batches_delivered_again_change_nothing_done() {
    let orders = support::orders(12);
    let first_event = support::sqs_event(&support::messages(&orders[..6]));
    let mixed_event = support::sqs_event(&support::messages(&orders[3..]));
    let shop = Faulty::new().await;

    let first = shop.deliver(&first_event).await;
    assert_eq!(
        (first.processed, first.replayed, first.failed.len()),
        (6, 0, 0)
    );
    let written = shop.bucket.contents().await;
    assert_eq!(written.len(), 3 * 6);
    let done = outcome(&shop.processor, &shop.bucket, &orders[..6]).await;

    shop.counter.reset();
    let again = shop.deliver(&first_event).await;
    assert_eq!(
        (again.processed, again.replayed, again.failed.len()),
        (6, 6, 0)
    );
    assert_eq!(shop.counter.count("TransactWriteItems"), 0);
    assert!(shop.bucket.contents().await == written, "no object changed");
    let replayed = outcome(&shop.processor, &shop.bucket, &orders[..6]).await;
    assert_same(&replayed, &done);

    shop.counter.reset();
    let mixed = shop.deliver(&mixed_event).await;
    assert_eq!(
        (mixed.processed, mixed.replayed, mixed.failed.len()),
        (9, 3, 0),
        "{:?}",
        mixed.failed
    );
    assert_eq!(
        shop.counter.count("TransactWriteItems"),
        6,
        "the new orders"
    );
    let after = shop.bucket.contents().await;
    for (key, bytes) in &written {
        assert!(after[key] == *bytes, "{key} changed");
    }
    let faulted = outcome(&shop.processor, &shop.bucket, &orders).await;
    let clean_events = [
        support::sqs_event(&support::messages(&orders[..6])),
        support::sqs_event(&support::messages(&orders[6..])),
    ];
    assert_same(&faulted, &clean_run(&clean_events, &orders).await);
}

/// A customer's first order in a batch fails before its commit is known to land
/// (DynamoDB throttles its commit through all of the SDK's attempts). The customer's
/// later order in the batch must not be decided on a history without the first: it
/// goes back to the queue with it, and the redelivery decides both in order, as the
/// clean run does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customers_later_order_waits_for_the_failed_earlier_one() {
    let day = support::orders(40);
    let first = day
        .iter()
        .position(|o| {
            day.iter()
                .filter(|p| p.customer.id == o.customer.id)
                .count()
                > 1
        })
        .expect("a customer with two orders");
    let a1 = day[first].clone();
    let a2 = day[first + 1..]
        .iter()
        .find(|o| o.customer.id == a1.customer.id)
        .unwrap()
        .clone();
    let b = day
        .iter()
        .find(|o| o.customer.id != a1.customer.id)
        .unwrap()
        .clone();
    let orders = vec![a1.clone(), b, a2.clone()];
    let event = support::sqs_event(&support::messages(&orders));
    let shop = Faulty::new().await;
    // One lane: the first round commits A1 (refused three times) and would commit B
    // after it; A2 comes in the next round.
    shop.faults
        .fail_next("TransactWriteItems", 3, Fault::throttling());

    let report = handle_order_messages(&shop.processor, &event, 1).await;

    assert_all_retryable(&report, &orders, "ThrottlingException");
    assert_eq!(shop.counter.count("TransactWriteItems"), 3);
    assert_eq!(committed(&shop.processor, &orders).await, 0, "A2 waited");
    let held = report
        .failed
        .iter()
        .find(|f| f.message_id == format!("msg-{}", a2.order_id))
        .unwrap();
    assert!(held.reason.contains(&a1.order_id), "{held:?}");

    let again = handle_order_messages(&shop.processor, &event, 1).await;

    assert_eq!(
        (again.processed, again.replayed, again.failed.len()),
        (3, 0, 0),
        "{:?}",
        again.failed
    );
    let faulted = outcome(&shop.processor, &shop.bucket, &orders).await;
    assert_same(&faulted, &clean_run(&[event], &orders).await);
}
