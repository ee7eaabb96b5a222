//! Printed inserts and samples, and their stock per fulfillment centre.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::validation::Problems;

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
    }
}
