//! Purchase history: a customer's orders under their partition, and every order of a
//! merchant through the sparse gsi1 index, spread over the history shards.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use packwise_core::ports::{CustomerOrder, HistoryPage, StoreError, StoreResult, no_such_segment};
use packwise_core::profile::OrderSummary;
use serde::{Deserialize, Serialize};

use super::errors::{corrupt, unavailable};
use super::items::{Item, document, document_item, item_name, s};
use super::keys::{
    GSI1, GSI1PK, GSI1SK, HISTORY_PREFIX, Key, customer_partition, history_shard_partition,
    history_sort,
};
use super::shards::{history_shard, history_shards_of};
use super::store::DynamoStore;

/// The history item's attribute naming its customer, for walks of the whole history.
const CUSTOMER: &str = "customer";

/// A summary's item: under the customer's partition, and in its history shard on gsi1.
pub(crate) fn history_item(
    merchant: &str,
    customer: &str,
    summary: &OrderSummary,
) -> StoreResult<Item> {
    let key = Key::history(merchant, customer, summary.placed_at, &summary.order_id);
    let mut item = document_item(&key, summary)?;
    item.insert(
        GSI1PK.into(),
        s(history_shard_partition(merchant, history_shard(customer))),
    );
    item.insert(
        GSI1SK.into(),
        s(history_sort(summary.placed_at, &summary.order_id)),
    );
    item.insert(CUSTOMER.into(), s(customer));
    Ok(item)
}

fn customer_order(mut item: Item) -> StoreResult<CustomerOrder> {
    let customer = match item.remove(CUSTOMER) {
        Some(AttributeValue::S(customer)) => customer,
        _ => return Err(corrupt(item_name(&item), "history item names no customer")),
    };
    Ok(CustomerOrder {
        customer,
        order: document(item)?,
    })
}

/// Where a segment's walk stands: the shard being read and the last key read in it.
#[derive(Serialize, Deserialize)]
struct Cursor {
    shard: u32,
    after: Option<HashMap<String, String>>,
}

impl Cursor {
    /// Opaque to callers: hex of the JSON, safe in URLs and logs.
    fn encode(&self) -> String {
        let json = serde_json::to_vec(self).expect("a cursor encodes");
        json.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn decode(text: &str) -> Option<Cursor> {
        let bytes: Option<Vec<u8>> = (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
            .collect();
        serde_json::from_slice(&bytes?).ok()
    }
}

impl DynamoStore {
    pub(crate) async fn customer_history(
        &self,
        merchant: &str,
        customer: &str,
    ) -> StoreResult<Vec<OrderSummary>> {
        self.query_prefix(&customer_partition(merchant, customer), HISTORY_PREFIX)
            .await?
            .into_iter()
            .map(|item| customer_order(item).map(|o| o.order))
            .collect()
    }

    /// One gsi1 query of one shard per page, empty shards skipped. The index is
    /// eventually consistent: orders written in the last moment may be missed by a walk.
    pub(crate) async fn merchant_history_page(
        &self,
        merchant: &str,
        segment: u32,
        segments: u32,
        cursor: Option<&str>,
    ) -> StoreResult<HistoryPage> {
        if segment >= segments {
            return Err(no_such_segment(segment, segments));
        }
        let shards: Vec<u32> = history_shards_of(segment, segments).collect();
        let mut at = match cursor {
            None => match shards.first() {
                Some(&shard) => Cursor { shard, after: None },
                None => return Ok(HistoryPage::default()),
            },
            Some(text) => Cursor::decode(text)
                .filter(|c| shards.contains(&c.shard))
                .ok_or_else(|| {
                    StoreError::NotFound(format!("history cursor {text:?} of segment {segment}"))
                })?,
        };
        loop {
            let out = self
                .client
                .query()
                .table_name(self.table.as_ref())
                .index_name(GSI1)
                .key_condition_expression("gsi1pk = :shard")
                .expression_attribute_values(
                    ":shard",
                    s(history_shard_partition(merchant, at.shard)),
                )
                .limit(self.history_page_size)
                .set_exclusive_start_key(at.after.take().map(|k| {
                    k.into_iter()
                        .map(|(name, value)| (name, s(value)))
                        .collect()
                }))
                .send()
                .await
                .map_err(|e| unavailable("Query", e))?;
            let orders = out
                .items
                .unwrap_or_default()
                .into_iter()
                .map(customer_order)
                .collect::<StoreResult<Vec<_>>>()?;
            let next = match out.last_evaluated_key.filter(|k| !k.is_empty()) {
                Some(last) => Some(Cursor {
                    shard: at.shard,
                    after: Some(text_key(last)?),
                }),
                None => shards
                    .iter()
                    .find(|&&s| s > at.shard)
                    .map(|&shard| Cursor { shard, after: None }),
            };
            match next {
                Some(next) if orders.is_empty() => at = next,
                next => {
                    return Ok(HistoryPage {
                        orders,
                        next: next.map(|c| c.encode()),
                    });
                }
            }
        }
    }
}

/// A last-evaluated key of the history index: its four attributes are all strings.
fn text_key(key: Item) -> StoreResult<HashMap<String, String>> {
    key.into_iter()
        .map(|(name, value)| match value {
            AttributeValue::S(text) => Ok((name, text)),
            other => Err(corrupt(
                "history index key",
                format!("{name} is not a string: {other:?}"),
            )),
        })
        .collect()
}
