//! Sample records the cases build their commits from, so each case states only what it
//! varies.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use packwise_core::api_key::ApiKey;
use packwise_core::campaign::CouponValue;
use packwise_core::decide::IssuedCoupon;
use packwise_core::order::OrderLine;
use packwise_core::ports::{Commit, CounterBump, OrderKeys, instruction_key};
use packwise_core::similar::{Neighbour, SimilarItems};
use packwise_core::{Campaign, CustomerProfile, Insert, MerchantSettings, Order};
use rust_decimal::Decimal;

/// The fulfillment centre sample orders ship from.
pub const CENTRE: &str = "C1";

pub fn at(timestamp: &str) -> DateTime<Utc> {
    timestamp
        .parse()
        .unwrap_or_else(|e| panic!("sample time {timestamp}: {e}"))
}

/// The core's sample order (two mint teas, 12.90 EUR) for the given merchant, order and
/// customer, placed at `placed_at`, shipping from [`CENTRE`].
pub fn order(merchant: &str, order_id: &str, customer: &str, placed_at: &str) -> Order {
    let mut order: Order =
        serde_json::from_str(packwise_core::samples::ORDER_JSON).expect("core's sample order");
    order.merchant = merchant.to_string();
    order.order_id = order_id.to_string();
    order.customer.id = customer.to_string();
    order.placed_at = at(placed_at);
    order.fulfillment_centre = CENTRE.to_string();
    order
}

/// A basket line of one unit at 5.00, for cases that care which SKUs are in the basket.
pub fn line(sku: &str, category: &str) -> OrderLine {
    OrderLine {
        sku: sku.to_string(),
        title: format!("{sku} title"),
        category: Some(category.to_string()),
        quantity: 1,
        unit_price: Decimal::new(500, 2),
    }
}

pub fn settings(merchant: &str) -> MerchantSettings {
    serde_json::from_value(serde_json::json!({
        "merchant": merchant,
        "name": format!("{merchant} shop"),
        "default_locale": "en",
        "default_currency": "EUR",
        "coupon_secret": "a secret of at least sixteen characters",
        "slip": {
            "paper": "letter",
            "product_url_template": format!("https://{merchant}.example/p/{{sku}}"),
            "returns": {"en": "Return within 30 days.\nLabel in the box.", "de": "30 Tage Rückgabe."},
            "html_template": "<html><body>{{ order_id }}</body></html>",
        },
    }))
    .expect("sample settings")
}

pub fn campaign(id: &str, version: u64) -> Campaign {
    serde_json::from_value(serde_json::json!({
        "id": id,
        "name": format!("{id} campaign"),
        "status": "active",
        "priority": 10,
        "condition": "customer.orders_before == 0",
        "actions": {
            "message": {"templates": {"en": "Welcome!"}},
            "packaging": {"box_type": "gift", "gift_wrap": true},
        },
        "budget": 100,
        "version": version,
    }))
    .expect("sample campaign")
}

pub fn insert(sku: &str, stock: &[(&str, i64)]) -> Insert {
    serde_json::from_value(serde_json::json!({
        "sku": sku,
        "name": format!("{sku} card"),
        "kind": "welcome_card",
        "weight_grams": 5,
        "format": "flat",
        "stock": stock.iter().map(|(c, n)| (c.to_string(), *n)).collect::<BTreeMap<_, _>>(),
        "low_stock_threshold": 2,
    }))
    .expect("sample insert")
}

pub fn similar(sku: &str, neighbours: &[&str]) -> SimilarItems {
    SimilarItems {
        sku: sku.to_string(),
        neighbours: neighbours
            .iter()
            .enumerate()
            .map(|(rank, n)| Neighbour {
                sku: n.to_string(),
                title: format!("{n} title"),
                category: None,
                score: 1.0 / (rank as f64 + 1.0),
                basis: Default::default(),
            })
            .collect(),
    }
}

pub fn bump(campaign: &str, counter: &str, limit: Option<u64>) -> CounterBump {
    CounterBump {
        campaign: campaign.to_string(),
        counter: counter.to_string(),
        by: 1,
        limit,
    }
}

pub fn coupon(order: &Order, campaign: &str, code: &str) -> IssuedCoupon {
    IssuedCoupon {
        code: code.to_string(),
        merchant: order.merchant.clone(),
        campaign: campaign.to_string(),
        order_id: order.order_id.clone(),
        customer_id: order.customer.id.clone(),
        value: CouponValue::Percent {
            percent: Decimal::new(10, 0),
        },
        currency: order.currency,
        issued_at: order.placed_at,
        expires_on: (order.placed_at + chrono::Duration::days(30)).date_naive(),
        min_spend: Some(Decimal::new(2000, 2)),
        redeemed: None,
    }
}

/// What the processor would commit for `order` when nothing applies: the profile folded
/// forward from `previous` (the profile as read, `None` if there was none), the history
/// entry and the processed record. Cases add counters, stock and coupons.
pub fn commit(order: &Order, previous: Option<&CustomerProfile>) -> Commit {
    let key = instruction_key(
        &order.merchant,
        &order.fulfillment_centre,
        order.placed_at,
        &order.order_id,
    );
    let instruction = format!(r#"{{"order_id":"{}","inserts":[]}}"#, order.order_id);
    Commit::for_order(order, previous, key, instruction)
}

/// Adds a coupon to a commit, as the processor records it in all three places: the
/// processed record, the history entry (which the wave's pick list reads) and the coupon.
pub fn with_coupon(mut commit: Commit, coupon: IssuedCoupon) -> Commit {
    commit.processed.coupon_code = Some(coupon.code.clone());
    commit.summary.coupon = Some(coupon.code.clone());
    commit.coupon = Some(coupon);
    commit
}

/// The keys the processor would read `order` with.
pub fn keys<'a>(order: &'a Order, budgeted: &'a [String], inserts: &'a [String]) -> OrderKeys<'a> {
    OrderKeys {
        merchant: &order.merchant,
        customer: &order.customer.id,
        order_id: &order.order_id,
        centre: &order.fulfillment_centre,
        basket_skus: order.lines.iter().map(|l| l.sku.as_str()).collect(),
        budgeted_campaigns: budgeted,
        insert_skus: inserts,
        coupon_codes: packwise_core::redemption::candidate_codes(order),
    }
}

pub fn names(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// An active API key of `merchant` with the given id, created at `created_at`; the hash
/// is derived from the id so two sample keys never share one.
pub fn api_key(merchant: &str, id: &str, created_at: &str) -> ApiKey {
    let issued = packwise_core::api_key::issue(
        merchant,
        Some(&format!("{id} label")),
        std::array::from_fn(|i| id.bytes().cycle().nth(i).unwrap_or(0)),
        at(created_at),
    );
    ApiKey {
        id: id.to_string(),
        ..issued.key
    }
}
