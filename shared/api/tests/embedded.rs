//! The merchant API over the embedded store.

mod support;

use packwise_embedded::SqliteStore;
use support::Shop;

async fn shop() -> (Shop<SqliteStore>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("packwise.db")).unwrap();
    (Shop::open(store).await, dir)
}

macro_rules! on_sqlite {
    ($($name:ident),* $(,)?) => {$(
        #[tokio::test]
        async fn $name() {
            let (shop, _dir) = shop().await;
            support::$name(shop).await;
        }
    )*};
}

on_sqlite!(
    requests_without_a_valid_key_are_refused,
    a_campaign_is_created_read_and_refused_twice,
    bad_campaigns_are_refused_with_every_problem_and_nothing_is_saved,
    campaigns_are_listed_in_pages,
    a_replace_needs_the_version_it_read,
    campaigns_move_through_their_lifecycle,
    one_merchant_never_sees_or_changes_another_merchants_campaigns,
    settings_are_shown_without_the_secret_and_replaced_keeping_it,
    bad_settings_are_refused_with_every_field_and_change_nothing,
    inserts_are_created_replaced_read_and_listed,
    inserts_at_or_below_their_threshold_are_listed_as_low,
    bad_inserts_are_refused_with_every_field_and_change_nothing,
    customer_attributes_are_set_one_by_one_and_the_profile_read,
    bad_customer_attributes_are_refused_with_every_field,
    customer_attributes_in_bulk_write_the_valid_rows_and_report_the_others,
    a_bulk_request_holds_at_most_a_thousand_customers,
    settings_are_always_the_callers_own,
    one_merchant_never_sees_or_changes_another_merchants_inserts,
    one_merchant_never_sees_or_changes_another_merchants_customers,
);
