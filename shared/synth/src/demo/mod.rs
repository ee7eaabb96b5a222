//! The demo merchant `demo-shop`: its settings, printed inserts and campaigns, chosen so
//! that a day of synthetic orders exercises every kind of decision.

mod campaigns;
mod inserts;

use packwise_core::MerchantSettings;
use packwise_core::order::Channel;
use packwise_core::ports::{ConfigStore, Expect, StoreResult};
use packwise_core::slip::{PaperSize, SlipSettings};
use rust_decimal::Decimal;

pub use campaigns::campaigns;
pub use inserts::{
    APOLOGY_CARD, BIRTHDAY_GIFT, CENTRES, REFERRAL_CARD, REVIEW_CARD, THANK_YOU_CARD,
    WELCOME_BACK_CARD, WELCOME_CARD, inserts,
};

/// The demo merchant's id: every synthetic order belongs to it.
pub const MERCHANT: &str = "demo-shop";

/// The currency every synthetic price and order is in.
pub const CURRENCY: &str = "EUR";

/// Subtotal (EUR) from which shipping is free.
pub fn free_shipping_threshold() -> Decimal {
    Decimal::from(50)
}

/// Shipping (EUR) charged below the free-shipping threshold.
pub fn shipping_fee() -> Decimal {
    Decimal::new(490, 2)
}

/// The demo merchant's settings: English by default, EUR, free shipping from 50 EUR, no
/// marketing in Amazon and Walmart parcels, at most 3 inserts weighing 150 g, slips on
/// 4x6 in labels.
pub fn settings() -> MerchantSettings {
    MerchantSettings {
        merchant: MERCHANT.to_string(),
        name: "Demo Shop".to_string(),
        max_inserts_per_package: 3,
        max_insert_weight_grams: 150,
        forbidden_insert_channels: vec![Channel::Amazon, Channel::Walmart],
        default_locale: "en".to_string(),
        default_currency: CURRENCY.parse().expect("EUR is ISO 4217"),
        // Fixed so that demo coupon codes and holdout groups are the same on every run.
        coupon_secret: "demo-shop-fixed-coupon-secret".to_string(),
        free_shipping_threshold: Some(free_shipping_threshold()),
        not_recommendable: Vec::new(),
        out_of_stock: Vec::new(),
        slip: SlipSettings {
            paper: PaperSize::FourBySix,
            product_url_template: Some("https://demo-shop.example/p/{sku}".to_string()),
            returns: [
                ("en", "Not quite right? Return it within 30 days, free of charge.\nStart a return at demo-shop.example/returns with your order number."),
                ("de", "Passt etwas nicht? Rücksendung innerhalb von 30 Tagen, kostenlos.\nStarten Sie sie unter demo-shop.example/returns mit Ihrer Bestellnummer."),
                ("fr", "Un souci ? Retour gratuit sous 30 jours.\nCommencez sur demo-shop.example/returns avec votre numéro de commande."),
                ("es", "¿Algo no encaja? Devolución gratuita en 30 días.\nEmpiece en demo-shop.example/returns con su número de pedido."),
                ("id", "Ada yang kurang pas? Retur gratis dalam 30 hari.\nMulai di demo-shop.example/returns dengan nomor pesanan Anda."),
            ]
            .into_iter()
            .map(|(tag, text)| (tag.to_string(), text.to_string()))
            .collect(),
            html_template: None,
        },
        version: 0,
    }
}

/// Stores the demo merchant's settings, inserts and campaigns, replacing any earlier
/// ones: the shop the tests and the demo run against, on any store.
pub async fn install<S: ConfigStore>(store: &S) -> StoreResult<()> {
    store.put_settings(&settings(), Expect::Any).await?;
    for insert in inserts() {
        store.put_insert(MERCHANT, &insert, Expect::Any).await?;
    }
    for campaign in campaigns() {
        store.put_campaign(MERCHANT, &campaign, Expect::Any).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_settings_validate() {
        let s = settings();
        s.validate().unwrap();
        assert!(s.forbids_marketing(Channel::Amazon));
        assert!(s.forbids_marketing(Channel::Walmart));
        assert!(!s.forbids_marketing(Channel::Ebay));
        assert!(s.coupon_secret.len() >= 16);
    }
}

#[cfg(test)]
mod scenarios;
