//! Per-merchant settings that every decision obeys.

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::money::{Currency, DecimalString};
use crate::order::Channel;
use crate::slip::SlipSettings;
use crate::validation::{Invalid, Problems};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema, ToSchema)]
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
    #[schema(value_type = Option<DecimalString>)]
    pub free_shipping_threshold: Option<Decimal>,
    /// SKUs never suggested (gift cards, discontinued items).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_recommendable: Vec<String>,
    /// Products out of stock right now: not suggested until they are back.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub out_of_stock: Vec<String>,
    /// Packing slips: paper, product addresses for the suggestions' QR codes, return
    /// information and an optional HTML template.
    #[serde(default, skip_serializing_if = "is_default")]
    pub slip: SlipSettings,
    /// Bumped by every change: the API's entity tag. The store numbers it; a value sent
    /// is ignored.
    #[serde(default)]
    pub version: u64,
}

/// What the coupon secret reads as wherever settings are shown: the secret is what makes
/// codes unguessable, so it never leaves the store.
pub const MASKED_SECRET: &str = "********";

/// Settings as a merchant sends them to replace their own: the same fields, but the
/// merchant comes from who is asking, and the secret, which they are never shown, may
/// be left out (or sent back masked) to keep the stored one.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsUpdate {
    /// The caller's own merchant, or left out.
    #[serde(default)]
    pub merchant: Option<String>,
    pub name: String,
    #[serde(default = "default_max_inserts")]
    pub max_inserts_per_package: u32,
    #[serde(default = "default_max_weight")]
    pub max_insert_weight_grams: u32,
    #[serde(default = "default_forbidden")]
    pub forbidden_insert_channels: Vec<Channel>,
    pub default_locale: String,
    pub default_currency: Currency,
    /// A new secret; left out, or sent back as `********`, keeps the stored one.
    #[serde(default)]
    pub coupon_secret: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<DecimalString>)]
    pub free_shipping_threshold: Option<Decimal>,
    #[serde(default)]
    pub not_recommendable: Vec<String>,
    #[serde(default)]
    pub out_of_stock: Vec<String>,
    #[serde(default)]
    pub slip: SlipSettings,
    /// Accepted so that settings read can be sent back as they are, and ignored: the
    /// store numbers versions, and a conditional replace names the one it read in
    /// `If-Match`.
    #[serde(default)]
    pub version: Option<u64>,
}

impl SettingsUpdate {
    /// The settings to store for `caller`, or every problem at once. A `merchant` other
    /// than the caller is refused rather than ignored: a client that believes it is
    /// configuring another shop should hear so before anything changes.
    pub fn resolve(
        self,
        caller: &str,
        stored: Option<&MerchantSettings>,
    ) -> Result<MerchantSettings, Invalid> {
        let mut p = Problems::default();
        if let Some(named) = &self.merchant {
            p.check(
                named == caller,
                "merchant",
                format!("must be `{caller}`, the merchant of the API key, or left out"),
            );
        }
        let coupon_secret = match self.coupon_secret {
            Some(secret) if secret != MASKED_SECRET => secret,
            _ => match stored {
                Some(s) => s.coupon_secret.clone(),
                None => {
                    p.add(
                        "coupon_secret",
                        "is required: no secret is stored yet to keep",
                    );
                    String::new()
                }
            },
        };
        let settings = MerchantSettings {
            merchant: caller.to_string(),
            name: self.name,
            max_inserts_per_package: self.max_inserts_per_package,
            max_insert_weight_grams: self.max_insert_weight_grams,
            forbidden_insert_channels: self.forbidden_insert_channels,
            default_locale: self.default_locale,
            default_currency: self.default_currency,
            coupon_secret,
            free_shipping_threshold: self.free_shipping_threshold,
            not_recommendable: self.not_recommendable,
            out_of_stock: self.out_of_stock,
            slip: self.slip,
            version: stored.map_or(0, |s| s.version),
        };
        if let Err(invalid) = settings.validate() {
            for e in invalid.errors {
                // The missing secret is already explained; its length is not news.
                if !(e.field == "coupon_secret" && settings.coupon_secret.is_empty()) {
                    p.add(e.field, e.message);
                }
            }
        }
        p.finish().map(|()| settings)
    }
}

fn is_default(slip: &SlipSettings) -> bool {
    *slip == SlipSettings::default()
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
        self.slip.check(&mut p);
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

    /// The settings as they may be shown: everything but the coupon secret.
    pub fn masked(mut self) -> Self {
        self.coupon_secret = MASKED_SECRET.to_string();
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored() -> MerchantSettings {
        serde_json::from_value(serde_json::json!({
            "merchant": "teashop", "name": "Tea Shop", "default_locale": "en",
            "default_currency": "EUR", "coupon_secret": "the stored secret, kept",
            "free_shipping_threshold": "40", "max_inserts_per_package": 2,
            "max_insert_weight_grams": 100, "forbidden_insert_channels": ["ebay"],
            "not_recommendable": ["GIFTCARD-50"], "out_of_stock": ["TEA-MATCHA"],
            "slip": {"paper": "a4", "product_url_template": "https://tea.example/p/{sku}",
                     "returns": {"en": "30 days, free.\nteashop.example/returns"}},
            "version": 4
        }))
        .unwrap()
    }

    fn update(value: serde_json::Value) -> SettingsUpdate {
        serde_json::from_value(value).unwrap()
    }

    fn fields(invalid: Invalid) -> Vec<String> {
        invalid.errors.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn every_field_of_the_settings_can_be_sent_back_as_an_update() {
        // Fails when a field is added to the settings and not to the update, which
        // refuses unknown fields: a merchant could not set it.
        let shown = serde_json::to_value(stored().masked()).unwrap();
        let resolved = update(shown).resolve("teashop", Some(&stored())).unwrap();
        assert_eq!(resolved, stored());
    }

    #[test]
    fn a_left_out_secret_keeps_the_stored_one_and_a_new_one_replaces_it() {
        let body = serde_json::json!({
            "name": "Tea Shop & Co", "default_locale": "de", "default_currency": "EUR"
        });
        let kept = update(body.clone())
            .resolve("teashop", Some(&stored()))
            .unwrap();
        assert_eq!(kept.coupon_secret, stored().coupon_secret);
        assert_eq!(kept.merchant, "teashop");
        assert_eq!(kept.name, "Tea Shop & Co");
        assert_eq!(
            kept.max_inserts_per_package, 3,
            "defaults apply as on create"
        );
        let mut rotated = body;
        rotated["coupon_secret"] = "a brand new secret value".into();
        let rotated = update(rotated).resolve("teashop", Some(&stored())).unwrap();
        assert_eq!(rotated.coupon_secret, "a brand new secret value");
    }

    #[test]
    fn another_merchant_a_missing_secret_and_bad_values_are_refused_together() {
        let body = serde_json::json!({
            "merchant": "other-shop", "name": " ", "default_locale": "english",
            "default_currency": "EUR", "max_inserts_per_package": 21
        });
        let err = update(body).resolve("teashop", None).unwrap_err();
        assert_eq!(
            fields(err),
            [
                "merchant",
                "coupon_secret",
                "name",
                "max_inserts_per_package",
                "default_locale"
            ]
        );
        let short = update(serde_json::json!({
            "merchant": "teashop", "name": "Tea", "default_locale": "en",
            "default_currency": "EUR", "coupon_secret": "short"
        }));
        assert_eq!(
            fields(short.resolve("teashop", Some(&stored())).unwrap_err()),
            ["coupon_secret"]
        );
    }

    #[test]
    fn masked_settings_hide_only_the_secret() {
        let masked = stored().masked();
        assert_eq!(masked.coupon_secret, MASKED_SECRET);
        assert_eq!(
            MerchantSettings {
                coupon_secret: stored().coupon_secret,
                ..masked
            },
            stored()
        );
    }
}
