//! The merchant API on Lambda, behind an API Gateway HTTP API: the same router as
//! `packwise serve`, over DynamoDB. Everything it does lives in the shared libraries.

use std::sync::Arc;

use lambda_http::Error;
use packwise_aws::{AwsSettings, Clients, DynamoStore, RequestCounter};

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_http::tracing::init_default_subscriber();
    let settings = AwsSettings::from_env()?;
    let clients = Clients::from_env(&settings, &RequestCounter::new()).await;
    let store = DynamoStore::new(clients.dynamodb, settings.table.clone());
    lambda_http::run(packwise_api::router(Arc::new(store))).await
}
