//! The order-processor's handler with many batches at once, over DynamoDB Local (which
//! isolates concurrent transactions as DynamoDB does, where moto cannot) and the moto
//! server's S3: limits hold when processors race, and every order is accounted for.
//! The full-size runs are `scripts/load` and `scripts/cost`; these are their CI size.

use std::collections::BTreeMap;

use packwise_core::ports::{ConfigStore, Expect, ISSUED, OrderStore};
use packwise_core::{Campaign, PickPackInstruction};
use packwise_e2e::load::{LoadOptions, Stack, account, run};
use serde_json::json;

const MERCHANT: &str = "demo-shop";
const BUDGET: u64 = 500;
const PER_CUSTOMER: usize = 2;
const STOCK_PER_CENTRE: i64 = 150;

/// The demo shop with its campaigns replaced by two that race for shared limits: a
/// coupon with a budget and a per-customer cap, and an insert with little stock.
/// Returns the insert's SKU and its centres.
async fn limited_shop(stack: &Stack) -> (String, Vec<String>) {
    let store = &stack.store;
    for campaign in store.campaigns(MERCHANT).await.unwrap() {
        store
            .delete_campaign(MERCHANT, &campaign.id, campaign.version)
            .await
            .unwrap();
    }
    let mut card = store
        .inserts(MERCHANT)
        .await
        .unwrap()
        .into_iter()
        .min_by_key(|i| i.weight_grams)
        .expect("the demo shop has inserts");
    let centres: Vec<String> = card.stock.keys().cloned().collect();
    for units in card.stock.values_mut() {
        *units = STOCK_PER_CENTRE;
    }
    store
        .put_insert(MERCHANT, &card, Expect::Any)
        .await
        .unwrap();
    let campaigns = json!([
        {"id": "limited", "name": "500 coupons", "status": "active", "priority": 20,
         "budget": BUDGET, "frequency_cap": {"max": PER_CUSTOMER, "window_days": 365},
         "actions": {"coupon": {"value": {"kind": "percent", "percent": "10"},
                                "expires_in_days": 30, "prefix": "LTD"}}},
        {"id": "card", "name": "A card while they last", "status": "active", "priority": 10,
         "actions": {"inserts": [{"sku": card.sku}]}}
    ]);
    for campaign in serde_json::from_value::<Vec<Campaign>>(campaigns).unwrap() {
        store
            .put_campaign(MERCHANT, &campaign, Expect::Absent)
            .await
            .unwrap();
    }
    (card.sku, centres)
}

async fn instructions(stack: &Stack, keys: &[String]) -> Vec<PickPackInstruction> {
    let mut found = Vec::new();
    for key in keys.iter().filter(|k| k.ends_with(".json")) {
        let object = stack
            .clients
            .s3
            .get_object()
            .bucket(&stack.bucket)
            .key(key)
            .send()
            .await
            .unwrap();
        let bytes = object.body.collect().await.unwrap().into_bytes();
        found.push(serde_json::from_slice(&bytes).unwrap());
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thirty_two_processors_issue_exactly_the_budget_and_overdraw_no_cap_or_stock() {
    let stack = Stack::demo_shop().await;
    let (card, centres) = limited_shop(&stack).await;
    let mut options = LoadOptions::new(2400);
    options.concurrent = 32;
    // The limits are what is raced for; slips would only slow the run down.
    options.slips = false;
    let report = run(&stack, &options).await;
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    eprintln!("delivered again: {:?}", report.passing_failures);
    let keys = stack.object_keys().await;
    assert_eq!(account(&options, &report, &keys).with_objects, 2400);

    let counters = stack.store.counters(MERCHANT, "limited").await.unwrap();
    assert_eq!(counters[ISSUED], BUDGET, "the budget is spent exactly");
    let done = instructions(&stack, &keys).await;
    let mut coupons_per_customer: BTreeMap<&str, usize> = BTreeMap::new();
    let mut cards_per_centre: BTreeMap<&str, i64> = BTreeMap::new();
    for instruction in &done {
        if instruction
            .coupon
            .as_ref()
            .is_some_and(|c| c.campaign == "limited")
        {
            *coupons_per_customer
                .entry(&instruction.customer_id)
                .or_default() += 1;
        }
        if instruction.inserts.iter().any(|i| i.sku == card) {
            *cards_per_centre
                .entry(&instruction.fulfillment_centre)
                .or_default() += 1;
        }
    }
    assert_eq!(
        coupons_per_customer.values().sum::<usize>() as u64,
        BUDGET,
        "parcels with a coupon"
    );
    let most = coupons_per_customer.values().max().copied().unwrap_or(0);
    assert!(most <= PER_CUSTOMER, "a customer got {most} coupons");
    assert_eq!(
        most, PER_CUSTOMER,
        "the cap was reached, so it was raced for"
    );

    let stock = stack
        .store
        .inserts(MERCHANT)
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.sku == card)
        .unwrap()
        .stock;
    for centre in &centres {
        let given = cards_per_centre.get(centre.as_str()).copied().unwrap_or(0);
        assert_eq!(
            given + stock[centre],
            STOCK_PER_CENTRE,
            "{centre}: cards given and left"
        );
        assert_eq!(stock[centre], 0, "{centre}: every card went, none twice");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_load_run_accounts_for_every_order_sent() {
    let stack = Stack::demo_shop().await;
    let mut options = LoadOptions::new(120);
    options.bad_every = Some(25);
    let report = run(&stack, &options).await;
    let accounting = account(&options, &report, &stack.object_keys().await);
    assert!(accounting.lost.is_empty(), "{accounting:?}");
    assert!(accounting.failed_with_objects.is_empty(), "{accounting:?}");
    assert_eq!(accounting.failed, 4, "the orders sent without lines");
    assert_eq!(accounting.with_objects, 116);
    for reason in report.failed.values() {
        assert!(
            reason.contains("an order needs at least one line"),
            "{reason}"
        );
    }
    // Each bad order is delivered five times, as SQS would before its dead-letter queue:
    // four more deliveries each, in four batches. Any other order delivered again lost
    // a race to another batch on an earlier delivery (or waited for an earlier order of
    // its customer that did) and got through on a later one.
    let raced = report.redelivered - 4 * 4;
    assert_eq!(raced, report.passing_failures.len());
    for (order, reason) in &report.passing_failures {
        assert!(
            reason.contains("concurrent") || reason.contains("held back"),
            "{order}: {reason}"
        );
    }
    assert!(
        report.handler_times.len() >= 12 + 4 * 4,
        "a call per delivery"
    );
    assert!(report.requests["S3.PutObject"] >= 3 * 116);
    assert!(report.capacity["TransactWriteItems"].write > 0.0);
}
