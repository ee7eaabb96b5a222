//! A committed order: every effect visible, and a redelivery changes nothing.

use std::collections::BTreeMap;

use packwise_core::ports::{CommitOutcome, ConfigStore, Expect, HELD_OUT, ISSUED, OrderStore};

use crate::samples::{self, CENTRE};

fn counts(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

pub async fn a_commit_is_visible_to_every_read<S: ConfigStore + OrderStore + Clone + 'static>(
    store: S,
) {
    store
        .put_insert(
            "acme",
            &samples::insert("CARD", &[(CENTRE, 5), ("C2", 2)]),
            Expect::Any,
        )
        .await
        .unwrap();
    store
        .put_insert(
            "acme",
            &samples::insert("SAMPLE", &[(CENTRE, 1)]),
            Expect::Any,
        )
        .await
        .unwrap();
    let order = samples::order("acme", "O-1", "c1", "2026-01-15T12:00:00Z");
    let coupon = samples::coupon(&order, "welcome", "WELCOME-7Q2K");
    let mut commit = samples::with_coupon(samples::commit(&order, None), coupon.clone());
    commit.counters = vec![
        samples::bump("welcome", ISSUED, Some(100)),
        samples::bump("loyal", HELD_OUT, None),
        samples::bump("review", "suppressed.frequency_cap", None),
    ];
    commit.stock_taken = samples::names(&["CARD", "SAMPLE"]);

    assert_eq!(
        store.commit(&commit).await.unwrap(),
        CommitOutcome::Committed
    );

    let budgeted = samples::names(&["welcome", "loyal"]);
    let inserts = samples::names(&["CARD", "SAMPLE"]);
    let ctx = store
        .load(&samples::keys(&order, &budgeted, &inserts))
        .await
        .unwrap();
    assert_eq!(ctx.profile.as_ref(), Some(&commit.profile));
    assert_eq!(ctx.processed.as_ref(), Some(&commit.processed));
    assert_eq!(ctx.issued, counts(&[("loyal", 0), ("welcome", 1)]));
    assert_eq!(
        ctx.stock,
        BTreeMap::from([("CARD".to_string(), 4), ("SAMPLE".to_string(), 0)])
    );

    assert_eq!(
        store.processed("acme", "O-1").await.unwrap(),
        Some(commit.processed.clone())
    );
    assert_eq!(
        store.coupon("acme", "WELCOME-7Q2K").await.unwrap(),
        Some(coupon)
    );
    assert_eq!(
        store.counters("acme", "welcome").await.unwrap(),
        counts(&[(ISSUED, 1)])
    );
    assert_eq!(
        store.counters("acme", "loyal").await.unwrap(),
        counts(&[(HELD_OUT, 1)])
    );
    assert_eq!(
        store.counters("acme", "review").await.unwrap(),
        counts(&[("suppressed.frequency_cap", 1)])
    );
    assert_eq!(
        store.history("acme", "c1").await.unwrap(),
        vec![commit.summary.clone()]
    );
    let profile = store.profile("acme", "c1").await.unwrap().expect("profile");
    assert_eq!(profile, commit.profile);
    assert_eq!((profile.orders_count, profile.version), (1, 1));

    let mut inserts = store.inserts("acme").await.unwrap();
    inserts.sort_by(|a, b| a.sku.cmp(&b.sku));
    assert_eq!(
        inserts[0].stock,
        BTreeMap::from([(CENTRE.to_string(), 4), ("C2".to_string(), 2)])
    );
    assert_eq!(inserts[1].stock, BTreeMap::from([(CENTRE.to_string(), 0)]));

    // The customer's next order reads version 1 and commits on top of it.
    let next = samples::order("acme", "O-2", "c1", "2026-02-01T09:30:00Z");
    let mut second = samples::commit(&next, Some(&profile));
    second.counters = vec![samples::bump("welcome", ISSUED, Some(100))];
    second.stock_taken = samples::names(&["CARD"]);
    assert_eq!(
        store.commit(&second).await.unwrap(),
        CommitOutcome::Committed
    );
    let profile = store.profile("acme", "c1").await.unwrap().expect("profile");
    assert_eq!((profile.orders_count, profile.version), (2, 2));
    assert_eq!(
        store.history("acme", "c1").await.unwrap(),
        vec![commit.summary, second.summary]
    );
    assert_eq!(
        store.counters("acme", "welcome").await.unwrap(),
        counts(&[(ISSUED, 2)])
    );
    let ctx = store
        .load(&samples::keys(&next, &budgeted, &samples::names(&["CARD"])))
        .await
        .unwrap();
    assert_eq!(ctx.stock["CARD"], 3);
    assert_eq!(ctx.issued["welcome"], 2);
}

pub async fn a_redelivered_order_is_already_processed_and_changes_nothing<
    S: ConfigStore + OrderStore + Clone + 'static,
>(
    store: S,
) {
    store
        .put_insert(
            "acme",
            &samples::insert("CARD", &[(CENTRE, 5)]),
            Expect::Any,
        )
        .await
        .unwrap();
    let order = samples::order("acme", "O-1", "c1", "2026-01-15T12:00:00Z");
    let mut first = samples::with_coupon(
        samples::commit(&order, None),
        samples::coupon(&order, "welcome", "WELCOME-1"),
    );
    first.counters = vec![samples::bump("welcome", ISSUED, Some(10))];
    first.stock_taken = samples::names(&["CARD"]);
    assert_eq!(
        store.commit(&first).await.unwrap(),
        CommitOutcome::Committed
    );
    let profile_after_first = store.profile("acme", "c1").await.unwrap();

    // A redelivery raced the first and read the same (absent) profile; it decided
    // differently (another code) but must still be told the order is done.
    let mut again = samples::with_coupon(
        samples::commit(&order, None),
        samples::coupon(&order, "welcome", "WELCOME-2"),
    );
    again.processed.instruction = r#"{"order_id":"O-1","inserts":["CARD"]}"#.to_string();
    again.counters = first.counters.clone();
    again.stock_taken = first.stock_taken.clone();
    assert_eq!(
        store.commit(&again).await.unwrap(),
        CommitOutcome::AlreadyProcessed(first.processed.clone())
    );

    // Even a redelivery that read the current profile finds the order done.
    let mut late = again.clone();
    late.expected_profile_version = Some(1);
    late.profile.version = 2;
    assert_eq!(
        store.commit(&late).await.unwrap(),
        CommitOutcome::AlreadyProcessed(first.processed.clone())
    );

    assert_eq!(store.counters("acme", "welcome").await.unwrap()[ISSUED], 1);
    assert_eq!(store.inserts("acme").await.unwrap()[0].stock[CENTRE], 4);
    assert_eq!(
        store.profile("acme", "c1").await.unwrap(),
        profile_after_first
    );
    assert_eq!(store.history("acme", "c1").await.unwrap().len(), 1);
    assert_eq!(store.coupon("acme", "WELCOME-2").await.unwrap(), None);
    assert_eq!(
        store.processed("acme", "O-1").await.unwrap(),
        Some(first.processed)
    );
}
