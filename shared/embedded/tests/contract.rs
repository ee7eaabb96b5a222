//! The port contract suite against the SQLite store.

use packwise_embedded::SqliteStore;
use tempfile::TempDir;

/// A new store in its own temporary directory, which the suite keeps until the case is
/// done and then removes: the store and all its clones are gone by then, so no open
/// connection loses its files. History pages are small so the suite crosses pages.
async fn fresh_store() -> (SqliteStore, TempDir) {
    let dir = tempfile::Builder::new()
        .prefix("packwise-contract-")
        .tempdir()
        .expect("temporary directory");
    let store = SqliteStore::open(&dir.path().join("packwise.db"))
        .expect("fresh store")
        .with_history_page_size(4);
    (store, dir)
}

packwise_contract::contract_suite!(guarded fresh_store());
