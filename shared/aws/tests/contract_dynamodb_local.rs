//! The port contract suite against the DynamoDB adapter over DynamoDB Local, AWS's own
//! emulator, beside the run over moto (`contract.rs`): DynamoDB Local isolates
//! concurrent transactions itself, so the concurrency cases race here without the
//! write gate moto needs, and any behaviour the two servers disagree on shows up.

use packwise_aws::{CapacityMeter, DynamoStore, RequestCounter};

/// A new table for one case; history pages are small so the suite crosses pages.
async fn fresh_store() -> (DynamoStore, packwise_aws::testing::DropTable) {
    let (store, table) = packwise_aws::testing::fresh_table_on_dynamodb_local(
        &RequestCounter::new(),
        &CapacityMeter::new(),
    )
    .await;
    (store.with_history_page_size(4), table)
}

packwise_contract::contract_suite!(guarded fresh_store());
