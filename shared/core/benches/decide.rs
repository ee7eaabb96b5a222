//! `decide` for a 10-line order against 100 active campaigns (target: median ≤ 50 µs).

use std::collections::BTreeMap;

use criterion::{Criterion, criterion_group, criterion_main};
use packwise_core::campaign::Campaign;
use packwise_core::similar::{Neighbour, SimilarItems};
use packwise_core::{
    CampaignSet, CustomerProfile, DecisionInput, Insert, MerchantSettings, Order, decide,
};
use serde_json::json;

#[path = "../src/targeting/bench_conditions.rs"]
mod bench_conditions;
use bench_conditions::bench_condition;

const CATEGORIES: [&str; 3] = ["tea", "coffee", "kitchen"];

fn setup() -> (
    Order,
    CustomerProfile,
    CampaignSet,
    BTreeMap<String, i64>,
    Vec<SimilarItems>,
) {
    let lines: Vec<_> = (0..10)
        .map(|i| {
            json!({"sku": format!("SKU-{i}"), "title": format!("Product {i}"),
                        "category": CATEGORIES[i % 3], "quantity": 1 + i % 3,
                        "unit_price": "4.50"})
        })
        .collect();
    let subtotal: rust_decimal::Decimal = (0..10)
        .map(|i| rust_decimal::Decimal::new(450, 2) * rust_decimal::Decimal::from(1 + i % 3))
        .sum();
    let order: Order = serde_json::from_value(json!({
        "merchant": "bench", "order_id": "B-1",
        "customer": {"id": "c1", "first_name": "Ana", "locale": "de-DE"},
        "placed_at": "2026-03-10T09:30:00Z", "channel": "web", "currency": "EUR",
        "fulfillment_centre": "BER1",
        "ship_to": {"name": "Ana", "line1": "Main 1", "city": "Berlin", "postal_code": "10115", "country": "DE"},
        "lines": lines,
        "totals": {"subtotal": subtotal.to_string(), "total": subtotal.to_string()}
    }))
    .unwrap();
    let mut profile = CustomerProfile::new("bench", "c1");
    for _ in 0..7 {
        profile.record_order(&order);
    }
    profile.tags = vec!["parent".into()];
    let settings: MerchantSettings = serde_json::from_value(json!({
        "merchant": "bench", "name": "Bench", "default_locale": "en", "default_currency": "EUR",
        "coupon_secret": "0123456789abcdef-bench", "free_shipping_threshold": "50"
    }))
    .unwrap();
    let inserts: Vec<Insert> = (0..20)
        .map(|i| {
            serde_json::from_value(
                json!({"sku": format!("INS-{i}"), "name": format!("Insert {i}"),
            "kind": "flyer", "weight_grams": 10, "format": "flat", "stock": {"BER1": 1000}}),
            )
            .unwrap()
        })
        .collect();
    let campaigns: Vec<Campaign> = (0..100)
        .map(|i| {
            serde_json::from_value(json!({
                "id": format!("c{i:03}"), "name": format!("Campaign {i}"), "status": "active",
                "priority": i % 7, "condition": bench_condition(i),
                "exclusive_group": if i % 4 == 0 { Some("coupon") } else { None },
                "budget": 1_000_000, "holdout_percent": "5",
                "frequency_cap": {"max": 3, "window_days": 30},
                "actions": if i % 4 == 0 {
                    json!({"coupon": {"value": {"kind": "percent", "percent": "10"}, "expires_in_days": 30, "prefix": "C"}})
                } else {
                    json!({"inserts": [{"sku": format!("INS-{}", i % 20)}],
                           "message": {"templates": {"en": "Hi {{ first_name }}", "de": "Hallo {{ first_name }}"}}})
                }
            }))
            .unwrap()
        })
        .collect();
    let set = CampaignSet::build(settings, campaigns, inserts);
    assert!(set.broken.is_empty());
    let stock = (0..20).map(|i| (format!("INS-{i}"), 1000)).collect();
    let similar = (0..10)
        .map(|i| SimilarItems {
            sku: format!("SKU-{i}"),
            neighbours: (0..20)
                .map(|j| Neighbour {
                    sku: format!("SKU-{}", 10 + j),
                    title: format!("P{j}"),
                    category: None,
                    score: 1.0 / (1.0 + j as f64),
                    basis: Default::default(),
                })
                .collect(),
        })
        .collect();
    (order, profile, set, stock, similar)
}

fn bench(c: &mut Criterion) {
    let (order, profile, set, stock, similar) = setup();
    let issued = BTreeMap::new();
    let input = DecisionInput {
        order: &order,
        profile: &profile,
        set: &set,
        stock: &stock,
        issued: &issued,
        similar: &similar,
        explain: false,
        now: order.placed_at,
    };
    let applied = decide(&input).effects.applied.len();
    assert!(
        applied > 3,
        "the bench should exercise applying campaigns, not only skipping them"
    );
    c.bench_function("decide/10 lines x 100 campaigns", |b| {
        b.iter(|| decide(std::hint::black_box(&input)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
