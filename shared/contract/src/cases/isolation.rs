//! Tenant isolation: nothing one merchant writes is visible to, or changed by, another.

use packwise_core::ports::{CommitOutcome, ConfigStore, Expect, ISSUED, OrderStore};

use crate::samples::{self, CENTRE};

pub async fn merchants_never_see_each_others_data<S: ConfigStore + OrderStore + Clone + 'static>(
    store: S,
) {
    store
        .put_settings(&samples::settings("acme"), Expect::Any)
        .await
        .unwrap();
    let campaign = samples::campaign("welcome", 1);
    store
        .put_campaign("acme", &campaign, Expect::Absent)
        .await
        .unwrap();
    let insert = samples::insert("CARD", &[(CENTRE, 5)]);
    store
        .put_insert("acme", &insert, Expect::Any)
        .await
        .unwrap();
    store
        .put_similar("acme", &samples::similar("TEA-1", &["MUG"]))
        .await
        .unwrap();
    let order = samples::order("acme", "O-1", "c1", "2026-01-15T12:00:00Z");
    let mut commit = samples::with_coupon(
        samples::commit(&order, None),
        samples::coupon(&order, "welcome", "WELCOME-1"),
    );
    commit.counters = vec![samples::bump("welcome", ISSUED, Some(1))];
    commit.stock_taken = samples::names(&["CARD"]);
    assert_eq!(
        store.commit(&commit).await.unwrap(),
        CommitOutcome::Committed
    );
    assert!(
        store
            .import_history(&samples::order("acme", "O-0", "c1", "2025-12-01T12:00:00Z"))
            .await
            .unwrap()
    );

    // The same keys under another merchant find nothing.
    assert_eq!(store.settings("globex").await.unwrap(), None);
    assert!(store.campaigns("globex").await.unwrap().is_empty());
    assert!(store.inserts("globex").await.unwrap().is_empty());
    assert_eq!(store.profile("globex", "c1").await.unwrap(), None);
    assert!(store.history("globex", "c1").await.unwrap().is_empty());
    assert_eq!(store.processed("globex", "O-1").await.unwrap(), None);
    assert_eq!(store.coupon("globex", "WELCOME-1").await.unwrap(), None);
    assert!(
        store
            .counters("globex", "welcome")
            .await
            .unwrap()
            .is_empty()
    );
    let theirs = samples::order("globex", "O-1", "c1", "2026-01-15T12:00:00Z");
    let budgeted = samples::names(&["welcome"]);
    let inserts = samples::names(&["CARD"]);
    let ctx = store
        .load(&samples::keys(&theirs, &budgeted, &inserts))
        .await
        .unwrap();
    assert_eq!(ctx.profile, None);
    assert_eq!(ctx.processed, None);
    assert_eq!(ctx.issued["welcome"], 0);
    assert_eq!(ctx.stock["CARD"], 0);
    assert!(ctx.similar.is_empty());

    // The other merchant uses the same ids freely: an exhausted budget, a used coupon
    // code, an order id and a customer id of the first merchant are all new to it.
    store
        .put_campaign("globex", &campaign, Expect::Absent)
        .await
        .unwrap();
    store
        .put_insert(
            "globex",
            &samples::insert("CARD", &[(CENTRE, 1)]),
            Expect::Any,
        )
        .await
        .unwrap();
    let mut their_commit = samples::with_coupon(
        samples::commit(&theirs, None),
        samples::coupon(&theirs, "welcome", "WELCOME-1"),
    );
    their_commit.counters = vec![samples::bump("welcome", ISSUED, Some(1))];
    their_commit.stock_taken = samples::names(&["CARD"]);
    assert_eq!(
        store.commit(&their_commit).await.unwrap(),
        CommitOutcome::Committed
    );

    // ...and the first merchant's data is as it was.
    let ctx = store
        .load(&samples::keys(&order, &budgeted, &inserts))
        .await
        .unwrap();
    assert_eq!(ctx.profile.map(|p| p.orders_count), Some(2));
    assert_eq!(ctx.processed, Some(commit.processed));
    assert_eq!(ctx.issued["welcome"], 1);
    assert_eq!(ctx.stock["CARD"], 4);
    assert_eq!(ctx.similar.len(), 1);
    assert_eq!(
        store.coupon("acme", "WELCOME-1").await.unwrap(),
        commit.coupon
    );
    assert_eq!(store.campaigns("acme").await.unwrap(), vec![campaign]);
    assert_eq!(store.history("acme", "c1").await.unwrap().len(), 2);
    assert_eq!(store.history("globex", "c1").await.unwrap().len(), 1);
    assert_eq!(store.inserts("globex").await.unwrap()[0].stock[CENTRE], 0);
}
