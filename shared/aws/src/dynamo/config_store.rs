//! Merchant configuration: settings, campaigns, inserts with their live stock.

use aws_sdk_dynamodb::error::ProvideErrorMetadata;
use packwise_core::insert::StockChange;
use packwise_core::ports::{ConfigStore, Expect, StoreError, StoreResult};
use packwise_core::{Campaign, Insert, MerchantSettings};

use super::errors::unavailable;
use super::items::{Item, document, document_item, n, s};
use super::keys::{
    CAMPAIGN_PREFIX, GSI1, GSI1PK, GSI1SK, INSERT_PREFIX, Key, MERCHANTS, merchant_partition,
};
use super::store::DynamoStore;

impl ConfigStore for DynamoStore {
    async fn settings(&self, merchant: &str) -> StoreResult<Option<MerchantSettings>> {
        self.get_document(&Key::settings(merchant)).await
    }

    /// The settings item is also the merchant's entry in the gsi1 list of merchants.
    async fn put_settings(&self, settings: &MerchantSettings, expect: Expect) -> StoreResult<u64> {
        let merchant = &settings.merchant;
        let index = Item::from([
            (GSI1PK.to_string(), s(MERCHANTS)),
            (GSI1SK.to_string(), s(merchant)),
        ]);
        self.put_versioned(&Key::settings(merchant), settings, index, expect, || {
            format!("settings of {merchant}")
        })
        .await
    }

    /// From the index, which DynamoDB updates shortly after a write (eventually
    /// consistent): a merchant created a moment ago may be missing for that moment.
    async fn merchants(&self) -> StoreResult<Vec<String>> {
        let query = self
            .client
            .query()
            .table_name(self.table.as_ref())
            .index_name(GSI1)
            .key_condition_expression("gsi1pk = :merchants")
            .expression_attribute_values(":merchants", s(MERCHANTS))
            .projection_expression("gsi1sk");
        let mut merchants: Vec<String> = self
            .query_all(query)
            .await?
            .into_iter()
            .filter_map(|item| item.get(GSI1SK).and_then(|v| v.as_s().ok()).cloned())
            .collect();
        // Index order is byte order already; sorting keeps the promise whatever the index.
        merchants.sort();
        merchants.dedup();
        Ok(merchants)
    }

    async fn campaigns(&self, merchant: &str) -> StoreResult<Vec<Campaign>> {
        self.query_prefix(&merchant_partition(merchant), CAMPAIGN_PREFIX)
            .await?
            .into_iter()
            .map(document)
            .collect()
    }

    async fn put_campaign(
        &self,
        merchant: &str,
        campaign: &Campaign,
        expect: Expect,
    ) -> StoreResult<()> {
        let item = document_item(&Key::campaign(merchant, &campaign.id), campaign)?;
        let put = self
            .client
            .put_item()
            .table_name(self.table.as_ref())
            .set_item(Some(item));
        let put = match expect {
            Expect::Any => put,
            Expect::Absent => put.condition_expression("attribute_not_exists(pk)"),
            Expect::Version(v) => put
                .condition_expression("version = :expected")
                .expression_attribute_values(":expected", n(v)),
        };
        match put.send().await {
            Ok(_) => Ok(()),
            Err(e) if e.code() == Some("ConditionalCheckFailedException") => {
                Err(StoreError::VersionConflict {
                    what: format!("campaign {}", campaign.id),
                    expected: match expect {
                        Expect::Version(v) => Some(v),
                        Expect::Absent | Expect::Any => None,
                    },
                })
            }
            Err(e) => Err(unavailable("PutItem", e)),
        }
    }

    async fn delete_campaign(&self, merchant: &str, id: &str, version: u64) -> StoreResult<()> {
        let deleted = self
            .client
            .delete_item()
            .table_name(self.table.as_ref())
            .set_key(Some(Key::campaign(merchant, id).to_item()))
            .condition_expression("version = :expected")
            .expression_attribute_values(":expected", n(version))
            .send()
            .await;
        match deleted {
            Ok(_) => Ok(()),
            Err(e) if e.code() == Some("ConditionalCheckFailedException") => {
                Err(StoreError::VersionConflict {
                    what: format!("campaign {id}"),
                    expected: Some(version),
                })
            }
            Err(e) => Err(unavailable("DeleteItem", e)),
        }
    }

    /// One conditional DeleteItem; on a failed condition DynamoDB returns the item as it
    /// was, which tells a missing insert from another version without a second read.
    async fn delete_insert(
        &self,
        merchant: &str,
        sku: &str,
        if_version: Option<u64>,
    ) -> StoreResult<()> {
        let mut delete = self
            .client
            .delete_item()
            .table_name(self.table.as_ref())
            .set_key(Some(Key::insert(merchant, sku).to_item()))
            .return_values_on_condition_check_failure(
                aws_sdk_dynamodb::types::ReturnValuesOnConditionCheckFailure::AllOld,
            );
        let mut guard = "attribute_exists(pk)".to_string();
        if let Some((version_guard, expected)) =
            if_version.and_then(|v| super::versioned::condition(Expect::Version(v)))
        {
            guard = format!("{guard} AND ({version_guard})");
            delete = delete.expression_attribute_names("#version", "version");
            if let Some(v) = expected {
                delete = delete.expression_attribute_values(":expected", n(v));
            }
        }
        match delete.condition_expression(guard).send().await {
            Ok(_) => Ok(()),
            Err(e) => match e.as_service_error() {
                Some(
                    aws_sdk_dynamodb::operation::delete_item::DeleteItemError::ConditionalCheckFailedException(failed),
                ) => Err(match failed.item() {
                    Some(item) if !item.is_empty() => StoreError::VersionConflict {
                        what: format!("insert {sku}"),
                        expected: if_version,
                    },
                    _ => StoreError::NotFound(format!("insert {sku}")),
                }),
                _ => Err(unavailable("DeleteItem", e)),
            },
        }
    }

    /// Each insert item holds its live stock per centre in its `stock` map attribute,
    /// the one commits decrement, so the definition and stock read back together.
    async fn inserts(&self, merchant: &str) -> StoreResult<Vec<Insert>> {
        self.query_prefix(&merchant_partition(merchant), INSERT_PREFIX)
            .await?
            .into_iter()
            .map(document)
            .collect()
    }

    /// Replaces the definition and the stock per centre at once.
    async fn put_insert(
        &self,
        merchant: &str,
        insert: &Insert,
        expect: Expect,
    ) -> StoreResult<u64> {
        let sku = &insert.sku;
        self.put_versioned(
            &Key::insert(merchant, sku),
            insert,
            Item::new(),
            expect,
            || format!("insert {sku}"),
        )
        .await
    }

    async fn adjust_stock(
        &self,
        merchant: &str,
        sku: &str,
        centre: &str,
        change: StockChange,
        if_version: Option<u64>,
    ) -> StoreResult<Insert> {
        self.change_stock(merchant, sku, centre, change, if_version)
            .await
    }
}
