use std::collections::BTreeMap;

use rust_decimal_macros::dec;
use serde_json::json;

use super::*;
use crate::campaign::Campaign;
use crate::insert::Insert;
use crate::order::Channel;
use crate::profile::NpsAnswer;
use crate::settings::MerchantSettings;

fn settings() -> MerchantSettings {
    serde_json::from_value(json!({
        "merchant": "acme", "name": "Acme Tea", "default_locale": "en",
        "default_currency": "EUR", "coupon_secret": "0123456789abcdef-secret",
        "free_shipping_threshold": "50", "max_inserts_per_package": 2,
        "max_insert_weight_grams": 100
    }))
    .unwrap()
}

fn inserts() -> Vec<Insert> {
    let card = |sku: &str, kind: &str, grams: u32, stock: i64| {
        json!({"sku": sku, "name": format!("{sku} card"), "kind": kind, "weight_grams": grams,
               "format": "flat", "stock": {"BER1": stock}})
    };
    serde_json::from_value(json!([
        card("WELCOME", "welcome_card", 10, 100),
        card("WELCOME-OLD", "welcome_card", 10, 5),
        card("THANKS", "thank_you_card", 10, 100),
        card("EMPTY", "flyer", 10, 0),
        card("HEAVY", "gift", 95, 100),
        {"sku": "SAMPLE-TEA", "name": "Tea sample", "kind": "sample", "weight_grams": 30,
         "format": "bulky", "stock": {"BER1": 10}, "sample_category": "tea"},
        {"sku": "GUIDE-INFUSER", "name": "Infuser guide", "kind": "how_to_guide", "weight_grams": 5,
         "format": "flat", "stock": {"BER1": 10}, "guides_skus": ["INFUSER"]}
    ]))
    .unwrap()
}

fn campaign(value: serde_json::Value) -> Campaign {
    let mut base = json!({"status": "active", "name": "test"});
    base.as_object_mut()
        .unwrap()
        .extend(value.as_object().unwrap().clone());
    serde_json::from_value(base).unwrap()
}

fn order() -> Order {
    crate::order::tests::sample()
}

struct World {
    set: CampaignSet,
    profile: CustomerProfile,
    stock: BTreeMap<String, i64>,
    issued: BTreeMap<String, u64>,
    similar: Vec<SimilarItems>,
}

impl World {
    fn new(campaigns: Vec<serde_json::Value>) -> Self {
        let inserts = inserts();
        let stock = inserts
            .iter()
            .map(|i| (i.sku.clone(), i.stock.get("BER1").copied().unwrap_or(0)))
            .collect();
        let set = CampaignSet::build(
            settings(),
            campaigns.into_iter().map(campaign).collect(),
            inserts,
        );
        assert!(
            set.broken.is_empty(),
            "{:?}",
            set.broken
                .iter()
                .map(|b| b.1.to_string())
                .collect::<Vec<_>>()
        );
        World {
            set,
            profile: CustomerProfile::new("acme", "c1"),
            stock,
            issued: BTreeMap::new(),
            similar: vec![],
        }
    }

    fn decide(&self, order: &Order) -> Decision {
        decide(&DecisionInput {
            order,
            profile: &self.profile,
            set: &self.set,
            stock: &self.stock,
            issued: &self.issued,
            similar: &self.similar,
            explain: true,
            now: order.placed_at,
        })
    }
}

fn outcome(d: &Decision, campaign: &str) -> Option<Outcome> {
    d.instruction
        .campaigns
        .iter()
        .find(|c| c.campaign == campaign)
        .map(|c| c.outcome.clone())
}

fn verdict(d: &Decision, campaign: &str) -> Verdict {
    d.explanations
        .iter()
        .find(|e| e.campaign == campaign)
        .unwrap()
        .verdict
}

fn welcome() -> serde_json::Value {
    json!({"id": "welcome", "priority": 10, "condition": "customer.first_order",
           "exclusive_group": "coupon",
           "actions": {"inserts": [{"sku": "WELCOME", "fallback": "WELCOME-OLD"}],
                       "coupon": {"value": {"kind": "percent", "percent": "10"},
                                  "expires_in_days": 30, "prefix": "WELCOME"}}})
}

#[test]
fn a_first_order_gets_the_welcome_card_and_a_coupon() {
    let world = World::new(vec![welcome()]);
    let d = world.decide(&order());
    let ins = &d.instruction;
    assert_eq!(ins.schema, "packwise.pickpack/v1");
    assert_eq!(ins.inserts.len(), 1);
    assert_eq!(ins.inserts[0].sku, "WELCOME");
    let coupon = ins.coupon.as_ref().unwrap();
    assert!(coupon.code.starts_with("WELCOME-"));
    assert_eq!(coupon.expires_on.to_string(), "2026-04-09");
    assert_eq!(
        coupon.text,
        format!(
            "10% off your next order with code {}, valid until 2026-04-09",
            coupon.code
        )
    );
    assert_eq!(outcome(&d, "welcome"), Some(Outcome::Applied));
    assert_eq!(d.effects.applied, ["welcome"]);
    assert_eq!(d.effects.stock_taken, ["WELCOME"]);
    assert_eq!(d.effects.coupon.as_ref().unwrap().code, coupon.code);
    assert_eq!(d.effects.touches.len(), 1);
}

#[test]
fn the_same_inputs_give_the_same_bytes() {
    let world = World::new(vec![welcome()]);
    let a = world.decide(&order()).instruction.to_bytes();
    let b = world.decide(&order()).instruction.to_bytes();
    assert_eq!(a, b);
    let mut other = order();
    other.order_id = "1002".into();
    assert_ne!(
        world.decide(&other).instruction.coupon.unwrap().code,
        world.decide(&order()).instruction.coupon.unwrap().code
    );
}

#[test]
fn a_repeat_customer_does_not_match_the_welcome() {
    let mut world = World::new(vec![welcome()]);
    world.profile.record_order(&order());
    let mut o = order();
    o.order_id = "1002".into();
    o.placed_at += chrono::Duration::days(3);
    let d = world.decide(&o);
    assert_eq!(verdict(&d, "welcome"), Verdict::NotMatched);
    assert!(
        d.instruction.campaigns.is_empty(),
        "unmatched campaigns stay out of the instruction"
    );
    assert!(d.instruction.inserts.is_empty() && d.instruction.coupon.is_none());
}

#[test]
fn the_higher_priority_coupon_wins_its_exclusive_group() {
    let world = World::new(vec![
        welcome(),
        json!({"id": "spring", "priority": 5, "exclusive_group": "coupon",
               "actions": {"coupon": {"value": {"kind": "free_shipping"}, "expires_in_days": 10, "prefix": "SPRING"}}}),
    ]);
    let d = world.decide(&order());
    assert_eq!(outcome(&d, "welcome"), Some(Outcome::Applied));
    assert_eq!(
        outcome(&d, "spring"),
        Some(Outcome::Suppressed {
            limit: Limit::ExclusiveGroup {
                group: "coupon".into(),
                taken_by: "welcome".into()
            }
        })
    );
    assert_eq!(
        d.effects.suppressed,
        [("spring".to_string(), "exclusive_group")]
    );
}

#[test]
fn marketplaces_that_forbid_marketing_get_none_but_packaging_still_applies() {
    let world = World::new(vec![
        welcome(),
        json!({"id": "wrap", "actions": {"packaging": {"box_type": "gift", "gift_wrap": true},
                                          "message": {"templates": {"en": "Enjoy!"}}}}),
    ]);
    let mut o = order();
    o.channel = Channel::Amazon;
    let d = world.decide(&o);
    assert!(d.instruction.inserts.is_empty() && d.instruction.coupon.is_none());
    assert!(d.instruction.message.is_none());
    assert_eq!(
        outcome(&d, "welcome"),
        Some(Outcome::Suppressed {
            limit: Limit::ChannelForbidsMarketing {
                channel: Channel::Amazon
            }
        })
    );
    assert_eq!(d.instruction.packaging.as_ref().unwrap().box_type, "gift");
    assert_eq!(outcome(&d, "wrap"), Some(Outcome::Applied));
}

#[test]
fn an_out_of_stock_insert_falls_back_or_is_skipped_with_its_reason() {
    let mut world = World::new(vec![
        welcome(),
        json!({"id": "flyer", "actions": {"inserts": [{"sku": "EMPTY"}]}}),
    ]);
    world.stock.insert("WELCOME".into(), 0);
    let d = world.decide(&order());
    assert_eq!(d.instruction.inserts[0].sku, "WELCOME-OLD");
    assert!(
        d.instruction.inserts[0]
            .reason
            .contains("instead of WELCOME")
    );
    assert_eq!(
        outcome(&d, "flyer"),
        Some(Outcome::Suppressed {
            limit: Limit::OutOfStock {
                sku: "EMPTY".into(),
                centre: "BER1".into()
            }
        })
    );
    world.stock.insert("WELCOME-OLD".into(), 0);
    let d = world.decide(&order());
    let welcome = &d.instruction.campaigns[0];
    assert_eq!(
        welcome.outcome,
        Outcome::Applied,
        "the coupon still applies"
    );
    assert_eq!(welcome.skipped[0].limit.name(), "out_of_stock");
}

#[test]
fn inserts_respect_count_and_weight_limits() {
    let world = World::new(vec![
        json!({"id": "a", "priority": 3, "actions": {"inserts": [{"sku": "WELCOME"}, {"sku": "THANKS"}]}}),
        json!({"id": "b", "priority": 2, "actions": {"inserts": [{"sku": "SAMPLE-TEA"}]}}),
    ]);
    let d = world.decide(&order());
    assert_eq!(d.instruction.inserts.len(), 2);
    assert_eq!(
        outcome(&d, "b"),
        Some(Outcome::Suppressed {
            limit: Limit::MaxInserts { max: 2 }
        })
    );
    let world = World::new(vec![
        json!({"id": "a", "priority": 3, "actions": {"inserts": [{"sku": "HEAVY"}]}}),
        json!({"id": "b", "priority": 2, "actions": {"inserts": [{"sku": "THANKS"}]}}),
    ]);
    let d = world.decide(&order());
    assert_eq!(
        outcome(&d, "b"),
        Some(Outcome::Suppressed {
            limit: Limit::MaxInsertWeight { max_grams: 100 }
        })
    );
}

#[test]
fn budgets_and_frequency_caps_suppress() {
    let mut world = World::new(vec![
        json!({"id": "limited", "budget": 3, "actions": {"inserts": [{"sku": "THANKS"}]}}),
        json!({"id": "capped", "frequency_cap": {"max": 1, "window_days": 30},
               "actions": {"packaging": {"box_type": "eco"}}}),
    ]);
    world.issued.insert("limited".into(), 3);
    let o = order();
    world.profile.record_touch(crate::profile::Touch {
        campaign: "capped".into(),
        group: None,
        at: o.placed_at - chrono::Duration::days(29),
    });
    let d = world.decide(&o);
    assert_eq!(
        outcome(&d, "limited"),
        Some(Outcome::Suppressed {
            limit: Limit::Budget { budget: 3 }
        })
    );
    assert_eq!(
        outcome(&d, "capped"),
        Some(Outcome::Suppressed {
            limit: Limit::FrequencyCap {
                max: 1,
                window_days: 30
            }
        })
    );
    world.issued.insert("limited".into(), 2);
    world.profile.touches.clear();
    let d = world.decide(&o);
    assert_eq!(d.effects.applied, ["capped", "limited"]);
}

#[test]
fn holdout_customers_get_nothing_and_are_recorded() {
    let world = World::new(vec![json!({"id": "h", "holdout_percent": "50",
        "actions": {"inserts": [{"sku": "THANKS"}]}})]);
    let mut held = 0;
    for i in 0..200 {
        let mut o = order();
        o.customer.id = format!("c{i}");
        let mut w = World::new(vec![]);
        w.set = CampaignSet::build(
            settings(),
            world
                .set
                .campaigns
                .iter()
                .map(|c| c.campaign.clone())
                .collect(),
            inserts(),
        );
        w.profile = CustomerProfile::new("acme", &o.customer.id);
        let d = w.decide(&o);
        match outcome(&d, "h").unwrap() {
            Outcome::HeldOut => {
                held += 1;
                assert!(d.instruction.inserts.is_empty());
                assert_eq!(d.effects.held_out, ["h"]);
                assert!(d.effects.applied.is_empty());
            }
            Outcome::Applied => assert_eq!(d.instruction.inserts.len(), 1),
            other => panic!("{other:?}"),
        }
        // The same customer always lands in the same group.
        assert_eq!(outcome(&w.decide(&o), "h"), outcome(&d, "h"));
    }
    assert!((70..130).contains(&held), "{held} of 200 held out at 50%");
}

#[test]
fn messages_use_the_customers_language_and_personal_details() {
    let world = World::new(vec![
        welcome(),
        json!({"id": "note", "actions": {"message": {"templates": {
            "en": "Hi {{ first_name }}, use {{ coupon_code }}",
            "de": "Hallo {{ first_name }}, dein Code: {{ coupon_code }}. Noch {{ free_shipping_gap }} bis zum Gratisversand."}}}}),
    ]);
    let d = world.decide(&order());
    let msg = d.instruction.message.as_ref().unwrap();
    let code = &d.instruction.coupon.as_ref().unwrap().code;
    assert_eq!(msg.locale, "de");
    assert_eq!(
        msg.text,
        format!("Hallo Ana, dein Code: {code}. Noch 41.00 EUR bis zum Gratisversand.")
    );
    assert_eq!(d.instruction.locale, "de-DE");
}

#[test]
fn samples_follow_the_top_category_and_guides_the_basket() {
    let mut world = World::new(vec![
        json!({"id": "vip", "priority": 2, "condition": "customer.lifetime_value >= 10.0",
               "actions": {"inserts": [{"pick": "top_category_sample"}]}}),
        json!({"id": "guide", "priority": 1, "condition": "order.needs_guide",
               "actions": {"inserts": [{"pick": "basket_guides"}]}}),
    ]);
    world.profile.record_order(&order());
    let mut o = order();
    o.order_id = "1002".into();
    o.lines.push(
        serde_json::from_value(
            json!({"sku": "INFUSER", "title": "Infuser", "quantity": 1, "unit_price": "7"}),
        )
        .unwrap(),
    );
    o.totals.subtotal += dec!(7);
    o.totals.total += dec!(7);
    let d = world.decide(&o);
    let skus: Vec<&str> = d
        .instruction
        .inserts
        .iter()
        .map(|i| i.sku.as_str())
        .collect();
    assert_eq!(skus, ["SAMPLE-TEA", "GUIDE-INFUSER"]);
    let d = world.decide(&order());
    assert_eq!(verdict(&d, "guide"), Verdict::NotMatched);
}

#[test]
fn nps_and_birthday_targeting() {
    let mut world = World::new(vec![
        json!({"id": "detractor", "condition": "customer.nps >= 0 && customer.nps <= 6",
               "actions": {"inserts": [{"sku": "THANKS"}]}}),
        json!({"id": "birthday", "condition": "customer.is_birthday_month",
               "actions": {"packaging": {"box_type": "birthday", "gift_wrap": true}}}),
    ]);
    let o = order();
    let d = world.decide(&o);
    assert!(d.effects.applied.is_empty());
    world.profile.nps = Some(NpsAnswer {
        score: 4,
        at: o.placed_at - chrono::Duration::days(3),
    });
    world.profile.birthday = Some("1990-03-21".parse().unwrap());
    let d = world.decide(&o);
    assert_eq!(d.effects.applied, ["birthday", "detractor"]);
}

#[test]
fn paused_scheduled_and_failing_campaigns_are_explained() {
    let world = World::new(vec![
        json!({"id": "paused", "status": "paused", "actions": {"inserts": [{"sku": "THANKS"}]}}),
        json!({"id": "later", "schedule": {"starts_at": "2027-01-01T00:00:00Z"}, "actions": {"inserts": [{"sku": "THANKS"}]}}),
        json!({"id": "fails", "condition": "order.lines[5].quantity > 1", "actions": {"inserts": [{"sku": "THANKS"}]}}),
        json!({"id": "fine", "priority": -1, "actions": {"inserts": [{"sku": "THANKS"}]}}),
    ]);
    let d = world.decide(&order());
    assert_eq!(verdict(&d, "paused"), Verdict::NotRunning);
    assert_eq!(verdict(&d, "later"), Verdict::NotRunning);
    assert_eq!(verdict(&d, "fails"), Verdict::Error);
    assert_eq!(
        verdict(&d, "fine"),
        Verdict::Applied,
        "one failing condition does not stop the rest"
    );
}

#[test]
fn a_fixed_amount_coupon_needs_the_orders_currency() {
    let world = World::new(vec![json!({"id": "usd", "actions": {"coupon": {
        "value": {"kind": "fixed_amount", "amount": "5", "currency": "USD"},
        "expires_in_days": 30, "prefix": "FIVE"}}})]);
    let d = world.decide(&order());
    assert_eq!(
        outcome(&d, "usd"),
        Some(Outcome::Suppressed {
            limit: Limit::CurrencyMismatch {
                coupon: "USD".parse().unwrap(),
                order: "EUR".parse().unwrap()
            }
        })
    );
}

#[test]
fn invalid_campaigns_are_rejected_with_every_problem() {
    let bad = campaign(
        json!({"id": "bad#id", "condition": "customer.orders_before >", "holdout_percent": "95",
        "actions": {"inserts": [{"sku": "NOPE"}], "coupon": {"value": {"kind": "percent", "percent": "0"},
                    "expires_in_days": 0, "prefix": "lower"},
                    "message": {"templates": {"en": "Hi {{ name }}"}}}}),
    );
    let err = CampaignSet::validate(&bad, &inserts()).unwrap_err();
    let fields: Vec<&str> = err.errors.iter().map(|e| e.field.as_str()).collect();
    for expected in [
        "id",
        "holdout_percent",
        "actions.coupon.value.percent",
        "actions.coupon.expires_in_days",
        "actions.coupon.prefix",
        "condition",
        "actions.inserts[0].sku",
        "actions.message.templates.en",
    ] {
        assert!(
            fields.contains(&expected),
            "{expected} missing from {fields:?}"
        );
    }
}
