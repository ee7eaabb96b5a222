//! An SQS batch of orders: each message body is one order document. Orders run in a few
//! concurrent lanes; the answer is a partial batch response naming only the messages
//! that failed, so one bad order does not send the whole batch round again.

use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent, SqsMessage};
use futures_util::StreamExt;
use futures_util::stream;
use packwise_core::Order;
use packwise_core::ports::{ConfigStore, ObjectSink, OrderStore};
use packwise_core::process::{ProcessError, Processor};

/// What became of a batch, for the logs and for tests.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct BatchReport {
    pub processed: usize,
    /// Orders processed before whose stored instruction was written again.
    pub replayed: usize,
    /// Messages returned to the queue: `(message id, reason, worth retrying)`. SQS
    /// delivers them again and, after the redrive limit, moves them to the dead-letter
    /// queue; one that is not worth retrying still takes that path, so its reason is in
    /// the logs and the message is kept for an operator.
    pub failed: Vec<Failure>,
}

#[derive(Debug, PartialEq, Eq)]
pub struct Failure {
    pub message_id: String,
    pub reason: String,
    pub retryable: bool,
}

impl BatchReport {
    pub fn response(&self) -> SqsBatchResponse {
        let mut response = SqsBatchResponse::default();
        response.set_failures(self.failed.iter().map(|f| f.message_id.clone()));
        response
    }
}

struct Parsed {
    message_id: String,
    order: Order,
}

/// Processes every message of the batch. `lanes` bounds the concurrency: a customer's
/// orders always share a lane, so they are decided in the order they arrived, while
/// other customers' orders commit in parallel.
pub async fn handle_order_messages<S, K>(
    processor: &Processor<S, K>,
    event: &SqsEvent,
    lanes: usize,
) -> BatchReport
where
    S: ConfigStore + OrderStore,
    K: ObjectSink,
{
    let mut report = BatchReport::default();
    let mut by_lane: BTreeMap<usize, Vec<Parsed>> = BTreeMap::new();
    for message in &event.records {
        match parse(message) {
            Ok(parsed) => by_lane
                .entry(lane_of(&parsed.order, lanes))
                .or_default()
                .push(parsed),
            Err(failure) => {
                tracing::error!(message_id = %failure.message_id, reason = %failure.reason, "order message rejected");
                report.failed.push(failure);
            }
        }
    }
    let results: Vec<Vec<Outcome>> = stream::iter(by_lane.into_values())
        .map(|lane| async move {
            let orders: Vec<Order> = lane.iter().map(|p| p.order.clone()).collect();
            let results = processor.process_batch(&orders).await;
            lane.into_iter()
                .zip(results)
                .map(|(p, r)| Outcome {
                    message_id: p.message_id,
                    order: p.order,
                    replayed: r.map(|done| done.replayed),
                })
                .collect()
        })
        .buffer_unordered(lanes.max(1))
        .collect()
        .await;
    for Outcome {
        message_id,
        order,
        replayed,
    } in results.into_iter().flatten()
    {
        match replayed {
            Ok(replayed) => {
                tracing::info!(%message_id, merchant = %order.merchant, order_id = %order.order_id, replayed, "order processed");
                report.processed += 1;
                report.replayed += usize::from(replayed);
            }
            Err(e) => {
                let retryable = e.is_retryable();
                tracing::error!(%message_id, merchant = %order.merchant, order_id = %order.order_id, retryable, reason = %e, "order not processed");
                report.failed.push(Failure {
                    message_id,
                    reason: e.to_string(),
                    retryable,
                });
            }
        }
    }
    report
        .failed
        .sort_by(|a, b| a.message_id.cmp(&b.message_id));
    report
}

/// One order's end: whether it was a replay, or why it failed.
struct Outcome {
    message_id: String,
    order: Order,
    replayed: Result<bool, ProcessError>,
}

fn parse(message: &SqsMessage) -> Result<Parsed, Failure> {
    let message_id = message.message_id.clone().unwrap_or_default();
    let fail = |reason: String| Failure {
        message_id: message_id.clone(),
        reason,
        retryable: false,
    };
    let body = message
        .body
        .as_deref()
        .ok_or_else(|| fail("the message has no body; it should hold one order document".into()))?;
    let order =
        serde_json::from_str::<Order>(body).map_err(|e| fail(format!("not a valid order: {e}")))?;
    Ok(Parsed { message_id, order })
}

fn lane_of(order: &Order, lanes: usize) -> usize {
    let mut h = DefaultHasher::new();
    (&order.merchant, &order.customer.id).hash(&mut h);
    (h.finish() % lanes.max(1) as u64) as usize
}
