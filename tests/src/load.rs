//! Synthetic orders replayed through the order-processor's handler against a local
//! DynamoDB (DynamoDB Local) and S3 (moto server), as SQS would deliver them: batches of
//! a few orders, several batches at once, each batch handled by one of a pool of
//! processors the way one Lambda instance handles one batch at a time. Every request is
//! counted and DynamoDB's consumed capacity measured, for the cost model.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_lambda_events::event::sqs::SqsEvent;
use chrono::{DateTime, Utc};
use packwise_aws::capacity::billing;
use packwise_aws::testing::{local_aws, measured_clients, unique_name};
use packwise_aws::{CapacityMeter, Clients, DynamoStore, RequestCounter, S3Sink, Units, item_kind};
use packwise_core::Order;
use packwise_core::process::Processor;
use packwise_handlers::handle_order_messages;
use packwise_slips::Slips;
use packwise_synth::{Generator, demo};
use serde_json::json;
use tokio::sync::{Mutex, mpsc};

/// How long warm processors keep a merchant's campaigns: the order-processor's default.
const CAMPAIGN_TTL: Duration = Duration::from_secs(30);
/// Deliveries of a message before SQS moves it to the dead-letter queue (the template's
/// `maxReceiveCount`).
const MAX_RECEIVES: usize = 5;
/// Stands in for the queue's visibility timeout (180 s in the template) before a failed
/// message is delivered again: long enough for the contention it met to pass.
const REDELIVERY_PAUSE: Duration = Duration::from_millis(500);
/// What the objects of a processed order end in: its instruction, then its slips.
const OBJECT_SUFFIXES: [&str; 3] = [".json", ".slip.pdf", ".slip.html"];

/// One merchant's table and bucket on the local servers.
pub struct Stack {
    pub clients: Clients,
    pub store: DynamoStore,
    pub table: String,
    pub bucket: String,
    pub requests: RequestCounter,
    pub capacity: CapacityMeter,
}

impl Stack {
    /// A new table on DynamoDB Local and bucket on the moto server, with the demo shop
    /// (settings, campaigns, inserts and their stock) installed.
    pub async fn demo_shop() -> Stack {
        let requests = RequestCounter::new();
        let capacity = CapacityMeter::new();
        let clients = measured_clients(&requests, &capacity);
        let table = unique_name("packwise-load");
        packwise_aws::create_table(&clients.dynamodb, &table)
            .await
            .unwrap_or_else(|e| panic!("creating table {table}: {e}"));
        let store = DynamoStore::new(clients.dynamodb.clone(), &table);
        demo::install(&store)
            .await
            .unwrap_or_else(|e| panic!("installing the demo shop: {e}"));
        let bucket = local_aws().bucket().await;
        requests.reset();
        capacity.reset();
        Stack {
            clients,
            store,
            table,
            bucket,
            requests,
            capacity,
        }
    }

    /// A processor as the order-processor function builds one in its init; without
    /// `slips` it writes the instructions alone.
    pub fn processor(&self, slips: bool) -> Processor<DynamoStore, S3Sink> {
        let processor = Processor::new(
            self.store.clone(),
            S3Sink::new(self.clients.s3.clone(), &self.bucket),
            CAMPAIGN_TTL,
        );
        match slips {
            true => processor.with_slips(Arc::new(Slips::new())),
            false => processor,
        }
    }

    /// The table's items by kind, with their sizes as DynamoDB bills them: what a write
    /// or read of each kind costs in units.
    pub async fn item_sizes(&self) -> BTreeMap<&'static str, ItemSizes> {
        let mut sizes: BTreeMap<&'static str, ItemSizes> = BTreeMap::new();
        let mut pages = self
            .clients
            .dynamodb
            .scan()
            .table_name(&self.table)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.unwrap_or_else(|e| panic!("scanning {}: {e:?}", self.table));
            for item in page.items() {
                let entry = sizes.entry(item_kind(item)).or_default();
                let bytes = billing::item_size(item);
                entry.count += 1;
                entry.total_bytes += bytes;
                entry.largest = entry.largest.max(bytes);
            }
        }
        sizes
    }

    /// Every key in the bucket.
    pub async fn object_keys(&self) -> Vec<String> {
        let mut keys = Vec::new();
        let mut pages = self
            .clients
            .s3
            .list_objects_v2()
            .bucket(&self.bucket)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.unwrap_or_else(|e| panic!("listing {}: {e:?}", self.bucket));
            keys.extend(
                page.contents()
                    .iter()
                    .filter_map(|o| o.key().map(String::from)),
            );
        }
        keys
    }
}

/// How many items of one kind the table holds and how large they are, in bytes.
#[derive(Clone, Copy, Debug, Default)]
pub struct ItemSizes {
    pub count: usize,
    pub total_bytes: usize,
    pub largest: usize,
}

impl ItemSizes {
    pub fn mean(&self) -> f64 {
        self.total_bytes as f64 / self.count.max(1) as f64
    }
}

/// The shape of a run.
#[derive(Clone, Debug)]
pub struct LoadOptions {
    pub orders: usize,
    /// Orders per SQS batch (the template's `BatchSize`).
    pub batch: usize,
    /// Batches handled at once, each by its own processor (Lambda instances).
    pub concurrent: usize,
    /// Concurrent lanes inside a batch (the function's `PACKWISE_LANES`).
    pub lanes: usize,
    pub seed: u64,
    /// When the first order was placed.
    pub start: DateTime<Utc>,
    /// Print progress to stderr every so often.
    pub progress: Option<Duration>,
    /// Write packing slips beside the instructions, as the function does.
    pub slips: bool,
    /// Send every n-th order without lines, which the handler must refuse with a reason.
    pub bad_every: Option<usize>,
}

impl LoadOptions {
    pub fn new(orders: usize) -> LoadOptions {
        LoadOptions {
            orders,
            batch: 10,
            concurrent: 16,
            lanes: 4,
            seed: 42,
            start: "2026-11-01T00:00:00Z".parse().expect("a time"),
            progress: None,
            slips: true,
            bad_every: None,
        }
    }

    /// The orders of the run, generated as they are sent.
    pub fn orders(&self) -> impl Iterator<Item = Order> + use<> {
        let bad_every = self.bad_every.unwrap_or(usize::MAX).max(1);
        Generator::new(self.seed)
            .orders(self.orders, self.start)
            .enumerate()
            .map(move |(i, mut order)| {
                if (i + 1) % bad_every == 0 {
                    order.lines.clear();
                }
                order
            })
    }

    /// How many of the run's orders are sent bad on purpose.
    pub fn bad_orders(&self) -> usize {
        self.bad_every.map_or(0, |every| self.orders / every.max(1))
    }
}

/// What a run did.
#[derive(Debug)]
pub struct LoadReport {
    pub orders: usize,
    pub batches: usize,
    pub elapsed: Duration,
    /// Wall time of each handler call (one batch), in completion order.
    pub handler_times: Vec<Duration>,
    /// CPU time this process spent, which is the handlers' (the servers run apart).
    pub cpu: Duration,
    /// Orders that failed on every delivery, as they reach the dead-letter queue: order
    /// id and the last reason.
    pub failed: BTreeMap<String, String>,
    pub replayed: usize,
    /// Messages delivered again after the handler reported them failed.
    pub redelivered: usize,
    /// Why: each failure that a later delivery of its message got past, order id and
    /// reason.
    pub passing_failures: Vec<(String, String)>,
    pub requests: BTreeMap<String, u64>,
    pub capacity: BTreeMap<String, Units>,
}

impl LoadReport {
    pub fn orders_per_second(&self) -> f64 {
        self.orders as f64 / self.elapsed.as_secs_f64()
    }

    /// The handler time at quantile `q` (0.5 for the median), nearest rank.
    pub fn handler_time(&self, q: f64) -> Duration {
        let mut times = self.handler_times.clone();
        times.sort();
        match times.len() {
            0 => Duration::ZERO,
            n => times[((q * n as f64).ceil() as usize).clamp(1, n) - 1],
        }
    }
}

/// Sends every order of `options` through the handler and reports what happened.
pub async fn run(stack: &Stack, options: &LoadOptions) -> LoadReport {
    let (batches_tx, batches_rx) = mpsc::channel::<Vec<Order>>(options.concurrent * 2);
    let batches_rx = Arc::new(Mutex::new(batches_rx));
    let done = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let cpu_before = cpu_time();
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..options.concurrent.max(1) {
        let processor = stack.processor(options.slips);
        let batches = batches_rx.clone();
        let done = done.clone();
        let lanes = options.lanes;
        workers.push(tokio::spawn(async move {
            let mut mine = WorkerReport::default();
            loop {
                let Some(batch) = batches.lock().await.recv().await else {
                    break;
                };
                let size = batch.len();
                // As SQS does: the messages the handler names as failed come back, alone,
                // after the visibility timeout, until the redrive limit.
                let mut pending = batch;
                for receive in 1..=MAX_RECEIVES {
                    let event = sqs_event(&pending);
                    let began = Instant::now();
                    let report = handle_order_messages(&processor, &event, lanes).await;
                    mine.handler_times.push(began.elapsed());
                    mine.replayed += report.replayed;
                    let failed: BTreeMap<String, String> = report
                        .failed
                        .into_iter()
                        .map(|f| (f.message_id, f.reason))
                        .collect();
                    pending.retain(|o| failed.contains_key(&o.order_id));
                    if pending.is_empty() || receive == MAX_RECEIVES {
                        mine.failed.extend(failed);
                        break;
                    }
                    mine.redelivered += pending.len();
                    mine.failures.extend(failed);
                    tokio::time::sleep(REDELIVERY_PAUSE).await;
                }
                done.fetch_add(size, std::sync::atomic::Ordering::Relaxed);
            }
            mine
        }));
    }
    let progress = options.progress.map(|every| {
        let done = done.clone();
        let total = options.orders;
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                let n = done.load(std::sync::atomic::Ordering::Relaxed);
                eprintln!(
                    "  {n} / {total} orders, {:.0} orders/s",
                    n as f64 / started.elapsed().as_secs_f64()
                );
            }
        })
    });
    let mut batches = 0;
    let mut orders = options.orders();
    loop {
        let batch: Vec<Order> = orders.by_ref().take(options.batch.max(1)).collect();
        if batch.is_empty() {
            break;
        }
        batches += 1;
        batches_tx.send(batch).await.expect("the workers run");
    }
    drop(batches_tx);
    let mut report = LoadReport {
        orders: options.orders,
        batches,
        elapsed: Duration::ZERO,
        handler_times: Vec::new(),
        cpu: Duration::ZERO,
        failed: BTreeMap::new(),
        replayed: 0,
        redelivered: 0,
        passing_failures: Vec::new(),
        requests: BTreeMap::new(),
        capacity: BTreeMap::new(),
    };
    for worker in workers {
        let mine = worker.await.expect("a worker does not panic");
        report.handler_times.extend(mine.handler_times);
        report.failed.extend(mine.failed);
        report.replayed += mine.replayed;
        report.redelivered += mine.redelivered;
        report.passing_failures.extend(
            mine.failures
                .into_iter()
                .filter(|(order, _)| !report.failed.contains_key(order)),
        );
    }
    report.elapsed = started.elapsed();
    report.cpu = cpu_time().saturating_sub(cpu_before);
    if let Some(p) = progress {
        p.abort();
    }
    report.requests = stack.requests.snapshot();
    report.capacity = stack.capacity.snapshot();
    report
}

#[derive(Default)]
struct WorkerReport {
    handler_times: Vec<Duration>,
    failed: BTreeMap<String, String>,
    replayed: usize,
    redelivered: usize,
    /// Every failure a message met before its last delivery.
    failures: Vec<(String, String)>,
}

/// An SQS event as Lambda delivers it; each message's id is its order's id.
pub fn sqs_event(orders: &[Order]) -> SqsEvent {
    let records: Vec<_> = orders
        .iter()
        .map(|o| {
            json!({"messageId": o.order_id, "receiptHandle": format!("rh-{}", o.order_id),
                   "body": serde_json::to_string(o).expect("an order serialises"),
                   "attributes": {"ApproximateReceiveCount": "1"}, "messageAttributes": {},
                   "eventSource": "aws:sqs", "awsRegion": "us-east-1",
                   "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:orders"})
        })
        .collect();
    serde_json::from_value(json!({ "Records": records })).expect("an SQS event")
}

/// How the run's orders ended up: each either has its objects in the bucket (the
/// instruction, and the slips when the run writes them) or is in the failure report
/// with a reason.
#[derive(Debug, PartialEq, Eq)]
pub struct Accounting {
    pub with_objects: usize,
    pub failed: usize,
    /// Orders with neither all their objects nor a reported failure: lost.
    pub lost: Vec<String>,
    /// Orders the handler reported as failed that have objects all the same.
    pub failed_with_objects: Vec<String>,
}

/// Accounts for every order of `options` against the bucket's keys.
pub fn account(options: &LoadOptions, report: &LoadReport, keys: &[String]) -> Accounting {
    let mut objects: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for key in keys {
        let name = key.rsplit('/').next().unwrap_or(key);
        if let Some(suffix) = OBJECT_SUFFIXES.iter().find(|s| name.ends_with(*s)) {
            objects
                .entry(&name[..name.len() - suffix.len()])
                .or_default()
                .insert(suffix);
        }
    }
    let expected = match options.slips {
        true => OBJECT_SUFFIXES.len(),
        false => 1,
    };
    let mut accounting = Accounting {
        with_objects: 0,
        failed: 0,
        lost: Vec::new(),
        failed_with_objects: Vec::new(),
    };
    for order in options.orders() {
        let complete = objects
            .get(order.order_id.as_str())
            .is_some_and(|s| s.len() == expected);
        match (complete, report.failed.contains_key(&order.order_id)) {
            (true, false) => accounting.with_objects += 1,
            (false, true) => accounting.failed += 1,
            (true, true) => accounting.failed_with_objects.push(order.order_id),
            (false, false) => accounting.lost.push(order.order_id),
        }
    }
    accounting
}

/// A run's setting from the environment variable `name`, or `default` where it is unset.
/// A value that does not parse stops the run: a typo must not run the default instead.
pub fn setting<T: std::str::FromStr>(name: &str, default: T) -> T {
    match std::env::var(name) {
        Ok(v) => v
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v} is not a number")),
        Err(_) => default,
    }
}

/// CPU time (user and system) this process has used.
pub fn cpu_time() -> Duration {
    // SAFETY: getrusage only writes the struct it is given.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let seconds = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    seconds(usage.ru_utime) + seconds(usage.ru_stime)
}
