//! The merchant API over the embedded store.

#[macro_use]
mod support;

use packwise_embedded::SqliteStore;
use support::Shop;

async fn shop() -> (Shop<SqliteStore>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("packwise.db")).unwrap();
    (Shop::open(store).await, dir)
}

macro_rules! on_sqlite {
    ($($name:ident),* $(,)?) => {$(
        #[tokio::test]
        async fn $name() {
            let (shop, _dir) = shop().await;
            support::$name(shop).await;
        }
    )*};
}

every_scenario!(on_sqlite);
