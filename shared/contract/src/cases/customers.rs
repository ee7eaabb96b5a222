//! Customer facts from outside order processing: imported history and merchant attributes.

use chrono::NaiveDate;
use packwise_core::order::Channel;
use packwise_core::ports::{CommitOutcome, ConfigStore, CustomerAttributes, OrderStore};
use packwise_core::profile::{NpsAnswer, OrderSummary};
use rust_decimal::Decimal;

use crate::samples;

pub async fn importing_history_folds_each_order_once<
    S: ConfigStore + OrderStore + Clone + 'static,
>(
    store: S,
) {
    let recent = samples::order("acme", "O-2", "c1", "2026-01-15T12:00:00Z");
    let mut older = samples::order("acme", "O-1", "c1", "2025-11-03T08:15:00Z");
    older.channel = Channel::Mobile;
    older.totals.total = Decimal::new(2000, 2);
    older.lines.push(samples::line("CAKE", "bakery"));

    assert!(store.import_history(&recent).await.unwrap());
    assert!(store.import_history(&older).await.unwrap());
    let profile = store.profile("acme", "c1").await.unwrap().expect("profile");

    assert!(!store.import_history(&recent).await.unwrap());
    assert!(!store.import_history(&older).await.unwrap());
    assert_eq!(
        store.profile("acme", "c1").await.unwrap(),
        Some(profile.clone())
    );

    assert_eq!(profile.orders_count, 2);
    assert_eq!(profile.version, 2);
    assert_eq!(profile.lifetime_value, Decimal::new(3290, 2));
    assert_eq!(profile.first_order_at, Some(older.placed_at));
    assert_eq!(profile.last_order_at, Some(recent.placed_at));
    assert_eq!(profile.skus["TEA-1"], 4);
    assert_eq!(profile.skus["CAKE"], 1);
    assert_eq!(profile.channels[&Channel::Mobile], 1);
    assert_eq!(profile.channels[&Channel::Web], 1);
    assert_eq!(
        store.history("acme", "c1").await.unwrap(),
        vec![OrderSummary::of(&older), OrderSummary::of(&recent)],
        "history is in the order the orders were placed"
    );

    // Live processing continues from the imported profile.
    let next = samples::order("acme", "O-3", "c1", "2026-02-01T12:00:00Z");
    let commit = samples::commit(&next, Some(&profile));
    assert_eq!(
        store.commit(&commit).await.unwrap(),
        CommitOutcome::Committed
    );
    assert_eq!(store.history("acme", "c1").await.unwrap().len(), 3);
}

pub async fn customer_attributes_create_the_profile_and_bump_its_version<
    S: ConfigStore + OrderStore + Clone + 'static,
>(
    store: S,
) {
    let promoter = NpsAnswer {
        score: 10,
        at: samples::at("2026-01-20T10:00:00Z"),
    };
    let attributes = CustomerAttributes {
        tags: Some(vec!["parent".to_string(), "student".to_string()]),
        nps: Some(promoter.clone()),
        birthday: NaiveDate::from_ymd_opt(1990, 5, 17),
        locale: None,
    };
    let created = store
        .put_customer_attributes("acme", "new-customer", &attributes)
        .await
        .unwrap();
    assert_eq!(created.merchant, "acme");
    assert_eq!(created.customer_id, "new-customer");
    assert_eq!(created.version, 1);
    assert_eq!(created.orders_count, 0);
    assert_eq!(created.tags, ["parent", "student"]);
    assert_eq!(created.nps, Some(promoter.clone()));
    assert_eq!(created.birthday, NaiveDate::from_ymd_opt(1990, 5, 17));
    assert_eq!(
        store.profile("acme", "new-customer").await.unwrap(),
        Some(created)
    );

    // A customer with history keeps it; fields not given stay as they are.
    assert!(
        store
            .import_history(&samples::order("acme", "O-1", "c1", "2026-01-15T12:00:00Z"))
            .await
            .unwrap()
    );
    let locale_only = CustomerAttributes {
        locale: Some("fr-FR".to_string()),
        ..Default::default()
    };
    store
        .put_customer_attributes("acme", "c1", &attributes)
        .await
        .unwrap();
    let updated = store
        .put_customer_attributes("acme", "c1", &locale_only)
        .await
        .unwrap();
    assert_eq!(updated.version, 3);
    assert_eq!(updated.orders_count, 1);
    assert_eq!(updated.locale.as_deref(), Some("fr-FR"));
    assert_eq!(updated.tags, ["parent", "student"]);
    assert_eq!(updated.nps, Some(promoter));
    assert_eq!(
        store.profile("acme", "c1").await.unwrap(),
        Some(updated.clone())
    );

    // An order decided on the profile before the change must decide again.
    let order = samples::order("acme", "O-2", "c1", "2026-02-01T12:00:00Z");
    let mut stale = updated.clone();
    stale.version = 2;
    assert!(matches!(
        store
            .commit(&samples::commit(&order, Some(&stale)))
            .await
            .unwrap(),
        CommitOutcome::Conflict(_)
    ));
}
