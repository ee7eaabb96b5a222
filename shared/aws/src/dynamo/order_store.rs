//! The order port: one read and one transaction per order, and the lookups around them.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use packwise_core::Order;
use packwise_core::decide::IssuedCoupon;
use packwise_core::ports::{
    Commit, CommitOutcome, CustomerAttributes, CustomerOrder, HistoryPage, OrderContext, OrderKeys,
    OrderStore, ProcessedOrder, StoreResult,
};
use packwise_core::profile::{CustomerProfile, OrderSummary};
use packwise_core::similar::SimilarItems;

use super::items::{count, document_item};
use super::keys::Key;
use super::load::{counter_keys, counter_name};
use super::store::DynamoStore;

impl OrderStore for DynamoStore {
    async fn load(&self, keys: &OrderKeys<'_>) -> StoreResult<OrderContext> {
        let mut contexts = self.load_orders(std::slice::from_ref(keys)).await?;
        Ok(contexts.pop().expect("one order, one context"))
    }

    /// One BatchGetItem for every key of every order.
    async fn load_many(&self, keys: &[OrderKeys<'_>]) -> StoreResult<Vec<OrderContext>> {
        self.load_orders(keys).await
    }

    async fn commit(&self, commit: &Commit) -> StoreResult<CommitOutcome> {
        self.commit_order(commit).await
    }

    /// One transaction per order, one after the other: each must see the ones before it
    /// and none after a conflict may land, which concurrent transactions could not promise
    /// (a later order could take the stock an earlier one then misses).
    async fn commit_many(&self, commits: &[Commit]) -> StoreResult<Vec<CommitOutcome>> {
        let mut outcomes = Vec::with_capacity(commits.len());
        for commit in commits {
            let outcome = self.commit_order(commit).await?;
            let conflict = matches!(outcome, CommitOutcome::Conflict(_));
            outcomes.push(outcome);
            if conflict {
                break;
            }
        }
        Ok(outcomes)
    }

    async fn pause_after_conflict(&self, round: u32) {
        super::backoff::pause(round).await;
    }

    async fn profile(
        &self,
        merchant: &str,
        customer: &str,
    ) -> StoreResult<Option<CustomerProfile>> {
        self.get_document(&Key::profile(merchant, customer)).await
    }

    async fn put_customer_attributes(
        &self,
        merchant: &str,
        customer: &str,
        attributes: &CustomerAttributes,
    ) -> StoreResult<CustomerProfile> {
        self.apply_attributes(merchant, customer, attributes).await
    }

    async fn import_history(&self, order: &Order) -> StoreResult<bool> {
        self.import_order(order).await
    }

    async fn history(&self, merchant: &str, customer: &str) -> StoreResult<Vec<OrderSummary>> {
        self.customer_history(merchant, customer).await
    }

    async fn history_page(
        &self,
        merchant: &str,
        segment: u32,
        segments: u32,
        since: Option<DateTime<Utc>>,
        cursor: Option<&str>,
    ) -> StoreResult<HistoryPage> {
        self.merchant_history_page(merchant, segment, segments, since, cursor)
            .await
    }

    async fn recent_orders(&self, merchant: &str, limit: usize) -> StoreResult<Vec<CustomerOrder>> {
        self.merchant_recent_orders(merchant, limit).await
    }

    async fn coupon(&self, merchant: &str, code: &str) -> StoreResult<Option<IssuedCoupon>> {
        self.get_document(&Key::coupon(merchant, code)).await
    }

    /// Every counter of the campaign, summed over its shards (one batch read).
    async fn counters(&self, merchant: &str, campaign: &str) -> StoreResult<BTreeMap<String, u64>> {
        let keys: Vec<Key> = counter_keys(merchant, campaign).collect();
        let mut totals = BTreeMap::new();
        for item in self.batch_get(&keys).await?.values() {
            for name in item.keys() {
                if let Some(counter) = counter_name(name) {
                    *totals.entry(counter.to_string()).or_default() += count(item, name)?;
                }
            }
        }
        Ok(totals)
    }

    async fn processed(
        &self,
        merchant: &str,
        order_id: &str,
    ) -> StoreResult<Option<ProcessedOrder>> {
        self.processed_order(merchant, order_id).await
    }

    /// BatchWriteItem, 25 lists to a request. A request may not hold one key twice: the
    /// last list given for a SKU is the one stored, as one put after another would do.
    async fn put_similar_many(&self, merchant: &str, items: &[SimilarItems]) -> StoreResult<()> {
        let last_per_sku: BTreeMap<&str, &SimilarItems> =
            items.iter().map(|list| (list.sku.as_str(), list)).collect();
        let items = last_per_sku
            .into_values()
            .map(|list| document_item(&Key::similar(merchant, &list.sku), list))
            .collect::<StoreResult<Vec<_>>>()?;
        self.batch_put(items).await
    }

    async fn put_similar(&self, merchant: &str, items: &SimilarItems) -> StoreResult<()> {
        let item = document_item(&Key::similar(merchant, &items.sku), items)?;
        self.put_item(item).await
    }
}
