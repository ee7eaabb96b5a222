//! The normalized order every sales channel is mapped to.

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::money::{Currency, Money};
use crate::validation::{Invalid, Problems};

/// Where the order was placed. Marketplaces often forbid marketing inserts.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    JsonSchema,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Web,
    Mobile,
    Store,
    Amazon,
    Ebay,
    Walmart,
    OtherMarketplace,
}

impl Channel {
    pub const ALL: [Channel; 7] = [
        Channel::Web,
        Channel::Mobile,
        Channel::Store,
        Channel::Amazon,
        Channel::Ebay,
        Channel::Walmart,
        Channel::OtherMarketplace,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Mobile => "mobile",
            Channel::Store => "store",
            Channel::Amazon => "amazon",
            Channel::Ebay => "ebay",
            Channel::Walmart => "walmart",
            Channel::OtherMarketplace => "other_marketplace",
        }
    }

    pub fn is_marketplace(&self) -> bool {
        matches!(
            self,
            Channel::Amazon | Channel::Ebay | Channel::Walmart | Channel::OtherMarketplace
        )
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderCustomer {
    pub id: String,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    /// BCP 47 language tag such as `de-DE`; falls back to the profile, then the merchant.
    #[serde(default)]
    pub locale: Option<String>,
    #[serde(default)]
    pub birthday: Option<NaiveDate>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Address {
    pub name: String,
    pub line1: String,
    #[serde(default)]
    pub line2: Option<String>,
    pub city: String,
    #[serde(default)]
    pub region: Option<String>,
    pub postal_code: String,
    /// ISO 3166-1 alpha-2 country code, such as `DE`.
    pub country: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderLine {
    pub sku: String,
    pub title: String,
    #[serde(default)]
    pub category: Option<String>,
    pub quantity: u32,
    /// Price of one unit in the order's currency.
    #[schemars(with = "String")]
    pub unit_price: Decimal,
}

impl OrderLine {
    pub fn total(&self) -> Decimal {
        self.unit_price * Decimal::from(self.quantity)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Totals {
    #[schemars(with = "String")]
    pub subtotal: Decimal,
    #[serde(default)]
    #[schemars(with = "String")]
    pub shipping: Decimal,
    #[serde(default)]
    #[schemars(with = "String")]
    pub tax: Decimal,
    #[serde(default)]
    #[schemars(with = "String")]
    pub discount: Decimal,
    #[schemars(with = "String")]
    pub total: Decimal,
}

/// An order as every channel's adapter normalizes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Order {
    pub merchant: String,
    pub order_id: String,
    pub customer: OrderCustomer,
    pub placed_at: DateTime<Utc>,
    pub channel: Channel,
    pub currency: Currency,
    /// The fulfillment centre that picks and packs the order.
    pub fulfillment_centre: String,
    pub ship_to: Address,
    pub lines: Vec<OrderLine>,
    #[serde(default)]
    pub discount_codes: Vec<String>,
    pub totals: Totals,
}

pub const MAX_LINES: usize = 500;
pub(crate) const MAX_ID: usize = 128;

impl Order {
    pub fn money(&self, amount: Decimal) -> Money {
        Money::new(amount, self.currency)
    }

    pub fn item_count(&self) -> u32 {
        self.lines.iter().map(|l| l.quantity).sum()
    }

    /// Checks what the types cannot: identifiers usable in keys, sane quantities and
    /// amounts, a subtotal that agrees with the lines. Reports every problem at once.
    pub fn validate(&self) -> Result<(), Invalid> {
        let mut p = Problems::default();
        p.identifier("merchant", &self.merchant, 64);
        p.identifier("order_id", &self.order_id, MAX_ID);
        p.identifier("customer.id", &self.customer.id, MAX_ID);
        p.identifier("fulfillment_centre", &self.fulfillment_centre, 64);
        if let Some(locale) = &self.customer.locale {
            p.check(
                crate::locale::is_language_tag(locale),
                "customer.locale",
                format!("`{locale}` is not a language tag such as `en` or `de-DE`"),
            );
        }
        let country = &self.ship_to.country;
        p.check(
            country.len() == 2 && country.chars().all(|c| c.is_ascii_uppercase()),
            "ship_to.country",
            format!("`{country}` is not an ISO 3166-1 alpha-2 code such as `DE`"),
        );
        if self.lines.is_empty() {
            p.add("lines", "an order needs at least one line");
        }
        if self.lines.len() > MAX_LINES {
            p.add("lines", format!("at most {MAX_LINES} lines"));
        }
        for (i, line) in self.lines.iter().enumerate() {
            p.identifier(&format!("lines[{i}].sku"), &line.sku, MAX_ID);
            p.check(
                line.quantity > 0,
                format!("lines[{i}].quantity"),
                "must be at least 1",
            );
            p.check(
                line.unit_price >= Decimal::ZERO,
                format!("lines[{i}].unit_price"),
                "must not be negative",
            );
        }
        let totals = &self.totals;
        for (name, value) in [
            ("subtotal", totals.subtotal),
            ("shipping", totals.shipping),
            ("tax", totals.tax),
            ("discount", totals.discount),
            ("total", totals.total),
        ] {
            p.check(
                value >= Decimal::ZERO,
                format!("totals.{name}"),
                "must not be negative",
            );
        }
        let lines_sum: Decimal = self.lines.iter().map(OrderLine::total).sum();
        p.check(
            self.lines.is_empty() || lines_sum == totals.subtotal,
            "totals.subtotal",
            format!("is {} but the lines add up to {lines_sum}", totals.subtotal),
        );
        p.finish()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    pub fn sample() -> Order {
        serde_json::from_value(serde_json::json!({
            "merchant": "acme",
            "order_id": "1001",
            "customer": {"id": "c1", "first_name": "Ana", "locale": "de-DE"},
            "placed_at": "2026-03-10T09:30:00Z",
            "channel": "web",
            "currency": "EUR",
            "fulfillment_centre": "BER1",
            "ship_to": {"name": "Ana", "line1": "Main 1", "city": "Berlin",
                        "postal_code": "10115", "country": "DE"},
            "lines": [{"sku": "TEA-1", "title": "Mint Tea", "category": "tea",
                       "quantity": 2, "unit_price": "4.50"}],
            "totals": {"subtotal": "9.00", "shipping": "3.90", "total": "12.90"}
        }))
        .unwrap()
    }

    #[test]
    fn a_sound_order_validates() {
        let order = sample();
        order.validate().unwrap();
        assert_eq!(order.item_count(), 2);
        assert_eq!(order.lines[0].total(), dec!(9.00));
    }

    #[test]
    fn every_problem_is_named_by_field() {
        let mut order = sample();
        order.order_id = "a#b".into();
        order.lines[0].quantity = 0;
        order.ship_to.country = "Germany".into();
        order.totals.subtotal = dec!(10);
        let err = order.validate().unwrap_err();
        let fields: Vec<&str> = err.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "order_id",
                "ship_to.country",
                "lines[0].quantity",
                "totals.subtotal"
            ]
        );
    }

    #[test]
    fn unknown_fields_are_rejected() {
        let mut json = serde_json::to_value(sample()).unwrap();
        json["colour"] = "red".into();
        let err = serde_json::from_value::<Order>(json).unwrap_err();
        assert!(err.to_string().contains("colour"), "{err}");
    }
}
