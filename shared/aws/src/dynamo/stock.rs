//! One centre's stock of an insert changed by the merchant: one conditional UpdateItem on
//! the insert's `stock` map, which also bumps its `version`.

use std::collections::HashMap;

use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{ReturnValue, ReturnValuesOnConditionCheckFailure};
use packwise_core::Insert;
use packwise_core::insert::{MAX_UNITS, StockChange};
use packwise_core::ports::{Expect, StoreError, StoreResult};

use super::errors::unavailable;
use super::items::{Item, document, n};
use super::keys::Key;
use super::store::DynamoStore;
use super::versioned::{VERSION, condition};

impl DynamoStore {
    /// `By(d)` is `SET stock.#c = if_not_exists(stock.#c, :zero) + :d` under `stock.#c
    /// BETWEEN -d AND MAX_UNITS - d` (or, when `d` alone is within range, a centre not
    /// listed yet); `To(u)` is `SET stock.#c = :u`. Both `ADD version :one` and hold only
    /// if the insert exists (and is at `if_version`). On a failed condition DynamoDB
    /// returns the item as it was, which says why: no item, another version, or the units
    /// on hand. DynamoDB applies each update to the item alone and in turn, so concurrent
    /// changes all land.
    pub(crate) async fn change_stock(
        &self,
        merchant: &str,
        sku: &str,
        centre: &str,
        change: StockChange,
        if_version: Option<u64>,
    ) -> StoreResult<Insert> {
        let key = Key::insert(merchant, sku);
        let refused = Refused {
            sku,
            centre,
            change,
            if_version,
        };
        let names = HashMap::from([
            ("#stock".to_string(), "stock".to_string()),
            ("#centre".to_string(), centre.to_string()),
            ("#version".to_string(), VERSION.to_string()),
        ]);
        let mut values = HashMap::from([(":one".to_string(), n(1))]);
        let mut conditions = vec!["attribute_exists(pk)".to_string()];
        let set = match change {
            StockChange::By(delta) => {
                // In i128: the bounds of an i64 delta can pass an i64.
                let delta_wide = i128::from(delta);
                values.insert(":delta".into(), n(delta));
                values.insert(":zero".into(), n(0));
                values.insert(":low".into(), n(-delta_wide));
                values.insert(":high".into(), n(i128::from(MAX_UNITS) - delta_wide));
                let listed = "#stock.#centre BETWEEN :low AND :high";
                conditions.push(match change.apply(0) {
                    Some(_) => format!("({listed} OR attribute_not_exists(#stock.#centre))"),
                    None => listed.to_string(),
                });
                "SET #stock.#centre = if_not_exists(#stock.#centre, :zero) + :delta"
            }
            StockChange::To(units) => {
                if change.apply(0).is_none() {
                    // No stock can take it: say so with the units on hand, unchanged.
                    return Err(self.refusal(&key, refused, None).await);
                }
                values.insert(":units".into(), n(units));
                "SET #stock.#centre = :units"
            }
        };
        if let Some((guard, expected)) = if_version.and_then(|v| condition(Expect::Version(v))) {
            conditions.push(format!("({guard})"));
            if let Some(v) = expected {
                values.insert(":expected".into(), n(v));
            }
        }
        let sent = self
            .client
            .update_item()
            .table_name(self.table.as_ref())
            .set_key(Some(key.to_item()))
            .update_expression(format!("{set} ADD #version :one"))
            .condition_expression(conditions.join(" AND "))
            .set_expression_attribute_names(Some(names))
            .set_expression_attribute_values(Some(values))
            .return_values(ReturnValue::AllNew)
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .send()
            .await;
        match sent {
            Ok(out) => document(out.attributes.unwrap_or_default()),
            Err(e) => {
                if let Some(UpdateItemError::ConditionalCheckFailedException(failed)) =
                    e.as_service_error()
                {
                    let old = failed.item().filter(|item| !item.is_empty()).cloned();
                    return Err(self.refusal(&key, refused, Some(old)).await);
                }
                Err(unavailable("UpdateItem", e))
            }
        }
    }

    /// Why a change was refused, from the insert as it was (`Some(None)`: there was
    /// none), or read now when the change was refused before asking (`None`): no such
    /// insert, another version, or the units on hand, in that order, as on every store.
    async fn refusal(
        &self,
        key: &Key,
        refused: Refused<'_>,
        old: Option<Option<Item>>,
    ) -> StoreError {
        let Refused {
            sku,
            centre,
            change,
            if_version,
        } = refused;
        let old = match old {
            Some(old) => old,
            None => match self.get(key).await {
                Ok(item) => item,
                Err(e) => return e,
            },
        };
        let Some(item) = old else {
            return StoreError::NotFound(format!("insert {sku}"));
        };
        let insert: Insert = match document(item) {
            Ok(insert) => insert,
            Err(e) => return e,
        };
        if let Some(expected) = if_version.filter(|v| *v != insert.version) {
            return StoreError::VersionConflict {
                what: format!("insert {sku}"),
                expected: Some(expected),
            };
        }
        StoreError::StockOutOfRange {
            sku: sku.to_string(),
            centre: centre.to_string(),
            on_hand: insert.stock.get(centre).copied().unwrap_or(0),
            change,
        }
    }
}

/// The change a refusal explains.
#[derive(Clone, Copy)]
struct Refused<'a> {
    sku: &'a str,
    centre: &'a str,
    change: StockChange,
    if_version: Option<u64>,
}
