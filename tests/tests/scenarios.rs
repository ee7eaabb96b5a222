//! The product's scenarios, end to end: orders through the processor into the embedded
//! store and instruction files on disk.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use packwise_core::instruction::{Limit, Outcome, PickPackInstruction};
use packwise_core::order::Order;
use packwise_core::ports::{
    ConfigStore, CustomerAttributes, Expect, HELD_OUT, ISSUED, OrderStore, REDEEMED,
};
use packwise_core::process::Processor;
use packwise_core::profile::NpsAnswer;
use packwise_core::similar::Basis;
use packwise_embedded::{FileSink, SqliteStore};
use serde_json::{Value, json};

const M: &str = "teashop";

struct Shop {
    processor: Processor<SqliteStore, FileSink>,
    dir: tempfile::TempDir,
    next_order: std::cell::Cell<u32>,
}

fn campaigns() -> Value {
    json!([
        {"id": "welcome", "name": "Welcome", "status": "active", "priority": 100,
         "condition": "customer.first_order", "exclusive_group": "coupon",
         "actions": {"inserts": [{"sku": "CARD-WELCOME"}],
                     "coupon": {"value": {"kind": "percent", "percent": "10"}, "expires_in_days": 60, "prefix": "WELCOME"}}},
        {"id": "vip", "name": "VIP thanks", "status": "active", "priority": 90,
         "condition": "customer.lifetime_value >= 300.0",
         "actions": {"inserts": [{"sku": "CARD-THANKS"}, {"pick": "top_category_sample"}]}},
        {"id": "welcome-back", "name": "We missed you", "status": "active", "priority": 80,
         "condition": "customer.days_since_last_order >= 90",
         "actions": {"inserts": [{"sku": "CARD-BACK", "fallback": "CARD-BACK-OLD"}]}},
        {"id": "nps-passive", "name": "Passives", "status": "active", "priority": 70,
         "condition": "customer.nps == 7 || customer.nps == 8", "exclusive_group": "coupon",
         "actions": {"coupon": {"value": {"kind": "fixed_amount", "amount": "5", "currency": "EUR"}, "expires_in_days": 30, "prefix": "THANKS"}}},
        {"id": "nps-detractor", "name": "Detractors", "status": "active", "priority": 70,
         "condition": "customer.nps >= 0 && customer.nps <= 6", "exclusive_group": "coupon",
         "actions": {"inserts": [{"sku": "CARD-SORRY"}],
                     "coupon": {"value": {"kind": "percent", "percent": "20"}, "expires_in_days": 30, "prefix": "SORRY"}}},
        {"id": "nps-promoter", "name": "Promoters", "status": "active", "priority": 70,
         "condition": "customer.nps >= 9",
         "actions": {"inserts": [{"sku": "CARD-REFER"}]}},
        {"id": "guides", "name": "How-to guides", "status": "active", "priority": 60,
         "condition": "order.needs_guide", "actions": {"inserts": [{"pick": "basket_guides"}]}},
        {"id": "free-shipping", "name": "Spend more", "status": "active", "priority": 50,
         "condition": "order.free_shipping_gap > 0.0",
         "actions": {"message": {"templates": {
             "en": "Add {{ free_shipping_gap }} next time and shipping is on us, {{ first_name or 'friend' }}!",
             "de": "Noch {{ free_shipping_gap }} und der Versand ist gratis!"}}}},
        {"id": "birthday", "name": "Birthday", "status": "active", "priority": 40,
         "condition": "customer.is_birthday_month",
         "actions": {"inserts": [{"sku": "GIFT-BDAY"}]}},
        {"id": "review", "name": "Review request", "status": "active", "priority": 10,
         "condition": "customer.orders_before >= 1",
         "frequency_cap": {"max": 1, "window_days": 30},
         "actions": {"inserts": [{"sku": "CARD-REVIEW"}]}}
    ])
}

fn inserts() -> Value {
    let card = |sku: &str, kind: &str, stock: i64| {
        json!({"sku": sku, "name": sku, "kind": kind, "weight_grams": 10, "format": "flat",
               "stock": {"BER1": stock}})
    };
    json!([
        card("CARD-WELCOME", "welcome_card", 1000),
        card("CARD-THANKS", "thank_you_card", 1000),
        card("CARD-BACK", "welcome_back", 1),
        card("CARD-BACK-OLD", "welcome_back", 1000),
        card("CARD-SORRY", "apology_card", 1000),
        card("CARD-REFER", "referral_card", 1000),
        card("CARD-REVIEW", "review_request", 1000),
        {"sku": "GIFT-BDAY", "name": "Birthday chocolate", "kind": "gift", "weight_grams": 40,
         "format": "bulky", "stock": {"BER1": 1000}},
        {"sku": "SAMPLE-TEA", "name": "Tea sample", "kind": "sample", "weight_grams": 20,
         "format": "bulky", "stock": {"BER1": 1000}, "sample_category": "tea"},
        {"sku": "SAMPLE-COFFEE", "name": "Coffee sample", "kind": "sample", "weight_grams": 20,
         "format": "bulky", "stock": {"BER1": 1000}, "sample_category": "coffee"},
        {"sku": "GUIDE-KETTLE", "name": "Gooseneck kettle guide", "kind": "how_to_guide",
         "weight_grams": 15, "format": "flat", "stock": {"BER1": 1000}, "guides_skus": ["KETTLE"]}
    ])
}

impl Shop {
    async fn open(campaigns: Value) -> Shop {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("packwise.db")).unwrap();
        let sink = FileSink::new(dir.path().join("out"));
        store
            .put_settings(&serde_json::from_value(json!({
                "merchant": M, "name": "Tea Shop", "default_locale": "en", "default_currency": "EUR",
                "coupon_secret": "scenario-secret-0123456789", "free_shipping_threshold": "40",
                "max_inserts_per_package": 4, "max_insert_weight_grams": 150,
                "forbidden_insert_channels": ["amazon"]
            })).unwrap(), Expect::Any)
            .await
            .unwrap();
        for insert in inserts().as_array().unwrap() {
            store
                .put_insert(
                    M,
                    &serde_json::from_value(insert.clone()).unwrap(),
                    Expect::Any,
                )
                .await
                .unwrap();
        }
        for c in campaigns.as_array().unwrap() {
            let c = serde_json::from_value(c.clone()).unwrap();
            store.put_campaign(M, &c, Expect::Any).await.unwrap();
        }
        Shop {
            processor: Processor::new(store, sink, Duration::from_secs(60)),
            dir,
            next_order: std::cell::Cell::new(1),
        }
    }

    async fn standard() -> Shop {
        Shop::open(campaigns()).await
    }

    fn order(&self, customer: &str, at: &str, lines: &[(&str, &str, u32, &str)]) -> Order {
        let n = self.next_order.get();
        self.next_order.set(n + 1);
        let lines: Vec<Value> = lines
            .iter()
            .map(|(sku, cat, qty, price)| json!({"sku": sku, "title": format!("{sku} title"), "category": cat, "quantity": qty, "unit_price": price}))
            .collect();
        let subtotal: rust_decimal::Decimal = lines
            .iter()
            .map(|l| {
                l["unit_price"]
                    .as_str()
                    .unwrap()
                    .parse::<rust_decimal::Decimal>()
                    .unwrap()
                    * rust_decimal::Decimal::from(l["quantity"].as_u64().unwrap())
            })
            .sum();
        serde_json::from_value(json!({
            "merchant": M, "order_id": format!("O{n:05}"),
            "customer": {"id": customer, "first_name": "Mia", "locale": "en"},
            "placed_at": at, "channel": "web", "currency": "EUR", "fulfillment_centre": "BER1",
            "ship_to": {"name": "Mia", "line1": "1 Tea Road", "city": "Berlin", "postal_code": "10115", "country": "DE"},
            "lines": lines,
            "totals": {"subtotal": subtotal.to_string(), "total": subtotal.to_string()}
        }))
        .unwrap()
    }

    /// A big order that reaches free shipping, so only the campaigns under test show.
    fn tea(&self, customer: &str, at: &str) -> Order {
        self.order(customer, at, &[("TEA-GREEN", "tea", 5, "9.00")])
    }

    async fn process(&self, order: &Order) -> PickPackInstruction {
        let done = self.processor.process(order).await.unwrap();
        let on_disk = std::fs::read(self.dir.path().join("out").join(&done.key)).unwrap();
        assert_eq!(on_disk, done.bytes, "the file holds the instruction");
        done.instruction
    }

    async fn attributes(&self, customer: &str, attributes: Value) {
        let attrs: CustomerAttributes = serde_json::from_value(attributes).unwrap();
        self.processor
            .store
            .put_customer_attributes(M, customer, &attrs)
            .await
            .unwrap();
    }

    async fn counter(&self, campaign: &str, name: &str) -> u64 {
        let counters = self.processor.store.counters(M, campaign).await.unwrap();
        counters.get(name).copied().unwrap_or(0)
    }

    async fn stock(&self, sku: &str) -> i64 {
        let inserts = self.processor.store.inserts(M).await.unwrap();
        inserts.iter().find(|i| i.sku == sku).unwrap().stock["BER1"]
    }
}

fn skus(ins: &PickPackInstruction) -> Vec<&str> {
    ins.inserts.iter().map(|i| i.sku.as_str()).collect()
}

fn outcome<'a>(ins: &'a PickPackInstruction, campaign: &str) -> Option<&'a Outcome> {
    ins.campaigns
        .iter()
        .find(|c| c.campaign == campaign)
        .map(|c| &c.outcome)
}

#[tokio::test]
async fn a_first_order_gets_a_welcome_card_and_a_ten_percent_coupon() {
    let shop = Shop::standard().await;
    let order = shop.tea("new", "2026-05-04T10:00:00Z");
    let ins = shop.process(&order).await;
    assert_eq!(skus(&ins), ["CARD-WELCOME"]);
    let coupon = ins.coupon.as_ref().unwrap();
    assert!(coupon.code.starts_with("WELCOME-"));
    assert!(coupon.text.starts_with("10% off your next order"));
    let stored = shop
        .processor
        .store
        .coupon(M, &coupon.code)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (stored.campaign.as_str(), stored.order_id.as_str()),
        ("welcome", order.order_id.as_str())
    );
    let key = format!(
        "out/pickpack/teashop/BER1/2026-05-04/{}.json",
        order.order_id
    );
    assert!(
        shop.dir.path().join(key).exists(),
        "written under the S3 key layout"
    );
}

#[tokio::test]
async fn an_order_carrying_an_issued_coupon_redeems_it_once_for_its_campaign() {
    let shop = Shop::standard().await;
    let first = shop.process(&shop.tea("new", "2026-05-04T10:00:00Z")).await;
    let code = first.coupon.unwrap().code;

    // The customer comes back with the code as they typed it, beside a shop code.
    let mut back = shop.tea("new", "2026-05-20T10:00:00Z");
    back.discount_codes = vec!["SPRING5".into(), code.to_lowercase()];
    back.totals.total = "40.50".parse().unwrap();
    shop.process(&back).await;
    let stored = shop
        .processor
        .store
        .coupon(M, &code)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.redeemed.map(|r| (r.order_id, r.at)),
        Some((back.order_id.clone(), back.placed_at))
    );
    assert_eq!(shop.counter("welcome", REDEEMED).await, 1);
    assert_eq!(shop.counter("welcome", "revenue.EUR").await, 4050);

    // A friend using the same code later, and a replay of the redeeming order, add nothing.
    let mut friend = shop.tea("friend", "2026-05-21T10:00:00Z");
    friend.discount_codes = vec![code.clone()];
    shop.process(&friend).await;
    shop.process(&back).await;
    assert_eq!(shop.counter("welcome", REDEEMED).await, 1);
    assert_eq!(shop.counter("welcome", "revenue.EUR").await, 4050);
}

#[tokio::test]
async fn a_vip_gets_a_thank_you_card_and_a_sample_of_their_favourite_category() {
    let shop = Shop::standard().await;
    for day in 1..=4 {
        let o = shop.order(
            "vip",
            &format!("2026-01-0{day}T10:00:00Z"),
            &[("BEANS", "coffee", 10, "9.90")],
        );
        shop.process(&o).await;
    }
    let ins = shop.process(&shop.tea("vip", "2026-01-20T10:00:00Z")).await;
    assert_eq!(&skus(&ins)[..2], ["CARD-THANKS", "SAMPLE-COFFEE"]);
    assert_eq!(outcome(&ins, "vip"), Some(&Outcome::Applied));
}

#[tokio::test]
async fn a_customer_back_after_ninety_days_gets_a_welcome_back_card_with_fallback() {
    let shop = Shop::standard().await;
    shop.process(&shop.tea("a", "2026-01-01T10:00:00Z")).await;
    shop.process(&shop.tea("b", "2026-01-01T11:00:00Z")).await;
    let a = shop.process(&shop.tea("a", "2026-04-15T10:00:00Z")).await;
    assert!(skus(&a).contains(&"CARD-BACK"));
    // The only CARD-BACK is gone: the next lapsed customer gets the fallback.
    let b = shop.process(&shop.tea("b", "2026-04-15T11:00:00Z")).await;
    assert!(skus(&b).contains(&"CARD-BACK-OLD"), "{:?}", skus(&b));
    assert!(
        b.inserts
            .iter()
            .any(|i| i.reason.contains("instead of CARD-BACK"))
    );
    assert_eq!(shop.stock("CARD-BACK").await, 0);
    // 89 days is not lapsed.
    shop.process(&shop.tea("c", "2026-01-01T10:00:00Z")).await;
    let c = shop.process(&shop.tea("c", "2026-03-31T09:00:00Z")).await;
    assert!(outcome(&c, "welcome-back").is_none());
}

#[tokio::test]
async fn nps_answers_pick_discount_apology_or_referral() {
    let shop = Shop::standard().await;
    let at: DateTime<Utc> = "2026-02-01T00:00:00Z".parse().unwrap();
    for (customer, score) in [("passive", 7), ("detractor", 3), ("promoter", 10)] {
        shop.process(&shop.tea(customer, "2026-01-05T10:00:00Z"))
            .await;
        shop.attributes(customer, json!({"nps": NpsAnswer { score, at }}))
            .await;
    }
    let passive = shop
        .process(&shop.tea("passive", "2026-02-10T10:00:00Z"))
        .await;
    let c = passive.coupon.as_ref().unwrap();
    assert!(
        c.code.starts_with("THANKS-") && c.text.starts_with("5.00 EUR off"),
        "{}",
        c.text
    );
    let detractor = shop
        .process(&shop.tea("detractor", "2026-02-10T10:00:00Z"))
        .await;
    assert!(skus(&detractor).contains(&"CARD-SORRY"));
    assert!(
        detractor
            .coupon
            .as_ref()
            .unwrap()
            .code
            .starts_with("SORRY-")
    );
    let promoter = shop
        .process(&shop.tea("promoter", "2026-02-10T10:00:00Z"))
        .await;
    assert!(skus(&promoter).contains(&"CARD-REFER"));
    assert!(promoter.coupon.is_none());
}

#[tokio::test]
async fn marketplaces_that_forbid_inserts_get_none() {
    let shop = Shop::standard().await;
    let mut order = shop.tea("new", "2026-05-04T10:00:00Z");
    order.channel = packwise_core::order::Channel::Amazon;
    let ins = shop.process(&order).await;
    assert!(ins.inserts.is_empty() && ins.coupon.is_none() && ins.message.is_none());
    assert!(matches!(
        outcome(&ins, "welcome"),
        Some(Outcome::Suppressed {
            limit: Limit::ChannelForbidsMarketing { .. }
        })
    ));
    assert_eq!(
        shop.stock("CARD-WELCOME").await,
        1000,
        "nothing taken from stock"
    );
}

#[tokio::test]
async fn a_basket_with_a_product_that_needs_a_guide_gets_it() {
    let shop = Shop::standard().await;
    let order = shop.order(
        "k",
        "2026-05-04T10:00:00Z",
        &[("KETTLE", "kitchen", 1, "45.00")],
    );
    let ins = shop.process(&order).await;
    assert!(skus(&ins).contains(&"GUIDE-KETTLE"));
}

#[tokio::test]
async fn a_basket_under_the_free_shipping_threshold_gets_a_spend_more_message() {
    let shop = Shop::standard().await;
    let order = shop.order(
        "s",
        "2026-05-04T10:00:00Z",
        &[("TEA-GREEN", "tea", 1, "9.00")],
    );
    let ins = shop.process(&order).await;
    let m = ins.message.as_ref().unwrap();
    assert_eq!(
        m.text,
        "Add 31.00 EUR next time and shipping is on us, Mia!"
    );
    let big = shop.process(&shop.tea("t", "2026-05-04T10:00:00Z")).await;
    assert!(big.message.is_none());
}

#[tokio::test]
async fn the_birthday_month_gets_a_gift() {
    let shop = Shop::standard().await;
    shop.attributes("bday", json!({"birthday": "1991-05-17"}))
        .await;
    let ins = shop
        .process(&shop.tea("bday", "2026-05-04T10:00:00Z"))
        .await;
    assert!(skus(&ins).contains(&"GIFT-BDAY"));
    let june = shop
        .process(&shop.tea("bday", "2026-06-04T10:00:00Z"))
        .await;
    assert!(!skus(&june).contains(&"GIFT-BDAY"));
}

#[tokio::test]
async fn a_campaign_with_budget_n_issues_exactly_n() {
    let shop = Shop::open(
        json!([{"id": "limited", "name": "First 25", "status": "active",
        "budget": 25, "actions": {"inserts": [{"sku": "CARD-THANKS"}]}}]),
    )
    .await;
    let mut applied = 0;
    for i in 0..60 {
        let ins = shop
            .process(&shop.tea(&format!("c{i}"), "2026-05-04T10:00:00Z"))
            .await;
        match outcome(&ins, "limited") {
            Some(Outcome::Applied) => applied += 1,
            Some(Outcome::Suppressed {
                limit: Limit::Budget { budget: 25 },
            }) => {}
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(applied, 25);
    assert_eq!(shop.counter("limited", ISSUED).await, 25);
    assert_eq!(shop.counter("limited", "suppressed.budget").await, 35);
    assert_eq!(shop.stock("CARD-THANKS").await, 1000 - 25);
}

#[tokio::test]
async fn a_frequency_cap_holds() {
    let shop = Shop::standard().await;
    let mut got = Vec::new();
    for day in [
        "2026-03-01",
        "2026-03-05",
        "2026-03-20",
        "2026-04-01",
        "2026-04-06",
    ] {
        let ins = shop
            .process(&shop.tea("f", &format!("{day}T10:00:00Z")))
            .await;
        got.push(skus(&ins).contains(&"CARD-REVIEW"));
    }
    // First order is not a repeat; then one review card per 30 days.
    assert_eq!(got, [false, true, false, false, true]);
}

#[tokio::test]
async fn holdout_customers_get_nothing_from_the_campaign_and_are_recorded() {
    let shop = Shop::open(
        json!([{"id": "h", "name": "Held", "status": "active", "holdout_percent": "30",
        "actions": {"inserts": [{"sku": "CARD-THANKS"}]}}]),
    )
    .await;
    let mut groups = BTreeMap::new();
    for i in 0..100 {
        let customer = format!("c{i}");
        let ins = shop
            .process(&shop.tea(&customer, "2026-05-04T10:00:00Z"))
            .await;
        let held = outcome(&ins, "h") == Some(&Outcome::HeldOut);
        assert_eq!(held, ins.inserts.is_empty());
        groups.insert(customer, held);
    }
    let held = groups.values().filter(|h| **h).count() as u64;
    assert!((15..45).contains(&held), "{held} of 100 held out at 30%");
    assert_eq!(shop.counter("h", HELD_OUT).await, held);
    assert_eq!(shop.counter("h", ISSUED).await, 100 - held);
    // A customer stays in their group.
    for (customer, was_held) in groups.iter().take(20) {
        let ins = shop
            .process(&shop.tea(customer, "2026-05-09T10:00:00Z"))
            .await;
        assert_eq!(outcome(&ins, "h") == Some(&Outcome::HeldOut), *was_held);
    }
}

#[tokio::test]
async fn an_out_of_stock_insert_is_skipped_with_its_reason() {
    let shop = Shop::open(json!([{"id": "promo", "name": "Promo", "status": "active",
        "actions": {"inserts": [{"sku": "CARD-BACK"}], "packaging": {"box_type": "eco"}}}]))
    .await;
    let first = shop.process(&shop.tea("a", "2026-05-04T10:00:00Z")).await;
    assert_eq!(skus(&first), ["CARD-BACK"]);
    let second = shop.process(&shop.tea("b", "2026-05-04T10:00:00Z")).await;
    assert!(second.inserts.is_empty());
    let result = second
        .campaigns
        .iter()
        .find(|c| c.campaign == "promo")
        .unwrap();
    assert_eq!(
        result.outcome,
        Outcome::Applied,
        "the packaging still applies"
    );
    assert_eq!(
        result.skipped[0].limit,
        Limit::OutOfStock {
            sku: "CARD-BACK".into(),
            centre: "BER1".into()
        }
    );
    assert_eq!(
        shop.stock("CARD-BACK").await,
        0,
        "stock never goes below zero"
    );
}

#[tokio::test]
async fn processing_the_same_order_twice_changes_nothing_more() {
    let shop = Shop::standard().await;
    let order = shop.tea("new", "2026-05-04T10:00:00Z");
    let first = shop.processor.process(&order).await.unwrap();
    let stock = shop.stock("CARD-WELCOME").await;
    let issued = shop.counter("welcome", ISSUED).await;
    let profile = shop
        .processor
        .store
        .profile(M, "new")
        .await
        .unwrap()
        .unwrap();
    let path = shop.dir.path().join("out").join(&first.key);
    std::fs::remove_file(&path).unwrap(); // as if the write after the commit was lost
    let second = shop.processor.process(&order).await.unwrap();
    assert!(second.replayed);
    assert_eq!(second.bytes, first.bytes);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        first.bytes,
        "the lost file is written again, identical"
    );
    assert_eq!(shop.stock("CARD-WELCOME").await, stock);
    assert_eq!(shop.counter("welcome", ISSUED).await, issued);
    assert_eq!(
        shop.processor
            .store
            .profile(M, "new")
            .await
            .unwrap()
            .unwrap(),
        profile
    );
    assert_eq!(
        shop.processor.store.history(M, "new").await.unwrap().len(),
        1
    );
}

#[tokio::test]
async fn a_bad_order_is_rejected_with_its_field_and_changes_nothing() {
    let shop = Shop::standard().await;
    let mut order = shop.tea("x", "2026-05-04T10:00:00Z");
    order.lines[0].quantity = 0;
    let err = shop.processor.process(&order).await.unwrap_err();
    assert!(err.to_string().contains("lines[0].quantity"), "{err}");
    assert!(!err.is_retryable());
    assert!(
        shop.processor
            .store
            .profile(M, "x")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        shop.processor
            .store
            .processed(M, &order.order_id)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_processors_never_overshoot_a_budget() {
    let shop = Shop::open(
        json!([{"id": "limited", "name": "First 10", "status": "active",
        "budget": 10, "actions": {"inserts": [{"sku": "CARD-THANKS"}]}}]),
    )
    .await;
    let orders: Vec<Order> = (0..32)
        .map(|i| shop.tea(&format!("c{i}"), "2026-05-04T10:00:00Z"))
        .collect();
    let mut tasks = Vec::new();
    for order in orders {
        // Each task has its own processor over the same store, as separate Lambda
        // containers would, so their commits race for the last budget units.
        let store = shop.processor.store.clone();
        let sink = FileSink::new(shop.dir.path().join("out"));
        tasks.push(tokio::spawn(async move {
            let processor = Processor::new(store, sink, Duration::from_secs(60));
            processor.process(&order).await.unwrap().instruction
        }));
    }
    let mut applied = 0;
    for task in tasks {
        let ins = task.await.unwrap();
        if outcome(&ins, "limited") == Some(&Outcome::Applied) {
            applied += 1;
        }
    }
    assert_eq!(applied, 10);
    assert_eq!(shop.counter("limited", ISSUED).await, 10);
    assert_eq!(shop.stock("CARD-THANKS").await, 1000 - 10);
}

#[tokio::test]
async fn suggestions_come_from_the_basket_then_from_what_the_customer_bought_before() {
    let shop = Shop::open(json!([
        {"id": "suggest", "name": "You may also like", "status": "active", "priority": 10,
         "condition": "true",
         "actions": {"recommend": {"count": 3, "max_per_category": 1}}}
    ]))
    .await;
    let store = &shop.processor.store;
    let mut settings = store.settings(M).await.unwrap().unwrap();
    settings.out_of_stock = vec!["BEANS".into()];
    settings.not_recommendable = vec!["GIFTCARD".into()];
    store.put_settings(&settings, Expect::Any).await.unwrap();
    let past: [(&[(&str, &str)], usize); 5] = [
        (&[("KETTLE", "kitchen"), ("FILTER", "coffee")], 6),
        (&[("KETTLE", "kitchen"), ("BEANS", "coffee")], 8),
        (&[("KETTLE", "kitchen"), ("GIFTCARD", "gifts")], 8),
        (
            &[
                ("KETTLE", "kitchen"),
                ("DRIPPER", "coffee"),
                ("SCALE", "kitchen"),
            ],
            3,
        ),
        (&[("MUG", "tableware")], 20),
    ];
    let mut customer = 0;
    for (basket, times) in past {
        for _ in 0..times {
            customer += 1;
            let lines: Vec<_> = basket.iter().map(|(s, c)| (*s, *c, 1, "20.00")).collect();
            let order = shop.order(&format!("past-{customer}"), "2026-01-10T10:00:00Z", &lines);
            store.import_history(&order).await.unwrap();
        }
    }
    let rebuilt = packwise_handlers::rebuild_similar(store, Some(M), Default::default())
        .await
        .unwrap();
    assert!(rebuilt.failed.is_empty(), "{:?}", rebuilt.failed);

    let first = shop.order(
        "ann",
        "2026-03-01T10:00:00Z",
        &[("KETTLE", "kitchen", 1, "45.00")],
    );
    let recs = shop.process(&first).await.recommendations;
    let picked: Vec<(&str, &str)> = recs
        .iter()
        .map(|r| (r.sku.as_str(), r.reason.as_str()))
        .collect();
    // FILTER and DRIPPER are both coffee: one per category. BEANS is out of stock, the
    // gift card not recommendable; MUG, a best-seller never bought with a kettle, fills.
    assert_eq!(
        picked,
        [
            ("FILTER", "often bought with KETTLE title"),
            ("SCALE", "often bought with KETTLE title"),
            ("MUG", "a customer favourite"),
        ]
    );

    // A product nobody bought before: the kettle's neighbours, remembered in ann's
    // profile, speak for her history, and nothing she bought comes back.
    let second = shop.order(
        "ann",
        "2026-04-01T10:00:00Z",
        &[("NEW-TEA", "tea", 1, "45.00")],
    );
    let recs = shop.process(&second).await.recommendations;
    let picked: Vec<(&str, Basis, Option<&str>)> = recs
        .iter()
        .map(|r| (r.sku.as_str(), r.basis, r.because.as_deref()))
        .collect();
    assert_eq!(
        picked,
        [
            ("FILTER", Basis::History, Some("KETTLE title")),
            ("SCALE", Basis::History, Some("KETTLE title")),
            ("MUG", Basis::Popular, None),
        ]
    );
    assert_eq!(recs[0].reason, "popular with buyers of KETTLE title");
}
