//! The similarity builder: on its schedule, rebuilds every merchant's similar items from
//! purchase history. The event is `{}`; `{"merchant": "..."}` rebuilds one merchant.

use lambda_runtime::{Error, LambdaEvent, service_fn};
use packwise_aws::{AwsSettings, Clients, DynamoStore, RequestCounter};
use packwise_handlers::{RebuildOptions, environment, rebuild_similar};
use serde_json::{Value, json};

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let settings = AwsSettings::from_env()?;
    let defaults = RebuildOptions::default();
    let mut options = RebuildOptions {
        segments: environment::number("PACKWISE_HISTORY_SEGMENTS", defaults.segments)?,
        ..defaults
    };
    options.model.neighbours =
        environment::number("PACKWISE_SIMILAR_NEIGHBOURS", defaults.model.neighbours)?;
    let clients = Clients::from_env(&settings, &RequestCounter::new()).await;
    let store = DynamoStore::new(clients.dynamodb, settings.table.clone());
    let store = &store;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
        let only = match event.payload.get("merchant") {
            None | Some(Value::Null) => None,
            Some(Value::String(m)) => Some(m.clone()),
            Some(other) => return Err(Error::from(format!("`merchant` must be a string, not {other}"))),
        };
        let report = rebuild_similar(store, only.as_deref(), options).await?;
        let rebuilt: Vec<Value> = report
            .rebuilt
            .iter()
            .map(|r| json!({"merchant": r.merchant, "orders": r.orders_read, "skus": r.skus_written, "millis": r.millis as u64}))
            .collect();
        if !report.failed.is_empty() {
            // Failing the invocation lets Lambda retry it and, after that, keeps the event
            // in the builder's dead-letter queue for an operator.
            let failed: Vec<String> = report.failed.iter().map(|(m, e)| format!("{m}: {e}")).collect();
            return Err(Error::from(format!("similar items not rebuilt for {}", failed.join("; "))));
        }
        Ok::<Value, Error>(json!({ "rebuilt": rebuilt }))
    }))
    .await
}
