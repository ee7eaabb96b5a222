//! The order processor: SQS batches of orders in, instructions to S3, a partial batch
//! response out. Everything it decides lives in the shared libraries.

use std::time::Duration;

use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent};
use lambda_runtime::{Error, LambdaEvent, service_fn};
use packwise_aws::{AwsSettings, Clients, DynamoStore, RequestCounter, S3Sink};
use packwise_core::ports::ConfigStore;
use packwise_core::process::Processor;
use packwise_handlers::{environment, handle_order_messages};

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let settings = AwsSettings::from_env()?;
    let ttl = environment::number("PACKWISE_CAMPAIGN_TTL_SECONDS", 30u64)?;
    let lanes = environment::number("PACKWISE_LANES", 4usize)?;
    let clients = Clients::from_env(&settings, &RequestCounter::new()).await;
    let store = DynamoStore::new(clients.dynamodb, settings.table.clone());
    let sink = S3Sink::new(clients.s3, settings.require_bucket()?);
    // Opens the connection to DynamoDB (DNS, TCP, TLS) beside the first poll for an event
    // rather than before it: init ends sooner and the first batch finds the connection
    // made or on its way. The answer itself does not matter.
    let warming = store.clone();
    tokio::spawn(async move {
        if let Err(e) = warming.settings("-").await {
            tracing::warn!(error = %e, "warming the DynamoDB connection failed");
        }
    });
    let processor = Processor::new(store, sink, Duration::from_secs(ttl))
        .with_slips(std::sync::Arc::new(packwise_slips::Slips::new()));
    let processor = &processor;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<SqsEvent>| async move {
        let report = handle_order_messages(processor, &event.payload, lanes).await;
        tracing::info!(
            processed = report.processed,
            replayed = report.replayed,
            failed = report.failed.len(),
            "batch done"
        );
        Ok::<SqsBatchResponse, Error>(report.response())
    }))
    .await
}
