//! Merchants' API keys: found by id alone, listed and revoked only by their merchant.

use packwise_core::ports::{KeyStore, StoreError};

use crate::samples::{self, at};

pub async fn api_keys_round_trip<S: KeyStore + Clone + 'static>(store: S) {
    assert_eq!(store.api_key("k1").await.unwrap(), None);
    let labelled = samples::api_key("acme", "k1", "2026-03-04T05:06:07.123456789Z");
    let unlabelled = packwise_core::api_key::ApiKey {
        label: None,
        ..samples::api_key("acme", "k2", "2026-03-04T05:06:08Z")
    };
    store.put_api_key(&labelled).await.unwrap();
    store.put_api_key(&unlabelled).await.unwrap();

    assert_eq!(store.api_key("k1").await.unwrap(), Some(labelled));
    assert_eq!(store.api_key("k2").await.unwrap(), Some(unlabelled));
    assert_eq!(store.api_key("k3").await.unwrap(), None);
}

pub async fn an_existing_api_key_id_is_refused_and_kept<S: KeyStore + Clone + 'static>(store: S) {
    let first = samples::api_key("acme", "k1", "2026-03-04T05:06:07Z");
    store.put_api_key(&first).await.unwrap();

    // Another merchant's key with the same id: ids are global, since requests name only them.
    let mut second = samples::api_key("globex", "k1", "2026-03-05T00:00:00Z");
    second.secret_sha256 = "0".repeat(64);
    let err = store.put_api_key(&second).await.unwrap_err();
    assert!(
        matches!(&err, StoreError::Conflict(what) if what.contains("k1")),
        "{err:?}"
    );
    assert_eq!(err.to_string(), "api key k1 exists already");

    assert_eq!(store.api_key("k1").await.unwrap(), Some(first.clone()));
    assert_eq!(store.api_keys("acme").await.unwrap(), vec![first]);
    assert!(store.api_keys("globex").await.unwrap().is_empty());
}

pub async fn api_keys_are_listed_newest_first_per_merchant<S: KeyStore + Clone + 'static>(
    store: S,
) {
    let oldest = samples::api_key("acme", "k-old", "2026-01-01T00:00:00Z");
    let newest = samples::api_key("acme", "k-new", "2026-03-01T00:00:00.000000001Z");
    let middle = samples::api_key("acme", "k-mid", "2026-03-01T00:00:00Z");
    let theirs = samples::api_key("globex", "k-theirs", "2026-02-01T00:00:00Z");
    for key in [&oldest, &newest, &theirs, &middle] {
        store.put_api_key(key).await.unwrap();
    }

    assert_eq!(
        store.api_keys("acme").await.unwrap(),
        vec![newest, middle, oldest]
    );
    assert_eq!(store.api_keys("globex").await.unwrap(), vec![theirs]);
    assert!(store.api_keys("initech").await.unwrap().is_empty());
    // A merchant whose name another one's starts with sees only its own keys.
    assert!(store.api_keys("acm").await.unwrap().is_empty());
}

pub async fn only_the_owner_revokes_an_api_key<S: KeyStore + Clone + 'static>(store: S) {
    let key = samples::api_key("acme", "k1", "2026-03-04T05:06:07Z");
    let other = samples::api_key("acme", "k2", "2026-03-04T05:06:08Z");
    store.put_api_key(&key).await.unwrap();
    store.put_api_key(&other).await.unwrap();
    let when = at("2026-03-05T10:00:00.5Z");

    assert!(!store.revoke_api_key("globex", "k1", when).await.unwrap());
    assert!(!store.revoke_api_key("acme", "k9", when).await.unwrap());
    assert_eq!(store.api_key("k1").await.unwrap(), Some(key.clone()));

    assert!(store.revoke_api_key("acme", "k1", when).await.unwrap());
    let revoked = store.api_key("k1").await.unwrap().expect("still stored");
    assert_eq!(revoked.revoked_at, Some(when));
    assert!(!revoked.is_active());
    assert_eq!(
        packwise_core::api_key::ApiKey {
            revoked_at: None,
            ..revoked.clone()
        },
        key,
        "nothing but the revocation changed"
    );
    assert_eq!(store.api_key("k2").await.unwrap(), Some(other.clone()));
    assert_eq!(store.api_keys("acme").await.unwrap(), vec![other, revoked]);
}

pub async fn revoking_an_api_key_twice_keeps_the_first_time<S: KeyStore + Clone + 'static>(
    store: S,
) {
    let key = samples::api_key("acme", "k1", "2026-03-04T05:06:07Z");
    store.put_api_key(&key).await.unwrap();
    let first = at("2026-03-05T10:00:00Z");
    assert!(store.revoke_api_key("acme", "k1", first).await.unwrap());
    assert!(
        store
            .revoke_api_key("acme", "k1", at("2026-03-06T10:00:00Z"))
            .await
            .unwrap()
    );
    let stored = store.api_key("k1").await.unwrap().unwrap();
    assert_eq!(stored.revoked_at, Some(first));
    // Another merchant still cannot touch it once revoked.
    assert!(
        !store
            .revoke_api_key("globex", "k1", at("2026-03-07T10:00:00Z"))
            .await
            .unwrap()
    );
    assert_eq!(store.api_key("k1").await.unwrap(), Some(stored));
}
