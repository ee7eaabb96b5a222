//! The capacity meter against DynamoDB Local: what it records is what DynamoDB would
//! bill, including where DynamoDB Local's own report is wrong (a transaction of several
//! items, keys a batch read does not find). The cost model prices these units.

use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes, Put, TransactWriteItem};
use packwise_aws::testing::{measured_clients, unique_name};
use packwise_aws::{CapacityMeter, RequestCounter, create_table};

fn key(pk: &str) -> std::collections::HashMap<String, AttributeValue> {
    [
        ("pk".to_string(), AttributeValue::S(pk.to_string())),
        ("sk".to_string(), AttributeValue::S("ITEM".to_string())),
    ]
    .into()
}

fn put(table: &str, pk: &str, bytes: usize) -> TransactWriteItem {
    let mut item = key(pk);
    item.insert("body".to_string(), AttributeValue::S("x".repeat(bytes)));
    TransactWriteItem::builder()
        .put(
            Put::builder()
                .table_name(table)
                .set_item(Some(item))
                .build()
                .unwrap(),
        )
        .build()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_the_units_dynamodb_bills_and_the_items_each_request_named() {
    let (counter, meter) = (RequestCounter::new(), CapacityMeter::new());
    let client = measured_clients(&counter, &meter).dynamodb;
    let table = unique_name("packwise-capacity");
    create_table(&client, &table).await.unwrap();
    meter.reset();

    // A transactional write costs two units per started kilobyte of each item.
    client
        .transact_write_items()
        .transact_items(put(&table, "small", 100))
        .transact_items(put(&table, "large", 2_500))
        .send()
        .await
        .unwrap();
    // Each of several small items too: DynamoDB Local reports two units for these six.
    let mut six = client.transact_write_items();
    for i in 0..6 {
        six = six.transact_items(put(&table, &format!("six-{i}"), 100));
    }
    six.send().await.unwrap();
    // An eventually consistent read costs half a unit per started 4 KB of each item, and
    // half a unit for a key it does not find.
    let keys = KeysAndAttributes::builder()
        .keys(key("small"))
        .keys(key("large"))
        .keys(key("missing"))
        .build()
        .unwrap();
    client
        .batch_get_item()
        .request_items(&table, keys)
        .send()
        .await
        .unwrap();

    let units = meter.snapshot();
    let write = units["TransactWriteItems"];
    assert_eq!((write.requests, write.items), (2, 8));
    assert_eq!((write.read, write.write), (0.0, 2.0 + 6.0 + 6.0 * 2.0));
    let read = units["BatchGetItem"];
    assert_eq!((read.requests, read.items), (1, 3));
    assert_eq!((read.read, read.write), (1.5, 0.0));
    assert!(read.seconds > 0.0 && write.seconds > 0.0);
    assert_eq!(meter.total().write, 20.0);
    assert_eq!(counter.count("TransactWriteItems"), 2);
}
