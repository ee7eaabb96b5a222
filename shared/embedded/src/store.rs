//! The store handle: one SQLite connection shared by every clone.

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use packwise_core::ports::{StoreError, StoreResult};
use rusqlite::{Connection, Transaction, TransactionBehavior};

use crate::migrations;
use crate::sql_error::sql;

/// How long a write waits for another process (say the command line beside a running
/// server) to release the database before the caller is told to retry.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// packwise's configuration and per-order state in one SQLite file.
///
/// Every clone shares one connection: SQLite admits one writer at a time anyway, and a
/// single connection keeps each transaction's view simple.
#[derive(Clone, Debug)]
pub struct SqliteStore {
    conn: Arc<Mutex<Connection>>,
    pub(crate) history_page_size: usize,
}

/// Orders per page of `history_page`: large enough that a builder pays little per page,
/// small enough that a page's documents stay a few megabytes.
const HISTORY_PAGE_SIZE: usize = 1000;

impl SqliteStore {
    /// Opens the store at `path`, creating the file, its directories and the schema.
    pub fn open(path: &Path) -> StoreResult<SqliteStore> {
        Self::open_with_busy_timeout(path, BUSY_TIMEOUT)
    }

    pub(crate) fn open_with_busy_timeout(
        path: &Path,
        busy_timeout: Duration,
    ) -> StoreResult<SqliteStore> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                StoreError::Unavailable(format!("cannot create {}: {e}", dir.display()))
            })?;
        }
        let mut conn = Connection::open(path).map_err(sql)?;
        conn.busy_timeout(busy_timeout).map_err(sql)?;
        let mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
            .map_err(sql)?;
        if !mode.eq_ignore_ascii_case("wal") {
            // Without WAL, readers block the writer; refuse rather than run slowly.
            return Err(StoreError::Unavailable(format!(
                "{} cannot use write-ahead logging (journal mode {mode})",
                path.display()
            )));
        }
        // NORMAL is durable across application crashes in WAL mode; only a power loss
        // may drop the last commits, which the at-least-once order feed redelivers.
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(sql)?;
        // rusqlite keeps 16 prepared statements by default; one order's load and commit use
        // more than that, and an evicted statement is parsed again on every order.
        conn.set_prepared_statement_cache_capacity(64);
        conn.pragma_update(None, "foreign_keys", true)
            .map_err(sql)?;
        migrations::migrate(&mut conn)?;
        Ok(SqliteStore {
            conn: Arc::new(Mutex::new(conn)),
            history_page_size: HISTORY_PAGE_SIZE,
        })
    }

    /// The same store with another page size for `history_page` (at least one order).
    pub fn with_history_page_size(mut self, orders: usize) -> SqliteStore {
        self.history_page_size = orders.max(1);
        self
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock dropped its transaction, which rolls back, so
        // the connection is still consistent.
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `work` in a read transaction, so every read sees the same snapshot.
    pub(crate) fn read<T>(
        &self,
        work: impl FnOnce(&Transaction<'_>) -> StoreResult<T>,
    ) -> StoreResult<T> {
        let mut conn = self.lock();
        let tx = conn.transaction().map_err(sql)?;
        let value = work(&tx)?;
        tx.finish().map_err(sql)?;
        Ok(value)
    }

    /// Runs `work` in a write transaction taken up front (`BEGIN IMMEDIATE`), so the
    /// conditions it checks cannot be invalidated by another writer before it commits.
    /// An error from `work` rolls everything back.
    pub(crate) fn write<T>(
        &self,
        work: impl FnOnce(&Transaction<'_>) -> StoreResult<T>,
    ) -> StoreResult<T> {
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql)?;
        let value = work(&tx)?;
        tx.commit().map_err(sql)?;
        Ok(value)
    }

    #[cfg(test)]
    pub(crate) fn with_connection<T>(&self, f: impl FnOnce(&Connection) -> T) -> T {
        f(&self.lock())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use packwise_core::ports::{ConfigStore, Expect, OrderStore};

    fn pragma(store: &SqliteStore, name: &str) -> String {
        store.with_connection(|c| {
            c.pragma_query_value(None, name, |r| {
                Ok(match r.get_ref(0)? {
                    rusqlite::types::ValueRef::Integer(i) => i.to_string(),
                    other => other.as_str().unwrap().to_string(),
                })
            })
            .unwrap()
        })
    }

    #[test]
    fn opens_with_wal_normal_sync_and_foreign_keys() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("packwise.db")).unwrap();
        assert_eq!(pragma(&store, "journal_mode"), "wal");
        assert_eq!(pragma(&store, "synchronous"), "1", "NORMAL");
        assert_eq!(pragma(&store, "foreign_keys"), "1");
        assert_eq!(
            pragma(&store, "busy_timeout"),
            BUSY_TIMEOUT.as_millis().to_string()
        );
    }

    #[tokio::test]
    async fn a_database_held_by_another_writer_is_reported_as_retryable() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("packwise.db");
        let store = SqliteStore::open_with_busy_timeout(&path, Duration::from_millis(50)).unwrap();
        let other = Connection::open(&path).unwrap();
        other.execute_batch("BEGIN IMMEDIATE").unwrap();
        let err = store
            .put_similar(
                "acme",
                &packwise_core::similar::SimilarItems {
                    sku: "TEA".into(),
                    neighbours: vec![],
                },
            )
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
        other.execute_batch("ROLLBACK").unwrap();
    }

    #[tokio::test]
    async fn an_undecodable_document_is_corrupt_and_names_its_record() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("packwise.db")).unwrap();
        store
            .with_connection(|c| {
                c.execute(
                    "INSERT INTO profiles VALUES ('acme', 'c1', 1, '{not json')",
                    [],
                )
            })
            .unwrap();
        let err = store.profile("acme", "c1").await.unwrap_err();
        match err {
            StoreError::Corrupt { key, .. } => assert_eq!(key, "profile acme/c1"),
            other => panic!("expected Corrupt, got {other:?}"),
        }
        assert!(store.profile("acme", "c2").await.unwrap().is_none());
    }

    #[tokio::test]
    async fn stock_is_kept_out_of_the_stored_insert_document() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("packwise.db")).unwrap();
        let insert: packwise_core::Insert = serde_json::from_str(
            r#"{"sku": "CARD", "name": "Card", "kind": "welcome_card", "weight_grams": 5,
                "format": "flat", "stock": {"C1": 3}}"#,
        )
        .unwrap();
        store
            .put_insert("acme", &insert, Expect::Any)
            .await
            .unwrap();
        let doc: String = store
            .with_connection(|c| c.query_row("SELECT doc FROM inserts", [], |r| r.get(0)))
            .unwrap();
        let stored: packwise_core::Insert = serde_json::from_str(&doc).unwrap();
        assert!(stored.stock.is_empty(), "{doc}");
        assert_eq!(store.inserts("acme").await.unwrap()[0].stock["C1"], 3);
    }
}
