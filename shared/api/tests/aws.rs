//! The merchant API over DynamoDB, against a real DynamoDB API on loopback (moto server,
//! started by the harness): the same scenarios as on the embedded store.

mod support;

use packwise_aws::testing::{local_aws, unique_name};
use packwise_aws::{DynamoStore, RequestCounter, create_table};
use support::Shop;

async fn shop() -> Shop<DynamoStore> {
    let clients = local_aws().clients(&RequestCounter::new());
    let table = unique_name("packwise-api");
    create_table(&clients.dynamodb, &table).await.unwrap();
    Shop::open(DynamoStore::new(clients.dynamodb, &table)).await
}

macro_rules! on_dynamodb {
    ($($name:ident),* $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            support::$name(shop().await).await;
        }
    )*};
}

on_dynamodb!(
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
