//! The store handle: an SDK client and the table name, cheap to clone.

use std::sync::Arc;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use packwise_core::ports::StoreResult;

use super::errors::unavailable;
use super::items::{Item, document};
use super::keys::Key;

/// packwise's configuration and per-order state in one DynamoDB table.
#[derive(Clone, Debug)]
pub struct DynamoStore {
    pub(crate) client: Client,
    pub(crate) table: Arc<str>,
    pub(crate) history_page_size: i32,
}

/// Items per page of a history walk: a page stays well under DynamoDB's 1 MB per query.
const HISTORY_PAGE_SIZE: i32 = 1000;

impl DynamoStore {
    pub fn new(client: Client, table: impl Into<String>) -> DynamoStore {
        DynamoStore {
            client,
            table: Arc::from(table.into()),
            history_page_size: HISTORY_PAGE_SIZE,
        }
    }

    /// The same store with another page size for `history_page` (at least one order).
    pub fn with_history_page_size(mut self, orders: i32) -> DynamoStore {
        self.history_page_size = orders.max(1);
        self
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    /// One item by key, read strongly consistent: what was just written is seen.
    pub(crate) async fn get(&self, key: &Key) -> StoreResult<Option<Item>> {
        let out = self
            .client
            .get_item()
            .table_name(self.table.as_ref())
            .set_key(Some(key.to_item()))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| unavailable("GetItem", e))?;
        Ok(out.item)
    }

    /// Writes one item whatever was there before.
    pub(crate) async fn put_item(&self, item: Item) -> StoreResult<()> {
        self.client
            .put_item()
            .table_name(self.table.as_ref())
            .set_item(Some(item))
            .send()
            .await
            .map_err(|e| unavailable("PutItem", e))?;
        Ok(())
    }

    pub(crate) async fn get_document<T: serde::de::DeserializeOwned>(
        &self,
        key: &Key,
    ) -> StoreResult<Option<T>> {
        self.get(key).await?.map(document).transpose()
    }

    /// Every item of a partition whose sort key starts with `prefix`, following pages.
    pub(crate) async fn query_prefix(&self, pk: &str, prefix: &str) -> StoreResult<Vec<Item>> {
        let query = self
            .client
            .query()
            .table_name(self.table.as_ref())
            .key_condition_expression("pk = :pk AND begins_with(sk, :prefix)")
            .expression_attribute_values(":pk", super::items::s(pk))
            .expression_attribute_values(":prefix", super::items::s(prefix))
            .consistent_read(true);
        self.query_all(query).await
    }

    /// Every item a query finds, following its pages.
    pub(crate) async fn query_all(&self, query: QueryFluentBuilder) -> StoreResult<Vec<Item>> {
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let out = query
                .clone()
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(|e| unavailable("Query", e))?;
            items.extend(out.items.unwrap_or_default());
            match out.last_evaluated_key {
                Some(key) if !key.is_empty() => start = Some(key),
                _ => return Ok(items),
            }
        }
    }
}
