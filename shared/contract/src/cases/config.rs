//! Merchant configuration: settings, campaigns with optimistic versions, inserts and stock.

use std::collections::BTreeMap;

use packwise_core::ports::{CommitOutcome, ConfigStore, Expect, OrderStore, StoreError};

use crate::samples::{self, CENTRE};

pub async fn settings_round_trip<S: ConfigStore + OrderStore + Clone + 'static>(store: S) {
    assert_eq!(store.settings("acme").await.unwrap(), None);
    let mut settings = samples::settings("acme");
    settings.version = store.put_settings(&settings, Expect::Any).await.unwrap();
    assert_eq!(settings.version, 1);
    assert_eq!(
        store.settings("acme").await.unwrap(),
        Some(settings.clone())
    );

    settings.name = "Acme Tea".to_string();
    settings.max_inserts_per_package = 5;
    settings.free_shipping_threshold = None;
    settings.version = store.put_settings(&settings, Expect::Any).await.unwrap();
    assert_eq!(settings.version, 2);
    assert_eq!(
        store.settings("acme").await.unwrap(),
        Some(settings),
        "a field left out is gone"
    );
    assert_eq!(store.settings("unknown").await.unwrap(), None);
}

/// The store numbers settings: one past the stored version whatever the document says,
/// and a write that expects another state than the stored one changes nothing.
pub async fn settings_are_written_only_as_expected<
    S: ConfigStore + OrderStore + Clone + 'static,
>(
    store: S,
) {
    let mut settings = samples::settings("acme");
    let err = store
        .put_settings(&settings, Expect::Version(0))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::VersionConflict {
                expected: Some(0),
                ..
            }
        ),
        "no settings are at no version: {err:?}"
    );
    assert_eq!(store.settings("acme").await.unwrap(), None);

    settings.version = 41;
    assert_eq!(
        store.put_settings(&settings, Expect::Absent).await.unwrap(),
        1,
        "the version sent is not the store's"
    );
    settings.name = "Acme, second edition".to_string();
    assert_eq!(
        store
            .put_settings(&settings, Expect::Version(1))
            .await
            .unwrap(),
        2
    );
    let written = store.settings("acme").await.unwrap().expect("settings");
    assert_eq!(
        (written.version, written.name.as_str()),
        (2, "Acme, second edition")
    );

    let mut stale = written.clone();
    stale.name = "From an old copy".to_string();
    let err = store
        .put_settings(&stale, Expect::Version(1))
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
        "{err:?}"
    );
    let err = store
        .put_settings(&stale, Expect::Absent)
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::VersionConflict { expected: None, .. }),
        "{err:?}"
    );
    assert_eq!(store.settings("acme").await.unwrap(), Some(written));
    assert_eq!(
        store.put_settings(&stale, Expect::Any).await.unwrap(),
        3,
        "an unconditional write replaces whatever is there"
    );
}

pub async fn campaigns_round_trip<S: ConfigStore + OrderStore + Clone + 'static>(store: S) {
    assert!(store.campaigns("acme").await.unwrap().is_empty());
    let welcome = samples::campaign("welcome", 1);
    let mut loyal = samples::campaign("loyal", 1);
    loyal.priority = -3;
    loyal.exclusive_group = Some("coupon".to_string());
    store
        .put_campaign("acme", &welcome, Expect::Absent)
        .await
        .unwrap();
    store
        .put_campaign("acme", &loyal, Expect::Any)
        .await
        .unwrap();

    let mut stored = store.campaigns("acme").await.unwrap();
    stored.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(stored, vec![loyal.clone(), welcome]);

    // `Any` overwrites whatever is there.
    loyal.version = 7;
    loyal.name = "Loyal customers".to_string();
    store
        .put_campaign("acme", &loyal, Expect::Any)
        .await
        .unwrap();
    let stored = store.campaigns("acme").await.unwrap();
    assert_eq!(stored.len(), 2);
    assert!(stored.contains(&loyal));
}

pub async fn campaign_expected_absent_refuses_an_existing_one<
    S: ConfigStore + OrderStore + Clone + 'static,
>(
    store: S,
) {
    let first = samples::campaign("welcome", 1);
    store
        .put_campaign("acme", &first, Expect::Absent)
        .await
        .unwrap();
    let mut second = first.clone();
    second.name = "Another welcome".to_string();
    let err = store
        .put_campaign("acme", &second, Expect::Absent)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::VersionConflict { .. }), "{err:?}");
    assert_eq!(store.campaigns("acme").await.unwrap(), vec![first]);
}

pub async fn campaign_with_a_stale_version_changes_nothing<
    S: ConfigStore + OrderStore + Clone + 'static,
>(
    store: S,
) {
    let mut stored = samples::campaign("welcome", 1);
    store
        .put_campaign("acme", &stored, Expect::Absent)
        .await
        .unwrap();
    stored.version = 2;
    store
        .put_campaign("acme", &stored, Expect::Version(1))
        .await
        .unwrap();

    let mut stale = stored.clone();
    stale.version = 2;
    stale.name = "Edited from an old copy".to_string();
    let err = store
        .put_campaign("acme", &stale, Expect::Version(1))
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
        "{err:?}"
    );
    assert_eq!(store.campaigns("acme").await.unwrap(), vec![stored]);

    // A version check against a campaign that does not exist cannot hold either.
    let missing = samples::campaign("missing", 2);
    let err = store
        .put_campaign("acme", &missing, Expect::Version(1))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::VersionConflict { .. }), "{err:?}");
    assert_eq!(store.campaigns("acme").await.unwrap().len(), 1);
}

pub async fn campaign_with_the_current_version_is_updated<
    S: ConfigStore + OrderStore + Clone + 'static,
>(
    store: S,
) {
    let mut campaign = samples::campaign("welcome", 1);
    store
        .put_campaign("acme", &campaign, Expect::Absent)
        .await
        .unwrap();
    for version in 2..=4 {
        campaign.version = version;
        campaign.name = format!("welcome, edit {version}");
        store
            .put_campaign("acme", &campaign, Expect::Version(version - 1))
            .await
            .unwrap();
        assert_eq!(
            store.campaigns("acme").await.unwrap(),
            vec![campaign.clone()]
        );
    }
}

pub async fn inserts_round_trip_with_stock_per_centre<
    S: ConfigStore + OrderStore + Clone + 'static,
>(
    store: S,
) {
    assert!(store.inserts("acme").await.unwrap().is_empty());
    let mut card = samples::insert("CARD", &[("C1", 40), ("C2", 0), ("C3", 7)]);
    let mut guide = samples::insert("GUIDE", &[]);
    guide.guides_skus = vec!["KETTLE-1".to_string()];
    card.version = store.put_insert("acme", &card, Expect::Any).await.unwrap();
    guide.version = store.put_insert("acme", &guide, Expect::Any).await.unwrap();
    assert_eq!((card.version, guide.version), (1, 1));

    let mut stored = store.inserts("acme").await.unwrap();
    stored.sort_by(|a, b| a.sku.cmp(&b.sku));
    assert_eq!(stored, vec![card, guide]);
}

pub async fn putting_an_insert_again_replaces_its_stock<
    S: ConfigStore + OrderStore + Clone + 'static,
>(
    store: S,
) {
    let mut first = samples::insert("CARD", &[("C1", 40), ("C2", 9)]);
    first.guides_skus = vec!["KETTLE-1".to_string()];
    first.sample_category = Some("tea".to_string());
    store.put_insert("acme", &first, Expect::Any).await.unwrap();
    let mut edited = samples::insert("CARD", &[("C1", 3), ("C3", 12)]);
    edited.name = "Welcome card, 2nd print".to_string();
    edited.version = store
        .put_insert("acme", &edited, Expect::Any)
        .await
        .unwrap();
    assert_eq!(edited.version, 2);

    let stored = store.inserts("acme").await.unwrap();
    assert_eq!(stored, vec![edited], "fields left out are gone");
    assert_eq!(
        stored[0].stock,
        BTreeMap::from([("C1".to_string(), 3), ("C3".to_string(), 12)]),
        "the centres given are all the stock there is"
    );
}

/// The store numbers inserts: one past the stored version whatever the document says,
/// and a write that expects another state than the stored one changes nothing.
pub async fn inserts_are_written_only_as_expected<S: ConfigStore + OrderStore + Clone + 'static>(
    store: S,
) {
    let mut card = samples::insert("CARD", &[("C1", 40)]);
    let err = store
        .put_insert("acme", &card, Expect::Version(1))
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
        "{err:?}"
    );
    assert!(store.inserts("acme").await.unwrap().is_empty());

    card.version = 17;
    assert_eq!(
        store
            .put_insert("acme", &card, Expect::Absent)
            .await
            .unwrap(),
        1,
        "the version sent is not the store's"
    );
    card.stock.insert("C1".to_string(), 60);
    card.version = store
        .put_insert("acme", &card, Expect::Version(1))
        .await
        .unwrap();
    assert_eq!(card.version, 2);

    let mut stale = card.clone();
    stale.stock.insert("C1".to_string(), 0);
    for (expect, expected) in [(Expect::Version(1), Some(1)), (Expect::Absent, None)] {
        let err = store.put_insert("acme", &stale, expect).await.unwrap_err();
        match err {
            StoreError::VersionConflict { expected: e, .. } => assert_eq!(e, expected),
            other => panic!("{expect:?}: {other:?}"),
        }
    }
    assert_eq!(store.inserts("acme").await.unwrap(), vec![card.clone()]);

    // Another merchant's insert of the same SKU is another record.
    assert_eq!(
        store
            .put_insert("globex", &stale, Expect::Absent)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store.put_insert("acme", &stale, Expect::Any).await.unwrap(),
        3,
        "an unconditional write replaces whatever is there"
    );
}

/// Every parcel that takes an insert changes its stock, so it gives the insert a new
/// version too: a write expecting the version read before the parcel is refused.
pub async fn taking_stock_gives_the_insert_a_new_version<
    S: ConfigStore + OrderStore + Clone + 'static,
>(
    store: S,
) {
    for sku in ["CARD", "SAMPLE", "UNTOUCHED"] {
        store
            .put_insert("acme", &samples::insert(sku, &[(CENTRE, 5)]), Expect::Any)
            .await
            .unwrap();
    }
    let order = samples::order("acme", "O-1", "c1", "2026-01-15T12:00:00Z");
    let mut commit = samples::commit(&order, None);
    // Two units of one insert and one of another.
    commit.stock_taken = samples::names(&["CARD", "SAMPLE", "CARD"]);
    assert_eq!(
        store.commit(&commit).await.unwrap(),
        CommitOutcome::Committed
    );

    let stored = store.inserts("acme").await.unwrap();
    let version = |sku: &str| stored.iter().find(|i| i.sku == sku).unwrap().version;
    let stock = |sku: &str| stored.iter().find(|i| i.sku == sku).unwrap().stock[CENTRE];
    assert_eq!((stock("CARD"), stock("SAMPLE")), (3, 4));
    assert!(version("CARD") > 1, "{stored:?}");
    assert!(version("SAMPLE") > 1, "{stored:?}");
    assert_eq!(version("UNTOUCHED"), 1);

    let err = store
        .put_insert(
            "acme",
            &samples::insert("CARD", &[(CENTRE, 50)]),
            Expect::Version(1),
        )
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
        "{err:?}"
    );
    assert_eq!(
        store.inserts("acme").await.unwrap(),
        stored,
        "the stale write changed nothing"
    );
    let next = store
        .put_insert(
            "acme",
            &samples::insert("CARD", &[(CENTRE, 50)]),
            Expect::Version(version("CARD")),
        )
        .await
        .unwrap();
    assert_eq!(next, version("CARD") + 1);
}

pub async fn a_campaign_is_deleted_only_at_its_version<
    S: ConfigStore + OrderStore + Clone + 'static,
>(
    store: S,
) {
    let mut kept = samples::campaign("kept", 1);
    let gone = samples::campaign("gone", 1);
    store
        .put_campaign("acme", &kept, Expect::Absent)
        .await
        .unwrap();
    store
        .put_campaign("acme", &gone, Expect::Absent)
        .await
        .unwrap();
    store
        .put_campaign("other", &gone, Expect::Absent)
        .await
        .unwrap();
    kept.version = 2;
    store
        .put_campaign("acme", &kept, Expect::Version(1))
        .await
        .unwrap();

    let stale = store.delete_campaign("acme", "kept", 1).await.unwrap_err();
    assert!(
        matches!(
            stale,
            StoreError::VersionConflict {
                expected: Some(1),
                ..
            }
        ),
        "{stale:?}"
    );
    let missing = store.delete_campaign("acme", "never", 1).await.unwrap_err();
    assert!(
        matches!(missing, StoreError::VersionConflict { .. }),
        "{missing:?}"
    );
    store.delete_campaign("acme", "gone", 1).await.unwrap();

    assert_eq!(store.campaigns("acme").await.unwrap(), vec![kept]);
    assert_eq!(
        store.campaigns("other").await.unwrap(),
        vec![gone],
        "another merchant's campaign of the same id stays"
    );
}
