//! Documents are stored as JSON text; one that no longer decodes is reported with its key.

use packwise_core::ports::{StoreError, StoreResult};
use serde::Serialize;
use serde::de::DeserializeOwned;

pub(crate) fn encode<T: Serialize>(value: &T, key: impl FnOnce() -> String) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt {
        key: key(),
        reason: format!("cannot be encoded: {e}"),
    })
}

pub(crate) fn decode<T: DeserializeOwned>(
    text: &str,
    key: impl FnOnce() -> String,
) -> StoreResult<T> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt {
        key: key(),
        reason: e.to_string(),
    })
}

/// Counters and versions are INTEGER columns so SQL can compare them; a negative one was
/// not written by this store.
pub(crate) fn count(value: i64, key: impl FnOnce() -> String) -> StoreResult<u64> {
    u64::try_from(value).map_err(|_| StoreError::Corrupt {
        key: key(),
        reason: format!("a count is negative ({value})"),
    })
}

/// Limits and versions beyond SQLite's signed 64 bits cannot be reached, so saturate.
pub(crate) fn to_sql_int(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// Runs a query selecting one record's `doc` by its merchant and key and decodes it,
/// naming a corrupt one by `name()`: how every read of one document reads.
pub(crate) fn decode_row<T: DeserializeOwned>(
    conn: &rusqlite::Connection,
    query: &str,
    merchant_and_key: [&str; 2],
    name: impl FnOnce() -> String,
) -> StoreResult<Option<T>> {
    use rusqlite::OptionalExtension;
    conn.prepare_cached(query)
        .and_then(|mut stmt| {
            stmt.query_row(merchant_and_key, |row| row.get::<_, String>(0))
                .optional()
        })
        .map_err(crate::sql_error::sql)?
        .map(|doc| decode(&doc, name))
        .transpose()
}

/// Runs a query selecting `(key, doc)` rows and decodes each document, naming a corrupt
/// one by `name(key)`: how every listing of documents reads.
pub(crate) fn decode_rows<T: DeserializeOwned>(
    tx: &rusqlite::Transaction<'_>,
    query: &str,
    params: impl rusqlite::Params,
    name: impl Fn(&str) -> String,
) -> StoreResult<Vec<T>> {
    let mut stmt = tx.prepare_cached(query).map_err(crate::sql_error::sql)?;
    let rows = stmt
        .query_map(params, |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
        })
        .map_err(crate::sql_error::sql)?;
    rows.map(|row| {
        let (key, doc) = row.map_err(crate::sql_error::sql)?;
        decode(&doc, || name(&key))
    })
    .collect()
}
