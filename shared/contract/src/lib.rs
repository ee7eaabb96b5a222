//! The contract every packwise storage adapter must meet, written once against the port
//! traits only, so the embedded store and the DynamoDB adapter are held to the same
//! behaviour: round trips, optimistic versions, all-or-nothing commits, idempotent
//! redelivery, budgets and stock under concurrency, stock changed by the merchant, tenant
//! isolation, and API keys.
//!
//! An adapter's integration test runs the whole suite with one line:
//!
//! ```text
//! packwise_contract::contract_suite!(fresh_store());
//! packwise_contract::contract_suite!(guarded fresh_store_and_cleanup_guard());
//! ```
//!
//! The expression is evaluated anew in every test and must be a future (an `async`
//! block, or a call of an `async fn`) that resolves to a fresh, empty store, a type that
//! is `ConfigStore + OrderStore + KeyStore + Clone + 'static`, so an adapter can give
//! each test its own database or table. With `guarded` the future resolves to the store
//! and a guard that is dropped when the case is done. Each case runs on a four-worker
//! multi-threaded runtime, where the concurrency cases really race.

pub mod cases;
pub mod samples;

#[doc(hidden)]
pub mod __private {
    pub use tokio;
}

/// Expands to one `#[tokio::test]` per contract case; see the crate documentation.
///
/// `contract_suite!(fresh_store())` takes a future resolving to a fresh store.
/// `contract_suite!(guarded fresh_store())` takes a future resolving to `(store, guard)`:
/// the guard (a temporary directory, a table to delete) is dropped once the case is done,
/// after the store and every clone of it, since no case leaves a task running.
///
/// The calling crate need not depend on tokio itself: the tests use the suite's own. This
/// relies on the suite being a dependency under its own name, `packwise_contract`.
#[macro_export]
macro_rules! contract_suite {
    (guarded $fresh_store:expr $(,)?) => {
        $crate::__contract_cases!(guarded $fresh_store);
    };
    ($fresh_store:expr $(,)?) => {
        $crate::__contract_cases!(plain $fresh_store);
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __contract_cases {
    (@cases $mode:ident $fresh_store:expr; $($case:ident),+ $(,)?) => {
        $(
            #[$crate::__private::tokio::test(
                flavor = "multi_thread",
                worker_threads = 4,
                crate = "::packwise_contract::__private::tokio"
            )]
            async fn $case() {
                $crate::__contract_run!($mode $fresh_store, $crate::cases::$case);
            }
        )+
    };
    ($mode:ident $fresh_store:expr) => {
        $crate::__contract_cases!(
            @cases $mode $fresh_store;
            settings_round_trip,
            settings_are_written_only_as_expected,
            campaigns_round_trip,
            campaign_expected_absent_refuses_an_existing_one,
            campaign_with_a_stale_version_changes_nothing,
            campaign_with_the_current_version_is_updated,
            a_campaign_is_deleted_only_at_its_version,
            inserts_round_trip_with_stock_per_centre,
            putting_an_insert_again_replaces_its_stock,
            inserts_are_written_only_as_expected,
            taking_stock_gives_the_insert_a_new_version,
            stock_is_adjusted_by_a_delta_at_one_centre,
            stock_is_set_to_a_count_at_one_centre,
            a_stock_change_out_of_range_changes_nothing,
            a_stock_change_of_an_unknown_insert_is_not_found,
            a_stock_change_at_a_stale_version_changes_nothing,
            stock_changes_sent_at_once_all_land,
            load_on_an_empty_store_reads_zeros,
            load_reads_stock_at_the_order_centre_and_only_listed_inserts,
            similar_items_are_read_for_basket_skus_only,
            a_commit_is_visible_to_every_read,
            a_redelivered_order_is_already_processed_and_changes_nothing,
            a_commit_over_budget_writes_nothing,
            a_zero_budget_refuses_the_first_parcel,
            a_commit_taking_an_insert_out_of_stock_writes_nothing,
            a_commit_on_a_stale_profile_writes_nothing,
            a_commit_for_a_new_customer_who_now_exists_writes_nothing,
            a_commit_reusing_an_issued_coupon_code_writes_nothing,
            an_order_redeems_an_issued_coupon_once,
            a_coupon_redeemed_meanwhile_refuses_the_second_commit,
            a_budget_holds_under_concurrent_commits,
            stock_holds_under_concurrent_commits,
            importing_history_folds_each_order_once,
            customer_attributes_create_the_profile_and_bump_its_version,
            merchants_never_see_each_others_data,
            a_batch_commits_each_order_on_its_own,
            a_batch_load_matches_single_loads,
            history_pages_hold_every_order_once_in_every_segmentation,
            history_since_reads_only_orders_placed_from_then,
            recent_orders_are_the_newest_first,
            merchants_are_listed_once_and_sorted,
            an_insert_is_deleted_with_its_stock,
            an_insert_is_deleted_only_at_the_version_named,
            api_keys_round_trip,
            an_existing_api_key_id_is_refused_and_kept,
            api_keys_are_listed_newest_first_per_merchant,
            only_the_owner_revokes_an_api_key,
            revoking_an_api_key_twice_keeps_the_first_time,
        );
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __contract_run {
    (plain $fresh_store:expr, $case:path) => {
        $case($fresh_store.await).await
    };
    (guarded $fresh_store:expr, $case:path) => {
        let (store, guard) = $fresh_store.await;
        $case(store).await;
        drop(guard);
    };
}

#[cfg(test)]
mod tests {
    /// A case written but not listed in the macro would silently never run.
    #[test]
    fn every_case_is_in_the_suite() {
        let listed = include_str!("lib.rs");
        let sources = [
            include_str!("cases/atomicity.rs"),
            include_str!("cases/batch.rs"),
            include_str!("cases/commit.rs"),
            include_str!("cases/concurrency.rs"),
            include_str!("cases/config.rs"),
            include_str!("cases/customers.rs"),
            include_str!("cases/history.rs"),
            include_str!("cases/isolation.rs"),
            include_str!("cases/keys.rs"),
            include_str!("cases/load.rs"),
            include_str!("cases/redemption.rs"),
            include_str!("cases/stock.rs"),
        ];
        let cases: Vec<&str> = sources
            .iter()
            .flat_map(|s| s.split("pub async fn ").skip(1))
            .map(|rest| rest.split(['<', '(']).next().unwrap().trim())
            .collect();
        assert!(cases.len() >= 20, "found only {cases:?}");
        for case in cases {
            assert!(
                listed.contains(&format!("            {case},\n")),
                "case {case} is not in contract_suite!"
            );
        }
    }
}
