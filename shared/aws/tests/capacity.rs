//! The capacity meter against DynamoDB Local, which bills requests as DynamoDB does:
//! what it records is what the cost model prices.

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
    // An eventually consistent read costs half a unit per started 4 KB of each item.
    let keys = KeysAndAttributes::builder()
        .keys(key("small"))
        .keys(key("large"))
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
    assert_eq!((write.requests, write.items), (1, 2));
    assert_eq!((write.read, write.write), (0.0, 2.0 + 6.0));
    let read = units["BatchGetItem"];
    assert_eq!((read.requests, read.items), (1, 2));
    assert_eq!((read.read, read.write), (1.0, 0.0));
    assert!(read.seconds > 0.0 && write.seconds > 0.0);
    assert_eq!(meter.total().write, 8.0);
    assert_eq!(counter.count("TransactWriteItems"), 1);
}
