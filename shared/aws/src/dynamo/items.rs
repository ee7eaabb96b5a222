//! Documents as items. A document's fields are the item's top-level attributes (through
//! serde_dynamo), beside its key and index attributes, so conditions and updates can
//! name them: a profile's or campaign's `version`, an insert's `stock` map. Counter
//! shards have no document: each counter is a number attribute of its own.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use packwise_core::ports::StoreResult;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::errors::corrupt;
use super::keys::{EXPIRES_AT, GSI1PK, GSI1SK, Key, PK, SK};

pub(crate) type Item = HashMap<String, AttributeValue>;

/// Attributes the store adds around a document; removed before decoding it.
const ENVELOPE: [&str; 5] = [PK, SK, GSI1PK, GSI1SK, EXPIRES_AT];

/// The document's fields with its key.
pub(crate) fn document_item<T: Serialize>(key: &Key, doc: &T) -> StoreResult<Item> {
    let mut item: Item = serde_dynamo::to_item(doc)
        .map_err(|e| corrupt(key.to_string(), format!("cannot be encoded: {e}")))?;
    item.extend(key.to_item());
    Ok(item)
}

/// The document an item holds; an item that does not decode is `Corrupt`, named by its key.
pub(crate) fn document<T: DeserializeOwned>(mut item: Item) -> StoreResult<T> {
    let key =
        Key::of_item(&item).map_or_else(|| "item without a key".to_string(), |k| k.to_string());
    for name in ENVELOPE {
        item.remove(name);
    }
    serde_dynamo::from_item(item).map_err(|e| corrupt(key, e))
}

pub(crate) fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

pub(crate) fn n(value: impl std::fmt::Display) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

/// A number attribute as a count; absent is zero.
pub(crate) fn count(item: &Item, name: &str) -> StoreResult<u64> {
    match item.get(name) {
        None => Ok(0),
        Some(AttributeValue::N(text)) => text
            .parse()
            .map_err(|_| corrupt(item_name(item), format!("{name} is not a count: {text}"))),
        Some(other) => Err(corrupt(
            item_name(item),
            format!("{name} is not a number: {other:?}"),
        )),
    }
}

pub(crate) fn item_name(item: &Item) -> String {
    Key::of_item(item).map_or_else(|| "item without a key".to_string(), |k| k.to_string())
}
