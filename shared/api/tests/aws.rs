//! The merchant API over DynamoDB, against a real DynamoDB API on loopback (moto server,
//! started by the harness): the same scenarios as on the embedded store.

#[macro_use]
mod support;

use packwise_aws::testing::{local_aws, unique_name};
use packwise_aws::{DynamoStore, RequestCounter, create_table};
use support::Shop;

async fn shop() -> Shop<DynamoStore> {
    let clients = local_aws().clients(&RequestCounter::new());
    let table = unique_name("packwise-api");
    create_table(&clients.dynamodb, &table).await.unwrap();
    Shop::open(DynamoStore::new(clients.dynamodb, &table)).await
}

macro_rules! on_dynamodb {
    ($($name:ident),* $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            support::$name(shop().await).await;
        }
    )*};
}

every_scenario!(on_dynamodb);
