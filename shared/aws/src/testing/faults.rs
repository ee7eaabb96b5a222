//! Faults injected into the SDK's requests, inside its retry loop, so tests see what
//! throttling, server errors and lost answers do to the code above the SDK after the
//! SDK's own retries: the same retry strategy, classifiers and backoff as in production.
//!
//! A [`FaultInjector`] is an SDK interceptor (add it with
//! [`LocalAws::clients_with_faults`](super::LocalAws::clients_with_faults)). Its rules
//! name an operation (`"PutObject"`, `"TransactWriteItems"`, `"BatchGetItem"` …) and a
//! [`Fault`]; every attempt of that operation, retries included, takes the next fault
//! due. A fault either
//! - **refuses** the attempt: the request is not sent and the SDK gets the fault's
//!   answer (status and AWS error code), as from a server that turned it away before
//!   doing anything. The interceptor marks the request in `modify_before_transmit`; the
//!   test harness's HTTP client answers a marked request itself. An interceptor hook
//!   cannot answer in place of the server, so this half lives in the connector; a
//!   marked request that reaches a server is caught and fails the test loudly; or
//! - **loses the answer** ([`Fault::after_applying`]): the request is sent and applied,
//!   and `modify_before_deserialization` replaces the server's answer with the fault's,
//!   as when a connection drops after the server acted.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeDeserializationInterceptorContextMut, BeforeTransmitInterceptorContextMut,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpResponse, Metadata};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::config_bag::{ConfigBag, Storable, StoreReplace};

/// What an attempt gets instead of the server's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    status: u16,
    code: String,
    applied: bool,
}

impl Fault {
    /// An answer with this HTTP status and AWS error code, the request not sent.
    pub fn new(status: u16, code: &str) -> Fault {
        Fault {
            status,
            code: code.to_string(),
            applied: false,
        }
    }

    /// DynamoDB: 400 `ThrottlingException` (the control plane's and on-demand tables'
    /// throttling).
    pub fn throttling() -> Fault {
        Fault::new(400, "ThrottlingException")
    }

    /// DynamoDB: 400 `ProvisionedThroughputExceededException`.
    pub fn throughput_exceeded() -> Fault {
        Fault::new(400, "ProvisionedThroughputExceededException")
    }

    /// DynamoDB: 500 `InternalServerError`.
    pub fn internal_server_error() -> Fault {
        Fault::new(500, "InternalServerError")
    }

    /// S3: 503 `SlowDown`.
    pub fn slow_down() -> Fault {
        Fault::new(503, "SlowDown")
    }

    /// S3: 500 `InternalError`.
    pub fn internal_error() -> Fault {
        Fault::new(500, "InternalError")
    }

    /// The request reaches the server and is applied; only its answer is replaced by
    /// this fault's, as when the connection drops after the server acted.
    pub fn after_applying(mut self) -> Fault {
        self.applied = true;
        self
    }

    /// The answer as the service would send it: awsJson for DynamoDB, restXml for S3.
    fn answer(&self, service: &str) -> InjectedAnswer {
        let message = format!("injected by the test's FaultInjector ({})", self.code);
        let (content_type, body) = if service == "S3" {
            (
                "application/xml",
                format!(
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{}</Code>\
                     <Message>{message}</Message><RequestId>injected</RequestId></Error>",
                    self.code
                ),
            )
        } else {
            (
                "application/x-amz-json-1.0",
                serde_json::json!({
                    "__type": format!("com.amazonaws.dynamodb.v20120810#{}", self.code),
                    "message": message,
                })
                .to_string(),
            )
        };
        InjectedAnswer {
            status: self.status,
            content_type,
            body,
        }
    }
}

/// The answer to a refused request, carried on the request to the harness's HTTP client.
#[derive(Clone, Debug)]
pub(crate) struct InjectedAnswer {
    status: u16,
    content_type: &'static str,
    body: String,
}

/// Marks a response the harness's HTTP client made up instead of sending the request.
#[derive(Clone, Debug)]
struct AnsweredWithoutSending;

impl InjectedAnswer {
    pub(crate) fn response(&self) -> HttpResponse {
        let status = StatusCode::try_from(self.status).expect("a valid HTTP status");
        let mut response = HttpResponse::new(status, SdkBody::from(self.body.clone()));
        response
            .headers_mut()
            .insert("content-type", self.content_type);
        response
            .headers_mut()
            .insert("x-amzn-requestid", "injected-fault");
        response.add_extension(AnsweredWithoutSending);
        response
    }
}

/// This attempt's fault, if any, between the transmit and deserialization hooks. Put
/// on every attempt, so a retry never sees the fault of the attempt before it.
#[derive(Debug)]
struct AttemptFault(Option<(Fault, String)>);

impl Storable for AttemptFault {
    type Storer = StoreReplace<Self>;
}

struct Rule {
    operation: String,
    /// `None`: the attempts pass untouched.
    fault: Option<Fault>,
    /// Attempts still to fail; `None`: every attempt, until cleared.
    remaining: Option<u32>,
}

#[derive(Default)]
struct State {
    rules: Vec<Rule>,
    injected: BTreeMap<String, u64>,
}

/// Fails chosen attempts of chosen operations; clone it into the clients and keep a
/// clone to change the rules while the test runs.
#[derive(Clone, Default)]
pub struct FaultInjector {
    state: Arc<Mutex<State>>,
}

impl std::fmt::Debug for FaultInjector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FaultInjector")
            .field("injected", &self.state().injected)
            .finish()
    }
}

impl FaultInjector {
    pub fn new() -> Self {
        Self::default()
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().expect("fault injector lock")
    }

    /// The next `attempts` attempts of `operation` (its bare name, `PutObject`) get
    /// `fault`. Rules of one operation are used up in the order they were added.
    pub fn fail_next(&self, operation: &str, attempts: u32, fault: Fault) -> &Self {
        self.state().rules.push(Rule {
            operation: operation.to_string(),
            fault: Some(fault),
            remaining: Some(attempts),
        });
        self
    }

    /// The next `attempts` attempts of `operation` go through untouched, before the
    /// rules added after this one apply: a failure from the middle of a run on.
    pub fn pass_next(&self, operation: &str, attempts: u32) -> &Self {
        self.state().rules.push(Rule {
            operation: operation.to_string(),
            fault: None,
            remaining: Some(attempts),
        });
        self
    }

    /// Every attempt of `operation` gets `fault`, until [`FaultInjector::clear`].
    pub fn fail_always(&self, operation: &str, fault: Fault) -> &Self {
        self.state().rules.push(Rule {
            operation: operation.to_string(),
            fault: Some(fault),
            remaining: None,
        });
        self
    }

    /// No more faults; what was injected stays counted.
    pub fn clear(&self) {
        self.state().rules.clear();
    }

    /// Attempts of `operation` that got a fault so far.
    pub fn injected(&self, operation: &str) -> u64 {
        self.state().injected.get(operation).copied().unwrap_or(0)
    }

    /// The fault due for this attempt of `operation`, used up.
    fn next_fault(&self, operation: &str) -> Option<Fault> {
        let mut state = self.state();
        let rule = state
            .rules
            .iter_mut()
            .find(|r| r.operation == operation && r.remaining != Some(0))?;
        if let Some(n) = rule.remaining.as_mut() {
            *n -= 1;
        }
        let fault = rule.fault.clone()?;
        *state.injected.entry(operation.to_string()).or_default() += 1;
        Some(fault)
    }
}

impl Intercept for FaultInjector {
    fn name(&self) -> &'static str {
        "packwise.FaultInjector"
    }

    /// Runs once per attempt, after signing: decides this attempt's fault and, for a
    /// refusal, marks the request for the harness's HTTP client to answer.
    fn modify_before_transmit(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let (service, operation) = match cfg.load::<Metadata>() {
            Some(m) => (m.service().to_string(), m.name().to_string()),
            None => return Err("FaultInjector: the operation has no metadata".into()),
        };
        let fault = self.next_fault(&operation);
        if let Some(fault) = &fault
            && !fault.applied
        {
            // Extensions are not cloned with the request, so a retry goes out unmarked.
            context.request_mut().add_extension(fault.answer(&service));
        }
        cfg.interceptor_state()
            .store_put(AttemptFault(fault.map(|f| (f, service))));
        Ok(())
    }

    /// Replaces the answer of an applied request; checks that a refused one was
    /// answered without being sent.
    fn modify_before_deserialization(
        &self,
        context: &mut BeforeDeserializationInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(AttemptFault(Some((fault, service)))) = cfg.load::<AttemptFault>() else {
            return Ok(());
        };
        if fault.applied {
            *context.response_mut() = fault.answer(service).response();
        } else if context
            .response()
            .extension::<AnsweredWithoutSending>()
            .is_none()
        {
            return Err(
                "FaultInjector: a refused request reached the server; refusals \
                        need the test harness's HTTP client (LocalAws::clients_with_faults)"
                    .into(),
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_used_up_in_order_per_operation() {
        let faults = FaultInjector::new();
        faults
            .pass_next("PutObject", 1)
            .fail_next("PutObject", 2, Fault::slow_down())
            .fail_next("PutObject", 1, Fault::internal_error().after_applying())
            .fail_always("BatchGetItem", Fault::throttling());
        let next = |op: &str| faults.next_fault(op);
        assert_eq!(next("PutObject"), None);
        assert_eq!(next("PutObject"), Some(Fault::slow_down()));
        assert_eq!(next("GetObject"), None);
        assert_eq!(next("PutObject"), Some(Fault::slow_down()));
        assert_eq!(
            next("PutObject"),
            Some(Fault::internal_error().after_applying())
        );
        assert_eq!(next("PutObject"), None);
        for _ in 0..5 {
            assert_eq!(next("BatchGetItem"), Some(Fault::throttling()));
        }
        faults.clear();
        assert_eq!(next("BatchGetItem"), None);
        assert_eq!(
            (
                faults.injected("PutObject"),
                faults.injected("BatchGetItem")
            ),
            (3, 5)
        );
    }

    #[test]
    fn answers_are_in_each_services_protocol() {
        let dynamo = Fault::throttling().answer("DynamoDB").response();
        assert_eq!(dynamo.status().as_u16(), 400);
        let body: serde_json::Value =
            serde_json::from_slice(dynamo.body().bytes().unwrap()).unwrap();
        assert_eq!(
            body["__type"],
            "com.amazonaws.dynamodb.v20120810#ThrottlingException"
        );
        let s3 = Fault::slow_down().answer("S3").response();
        assert_eq!(s3.status().as_u16(), 503);
        let xml = std::str::from_utf8(s3.body().bytes().unwrap()).unwrap();
        assert!(xml.contains("<Code>SlowDown</Code>"), "{xml}");
        assert_eq!(s3.headers().get("content-type"), Some("application/xml"));
    }
}
