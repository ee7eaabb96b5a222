//! The pick-pack instruction a fulfillment centre receives for each order:
//! schema `packwise.pickpack/v1`. Fields are only ever added within a version.

use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::campaign::CouponValue;
use crate::insert::{InsertFormat, InsertKind};
use crate::money::Currency;
use crate::order::{Address, Channel};

pub const SCHEMA_V1: &str = "packwise.pickpack/v1";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PickPackInstruction {
    /// Always `packwise.pickpack/v1` for this layout.
    pub schema: String,
    pub merchant: String,
    pub order_id: String,
    pub customer_id: String,
    pub fulfillment_centre: String,
    pub placed_at: DateTime<Utc>,
    pub channel: Channel,
    /// Language the printed texts are in.
    pub locale: String,
    pub ship_to: Address,
    /// The goods to pick, as ordered.
    pub pick: Vec<PickLine>,
    /// Inserts to add to the box, in the order to add them.
    pub inserts: Vec<InsertToAdd>,
    pub coupon: Option<CouponToPrint>,
    pub recommendations: Vec<Recommendation>,
    pub message: Option<MessageToPrint>,
    /// Box and wrapping; `None` means the centre's standard box.
    pub packaging: Option<PackagingChoice>,
    /// Every campaign whose condition matched: applied, held out or suppressed, and why.
    pub campaigns: Vec<CampaignResult>,
    /// The packing slip written beside this instruction (before it), and what the slip
    /// prints beyond the order. Absent where no slip is written, as in an explanation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slip: Option<crate::slip::SlipDocuments>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PickLine {
    pub sku: String,
    pub title: String,
    pub quantity: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct InsertToAdd {
    pub sku: String,
    pub name: String,
    pub kind: InsertKind,
    pub format: InsertFormat,
    pub campaign: String,
    /// Why this insert: the campaign's name, or the fallback it replaced.
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema, utoipa::ToSchema)]
pub struct CouponToPrint {
    pub code: String,
    pub value: CouponValue,
    /// Currency of the order the coupon was issued with.
    pub currency: Currency,
    pub expires_on: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    #[schema(value_type = Option<crate::money::DecimalString>)]
    pub min_spend: Option<rust_decimal::Decimal>,
    /// One line ready to print, in the instruction's locale.
    pub text: String,
    pub campaign: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Recommendation {
    pub sku: String,
    pub title: String,
    /// Short human reason, such as "often bought with Mint Tea".
    pub reason: String,
    /// What the reason rests on, for slips that word it in the customer's language.
    pub basis: crate::similar::Basis,
    /// The title (or category) the reason names, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub because: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct MessageToPrint {
    pub text: String,
    pub locale: String,
    pub campaign: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PackagingChoice {
    pub box_type: String,
    pub gift_wrap: bool,
    pub campaign: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CampaignResult {
    pub campaign: String,
    pub outcome: Outcome,
    /// Actions of an applied campaign that could not be carried out, and why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<Skip>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    Applied,
    /// The customer is in the campaign's holdout group and gets nothing from it.
    HeldOut,
    /// Matched but stopped by a limit.
    Suppressed {
        limit: Limit,
    },
}

/// The limit that stopped a campaign or one of its actions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Limit {
    Budget { budget: u64 },
    FrequencyCap { max: u32, window_days: u32 },
    ExclusiveGroup { group: String, taken_by: String },
    ChannelForbidsMarketing { channel: Channel },
    MaxInserts { max: u32 },
    MaxInsertWeight { max_grams: u32 },
    OutOfStock { sku: String, centre: String },
    UnknownInsert { sku: String },
    NoSampleForCategory,
    NoGuideForBasket,
    AlreadyInBox { sku: String },
    SlotTaken { slot: String, taken_by: String },
    CurrencyMismatch { coupon: Currency, order: Currency },
    NoRecommendations,
}

impl Limit {
    /// A stable short name, used for counters and summaries.
    pub fn name(&self) -> &'static str {
        match self {
            Limit::Budget { .. } => "budget",
            Limit::FrequencyCap { .. } => "frequency_cap",
            Limit::ExclusiveGroup { .. } => "exclusive_group",
            Limit::ChannelForbidsMarketing { .. } => "channel",
            Limit::MaxInserts { .. } => "max_inserts",
            Limit::MaxInsertWeight { .. } => "max_insert_weight",
            Limit::OutOfStock { .. } => "out_of_stock",
            Limit::UnknownInsert { .. } => "unknown_insert",
            Limit::NoSampleForCategory => "no_sample",
            Limit::NoGuideForBasket => "no_guide",
            Limit::AlreadyInBox { .. } => "already_in_box",
            Limit::SlotTaken { .. } => "slot_taken",
            Limit::CurrencyMismatch { .. } => "currency_mismatch",
            Limit::NoRecommendations => "no_recommendations",
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Limit::Budget { budget } => format!("budget of {budget} used up"),
            Limit::FrequencyCap { max, window_days } => {
                format!("customer already had {max} in {window_days} days")
            }
            Limit::ExclusiveGroup { group, taken_by } => {
                format!("group `{group}` already taken by {taken_by}")
            }
            Limit::ChannelForbidsMarketing { channel } => {
                format!("{channel} forbids marketing in the box")
            }
            Limit::MaxInserts { max } => format!("box already has {max} inserts"),
            Limit::MaxInsertWeight { max_grams } => {
                format!("inserts would weigh more than {max_grams} g")
            }
            Limit::OutOfStock { sku, centre } => format!("{sku} out of stock at {centre}"),
            Limit::UnknownInsert { sku } => format!("no insert {sku} in the catalogue"),
            Limit::NoSampleForCategory => "no sample for the customer's top category".into(),
            Limit::NoGuideForBasket => "no guide for the basket's products".into(),
            Limit::AlreadyInBox { sku } => format!("{sku} already in the box"),
            Limit::SlotTaken { slot, taken_by } => format!("{slot} already set by {taken_by}"),
            Limit::CurrencyMismatch { coupon, order } => {
                format!("coupon in {coupon} but order in {order}")
            }
            Limit::NoRecommendations => "nothing to recommend".into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Skip {
    pub action: String,
    pub limit: Limit,
}

impl PickPackInstruction {
    /// Canonical bytes: the same instruction always serializes to the same bytes. Compact
    /// JSON on one line: read by warehouse systems, and a third smaller than indented.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec(self).expect("instruction serializes");
        bytes.push(b'\n');
        bytes
    }
}
