//! Purchase history: a customer's orders under their partition, and every order of a
//! merchant through the sparse gsi1 index, spread over the history shards.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Utc};
use packwise_core::ports::{CustomerOrder, HistoryPage, StoreError, StoreResult, no_such_segment};
use packwise_core::profile::OrderSummary;
use serde::{Deserialize, Serialize};

use super::errors::{corrupt, unavailable};
use super::items::{Item, document, document_item, item_name, s};
use super::keys::{
    GSI1, GSI1PK, GSI1SK, HISTORY_PREFIX, Key, customer_partition, history_shard_partition,
    history_sort, history_sort_time,
};
use super::shards::{HISTORY_SHARDS, history_shard, history_shards_of};
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
        since: Option<DateTime<Utc>>,
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
            let query = self
                .client
                .query()
                .table_name(self.table.as_ref())
                .index_name(GSI1)
                .expression_attribute_values(
                    ":shard",
                    s(history_shard_partition(merchant, at.shard)),
                );
            // A bare time sorts before every `{time}#{order}` at that time: `>=` keeps them.
            let query = match since {
                None => query.key_condition_expression("gsi1pk = :shard"),
                Some(t) => query
                    .key_condition_expression("gsi1pk = :shard AND gsi1sk >= :since")
                    .expression_attribute_values(":since", s(history_sort_time(t))),
            };
            let out = query
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

impl DynamoStore {
    /// Every shard read newest first at once, each until it has given `limit` orders or
    /// has no more, then merged: one round of 16 queries for a preview's few hundred
    /// orders.
    pub(crate) async fn merchant_recent_orders(
        &self,
        merchant: &str,
        limit: usize,
    ) -> StoreResult<Vec<CustomerOrder>> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let shards = (0..HISTORY_SHARDS).map(|shard| self.newest_of_shard(merchant, shard, limit));
        let mut orders: Vec<CustomerOrder> = futures_util::future::try_join_all(shards)
            .await?
            .into_iter()
            .flatten()
            .collect();
        orders.sort_by(|a, b| {
            (b.order.placed_at, &b.order.order_id).cmp(&(a.order.placed_at, &a.order.order_id))
        });
        orders.truncate(limit);
        Ok(orders)
    }

    async fn newest_of_shard(
        &self,
        merchant: &str,
        shard: u32,
        limit: usize,
    ) -> StoreResult<Vec<CustomerOrder>> {
        let mut orders = Vec::new();
        let mut after = None;
        loop {
            let wanted = i32::try_from(limit - orders.len()).unwrap_or(i32::MAX);
            let out = self
                .client
                .query()
                .table_name(self.table.as_ref())
                .index_name(GSI1)
                .key_condition_expression("gsi1pk = :shard")
                .expression_attribute_values(":shard", s(history_shard_partition(merchant, shard)))
                .scan_index_forward(false)
                .limit(wanted.min(self.history_page_size))
                .set_exclusive_start_key(after.take())
                .send()
                .await
                .map_err(|e| unavailable("Query", e))?;
            for item in out.items.unwrap_or_default() {
                orders.push(customer_order(item)?);
            }
            match out.last_evaluated_key.filter(|k| !k.is_empty()) {
                Some(last) if orders.len() < limit => after = Some(last),
                _ => return Ok(orders),
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
