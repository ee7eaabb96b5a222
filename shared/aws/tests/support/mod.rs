//! Tables for the tests over the local DynamoDB API, and the one thing moto needs to
//! behave like DynamoDB under concurrent writes.

use std::sync::{Arc, OnceLock};

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use packwise_aws::testing::{local_aws, unique_name};
use packwise_aws::{DynamoStore, RequestCounter, create_table};
use tokio::sync::Semaphore;

/// Deletes its table when the test is done.
pub struct DropTable(String);

impl DropTable {
    pub fn new(table: &str) -> DropTable {
        DropTable(table.to_string())
    }
}

impl Drop for DropTable {
    /// `Drop` cannot await, and the test's runtime may be shutting down: delete on a
    /// thread of its own with a small runtime that ends with it. Best effort; a table
    /// left behind dies with the test server.
    fn drop(&mut self) {
        let table = std::mem::take(&mut self.0);
        let deleting = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime for the cleanup");
            runtime.block_on(async {
                let client = local_aws().dynamodb().await;
                let _ = client.delete_table().table_name(&table).send().await;
            });
        });
        let _ = deleting.join();
    }
}

/// A new table and a store over it, whose requests `counter` counts.
pub async fn fresh_table(counter: &RequestCounter) -> (DynamoStore, DropTable) {
    let table = unique_name("packwise-test");
    let client = dynamodb(counter);
    create_table(&client, &table)
        .await
        .unwrap_or_else(|e| panic!("creating table {table}: {e}"));
    counter.reset();
    (DynamoStore::new(client, &table), DropTable::new(&table))
}

/// A client of the local API that counts its requests and hands moto one write at a time.
pub fn dynamodb(counter: &RequestCounter) -> aws_sdk_dynamodb::Client {
    let config = aws_sdk_dynamodb::config::Builder::from(&local_aws().sdk_config())
        .interceptor(counter.clone())
        .http_client(OneWriteAtATime::shared())
        .build();
    aws_sdk_dynamodb::Client::from_conf(config)
}

/// moto applies a transaction by copying the table, writing, and on a failed condition
/// putting the copy back, with no lock: two transactions at once can fail with a server
/// error or undo each other's writes. DynamoDB isolates transactions (serializable), so
/// sending moto one write request at a time gives the tests DynamoDB's semantics; the
/// callers still race for everything else (reads, the order of writes, retries).
#[derive(Debug)]
struct OneWriteAtATime {
    inner: SharedHttpClient,
    gate: Arc<Semaphore>,
}

impl OneWriteAtATime {
    fn shared() -> SharedHttpClient {
        static GATE: OnceLock<Arc<Semaphore>> = OnceLock::new();
        SharedHttpClient::new(OneWriteAtATime {
            inner: aws_smithy_http_client::Builder::new().build_http(),
            gate: GATE.get_or_init(|| Arc::new(Semaphore::new(1))).clone(),
        })
    }
}

impl HttpClient for OneWriteAtATime {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(GatedConnector {
            inner: self.inner.http_connector(settings, components),
            gate: self.gate.clone(),
        })
    }
}

#[derive(Debug)]
struct GatedConnector {
    inner: SharedHttpConnector,
    gate: Arc<Semaphore>,
}

const WRITES: [&str; 5] = [
    "TransactWriteItems",
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "BatchWriteItem",
];

impl HttpConnector for GatedConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let is_write = request
            .headers()
            .get("x-amz-target")
            .and_then(|target| target.rsplit('.').next())
            .is_some_and(|operation| WRITES.contains(&operation));
        let (inner, gate) = (self.inner.clone(), self.gate.clone());
        HttpConnectorFuture::new(async move {
            let _turn = match is_write {
                true => Some(
                    gate.acquire_owned()
                        .await
                        .expect("the gate is never closed"),
                ),
                false => None,
            };
            inner.call(request).await
        })
    }
}
