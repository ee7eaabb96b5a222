//! The demo as the command line runs it, through the real decision engine: imported
//! history, then a day of orders. Every campaign the demo is meant to show must show.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{NaiveDate, NaiveTime};
use packwise_core::decide::Verdict;
use packwise_core::insert::InsertKind;
use packwise_core::similar;
use packwise_core::{CampaignSet, CustomerProfile, DecisionInput, Order, decide};

use super::{campaigns, inserts, settings};
use crate::Generator;

struct Day {
    orders: Vec<Order>,
    applied: BTreeMap<String, usize>,
    decisions: Vec<(Order, packwise_core::Decision)>,
}

fn run_demo_day() -> Day {
    let day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let g = Generator::new(42).as_of(day);
    let customers = g.customers(1500);
    let history = g.history(&customers, day.and_time(NaiveTime::MIN).and_utc());
    let mut profiles: BTreeMap<String, CustomerProfile> = BTreeMap::new();
    for c in &customers {
        let mut p = CustomerProfile::new(super::MERCHANT, &c.id);
        c.attributes().apply_to(&mut p);
        profiles.insert(c.id.clone(), p);
    }
    for o in &history {
        profiles.get_mut(&o.customer.id).unwrap().record_order(o);
    }
    let similar = similar::of_orders(&history, &similar::ModelOptions::default());
    let inserts = inserts();
    let set = CampaignSet::build(settings(), campaigns(), inserts.clone());
    let orders = g.day_of_orders(&customers, day, 1200);
    let mut applied: BTreeMap<String, usize> = BTreeMap::new();
    let mut decisions = Vec::new();
    for order in &orders {
        let profile = profiles
            .entry(order.customer.id.clone())
            .or_insert_with(|| CustomerProfile::new(super::MERCHANT, &order.customer.id));
        let stock: BTreeMap<String, i64> = inserts
            .iter()
            .map(|i| {
                let units = i.stock.get(&order.fulfillment_centre).copied().unwrap_or(0);
                (i.sku.clone(), units)
            })
            .collect();
        let decision = decide(&DecisionInput {
            order,
            profile,
            set: &set,
            stock: &stock,
            issued: &BTreeMap::new(),
            similar: &similar,
            explain: true,
            now: order.placed_at,
        });
        for id in &decision.effects.applied {
            *applied.entry(id.clone()).or_default() += 1;
        }
        profile.record_order(order);
        for touch in &decision.effects.touches {
            profile.record_touch(touch.clone());
        }
        decisions.push((order.clone(), decision));
    }
    Day {
        orders,
        applied,
        decisions,
    }
}

#[test]
fn a_demo_day_shows_every_campaign() {
    let day = run_demo_day();
    let ids: BTreeSet<String> = campaigns().into_iter().map(|c| c.id).collect();
    let shown: BTreeSet<String> = day.applied.keys().cloned().collect();
    let missing: Vec<&String> = ids.difference(&shown).collect();
    assert!(
        missing.is_empty(),
        "never applied: {missing:?}; applied {:?}",
        day.applied
    );
    assert!(day.orders.len() == day.decisions.len());
}

#[test]
fn the_out_of_stock_welcome_card_falls_back_in_amsterdam() {
    let day = run_demo_day();
    let welcomed: Vec<_> = day
        .decisions
        .iter()
        .filter(|(_, d)| d.effects.applied.iter().any(|c| c == "first-order-welcome"))
        .collect();
    let mut fell_back = 0;
    for (order, decision) in &welcomed {
        let card = decision
            .instruction
            .inserts
            .iter()
            .find(|i| i.campaign == "first-order-welcome")
            .expect("a welcome insert");
        match order.fulfillment_centre.as_str() {
            "AMS1" => {
                assert_eq!(card.sku, super::THANK_YOU_CARD);
                assert!(card.reason.contains("instead of"), "{}", card.reason);
                fell_back += 1;
            }
            _ => assert_eq!(card.sku, super::WELCOME_CARD),
        }
    }
    assert!(fell_back > 0 && fell_back < welcomed.len());
}

#[test]
fn parcels_respect_the_merchants_limits() {
    let day = run_demo_day();
    let settings = settings();
    let weights: BTreeMap<String, u32> = inserts()
        .into_iter()
        .map(|i| (i.sku, i.weight_grams))
        .collect();
    let mut gaps_told = 0;
    for (order, d) in &day.decisions {
        let i = &d.instruction;
        assert!(i.inserts.len() as u32 <= settings.max_inserts_per_package);
        let grams: u32 = i.inserts.iter().map(|x| weights[&x.sku]).sum();
        assert!(grams <= settings.max_insert_weight_grams);
        if settings.forbids_marketing(order.channel) {
            assert!(i.inserts.is_empty() && i.coupon.is_none() && i.message.is_none());
        }
        if let Some(m) = &i.message
            && m.campaign == "free-shipping-nudge"
        {
            assert!(order.totals.subtotal < super::free_shipping_threshold());
            assert!(m.text.contains(" EUR"), "{}", m.text);
            gaps_told += 1;
        }
        let guides = i
            .inserts
            .iter()
            .filter(|x| x.kind == InsertKind::HowToGuide);
        for g in guides {
            let product = g.sku.trim_start_matches("GUIDE-");
            assert!(order.lines.iter().any(|l| l.sku == product), "{}", g.sku);
        }
    }
    assert!(gaps_told > 0);
}

#[test]
fn vips_get_a_sample_of_what_they_buy_most() {
    let day = run_demo_day();
    let mut samples = 0;
    for (_, d) in &day.decisions {
        let vip = d
            .explanations
            .iter()
            .any(|e| e.campaign == "vip-thank-you" && e.verdict == Verdict::Applied);
        if !vip {
            continue;
        }
        if let Some(sample) = d
            .instruction
            .inserts
            .iter()
            .find(|x| x.kind == InsertKind::Sample)
        {
            assert_eq!(sample.campaign, "vip-thank-you");
            samples += 1;
        }
    }
    assert!(samples > 0);
}
