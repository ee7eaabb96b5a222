//! The single read before deciding.

use std::collections::BTreeMap;

use packwise_core::ports::{ConfigStore, Expect, OrderStore};

use crate::samples::{self, CENTRE};

pub async fn load_on_an_empty_store_reads_zeros<S: ConfigStore + OrderStore + Clone + 'static>(
    store: S,
) {
    let order = samples::order("acme", "O-1", "c1", "2026-01-15T12:00:00Z");
    let budgeted = samples::names(&["welcome", "loyal"]);
    let inserts = samples::names(&["CARD", "GUIDE"]);
    let ctx = store
        .load(&samples::keys(&order, &budgeted, &inserts))
        .await
        .unwrap();
    assert_eq!(ctx.profile, None);
    assert_eq!(ctx.processed, None);
    assert_eq!(
        ctx.issued,
        BTreeMap::from([("loyal".to_string(), 0), ("welcome".to_string(), 0)])
    );
    assert_eq!(
        ctx.stock,
        BTreeMap::from([("CARD".to_string(), 0), ("GUIDE".to_string(), 0)])
    );
    assert!(ctx.similar.is_empty());
}

pub async fn load_reads_stock_at_the_order_centre_and_only_listed_inserts<
    S: ConfigStore + OrderStore + Clone + 'static,
>(
    store: S,
) {
    store
        .put_insert(
            "acme",
            &samples::insert("CARD", &[(CENTRE, 4), ("C2", 9)]),
            Expect::Any,
        )
        .await
        .unwrap();
    store
        .put_insert("acme", &samples::insert("GUIDE", &[("C2", 5)]), Expect::Any)
        .await
        .unwrap();
    store
        .put_insert(
            "acme",
            &samples::insert("UNLISTED", &[(CENTRE, 5)]),
            Expect::Any,
        )
        .await
        .unwrap();
    let order = samples::order("acme", "O-1", "c1", "2026-01-15T12:00:00Z");
    let inserts = samples::names(&["CARD", "GUIDE"]);
    let ctx = store
        .load(&samples::keys(&order, &[], &inserts))
        .await
        .unwrap();
    assert_eq!(
        ctx.stock,
        BTreeMap::from([("CARD".to_string(), 4), ("GUIDE".to_string(), 0)])
    );
    assert!(ctx.issued.is_empty());
}

pub async fn similar_items_are_read_for_basket_skus_only<
    S: ConfigStore + OrderStore + Clone + 'static,
>(
    store: S,
) {
    let tea = samples::similar("TEA-1", &["MUG", "HONEY"]);
    let cake = samples::similar("CAKE", &["TEA-1"]);
    let elsewhere = samples::similar("KETTLE", &["TEA-1", "MUG"]);
    for items in [&tea, &cake, &elsewhere] {
        store.put_similar("acme", items).await.unwrap();
    }
    // A rebuild replaces the list.
    let tea = samples::similar("TEA-1", &["HONEY", "MUG", "SPOON"]);
    store.put_similar("acme", &tea).await.unwrap();

    let mut order = samples::order("acme", "O-1", "c1", "2026-01-15T12:00:00Z");
    order.lines.push(samples::line("CAKE", "bakery"));
    order.lines.push(samples::line("NO-NEIGHBOURS", "misc"));
    let ctx = store.load(&samples::keys(&order, &[], &[])).await.unwrap();
    let mut similar = ctx.similar;
    similar.sort_by(|a, b| a.sku.cmp(&b.sku));
    assert_eq!(similar, vec![cake, tea]);
}
