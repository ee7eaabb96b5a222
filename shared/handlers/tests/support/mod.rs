//! The handler scenarios, written once and run on every store: the embedded one here,
//! DynamoDB and S3 on a real API server in `aws.rs`.

// Each test binary includes this module and uses the scenarios its store supports.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::future::Future;

use aws_lambda_events::event::sqs::SqsEvent;
use chrono::{DateTime, NaiveDate, Utc};
use packwise_core::ports::{ConfigStore, Expect, ISSUED, ObjectSink, OrderStore};
use packwise_core::process::Processor;
use packwise_core::similar::{self, SimilarItems};
use packwise_core::slip::SlipRenderer;
use packwise_core::wave::{Wave, WaveLength};
use packwise_core::{Order, PickPackInstruction};
use packwise_handlers::{PickListJob, handle_order_messages, write_pick_lists};
use packwise_synth::{Generator, demo};
use serde_json::json;

pub mod aws;

/// Reads back what the sink wrote.
pub trait Objects {
    fn get(&self, key: &str) -> impl Future<Output = Option<Vec<u8>>>;
}

/// A day of the demo shop's orders from few customers, so some repeat within a batch.
pub fn orders(n: usize) -> Vec<Order> {
    let generator = Generator::new(5);
    let customers = generator.customers(n / 2);
    generator.day_of_orders(
        &customers,
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        n,
    )
}

/// `n` orders of `n` different customers.
pub fn distinct_customers(n: usize) -> Vec<Order> {
    let mut seen = std::collections::HashSet::new();
    let picked: Vec<Order> = orders(n * 8)
        .into_iter()
        .filter(|o| seen.insert(o.customer.id.clone()))
        .take(n)
        .collect();
    assert_eq!(picked.len(), n, "enough customers");
    picked
}

/// An SQS event as Lambda delivers it, one message per body.
pub fn sqs_event(bodies: &[(String, String)]) -> SqsEvent {
    let records: Vec<_> = bodies
        .iter()
        .map(|(id, body)| {
            json!({"messageId": id, "receiptHandle": format!("rh-{id}"), "body": body,
                   "attributes": {"ApproximateReceiveCount": "1"}, "messageAttributes": {},
                   "eventSource": "aws:sqs", "awsRegion": "us-east-1",
                   "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:orders"})
        })
        .collect();
    serde_json::from_value(json!({ "Records": records })).unwrap()
}

pub fn messages(orders: &[Order]) -> Vec<(String, String)> {
    orders
        .iter()
        .map(|o| {
            (
                format!("msg-{}", o.order_id),
                serde_json::to_string(o).unwrap(),
            )
        })
        .collect()
}

/// The order's instruction as written, checked against its processed record, and its
/// slip against a fresh rendering.
pub async fn stored_instruction<S: ConfigStore + OrderStore, K: ObjectSink>(
    processor: &Processor<S, K>,
    objects: &impl Objects,
    order: &Order,
) -> Vec<u8> {
    let record = processor
        .store
        .processed(&order.merchant, &order.order_id)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("order {} has no processed record", order.order_id));
    let object = objects
        .get(&record.instruction_key)
        .await
        .unwrap_or_else(|| panic!("no object at {}", record.instruction_key));
    assert_eq!(
        object,
        record.instruction.as_bytes(),
        "the object is the recorded instruction"
    );
    let instruction: packwise_core::PickPackInstruction = serde_json::from_slice(&object).unwrap();
    let names = instruction
        .slip
        .as_ref()
        .expect("the instruction names its slip");
    let expected = packwise_slips::Slips::new()
        .render(&order.merchant, &instruction, None)
        .unwrap();
    for (key, bytes) in [(&names.pdf, &expected.pdf), (&names.html, &expected.html)] {
        let written = objects
            .get(key)
            .await
            .unwrap_or_else(|| panic!("no slip at {key}"));
        assert!(written == *bytes, "the slip at {key} is its instruction's");
    }
    object
}

/// Bad messages fail alone, each with its reason; the rest of the batch is processed
/// and its instructions written.
pub async fn bad_messages_fail_alone<S, K>(processor: Processor<S, K>, objects: impl Objects)
where
    S: ConfigStore + OrderStore,
    K: ObjectSink,
{
    let good = orders(8);
    let mut bodies = messages(&good);
    bodies.insert(
        2,
        (
            "msg-not-json".into(),
            "{\"merchant\": \"demo-shop\",".into(),
        ),
    );
    let mut invalid = good[0].clone();
    invalid.order_id = "INVALID-1".into();
    invalid.lines.clear();
    bodies.insert(
        5,
        (
            "msg-invalid".into(),
            serde_json::to_string(&invalid).unwrap(),
        ),
    );
    let mut stranger = good[1].clone();
    stranger.merchant = "no-such-shop".into();
    bodies.push((
        "msg-unknown-merchant".into(),
        serde_json::to_string(&stranger).unwrap(),
    ));

    let report = handle_order_messages(&processor, &sqs_event(&bodies), 4).await;

    assert_eq!(report.processed, good.len());
    let failed: Vec<(&str, bool)> = report
        .failed
        .iter()
        .map(|f| (f.message_id.as_str(), f.retryable))
        .collect();
    assert_eq!(
        failed,
        [
            ("msg-invalid", false),
            ("msg-not-json", false),
            ("msg-unknown-merchant", false)
        ]
    );
    let reason = |id: &str| {
        &report
            .failed
            .iter()
            .find(|f| f.message_id == id)
            .unwrap()
            .reason
    };
    assert!(
        reason("msg-not-json").starts_with("not a valid order: EOF"),
        "{}",
        reason("msg-not-json")
    );
    assert!(
        reason("msg-invalid").contains("lines"),
        "{}",
        reason("msg-invalid")
    );
    assert!(reason("msg-unknown-merchant").contains("no-such-shop"));
    let response = report.response();
    let ids: Vec<&str> = response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.as_str())
        .collect();
    assert_eq!(ids, ["msg-invalid", "msg-not-json", "msg-unknown-merchant"]);
    for order in &good {
        stored_instruction(&processor, &objects, order).await;
    }
    assert!(
        processor
            .store
            .processed(demo::MERCHANT, "INVALID-1")
            .await
            .unwrap()
            .is_none(),
        "an invalid order changes nothing"
    );
}

/// SQS delivers a whole batch again: every order is replayed with the same bytes and
/// nothing is counted twice.
pub async fn a_redelivered_batch_changes_nothing<S, K>(
    processor: Processor<S, K>,
    objects: impl Objects,
) where
    S: ConfigStore + OrderStore,
    K: ObjectSink,
{
    let orders = orders(10);
    let event = sqs_event(&messages(&orders));
    let first = handle_order_messages(&processor, &event, 3).await;
    assert_eq!(
        (first.processed, first.replayed, first.failed.len()),
        (10, 0, 0)
    );
    let mut before = Vec::new();
    for order in &orders {
        before.push(stored_instruction(&processor, &objects, order).await);
    }
    let counted = counters(&processor).await;
    let issued: u64 = counted.values().filter_map(|c| c.get(ISSUED)).sum();
    assert!(issued > 0, "the demo campaigns issued something");

    let again = handle_order_messages(&processor, &event, 3).await;
    assert_eq!(
        (again.processed, again.replayed, again.failed.len()),
        (10, 10, 0)
    );
    for (order, bytes) in orders.iter().zip(&before) {
        assert_eq!(
            &stored_instruction(&processor, &objects, order).await,
            bytes
        );
    }
    assert_eq!(counters(&processor).await, counted);
}

/// Every counter of every demo campaign (issued, held out), by campaign.
pub async fn counters<S: ConfigStore + OrderStore, K: ObjectSink>(
    processor: &Processor<S, K>,
) -> BTreeMap<String, BTreeMap<String, u64>> {
    let mut all = BTreeMap::new();
    for campaign in demo::campaigns() {
        let counters = processor
            .store
            .counters(demo::MERCHANT, &campaign.id)
            .await
            .unwrap();
        all.insert(campaign.id, counters);
    }
    all
}

/// Two orders of one customer in a batch share a lane: both reach the profile, none
/// lost to the other, whatever the number of lanes.
pub async fn a_customers_orders_in_one_batch_both_count<S, K>(
    processor: Processor<S, K>,
    objects: impl Objects,
) where
    S: ConfigStore + OrderStore,
    K: ObjectSink,
{
    let mut first = orders(2).remove(0);
    first.order_id = "SEQ-1".into();
    let mut second = first.clone();
    second.order_id = "SEQ-2".into();
    second.placed_at += chrono::Duration::minutes(5);
    let event = sqs_event(&messages(&[first.clone(), second.clone()]));
    let report = handle_order_messages(&processor, &event, 8).await;
    assert_eq!((report.processed, report.failed.len()), (2, 0));
    stored_instruction(&processor, &objects, &first).await;
    stored_instruction(&processor, &objects, &second).await;
    let profile = processor
        .store
        .profile(&first.merchant, &first.customer.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(profile.orders_count, 2);
    assert_eq!(profile.last_order_at, Some(second.placed_at));
}

/// The scheduled rebuild reads every merchant's history through the ports and stores
/// the same neighbours as computing them from the orders directly.
pub async fn the_rebuild_covers_every_merchant<S>(store: S)
where
    S: ConfigStore + OrderStore,
{
    let generator = Generator::new(9);
    let customers = generator.customers(60);
    let day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let history = generator.history(&customers, day.and_hms_opt(0, 0, 0).unwrap().and_utc());
    for order in &history {
        store.import_history(order).await.unwrap();
    }
    let mut other = demo::settings();
    other.merchant = "other-shop".into();
    store.put_settings(&other, Expect::Any).await.unwrap();
    let mut theirs = history[0].clone();
    theirs.merchant = "other-shop".into();
    store.import_history(&theirs).await.unwrap();

    let report = packwise_handlers::rebuild_similar(
        &store,
        None,
        packwise_handlers::RebuildOptions::default(),
    )
    .await
    .unwrap();

    assert!(report.failed.is_empty(), "{:?}", report.failed);
    let read: Vec<(&str, usize)> = report
        .rebuilt
        .iter()
        .map(|r| (r.merchant.as_str(), r.orders_read))
        .collect();
    assert_eq!(read, [(demo::MERCHANT, history.len()), ("other-shop", 1)]);
    let expected = similar::of_orders(&history, &similar::ModelOptions::default());
    let products = expected.iter().filter(|s| s.sku != similar::POPULAR);
    assert_eq!(report.rebuilt[0].skus_written, products.count());
    // Five products' lists and the best-sellers', whose key no product can have.
    let read: Vec<&SimilarItems> = expected
        .iter()
        .take(5)
        .chain(expected.iter().filter(|s| s.sku == similar::POPULAR))
        .collect();
    let basket: Vec<&str> = read.iter().map(|s| s.sku.as_str()).collect();
    let keys = packwise_core::ports::OrderKeys {
        merchant: demo::MERCHANT,
        customer: "nobody",
        order_id: "none",
        centre: "BER1",
        basket_skus: basket.clone(),
        budgeted_campaigns: &[],
        insert_skus: &[],
        coupon_codes: Vec::new(),
    };
    let mut stored = store.load(&keys).await.unwrap().similar;
    stored.sort_by(|a, b| a.sku.cmp(&b.sku));
    let mut wanted: Vec<SimilarItems> = read.into_iter().cloned().collect();
    wanted.sort_by(|a, b| a.sku.cmp(&b.sku));
    assert_eq!(stored, wanted);
}

async fn object(objects: &impl Objects, key: &str) -> Vec<u8> {
    objects
        .get(key)
        .await
        .unwrap_or_else(|| panic!("no object at {key}"))
}

/// A manifest row with the time it sorts by.
type TimedRow = (DateTime<Utc>, Vec<String>);

/// One CSV file's rows after its header.
fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    csv::Reader::from_reader(bytes)
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

/// A wave's pick lists, written where the warehouse reads them: one per centre with
/// orders in the wave, whose totals and manifest say what the orders' instructions say.
/// Run again, the same keys get the same bytes.
pub async fn a_waves_pick_lists_match_its_instructions<S, K>(
    processor: Processor<S, K>,
    objects: impl Objects,
) where
    S: ConfigStore + OrderStore,
    K: ObjectSink,
{
    let orders = orders(80);
    let report = handle_order_messages(&processor, &sqs_event(&messages(&orders)), 4).await;
    assert_eq!((report.processed, report.failed.len()), (80, 0));
    let mut times: Vec<_> = orders.iter().map(|o| o.placed_at).collect();
    times.sort();
    let length = WaveLength::minutes(240).unwrap();
    let wave = Wave::containing(times[times.len() / 2], length);

    // What the instructions say, per centre: units per insert and a row per order with
    // something to pull.
    let mut totals: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    let mut rows: BTreeMap<String, Vec<TimedRow>> = BTreeMap::new();
    let mut counted: BTreeMap<String, usize> = BTreeMap::new();
    for order in orders.iter().filter(|o| wave.contains(o.placed_at)) {
        let bytes = stored_instruction(&processor, &objects, order).await;
        let instruction: PickPackInstruction = serde_json::from_slice(&bytes).unwrap();
        let centre = order.fulfillment_centre.clone();
        *counted.entry(centre.clone()).or_default() += 1;
        let skus: Vec<String> = instruction.inserts.iter().map(|i| i.sku.clone()).collect();
        for sku in &skus {
            *totals
                .entry(centre.clone())
                .or_default()
                .entry(sku.clone())
                .or_default() += 1;
        }
        let coupon = instruction.coupon.map(|c| c.code).unwrap_or_default();
        if skus.is_empty() && coupon.is_empty() {
            continue;
        }
        let row = vec![
            order.order_id.clone(),
            order.customer.id.clone(),
            order
                .placed_at
                .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
            skus.join(";"),
            coupon,
        ];
        rows.entry(centre).or_default().push((order.placed_at, row));
    }
    assert!(
        counted.values().sum::<usize>() < orders.len(),
        "some orders are outside the wave"
    );
    let units: u64 = totals.values().flat_map(|t| t.values()).sum();
    assert!(units > 0, "the demo campaigns add inserts in the wave");

    let job = PickListJob {
        wave,
        merchant: None,
        centre: None,
        // The merchant's: the demo prints slips on 4x6 labels, and lists on A4.
        paper: None,
    };
    let report = write_pick_lists(&processor.store, &processor.sink, job)
        .await
        .unwrap();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    let centres: Vec<(&str, usize)> = report
        .written
        .iter()
        .map(|w| (w.centre.as_str(), w.orders))
        .collect();
    let expected: Vec<(&str, usize)> = counted.iter().map(|(c, n)| (c.as_str(), *n)).collect();
    assert_eq!(centres, expected);

    let day_and_times = wave.key_part();
    let mut pdfs = Vec::new();
    for written in &report.written {
        let stem = format!(
            "picklists/{}/{}/{day_and_times}",
            demo::MERCHANT,
            written.centre
        );
        assert_eq!(
            written.keys,
            [
                format!("{stem}.totals.csv"),
                format!("{stem}.manifest.csv"),
                format!("{stem}.pdf")
            ]
        );
        let catalog: BTreeMap<String, String> = demo::inserts()
            .into_iter()
            .map(|i| (i.sku, i.name))
            .collect();
        let expected_totals: Vec<Vec<String>> = totals
            .get(&written.centre)
            .into_iter()
            .flatten()
            .map(|(sku, n)| vec![sku.clone(), catalog[sku].clone(), n.to_string()])
            .collect();
        assert_eq!(
            csv_rows(&object(&objects, &format!("{stem}.totals.csv")).await),
            expected_totals
        );
        let mut expected_rows = rows.remove(&written.centre).unwrap_or_default();
        expected_rows.sort_by(|a, b| (a.0, &a.1[0]).cmp(&(b.0, &b.1[0])));
        let expected_rows: Vec<Vec<String>> = expected_rows.into_iter().map(|(_, r)| r).collect();
        assert_eq!(
            csv_rows(&object(&objects, &format!("{stem}.manifest.csv")).await),
            expected_rows
        );
        let pdf = object(&objects, &format!("{stem}.pdf")).await;
        assert!(pdf.starts_with(b"%PDF-"), "{stem}.pdf is a PDF");
        let a4 = b"/MediaBox [0 0 595.276 841.89]";
        assert!(
            pdf.windows(a4.len()).any(|w| w == a4),
            "{stem}.pdf is on A4"
        );
        pdfs.push(pdf);
    }

    // The same wave again: the same keys, the same bytes.
    let again = write_pick_lists(&processor.store, &processor.sink, job)
        .await
        .unwrap();
    assert_eq!(again.written, report.written);
    for (written, pdf) in again.written.iter().zip(&pdfs) {
        assert_eq!(&objects.get(&written.keys[2]).await.unwrap(), pdf);
    }

    // A merchant without settings is reported by name, and nothing is written for it.
    let unknown = write_pick_lists(
        &processor.store,
        &processor.sink,
        PickListJob {
            merchant: Some("no-such-shop"),
            ..job
        },
    )
    .await
    .unwrap();
    assert!(unknown.written.is_empty());
    assert_eq!(unknown.failed.len(), 1);
    assert_eq!(
        unknown.failed[0].1.to_string(),
        "no merchant no-such-shop: it has no settings"
    );
}
