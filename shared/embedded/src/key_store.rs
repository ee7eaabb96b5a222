//! Merchants' API keys, one row per key, the document beside the columns SQL selects on.

use chrono::{DateTime, SecondsFormat, Utc};
use packwise_core::api_key::ApiKey;
use packwise_core::ports::{KeyStore, StoreError, StoreResult};
use rusqlite::{OptionalExtension, params};

use crate::codec::{decode, decode_rows, encode};
use crate::sql_error::sql;
use crate::store::SqliteStore;

impl KeyStore for SqliteStore {
    async fn put_api_key(&self, key: &ApiKey) -> StoreResult<()> {
        let id = &key.id;
        let doc = encode(key, || format!("api key {id}"))?;
        self.write(|tx| {
            let written = tx
                .execute(
                    "INSERT INTO api_keys (id, merchant, created_at, doc) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (id) DO NOTHING",
                    params![id, key.merchant, sortable(key.created_at), doc],
                )
                .map_err(sql)?;
            if written == 0 {
                return Err(StoreError::Conflict(format!("api key {id}")));
            }
            Ok(())
        })
    }

    async fn api_key(&self, id: &str) -> StoreResult<Option<ApiKey>> {
        self.read(|tx| {
            tx.query_row("SELECT doc FROM api_keys WHERE id = ?1", [id], |row| {
                row.get::<_, String>(0)
            })
            .optional()
            .map_err(sql)?
            .map(|doc| decode(&doc, || format!("api key {id}")))
            .transpose()
        })
    }

    async fn api_keys(&self, merchant: &str) -> StoreResult<Vec<ApiKey>> {
        self.read(|tx| {
            decode_rows(
                tx,
                "SELECT id, doc FROM api_keys WHERE merchant = ?1
                 ORDER BY created_at DESC, id DESC",
                [merchant],
                |id| format!("api key {id}"),
            )
        })
    }

    async fn revoke_api_key(
        &self,
        merchant: &str,
        id: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        self.write(|tx| {
            // Read and rewrite under the write lock taken up front: no other writer can
            // revoke in between, so the first revocation's time is the one kept.
            let doc: Option<String> = tx
                .query_row(
                    "SELECT doc FROM api_keys WHERE id = ?1 AND merchant = ?2",
                    params![id, merchant],
                    |row| row.get(0),
                )
                .optional()
                .map_err(sql)?;
            let Some(doc) = doc else {
                return Ok(false);
            };
            let mut key: ApiKey = decode(&doc, || format!("api key {id}"))?;
            if key.revoked_at.is_some() {
                return Ok(true);
            }
            key.revoked_at = Some(at);
            let doc = encode(&key, || format!("api key {id}"))?;
            tx.execute(
                "UPDATE api_keys SET doc = ?3 WHERE id = ?1 AND merchant = ?2",
                params![id, merchant, doc],
            )
            .map_err(sql)?;
            Ok(true)
        })
    }
}

/// Fixed-width UTC with nanoseconds, so text order is time order.
fn sortable(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Nanos, true)
}
