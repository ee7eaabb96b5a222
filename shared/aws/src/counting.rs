//! Counts the requests a client sends, per operation, so tests can prove the round trips
//! the design promises (one read and one write per order) and the cost model can price
//! them. Every attempt counts: a retried request is paid for twice.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

/// An SDK interceptor; clone it into every client whose requests should be counted.
#[derive(Clone, Debug, Default)]
pub struct RequestCounter {
    counts: Arc<Mutex<BTreeMap<String, u64>>>,
}

impl RequestCounter {
    pub fn new() -> Self {
        Self::default()
    }

    /// Requests sent so far, keyed `Service.Operation` (e.g. `DynamoDB.BatchGetItem`).
    pub fn snapshot(&self) -> BTreeMap<String, u64> {
        self.counts.lock().expect("request counter lock").clone()
    }

    /// Requests sent so far of one operation, by its bare name (`TransactWriteItems`).
    pub fn count(&self, operation: &str) -> u64 {
        self.snapshot()
            .iter()
            .filter(|(key, _)| key.rsplit('.').next() == Some(operation))
            .map(|(_, n)| n)
            .sum()
    }

    pub fn total(&self) -> u64 {
        self.snapshot().values().sum()
    }

    pub fn reset(&self) {
        self.counts.lock().expect("request counter lock").clear();
    }
}

impl Intercept for RequestCounter {
    fn name(&self) -> &'static str {
        "packwise.RequestCounter"
    }

    fn read_before_transmit(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let key = match cfg.load::<Metadata>() {
            Some(m) => format!("{}.{}", m.service(), m.name()),
            None => "unknown".to_string(),
        };
        *self
            .counts
            .lock()
            .expect("request counter lock")
            .entry(key)
            .or_default() += 1;
        Ok(())
    }
}
