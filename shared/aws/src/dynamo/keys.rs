//! The single table's keys. Every partition key starts with `M#{merchant}`, so no read
//! can cross tenants by accident of its key; identifiers are validated free of `#`
//! before they get here, so no two records' keys can collide. The one exception is an API
//! key, `APIKEY#{id}`: a request names only its key, and the merchant is known once the
//! key is read, so the key cannot be under the merchant. Its `merchant` attribute is
//! what revocation checks, and its listing (on gsi1) is under the merchant again.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, SecondsFormat, Utc};

pub(crate) const PK: &str = "pk";
pub(crate) const SK: &str = "sk";
pub(crate) const GSI1: &str = "gsi1";
pub(crate) const GSI1PK: &str = "gsi1pk";
pub(crate) const GSI1SK: &str = "gsi1sk";
/// Epoch seconds after which DynamoDB's TTL may delete the item.
pub(crate) const EXPIRES_AT: &str = "expires_at";

pub(crate) const PROFILE: &str = "PROFILE";
pub(crate) const HISTORY_PREFIX: &str = "O#";
pub(crate) const CAMPAIGN_PREFIX: &str = "CAMPAIGN#";
pub(crate) const INSERT_PREFIX: &str = "INSERT#";
const PROCESSED: &str = "DONE";
const SETTINGS: &str = "SETTINGS";
const COUNTER: &str = "COUNTER";
const COUPON: &str = "COUPON";
const SIMILAR: &str = "SIMILAR";
const API_KEY: &str = "APIKEY";
/// The settings items' gsi1 partition: the list of merchants.
pub(crate) const MERCHANTS: &str = "MERCHANTS";

/// A record's primary key.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Key {
    pub pk: String,
    pub sk: String,
}

impl Key {
    fn new(pk: String, sk: impl Into<String>) -> Key {
        Key { pk, sk: sk.into() }
    }

    pub fn profile(merchant: &str, customer: &str) -> Key {
        Key::new(customer_partition(merchant, customer), PROFILE)
    }

    pub fn history(merchant: &str, customer: &str, placed_at: DateTime<Utc>, order: &str) -> Key {
        Key::new(
            customer_partition(merchant, customer),
            format!("{HISTORY_PREFIX}{}", history_sort(placed_at, order)),
        )
    }

    pub fn processed(merchant: &str, order: &str) -> Key {
        Key::new(format!("M#{merchant}#O#{order}"), PROCESSED)
    }

    pub fn settings(merchant: &str) -> Key {
        Key::new(merchant_partition(merchant), SETTINGS)
    }

    pub fn campaign(merchant: &str, id: &str) -> Key {
        Key::new(
            merchant_partition(merchant),
            format!("{CAMPAIGN_PREFIX}{id}"),
        )
    }

    pub fn insert(merchant: &str, sku: &str) -> Key {
        Key::new(
            merchant_partition(merchant),
            format!("{INSERT_PREFIX}{sku}"),
        )
    }

    pub fn counter(merchant: &str, campaign: &str, shard: u32) -> Key {
        Key::new(format!("M#{merchant}#B#{campaign}#{shard}"), COUNTER)
    }

    pub fn coupon(merchant: &str, code: &str) -> Key {
        Key::new(format!("M#{merchant}#K#{code}"), COUPON)
    }

    pub fn similar(merchant: &str, sku: &str) -> Key {
        Key::new(format!("M#{merchant}#S#{sku}"), SIMILAR)
    }

    pub fn api_key(id: &str) -> Key {
        Key::new(format!("APIKEY#{id}"), API_KEY)
    }

    pub fn to_item(&self) -> HashMap<String, AttributeValue> {
        HashMap::from([
            (PK.to_string(), AttributeValue::S(self.pk.clone())),
            (SK.to_string(), AttributeValue::S(self.sk.clone())),
        ])
    }

    /// The key of a stored item, if it has one.
    pub fn of_item(item: &HashMap<String, AttributeValue>) -> Option<Key> {
        let text = |name| item.get(name).and_then(|v| v.as_s().ok()).cloned();
        Some(Key::new(text(PK)?, text(SK)?))
    }
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.pk, self.sk)
    }
}

/// What kind of record a stored item is, from its sort key: for reports on a table's
/// contents (the cost run sizes each kind).
pub fn item_kind(item: &HashMap<String, AttributeValue>) -> &'static str {
    let sk = item
        .get(SK)
        .and_then(|v| v.as_s().ok())
        .map_or("", String::as_str);
    match sk {
        PROFILE => "customer profile",
        PROCESSED => "processed-order record",
        COUNTER => "campaign counter shard",
        COUPON => "coupon",
        SIMILAR => "similar items",
        SETTINGS => "merchant settings",
        API_KEY => "API key",
        _ if sk.starts_with(HISTORY_PREFIX) => "order history entry",
        _ if sk.starts_with(INSERT_PREFIX) => "insert",
        _ if sk.starts_with(CAMPAIGN_PREFIX) => "campaign",
        _ => "other",
    }
}

pub(crate) fn merchant_partition(merchant: &str) -> String {
    format!("M#{merchant}")
}

pub(crate) fn customer_partition(merchant: &str, customer: &str) -> String {
    format!("M#{merchant}#C#{customer}")
}

/// The gsi1 partition of one of a merchant's history shards.
pub(crate) fn history_shard_partition(merchant: &str, shard: u32) -> String {
    format!("M#{merchant}#H#{shard}")
}

/// The gsi1 partition listing a merchant's API keys.
pub(crate) fn api_keys_partition(merchant: &str) -> String {
    format!("M#{merchant}#APIKEYS")
}

/// `{placed_at}#{order}`, the placing time as fixed-width UTC so text order is time order.
pub(crate) fn history_sort(placed_at: DateTime<Utc>, order: &str) -> String {
    format!("{}#{order}", history_sort_time(placed_at))
}

/// The fixed-width time a history sort key starts with.
pub(crate) fn history_sort_time(placed_at: DateTime<Utc>) -> String {
    placed_at.to_rfc3339_opts(SecondsFormat::Nanos, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_sorts_by_time_then_order() {
        let at = |t: &str| t.parse::<DateTime<Utc>>().unwrap();
        let early = Key::history("m", "c", at("2026-01-02T03:04:05Z"), "B");
        let late = Key::history("m", "c", at("2026-01-02T03:04:05.5Z"), "A");
        assert_eq!(early.sk, "O#2026-01-02T03:04:05.000000000Z#B");
        assert!(early.sk < late.sk);
    }

    #[test]
    fn every_record_has_its_kind() {
        let at = "2026-01-02T03:04:05Z".parse().unwrap();
        let kinds: Vec<&str> = [
            Key::profile("m", "c"),
            Key::history("m", "c", at, "o"),
            Key::processed("m", "o"),
            Key::settings("m"),
            Key::campaign("m", "x"),
            Key::insert("m", "CARD"),
            Key::counter("m", "x", 0),
            Key::coupon("m", "K-1"),
            Key::similar("m", "TEA"),
            Key::api_key("k"),
        ]
        .iter()
        .map(|k| item_kind(&k.to_item()))
        .collect();
        assert_eq!(
            kinds,
            [
                "customer profile",
                "order history entry",
                "processed-order record",
                "merchant settings",
                "campaign",
                "insert",
                "campaign counter shard",
                "coupon",
                "similar items",
                "API key",
            ]
        );
        assert_eq!(item_kind(&HashMap::new()), "other");
    }
}
