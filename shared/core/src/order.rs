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
/// Most units of one line: far beyond any parcel, and small enough that the units of
/// `MAX_LINES` lines add up without overflow.
pub const MAX_QUANTITY: u32 = 1_000_000;

/// The largest unit price and total (in the order's currency) an order may state. With
/// `MAX_QUANTITY` and `MAX_LINES` it keeps every line total and their sum far inside
/// what a `Decimal` holds, so no amount computed from a valid order overflows.
pub fn max_amount() -> Decimal {
    Decimal::from(1_000_000_000u32)
}

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
        let max = max_amount();
        // Whether every line total and their sum can be computed without overflow.
        let mut amounts_bounded = true;
        for (i, line) in self.lines.iter().enumerate() {
            p.identifier(&format!("lines[{i}].sku"), &line.sku, MAX_ID);
            if line.quantity == 0 {
                p.add(format!("lines[{i}].quantity"), "must be at least 1");
            } else if line.quantity > MAX_QUANTITY {
                p.add(
                    format!("lines[{i}].quantity"),
                    format!("must be at most {MAX_QUANTITY}"),
                );
                amounts_bounded = false;
            }
            amounts_bounded &= amount(
                &mut p,
                &format!("lines[{i}].unit_price"),
                line.unit_price,
                max,
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
            amount(&mut p, &format!("totals.{name}"), value, max);
        }
        if amounts_bounded && !self.lines.is_empty() && self.lines.len() <= MAX_LINES {
            match self.lines_sum() {
                Some(sum) => p.check(
                    sum == totals.subtotal,
                    "totals.subtotal",
                    format!("is {} but the lines add up to {sum}", totals.subtotal),
                ),
                None => p.add("lines", "the line totals cannot be added up"),
            }
        }
        p.finish()
    }

    /// The sum of the line totals, or `None` if it overflows (never for a valid order).
    fn lines_sum(&self) -> Option<Decimal> {
        self.lines.iter().try_fold(Decimal::ZERO, |sum, line| {
            line.unit_price
                .checked_mul(Decimal::from(line.quantity))
                .and_then(|total| sum.checked_add(total))
        })
    }
}

/// Checks an amount is between 0 and `max`; returns whether it is.
fn amount(p: &mut Problems, field: &str, value: Decimal, max: Decimal) -> bool {
    if value < Decimal::ZERO {
        p.add(field, "must not be negative");
        false
    } else if value > max {
        p.add(field, format!("must be at most {max}"));
        false
    } else {
        true
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

    /// Found by fuzzing: a unit price near the largest `Decimal` times a quantity
    /// overflowed, and validation panicked adding up the lines.
    #[test]
    fn amounts_beyond_any_order_are_refused_by_field_not_overflowed() {
        let mut order = sample();
        order.lines[0].unit_price = Decimal::MAX;
        order.lines[0].quantity = 3;
        order.totals.total = Decimal::MAX;
        let err = order.validate().unwrap_err();
        let fields: Vec<(&str, &str)> = err
            .errors
            .iter()
            .map(|e| (e.field.as_str(), e.message.as_str()))
            .collect();
        assert_eq!(
            fields,
            [
                ("lines[0].unit_price", "must be at most 1000000000"),
                ("totals.total", "must be at most 1000000000"),
            ]
        );

        let mut order = sample();
        order.lines[0].quantity = u32::MAX;
        let err = order.validate().unwrap_err();
        assert_eq!(err.errors[0].field, "lines[0].quantity");
        assert_eq!(err.errors[0].message, "must be at most 1000000");
    }

    #[test]
    fn the_largest_amounts_allowed_add_up_without_overflow() {
        let mut order = sample();
        let line = OrderLine {
            quantity: MAX_QUANTITY,
            unit_price: max_amount(),
            ..order.lines[0].clone()
        };
        order.lines = vec![line; MAX_LINES];
        let sum = order.lines_sum().expect("no overflow");
        assert_eq!(sum, max_amount() * Decimal::from(MAX_QUANTITY) * dec!(500));
        assert_eq!(order.item_count(), MAX_QUANTITY * 500);
        // Validation refuses the subtotal by field instead of overflowing.
        let err = order.validate().unwrap_err();
        assert_eq!(err.errors[0].field, "totals.subtotal");
    }

    #[test]
    fn unknown_fields_are_rejected() {
        let mut json = serde_json::to_value(sample()).unwrap();
        json["colour"] = "red".into();
        let err = serde_json::from_value::<Order>(json).unwrap_err();
        assert!(err.to_string().contains("colour"), "{err}");
    }
}
