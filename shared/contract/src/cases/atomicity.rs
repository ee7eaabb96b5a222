//! A commit whose condition fails writes nothing at all.
//!
//! Each case first proves the commit would succeed without its one failing part, so a
//! store that silently wrote nothing in every case could not pass.

use std::collections::BTreeMap;

use packwise_core::decide::IssuedCoupon;
use packwise_core::ports::{
    Commit, CommitOutcome, ConfigStore, Expect, HELD_OUT, ISSUED, OrderStore, ProcessedOrder,
};
use packwise_core::profile::OrderSummary;
use packwise_core::{CustomerProfile, Insert, Order};

use crate::samples::{self, CENTRE};

/// Everything a commit could have touched.
#[derive(Debug, PartialEq)]
struct Snapshot {
    profile: Option<CustomerProfile>,
    history: Vec<OrderSummary>,
    processed: Option<ProcessedOrder>,
    coupon: Option<IssuedCoupon>,
    counters: Vec<BTreeMap<String, u64>>,
    inserts: Vec<Insert>,
}

async fn snapshot<S: ConfigStore + OrderStore>(store: &S, commit: &Commit) -> Snapshot {
    let merchant = commit.merchant.as_str();
    let code = commit
        .coupon
        .as_ref()
        .map(|c| c.code.as_str())
        .unwrap_or("");
    let mut counters = Vec::new();
    for bump in &commit.counters {
        counters.push(store.counters(merchant, &bump.campaign).await.unwrap());
    }
    let mut inserts = store.inserts(merchant).await.unwrap();
    inserts.sort_by(|a, b| a.sku.cmp(&b.sku));
    Snapshot {
        profile: store
            .profile(merchant, &commit.profile.customer_id)
            .await
            .unwrap(),
        history: store
            .history(merchant, &commit.profile.customer_id)
            .await
            .unwrap(),
        processed: store
            .processed(merchant, &commit.processed.order_id)
            .await
            .unwrap(),
        coupon: store.coupon(merchant, code).await.unwrap(),
        counters,
        inserts,
    }
}

/// Commits `refused`, expects a conflict and no change at all; then commits `accepted`
/// (the same commit without its failing part) and expects every one of its effects.
async fn refused_then_accepted<S: ConfigStore + OrderStore>(
    store: &S,
    refused: &Commit,
    accepted: &Commit,
) {
    let before = snapshot(store, refused).await;
    match store.commit(refused).await.unwrap() {
        CommitOutcome::Conflict(reason) => assert!(!reason.is_empty()),
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(
        snapshot(store, refused).await,
        before,
        "a refused commit wrote something"
    );
    assert_eq!(before.processed, None);

    let before = snapshot(store, accepted).await;
    assert_eq!(
        store.commit(accepted).await.unwrap(),
        CommitOutcome::Committed
    );
    let after = snapshot(store, accepted).await;
    assert_eq!(after.processed.as_ref(), Some(&accepted.processed));
    assert_eq!(after.profile.as_ref(), Some(&accepted.profile));
    assert_eq!(after.coupon.as_ref(), accepted.coupon.as_ref());
    assert_eq!(after.history.len(), before.history.len() + 1);
    for (i, bump) in accepted.counters.iter().enumerate() {
        let value = |c: &[BTreeMap<String, u64>]| c[i].get(&bump.counter).copied().unwrap_or(0);
        assert!(value(&after.counters) > value(&before.counters), "{bump:?}");
    }
    let units = |inserts: &[Insert], sku: &str| {
        inserts
            .iter()
            .find(|i| i.sku == sku)
            .and_then(|i| i.stock.get(&accepted.centre).copied())
    };
    for sku in &accepted.stock_taken {
        assert!(
            units(&after.inserts, sku) < units(&before.inserts, sku),
            "{sku} was not taken"
        );
    }
}

/// A customer with one committed order, a card in stock, one budget with one unit left
/// and one used up. Returns the customer's profile and the next order.
async fn customer_with_history<S: ConfigStore + OrderStore>(store: &S) -> (CustomerProfile, Order) {
    store
        .put_insert(
            "acme",
            &samples::insert("CARD", &[(CENTRE, 3)]),
            Expect::Any,
        )
        .await
        .unwrap();
    store
        .put_insert(
            "acme",
            &samples::insert("EMPTY", &[(CENTRE, 0), ("C2", 8)]),
            Expect::Any,
        )
        .await
        .unwrap();
    let first = samples::order("acme", "O-1", "c1", "2026-01-15T12:00:00Z");
    let mut commit = samples::commit(&first, None);
    commit.counters = vec![
        samples::bump("spent", ISSUED, Some(1)),
        samples::bump("open", ISSUED, Some(2)),
    ];
    assert_eq!(
        store.commit(&commit).await.unwrap(),
        CommitOutcome::Committed
    );
    let next = samples::order("acme", "O-2", "c1", "2026-02-01T09:00:00Z");
    (commit.profile, next)
}

/// Everything a successful second order would do: bumps, a card, a coupon.
fn full_commit(order: &Order, profile: &CustomerProfile) -> Commit {
    let mut commit = samples::with_coupon(
        samples::commit(order, Some(profile)),
        samples::coupon(order, "open", "OPEN-2"),
    );
    commit.counters = vec![
        samples::bump("open", ISSUED, Some(2)),
        samples::bump("loyal", HELD_OUT, None),
    ];
    commit.stock_taken = samples::names(&["CARD"]);
    commit
}

pub async fn a_commit_over_budget_writes_nothing<S: ConfigStore + OrderStore + Clone + 'static>(
    store: S,
) {
    let (profile, order) = customer_with_history(&store).await;
    let accepted = full_commit(&order, &profile);
    let mut refused = accepted.clone();
    refused
        .counters
        .push(samples::bump("spent", ISSUED, Some(1)));
    refused_then_accepted(&store, &refused, &accepted).await;
    assert_eq!(store.counters("acme", "spent").await.unwrap()[ISSUED], 1);
    assert_eq!(store.counters("acme", "open").await.unwrap()[ISSUED], 2);
}

pub async fn a_zero_budget_refuses_the_first_parcel<
    S: ConfigStore + OrderStore + Clone + 'static,
>(
    store: S,
) {
    let (profile, order) = customer_with_history(&store).await;
    let accepted = full_commit(&order, &profile);
    let mut refused = accepted.clone();
    refused
        .counters
        .push(samples::bump("never", ISSUED, Some(0)));
    refused_then_accepted(&store, &refused, &accepted).await;
    assert!(
        store
            .counters("acme", "never")
            .await
            .unwrap()
            .values()
            .all(|v| *v == 0)
    );
}

pub async fn a_commit_taking_an_insert_out_of_stock_writes_nothing<
    S: ConfigStore + OrderStore + Clone + 'static,
>(
    store: S,
) {
    let (profile, order) = customer_with_history(&store).await;
    let accepted = full_commit(&order, &profile);
    // Stocked elsewhere but at zero here, and never stocked at all.
    for missing in ["EMPTY", "UNKNOWN"] {
        let mut refused = accepted.clone();
        refused.stock_taken.push(missing.to_string());
        let before = snapshot(&store, &refused).await;
        assert!(matches!(
            store.commit(&refused).await.unwrap(),
            CommitOutcome::Conflict(_)
        ));
        assert_eq!(snapshot(&store, &refused).await, before, "{missing}");
    }
    // Taking the last units one parcel at a time is fine; one more is not.
    let mut refused = accepted.clone();
    refused.stock_taken = samples::names(&["CARD", "CARD", "CARD", "CARD"]);
    let mut last_units = accepted.clone();
    last_units.stock_taken = samples::names(&["CARD", "CARD", "CARD"]);
    refused_then_accepted(&store, &refused, &last_units).await;
    let stock = |i: &Insert| i.stock.get(CENTRE).copied();
    let inserts = store.inserts("acme").await.unwrap();
    let card = inserts.iter().find(|i| i.sku == "CARD").unwrap();
    let empty = inserts.iter().find(|i| i.sku == "EMPTY").unwrap();
    assert_eq!(stock(card), Some(0));
    assert_eq!(
        (stock(empty), empty.stock.get("C2").copied()),
        (Some(0), Some(8))
    );
}

pub async fn a_commit_on_a_stale_profile_writes_nothing<
    S: ConfigStore + OrderStore + Clone + 'static,
>(
    store: S,
) {
    let (profile, order) = customer_with_history(&store).await;
    let accepted = full_commit(&order, &profile);
    // Read before the first order existed, and read at a version that never was.
    let mut read_as_new = accepted.clone();
    read_as_new.expected_profile_version = None;
    read_as_new.profile.version = 1;
    let before = snapshot(&store, &read_as_new).await;
    assert!(matches!(
        store.commit(&read_as_new).await.unwrap(),
        CommitOutcome::Conflict(_)
    ));
    assert_eq!(snapshot(&store, &read_as_new).await, before);

    let mut read_ahead = accepted.clone();
    read_ahead.expected_profile_version = Some(profile.version + 1);
    read_ahead.profile.version = profile.version + 2;
    refused_then_accepted(&store, &read_ahead, &accepted).await;
}

pub async fn a_commit_for_a_new_customer_who_now_exists_writes_nothing<
    S: ConfigStore + OrderStore + Clone + 'static,
>(
    store: S,
) {
    let order = samples::order("acme", "O-1", "c1", "2026-01-15T12:00:00Z");
    let other = samples::order("acme", "O-0", "c1", "2026-01-10T12:00:00Z");
    // Another order of the same customer committed between this order's read and commit.
    let refused = samples::commit(&order, None);
    let winner = samples::commit(&other, None);
    assert_eq!(
        store.commit(&winner).await.unwrap(),
        CommitOutcome::Committed
    );
    let accepted = samples::commit(&order, Some(&winner.profile));
    refused_then_accepted(&store, &refused, &accepted).await;
    assert_eq!(
        store
            .profile("acme", "c1")
            .await
            .unwrap()
            .unwrap()
            .orders_count,
        2
    );
}

pub async fn a_commit_reusing_an_issued_coupon_code_writes_nothing<
    S: ConfigStore + OrderStore + Clone + 'static,
>(
    store: S,
) {
    let (profile, order) = customer_with_history(&store).await;
    let earlier = samples::order("acme", "O-0", "c9", "2026-01-01T08:00:00Z");
    let issued = samples::coupon(&earlier, "open", "OPEN-2");
    let holder = samples::with_coupon(samples::commit(&earlier, None), issued.clone());
    assert_eq!(
        store.commit(&holder).await.unwrap(),
        CommitOutcome::Committed
    );

    let refused = full_commit(&order, &profile);
    let accepted = samples::with_coupon(
        full_commit(&order, &profile),
        samples::coupon(&order, "open", "OPEN-3"),
    );
    refused_then_accepted(&store, &refused, &accepted).await;
    assert_eq!(store.coupon("acme", "OPEN-2").await.unwrap(), Some(issued));
}
