//! Processing in batches gives exactly what processing one order at a time gives, even
//! when orders of one batch compete for the last units of a budget or of stock.

use std::sync::Arc;
use std::time::Duration;

use packwise_core::order::Order;
use packwise_core::ports::{ConfigStore, Expect, ISSUED, OrderStore};
use packwise_core::process::Processor;
use packwise_e2e::files_under;
use packwise_embedded::{FileSink, SqliteStore};
use packwise_slips::Slips;
use packwise_synth::{Generator, demo};

async fn shop(
    dir: &std::path::Path,
    history: &[Order],
    tight: bool,
) -> Processor<SqliteStore, FileSink> {
    let store = SqliteStore::open(&dir.join("packwise.db")).unwrap();
    let settings = demo::settings();
    store.put_settings(&settings, Expect::Any).await.unwrap();
    for mut insert in demo::inserts() {
        if tight {
            // Scarce stock, so that batches race for the last units.
            for units in insert.stock.values_mut() {
                *units = (*units).min(7);
            }
        }
        store
            .put_insert(&settings.merchant, &insert, Expect::Any)
            .await
            .unwrap();
    }
    for mut campaign in demo::campaigns() {
        if tight {
            campaign.budget = Some(campaign.budget.unwrap_or(u64::MAX).min(11));
        }
        store
            .put_campaign(&settings.merchant, &campaign, Expect::Any)
            .await
            .unwrap();
    }
    for order in history {
        store.import_history(order).await.unwrap();
    }
    Processor::new(
        store,
        FileSink::new(dir.join("out")),
        Duration::from_secs(600),
    )
    .with_slips(Arc::new(Slips::new()))
}

async fn compare(tight: bool) {
    let generator = Generator::new(11);
    let customers = generator.customers(120);
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let history = generator.history(&customers, day.and_hms_opt(0, 0, 0).unwrap().and_utc());
    // Few customers, many orders: the same customer appears several times per batch.
    let orders = generator.day_of_orders(&customers, day, 300);

    let one_dir = tempfile::tempdir().unwrap();
    let one = shop(one_dir.path(), &history, tight).await;
    let mut singly = Vec::new();
    for order in &orders {
        singly.push(one.process(order).await.unwrap().bytes);
    }

    let batch_dir = tempfile::tempdir().unwrap();
    let batch = shop(batch_dir.path(), &history, tight).await;
    let mut batched = Vec::new();
    for chunk in orders.chunks(64) {
        for result in batch.process_batch(chunk).await {
            batched.push(result.unwrap().bytes);
        }
    }
    assert_eq!(singly.len(), batched.len());
    for (i, (a, b)) in singly.iter().zip(&batched).enumerate() {
        assert_eq!(
            String::from_utf8_lossy(a),
            String::from_utf8_lossy(b),
            "order {} differs",
            orders[i].order_id
        );
    }
    let merchant = demo::settings().merchant;
    for campaign in demo::campaigns() {
        let a = one.store.counters(&merchant, &campaign.id).await.unwrap();
        let b = batch.store.counters(&merchant, &campaign.id).await.unwrap();
        assert_eq!(a, b, "counters of {}", campaign.id);
        if tight && let Some(limit) = campaign.budget {
            assert!(a.get(ISSUED).copied().unwrap_or(0) <= limit.min(11));
        }
    }
    assert_eq!(
        one.store.inserts(&merchant).await.unwrap(),
        batch.store.inserts(&merchant).await.unwrap()
    );
    // Slips rendered on several threads per batch are the slips of one at a time.
    let (a, b) = (
        files_under(&one_dir.path().join("out")),
        files_under(&batch_dir.path().join("out")),
    );
    assert_eq!(
        a.len(),
        3 * orders.len(),
        "an instruction and its slip per order"
    );
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(b[path] == *bytes, "{} differs", path.display());
    }
}

#[tokio::test]
async fn batches_decide_exactly_as_one_order_at_a_time() {
    compare(false).await;
}

#[tokio::test]
async fn batches_racing_for_the_last_units_still_decide_as_one_at_a_time() {
    compare(true).await;
}

#[tokio::test]
async fn a_batch_reports_each_bad_order_in_place() {
    let generator = Generator::new(3);
    let customers = generator.customers(20);
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let mut orders = generator.day_of_orders(&customers, day, 10);
    orders[4].lines[0].quantity = 0;
    orders[7].merchant = "nobody".into();
    // Valid, but Code 128 cannot print it on the slip.
    orders[2].order_id = "ORDER-Ä2".into();
    let dir = tempfile::tempdir().unwrap();
    let processor = shop(dir.path(), &[], false).await;
    let results = processor.process_batch(&orders).await;
    assert_eq!(results.len(), 10);
    for (i, r) in results.iter().enumerate() {
        match i {
            4 => assert!(
                r.as_ref()
                    .unwrap_err()
                    .to_string()
                    .contains("lines[0].quantity")
            ),
            7 => assert!(
                r.as_ref()
                    .unwrap_err()
                    .to_string()
                    .contains("unknown merchant")
            ),
            2 => assert!(
                r.as_ref()
                    .unwrap_err()
                    .to_string()
                    .contains("cannot be a Code 128 barcode")
            ),
            _ => assert_eq!(r.as_ref().unwrap().instruction.order_id, orders[i].order_id),
        }
    }
    let store = &processor.store;
    let merchant = demo::settings().merchant;
    assert!(
        store
            .processed(&merchant, "ORDER-Ä2")
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        files_under(&dir.path().join("out")).len(),
        3 * 7,
        "the 7 good orders' objects"
    );
}
