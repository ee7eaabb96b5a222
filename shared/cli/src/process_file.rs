//! `packwise process`: stream a JSON Lines file of orders through the engine.

use std::io::BufRead;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use packwise_core::order::Order;
use packwise_core::ports::{ConfigStore, ObjectSink, OrderStore};
use packwise_core::process::Processor;

use crate::summary::RunSummary;

/// One line that could not be processed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineFailure {
    pub line: usize,
    pub order_id: Option<String>,
    pub reason: String,
}

#[derive(Debug, Default)]
pub struct ProcessReport {
    pub processed: usize,
    /// Orders that had been processed before: their stored instruction was written again.
    pub replayed: usize,
    pub failures: Vec<LineFailure>,
    pub elapsed: Duration,
    pub summary: RunSummary,
}

impl ProcessReport {
    pub fn orders_per_second(&self) -> f64 {
        let total = self.processed + self.replayed;
        total as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// Processes every non-blank line; a bad line is recorded with its number and reason
/// and does not stop the run. `total_bytes` sizes the progress bar (0 hides it).
pub async fn process_lines<S, K>(
    processor: &Processor<S, K>,
    input: impl BufRead,
    total_bytes: u64,
    mut on_failure: impl FnMut(&LineFailure),
) -> std::io::Result<ProcessReport>
where
    S: ConfigStore + OrderStore,
    K: ObjectSink,
{
    let started = Instant::now();
    let bar = progress_bar(total_bytes);
    let mut report = ProcessReport::default();
    // Lines that did not parse stay in the batch so failures are reported in line order.
    let mut batch: Vec<(usize, Result<Order, String>)> = Vec::with_capacity(BATCH);
    for (index, line) in input.lines().enumerate() {
        let line = line?;
        bar.inc(line.len() as u64 + 1);
        if line.trim().is_empty() {
            continue;
        }
        let parsed =
            serde_json::from_str::<Order>(&line).map_err(|e| crate::documents::line_error(&e));
        batch.push((index + 1, parsed));
        if batch.len() == BATCH {
            run_batch(processor, &mut batch, &mut report, &bar, &mut on_failure).await;
        }
    }
    run_batch(processor, &mut batch, &mut report, &bar, &mut on_failure).await;
    bar.finish_and_clear();
    report.elapsed = started.elapsed();
    Ok(report)
}

/// Orders decided and committed together: one read and one write transaction each.
const BATCH: usize = 64;

async fn run_batch<S, K>(
    processor: &Processor<S, K>,
    batch: &mut Vec<(usize, Result<Order, String>)>,
    report: &mut ProcessReport,
    bar: &ProgressBar,
    on_failure: &mut impl FnMut(&LineFailure),
) where
    S: ConfigStore + OrderStore,
    K: ObjectSink,
{
    if batch.is_empty() {
        return;
    }
    let orders: Vec<Order> = batch
        .iter()
        .filter_map(|(_, o)| o.as_ref().ok().cloned())
        .collect();
    let mut results = processor.process_batch(&orders).await.into_iter();
    for (line, parsed) in batch.drain(..) {
        let order = match parsed {
            Ok(order) => order,
            Err(reason) => {
                let failure = LineFailure {
                    line,
                    order_id: None,
                    reason,
                };
                bar.suspend(|| on_failure(&failure));
                report.failures.push(failure);
                continue;
            }
        };
        let result = results.next().expect("one result per parsed order");
        match result {
            // The tally counts what this run issued: a replayed order's coupon was
            // issued the first time.
            Ok(done) if done.replayed => report.replayed += 1,
            Ok(done) => {
                report.processed += 1;
                report.summary.add(&done.instruction);
            }
            Err(e) => {
                let failure = LineFailure {
                    line,
                    order_id: Some(order.order_id),
                    reason: e.to_string(),
                };
                bar.suspend(|| on_failure(&failure));
                report.failures.push(failure);
            }
        }
    }
}

fn progress_bar(total_bytes: u64) -> ProgressBar {
    // Small inputs finish before a bar would help; indicatif hides it off a terminal.
    if total_bytes < 1_000_000 {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total_bytes);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}")
            .expect("valid template"),
    );
    bar
}
