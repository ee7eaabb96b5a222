//! Measures what DynamoDB bills: asks every request of the store for its consumed
//! capacity (`ReturnConsumedCapacity=TOTAL`) and adds up the read and write units the
//! answers report, per operation. The cost model prices these; counting requests alone
//! would miss that a transactional write of a 3 KB item costs six units, not one.
//!
//! An interceptor rather than a flag on each call: the store's calls stay as they run
//! in production, and a measurement run adds the meter to the client as it adds the
//! request counter.
//!
//! For BatchGetItem and TransactWriteItems the units are worked out from the items, by
//! DynamoDB's billing rules ([`billing`]), because DynamoDB Local reports them wrong;
//! the other operations' reported units are DynamoDB's.

pub mod billing;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use aws_sdk_dynamodb::operation::batch_get_item::{BatchGetItemInput, BatchGetItemOutput};
use aws_sdk_dynamodb::operation::batch_write_item::{BatchWriteItemInput, BatchWriteItemOutput};
use aws_sdk_dynamodb::operation::delete_item::{DeleteItemInput, DeleteItemOutput};
use aws_sdk_dynamodb::operation::get_item::{GetItemInput, GetItemOutput};
use aws_sdk_dynamodb::operation::put_item::{PutItemInput, PutItemOutput};
use aws_sdk_dynamodb::operation::query::{QueryInput, QueryOutput};
use aws_sdk_dynamodb::operation::transact_write_items::{
    TransactWriteItemsInput, TransactWriteItemsOutput,
};
use aws_sdk_dynamodb::operation::update_item::{UpdateItemInput, UpdateItemOutput};
use aws_sdk_dynamodb::types::{ConsumedCapacity, ReturnConsumedCapacity};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeSerializationInterceptorContextMut, FinalizerInterceptorContextRef,
};
use aws_smithy_runtime_api::client::interceptors::context::{Input, Output};
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::{ConfigBag, Storable, StoreReplace};

/// What one operation's answered requests asked for and consumed, summed.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Units {
    /// Requests answered with success.
    pub requests: u64,
    /// Items they named: keys of a BatchGetItem, actions of a TransactWriteItems, puts
    /// and deletes of a BatchWriteItem, one for the single-item operations and Query.
    pub items: u64,
    pub read: f64,
    pub write: f64,
    /// Time from sending to answer, retries included.
    pub seconds: f64,
}

/// The (read, write) units an answer reports. `reads` says which kind its plain
/// `CapacityUnits` are when it does not split them (the split comes only with
/// `ReturnConsumedCapacity=INDEXES`).
fn reported(consumed: &[ConsumedCapacity], reads: bool) -> (f64, f64) {
    consumed.iter().fold((0.0, 0.0), |(read, write), c| {
        match (c.read_capacity_units(), c.write_capacity_units()) {
            (None, None) => {
                let units = c.capacity_units().unwrap_or(0.0);
                match reads {
                    true => (read + units, write),
                    false => (read, write + units),
                }
            }
            (r, w) => (read + r.unwrap_or(0.0), write + w.unwrap_or(0.0)),
        }
    })
}

/// An SDK interceptor for DynamoDB clients; clone it into every client to be measured.
#[derive(Clone, Debug, Default)]
pub struct CapacityMeter {
    units: Arc<Mutex<BTreeMap<String, Units>>>,
}

impl CapacityMeter {
    pub fn new() -> Self {
        Self::default()
    }

    /// Units consumed so far, per operation (`TransactWriteItems`, `BatchGetItem` …).
    pub fn snapshot(&self) -> BTreeMap<String, Units> {
        self.units.lock().expect("capacity meter lock").clone()
    }

    pub fn total(&self) -> Units {
        self.snapshot()
            .values()
            .fold(Units::default(), |sum, u| Units {
                requests: sum.requests + u.requests,
                items: sum.items + u.items,
                read: sum.read + u.read,
                write: sum.write + u.write,
                seconds: sum.seconds + u.seconds,
            })
    }

    pub fn reset(&self) {
        self.units.lock().expect("capacity meter lock").clear();
    }

    fn record(&self, operation: &str, asked: Option<Asked>, (read, write): (f64, f64)) {
        let mut units = self.units.lock().expect("capacity meter lock");
        let sum = units.entry(operation.to_string()).or_default();
        sum.requests += 1;
        if let Some(asked) = asked {
            sum.items += asked.items;
            sum.seconds += asked.at.elapsed().as_secs_f64();
        }
        sum.read += read;
        sum.write += write;
    }
}

/// How many items a request names and when it was sent, kept in the request's config
/// bag until its answer.
#[derive(Clone, Copy, Debug)]
struct Asked {
    items: u64,
    at: Instant,
    billing: Billing,
}

/// How the units of a request's answer are found.
#[derive(Clone, Copy, Debug)]
enum Billing {
    /// As the answer reports them.
    Reported,
    /// Worked out from the request's items before it was sent.
    Writes(f64),
    /// Worked out from the items the answer returns and the keys it does not.
    BatchRead { consistent: bool },
}

fn billing(input: &Input) -> Billing {
    if let Some(i) = input.downcast_ref::<TransactWriteItemsInput>() {
        Billing::Writes(billing::transaction_write_units(i.transact_items()))
    } else if let Some(i) = input.downcast_ref::<BatchGetItemInput>() {
        let consistent = i.request_items().is_some_and(|tables| {
            tables
                .values()
                .all(|t| t.consistent_read().unwrap_or(false))
        });
        Billing::BatchRead { consistent }
    } else {
        Billing::Reported
    }
}

/// Read units of a BatchGetItem answer to `asked` keys.
fn batch_read_units(output: &BatchGetItemOutput, asked: u64, consistent: bool) -> f64 {
    let found: Vec<_> = output
        .responses()
        .map(|tables| tables.values().flatten().cloned().collect())
        .unwrap_or_default();
    let unprocessed: usize = output
        .unprocessed_keys()
        .map_or(0, |tables| tables.values().map(|t| t.keys().len()).sum());
    let not_found = (asked as usize).saturating_sub(found.len() + unprocessed);
    billing::batch_get_read_units(&found, not_found, consistent)
}

impl Storable for Asked {
    type Storer = StoreReplace<Self>;
}

fn items_asked(input: &Input) -> u64 {
    if let Some(i) = input.downcast_ref::<BatchGetItemInput>() {
        i.request_items().map_or(0, |tables| {
            tables.values().map(|t| t.keys().len()).sum::<usize>()
        }) as u64
    } else if let Some(i) = input.downcast_ref::<TransactWriteItemsInput>() {
        i.transact_items().len() as u64
    } else if let Some(i) = input.downcast_ref::<BatchWriteItemInput>() {
        i.request_items()
            .map_or(0, |tables| tables.values().map(Vec::len).sum::<usize>()) as u64
    } else {
        1
    }
}

/// Sets `ReturnConsumedCapacity=TOTAL` on the operations the store sends.
fn ask_for_capacity(input: &mut Input) {
    let total = Some(ReturnConsumedCapacity::Total);
    if let Some(i) = input.downcast_mut::<BatchGetItemInput>() {
        i.return_consumed_capacity = total;
    } else if let Some(i) = input.downcast_mut::<TransactWriteItemsInput>() {
        i.return_consumed_capacity = total;
    } else if let Some(i) = input.downcast_mut::<QueryInput>() {
        i.return_consumed_capacity = total;
    } else if let Some(i) = input.downcast_mut::<GetItemInput>() {
        i.return_consumed_capacity = total;
    } else if let Some(i) = input.downcast_mut::<PutItemInput>() {
        i.return_consumed_capacity = total;
    } else if let Some(i) = input.downcast_mut::<UpdateItemInput>() {
        i.return_consumed_capacity = total;
    } else if let Some(i) = input.downcast_mut::<DeleteItemInput>() {
        i.return_consumed_capacity = total;
    } else if let Some(i) = input.downcast_mut::<BatchWriteItemInput>() {
        i.return_consumed_capacity = total;
    }
}

/// The consumed capacity an answer reports, and whether the operation only reads.
fn consumed(output: &Output) -> Option<(Vec<ConsumedCapacity>, bool)> {
    let one = |c: Option<&ConsumedCapacity>| c.cloned().into_iter().collect::<Vec<_>>();
    if let Some(o) = output.downcast_ref::<BatchGetItemOutput>() {
        Some((o.consumed_capacity().to_vec(), true))
    } else if let Some(o) = output.downcast_ref::<TransactWriteItemsOutput>() {
        Some((o.consumed_capacity().to_vec(), false))
    } else if let Some(o) = output.downcast_ref::<QueryOutput>() {
        Some((one(o.consumed_capacity()), true))
    } else if let Some(o) = output.downcast_ref::<GetItemOutput>() {
        Some((one(o.consumed_capacity()), true))
    } else if let Some(o) = output.downcast_ref::<PutItemOutput>() {
        Some((one(o.consumed_capacity()), false))
    } else if let Some(o) = output.downcast_ref::<UpdateItemOutput>() {
        Some((one(o.consumed_capacity()), false))
    } else if let Some(o) = output.downcast_ref::<DeleteItemOutput>() {
        Some((one(o.consumed_capacity()), false))
    } else {
        output
            .downcast_ref::<BatchWriteItemOutput>()
            .map(|o| (o.consumed_capacity().to_vec(), false))
    }
}

impl Intercept for CapacityMeter {
    fn name(&self) -> &'static str {
        "packwise.CapacityMeter"
    }

    fn modify_before_serialization(
        &self,
        context: &mut BeforeSerializationInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        cfg.interceptor_state().store_put(Asked {
            items: items_asked(context.input()),
            at: Instant::now(),
            billing: billing(context.input()),
        });
        ask_for_capacity(context.input_mut());
        Ok(())
    }

    fn read_after_execution(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let operation = cfg.load::<Metadata>().map_or("unknown", |m| m.name());
        let Some(Ok(output)) = context.output_or_error() else {
            return Ok(());
        };
        if let Some((capacity, reads)) = consumed(output) {
            let asked = cfg.load::<Asked>().copied();
            let units = match asked.map(|a| (a.billing, a.items)) {
                Some((Billing::Writes(write), _)) => (0.0, write),
                Some((Billing::BatchRead { consistent }, keys)) => {
                    output.downcast_ref::<BatchGetItemOutput>().map_or_else(
                        || reported(&capacity, reads),
                        |o| (batch_read_units(o, keys, consistent), 0.0),
                    )
                }
                _ => reported(&capacity, reads),
            };
            self.record(operation, asked, units);
        }
        Ok(())
    }
}
