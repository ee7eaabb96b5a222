//! Batches: many orders loaded in one call and committed in one call, each still atomic
//! on its own.

use packwise_core::ports::{CommitOutcome, ConfigStore, ISSUED, OrderStore};

use crate::samples;

/// A later commit of the same customer sees the earlier one's profile; a commit over its
/// budget is refused alone and the batch stops there, leaving the rest unattempted.
pub async fn a_batch_commits_each_order_on_its_own<
    S: ConfigStore + OrderStore + Clone + 'static,
>(
    store: S,
) {
    let merchant = "acme";
    let a = samples::order(merchant, "A-1", "ann", "2026-03-01T10:00:00Z");
    let b = samples::order(merchant, "B-1", "bob", "2026-03-01T10:05:00Z");
    let a2 = samples::order(merchant, "A-2", "ann", "2026-03-02T10:00:00Z");
    let first = samples::commit(&a, None);
    let second = samples::commit(&a2, Some(&first.profile));
    let mut over_budget = samples::commit(&b, None);
    over_budget
        .counters
        .push(samples::bump("limited", ISSUED, Some(0)));
    let after_conflict = samples::commit(
        &samples::order(merchant, "C-1", "cat", "2026-03-03T10:00:00Z"),
        None,
    );
    let outcomes = store
        .commit_many(&[first.clone(), second.clone(), over_budget, after_conflict])
        .await
        .unwrap();
    assert_eq!(
        outcomes.len(),
        3,
        "the batch stops at the conflict: {outcomes:?}"
    );
    assert_eq!(outcomes[0], CommitOutcome::Committed);
    assert_eq!(
        outcomes[1],
        CommitOutcome::Committed,
        "the second order saw the first's profile"
    );
    assert!(
        matches!(outcomes[2], CommitOutcome::Conflict(_)),
        "{:?}",
        outcomes[2]
    );

    assert!(store.processed(merchant, "B-1").await.unwrap().is_none());
    assert!(store.profile(merchant, "bob").await.unwrap().is_none());
    assert_eq!(
        store
            .counters(merchant, "limited")
            .await
            .unwrap()
            .get(ISSUED),
        None
    );
    assert!(
        store.processed(merchant, "C-1").await.unwrap().is_none(),
        "not attempted"
    );
    let ann = store.profile(merchant, "ann").await.unwrap().unwrap();
    assert_eq!(ann, second.profile);
    assert_eq!(store.history(merchant, "ann").await.unwrap().len(), 2);

    // The same commit again, inside a later batch, changes nothing. A store that keeps
    // each order's record recognises it; DynamoDB, within ten minutes, recognises the
    // identical request by its idempotency token first and answers as it answered it:
    // committed, and applied once.
    let again = store
        .commit_many(std::slice::from_ref(&first))
        .await
        .unwrap();
    assert!(
        matches!(
            again.as_slice(),
            [CommitOutcome::AlreadyProcessed(done)] if *done == first.processed
        ) || again == [CommitOutcome::Committed],
        "{again:?}"
    );
    assert_eq!(store.profile(merchant, "ann").await.unwrap().unwrap(), ann);
    assert_eq!(store.history(merchant, "ann").await.unwrap().len(), 2);
}

/// Loading many orders gives each its own context, as loading them one by one does.
pub async fn a_batch_load_matches_single_loads<S: ConfigStore + OrderStore + Clone + 'static>(
    store: S,
) {
    let merchant = "acme";
    let a = samples::order(merchant, "A-1", "ann", "2026-03-01T10:00:00Z");
    let b = samples::order(merchant, "B-1", "bob", "2026-03-01T10:05:00Z");
    store.commit(&samples::commit(&a, None)).await.unwrap();
    let budgeted = samples::names(&["limited"]);
    let inserts = samples::names(&["CARD"]);
    let keys = [
        samples::keys(&a, &budgeted, &inserts),
        samples::keys(&b, &budgeted, &inserts),
    ];
    let many = store.load_many(&keys).await.unwrap();
    assert_eq!(many.len(), 2);
    assert!(many[0].processed.is_some() && many[0].profile.is_some());
    assert!(many[1].processed.is_none() && many[1].profile.is_none());
    for (k, ctx) in keys.iter().zip(&many) {
        assert_eq!(&store.load(k).await.unwrap(), ctx);
    }
}
