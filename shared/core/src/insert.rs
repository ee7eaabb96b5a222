//! Printed inserts and samples, and their stock per fulfillment centre.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::validation::{Invalid, Problems};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InsertKind {
    WelcomeCard,
    ThankYouCard,
    WelcomeBack,
    HowToGuide,
    Sample,
    ReviewRequest,
    ReferralCard,
    ApologyCard,
    Gift,
    Flyer,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InsertFormat {
    /// Fits in an envelope-sized slot.
    Flat,
    /// Takes box space (samples, gifts).
    Bulky,
}

/// The longest fulfillment centre identifier a stock entry may have.
pub const MAX_CENTRE: usize = 64;

/// The most units of an insert one centre may hold: far beyond any print run, and far
/// enough below `i64::MAX` that no sum of changes can overflow.
pub const MAX_UNITS: i64 = 1_000_000_000;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Insert {
    pub sku: String,
    pub name: String,
    pub kind: InsertKind,
    pub weight_grams: u32,
    pub format: InsertFormat,
    /// Units on hand per fulfillment centre; a centre that is not listed stocks none.
    #[serde(default)]
    pub stock: BTreeMap<String, i64>,
    /// Warn when stock at a centre falls to this many.
    #[serde(default)]
    pub low_stock_threshold: u32,
    /// For samples: the category this sample represents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample_category: Option<String>,
    /// Products this insert explains: a basket with one of them asks for the guide.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub guides_skus: Vec<String>,
    /// Bumped by every change of the insert, its stock included (each parcel that takes
    /// one): the API's entity tag. The store numbers it; a value sent is ignored.
    #[serde(default)]
    pub version: u64,
}

impl Insert {
    pub fn validate_structure(&self, p: &mut Problems) {
        p.identifier("sku", &self.sku, 64);
        p.check(!self.name.trim().is_empty(), "name", "must not be empty");
        p.check(
            self.weight_grams <= 5_000,
            "weight_grams",
            "must be at most 5000",
        );
        for (centre, units) in &self.stock {
            p.identifier(&format!("stock.{centre}"), centre, MAX_CENTRE);
            p.check(
                *units >= 0,
                format!("stock.{centre}"),
                "must not be negative",
            );
            p.check(
                *units <= MAX_UNITS,
                format!("stock.{centre}"),
                format!("must be at most {MAX_UNITS}"),
            );
        }
        if let Some(category) = &self.sample_category {
            p.check(
                !category.trim().is_empty(),
                "sample_category",
                "must not be empty; leave it out instead",
            );
        }
        for (i, sku) in self.guides_skus.iter().enumerate() {
            p.identifier(&format!("guides_skus[{i}]"), sku, crate::order::MAX_ID);
        }
    }

    /// Every problem of the definition at once.
    pub fn validate(&self) -> Result<(), Invalid> {
        let mut p = Problems::default();
        self.validate_structure(&mut p);
        p.finish()
    }

    /// Centres whose stock is at or below the threshold, where the merchant should
    /// restock. Centres not listed stock none by choice, so they do not count.
    pub fn low_stock_centres(&self) -> Vec<&str> {
        self.stock
            .iter()
            .filter(|(_, units)| **units <= i64::from(self.low_stock_threshold))
            .map(|(centre, _)| centre.as_str())
            .collect()
    }
}

/// A change to an insert's stock at one centre.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StockChange {
    /// Add this many units, or take them when negative: a delivery, a loss.
    By(i64),
    /// Set the count, whatever it was: a stock take.
    To(i64),
}

impl StockChange {
    /// The units after the change from `on_hand`, if from 0 to [`MAX_UNITS`].
    pub fn apply(self, on_hand: i64) -> Option<i64> {
        let after = match self {
            StockChange::By(delta) => on_hand.checked_add(delta)?,
            StockChange::To(units) => units,
        };
        (0..=MAX_UNITS).contains(&after).then_some(after)
    }

    /// Why the change cannot be made to `on_hand` units of `sku` at `centre`, for people.
    pub fn refusal(self, sku: &str, centre: &str, on_hand: i64) -> String {
        let holds = format!("insert {sku} has {on_hand} unit(s) at centre {centre}");
        match self {
            StockChange::By(delta) if delta < 0 => {
                format!("{holds}, fewer than the {} to take", delta.unsigned_abs())
            }
            StockChange::By(delta) => {
                format!("{holds}: adding {delta} would pass the most a centre holds, {MAX_UNITS}")
            }
            StockChange::To(units) => {
                format!("{holds}: it cannot be set to {units}, only to 0 to {MAX_UNITS}")
            }
        }
    }
}

/// A merchant's change of one centre's stock by a number of units, as the API takes it:
/// a delivery (`delta` > 0) or a loss (`delta` < 0).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StockDelta {
    pub centre: String,
    pub delta: i64,
}

impl StockDelta {
    /// Every problem at once: the centre an identifier, the delta not 0 and no larger
    /// than a centre can hold.
    pub fn validate(&self) -> Result<(), Invalid> {
        let mut p = Problems::default();
        p.identifier("centre", &self.centre, MAX_CENTRE);
        p.check(self.delta != 0, "delta", "must not be 0");
        p.check(
            self.delta.unsigned_abs() <= MAX_UNITS.unsigned_abs(),
            "delta",
            format!("must be from -{MAX_UNITS} to {MAX_UNITS}"),
        );
        p.finish()
    }

    pub fn change(&self) -> StockChange {
        StockChange::By(self.delta)
    }
}

/// A merchant's count of one centre's stock, as the API takes it: the centre is named
/// by the path.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StockCount {
    pub units: i64,
}

impl StockCount {
    /// Every problem at once, `centre` included.
    pub fn validate(&self, centre: &str) -> Result<(), Invalid> {
        let mut p = Problems::default();
        p.identifier("centre", centre, MAX_CENTRE);
        p.check(
            (0..=MAX_UNITS).contains(&self.units),
            "units",
            format!("must be from 0 to {MAX_UNITS}"),
        );
        p.finish()
    }

    pub fn change(&self) -> StockChange {
        StockChange::To(self.units)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(result: Result<(), Invalid>) -> Vec<String> {
        result
            .err()
            .map(|e| e.errors.into_iter().map(|e| e.field).collect())
            .unwrap_or_default()
    }

    #[test]
    fn a_stock_delta_names_a_centre_and_a_number_of_units() {
        let delta = |centre: &str, delta: i64| StockDelta {
            centre: centre.to_string(),
            delta,
        };
        assert!(fields(delta("BER1", -5).validate()).is_empty());
        assert!(fields(delta("BER1", MAX_UNITS).validate()).is_empty());
        assert!(fields(delta("BER1", -MAX_UNITS).validate()).is_empty());
        assert_eq!(fields(delta("BER#1", 0).validate()), ["centre", "delta"]);
        assert_eq!(
            fields(delta("", MAX_UNITS + 1).validate()),
            ["centre", "delta"]
        );
        assert_eq!(fields(delta("BER1", i64::MIN).validate()), ["delta"]);
        assert_eq!(delta("BER1", -5).change(), StockChange::By(-5));
    }

    #[test]
    fn a_stock_count_is_from_none_to_the_most_a_centre_holds() {
        let count = |units| StockCount { units };
        assert!(fields(count(0).validate("BER1")).is_empty());
        assert!(fields(count(MAX_UNITS).validate("BER1")).is_empty());
        assert_eq!(fields(count(-1).validate("a/b")), ["centre", "units"]);
        assert_eq!(fields(count(MAX_UNITS + 1).validate("BER1")), ["units"]);
        assert_eq!(count(7).change(), StockChange::To(7));
    }

    #[test]
    fn a_stock_change_stays_within_none_and_the_most_a_centre_holds() {
        assert_eq!(StockChange::By(5).apply(3), Some(8));
        assert_eq!(StockChange::By(-3).apply(3), Some(0));
        assert_eq!(StockChange::By(-4).apply(3), None);
        assert_eq!(StockChange::By(1).apply(MAX_UNITS), None);
        assert_eq!(StockChange::By(i64::MAX).apply(1), None, "no overflow");
        assert_eq!(StockChange::By(i64::MIN).apply(0), None);
        assert_eq!(StockChange::To(0).apply(40), Some(0));
        assert_eq!(StockChange::To(MAX_UNITS).apply(0), Some(MAX_UNITS));
        assert_eq!(StockChange::To(-1).apply(0), None);
        assert_eq!(
            StockChange::By(-5).refusal("CARD", "BER1", 3),
            "insert CARD has 3 unit(s) at centre BER1, fewer than the 5 to take"
        );
    }

    fn card() -> Insert {
        serde_json::from_value(serde_json::json!({
            "sku": "CARD-THANKS", "name": "Thank-you card", "kind": "thank_you_card",
            "weight_grams": 10, "format": "flat",
            "stock": {"BER1": 5, "HAM1": 50}, "low_stock_threshold": 5
        }))
        .unwrap()
    }

    #[test]
    fn low_stock_is_at_or_below_the_threshold_at_a_listed_centre() {
        let mut insert = card();
        assert_eq!(insert.low_stock_centres(), ["BER1"]);
        insert.stock.insert("BER1".into(), 6);
        assert!(insert.low_stock_centres().is_empty());
        insert.low_stock_threshold = 50;
        assert_eq!(insert.low_stock_centres(), ["BER1", "HAM1"]);
        insert.stock.clear();
        assert!(insert.low_stock_centres().is_empty());
    }

    #[test]
    fn every_problem_of_a_definition_is_named_by_field() {
        assert_eq!(card().validate(), Ok(()));
        let mut bad = card();
        bad.sku = "A/B".into();
        bad.name = " ".into();
        bad.weight_grams = 6_000;
        bad.stock.insert("BER1".into(), -1);
        bad.stock.insert("HAM1".into(), MAX_UNITS + 1);
        bad.sample_category = Some(String::new());
        bad.guides_skus = vec!["KETTLE".into(), "".into()];
        let fields: Vec<String> = bad
            .validate()
            .unwrap_err()
            .errors
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "sku",
                "name",
                "weight_grams",
                "stock.BER1",
                "stock.HAM1",
                "sample_category",
                "guides_skus[1]"
            ]
        );
    }
}
