//! Per-merchant settings that every decision obeys.

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::money::Currency;
use crate::order::Channel;
use crate::validation::{Invalid, Problems};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MerchantSettings {
    pub merchant: String,
    /// Name printed on slips and usable in messages.
    pub name: String,
    #[serde(default = "default_max_inserts")]
    pub max_inserts_per_package: u32,
    #[serde(default = "default_max_weight")]
    pub max_insert_weight_grams: u32,
    /// Channels whose terms forbid marketing in the box (inserts, coupons, messages,
    /// suggestions); packaging still applies.
    #[serde(default = "default_forbidden")]
    pub forbidden_insert_channels: Vec<Channel>,
    pub default_locale: String,
    pub default_currency: Currency,
    /// Secret that coupon codes and holdout groups derive from: at least 16 characters.
    /// Changing it changes every code and regroups holdouts.
    pub coupon_secret: String,
    /// Order subtotal, in `default_currency`, from which shipping is free.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub free_shipping_threshold: Option<Decimal>,
    /// SKUs never suggested (gift cards, discontinued items).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_recommendable: Vec<String>,
    /// Products out of stock right now: not suggested until they are back.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub out_of_stock: Vec<String>,
}

fn default_max_inserts() -> u32 {
    3
}
fn default_max_weight() -> u32 {
    150
}
fn default_forbidden() -> Vec<Channel> {
    vec![Channel::Amazon, Channel::Walmart]
}

impl MerchantSettings {
    pub fn validate(&self) -> Result<(), Invalid> {
        let mut p = Problems::default();
        p.identifier("merchant", &self.merchant, 64);
        p.check(!self.name.trim().is_empty(), "name", "must not be empty");
        p.check(
            self.max_inserts_per_package <= 20,
            "max_inserts_per_package",
            "must be at most 20",
        );
        p.check(
            crate::locale::is_language_tag(&self.default_locale),
            "default_locale",
            "must be a language tag such as `en` or `de-DE`",
        );
        p.check(
            self.coupon_secret.chars().count() >= 16,
            "coupon_secret",
            "must be at least 16 characters",
        );
        for (field, skus) in [
            ("not_recommendable", &self.not_recommendable),
            ("out_of_stock", &self.out_of_stock),
        ] {
            for (i, sku) in skus.iter().enumerate() {
                p.identifier(&format!("{field}[{i}]"), sku, crate::order::MAX_ID);
            }
        }
        if let Some(t) = self.free_shipping_threshold {
            p.check(
                t > Decimal::ZERO,
                "free_shipping_threshold",
                "must be more than 0",
            );
        }
        p.finish()
    }

    pub fn forbids_marketing(&self, channel: Channel) -> bool {
        self.forbidden_insert_channels.contains(&channel)
    }
}
