//! Scenarios of a campaign's results: stats over processed orders and previews of a
//! draft on the latest orders. Orders go through the real processor into the store the
//! API reads.

use std::collections::BTreeMap;
use std::time::Duration;

use axum::http::{Method, StatusCode, header};
use packwise_core::instruction::{Outcome, PickPackInstruction};
use packwise_core::ports::{ConfigStore, Expect};
use packwise_core::process::Processor;
use packwise_core::{Campaign, Order};
use packwise_embedded::FileSink;
use rust_decimal::Decimal;
use serde_json::json;

use super::Shop;

/// Processes orders of `merchant` into the shop's store, as the order processor would.
pub struct Orders<S: packwise_api::ApiStore + Clone> {
    processor: Processor<S, FileSink>,
    _out: tempfile::TempDir,
}

impl<S: packwise_api::ApiStore + Clone> Orders<S> {
    pub fn new(shop: &Shop<S>) -> Self {
        let out = tempfile::tempdir().unwrap();
        let sink = FileSink::new(out.path().to_path_buf());
        Orders {
            processor: Processor::new((*shop.store).clone(), sink, Duration::ZERO),
            _out: out,
        }
    }

    pub async fn process(&self, order: &Order) -> PickPackInstruction {
        self.processor.process(order).await.unwrap().instruction
    }
}

/// An order of one mint tea line at `total` EUR, placed `at`.
pub fn order(merchant: &str, id: &str, customer: &str, at: &str, total: &str) -> Order {
    let mut order: Order = serde_json::from_str(packwise_core::samples::ORDER_JSON).unwrap();
    order.merchant = merchant.to_string();
    order.order_id = id.to_string();
    order.customer.id = customer.to_string();
    order.placed_at = at.parse().unwrap();
    order.fulfillment_centre = "BER1".to_string();
    order.totals.total = total.parse().unwrap();
    order
}

/// A running campaign put straight into the store, started on 2026-08-01: the API
/// records a start only when a campaign starts through it, at the real time.
async fn running<S: ConfigStore>(store: &S, merchant: &str, campaign: serde_json::Value) {
    let mut campaign: Campaign = serde_json::from_value(campaign).unwrap();
    campaign.version = 1;
    campaign.started_at = Some("2026-08-01T00:00:00Z".parse().unwrap());
    store
        .put_campaign(merchant, &campaign, Expect::Absent)
        .await
        .unwrap();
}

fn outcome(instruction: &PickPackInstruction, campaign: &str) -> Option<Outcome> {
    instruction
        .campaigns
        .iter()
        .find(|c| c.campaign == campaign)
        .map(|c| c.outcome.clone())
}

pub async fn campaign_stats_count_exposures_redemptions_and_the_lift<
    S: packwise_api::ApiStore + Clone,
>(
    shop: Shop<S>,
) {
    running(
        &*shop.store,
        "alpha",
        json!({
            "id": "thanks", "name": "Thank you", "status": "active",
            "holdout_percent": "50", "budget": 1000,
            "actions": {"inserts": [{"sku": "CARD-THANKS"}],
                        "coupon": {"value": {"kind": "percent", "percent": "10"},
                                   "expires_in_days": 60, "prefix": "THANKS"}}
        }),
    )
    .await;
    let orders = Orders::new(&shop);

    // 40 customers order in September; every third comes back 10 days later (with the
    // code, if they got one), every fifth after 60 days: outside a 30-day window.
    let mut group: BTreeMap<String, Outcome> = BTreeMap::new();
    let (mut issued, mut held_out) = (0, 0);
    let mut coupons = BTreeMap::new();
    for i in 0..40 {
        let customer = format!("c{i:02}");
        let at = format!("2026-09-{:02}T10:00:00Z", 1 + i % 20);
        let first = orders
            .process(&order("alpha", &format!("A{i}"), &customer, &at, "20.00"))
            .await;
        let seen = outcome(&first, "thanks").expect("every order matches");
        match seen {
            Outcome::Applied => issued += 1,
            Outcome::HeldOut => held_out += 1,
            ref other => panic!("{other:?}"),
        }
        if let Some(coupon) = &first.coupon {
            coupons.insert(customer.clone(), coupon.code.clone());
        }
        group.insert(customer, seen);
    }
    let mut repeaters: BTreeMap<&str, u32> = BTreeMap::new();
    let (mut redeemed, mut revenue) = (0, Decimal::ZERO);
    for i in 0..40 {
        let customer = format!("c{i:02}");
        let days = match i {
            _ if i % 3 == 0 => 10,
            _ if i % 5 == 0 => 60,
            _ => continue,
        };
        let at = format!("2026-09-{:02}T10:00:00Z", 1 + i % 20);
        let mut again = order(
            "alpha",
            &format!("B{i}"),
            &customer,
            &at,
            &format!("{}.50", 30 + i),
        );
        again.placed_at += chrono::Duration::days(days);
        if let Some(code) = coupons.get(&customer) {
            again.discount_codes = vec![code.clone()];
            redeemed += 1;
            revenue += again.totals.total;
        }
        let second = orders.process(&again).await;
        match outcome(&second, "thanks") {
            Some(Outcome::Applied) => issued += 1,
            Some(Outcome::HeldOut) => held_out += 1,
            other => panic!("{other:?}"),
        }
        if days == 10 {
            let side = match group[&customer] {
                Outcome::Applied => "treated",
                _ => "held_out",
            };
            *repeaters.entry(side).or_default() += 1;
        }
    }
    let treated = group.values().filter(|g| **g == Outcome::Applied).count();
    assert!(
        treated > 5 && treated < 35,
        "both groups are well filled: {treated}"
    );

    let stats = shop.get("/v1/campaigns/thanks/stats", &shop.alpha).await;
    assert_eq!(stats.status, StatusCode::OK, "{}", stats.body);
    let body = &stats.body;
    assert_eq!(body["campaign"], "thanks");
    assert_eq!(body["started_at"], "2026-08-01T00:00:00Z");
    assert_eq!(body["issued"], issued);
    assert_eq!(body["held_out"], held_out);
    assert_eq!(
        body["coupons_issued"], issued,
        "every parcel got the coupon"
    );
    assert_eq!(body["coupons_redeemed"], redeemed);
    assert!(redeemed > 0);
    assert_eq!(body["attributed_revenue"]["EUR"], revenue.to_string());
    let lift = &body["repeat_purchase"];
    assert_eq!(lift["window_days"], 30.0);
    assert_eq!(lift["treated"]["customers"], treated);
    assert_eq!(lift["held_out"]["customers"], 40 - treated);
    assert_eq!(lift["treated"]["repeaters"], repeaters["treated"]);
    assert_eq!(lift["held_out"]["repeaters"], repeaters["held_out"]);
    let rate = |side: &str, n: usize| f64::from(repeaters[side]) / n as f64;
    let expected = rate("treated", treated) - rate("held_out", 40 - treated);
    let absolute = lift["absolute_lift"].as_f64().unwrap();
    assert!(
        (absolute - expected).abs() < 1e-9,
        "{absolute} vs {expected}"
    );
    let (lower, upper) = (
        lift["interval_95"]["lower"].as_f64().unwrap(),
        lift["interval_95"]["upper"].as_f64().unwrap(),
    );
    assert!(lower < absolute && absolute < upper, "{lift}");

    // A 60-day window counts the customers who came back after 60 days too.
    let wide = shop
        .get("/v1/campaigns/thanks/stats?window_days=60", &shop.alpha)
        .await;
    let more = wide.body["repeat_purchase"]["treated"]["repeaters"]
        .as_u64()
        .unwrap()
        + wide.body["repeat_purchase"]["held_out"]["repeaters"]
            .as_u64()
            .unwrap();
    let late = (0..40).filter(|i| i % 3 != 0 && i % 5 == 0).count() as u64;
    assert_eq!(
        more,
        u64::from(repeaters.values().sum::<u32>()) + late,
        "{}",
        wide.body
    );
}

pub async fn stats_refuse_a_bad_window_and_another_merchants_campaign<
    S: packwise_api::ApiStore + Clone,
>(
    shop: Shop<S>,
) {
    let created = shop
        .post("/v1/campaigns", &shop.alpha, super::campaign("thanks"))
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let stats = shop.get("/v1/campaigns/thanks/stats", &shop.alpha).await;
    assert_eq!(stats.status, StatusCode::OK);
    assert_eq!(stats.body["issued"], 0);
    assert_eq!(stats.body["started_at"], serde_json::Value::Null, "a draft");
    assert_eq!(stats.body["repeat_purchase"]["absolute_lift"], json!(null));

    for bad in [
        "window_days=0",
        "window_days=366",
        "window_days=x",
        "days=3",
    ] {
        let answer = shop
            .get(&format!("/v1/campaigns/thanks/stats?{bad}"), &shop.alpha)
            .await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(answer.body["type"], "/problems/invalid-query", "{bad}");
    }
    let theirs = shop.get("/v1/campaigns/thanks/stats", &shop.beta).await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    let missing = shop.get("/v1/campaigns/nope/stats", &shop.alpha).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    // Activating through the API records the start.
    let started = shop
        .action("/v1/campaigns/thanks/activate", &shop.alpha)
        .await;
    assert_eq!(started.status, StatusCode::OK, "{}", started.body);
    let at = started.body["started_at"].as_str().unwrap().to_string();
    let paused = shop.action("/v1/campaigns/thanks/pause", &shop.alpha).await;
    let resumed = shop
        .action("/v1/campaigns/thanks/resume", &shop.alpha)
        .await;
    assert_eq!(paused.body["started_at"], at);
    assert_eq!(resumed.body["started_at"], at, "the first start is kept");
}

/// Twelve September orders of six customers, the first two older than a preview of ten
/// reaches; c5's second order ships from a centre that stocks no inserts.
async fn twelve_orders<S: packwise_api::ApiStore + Clone>(shop: &Shop<S>) {
    let orders = Orders::new(shop);
    let plan = [
        "c1", "c2", "c3", "c1", "c2", "c4", "c1", "c3", "c5", "c6", "c4", "c5",
    ];
    for (i, customer) in plan.iter().enumerate() {
        let at = format!("2026-09-{:02}T10:00:00Z", i + 1);
        let mut o = order("alpha", &format!("O{}", i + 1), customer, &at, "25.00");
        if i == 11 {
            o.fulfillment_centre = "LON1".into();
        }
        orders.process(&o).await;
    }
}

fn loyal(budget: u64) -> serde_json::Value {
    json!({
        "id": "loyal", "name": "Loyal thanks", "priority": 10,
        "condition": "customer.orders_before >= 1", "exclusive_group": "coupon",
        "budget": budget, "frequency_cap": {"max": 1, "window_days": 30},
        "actions": {
            "inserts": [{"sku": "CARD-THANKS"}],
            "coupon": {"value": {"kind": "percent", "percent": "15"},
                       "expires_in_days": 30, "prefix": "LOYAL"},
            "message": {"templates": {"en": "Thanks for coming back, {{ first_name }}!"}}
        }
    })
}

/// Everything a preview could change if it wrote.
async fn state<S: packwise_api::ApiStore>(shop: &Shop<S>) -> String {
    let store = &*shop.store;
    let mut seen = Vec::new();
    for campaign in ["loyal", "welcome"] {
        seen.push(format!(
            "{:?}",
            store.counters("alpha", campaign).await.unwrap()
        ));
    }
    seen.push(format!("{:?}", store.inserts("alpha").await.unwrap()));
    for c in 1..=6 {
        let customer = format!("c{c}");
        seen.push(format!(
            "{:?}",
            store.profile("alpha", &customer).await.unwrap()
        ));
        seen.push(format!(
            "{:?}",
            store.history("alpha", &customer).await.unwrap()
        ));
    }
    seen.push(format!("{:?}", store.campaigns("alpha").await.unwrap()));
    seen.join("\n")
}

pub async fn a_draft_is_previewed_on_the_latest_orders_and_nothing_is_written<
    S: packwise_api::ApiStore + Clone,
>(
    shop: Shop<S>,
) {
    running(
        &*shop.store,
        "alpha",
        json!({
            "id": "welcome", "name": "Welcome", "status": "active", "priority": 50,
            "condition": "customer.first_order", "exclusive_group": "coupon",
            "actions": {"coupon": {"value": {"kind": "percent", "percent": "10"},
                                   "expires_in_days": 60, "prefix": "WELCOME"}}
        }),
    )
    .await;
    twelve_orders(&shop).await;
    let created = shop.post("/v1/campaigns", &shop.alpha, loyal(5)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let before = state(&shop).await;

    let answer = shop
        .action("/v1/campaigns/loyal/preview?orders=10", &shop.alpha)
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let p = &answer.body;
    assert_eq!(p["campaign"], "loyal");
    assert_eq!(p["orders"], 10);
    assert_eq!(p["first_order_at"], "2026-09-03T10:00:00Z");
    assert_eq!(p["last_order_at"], "2026-09-12T10:00:00Z");
    // Repeat orders in reach: O4 (c1), O5 (c2), O7 (c1 again, 3 days after the
    // campaign's touch on O4: capped), O8 (c3), O11 (c4), O12 (c5).
    assert_eq!(p["matched"], 6, "{p}");
    assert_eq!(p["applied"], 5);
    assert_eq!(p["held_out"], 0);
    assert_eq!(p["suppressed"], json!({"frequency_cap": 1}));
    assert_eq!(p["not_matched"], 4);
    assert_eq!(p["errors"], 0);
    assert_eq!(
        p["actions_skipped"],
        json!({"out_of_stock": 1}),
        "LON1 stocks no cards"
    );
    assert_eq!(
        p["centres"],
        json!({"BER1": {"inserts": {"CARD-THANKS": 4}, "coupons": 4},
               "LON1": {"inserts": {}, "coupons": 1}})
    );
    let samples = p["samples"].as_array().unwrap();
    let ids: Vec<&str> = samples
        .iter()
        .map(|s| s["order_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["O4", "O5", "O8", "O11", "O12"],
        "applied orders first"
    );
    let first = &samples[0];
    assert_eq!(first["explanation"]["verdict"], "applied");
    assert_eq!(first["inserts"], json!(["CARD-THANKS"]));
    assert!(
        first["coupon"]["code"]
            .as_str()
            .unwrap()
            .starts_with("LOYAL-")
    );
    assert_eq!(first["message"], "Thanks for coming back, Sam!");
    assert_eq!(state(&shop).await, before, "a preview writes nothing");

    // A change not saved yet: a budget of two stops every match after the second.
    let unsaved = shop
        .post("/v1/campaigns/preview?orders=10", &shop.alpha, loyal(2))
        .await;
    assert_eq!(unsaved.status, StatusCode::OK, "{}", unsaved.body);
    assert_eq!(unsaved.body["applied"], 2);
    assert_eq!(
        unsaved.body["suppressed"],
        json!({"budget": 4}),
        "a spent budget is the limit named, before the frequency cap"
    );
    let everything = shop
        .action("/v1/campaigns/loyal/preview", &shop.alpha)
        .await;
    assert_eq!(everything.body["orders"], 12, "all there are, up to 200");
    assert_eq!(state(&shop).await, before);
}

pub async fn previews_refuse_bad_input_and_see_only_the_callers_orders<
    S: packwise_api::ApiStore + Clone,
>(
    shop: Shop<S>,
) {
    twelve_orders(&shop).await;
    let created = shop.post("/v1/campaigns", &shop.alpha, loyal(5)).await;
    assert_eq!(created.status, StatusCode::CREATED);
    for bad in ["orders=0", "orders=1001", "orders=ten", "limit=5"] {
        let answer = shop
            .action(&format!("/v1/campaigns/loyal/preview?{bad}"), &shop.alpha)
            .await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(answer.body["type"], "/problems/invalid-query");
    }
    let mut broken = loyal(5);
    broken["condition"] = json!("customer.orders_before >=");
    broken["actions"]["inserts"] = json!([{"sku": "NO-SUCH-CARD"}]);
    let refused = shop
        .post("/v1/campaigns/preview", &shop.alpha, broken)
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refused.fields(),
        ["condition", "actions.inserts[0].sku"],
        "{}",
        refused.body
    );
    let theirs = shop.action("/v1/campaigns/loyal/preview", &shop.beta).await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    let own = shop
        .post("/v1/campaigns/preview", &shop.beta, loyal(5))
        .await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.body);
    assert_eq!(
        own.body["orders"], 0,
        "beta has no orders; alpha's are not read"
    );
    assert_eq!(own.body["samples"], json!([]));
}

pub async fn inserts_running_low_are_reported_from_the_last_week_of_parcels<
    S: packwise_api::ApiStore + Clone,
>(
    shop: Shop<S>,
) {
    for (sku, stock, threshold) in [
        ("CARD-FAST", json!({"BER1": 10, "LON1": 50}), 2),
        ("CARD-SLOW", json!({"BER1": 1}), 1),
    ] {
        let body = super::insert(sku, stock, threshold);
        let put = shop
            .put(&format!("/v1/inserts/{sku}"), &shop.alpha, body, None)
            .await;
        assert!(put.status.is_success(), "{}", put.body);
    }
    running(
        &*shop.store,
        "alpha",
        json!({"id": "fast", "name": "Fast card", "status": "active",
               "actions": {"inserts": [{"sku": "CARD-FAST"}]}}),
    )
    .await;
    // Seven parcels from BER1, one of them eight days ago: six count as last week's pace.
    let orders = Orders::new(&shop);
    let now = chrono::Utc::now();
    for (i, hours_ago) in [8 * 24, 100, 80, 60, 40, 20, 2].into_iter().enumerate() {
        let at = (now - chrono::Duration::hours(hours_ago)).to_rfc3339();
        let o = order("alpha", &format!("L{i}"), &format!("c{i}"), &at, "10.00");
        let instruction = orders.process(&o).await;
        assert_eq!(instruction.inserts.len(), 1);
    }

    let report = shop.get("/v1/low-stock", &shop.alpha).await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.body);
    let items = report.body["items"].as_array().unwrap();
    let rows: Vec<(&str, &str)> = items
        .iter()
        .map(|i| (i["sku"].as_str().unwrap(), i["centre"].as_str().unwrap()))
        .collect();
    assert_eq!(rows, [("CARD-FAST", "BER1"), ("CARD-SLOW", "BER1")]);
    let fast = &items[0];
    assert_eq!(fast["stock"], 3);
    assert_eq!(fast["used_last_7_days"], 6);
    assert_eq!(fast["days_left"], 3.5, "3 units at 6 a week");
    assert_eq!(fast["reasons"], json!(["runs_out_within_a_week"]));
    assert_eq!(items[1]["reasons"], json!(["at_or_below_threshold"]));
    assert_eq!(items[1]["days_left"], json!(null));

    let theirs = shop.get("/v1/low-stock", &shop.beta).await;
    assert_eq!(theirs.status, StatusCode::OK);
    assert_eq!(theirs.body["items"], json!([]), "beta's own inserts only");
}

pub async fn an_insert_no_running_campaign_names_is_deleted<S: packwise_api::ApiStore + Clone>(
    shop: Shop<S>,
) {
    let card = shop
        .put(
            "/v1/inserts/CARD-OLD",
            &shop.alpha,
            super::insert("CARD-OLD", json!({"BER1": 5}), 0),
            None,
        )
        .await;
    assert_eq!(card.status, StatusCode::CREATED);
    let mut uses = super::campaign("uses-old");
    uses["actions"]["inserts"] = json!([{"sku": "CARD-THANKS", "fallback": "CARD-OLD"}]);
    let created = shop.post("/v1/campaigns", &shop.alpha, uses).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);

    let in_use = shop
        .send(
            Method::DELETE,
            "/v1/inserts/CARD-OLD",
            Some(&shop.alpha),
            None,
            &[],
        )
        .await;
    assert_eq!(in_use.status, StatusCode::CONFLICT);
    assert_eq!(in_use.body["type"], "/problems/insert-in-use");
    assert!(in_use.body["detail"].as_str().unwrap().contains("uses-old"));

    // Another merchant cannot delete it, even with its ETag.
    let etag = card.header(header::ETAG).to_string();
    let theirs = shop
        .send(
            Method::DELETE,
            "/v1/inserts/CARD-OLD",
            Some(&shop.beta),
            None,
            &[(header::IF_MATCH, &etag)],
        )
        .await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);

    let archived = shop
        .action("/v1/campaigns/uses-old/archive", &shop.alpha)
        .await;
    assert_eq!(archived.status, StatusCode::OK, "{}", archived.body);
    let stale = shop
        .send(
            Method::DELETE,
            "/v1/inserts/CARD-OLD",
            Some(&shop.alpha),
            None,
            &[(header::IF_MATCH, "\"7\"")],
        )
        .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    let deleted = shop
        .send(
            Method::DELETE,
            "/v1/inserts/CARD-OLD",
            Some(&shop.alpha),
            None,
            &[(header::IF_MATCH, &etag)],
        )
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let gone = shop.get("/v1/inserts/CARD-OLD", &shop.alpha).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    let again = shop
        .send(
            Method::DELETE,
            "/v1/inserts/CARD-OLD",
            Some(&shop.alpha),
            None,
            &[],
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    let beta_card = shop.get("/v1/inserts/CARD-THANKS", &shop.beta).await;
    assert_eq!(beta_card.status, StatusCode::OK, "beta's own are untouched");
}
