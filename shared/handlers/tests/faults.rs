//! Faults injected into the SDK's requests (`packwise_aws::testing::FaultInjector`)
//! while the order-processor's handler runs real SQS batches against DynamoDB and S3 on
//! the local API server. After the redeliveries, every run must leave what a run without
//! faults leaves on a table and bucket of its own: the same objects, byte for byte, and
//! each coupon, budget unit, stock unit and profile count once.

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
