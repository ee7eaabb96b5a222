//! Coupon redemption: an order carrying an issued code finds it in its one read, marks it
//! redeemed in its commit, and a second order cannot redeem it again.

use std::collections::BTreeMap;

use packwise_core::Order;
use packwise_core::ports::{Commit, CommitOutcome, ConfigStore, OrderStore, REDEEMED};
use packwise_core::redemption::{minor_units, redemptions, revenue_counter};

use crate::samples;

const CODE: &str = "THANKS-23456-789AB";

/// Issues `CODE` with order O-1 of customer c1.
async fn issue<S: OrderStore>(store: &S) {
    let issuer = samples::order("acme", "O-1", "c1", "2026-01-10T12:00:00Z");
    let coupon = samples::coupon(&issuer, "thanks", CODE);
    let commit = samples::with_coupon(samples::commit(&issuer, None), coupon);
    assert_eq!(
        store.commit(&commit).await.unwrap(),
        CommitOutcome::Committed
    );
}

/// A later order of `customer` carrying the code as a shop might echo it, beside one of
/// the shop's own codes.
fn carrying(order_id: &str, customer: &str) -> Order {
    let mut carrier = samples::order("acme", order_id, customer, "2026-01-20T12:00:00Z");
    carrier.discount_codes = vec!["SUMMER10".into(), CODE.to_lowercase()];
    carrier
}

/// What the processor commits for an order that redeems what its read found.
async fn redeeming_commit<S: OrderStore>(store: &S, order: &Order) -> Commit {
    let ctx = store.load(&samples::keys(order, &[], &[])).await.unwrap();
    let mut commit = samples::commit(order, ctx.profile.as_ref());
    commit.redeemed = redemptions(order, &ctx.coupons);
    for redeemed in &commit.redeemed {
        commit
            .counters
            .push(samples::bump(&redeemed.campaign, REDEEMED, None));
        let mut revenue = samples::bump(&redeemed.campaign, &revenue_counter(order.currency), None);
        revenue.by = minor_units(redeemed.revenue, redeemed.currency);
        commit.counters.push(revenue);
    }
    commit
}

pub async fn an_order_redeems_an_issued_coupon_once<
    S: ConfigStore + OrderStore + Clone + 'static,
>(
    store: S,
) {
    issue(&store).await;
    let order = carrying("O-2", "c2");
    let commit = redeeming_commit(&store, &order).await;
    assert_eq!(commit.redeemed.len(), 1, "the read finds the issued code");
    assert_eq!(
        store.commit(&commit).await.unwrap(),
        CommitOutcome::Committed
    );
    let coupon = store.coupon("acme", CODE).await.unwrap().unwrap();
    assert_eq!(coupon.redeemed, Some(commit.redeemed[0].redemption.clone()));
    let revenue = revenue_counter(order.currency);
    let expected = BTreeMap::from([
        (REDEEMED.to_string(), 1),
        (
            revenue.clone(),
            minor_units(order.totals.total, order.currency),
        ),
    ]);
    let counters = store.counters("acme", "thanks").await.unwrap();
    assert_eq!(counters.get(REDEEMED), expected.get(REDEEMED));
    assert_eq!(counters.get(&revenue), expected.get(&revenue));
    assert!(expected[&revenue] > 1, "revenue adds its units, not one");

    // The next order carrying the code reads it redeemed and redeems nothing.
    let later = carrying("O-3", "c3");
    let next = redeeming_commit(&store, &later).await;
    assert!(next.redeemed.is_empty());
}

pub async fn a_coupon_redeemed_meanwhile_refuses_the_second_commit<
    S: ConfigStore + OrderStore + Clone + 'static,
>(
    store: S,
) {
    // Both orders read the coupon unredeemed, as two concurrent deliveries would.
    issue(&store).await;
    let first = carrying("O-2", "c2");
    let first_commit = redeeming_commit(&store, &first).await;
    let second = carrying("O-3", "c3");
    let second_commit = redeeming_commit(&store, &second).await;
    assert_eq!(
        store.commit(&first_commit).await.unwrap(),
        CommitOutcome::Committed
    );
    let counters_before = store.counters("acme", "thanks").await.unwrap();
    match store.commit(&second_commit).await.unwrap() {
        CommitOutcome::Conflict(reason) => assert!(reason.contains(CODE), "{reason}"),
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(store.processed("acme", "O-3").await.unwrap(), None);
    assert_eq!(store.profile("acme", "c3").await.unwrap(), None);
    assert_eq!(
        store.counters("acme", "thanks").await.unwrap(),
        counters_before
    );
    let coupon = store.coupon("acme", CODE).await.unwrap().unwrap();
    assert_eq!(coupon.redeemed.map(|r| r.order_id).as_deref(), Some("O-2"));
    // Deciding again from a fresh read, the order commits without the redemption.
    let again = redeeming_commit(&store, &second).await;
    assert!(again.redeemed.is_empty());
    assert_eq!(
        store.commit(&again).await.unwrap(),
        CommitOutcome::Committed
    );
}
