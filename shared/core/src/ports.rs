//! The ports the engine sees. DynamoDB/S3 and the embedded store implement them, and
//! one contract suite (`packwise-contract`) runs against every implementation.

use std::collections::BTreeMap;
use std::future::Future;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::api_key::ApiKey;
use crate::campaign::Campaign;
use crate::decide::IssuedCoupon;
use crate::insert::{Insert, StockChange};
use crate::order::Order;
use crate::profile::{CustomerProfile, NpsAnswer, OrderSummary};
use crate::redemption::CouponRedeemed;
use crate::settings::MerchantSettings;
use crate::similar::SimilarItems;
use crate::validation::{Invalid, Problems};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The store could not be reached or refused for load: try again.
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    /// A conditional write found another version than expected.
    #[error("{what} was changed by someone else (expected {})", describe_expected(*.expected))]
    VersionConflict { what: String, expected: Option<u64> },
    #[error("not found: {0}")]
    NotFound(String),
    /// A record to be created exists already: nothing was written.
    #[error("{0} exists already")]
    Conflict(String),
    /// A stock change would leave a centre with fewer than no units, or more than
    /// `MAX_UNITS`: nothing changed. The message names the units on hand.
    #[error("{}", change.refusal(sku, centre, *on_hand))]
    StockOutOfRange {
        sku: String,
        centre: String,
        on_hand: i64,
        change: StockChange,
    },
    /// A stored record cannot be read: retrying will not help.
    #[error("corrupt record {key}: {reason}")]
    Corrupt { key: String, reason: String },
}

fn describe_expected(expected: Option<u64>) -> String {
    match expected {
        Some(v) => format!("version {v}"),
        None => "it not to exist yet".to_string(),
    }
}

impl StoreError {
    pub fn is_retryable(&self) -> bool {
        matches!(self, StoreError::Unavailable(_))
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// The record that makes processing idempotent: the instruction as first written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessedOrder {
    pub order_id: String,
    pub customer_id: String,
    pub instruction_key: String,
    /// The instruction's exact bytes, so a replay writes the very same object.
    pub instruction: String,
    pub coupon_code: Option<String>,
}

/// What one order's decision needs to read: one round trip.
#[derive(Clone, Debug)]
pub struct OrderKeys<'a> {
    pub merchant: &'a str,
    pub customer: &'a str,
    pub order_id: &'a str,
    pub centre: &'a str,
    pub basket_skus: Vec<&'a str>,
    pub budgeted_campaigns: &'a [String],
    pub insert_skus: &'a [String],
    /// The order's codes that may be coupons packwise issued (`redemption::candidate_codes`).
    pub coupon_codes: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct OrderContext {
    pub profile: Option<CustomerProfile>,
    pub processed: Option<ProcessedOrder>,
    /// Parcels issued so far per budgeted campaign.
    pub issued: BTreeMap<String, u64>,
    /// Units on hand at the order's centre per insert SKU.
    pub stock: BTreeMap<String, i64>,
    pub similar: Vec<SimilarItems>,
    /// The issued coupons found for the order's `coupon_codes`.
    pub coupons: Vec<IssuedCoupon>,
}

/// A counter of a campaign to add `by` to; `limit` makes it conditional (budgets).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CounterBump {
    pub campaign: String,
    pub counter: String,
    pub by: u64,
    pub limit: Option<u64>,
}

impl CounterBump {
    /// One more on an unlimited counter.
    pub fn one(campaign: &str, counter: &str) -> Self {
        CounterBump {
            campaign: campaign.to_string(),
            counter: counter.to_string(),
            by: 1,
            limit: None,
        }
    }
}

pub const ISSUED: &str = "issued";
pub const HELD_OUT: &str = "held_out";
/// Coupons of the campaign that orders redeemed; their revenue adds up in
/// `redemption::revenue_counter`.
pub const REDEEMED: &str = "redeemed";
/// Coupons the campaign printed (a parcel it applied to may lose the coupon slot).
pub const COUPONS_ISSUED: &str = "coupons_issued";
/// Counters of parcels a limit kept a campaign out of: `suppressed.{limit}`.
pub const SUPPRESSED_PREFIX: &str = "suppressed.";

/// Everything one processed order changes, written atomically or not at all.
#[derive(Clone, Debug, PartialEq)]
pub struct Commit {
    pub merchant: String,
    pub profile: CustomerProfile,
    /// Version the profile had when read; `None` when it did not exist.
    pub expected_profile_version: Option<u64>,
    pub summary: OrderSummary,
    pub processed: ProcessedOrder,
    pub counters: Vec<CounterBump>,
    pub centre: String,
    /// Insert SKUs to take one unit each of at `centre`; never below zero. Each insert
    /// taken from gets a new version.
    pub stock_taken: Vec<String>,
    pub coupon: Option<IssuedCoupon>,
    /// Issued coupons the order redeems: each marked only if no order marked it first,
    /// else the commit is a `Conflict`.
    pub redeemed: Vec<CouponRedeemed>,
}

impl Commit {
    /// The commit every processed order makes, before its campaigns' effects: the profile
    /// as read (`None` if there was none) with this order folded in and its version
    /// bumped, the history entry, and the processed record holding the instruction.
    pub fn for_order(
        order: &Order,
        previous: Option<&CustomerProfile>,
        instruction_key: String,
        instruction: String,
    ) -> Commit {
        let mut profile = previous
            .cloned()
            .unwrap_or_else(|| CustomerProfile::new(&order.merchant, &order.customer.id));
        profile.record_order(order);
        let expected_profile_version = previous.map(|p| p.version);
        profile.version = expected_profile_version.unwrap_or(0) + 1;
        Commit {
            merchant: order.merchant.clone(),
            profile,
            expected_profile_version,
            summary: OrderSummary::of(order),
            processed: ProcessedOrder {
                order_id: order.order_id.clone(),
                customer_id: order.customer.id.clone(),
                instruction_key,
                instruction,
                coupon_code: None,
            },
            counters: Vec::new(),
            centre: order.fulfillment_centre.clone(),
            stock_taken: Vec::new(),
            coupon: None,
            redeemed: Vec::new(),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum CommitOutcome {
    Committed,
    /// Another delivery of the same order committed first: nothing was changed.
    AlreadyProcessed(ProcessedOrder),
    /// A condition failed (profile changed, budget or stock ran out): read and decide again.
    Conflict(String),
}

/// What the merchant tells us about a customer; a field left out (or `null`) stays as it is.
#[derive(
    Clone,
    Debug,
    Default,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
    utoipa::ToSchema,
)]
#[serde(deny_unknown_fields)]
pub struct CustomerAttributes {
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    #[serde(default)]
    pub nps: Option<NpsAnswer>,
    #[serde(default)]
    pub birthday: Option<NaiveDate>,
    #[serde(default)]
    pub locale: Option<String>,
}

/// Tags one customer may carry: targeting reads them all on every order.
pub const MAX_TAGS: usize = 50;
pub const MAX_TAG_CHARS: usize = 64;

/// A customer id as orders carry it: it is part of every customer key.
pub fn validate_customer_id(id: &str) -> Result<(), Invalid> {
    let mut p = Problems::default();
    p.identifier("id", id, crate::order::MAX_ID);
    p.finish()
}

impl CustomerAttributes {
    /// Every problem at once. `now` bounds the dates: an NPS answer or a birthday in the
    /// future would make `nps_days_ago` negative and birthday months meaningless.
    pub fn validate(&self, now: DateTime<Utc>) -> Result<(), Invalid> {
        let mut p = Problems::default();
        if let Some(tags) = &self.tags {
            p.check(
                tags.len() <= MAX_TAGS,
                "tags",
                format!("must hold at most {MAX_TAGS} tags"),
            );
            for (i, tag) in tags.iter().enumerate() {
                let field = format!("tags[{i}]");
                if tag.trim().is_empty() {
                    p.add(field, "must not be empty");
                } else if tag.chars().count() > MAX_TAG_CHARS {
                    p.add(field, format!("must be at most {MAX_TAG_CHARS} characters"));
                } else if tag.chars().any(char::is_control) {
                    p.add(field, "must not contain control characters");
                }
            }
        }
        if let Some(nps) = &self.nps {
            p.check(nps.score <= 10, "nps.score", "must be between 0 and 10");
            p.check(nps.at <= now, "nps.at", "must not be in the future");
        }
        if let Some(birthday) = self.birthday {
            p.check(
                birthday <= now.date_naive(),
                "birthday",
                "must not be in the future",
            );
            p.check(
                birthday.year() >= 1900,
                "birthday",
                "must be in 1900 or later",
            );
        }
        if let Some(locale) = &self.locale {
            p.check(
                crate::locale::is_language_tag(locale),
                "locale",
                "must be a language tag such as `en` or `de-DE`",
            );
        }
        p.finish()
    }

    pub fn apply_to(&self, profile: &mut CustomerProfile) {
        if let Some(tags) = &self.tags {
            profile.tags = tags.clone();
        }
        if let Some(nps) = &self.nps {
            profile.nps = Some(nps.clone());
        }
        if let Some(b) = self.birthday {
            profile.birthday = Some(b);
        }
        if let Some(l) = &self.locale {
            profile.locale = Some(l.clone());
        }
    }
}

/// One past order and whose it was, as the similarity builder reads a merchant's history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomerOrder {
    pub customer: String,
    pub order: OrderSummary,
}

/// A page of a merchant's purchase history; `next` is the opaque cursor of the page
/// after it, `None` after the segment's last page.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HistoryPage {
    pub orders: Vec<CustomerOrder>,
    pub next: Option<String>,
}

/// Expected state of a record for a conditional write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    Any,
    Absent,
    Version(u64),
}

/// Merchant configuration: read rarely, cached by the processor.
pub trait ConfigStore: Send + Sync {
    fn settings(
        &self,
        merchant: &str,
    ) -> impl Future<Output = StoreResult<Option<MerchantSettings>>> + Send;
    /// Stores the settings if the stored ones are as expected, numbered one past the
    /// stored version (1 when new; `settings.version` is ignored), and returns the
    /// version written. Otherwise `VersionConflict` and nothing changes. Settings stored
    /// before they had versions are at version 0.
    fn put_settings(
        &self,
        settings: &MerchantSettings,
        expect: Expect,
    ) -> impl Future<Output = StoreResult<u64>> + Send;
    /// Every merchant that has settings, sorted: the scheduled jobs' list of tenants.
    fn merchants(&self) -> impl Future<Output = StoreResult<Vec<String>>> + Send;
    fn campaigns(&self, merchant: &str) -> impl Future<Output = StoreResult<Vec<Campaign>>> + Send;
    /// Stores the campaign with `version` set by the caller, if the stored one is as expected.
    fn put_campaign(
        &self,
        merchant: &str,
        campaign: &Campaign,
        expect: Expect,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// Deletes the campaign if it is at `version`; otherwise (another version, or no
    /// such campaign) `VersionConflict` and nothing changes.
    fn delete_campaign(
        &self,
        merchant: &str,
        id: &str,
        version: u64,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// Every insert of the merchant with its live stock and version.
    ///
    /// An insert's version moves with every change of what reads here: its writes, and
    /// each commit that takes stock of it, so equal versions mean equal inserts.
    fn inserts(&self, merchant: &str) -> impl Future<Output = StoreResult<Vec<Insert>>> + Send;
    /// Stores an insert's definition and sets its stock per centre as given, if the
    /// stored insert is as expected, numbered one past the stored version (1 when new;
    /// `insert.version` is ignored), and returns the version written. Otherwise
    /// `VersionConflict` and nothing changes. The version is numbered in the same atomic
    /// step as the write, so no two states of an insert ever share one.
    fn put_insert(
        &self,
        merchant: &str,
        insert: &Insert,
        expect: Expect,
    ) -> impl Future<Output = StoreResult<u64>> + Send;
    /// Changes one centre's stock of an insert in one atomic step, gives the insert a new
    /// version, and returns it as it is after the change. A centre the insert does not
    /// list starts from 0, so `By(5)` lists it with 5 units. A result below 0 or above
    /// `MAX_UNITS` is `StockOutOfRange` with the units on hand, no such insert is
    /// `NotFound`, and with `if_version` another version is `VersionConflict`: each
    /// changes nothing. Changes sent at once all land, none lost or counted twice.
    fn adjust_stock(
        &self,
        merchant: &str,
        sku: &str,
        centre: &str,
        change: StockChange,
        if_version: Option<u64>,
    ) -> impl Future<Output = StoreResult<Insert>> + Send;
    /// Deletes an insert with its stock at every centre; with `if_version`, only at that
    /// version (else `VersionConflict`). No such insert is `NotFound`. Either way a
    /// refusal changes nothing.
    fn delete_insert(
        &self,
        merchant: &str,
        sku: &str,
        if_version: Option<u64>,
    ) -> impl Future<Output = StoreResult<()>> + Send;
}

/// Merchants' API keys. A key is found by its id alone, since a request's merchant is
/// only known once its key is; every other call is scoped to the merchant.
pub trait KeyStore: Send + Sync {
    /// Stores a new key; an id that exists already is `StoreError::Conflict`, and the
    /// stored key is left as it was.
    fn put_api_key(&self, key: &ApiKey) -> impl Future<Output = StoreResult<()>> + Send;
    /// A key by its id, whatever its merchant (the caller is not known yet when it is
    /// read). Read strongly consistent, so a revocation holds from the moment it returns.
    fn api_key(&self, id: &str) -> impl Future<Output = StoreResult<Option<ApiKey>>> + Send;
    /// The merchant's keys, revoked ones too, newest first (ties by id, descending). Where
    /// the list comes from an index (DynamoDB) it may lag a write by a moment; `api_key`,
    /// which authentication uses, never does.
    fn api_keys(&self, merchant: &str) -> impl Future<Output = StoreResult<Vec<ApiKey>>> + Send;
    /// Marks the merchant's key revoked at `at`; false when the merchant has no such key
    /// (another merchant's key is not found either, and is left untouched). Revoking twice
    /// keeps the first time and returns true.
    fn revoke_api_key(
        &self,
        merchant: &str,
        id: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = StoreResult<bool>> + Send;
}

/// Per-order state: one read and one atomic write per order.
pub trait OrderStore: Send + Sync {
    fn load(&self, keys: &OrderKeys<'_>) -> impl Future<Output = StoreResult<OrderContext>> + Send;
    fn commit(&self, commit: &Commit) -> impl Future<Output = StoreResult<CommitOutcome>> + Send;
    /// Loads several orders' contexts; an adapter may do it in one round trip.
    fn load_many(
        &self,
        keys: &[OrderKeys<'_>],
    ) -> impl Future<Output = StoreResult<Vec<OrderContext>>> + Send {
        async move {
            let mut contexts = Vec::with_capacity(keys.len());
            for k in keys {
                contexts.push(self.load(k).await?);
            }
            Ok(contexts)
        }
    }
    /// Commits several orders in the order given, each one atomically on its own and
    /// seeing the effects of those before it, and stops at the first `Conflict`: the
    /// outcomes cover the commits attempted, the last being the conflict if there was one.
    /// Stopping there lets the caller decide that order and those after it again, in
    /// order, so a batch gives the same results as one order at a time. An adapter may
    /// group the commits into one transaction; the default commits one by one.
    fn commit_many(
        &self,
        commits: &[Commit],
    ) -> impl Future<Output = StoreResult<Vec<CommitOutcome>>> + Send {
        async move {
            let mut outcomes = Vec::with_capacity(commits.len());
            for c in commits {
                let outcome = self.commit(c).await?;
                let conflict = matches!(outcome, CommitOutcome::Conflict(_));
                outcomes.push(outcome);
                if conflict {
                    break;
                }
            }
            Ok(outcomes)
        }
    }
    /// Waits before the `round`-th decision again of orders whose commit lost a race
    /// (counting from 1), so processors that collided do not collide again in step. The
    /// default does not wait: an adapter whose writers contend over a network waits a
    /// random, growing time.
    fn pause_after_conflict(&self, round: u32) -> impl Future<Output = ()> + Send {
        let _ = round;
        async {}
    }
    fn profile(
        &self,
        merchant: &str,
        customer: &str,
    ) -> impl Future<Output = StoreResult<Option<CustomerProfile>>> + Send;
    fn put_customer_attributes(
        &self,
        merchant: &str,
        customer: &str,
        attributes: &CustomerAttributes,
    ) -> impl Future<Output = StoreResult<CustomerProfile>> + Send;
    /// Folds a past order into the profile and history without deciding anything.
    /// Importing the same order twice changes nothing; returns whether it was new.
    fn import_history(&self, order: &Order) -> impl Future<Output = StoreResult<bool>> + Send;
    fn history(
        &self,
        merchant: &str,
        customer: &str,
    ) -> impl Future<Output = StoreResult<Vec<OrderSummary>>> + Send;
    /// One page of the merchant's whole purchase history, split into `segments` segments
    /// that can be read in parallel: the pages of all segments together hold every order
    /// of the merchant exactly once, in no particular order. Start a segment with no
    /// cursor and pass each page's `next` until it is `None`. A customer's orders all fall
    /// in one segment. On DynamoDB `segments` is at most 16, the number of history shards
    /// (segment `s` reads the shards whose number modulo `segments` is `s`); more segments
    /// than that are allowed but the extra ones are empty. `segment >= segments` is
    /// `NotFound`. With `since`, only orders placed at or after it are read, and the walk
    /// costs what those orders cost (on DynamoDB it is a key condition, not a filter).
    fn history_page(
        &self,
        merchant: &str,
        segment: u32,
        segments: u32,
        since: Option<DateTime<Utc>>,
        cursor: Option<&str>,
    ) -> impl Future<Output = StoreResult<HistoryPage>> + Send;
    /// The merchant's `limit` most recently placed orders, newest first (ties by order
    /// id, descending). May lag the latest commits by a moment where it reads an index.
    fn recent_orders(
        &self,
        merchant: &str,
        limit: usize,
    ) -> impl Future<Output = StoreResult<Vec<CustomerOrder>>> + Send;
    fn coupon(
        &self,
        merchant: &str,
        code: &str,
    ) -> impl Future<Output = StoreResult<Option<IssuedCoupon>>> + Send;
    fn counters(
        &self,
        merchant: &str,
        campaign: &str,
    ) -> impl Future<Output = StoreResult<BTreeMap<String, u64>>> + Send;
    fn processed(
        &self,
        merchant: &str,
        order_id: &str,
    ) -> impl Future<Output = StoreResult<Option<ProcessedOrder>>> + Send;
    fn put_similar(
        &self,
        merchant: &str,
        items: &SimilarItems,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// Stores the similar items of many SKUs, as a rebuild does; an adapter may write
    /// them in batches. Nothing is lost: on error, some may be written and a retry
    /// writes them all again.
    fn put_similar_many(
        &self,
        merchant: &str,
        items: &[SimilarItems],
    ) -> impl Future<Output = StoreResult<()>> + Send {
        async move {
            for item in items {
                self.put_similar(merchant, item).await?;
            }
            Ok(())
        }
    }
}

/// The stable hash adapters split a merchant's history by: 32-bit FNV-1a of the customer
/// id, the same on every platform and in every release (stored keys depend on it).
pub fn customer_hash(customer: &str) -> u32 {
    customer.bytes().fold(0x811c_9dc5_u32, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    })
}

/// The error for a segment that does not exist, the same from every adapter.
pub fn no_such_segment(segment: u32, segments: u32) -> StoreError {
    StoreError::NotFound(format!(
        "history segment {segment} of {segments} (segments are numbered from 0)"
    ))
}

/// Where instructions (and later slips) are written: S3 or the local file system.
pub trait ObjectSink: Send + Sync {
    fn put(
        &self,
        key: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> impl Future<Output = StoreResult<()>> + Send;
}

/// `pickpack/{merchant}/{centre}/{yyyy-mm-dd}/{order}.json`, the same on S3 and on disk.
pub fn instruction_key(
    merchant: &str,
    centre: &str,
    placed_at: DateTime<Utc>,
    order_id: &str,
) -> String {
    format!(
        "pickpack/{merchant}/{centre}/{}/{order_id}.json",
        placed_at.format("%Y-%m-%d")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_customer_hash_is_fnv_1a() {
        // Published FNV-1a test vectors: a change here would move stored history.
        assert_eq!(customer_hash(""), 0x811c_9dc5);
        assert_eq!(customer_hash("a"), 0xe40c_292c);
        assert_eq!(customer_hash("foobar"), 0xbf9c_f968);
    }

    fn now() -> DateTime<Utc> {
        "2026-11-23T12:00:00Z".parse().unwrap()
    }

    fn fields(attributes: serde_json::Value) -> Vec<String> {
        let attributes: CustomerAttributes = serde_json::from_value(attributes).unwrap();
        match attributes.validate(now()) {
            Ok(()) => Vec::new(),
            Err(invalid) => invalid.errors.into_iter().map(|e| e.field).collect(),
        }
    }

    #[test]
    fn customer_attributes_within_their_ranges_are_valid() {
        let fine = serde_json::json!({
            "tags": ["parent", "student"], "nps": {"score": 10, "at": "2026-11-23T12:00:00Z"},
            "birthday": "1990-05-17", "locale": "de-DE"
        });
        assert!(fields(fine).is_empty());
        assert!(
            fields(serde_json::json!({"nps": {"score": 0, "at": "2026-01-01T00:00:00Z"}}))
                .is_empty()
        );
        assert!(fields(serde_json::json!({"tags": []})).is_empty());
    }

    #[test]
    fn every_bad_customer_attribute_is_named() {
        let bad = serde_json::json!({
            "tags": ["ok", " ", "x".repeat(65), "a\u{7}b"],
            "nps": {"score": 11, "at": "2026-11-24T00:00:00Z"},
            "birthday": "2026-11-24", "locale": "german"
        });
        assert_eq!(
            fields(bad),
            [
                "tags[1]",
                "tags[2]",
                "tags[3]",
                "nps.score",
                "nps.at",
                "birthday",
                "locale"
            ]
        );
        let many: Vec<String> = (0..=MAX_TAGS).map(|i| format!("t{i}")).collect();
        assert_eq!(fields(serde_json::json!({"tags": many})), ["tags"]);
        assert_eq!(
            fields(serde_json::json!({"birthday": "1899-12-31"})),
            ["birthday"]
        );
    }

    #[test]
    fn customer_ids_are_identifiers() {
        assert_eq!(validate_customer_id("C00388"), Ok(()));
        for bad in ["", "a#b", "a/b", ".."] {
            let err = validate_customer_id(bad).unwrap_err();
            assert_eq!(err.errors[0].field, "id", "{bad}");
        }
    }
}
