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
use packwise_core::process::Processor;

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

/// The orders of one lane, in arrival order, with the messages they came in.
#[derive(Default)]
struct Lane {
    message_ids: Vec<String>,
    orders: Vec<Order>,
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
    let mut by_lane: BTreeMap<usize, Lane> = BTreeMap::new();
    for message in &event.records {
        let message_id = message.message_id.clone().unwrap_or_default();
        match parse(message) {
            Ok(order) => {
                let lane = by_lane.entry(lane_of(&order, lanes)).or_default();
                lane.message_ids.push(message_id);
                lane.orders.push(order);
            }
            Err(reason) => {
                tracing::error!(%message_id, %reason, "order message rejected");
                report.failed.push(Failure {
                    message_id,
                    reason,
                    retryable: false,
                });
            }
        }
    }
    let lane_reports: Vec<BatchReport> = stream::iter(by_lane.into_values())
        .map(|lane| run_lane(processor, lane))
        .buffer_unordered(lanes.max(1))
        .collect()
        .await;
    for lane in lane_reports {
        report.processed += lane.processed;
        report.replayed += lane.replayed;
        report.failed.extend(lane.failed);
    }
    report
        .failed
        .sort_by(|a, b| a.message_id.cmp(&b.message_id));
    report
}

async fn run_lane<S, K>(processor: &Processor<S, K>, lane: Lane) -> BatchReport
where
    S: ConfigStore + OrderStore,
    K: ObjectSink,
{
    let results = processor.process_batch(&lane.orders).await;
    let mut report = BatchReport::default();
    for ((message_id, order), result) in lane.message_ids.into_iter().zip(&lane.orders).zip(results)
    {
        match result {
            Ok(done) => {
                tracing::info!(%message_id, merchant = %order.merchant, order_id = %order.order_id, replayed = done.replayed, "order processed");
                report.processed += 1;
                report.replayed += usize::from(done.replayed);
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
}

/// The message's order, or why it holds none; retrying will not change that. Public so
/// the fuzz targets run the handler's own parsing.
pub fn parse(message: &SqsMessage) -> Result<Order, String> {
    let body = message
        .body
        .as_deref()
        .ok_or("the message has no body; it should hold one order document")?;
    serde_json::from_str(body).map_err(|e| format!("not a valid order: {e}"))
}

fn lane_of(order: &Order, lanes: usize) -> usize {
    let mut h = DefaultHasher::new();
    (&order.merchant, &order.customer.id).hash(&mut h);
    (h.finish() % lanes.max(1) as u64) as usize
}
