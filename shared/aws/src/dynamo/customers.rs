//! Customer facts that arrive outside order processing: imported history and what the
//! merchant tells us about a customer. Both are read-modify-write on the profile,
//! guarded by its version and tried again when another writer got there first.

use aws_sdk_dynamodb::error::ProvideErrorMetadata;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};
use packwise_core::CustomerProfile;
use packwise_core::Order;
use packwise_core::ports::{CustomerAttributes, StoreError, StoreResult};
use packwise_core::profile::OrderSummary;

use super::errors::{unavailable, unbuilt};
use super::history::history_item;
use super::items::{Item, document_item, n};
use super::keys::Key;
use super::store::DynamoStore;

/// Read-modify-write rounds before giving up on a profile that keeps changing.
const ROUNDS: usize = 16;

impl DynamoStore {
    pub(crate) async fn apply_attributes(
        &self,
        merchant: &str,
        customer: &str,
        attributes: &CustomerAttributes,
    ) -> StoreResult<CustomerProfile> {
        for _ in 0..ROUNDS {
            let stored: Option<CustomerProfile> =
                self.get_document(&Key::profile(merchant, customer)).await?;
            let expected = stored.as_ref().map(|p| p.version);
            let mut profile = stored.unwrap_or_else(|| CustomerProfile::new(merchant, customer));
            attributes.apply_to(&mut profile);
            // A bump makes any order decided on the old attributes conflict and decide again.
            profile.version += 1;
            let item = document_item(&Key::profile(merchant, customer), &profile)?;
            let put = guarded(
                self.client
                    .put_item()
                    .table_name(self.table.as_ref())
                    .set_item(Some(item)),
                expected,
            );
            match put.send().await {
                Ok(_) => return Ok(profile),
                Err(e) if e.code() == Some("ConditionalCheckFailedException") => continue,
                Err(e) => return Err(unavailable("PutItem", e)),
            }
        }
        Err(contended(merchant, customer))
    }

    /// The history entry's conditional put and the profile fold, in one transaction: the
    /// entry's existence is what makes a second import change nothing.
    pub(crate) async fn import_order(&self, order: &Order) -> StoreResult<bool> {
        let merchant = order.merchant.as_str();
        let customer = order.customer.id.as_str();
        let summary = OrderSummary::of(order);
        for _ in 0..ROUNDS {
            let stored: Option<CustomerProfile> =
                self.get_document(&Key::profile(merchant, customer)).await?;
            let expected = stored.as_ref().map(|p| p.version);
            let mut profile = stored.unwrap_or_else(|| CustomerProfile::new(merchant, customer));
            profile.record_order(order);
            profile.version += 1;
            let history = Put::builder()
                .table_name(self.table.as_ref())
                .set_item(Some(history_item(merchant, customer, &summary)?))
                .condition_expression("attribute_not_exists(pk)");
            let profile_put = self.guarded_put(
                document_item(&Key::profile(merchant, customer), &profile)?,
                expected,
            );
            let sent = self
                .client
                .transact_write_items()
                .transact_items(
                    TransactWriteItem::builder()
                        .put(history.build().map_err(unbuilt)?)
                        .build(),
                )
                .transact_items(
                    TransactWriteItem::builder()
                        .put(profile_put.build().map_err(unbuilt)?)
                        .build(),
                )
                .send()
                .await;
            let reasons = match sent {
                Ok(_) => return Ok(true),
                Err(e) => match e.as_service_error() {
                    Some(TransactWriteItemsError::TransactionCanceledException(c)) => {
                        c.cancellation_reasons().to_vec()
                    }
                    _ => return Err(unavailable("TransactWriteItems", e)),
                },
            };
            let code = |i: usize| reasons.get(i).and_then(|r| r.code());
            if code(0) == Some("ConditionalCheckFailed") {
                return Ok(false);
            }
            if !matches!(
                code(1),
                Some("ConditionalCheckFailed" | "TransactionConflict")
            ) && code(0) != Some("TransactionConflict")
            {
                return Err(StoreError::Unavailable(format!(
                    "DynamoDB cancelled the import of order {}: {:?}",
                    order.order_id,
                    reasons.iter().filter_map(|r| r.code()).collect::<Vec<_>>()
                )));
            }
        }
        Err(contended(merchant, customer))
    }

    fn guarded_put(
        &self,
        item: Item,
        expected: Option<u64>,
    ) -> aws_sdk_dynamodb::types::builders::PutBuilder {
        let put = Put::builder()
            .table_name(self.table.as_ref())
            .set_item(Some(item));
        match expected {
            Some(v) => put
                .condition_expression("version = :expected")
                .expression_attribute_values(":expected", n(v)),
            None => put.condition_expression("attribute_not_exists(pk)"),
        }
    }
}

/// The version condition on a single PutItem of a profile.
fn guarded(
    put: aws_sdk_dynamodb::operation::put_item::builders::PutItemFluentBuilder,
    expected: Option<u64>,
) -> aws_sdk_dynamodb::operation::put_item::builders::PutItemFluentBuilder {
    match expected {
        Some(v) => put
            .condition_expression("version = :expected")
            .expression_attribute_values(":expected", n(v)),
        None => put.condition_expression("attribute_not_exists(pk)"),
    }
}

fn contended(merchant: &str, customer: &str) -> StoreError {
    StoreError::Unavailable(format!(
        "profile of customer {merchant}/{customer} kept changing; try again"
    ))
}
