//! The demo shop over DynamoDB and S3 on the local API server, and what the tests read
//! back from its table and bucket.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use packwise_aws::testing::{local_aws, unique_name};
use packwise_aws::{Clients, DynamoStore, S3Sink, create_table};
use packwise_core::process::Processor;
use packwise_slips::Slips;

use super::Objects;

/// A bucket and a client to read it.
pub struct Bucket {
    pub client: aws_sdk_s3::Client,
    pub name: String,
}

impl Objects for Bucket {
    async fn get(&self, key: &str) -> Option<Vec<u8>> {
        let object = self
            .client
            .get_object()
            .bucket(&self.name)
            .key(key)
            .send()
            .await
            .ok()?;
        Some(object.body.collect().await.ok()?.into_bytes().to_vec())
    }
}

impl Bucket {
    /// Every key in the bucket, sorted.
    pub async fn keys(&self) -> Vec<String> {
        let mut keys = Vec::new();
        let mut pages = self
            .client
            .list_objects_v2()
            .bucket(&self.name)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            keys.extend(
                page.unwrap()
                    .contents()
                    .iter()
                    .filter_map(|o| o.key().map(str::to_string)),
            );
        }
        keys.sort();
        keys
    }

    /// Every object in the bucket, by key.
    pub async fn contents(&self) -> BTreeMap<String, Vec<u8>> {
        let mut all = BTreeMap::new();
        for key in self.keys().await {
            let bytes = self.get(&key).await.expect("a listed object");
            all.insert(key, bytes);
        }
        all
    }
}

pub type AwsProcessor = Processor<DynamoStore, S3Sink>;

/// A new table with the demo shop installed, through `clients`.
pub async fn demo_store(clients: &Clients) -> DynamoStore {
    let table = unique_name("packwise-handlers");
    create_table(&clients.dynamodb, &table).await.unwrap();
    let store = DynamoStore::new(clients.dynamodb.clone(), &table);
    packwise_synth::demo::install(&store).await.unwrap();
    store
}

/// The processor as the order-processor function builds it, over `table` and `bucket`.
pub fn processor(clients: &Clients, table: &str, bucket: &str) -> AwsProcessor {
    Processor::new(
        DynamoStore::new(clients.dynamodb.clone(), table),
        S3Sink::new(clients.s3.clone(), bucket),
        Duration::from_secs(60),
    )
    .with_slips(Arc::new(Slips::new()))
}

/// The demo shop on a new table and a new bucket, through `clients`.
pub async fn shop(clients: &Clients) -> (AwsProcessor, Bucket) {
    let store = demo_store(clients).await;
    let bucket = local_aws().bucket().await;
    let processor = processor(clients, store.table(), &bucket);
    (
        processor,
        Bucket {
            client: clients.s3.clone(),
            name: bucket,
        },
    )
}

/// Every coupon code printed in the instructions, each checked to be stored once.
pub async fn issued_coupons(processor: &AwsProcessor, instructions: &[Vec<u8>]) -> Vec<String> {
    use packwise_core::ports::OrderStore;
    let mut codes = Vec::new();
    for bytes in instructions {
        let instruction: serde_json::Value = serde_json::from_slice(bytes).unwrap();
        if let Some(code) = instruction["coupon"]["code"].as_str() {
            let stored = processor
                .store
                .coupon(packwise_synth::demo::MERCHANT, code)
                .await
                .unwrap();
            assert!(stored.is_some(), "coupon {code} is stored");
            codes.push(code.to_string());
        }
    }
    let unique: std::collections::BTreeSet<_> = codes.iter().collect();
    assert_eq!(unique.len(), codes.len(), "no code issued twice");
    codes
}

/// The table's items by kind (`COUPON`, `DONE`, `PROFILE`, `O#` for history…), counted
/// with a scan: what the store's own reads cannot list.
pub async fn item_kinds(table: &str) -> BTreeMap<String, usize> {
    let client = local_aws().dynamodb().await;
    let mut kinds = BTreeMap::new();
    let mut pages = client.scan().table_name(table).into_paginator().send();
    while let Some(page) = pages.next().await {
        for item in page.unwrap().items() {
            let sk = item
                .get("sk")
                .and_then(|v| v.as_s().ok())
                .expect("every item has a string sort key");
            let kind = match sk.split_once('#') {
                Some((head, _)) => format!("{head}#"),
                None => sk.clone(),
            };
            *kinds.entry(kind).or_default() += 1;
        }
    }
    kinds
}
