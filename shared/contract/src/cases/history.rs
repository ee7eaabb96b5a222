//! A merchant's whole purchase history, read in segments and pages, and the list of
//! merchants: what the similarity builder walks.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use packwise_core::ports::{
    CommitOutcome, ConfigStore, CustomerOrder, Expect, OrderStore, StoreError,
};
use packwise_core::profile::OrderSummary;

use crate::samples;

/// Every page of one segment, following the cursors to the end.
async fn whole_segment<S: OrderStore>(
    store: &S,
    merchant: &str,
    segment: u32,
    segments: u32,
) -> Vec<CustomerOrder> {
    segment_since(store, merchant, segment, segments, None).await
}

async fn segment_since<S: OrderStore>(
    store: &S,
    merchant: &str,
    segment: u32,
    segments: u32,
    since: Option<DateTime<Utc>>,
) -> Vec<CustomerOrder> {
    let mut orders = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..10_000 {
        let page = store
            .history_page(merchant, segment, segments, since, cursor.as_deref())
            .await
            .unwrap();
        orders.extend(page.orders);
        match page.next {
            Some(next) => cursor = Some(next),
            None => return orders,
        }
    }
    panic!("segment {segment} of {segments} never ended");
}

pub async fn history_pages_hold_every_order_once_in_every_segmentation<
    S: ConfigStore + OrderStore + Clone + 'static,
>(
    store: S,
) {
    let mut expected: BTreeSet<(String, String)> = BTreeSet::new();
    let mut summaries: BTreeMap<String, OrderSummary> = BTreeMap::new();
    // Imported history: 20 customers with one to three orders each, varied baskets.
    for c in 0..20 {
        let customer = format!("cust-{c}");
        for n in 0..=(c % 3) {
            let order_id = format!("H-{c}-{n}");
            let mut order = samples::order(
                "acme",
                &order_id,
                &customer,
                &format!("2025-0{}-1{}T10:00:00Z", n + 1, c % 10),
            );
            if (c + n) % 2 == 0 {
                order.lines.push(samples::line(&format!("SKU-{n}"), "misc"));
            }
            assert!(store.import_history(&order).await.unwrap());
            expected.insert((customer.clone(), order_id.clone()));
            summaries.insert(order_id, OrderSummary::of(&order));
        }
    }
    // Orders processed live are history too.
    for c in [0, 7] {
        let customer = format!("cust-{c}");
        let previous = store.profile("acme", &customer).await.unwrap();
        let order_id = format!("LIVE-{c}");
        let order = samples::order("acme", &order_id, &customer, "2026-02-01T10:00:00Z");
        let commit = samples::commit(&order, previous.as_ref());
        assert_eq!(
            store.commit(&commit).await.unwrap(),
            CommitOutcome::Committed
        );
        expected.insert((customer, order_id.clone()));
        summaries.insert(order_id, commit.summary);
    }
    // Another merchant's orders, with the same ids, are never in acme's pages.
    for c in 0..3 {
        let order = samples::order(
            "globex",
            &format!("H-{c}-0"),
            &format!("cust-{c}"),
            "2025-05-05T10:00:00Z",
        );
        assert!(store.import_history(&order).await.unwrap());
    }

    for segments in [1, 2, 3, 16] {
        let mut seen = Vec::new();
        let mut segment_of: BTreeMap<String, u32> = BTreeMap::new();
        for segment in 0..segments {
            for o in whole_segment(&store, "acme", segment, segments).await {
                let first = *segment_of.entry(o.customer.clone()).or_insert(segment);
                assert_eq!(
                    first, segment,
                    "customer {} split across segments of {segments}",
                    o.customer
                );
                assert_eq!(
                    summaries.get(&o.order.order_id),
                    Some(&o.order),
                    "order {} as stored",
                    o.order.order_id
                );
                seen.push((o.customer, o.order.order_id));
            }
        }
        let distinct: BTreeSet<_> = seen.iter().cloned().collect();
        assert_eq!(distinct.len(), seen.len(), "an order twice in {segments}");
        assert_eq!(
            distinct, expected,
            "every order once in {segments} segments"
        );
    }

    assert_eq!(whole_segment(&store, "globex", 0, 1).await.len(), 3);
    assert!(whole_segment(&store, "initech", 0, 4).await.is_empty());
    let err = store
        .history_page("acme", 4, 4, None, None)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
}

pub async fn merchants_are_listed_once_and_sorted<S: ConfigStore + OrderStore + Clone + 'static>(
    store: S,
) {
    assert!(store.merchants().await.unwrap().is_empty());
    for merchant in ["zeta", "acme", "mid-shop"] {
        store
            .put_settings(&samples::settings(merchant), Expect::Any)
            .await
            .unwrap();
    }
    let mut renamed = samples::settings("acme");
    renamed.name = "Acme Tea".to_string();
    store.put_settings(&renamed, Expect::Any).await.unwrap();
    // Campaigns or orders alone do not make a merchant.
    store
        .put_campaign("draft", &samples::campaign("welcome", 1), Expect::Absent)
        .await
        .unwrap();
    assert!(
        store
            .import_history(&samples::order(
                "other",
                "O-1",
                "c1",
                "2026-01-15T12:00:00Z"
            ))
            .await
            .unwrap()
    );
    assert_eq!(
        store.merchants().await.unwrap(),
        ["acme", "mid-shop", "zeta"]
    );
}

/// 24 orders of acme over 12 customers, one a day from 2026-03-01 (two on the last day,
/// at the same instant), and one of globex; returns acme's (time, order id) pairs.
async fn a_month_of_orders<S: OrderStore>(store: &S) -> Vec<(DateTime<Utc>, String)> {
    let mut placed = Vec::new();
    for day in 0..24u32 {
        let order_id = format!("D-{day:02}");
        let at = if day == 23 { 22 } else { day };
        let time = format!("2026-03-{:02}T09:30:00Z", at + 1);
        let order = samples::order("acme", &order_id, &format!("cust-{}", day % 12), &time);
        assert!(store.import_history(&order).await.unwrap());
        placed.push((order.placed_at, order_id));
    }
    let other = samples::order("globex", "G-1", "cust-1", "2026-04-30T00:00:00Z");
    assert!(store.import_history(&other).await.unwrap());
    placed
}

pub async fn history_since_reads_only_orders_placed_from_then<
    S: ConfigStore + OrderStore + Clone + 'static,
>(
    store: S,
) {
    let placed = a_month_of_orders(&store).await;
    let since = samples::at("2026-03-20T09:30:00Z");
    let expected: BTreeSet<String> = placed
        .iter()
        .filter(|(t, _)| *t >= since)
        .map(|(_, id)| id.clone())
        .collect();
    assert_eq!(
        expected.len(),
        5,
        "the order placed at `since` itself counts"
    );
    for segments in [1, 3, 16] {
        let mut seen = BTreeSet::new();
        for segment in 0..segments {
            for o in segment_since(&store, "acme", segment, segments, Some(since)).await {
                assert!(seen.insert(o.order.order_id), "an order twice");
            }
        }
        assert_eq!(seen, expected, "in {segments} segments");
    }
    let later = samples::at("2026-05-01T00:00:00Z");
    assert!(
        segment_since(&store, "acme", 0, 1, Some(later))
            .await
            .is_empty()
    );
}

pub async fn recent_orders_are_the_newest_first<S: ConfigStore + OrderStore + Clone + 'static>(
    store: S,
) {
    let mut placed = a_month_of_orders(&store).await;
    placed.sort_by(|a, b| b.cmp(a));
    let ids = |orders: Vec<CustomerOrder>| -> Vec<String> {
        orders.into_iter().map(|o| o.order.order_id).collect()
    };
    let newest: Vec<String> = placed.iter().map(|(_, id)| id.clone()).collect();
    assert_eq!(
        &newest[..2],
        ["D-23", "D-22"],
        "same instant: id descending"
    );
    assert_eq!(
        ids(store.recent_orders("acme", 5).await.unwrap()),
        newest[..5]
    );
    assert_eq!(
        ids(store.recent_orders("acme", 1000).await.unwrap()),
        newest
    );
    assert!(store.recent_orders("acme", 0).await.unwrap().is_empty());
    let recent = store.recent_orders("acme", 3).await.unwrap();
    assert_eq!(
        recent[0].customer, "cust-11",
        "each order names its customer"
    );
    assert_eq!(
        ids(store.recent_orders("globex", 10).await.unwrap()),
        ["G-1"]
    );
    assert!(store.recent_orders("initech", 10).await.unwrap().is_empty());
}
