//! Budgets and stock hold when many orders commit at once: no overshoot, no lost update.

use packwise_core::ports::{CommitOutcome, ConfigStore, Expect, ISSUED, OrderStore};

use crate::samples::{self, CENTRE};

const ORDERS: usize = 32;

/// Commits `ORDERS` orders of distinct customers at once, each built by `commit_for`, and
/// returns which ones committed.
async fn commit_concurrently<S: ConfigStore + OrderStore + Clone + 'static>(
    store: &S,
    commit_for: impl Fn(usize) -> packwise_core::ports::Commit,
) -> Vec<bool> {
    let start = std::sync::Arc::new(tokio::sync::Barrier::new(ORDERS));
    let tasks: Vec<_> = (0..ORDERS)
        .map(|i| {
            let (store, start, commit) = (store.clone(), start.clone(), commit_for(i));
            tokio::spawn(async move {
                start.wait().await;
                store.commit(&commit).await
            })
        })
        .collect();
    let mut committed = Vec::new();
    for task in tasks {
        match task.await.expect("commit task").expect("commit") {
            CommitOutcome::Committed => committed.push(true),
            CommitOutcome::Conflict(_) => committed.push(false),
            other => panic!("distinct orders cannot be already processed: {other:?}"),
        }
    }
    committed
}

fn order_of(i: usize) -> packwise_core::Order {
    samples::order(
        "acme",
        &format!("O-{i}"),
        &format!("c-{i}"),
        "2026-03-01T10:00:00Z",
    )
}

pub async fn a_budget_holds_under_concurrent_commits<
    S: ConfigStore + OrderStore + Clone + 'static,
>(
    store: S,
) {
    let committed = commit_concurrently(&store, |i| {
        let mut commit = samples::commit(&order_of(i), None);
        commit.counters = vec![samples::bump("capped", ISSUED, Some(10))];
        commit
    })
    .await;
    assert_eq!(committed.iter().filter(|c| **c).count(), 10);
    assert_eq!(committed.iter().filter(|c| !**c).count(), ORDERS - 10);
    assert_eq!(store.counters("acme", "capped").await.unwrap()[ISSUED], 10);
    for (i, committed) in committed.into_iter().enumerate() {
        let processed = store.processed("acme", &format!("O-{i}")).await.unwrap();
        let profile = store.profile("acme", &format!("c-{i}")).await.unwrap();
        assert_eq!(processed.is_some(), committed, "order {i}");
        assert_eq!(profile.is_some(), committed, "customer {i}");
    }
}

pub async fn stock_holds_under_concurrent_commits<S: ConfigStore + OrderStore + Clone + 'static>(
    store: S,
) {
    store
        .put_insert(
            "acme",
            &samples::insert("SAMPLE", &[(CENTRE, 5)]),
            Expect::Any,
        )
        .await
        .unwrap();
    let committed = commit_concurrently(&store, |i| {
        let mut commit = samples::commit(&order_of(i), None);
        commit.stock_taken = samples::names(&["SAMPLE"]);
        commit.counters = vec![samples::bump("samples", ISSUED, None)];
        commit
    })
    .await;
    assert_eq!(committed.iter().filter(|c| **c).count(), 5);
    assert_eq!(store.inserts("acme").await.unwrap()[0].stock[CENTRE], 0);
    assert_eq!(store.counters("acme", "samples").await.unwrap()[ISSUED], 5);
}
