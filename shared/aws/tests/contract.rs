//! The port contract suite against the DynamoDB adapter, over a real DynamoDB API
//! (moto server on loopback). Each case gets a table of its own, deleted afterwards.

use packwise_aws::{DynamoStore, RequestCounter};

/// A new table for one case; history pages are small so the suite crosses pages.
async fn fresh_store() -> (DynamoStore, packwise_aws::testing::DropTable) {
    let (store, table) = packwise_aws::testing::fresh_table(&RequestCounter::new()).await;
    (store.with_history_page_size(4), table)
}

packwise_contract::contract_suite!(guarded fresh_store());
