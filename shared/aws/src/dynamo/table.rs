//! The table, as the SAM template declares it; created here for tests and local tooling.

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::client::Waiters;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, TimeToLiveSpecification,
};
use packwise_core::ports::StoreResult;

use super::errors::{unavailable, unbuilt};
use super::keys::{EXPIRES_AT, GSI1, GSI1PK, GSI1SK, PK, SK};

/// Creates the table: `pk`/`sk` strings, on-demand billing, the sparse `gsi1` index
/// (`gsi1pk`/`gsi1sk`, all attributes projected) and TTL on `expires_at`. Returns once the
/// table is active.
pub async fn create_table(client: &Client, table: &str) -> StoreResult<()> {
    let key = |name: &str, kind| {
        KeySchemaElement::builder()
            .attribute_name(name)
            .key_type(kind)
            .build()
            .map_err(unbuilt)
    };
    let string = |name: &str| {
        AttributeDefinition::builder()
            .attribute_name(name)
            .attribute_type(ScalarAttributeType::S)
            .build()
            .map_err(unbuilt)
    };
    let gsi1 = GlobalSecondaryIndex::builder()
        .index_name(GSI1)
        .key_schema(key(GSI1PK, KeyType::Hash)?)
        .key_schema(key(GSI1SK, KeyType::Range)?)
        .projection(
            Projection::builder()
                .projection_type(ProjectionType::All)
                .build(),
        )
        .build()
        .map_err(unbuilt)?;
    client
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .key_schema(key(PK, KeyType::Hash)?)
        .key_schema(key(SK, KeyType::Range)?)
        .attribute_definitions(string(PK)?)
        .attribute_definitions(string(SK)?)
        .attribute_definitions(string(GSI1PK)?)
        .attribute_definitions(string(GSI1SK)?)
        .global_secondary_indexes(gsi1)
        .send()
        .await
        .map_err(|e| unavailable("CreateTable", e))?;
    client
        .wait_until_table_exists()
        .table_name(table)
        .wait(std::time::Duration::from_secs(300))
        .await
        .map_err(|e| {
            packwise_core::ports::StoreError::Unavailable(format!(
                "table {table} did not become active: {e}"
            ))
        })?;
    client
        .update_time_to_live()
        .table_name(table)
        .time_to_live_specification(
            TimeToLiveSpecification::builder()
                .attribute_name(EXPIRES_AT)
                .enabled(true)
                .build()
                .map_err(unbuilt)?,
        )
        .send()
        .await
        .map_err(|e| unavailable("UpdateTimeToLive", e))?;
    Ok(())
}
