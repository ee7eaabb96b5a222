//! Per-order state: the one read before deciding and the one atomic commit after.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use packwise_core::CustomerProfile;
use packwise_core::Order;
use packwise_core::decide::IssuedCoupon;
use packwise_core::ports::{
    Commit, CommitOutcome, CustomerAttributes, CustomerOrder, HistoryPage, ISSUED, OrderContext,
    OrderKeys, OrderStore, ProcessedOrder, StoreResult,
};
use packwise_core::profile::OrderSummary;
use packwise_core::similar::SimilarItems;
use rusqlite::{Connection, params};

use crate::codec::{count, decode_row, decode_rows, encode};
use crate::records;
use crate::sql_error::sql;
use crate::store::SqliteStore;

// As in the configuration store, the rusqlite calls run inline: they are short local
// calls on a connection that serializes them anyway, and the only long wait (another
// process holding the write lock) is bounded by the busy timeout.
impl OrderStore for SqliteStore {
    async fn load(&self, keys: &OrderKeys<'_>) -> StoreResult<OrderContext> {
        self.read(|tx| load_in(tx, keys))
    }

    /// One read transaction for the whole batch.
    async fn load_many(&self, keys: &[OrderKeys<'_>]) -> StoreResult<Vec<OrderContext>> {
        self.read(|tx| keys.iter().map(|k| load_in(tx, k)).collect())
    }

    /// One write transaction for the whole batch, each order in its own savepoint: a
    /// refused order is rolled back alone, the batch stops at a conflict as the port
    /// asks, and the batch pays for one commit.
    async fn commit_many(&self, commits: &[Commit]) -> StoreResult<Vec<CommitOutcome>> {
        self.commit_orders(commits)
    }

    async fn commit(&self, commit: &Commit) -> StoreResult<CommitOutcome> {
        let mut outcomes = self.commit_orders(std::slice::from_ref(commit))?;
        Ok(outcomes.pop().expect("one commit, one outcome"))
    }

    async fn profile(
        &self,
        merchant: &str,
        customer: &str,
    ) -> StoreResult<Option<CustomerProfile>> {
        self.read(|tx| records::profile(tx, merchant, customer))
    }

    async fn put_customer_attributes(
        &self,
        merchant: &str,
        customer: &str,
        attributes: &CustomerAttributes,
    ) -> StoreResult<CustomerProfile> {
        self.apply_attributes(merchant, customer, attributes)
    }

    async fn import_history(&self, order: &Order) -> StoreResult<bool> {
        self.import_order(order)
    }

    async fn history(&self, merchant: &str, customer: &str) -> StoreResult<Vec<OrderSummary>> {
        self.read(|tx| {
            decode_rows(
                tx,
                "SELECT order_id, doc FROM order_history
                 WHERE merchant = ?1 AND customer = ?2
                 ORDER BY placed_at, order_id",
                [merchant, customer],
                |order_id| format!("history {merchant}/{customer}/{order_id}"),
            )
        })
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
    }

    async fn recent_orders(&self, merchant: &str, limit: usize) -> StoreResult<Vec<CustomerOrder>> {
        self.merchant_recent_orders(merchant, limit)
    }

    async fn coupon(&self, merchant: &str, code: &str) -> StoreResult<Option<IssuedCoupon>> {
        self.read(|tx| records::coupon(tx, merchant, code))
    }

    async fn counters(&self, merchant: &str, campaign: &str) -> StoreResult<BTreeMap<String, u64>> {
        self.read(|tx| {
            let mut stmt = tx
                .prepare_cached(
                    "SELECT counter, value FROM counters WHERE merchant = ?1 AND campaign = ?2",
                )
                .map_err(sql)?;
            let rows = stmt
                .query_map([merchant, campaign], |row| {
                    Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?))
                })
                .map_err(sql)?;
            rows.map(|row| {
                let (name, value) = row.map_err(sql)?;
                let value = count(value, || format!("counter {merchant}/{campaign}/{name}"))?;
                Ok((name, value))
            })
            .collect()
        })
    }

    async fn processed(
        &self,
        merchant: &str,
        order_id: &str,
    ) -> StoreResult<Option<ProcessedOrder>> {
        self.read(|tx| records::processed(tx, merchant, order_id))
    }

    async fn put_similar(&self, merchant: &str, items: &SimilarItems) -> StoreResult<()> {
        let sku = &items.sku;
        let doc = encode(items, || format!("similar items {merchant}/{sku}"))?;
        self.write(|tx| {
            tx.execute(
                "INSERT INTO similar_items (merchant, sku, doc) VALUES (?1, ?2, ?3)
                 ON CONFLICT (merchant, sku) DO UPDATE SET doc = excluded.doc",
                params![merchant, sku, doc],
            )
            .map_err(sql)?;
            Ok(())
        })
    }
}

fn similar_items(
    conn: &Connection,
    merchant: &str,
    sku: &str,
) -> StoreResult<Option<SimilarItems>> {
    decode_row(
        conn,
        "SELECT doc FROM similar_items WHERE merchant = ?1 AND sku = ?2",
        [merchant, sku],
        || format!("similar items {merchant}/{sku}"),
    )
}

fn load_in(tx: &Connection, keys: &OrderKeys<'_>) -> StoreResult<OrderContext> {
    let merchant = keys.merchant;
    // One query per kind rather than one per campaign or insert: a load is on every
    // order's path, and a merchant's counters and stock rows are few.
    let all_issued = issued_counters(tx, merchant)?;
    let issued = keys
        .budgeted_campaigns
        .iter()
        .map(|c| (c.clone(), all_issued.get(c).copied().unwrap_or(0)))
        .collect();
    let at_centre = stock_at(tx, merchant, keys.centre)?;
    let stock = keys
        .insert_skus
        .iter()
        .map(|sku| (sku.clone(), at_centre.get(sku).copied().unwrap_or(0)))
        .collect();
    let mut seen = BTreeSet::new();
    let mut similar = Vec::new();
    for sku in &keys.basket_skus {
        if seen.insert(*sku)
            && let Some(items) = similar_items(tx, merchant, sku)?
        {
            similar.push(items);
        }
    }
    let mut coupons = Vec::new();
    for code in &keys.coupon_codes {
        coupons.extend(records::coupon(tx, merchant, code)?);
    }
    Ok(OrderContext {
        profile: records::profile(tx, merchant, keys.customer)?,
        processed: records::processed(tx, merchant, keys.order_id)?,
        issued,
        stock,
        similar,
        coupons,
    })
}

fn issued_counters(conn: &Connection, merchant: &str) -> StoreResult<BTreeMap<String, u64>> {
    let mut stmt = conn
        .prepare_cached("SELECT campaign, value FROM counters WHERE merchant = ?1 AND counter = ?2")
        .map_err(sql)?;
    let rows = stmt
        .query_map([merchant, ISSUED], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?))
        })
        .map_err(sql)?;
    let mut issued = BTreeMap::new();
    for row in rows {
        let (campaign, value) = row.map_err(sql)?;
        let value = count(value, || format!("counter {merchant}/{campaign}/{ISSUED}"))?;
        issued.insert(campaign, value);
    }
    Ok(issued)
}

fn stock_at(conn: &Connection, merchant: &str, centre: &str) -> StoreResult<BTreeMap<String, i64>> {
    let mut stmt = conn
        .prepare_cached("SELECT sku, units FROM insert_stock WHERE merchant = ?1 AND centre = ?2")
        .map_err(sql)?;
    let rows = stmt
        .query_map([merchant, centre], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?))
        })
        .map_err(sql)?;
    rows.collect::<Result<_, _>>().map_err(sql)
}
