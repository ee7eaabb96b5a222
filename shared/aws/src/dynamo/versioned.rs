//! Documents whose version the store numbers (settings, inserts): the version moves with
//! every write, and for inserts with every commit that takes stock, so the merchant API
//! can use it as an entity tag.

use std::collections::HashMap;

use aws_sdk_dynamodb::error::ProvideErrorMetadata;
use aws_sdk_dynamodb::types::ReturnValue;
use packwise_core::ports::{Expect, StoreError, StoreResult};
use schemars::JsonSchema;
use serde::Serialize;

use super::errors::{corrupt, unavailable};
use super::items::{Item, count, n};
use super::keys::Key;
use super::store::DynamoStore;

/// The attribute every versioned document numbers itself by.
pub(crate) const VERSION: &str = "version";

impl DynamoStore {
    /// Writes `doc` (with `extra` attributes beside it) as the whole item at `key`,
    /// numbered one past the stored version, if the stored item is as `expect`ed;
    /// returns the version written.
    ///
    /// One UpdateItem rather than a PutItem, because only an update can number the write
    /// from what is stored in the same step (`ADD version :one`): a write without
    /// `If-Match` racing a commit that takes stock still gets a version of its own. Every
    /// field of the document is SET and every field it leaves out is REMOVEd, so the item
    /// holds exactly the document, as a PutItem would leave it.
    pub(crate) async fn put_versioned<T: Serialize + JsonSchema>(
        &self,
        key: &Key,
        doc: &T,
        extra: Item,
        expect: Expect,
        what: impl FnOnce() -> String,
    ) -> StoreResult<u64> {
        let mut item: Item = serde_dynamo::to_item(doc)
            .map_err(|e| corrupt(key.to_string(), format!("cannot be encoded: {e}")))?;
        item.remove(VERSION);
        let left_out: Vec<String> = document_fields::<T>()
            .into_iter()
            .filter(|field| field != VERSION && !item.contains_key(field))
            .collect();
        item.extend(extra);

        let mut names = HashMap::from([("#version".to_string(), VERSION.to_string())]);
        let mut values = HashMap::from([(":one".to_string(), n(1))]);
        let mut sets = Vec::with_capacity(item.len());
        for (i, (name, value)) in item.into_iter().enumerate() {
            names.insert(format!("#s{i}"), name);
            values.insert(format!(":s{i}"), value);
            sets.push(format!("#s{i} = :s{i}"));
        }
        let mut expression = format!("SET {}", sets.join(", "));
        if !left_out.is_empty() {
            let mut removes = Vec::with_capacity(left_out.len());
            for (i, name) in left_out.into_iter().enumerate() {
                names.insert(format!("#r{i}"), name);
                removes.push(format!("#r{i}"));
            }
            expression.push_str(&format!(" REMOVE {}", removes.join(", ")));
        }
        expression.push_str(" ADD #version :one");

        let mut update = self
            .client
            .update_item()
            .table_name(self.table.as_ref())
            .set_key(Some(key.to_item()))
            .update_expression(expression)
            .return_values(ReturnValue::UpdatedNew);
        if let Some((condition, expected)) = condition(expect) {
            update = update.condition_expression(condition);
            if let Some(v) = expected {
                values.insert(":expected".to_string(), n(v));
            }
        }
        let sent = update
            .set_expression_attribute_names(Some(names))
            .set_expression_attribute_values(Some(values))
            .send()
            .await;
        match sent {
            Ok(out) => count(&out.attributes.unwrap_or_default(), VERSION),
            Err(e) if e.code() == Some("ConditionalCheckFailedException") => {
                Err(StoreError::VersionConflict {
                    what: what(),
                    expected: match expect {
                        Expect::Version(v) => Some(v),
                        Expect::Absent | Expect::Any => None,
                    },
                })
            }
            Err(e) => Err(unavailable("UpdateItem", e)),
        }
    }
}

/// The condition an expectation puts on the write, and the version it compares with
/// (`:expected`). An item written before documents had versions has no `version`
/// attribute and is at version 0.
pub(crate) fn condition(expect: Expect) -> Option<(&'static str, Option<u64>)> {
    match expect {
        Expect::Any => None,
        Expect::Absent => Some(("attribute_not_exists(pk)", None)),
        Expect::Version(0) => Some((
            "attribute_exists(pk) AND (attribute_not_exists(#version) OR #version = :expected)",
            Some(0),
        )),
        Expect::Version(v) => Some(("#version = :expected", Some(v))),
    }
}

/// Every field a document of type `T` may have, by its serialized name: the ones a write
/// must remove when the document leaves them out.
fn document_fields<T: JsonSchema>() -> Vec<String> {
    let schema = schemars::schema_for!(T);
    schema
        .get("properties")
        .and_then(|p| p.as_object())
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fields_of_a_document_are_read_from_its_type() {
        let insert = document_fields::<packwise_core::Insert>();
        for field in ["sku", "stock", "sample_category", "guides_skus", VERSION] {
            assert!(insert.iter().any(|f| f == field), "{field} in {insert:?}");
        }
        let settings = document_fields::<packwise_core::MerchantSettings>();
        for field in ["merchant", "free_shipping_threshold", "out_of_stock"] {
            assert!(
                settings.iter().any(|f| f == field),
                "{field} in {settings:?}"
            );
        }
    }
}
