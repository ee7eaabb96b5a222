//! A merchant's whole purchase history, in segments a builder can read in parallel.
//!
//! A segment is every customer whose stable hash falls in it, so each order lands in
//! exactly one segment. Pages walk the history table in key order (customer, time, order
//! id) and keep the rows of the segment; the cursor is the key of the page's last row.

use packwise_core::ports::{
    CustomerOrder, HistoryPage, StoreError, StoreResult, customer_hash, no_such_segment,
};
use packwise_core::profile::OrderSummary;

use chrono::{DateTime, Utc};

use crate::codec::decode;
use crate::records::history_time;
use crate::sql_error::sql;
use crate::store::SqliteStore;

const FIRST_PAGE: &str = "SELECT customer, placed_at, order_id, doc FROM order_history
     WHERE merchant = ?1 AND placed_at >= ?2 ORDER BY customer, placed_at, order_id";
const NEXT_PAGE: &str = "SELECT customer, placed_at, order_id, doc FROM order_history
     WHERE merchant = ?1 AND placed_at >= ?2 AND (customer, placed_at, order_id) > (?3, ?4, ?5)
     ORDER BY customer, placed_at, order_id";
const RECENT: &str = "SELECT customer, order_id, doc FROM order_history
     WHERE merchant = ?1 ORDER BY placed_at DESC, order_id DESC LIMIT ?2";

/// Where a page stopped: the history key of its last order.
type After = (String, String, String);

impl SqliteStore {
    pub(crate) fn merchant_history_page(
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
        let after = cursor.map(decode_cursor).transpose()?;
        let page_size = self.history_page_size;
        self.read(|tx| {
            // Two statements rather than one with an optional bound, so both use the key.
            let (statement, from) = match &after {
                None => (FIRST_PAGE, Vec::new()),
                Some((customer, placed_at, order_id)) => (
                    NEXT_PAGE,
                    vec![customer.as_str(), placed_at.as_str(), order_id.as_str()],
                ),
            };
            let mut stmt = tx.prepare_cached(statement).map_err(sql)?;
            // Every stored time sorts after the empty string: no bound reads them all.
            let since = since.map(history_time).unwrap_or_default();
            let params = [merchant, since.as_str()].into_iter().chain(from);
            let mut rows = stmt
                .query(rusqlite::params_from_iter(params))
                .map_err(sql)?;
            let mut page = HistoryPage::default();
            let mut last: Option<After> = None;
            while let Some(row) = rows.next().map_err(sql)? {
                let customer: String = row.get(0).map_err(sql)?;
                if customer_hash(&customer) % segments != segment {
                    continue;
                }
                if page.orders.len() == page_size {
                    page.next = last.as_ref().map(encode_cursor);
                    break;
                }
                let (placed_at, order_id): (String, String) =
                    (row.get(1).map_err(sql)?, row.get(2).map_err(sql)?);
                let doc: String = row.get(3).map_err(sql)?;
                let order: OrderSummary =
                    decode(&doc, || format!("history {merchant}/{customer}/{order_id}"))?;
                page.orders.push(CustomerOrder {
                    customer: customer.clone(),
                    order,
                });
                last = Some((customer, placed_at, order_id));
            }
            Ok(page)
        })
    }
}

impl SqliteStore {
    pub(crate) fn merchant_recent_orders(
        &self,
        merchant: &str,
        limit: usize,
    ) -> StoreResult<Vec<CustomerOrder>> {
        self.read(|tx| {
            let mut stmt = tx.prepare_cached(RECENT).map_err(sql)?;
            let limit = i64::try_from(limit).unwrap_or(i64::MAX);
            let mut rows = stmt
                .query(rusqlite::params![merchant, limit])
                .map_err(sql)?;
            let mut orders = Vec::new();
            while let Some(row) = rows.next().map_err(sql)? {
                let (customer, order_id, doc): (String, String, String) = (
                    row.get(0).map_err(sql)?,
                    row.get(1).map_err(sql)?,
                    row.get(2).map_err(sql)?,
                );
                let order = decode(&doc, || format!("history {merchant}/{customer}/{order_id}"))?;
                orders.push(CustomerOrder { customer, order });
            }
            Ok(orders)
        })
    }
}

fn encode_cursor(after: &After) -> String {
    serde_json::to_string(after).expect("strings encode")
}

fn decode_cursor(cursor: &str) -> StoreResult<After> {
    serde_json::from_str(cursor)
        .map_err(|_| StoreError::NotFound(format!("history cursor {cursor:?}")))
}
