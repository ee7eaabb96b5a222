//! The schema, built by numbered migrations; `PRAGMA user_version` records how many ran.
//!
//! Append new migrations, never edit one that has shipped: stores in the field have
//! already run it. Every key starts with the merchant so no query can cross tenants by
//! accident of its key.

use packwise_core::ports::{StoreError, StoreResult};
use rusqlite::{Connection, TransactionBehavior};

use crate::sql_error::sql;

pub(crate) const MIGRATIONS: &[&str] = &[
    // 1: the initial layout. Documents are JSON text; what SQL must compare or count
    // (versions, counters, stock) lives in INTEGER columns beside them. Tables of large
    // documents (profiles, processed orders with their instruction, similar items) keep
    // rowids: a WITHOUT ROWID table stores whole rows in its key's B-tree, which SQLite
    // advises against for rows over a small fraction of a page.
    r#"
    CREATE TABLE settings (
        merchant TEXT NOT NULL PRIMARY KEY,
        doc      TEXT NOT NULL
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE campaigns (
        merchant TEXT    NOT NULL,
        id       TEXT    NOT NULL,
        version  INTEGER NOT NULL,
        doc      TEXT    NOT NULL,
        PRIMARY KEY (merchant, id)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE inserts (
        merchant TEXT NOT NULL,
        sku      TEXT NOT NULL,
        doc      TEXT NOT NULL,
        PRIMARY KEY (merchant, sku)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE insert_stock (
        merchant TEXT    NOT NULL,
        sku      TEXT    NOT NULL,
        centre   TEXT    NOT NULL,
        units    INTEGER NOT NULL,
        PRIMARY KEY (merchant, sku, centre),
        FOREIGN KEY (merchant, sku) REFERENCES inserts (merchant, sku) ON DELETE CASCADE
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE profiles (
        merchant TEXT    NOT NULL,
        customer TEXT    NOT NULL,
        version  INTEGER NOT NULL,
        doc      TEXT    NOT NULL,
        PRIMARY KEY (merchant, customer)
    ) STRICT;

    CREATE TABLE order_history (
        merchant  TEXT NOT NULL,
        customer  TEXT NOT NULL,
        placed_at TEXT NOT NULL,
        order_id  TEXT NOT NULL,
        doc       TEXT NOT NULL,
        PRIMARY KEY (merchant, customer, placed_at, order_id)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE processed_orders (
        merchant TEXT NOT NULL,
        order_id TEXT NOT NULL,
        doc      TEXT NOT NULL,
        PRIMARY KEY (merchant, order_id)
    ) STRICT;

    CREATE TABLE counters (
        merchant TEXT    NOT NULL,
        campaign TEXT    NOT NULL,
        counter  TEXT    NOT NULL,
        value    INTEGER NOT NULL,
        PRIMARY KEY (merchant, campaign, counter)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE coupons (
        merchant TEXT NOT NULL,
        code     TEXT NOT NULL,
        doc      TEXT NOT NULL,
        PRIMARY KEY (merchant, code)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE similar_items (
        merchant TEXT NOT NULL,
        sku      TEXT NOT NULL,
        doc      TEXT NOT NULL,
        PRIMARY KEY (merchant, sku)
    ) STRICT;
    "#,
    // 2: merchants' API keys. The one table whose key does not start with the merchant: a
    // request names only its key's id, and the merchant is known once the key is found.
    // The index lists a merchant's keys newest first; `created_at` is fixed-width UTC
    // text, so its text order is time order.
    r#"
    CREATE TABLE api_keys (
        id         TEXT NOT NULL PRIMARY KEY,
        merchant   TEXT NOT NULL,
        created_at TEXT NOT NULL,
        doc        TEXT NOT NULL
    ) STRICT, WITHOUT ROWID;

    CREATE INDEX api_keys_by_merchant ON api_keys (merchant, created_at, id);
    "#,
    // 3: a merchant's history by time, for previews of the latest orders and walks of
    // the last days (stats, insert usage) that need not read older orders.
    r#"
    CREATE INDEX order_history_by_time ON order_history (merchant, placed_at, order_id);
    "#,
    // 4: versions of settings and inserts, the merchant API's entity tags. Columns beside
    // the documents, as stock is: an order's commit bumps an insert's version in SQL as it
    // takes a unit. Rows from before start at 0.
    r#"
    ALTER TABLE settings ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE inserts ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
    "#,
];

/// Brings the schema up to date. Each migration and its version bump commit together,
/// under the write lock, so a crash or a second process opening the same file at the
/// same moment never runs a migration twice.
pub(crate) fn migrate(conn: &mut Connection) -> StoreResult<()> {
    loop {
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql)?;
        let applied = schema_version(&tx)?;
        let Some(migration) = MIGRATIONS.get(applied) else {
            if applied > MIGRATIONS.len() {
                return Err(StoreError::Corrupt {
                    key: "schema".to_string(),
                    reason: format!(
                        "the store has schema version {applied}, newer than this build knows ({})",
                        MIGRATIONS.len()
                    ),
                });
            }
            return Ok(());
        };
        let version = applied + 1;
        tx.execute_batch(migration).map_err(sql)?;
        tx.pragma_update(None, "user_version", version as i64)
            .map_err(sql)?;
        tx.commit().map_err(sql)?;
        tracing::info!(version, "store schema migrated");
    }
}

pub(crate) fn schema_version(conn: &Connection) -> StoreResult<usize> {
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(sql)?;
    usize::try_from(version).map_err(|_| StoreError::Corrupt {
        key: "schema".to_string(),
        reason: format!("negative schema version {version}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::SqliteStore;
    use packwise_core::ports::ConfigStore;

    #[tokio::test]
    async fn reopening_runs_no_migration_twice_and_keeps_the_data() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/dir/packwise.db");
        let store = SqliteStore::open(&path).unwrap();
        store
            .with_connection(|c| {
                c.execute(
                    "INSERT INTO settings (merchant, doc) VALUES ('acme', '{}')",
                    [],
                )
            })
            .unwrap();
        drop(store);
        let reopened = SqliteStore::open(&path).unwrap();
        assert_eq!(
            reopened.with_connection(schema_version).unwrap(),
            MIGRATIONS.len()
        );
        let kept: String = reopened
            .with_connection(|c| {
                c.query_row(
                    "SELECT doc FROM settings WHERE merchant = 'acme'",
                    [],
                    |r| r.get(0),
                )
            })
            .unwrap();
        assert_eq!(kept, "{}");
    }

    #[tokio::test]
    async fn a_store_from_a_newer_build_is_refused_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("packwise.db");
        drop(SqliteStore::open(&path).unwrap());
        let newer = MIGRATIONS.len() as i64 + 1;
        Connection::open(&path)
            .unwrap()
            .pragma_update(None, "user_version", newer)
            .unwrap();
        let err = SqliteStore::open(&path).expect_err("newer schema refused");
        assert!(
            matches!(&err, StoreError::Corrupt { key, .. } if key == "schema"),
            "{err:?}"
        );
        let version: i64 = Connection::open(&path)
            .unwrap()
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, newer);
    }

    #[tokio::test]
    async fn a_store_of_the_first_schema_gains_api_keys_and_keeps_its_data() {
        use packwise_core::ports::KeyStore;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("packwise.db");
        let old = Connection::open(&path).unwrap();
        old.execute_batch(MIGRATIONS[0]).unwrap();
        old.pragma_update(None, "user_version", 1).unwrap();
        old.execute("INSERT INTO settings VALUES ('acme', '{}')", [])
            .unwrap();
        drop(old);

        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(
            store.with_connection(schema_version).unwrap(),
            MIGRATIONS.len()
        );
        let kept: String = store
            .with_connection(|c| c.query_row("SELECT doc FROM settings", [], |r| r.get(0)))
            .unwrap();
        assert_eq!(kept, "{}");
        assert!(store.api_keys("acme").await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn settings_and_inserts_from_before_versions_start_at_0() {
        use packwise_core::ports::{CommitOutcome, Expect, OrderStore};
        use packwise_core::{Insert, MerchantSettings};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("packwise.db");
        let old = Connection::open(&path).unwrap();
        old.execute_batch(MIGRATIONS[0]).unwrap();
        old.execute_batch(MIGRATIONS[1]).unwrap();
        old.pragma_update(None, "user_version", 2).unwrap();
        let settings = r#"{"merchant": "acme", "name": "Acme", "default_locale": "en",
            "default_currency": "EUR", "coupon_secret": "sixteen characters or more"}"#;
        let card = r#"{"sku": "CARD", "name": "Card", "kind": "welcome_card",
            "weight_grams": 5, "format": "flat"}"#;
        old.execute("INSERT INTO settings VALUES ('acme', ?1)", [settings])
            .unwrap();
        old.execute("INSERT INTO inserts VALUES ('acme', 'CARD', ?1)", [card])
            .unwrap();
        old.execute(
            "INSERT INTO insert_stock VALUES ('acme', 'CARD', 'C1', 4)",
            [],
        )
        .unwrap();
        drop(old);

        let store = SqliteStore::open(&path).unwrap();
        let stored: MerchantSettings = store.settings("acme").await.unwrap().unwrap();
        assert_eq!(stored.version, 0);
        let inserts: Vec<Insert> = store.inserts("acme").await.unwrap();
        assert_eq!((inserts[0].version, inserts[0].stock["C1"]), (0, 4));

        let mut order: packwise_core::Order =
            serde_json::from_str(packwise_core::samples::ORDER_JSON).unwrap();
        order.merchant = "acme".into();
        order.fulfillment_centre = "C1".into();
        let mut commit =
            packwise_core::ports::Commit::for_order(&order, None, "key".into(), "{}".into());
        commit.stock_taken = vec!["CARD".into()];
        assert_eq!(
            store.commit(&commit).await.unwrap(),
            CommitOutcome::Committed
        );
        assert_eq!(store.inserts("acme").await.unwrap()[0].version, 1);
        assert_eq!(
            store
                .put_settings(&stored, Expect::Version(0))
                .await
                .unwrap(),
            1
        );
    }

    #[tokio::test]
    async fn an_interrupted_upgrade_resumes_where_it_stopped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("packwise.db");
        // A store that ran no migration yet but already has a WAL file.
        Connection::open(&path)
            .unwrap()
            .pragma_update(None, "journal_mode", "WAL")
            .unwrap();
        let store = SqliteStore::open(&path).unwrap();
        assert!(store.settings("acme").await.unwrap().is_none());
    }
}
