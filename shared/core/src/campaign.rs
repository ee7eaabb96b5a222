//! Campaigns: who gets what, and how much of it.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::money::{Currency, DecimalString};
use crate::validation::{Invalid, Problems};

#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum CampaignStatus {
    /// Saved but not running: new campaigns start here unless they say otherwise.
    #[default]
    Draft,
    Active,
    Paused,
    Archived,
}

impl CampaignStatus {
    /// The moves a merchant may make: a draft starts, a running campaign pauses and
    /// resumes, anything but an archived campaign is archived; an archived campaign stays
    /// archived, so its counters and stats remain what they were.
    pub fn can_become(self, next: CampaignStatus) -> bool {
        use CampaignStatus::*;
        matches!(
            (self, next),
            (Draft, Active)
                | (Active, Paused)
                | (Paused, Active)
                | (Draft | Active | Paused, Archived)
        )
    }

    /// Only a draft can be deleted: a campaign that ever ran has counters, coupons and
    /// stats that name it, so it is archived instead.
    pub fn can_be_deleted(self) -> bool {
        self == CampaignStatus::Draft
    }
}

/// A campaign as the merchant writes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Campaign {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub status: CampaignStatus,
    /// Higher runs first and wins inserts slots, the coupon, the message and the packaging.
    #[serde(default)]
    pub priority: i32,
    /// CEL expression over `order`, `customer` and `today`; see the README for every variable.
    #[serde(default = "always")]
    pub condition: String,
    pub actions: Actions,
    /// At most one campaign of a group applies to a parcel (e.g. `coupon`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclusive_group: Option<String>,
    #[serde(default)]
    pub schedule: Schedule,
    /// Most parcels this campaign may ever apply to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frequency_cap: Option<FrequencyCap>,
    /// Share of customers (0–90 %) kept out of the campaign to measure its lift.
    #[serde(default)]
    #[schemars(with = "String")]
    #[schema(value_type = DecimalString)]
    pub holdout_percent: Decimal,
    /// Bumped on every change; used for optimistic concurrency by the API.
    #[serde(default)]
    pub version: u64,
    /// When the campaign first became active, set by packwise (a value sent is ignored):
    /// its stats read the order history from here on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<DateTime<Utc>>,
}

/// Ids that name API routes beside `/v1/campaigns/{id}`: a campaign called so could not
/// be read or changed by its URL.
pub const RESERVED_IDS: [&str; 2] = ["validate", "preview"];

impl Campaign {
    /// Keeps the start time packwise recorded (`started` from the stored campaign), and
    /// records `now` if the campaign is active and had not started.
    pub fn keep_start(&mut self, started: Option<DateTime<Utc>>, now: DateTime<Utc>) {
        self.started_at = started;
        if self.status == CampaignStatus::Active && self.started_at.is_none() {
            self.started_at = Some(now);
        }
    }
}

fn always() -> String {
    "true".to_string()
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ends_at: Option<DateTime<Utc>>,
}

impl Schedule {
    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        self.starts_at.is_none_or(|s| at >= s) && self.ends_at.is_none_or(|e| at < e)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CapScope {
    /// Counts touches of this campaign only.
    Campaign,
    /// Counts touches of every campaign in the same `exclusive_group`.
    Group,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FrequencyCap {
    /// At most this many touches per customer...
    pub max: u32,
    /// ...within this many days.
    pub window_days: u32,
    #[serde(default = "campaign_scope")]
    pub scope: CapScope,
}

fn campaign_scope() -> CapScope {
    CapScope::Campaign
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Actions {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inserts: Vec<InsertAction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coupon: Option<CouponAction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recommend: Option<RecommendAction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<MessageAction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub packaging: Option<Packaging>,
}

impl Actions {
    pub fn is_empty(&self) -> bool {
        self.inserts.is_empty()
            && self.coupon.is_none()
            && self.recommend.is_none()
            && self.message.is_none()
            && self.packaging.is_none()
    }

    /// Whether an insert action names `sku`, to add or as the fallback: the campaign
    /// would stop compiling without it.
    pub fn names_insert(&self, sku: &str) -> bool {
        self.inserts
            .iter()
            .any(|a| a.sku.as_deref() == Some(sku) || a.fallback.as_deref() == Some(sku))
    }

    /// Everything but packaging is marketing, which some marketplaces forbid in the box.
    pub fn has_marketing(&self) -> bool {
        !self.inserts.is_empty()
            || self.coupon.is_some()
            || self.recommend.is_some()
            || self.message.is_some()
    }
}

/// Add an insert, named by `sku` or chosen by a `pick` rule; if it is out of stock at the
/// order's centre, add `fallback` instead.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InsertAction {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pick: Option<InsertRule>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InsertRule {
    /// The sample insert whose `sample_category` is the customer's most-bought category.
    TopCategorySample,
    /// The how-to guides of the products in the basket.
    BasketGuides,
}

/// What a coupon takes off, by `kind`.
// Unknown fields are refused in every variant; the OpenAPI document cannot say so, as
// utoipa marks no enum variant `additionalProperties: false` (the JSON Schema does).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum CouponValue {
    Percent {
        #[schemars(with = "String")]
        #[schema(value_type = DecimalString)]
        percent: Decimal,
    },
    FixedAmount {
        #[schemars(with = "String")]
        #[schema(value_type = DecimalString)]
        amount: Decimal,
        currency: Currency,
    },
    FreeShipping,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CouponAction {
    pub value: CouponValue,
    /// The code is valid for this many days after the order was placed.
    pub expires_in_days: u32,
    /// Readable start of every code, such as `WELCOME`.
    pub prefix: String,
    /// Minimum spend on the next order, in the coupon's currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    #[schema(value_type = Option<DecimalString>)]
    pub min_spend: Option<Decimal>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecommendAction {
    pub count: u8,
    /// At most this many suggestions from one category, so a slip shows some variety.
    #[serde(default = "default_per_category")]
    pub max_per_category: u8,
}

fn default_per_category() -> u8 {
    2
}

/// A message per locale (`en`, `de-DE`...), as a template: `Hi {{ first_name }}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageAction {
    pub templates: BTreeMap<String, String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Packaging {
    pub box_type: String,
    #[serde(default)]
    pub gift_wrap: bool,
}

pub const MAX_HOLDOUT_PERCENT: u32 = 90;

impl Campaign {
    /// Structural checks; the condition and templates are compiled by `targeting` and
    /// `message`, and insert references checked against the catalogue by `CampaignSet`.
    pub fn validate_structure(&self, p: &mut Problems) {
        p.identifier("id", &self.id, 64);
        p.check(
            !RESERVED_IDS.contains(&self.id.as_str()),
            "id",
            "is a word the API's routes use (`validate`, `preview`): choose another",
        );
        p.check(!self.name.trim().is_empty(), "name", "must not be empty");
        p.check(
            !self.actions.is_empty(),
            "actions",
            "a campaign needs at least one action",
        );
        if let (Some(s), Some(e)) = (self.schedule.starts_at, self.schedule.ends_at) {
            p.check(
                e > s,
                "schedule.ends_at",
                "must be after schedule.starts_at",
            );
        }
        p.check(
            self.holdout_percent >= Decimal::ZERO
                && self.holdout_percent <= Decimal::from(MAX_HOLDOUT_PERCENT),
            "holdout_percent",
            format!("must be between 0 and {MAX_HOLDOUT_PERCENT}"),
        );
        if let Some(cap) = &self.frequency_cap {
            p.check(cap.max > 0, "frequency_cap.max", "must be at least 1");
            p.check(
                (1..=crate::profile::MAX_CAP_WINDOW_DAYS).contains(&cap.window_days),
                "frequency_cap.window_days",
                format!(
                    "must be between 1 and {}",
                    crate::profile::MAX_CAP_WINDOW_DAYS
                ),
            );
            p.check(
                cap.scope == CapScope::Campaign || self.exclusive_group.is_some(),
                "frequency_cap.scope",
                "`group` needs an exclusive_group",
            );
        }
        for (i, insert) in self.actions.inserts.iter().enumerate() {
            let field = format!("actions.inserts[{i}]");
            match (&insert.sku, insert.pick) {
                (Some(sku), None) => p.identifier(&format!("{field}.sku"), sku, 64),
                (None, Some(_)) => {}
                _ => p.add(field, "give exactly one of `sku` and `pick`"),
            }
        }
        if let Some(c) = &self.actions.coupon {
            match &c.value {
                CouponValue::Percent { percent } => p.check(
                    *percent > Decimal::ZERO && *percent <= Decimal::ONE_HUNDRED,
                    "actions.coupon.value.percent",
                    "must be more than 0 and at most 100",
                ),
                CouponValue::FixedAmount { amount, .. } => p.check(
                    *amount > Decimal::ZERO,
                    "actions.coupon.value.amount",
                    "must be more than 0",
                ),
                CouponValue::FreeShipping => {}
            }
            p.check(
                (1..=3650).contains(&c.expires_in_days),
                "actions.coupon.expires_in_days",
                "must be between 1 and 3650",
            );
            p.check(
                !c.prefix.is_empty()
                    && c.prefix.len() <= 16
                    && c.prefix
                        .chars()
                        .all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit()),
                "actions.coupon.prefix",
                "must be 1 to 16 characters A–Z or 0–9",
            );
        }
        if let Some(r) = &self.actions.recommend {
            p.check(
                (1..=20).contains(&r.count),
                "actions.recommend.count",
                "must be between 1 and 20",
            );
            p.check(
                r.max_per_category >= 1,
                "actions.recommend.max_per_category",
                "must be at least 1",
            );
        }
        if let Some(m) = &self.actions.message {
            p.check(
                !m.templates.is_empty(),
                "actions.message.templates",
                "needs at least one locale",
            );
        }
        if let Some(pk) = &self.actions.packaging {
            p.check(
                !pk.box_type.trim().is_empty(),
                "actions.packaging.box_type",
                "must not be empty",
            );
        }
    }

    pub fn is_running(&self, at: DateTime<Utc>) -> bool {
        self.status == CampaignStatus::Active && self.schedule.contains(at)
    }

    pub fn validate_alone(&self) -> Result<(), Invalid> {
        let mut p = Problems::default();
        self.validate_structure(&mut p);
        p.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::CampaignStatus::{self, *};

    #[test]
    fn campaigns_start_pause_resume_and_archive_but_never_come_back() {
        let all = [Draft, Active, Paused, Archived];
        let allowed: Vec<(CampaignStatus, CampaignStatus)> = all
            .iter()
            .flat_map(|&a| all.iter().map(move |&b| (a, b)))
            .filter(|(a, b)| a.can_become(*b))
            .collect();
        assert_eq!(
            allowed,
            [
                (Draft, Active),
                (Draft, Archived),
                (Active, Paused),
                (Active, Archived),
                (Paused, Active),
                (Paused, Archived),
            ]
        );
        let deletable: Vec<CampaignStatus> =
            all.into_iter().filter(|s| s.can_be_deleted()).collect();
        assert_eq!(deletable, [Draft]);
    }

    #[test]
    fn ids_the_routes_use_are_refused_and_others_kept() {
        let campaign = |id: &str| -> super::Campaign {
            serde_json::from_value(serde_json::json!({
                "id": id, "name": "x", "actions": {"message": {"templates": {"en": "Hi"}}}
            }))
            .unwrap()
        };
        for reserved in super::RESERVED_IDS {
            let err = campaign(reserved).validate_alone().unwrap_err();
            assert_eq!(err.errors[0].field, "id", "{reserved}");
        }
        assert_eq!(campaign("previews").validate_alone(), Ok(()));
    }
}
