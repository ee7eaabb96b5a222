//! The handlers over the embedded store and the file sink.

mod support;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use packwise_core::process::Processor;
use packwise_embedded::{FileSink, SqliteStore};
use packwise_slips::Slips;
use support::Objects;

struct Dir(PathBuf);

impl Objects for Dir {
    async fn get(&self, key: &str) -> Option<Vec<u8>> {
        std::fs::read(self.0.join(key)).ok()
    }
}

async fn shop() -> (Processor<SqliteStore, FileSink>, Dir, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("packwise.db")).unwrap();
    packwise_synth::demo::install(&store).await.unwrap();
    let out = dir.path().join("out");
    let processor = Processor::new(store, FileSink::new(&out), Duration::from_secs(60))
        .with_slips(Arc::new(Slips::new()));
    (processor, Dir(out), dir)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_messages_fail_alone() {
    let (processor, objects, _dir) = shop().await;
    support::bad_messages_fail_alone(processor, objects).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redelivered_batch_changes_nothing() {
    let (processor, objects, _dir) = shop().await;
    support::a_redelivered_batch_changes_nothing(processor, objects).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customers_orders_in_one_batch_both_count() {
    let (processor, objects, _dir) = shop().await;
    support::a_customers_orders_in_one_batch_both_count(processor, objects).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rebuild_covers_every_merchant() {
    let (processor, _objects, _dir) = shop().await;
    support::the_rebuild_covers_every_merchant(processor.store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_waves_pick_lists_match_its_instructions() {
    let (processor, objects, _dir) = shop().await;
    support::a_waves_pick_lists_match_its_instructions(processor, objects).await;
}
