//! Merchant configuration: settings, campaigns with optimistic versions, inserts and stock.

use std::collections::BTreeMap;

use packwise_core::ports::{ConfigStore, Expect, OrderStore, StoreError};

use crate::samples;

pub async fn settings_round_trip<S: ConfigStore + OrderStore + Clone + 'static>(store: S) {
    assert_eq!(store.settings("acme").await.unwrap(), None);
    let mut settings = samples::settings("acme");
    store.put_settings(&settings).await.unwrap();
    assert_eq!(
        store.settings("acme").await.unwrap(),
        Some(settings.clone())
    );

    settings.name = "Acme Tea".to_string();
    settings.max_inserts_per_package = 5;
    store.put_settings(&settings).await.unwrap();
    assert_eq!(store.settings("acme").await.unwrap(), Some(settings));
    assert_eq!(store.settings("unknown").await.unwrap(), None);
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
    let card = samples::insert("CARD", &[("C1", 40), ("C2", 0), ("C3", 7)]);
    let mut guide = samples::insert("GUIDE", &[]);
    guide.guides_skus = vec!["KETTLE-1".to_string()];
    store.put_insert("acme", &card).await.unwrap();
    store.put_insert("acme", &guide).await.unwrap();

    let mut stored = store.inserts("acme").await.unwrap();
    stored.sort_by(|a, b| a.sku.cmp(&b.sku));
    assert_eq!(stored, vec![card, guide]);
}

pub async fn putting_an_insert_again_replaces_its_stock<
    S: ConfigStore + OrderStore + Clone + 'static,
>(
    store: S,
) {
    store
        .put_insert("acme", &samples::insert("CARD", &[("C1", 40), ("C2", 9)]))
        .await
        .unwrap();
    let mut edited = samples::insert("CARD", &[("C1", 3), ("C3", 12)]);
    edited.name = "Welcome card, 2nd print".to_string();
    store.put_insert("acme", &edited).await.unwrap();

    let stored = store.inserts("acme").await.unwrap();
    assert_eq!(stored, vec![edited]);
    assert_eq!(
        stored[0].stock,
        BTreeMap::from([("C1".to_string(), 3), ("C3".to_string(), 12)]),
        "the centres given are all the stock there is"
    );
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
