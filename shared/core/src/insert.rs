//! Printed inserts and samples, and their stock per fulfillment centre.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::validation::{Invalid, Problems};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
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

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum InsertFormat {
    /// Fits in an envelope-sized slot.
    Flat,
    /// Takes box space (samples, gifts).
    Bulky,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
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
            p.identifier(&format!("stock.{centre}"), centre, 64);
            p.check(
                *units >= 0,
                format!("stock.{centre}"),
                "must not be negative",
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

#[cfg(test)]
mod tests {
    use super::*;

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
                "sample_category",
                "guides_skus[1]"
            ]
        );
    }
}
