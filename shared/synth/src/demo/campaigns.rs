//! The demo shop's campaigns: one per segment the product is meant to serve.
//!
//! Priorities decide who wins the shared slots (insert space, the coupon, the message,
//! the packaging): service first (apologies, guides), then the moments that happen once
//! (first order, VIP status, a return), then the recurring nudges.

use std::collections::BTreeMap;

use packwise_core::Campaign;
use packwise_core::campaign::{
    Actions, CampaignStatus, CouponAction, CouponValue, FrequencyCap, InsertAction, InsertRule,
    MessageAction, Packaging, RecommendAction, Schedule,
};
use rust_decimal::Decimal;

use super::inserts::{
    APOLOGY_CARD, BIRTHDAY_GIFT, REFERRAL_CARD, REVIEW_CARD, THANK_YOU_CARD, WELCOME_BACK_CARD,
    WELCOME_CARD,
};

/// At most one coupon per parcel: a customer who qualifies for two gets the more important.
const COUPON_GROUP: &str = "coupon";

fn campaign(id: &str, name: &str, priority: i32, condition: &str, actions: Actions) -> Campaign {
    Campaign {
        id: id.to_string(),
        name: name.to_string(),
        status: CampaignStatus::Active,
        priority,
        condition: condition.to_string(),
        actions,
        exclusive_group: None,
        schedule: Schedule::default(),
        budget: None,
        frequency_cap: None,
        holdout_percent: Decimal::ZERO,
        version: 1,
        started_at: None,
    }
}

fn card(sku: &str) -> InsertAction {
    InsertAction {
        sku: Some(sku.to_string()),
        pick: None,
        fallback: None,
    }
}

fn pick(rule: InsertRule) -> InsertAction {
    InsertAction {
        sku: None,
        pick: Some(rule),
        fallback: None,
    }
}

fn message(templates: &[(&str, &str)]) -> Option<MessageAction> {
    Some(MessageAction {
        templates: templates
            .iter()
            .map(|(locale, text)| (locale.to_string(), text.to_string()))
            .collect::<BTreeMap<_, _>>(),
    })
}

fn coupon(value: CouponValue, expires_in_days: u32, prefix: &str, min_spend: i64) -> CouponAction {
    CouponAction {
        value,
        expires_in_days,
        prefix: prefix.to_string(),
        min_spend: Some(Decimal::from(min_spend)),
    }
}

fn percent(p: i64) -> CouponValue {
    CouponValue::Percent {
        percent: Decimal::from(p),
    }
}

fn cap(max: u32, window_days: u32) -> Option<FrequencyCap> {
    Some(FrequencyCap {
        max,
        window_days,
        scope: packwise_core::campaign::CapScope::Campaign,
    })
}

fn gift_wrap() -> Campaign {
    let actions = Actions {
        packaging: Some(Packaging {
            box_type: "gift-box".to_string(),
            gift_wrap: true,
        }),
        ..Actions::default()
    };
    // Packaging only, so it applies on marketplaces that forbid marketing too.
    campaign(
        "gift-wrap",
        "Gift wrap for gift buyers",
        100,
        r#""gift" in customer.tags"#,
        actions,
    )
}

fn detractor_apology() -> Campaign {
    let actions = Actions {
        inserts: vec![card(APOLOGY_CARD)],
        coupon: Some(coupon(
            CouponValue::FixedAmount {
                amount: Decimal::from(10),
                currency: super::CURRENCY.parse().expect("ISO 4217"),
            },
            90,
            "SORRY",
            20,
        )),
        message: message(&[
            (
                "en",
                "{{ first_name or 'Dear customer' }}, we are sorry your last experience with us fell short. Thank you for telling us: we are working on it.",
            ),
            (
                "de",
                "{{ first_name or 'Liebe Kundin, lieber Kunde' }}, es tut uns leid, dass wir dich zuletzt enttäuscht haben. Danke für dein ehrliches Feedback: Wir arbeiten daran.",
            ),
            (
                "fr",
                "{{ first_name or 'Chère cliente, cher client' }}, nous sommes désolés que votre dernière expérience vous ait déçu. Merci pour votre retour : nous y travaillons.",
            ),
            (
                "es",
                "{{ first_name or 'Estimado cliente' }}, sentimos que tu última experiencia no estuviera a la altura. Gracias por contárnoslo: ya estamos trabajando en ello.",
            ),
            (
                "id",
                "{{ first_name or 'Pelanggan yang terhormat' }}, kami mohon maaf atas pengalaman yang kurang menyenangkan. Terima kasih atas masukanmu, kami sedang memperbaikinya.",
            ),
        ]),
        ..Actions::default()
    };
    Campaign {
        exclusive_group: Some(COUPON_GROUP.to_string()),
        budget: Some(500),
        // One apology per answer is sincere; one per parcel would not be.
        frequency_cap: cap(1, 365),
        ..campaign(
            "nps-detractor-apology",
            "Apology and coupon for NPS detractors",
            95,
            "customer.nps >= 0 && customer.nps <= 6",
            actions,
        )
    }
}

fn how_to_guides() -> Campaign {
    let actions = Actions {
        inserts: vec![pick(InsertRule::BasketGuides)],
        ..Actions::default()
    };
    campaign(
        "how-to-guides",
        "How-to guides for products that need one",
        90,
        "order.needs_guide",
        actions,
    )
}

fn first_order_welcome() -> Campaign {
    let welcome = InsertAction {
        fallback: Some(THANK_YOU_CARD.to_string()),
        ..card(WELCOME_CARD)
    };
    let actions = Actions {
        inserts: vec![welcome],
        coupon: Some(coupon(percent(10), 60, "WELCOME", 25)),
        message: message(&[
            (
                "en",
                "Welcome to {{ merchant_name }}, {{ first_name or 'friend' }}! Thank you for your first order, we hope you love it.",
            ),
            (
                "de",
                "Willkommen bei {{ merchant_name }}, {{ first_name or 'liebe Kundin, lieber Kunde' }}! Danke für deine erste Bestellung, wir hoffen, sie gefällt dir.",
            ),
            (
                "fr",
                "Bienvenue chez {{ merchant_name }}, {{ first_name or 'chère cliente, cher client' }} ! Merci pour votre première commande, nous espérons qu'elle vous plaira.",
            ),
            (
                "es",
                "¡Bienvenido a {{ merchant_name }}, {{ first_name or 'amigo' }}! Gracias por tu primer pedido, esperamos que te encante.",
            ),
            (
                "id",
                "Selamat datang di {{ merchant_name }}, {{ first_name or 'Kak' }}! Terima kasih atas pesanan pertamamu, semoga kamu suka.",
            ),
        ]),
        ..Actions::default()
    };
    Campaign {
        exclusive_group: Some(COUPON_GROUP.to_string()),
        budget: Some(10_000),
        holdout_percent: Decimal::from(10),
        ..campaign(
            "first-order-welcome",
            "Welcome card and 10% off the next order",
            80,
            "customer.first_order",
            actions,
        )
    }
}

fn vip_thank_you() -> Campaign {
    let actions = Actions {
        inserts: vec![card(THANK_YOU_CARD), pick(InsertRule::TopCategorySample)],
        message: message(&[
            (
                "en",
                "{{ first_name or 'Friend' }}, you are one of our most loyal customers. As a thank-you we added a little {{ top_category }} treat, on us.",
            ),
            (
                "de",
                "{{ first_name or 'Liebe Kundin, lieber Kunde' }}, du gehörst zu unseren treuesten Kunden. Als Dankeschön liegt eine kleine Überraschung bei.",
            ),
            (
                "fr",
                "{{ first_name or 'Chère cliente, cher client' }}, merci pour votre fidélité ! Un petit cadeau vous attend dans ce colis.",
            ),
            (
                "es",
                "{{ first_name or 'Querido cliente' }}, ¡gracias por tu fidelidad! Te hemos incluido un pequeño regalo.",
            ),
            (
                "id",
                "{{ first_name or 'Kak' }}, terima kasih atas kesetiaanmu! Ada hadiah kecil untukmu di dalam paket ini.",
            ),
        ]),
        ..Actions::default()
    };
    Campaign {
        budget: Some(2_000),
        // Samples cost money: a VIP gets one every other month, not in every parcel.
        frequency_cap: cap(1, 60),
        ..campaign(
            "vip-thank-you",
            "Thank-you card and a sample for VIPs",
            70,
            "customer.lifetime_value >= 500.0",
            actions,
        )
    }
}

fn welcome_back() -> Campaign {
    let actions = Actions {
        inserts: vec![card(WELCOME_BACK_CARD)],
        message: message(&[
            (
                "en",
                "Welcome back, {{ first_name or 'friend' }}! We missed you, and it is good to see you again.",
            ),
            (
                "de",
                "Schön, dass du wieder da bist, {{ first_name or 'liebe Kundin, lieber Kunde' }}! Wir haben dich vermisst.",
            ),
            (
                "fr",
                "Quel plaisir de vous revoir, {{ first_name or 'chère cliente, cher client' }} ! Vous nous avez manqué.",
            ),
            (
                "es",
                "¡Qué alegría volver a verte, {{ first_name or 'amigo' }}! Te echábamos de menos.",
            ),
            (
                "id",
                "Selamat datang kembali, {{ first_name or 'Kak' }}! Kami kangen kamu.",
            ),
        ]),
        ..Actions::default()
    };
    Campaign {
        holdout_percent: Decimal::from(20),
        ..campaign(
            "welcome-back",
            "We missed you: returning after 90 days",
            65,
            "customer.days_since_last_order >= 90",
            actions,
        )
    }
}

fn passive_discount() -> Campaign {
    let actions = Actions {
        coupon: Some(coupon(percent(15), 45, "THANKS", 30)),
        message: message(&[
            (
                "en",
                "Thank you for your feedback, {{ first_name or 'friend' }}! We would love to earn a 10 from you, so your next order is on us at a discount.",
            ),
            (
                "de",
                "Danke für dein Feedback, {{ first_name or 'liebe Kundin, lieber Kunde' }}! Wir möchten uns eine 10 verdienen: Deine nächste Bestellung gibt es günstiger.",
            ),
            (
                "fr",
                "Merci pour votre avis, {{ first_name or 'chère cliente, cher client' }} ! Pour mériter un 10, votre prochaine commande est à prix réduit.",
            ),
        ]),
        ..Actions::default()
    };
    Campaign {
        exclusive_group: Some(COUPON_GROUP.to_string()),
        budget: Some(2_000),
        frequency_cap: cap(1, 180),
        ..campaign(
            "nps-passive-discount",
            "15% off the next order for NPS passives",
            60,
            "customer.nps >= 7 && customer.nps <= 8",
            actions,
        )
    }
}

fn promoter_referral() -> Campaign {
    let actions = Actions {
        inserts: vec![card(REFERRAL_CARD)],
        message: message(&[
            (
                "en",
                "{{ first_name or 'Friend' }}, thank you for recommending us! Pass the card inside to a friend: you both get a treat.",
            ),
            (
                "de",
                "{{ first_name or 'Liebe Kundin, lieber Kunde' }}, danke für deine Empfehlung! Gib die Karte an Freunde weiter: Ihr bekommt beide eine Überraschung.",
            ),
            (
                "fr",
                "{{ first_name or 'Chère cliente, cher client' }}, merci de nous recommander ! Offrez la carte à un ami : une surprise vous attend tous les deux.",
            ),
        ]),
        ..Actions::default()
    };
    Campaign {
        frequency_cap: cap(1, 90),
        ..campaign(
            "nps-promoter-referral",
            "Refer-a-friend card for NPS promoters",
            55,
            "customer.nps >= 9",
            actions,
        )
    }
}

fn birthday_gift() -> Campaign {
    let actions = Actions {
        inserts: vec![card(BIRTHDAY_GIFT)],
        message: message(&[
            (
                "en",
                "Happy birthday, {{ first_name or 'friend' }}! A small gift from all of us at {{ merchant_name }}.",
            ),
            (
                "de",
                "Alles Gute zum Geburtstag, {{ first_name or 'liebe Kundin, lieber Kunde' }}! Ein kleines Geschenk von uns allen bei {{ merchant_name }}.",
            ),
            (
                "fr",
                "Joyeux anniversaire, {{ first_name or 'chère cliente, cher client' }} ! Un petit cadeau de toute l'équipe {{ merchant_name }}.",
            ),
            (
                "es",
                "¡Feliz cumpleaños, {{ first_name or 'amigo' }}! Un pequeño regalo de todo el equipo de {{ merchant_name }}.",
            ),
            (
                "id",
                "Selamat ulang tahun, {{ first_name or 'Kak' }}! Hadiah kecil dari kami semua di {{ merchant_name }}.",
            ),
        ]),
        ..Actions::default()
    };
    Campaign {
        budget: Some(3_000),
        // Once per birthday, however often they order that month.
        frequency_cap: cap(1, 300),
        ..campaign(
            "birthday-gift",
            "A gift in the birthday month",
            50,
            "customer.is_birthday_month",
            actions,
        )
    }
}

fn review_request() -> Campaign {
    let actions = Actions {
        inserts: vec![card(REVIEW_CARD)],
        ..Actions::default()
    };
    Campaign {
        frequency_cap: cap(1, 90),
        holdout_percent: Decimal::from(10),
        // Marketplace buyers review on the marketplace, not in our shop.
        ..campaign(
            "review-request",
            "Review request for repeat customers",
            40,
            r#"customer.orders_before >= 1 && order.channel in ["web", "mobile"]"#,
            actions,
        )
    }
}

fn similar_items() -> Campaign {
    let actions = Actions {
        recommend: Some(RecommendAction {
            count: 3,
            max_per_category: 2,
        }),
        ..Actions::default()
    };
    campaign(
        "similar-items",
        "Recommend 3 similar items",
        30,
        "true",
        actions,
    )
}

fn free_shipping_nudge() -> Campaign {
    let actions = Actions {
        message: message(&[
            (
                "en",
                "Only {{ free_shipping_gap }} more and this parcel would have shipped free. Orders from {{ free_shipping_threshold }} always ship free!",
            ),
            (
                "de",
                "Nur {{ free_shipping_gap }} mehr, und dieses Paket wäre versandkostenfrei gewesen. Ab {{ free_shipping_threshold }} liefern wir immer gratis!",
            ),
            (
                "fr",
                "Encore {{ free_shipping_gap }} et ce colis aurait été livré gratuitement. Livraison offerte dès {{ free_shipping_threshold }} !",
            ),
            (
                "es",
                "Con solo {{ free_shipping_gap }} más, este pedido habría tenido envío gratis. ¡Envío gratuito a partir de {{ free_shipping_threshold }}!",
            ),
            (
                "id",
                "Tambah {{ free_shipping_gap }} lagi, paket ini bisa gratis ongkir. Gratis ongkir untuk pesanan mulai {{ free_shipping_threshold }}!",
            ),
        ]),
        ..Actions::default()
    };
    campaign(
        "free-shipping-nudge",
        "Spend a little more for free shipping",
        20,
        "order.free_shipping_gap > 0.0",
        actions,
    )
}

/// The demo shop's active campaigns, highest priority first.
pub fn campaigns() -> Vec<Campaign> {
    vec![
        gift_wrap(),
        detractor_apology(),
        how_to_guides(),
        first_order_welcome(),
        vip_thank_you(),
        welcome_back(),
        passive_discount(),
        promoter_referral(),
        birthday_gift(),
        review_request(),
        similar_items(),
        free_shipping_nudge(),
    ]
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use packwise_core::CampaignSet;
    use packwise_core::campaign::CampaignStatus;

    use super::*;
    use crate::demo::inserts;

    #[test]
    fn every_campaign_passes_the_checks_the_api_runs_before_saving() {
        let inserts = inserts();
        for c in campaigns() {
            if let Err(e) = CampaignSet::validate(&c, &inserts) {
                panic!("{}: {e}", c.id);
            }
        }
    }

    #[test]
    fn the_set_builds_without_broken_campaigns() {
        let set = CampaignSet::build(super::super::settings(), campaigns(), inserts());
        let broken: Vec<String> = set
            .broken
            .iter()
            .map(|(c, e)| format!("{}: {e}", c.id))
            .collect();
        assert!(broken.is_empty(), "{broken:?}");
        assert_eq!(set.campaigns.len(), campaigns().len());
    }

    #[test]
    fn campaigns_are_active_unique_and_in_priority_order() {
        let all = campaigns();
        assert!(all.iter().all(|c| c.status == CampaignStatus::Active));
        let ids: BTreeSet<&str> = all.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids.len(), all.len());
        let priorities: Vec<i32> = all.iter().map(|c| c.priority).collect();
        assert!(priorities.windows(2).all(|w| w[0] > w[1]), "{priorities:?}");
    }

    #[test]
    fn the_shop_measures_lift_and_keeps_coupons_exclusive() {
        let all = campaigns();
        let held_out = all
            .iter()
            .filter(|c| c.holdout_percent > Decimal::ZERO)
            .count();
        assert!(held_out >= 2);
        let coupons: Vec<&Campaign> = all.iter().filter(|c| c.actions.coupon.is_some()).collect();
        assert!(coupons.len() >= 3);
        for c in coupons {
            assert_eq!(c.exclusive_group.as_deref(), Some(COUPON_GROUP), "{}", c.id);
            assert!(c.budget.is_some(), "{} gives money away unbounded", c.id);
        }
        assert!(
            all.iter()
                .any(|c| c.frequency_cap.is_some() && c.id == "review-request")
        );
    }

    #[test]
    fn the_welcome_card_falls_back_where_it_is_out_of_stock() {
        let welcome = first_order_welcome();
        let action = &welcome.actions.inserts[0];
        assert_eq!(action.sku.as_deref(), Some(WELCOME_CARD));
        let fallback = action.fallback.as_deref().unwrap();
        let stock = |sku: &str| inserts().into_iter().find(|i| i.sku == sku).unwrap().stock;
        assert_eq!(stock(WELCOME_CARD)["AMS1"], 0);
        assert!(stock(fallback)["AMS1"] > 0);
    }

    #[test]
    fn the_free_shipping_message_speaks_five_languages() {
        let nudge = free_shipping_nudge();
        let templates = &nudge.actions.message.as_ref().unwrap().templates;
        let locales: Vec<&str> = templates.keys().map(String::as_str).collect();
        assert_eq!(locales, ["de", "en", "es", "fr", "id"]);
        assert!(
            templates
                .values()
                .all(|t| t.contains("{{ free_shipping_gap }}"))
        );
    }
}
