//! One centre's stock changed by the merchant: by a delta or to a count, atomically, never
//! out of range, each change a new version of the insert.

use std::collections::BTreeMap;

use packwise_core::Insert;
use packwise_core::insert::{MAX_UNITS, StockChange};
use packwise_core::ports::{ConfigStore, Expect, OrderStore, StoreError};

use crate::samples;

/// `CARD` of merchant `acme` with 10 units at C1 and 3 at C2, at version 1.
async fn card<S: ConfigStore>(store: &S) -> Insert {
    let mut card = samples::insert("CARD", &[("C1", 10), ("C2", 3)]);
    card.version = store.put_insert("acme", &card, Expect::Any).await.unwrap();
    assert_eq!(card.version, 1);
    card
}

fn stock(pairs: &[(&str, i64)]) -> BTreeMap<String, i64> {
    pairs.iter().map(|(c, n)| (c.to_string(), *n)).collect()
}

pub async fn stock_is_adjusted_by_a_delta_at_one_centre<
    S: ConfigStore + OrderStore + Clone + 'static,
>(
    store: S,
) {
    let card = card(&store).await;
    let added = store
        .adjust_stock("acme", "CARD", "C1", StockChange::By(5), None)
        .await
        .unwrap();
    assert_eq!(added.stock, stock(&[("C1", 15), ("C2", 3)]));
    assert_eq!(added.version, 2);
    assert_eq!(
        Insert {
            stock: card.stock.clone(),
            version: card.version,
            ..added.clone()
        },
        card,
        "only the stock and the version change"
    );
    assert_eq!(store.inserts("acme").await.unwrap(), vec![added]);

    let emptied = store
        .adjust_stock("acme", "CARD", "C1", StockChange::By(-15), None)
        .await
        .unwrap();
    assert_eq!(emptied.stock, stock(&[("C1", 0), ("C2", 3)]));
    assert_eq!(emptied.version, 3);

    let listed = store
        .adjust_stock("acme", "CARD", "C9", StockChange::By(4), None)
        .await
        .unwrap();
    assert_eq!(
        listed.stock,
        stock(&[("C1", 0), ("C2", 3), ("C9", 4)]),
        "a centre not listed starts from none"
    );
    assert_eq!(listed.version, 4);
    assert_eq!(store.inserts("acme").await.unwrap(), vec![listed]);
}

pub async fn stock_is_set_to_a_count_at_one_centre<
    S: ConfigStore + OrderStore + Clone + 'static,
>(
    store: S,
) {
    card(&store).await;
    let counted = store
        .adjust_stock("acme", "CARD", "C2", StockChange::To(250), None)
        .await
        .unwrap();
    assert_eq!(counted.stock, stock(&[("C1", 10), ("C2", 250)]));
    let listed = store
        .adjust_stock("acme", "CARD", "C9", StockChange::To(0), None)
        .await
        .unwrap();
    assert_eq!(listed.stock, stock(&[("C1", 10), ("C2", 250), ("C9", 0)]));
    assert_eq!(listed.version, 3);
    assert_eq!(store.inserts("acme").await.unwrap(), vec![listed]);
}

pub async fn a_stock_change_out_of_range_changes_nothing<
    S: ConfigStore + OrderStore + Clone + 'static,
>(
    store: S,
) {
    let card = card(&store).await;
    for (centre, change, on_hand) in [
        ("C1", StockChange::By(-11), 10),
        ("C2", StockChange::By(-4), 3),
        ("C9", StockChange::By(-1), 0),
        ("C1", StockChange::By(MAX_UNITS - 9), 10),
        ("C9", StockChange::By(MAX_UNITS + 1), 0),
        ("C1", StockChange::By(i64::MIN), 10),
        ("C1", StockChange::To(-1), 10),
        ("C9", StockChange::To(MAX_UNITS + 1), 0),
    ] {
        let err = store
            .adjust_stock("acme", "CARD", centre, change, None)
            .await
            .unwrap_err();
        assert_eq!(
            err,
            StoreError::StockOutOfRange {
                sku: "CARD".to_string(),
                centre: centre.to_string(),
                on_hand,
                change,
            },
            "{change:?} at {centre}"
        );
        assert_eq!(
            store.inserts("acme").await.unwrap(),
            vec![card.clone()],
            "{change:?} at {centre} changed nothing, not even the version"
        );
    }
    let err = store
        .adjust_stock("acme", "CARD", "C1", StockChange::By(-11), None)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "insert CARD has 10 unit(s) at centre C1, fewer than the 11 to take"
    );
    // Up to the edges is fine.
    let full = store
        .adjust_stock("acme", "CARD", "C1", StockChange::By(MAX_UNITS - 10), None)
        .await
        .unwrap();
    assert_eq!(full.stock["C1"], MAX_UNITS);
}

pub async fn a_stock_change_of_an_unknown_insert_is_not_found<
    S: ConfigStore + OrderStore + Clone + 'static,
>(
    store: S,
) {
    let theirs = samples::insert("CARD", &[("C1", 10)]);
    store
        .put_insert("globex", &theirs, Expect::Any)
        .await
        .unwrap();
    for change in [StockChange::By(5), StockChange::By(-1), StockChange::To(3)] {
        for version in [None, Some(1)] {
            let err = store
                .adjust_stock("acme", "CARD", "C1", change, version)
                .await
                .unwrap_err();
            assert!(
                matches!(err, StoreError::NotFound(_)),
                "{change:?}: {err:?}"
            );
        }
    }
    assert!(
        store.inserts("acme").await.unwrap().is_empty(),
        "no insert is created"
    );
    let stored = store.inserts("globex").await.unwrap();
    assert_eq!(
        (stored[0].stock["C1"], stored[0].version),
        (10, 1),
        "another merchant's insert of the same SKU is untouched"
    );
}

pub async fn a_stock_change_at_a_stale_version_changes_nothing<
    S: ConfigStore + OrderStore + Clone + 'static,
>(
    store: S,
) {
    card(&store).await;
    let moved = store
        .adjust_stock("acme", "CARD", "C1", StockChange::By(-1), Some(1))
        .await
        .unwrap();
    assert_eq!((moved.stock["C1"], moved.version), (9, 2));
    for change in [
        StockChange::By(-1),
        StockChange::To(50),
        StockChange::By(-100),
    ] {
        let err = store
            .adjust_stock("acme", "CARD", "C1", change, Some(1))
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::VersionConflict {
                    expected: Some(1),
                    ..
                }
            ),
            "{change:?}: {err:?}"
        );
    }
    assert_eq!(store.inserts("acme").await.unwrap(), vec![moved]);
}

/// Twenty additions and ten removals sent at once: every one lands, once, and each is a
/// version of its own.
pub async fn stock_changes_sent_at_once_all_land<S: ConfigStore + OrderStore + Clone + 'static>(
    store: S,
) {
    card(&store).await;
    const CHANGES: usize = 30;
    let start = std::sync::Arc::new(tokio::sync::Barrier::new(CHANGES));
    let tasks: Vec<_> = (0..CHANGES)
        .map(|i| {
            let (store, start) = (store.clone(), start.clone());
            // Ten units at C1 cover the ten removals in any order.
            let delta = if i % 3 == 0 { -1 } else { 1 };
            tokio::spawn(async move {
                start.wait().await;
                store
                    .adjust_stock("acme", "CARD", "C1", StockChange::By(delta), None)
                    .await
            })
        })
        .collect();
    let mut versions = Vec::new();
    for task in tasks {
        versions.push(task.await.expect("task").expect("change").version);
    }
    versions.sort();
    assert_eq!(
        versions,
        (2..=CHANGES as u64 + 1).collect::<Vec<_>>(),
        "each change answered with its own version"
    );
    let stored = store.inserts("acme").await.unwrap();
    assert_eq!(stored[0].stock, stock(&[("C1", 20), ("C2", 3)]));
    assert_eq!(stored[0].version, CHANGES as u64 + 1);
}

pub async fn an_insert_is_deleted_with_its_stock<S: ConfigStore + OrderStore + Clone + 'static>(
    store: S,
) {
    card(&store).await;
    let other = samples::insert("GUIDE", &[("C1", 4)]);
    store.put_insert("acme", &other, Expect::Any).await.unwrap();
    store
        .put_insert("globex", &other, Expect::Any)
        .await
        .unwrap();
    store.delete_insert("acme", "CARD", None).await.unwrap();
    let left: Vec<String> = store
        .inserts("acme")
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.sku)
        .collect();
    assert_eq!(left, ["GUIDE"]);
    // A new insert under the same SKU starts with no stock from the deleted one.
    let again = samples::insert("CARD", &[("C2", 1)]);
    store
        .put_insert("acme", &again, Expect::Absent)
        .await
        .unwrap();
    let found = store.inserts("acme").await.unwrap();
    let card = found.iter().find(|i| i.sku == "CARD").unwrap();
    assert_eq!(card.stock, stock(&[("C2", 1)]));
    assert_eq!(
        store.delete_insert("acme", "NOPE", None).await,
        Err(StoreError::NotFound("insert NOPE".into()))
    );
    // Another merchant's insert of the same SKU is its own.
    store.delete_insert("globex", "GUIDE", None).await.unwrap();
    let acme: Vec<Insert> = store.inserts("acme").await.unwrap();
    assert!(acme.iter().any(|i| i.sku == "GUIDE"));
}

pub async fn an_insert_is_deleted_only_at_the_version_named<
    S: ConfigStore + OrderStore + Clone + 'static,
>(
    store: S,
) {
    card(&store).await;
    store
        .adjust_stock("acme", "CARD", "C1", StockChange::By(1), None)
        .await
        .unwrap();
    match store.delete_insert("acme", "CARD", Some(1)).await {
        Err(StoreError::VersionConflict { expected, .. }) => assert_eq!(expected, Some(1)),
        other => panic!("expected a version conflict, got {other:?}"),
    }
    assert_eq!(store.inserts("acme").await.unwrap().len(), 1, "still there");
    store.delete_insert("acme", "CARD", Some(2)).await.unwrap();
    assert!(store.inserts("acme").await.unwrap().is_empty());
    assert_eq!(
        store.delete_insert("acme", "CARD", Some(2)).await,
        Err(StoreError::NotFound("insert CARD".into()))
    );
}
