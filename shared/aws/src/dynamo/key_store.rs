//! Merchants' API keys: one item per key under its own partition, found by id alone,
//! and listed per merchant through the sparse gsi1 index.

use aws_sdk_dynamodb::error::ProvideErrorMetadata;
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, SecondsFormat, Utc};
use packwise_core::api_key::ApiKey;
use packwise_core::ports::{KeyStore, StoreError, StoreResult};

use super::errors::{corrupt, unavailable};
use super::items::{document, document_item, s};
use super::keys::{GSI1, GSI1PK, GSI1SK, Key, api_keys_partition};
use super::store::DynamoStore;

/// The key item's attribute the revocation writes (the document's own field).
const REVOKED_AT: &str = "revoked_at";

impl KeyStore for DynamoStore {
    async fn put_api_key(&self, key: &ApiKey) -> StoreResult<()> {
        let mut item = document_item(&Key::api_key(&key.id), key)?;
        // An absent optional is left out rather than stored as NULL, so that revocation
        // can set `revoked_at` with `if_not_exists`, which a NULL would satisfy.
        item.retain(|_, value| !matches!(value, AttributeValue::Null(_)));
        item.insert(GSI1PK.into(), s(api_keys_partition(&key.merchant)));
        item.insert(GSI1SK.into(), s(listing_sort(key)));
        let put = self
            .client
            .put_item()
            .table_name(self.table.as_ref())
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await;
        match put {
            Ok(_) => Ok(()),
            Err(e) if e.code() == Some("ConditionalCheckFailedException") => {
                Err(StoreError::Conflict(format!("api key {}", key.id)))
            }
            Err(e) => Err(unavailable("PutItem", e)),
        }
    }

    async fn api_key(&self, id: &str) -> StoreResult<Option<ApiKey>> {
        self.get_document(&Key::api_key(id)).await
    }

    /// From the index, newest first, eventually consistent: a key created or revoked a
    /// moment ago may show as it was for that moment.
    async fn api_keys(&self, merchant: &str) -> StoreResult<Vec<ApiKey>> {
        let query = self
            .client
            .query()
            .table_name(self.table.as_ref())
            .index_name(GSI1)
            .key_condition_expression("gsi1pk = :keys")
            .expression_attribute_values(":keys", s(api_keys_partition(merchant)))
            .scan_index_forward(false);
        let keys: Vec<ApiKey> = self
            .query_all(query)
            .await?
            .into_iter()
            .map(document)
            .collect::<StoreResult<_>>()?;
        if let Some(stray) = keys.iter().find(|k| k.merchant != merchant) {
            return Err(corrupt(
                Key::api_key(&stray.id).to_string(),
                format!("listed for {merchant} but belongs to {}", stray.merchant),
            ));
        }
        Ok(keys)
    }

    /// One conditional update: the merchant attribute must be the caller's, so another
    /// merchant's key (or none) fails the condition and nothing is written;
    /// `if_not_exists` keeps the first revocation's time.
    async fn revoke_api_key(
        &self,
        merchant: &str,
        id: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let at = serde_dynamo::to_attribute_value(at)
            .map_err(|e| corrupt(format!("revocation of api key {id}"), e))?;
        let update = self
            .client
            .update_item()
            .table_name(self.table.as_ref())
            .set_key(Some(Key::api_key(id).to_item()))
            .update_expression("SET #revoked = if_not_exists(#revoked, :at)")
            .condition_expression("merchant = :merchant")
            .expression_attribute_names("#revoked", REVOKED_AT)
            .expression_attribute_values(":at", at)
            .expression_attribute_values(":merchant", s(merchant))
            .send()
            .await;
        match update {
            Ok(_) => Ok(true),
            Err(e) if e.code() == Some("ConditionalCheckFailedException") => Ok(false),
            Err(e) => Err(unavailable("UpdateItem", e)),
        }
    }
}

/// `{created_at}#{id}`, the time as fixed-width UTC, so a descending query is newest first.
fn listing_sort(key: &ApiKey) -> String {
    format!(
        "{}#{}",
        key.created_at.to_rfc3339_opts(SecondsFormat::Nanos, true),
        key.id
    )
}
