//! Reading and writing the per-customer and per-order records inside a transaction.

use chrono::{DateTime, SecondsFormat, Utc};
use packwise_core::CustomerProfile;
use packwise_core::decide::IssuedCoupon;
use packwise_core::ports::{ProcessedOrder, StoreResult};
use packwise_core::profile::OrderSummary;
use rusqlite::{Connection, OptionalExtension, params};

use crate::codec::{count, decode_row, encode, to_sql_int};
use crate::sql_error::sql;

fn profile_key(merchant: &str, customer: &str) -> String {
    format!("profile {merchant}/{customer}")
}

pub(crate) fn profile(
    conn: &Connection,
    merchant: &str,
    customer: &str,
) -> StoreResult<Option<CustomerProfile>> {
    decode_row(
        conn,
        "SELECT doc FROM profiles WHERE merchant = ?1 AND customer = ?2",
        [merchant, customer],
        || profile_key(merchant, customer),
    )
}

/// The version alone, so a commit's check does not depend on decoding the document.
pub(crate) fn profile_version(
    conn: &Connection,
    merchant: &str,
    customer: &str,
) -> StoreResult<Option<u64>> {
    let version: Option<i64> = conn
        .prepare_cached("SELECT version FROM profiles WHERE merchant = ?1 AND customer = ?2")
        .and_then(|mut stmt| {
            stmt.query_row([merchant, customer], |row| row.get(0))
                .optional()
        })
        .map_err(sql)?;
    version
        .map(|v| count(v, || profile_key(merchant, customer)))
        .transpose()
}

/// Stores the profile under the given merchant, whatever merchant the document names:
/// the caller's tenant decides where data lands.
pub(crate) fn put_profile(
    conn: &Connection,
    merchant: &str,
    profile: &CustomerProfile,
) -> StoreResult<()> {
    let customer = &profile.customer_id;
    let doc = encode(profile, || profile_key(merchant, customer))?;
    conn.prepare_cached(
        "INSERT INTO profiles (merchant, customer, version, doc) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (merchant, customer)
         DO UPDATE SET version = excluded.version, doc = excluded.doc",
    )
    .and_then(|mut stmt| {
        stmt.execute(params![
            merchant,
            customer,
            to_sql_int(profile.version),
            doc
        ])
    })
    .map_err(sql)?;
    Ok(())
}

/// History is keyed and ordered by this text: fixed-width UTC, so text order is time order.
pub(crate) fn history_time(placed_at: DateTime<Utc>) -> String {
    placed_at.to_rfc3339_opts(SecondsFormat::Nanos, true)
}

pub(crate) fn has_summary(
    conn: &Connection,
    merchant: &str,
    customer: &str,
    placed_at: DateTime<Utc>,
    order_id: &str,
) -> StoreResult<bool> {
    conn.prepare_cached(
        "SELECT 1 FROM order_history
         WHERE merchant = ?1 AND customer = ?2 AND placed_at = ?3 AND order_id = ?4",
    )
    .and_then(|mut stmt| {
        stmt.exists(params![
            merchant,
            customer,
            history_time(placed_at),
            order_id
        ])
    })
    .map_err(sql)
}

/// Replaces an existing entry: an order first imported and then processed live keeps one.
pub(crate) fn put_summary(
    conn: &Connection,
    merchant: &str,
    customer: &str,
    summary: &OrderSummary,
) -> StoreResult<()> {
    let order_id = &summary.order_id;
    let doc = encode(summary, || {
        format!("history {merchant}/{customer}/{order_id}")
    })?;
    conn.prepare_cached(
        "INSERT INTO order_history (merchant, customer, placed_at, order_id, doc)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (merchant, customer, placed_at, order_id) DO UPDATE SET doc = excluded.doc",
    )
    .and_then(|mut stmt| {
        stmt.execute(params![
            merchant,
            customer,
            history_time(summary.placed_at),
            order_id,
            doc
        ])
    })
    .map_err(sql)?;
    Ok(())
}

pub(crate) fn coupon(
    conn: &Connection,
    merchant: &str,
    code: &str,
) -> StoreResult<Option<IssuedCoupon>> {
    decode_row(
        conn,
        "SELECT doc FROM coupons WHERE merchant = ?1 AND code = ?2",
        [merchant, code],
        || format!("coupon {merchant}/{code}"),
    )
}

pub(crate) fn put_coupon(conn: &Connection, coupon: &IssuedCoupon) -> StoreResult<()> {
    let (merchant, code) = (&coupon.merchant, &coupon.code);
    let doc = encode(coupon, || format!("coupon {merchant}/{code}"))?;
    conn.prepare_cached("UPDATE coupons SET doc = ?3 WHERE merchant = ?1 AND code = ?2")
        .and_then(|mut stmt| stmt.execute(params![merchant, code, doc]))
        .map_err(sql)?;
    Ok(())
}

pub(crate) fn processed(
    conn: &Connection,
    merchant: &str,
    order_id: &str,
) -> StoreResult<Option<ProcessedOrder>> {
    decode_row(
        conn,
        "SELECT doc FROM processed_orders WHERE merchant = ?1 AND order_id = ?2",
        [merchant, order_id],
        || format!("processed order {merchant}/{order_id}"),
    )
}
