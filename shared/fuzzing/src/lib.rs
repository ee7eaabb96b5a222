//! The fuzz targets' bodies: each takes arbitrary bytes, runs them through the entry
//! point production runs on untrusted input, and asserts what must hold for every input,
//! not only that nothing panics:
//!
//! - `order`: an SQS message body parsed as the queue handler parses it and validated as
//!   the processor validates it. A valid order re-serializes to an equal order, its lines
//!   add up to its subtotal, and the demo merchant's campaigns decide it, the same way
//!   twice. An invalid one names every field at fault.
//! - `campaign`: a request body read as the merchant API reads a campaign, then checked
//!   as `create` and `validate` check it. A refused body names the field at fault; a
//!   campaign that passes round-trips through JSON, compiles into a campaign set, and
//!   decides the sample order.
//! - `cel_compile`: a condition compiled as a campaign's condition is. Refused ones carry
//!   messages; accepted ones evaluate on the sample order to a bool or a `ConditionError`.
//! - `cel_evaluate`: a condition, then after a NUL byte an optional order document. The
//!   fast path and the cel interpreter agree, and so do the variables a decision builds
//!   (only those the condition needs) and all of them.
//!
//! The fuzz targets in `fuzz/` call these under libFuzzer; `tests/corpus.rs` replays the
//! committed corpus through them with `cargo test`.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use aws_lambda_events::event::sqs::SqsMessage;
use packwise_core::campaign::{Campaign, CampaignStatus};
use packwise_core::decide::{Decision, DecisionInput, decide};
use packwise_core::insert::Insert;
use packwise_core::order::{Order, OrderLine};
use packwise_core::profile::CustomerProfile;
use packwise_core::settings::MerchantSettings;
use packwise_core::targeting::{
    self, Condition, ConditionError, Derived, Facts, Needs, Variables, evaluate,
    evaluate_on_interpreter,
};
use packwise_core::validation::{FieldError, Invalid, Problems};
use packwise_core::{CampaignSet, samples};
use rust_decimal::Decimal;

/// What a target checks: it panics on an input that breaks what must hold.
pub type Target = fn(&[u8]);

/// The fuzz targets by name, each with its function: the names of `fuzz/fuzz_targets/`
/// and of the corpus directories.
pub const TARGETS: [(&str, Target); 4] = [
    ("order", order),
    ("campaign", campaign),
    ("cel_compile", cel_compile),
    ("cel_evaluate", cel_evaluate),
];

/// The function of the target called `name`.
pub fn target(name: &str) -> Option<Target> {
    TARGETS.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
}

/// The demo merchant: settings, inserts and campaigns, compiled once.
struct Demo {
    settings: MerchantSettings,
    inserts: Vec<Insert>,
    set: CampaignSet,
}

fn demo() -> &'static Demo {
    static DEMO: OnceLock<Demo> = OnceLock::new();
    DEMO.get_or_init(|| {
        let settings = packwise_synth::demo::settings();
        let inserts = packwise_synth::demo::inserts();
        let set = CampaignSet::build(
            settings.clone(),
            packwise_synth::demo::campaigns(),
            inserts.clone(),
        );
        assert!(set.broken.is_empty(), "the demo campaigns compile");
        Demo {
            settings,
            inserts,
            set,
        }
    })
}

fn sample_order() -> &'static Order {
    static ORDER: OnceLock<Order> = OnceLock::new();
    ORDER.get_or_init(|| serde_json::from_str(samples::ORDER_JSON).expect("the sample parses"))
}

/// Every problem names a field and says what is wrong with it.
fn assert_specific(errors: &[FieldError]) {
    assert!(!errors.is_empty(), "a refusal without a problem");
    for e in errors {
        assert!(
            !e.field.trim().is_empty(),
            "a problem without a field: {e:?}"
        );
        assert!(
            !e.message.trim().is_empty(),
            "a problem without a message: {e:?}"
        );
    }
}

fn assert_invalid(invalid: &Invalid) {
    assert_specific(&invalid.errors);
}

/// Decides `order` for a first-time and a returning customer, twice each: a decision is
/// pure, so both runs must give the same instruction.
fn decide_all_ways(order: &Order, set: &CampaignSet) {
    let stock: BTreeMap<String, i64> = set
        .inserts
        .values()
        .map(|i| {
            let on_hand = i.stock.get(&order.fulfillment_centre).copied();
            (i.sku.clone(), on_hand.unwrap_or(100))
        })
        .collect();
    let issued = BTreeMap::new();
    let new = CustomerProfile::new(&order.merchant, &order.customer.id);
    let mut returning = new.clone();
    returning.record_order(order);
    for profile in [&new, &returning] {
        let input = DecisionInput {
            order,
            profile,
            set,
            stock: &stock,
            issued: &issued,
            similar: &[],
            explain: true,
            now: order.placed_at,
        };
        let first: Decision = decide(&input);
        let again = decide(&input);
        assert_eq!(first.instruction, again.instruction, "decide is pure");
        assert_eq!(first.instruction.order_id, order.order_id);
    }
}

/// An SQS message body through the handler's parsing and the processor's validation.
pub fn order(data: &[u8]) {
    let Ok(body) = std::str::from_utf8(data) else {
        return; // an SQS body is a string: the queue never delivers such bytes
    };
    let mut message = SqsMessage::default();
    message.body = Some(body.to_string());
    let order = match packwise_handlers::order_messages::parse(&message) {
        Ok(order) => order,
        Err(reason) => {
            assert!(reason.starts_with("not a valid order: "), "{reason}");
            return;
        }
    };
    if let Err(invalid) = order.validate() {
        assert_invalid(&invalid);
        return;
    }
    // What is stored and written is the order re-serialized: it must read back the same.
    let json = serde_json::to_string(&order).expect("an order serializes");
    let again: Order = serde_json::from_str(&json).expect("a serialized order parses");
    assert_eq!(again, order, "the order round-trips through JSON");
    assert_eq!(again.validate(), Ok(()));
    let lines: Decimal = order.lines.iter().map(OrderLine::total).sum();
    assert_eq!(
        lines, order.totals.subtotal,
        "the lines add up to the subtotal"
    );
    let units: u64 = order.lines.iter().map(|l| u64::from(l.quantity)).sum();
    assert_eq!(u64::from(order.item_count()), units);
    decide_all_ways(&order, &demo().set);
}

/// A request body read as the API reads a campaign, then checked as `create` checks it
/// against the demo merchant's inserts.
pub fn campaign(data: &[u8]) {
    let campaign: Campaign = match packwise_api::body::decode(data) {
        Ok(campaign) => campaign,
        Err(problem) => {
            assert_eq!(problem.status, 400, "{problem:?}");
            assert_specific(&problem.errors);
            return;
        }
    };
    let demo = demo();
    if let Err(invalid) = CampaignSet::validate(&campaign, &demo.inserts) {
        assert_invalid(&invalid);
        return;
    }
    assert_eq!(campaign.validate_alone(), Ok(()));
    // What is stored is the campaign re-serialized: it must read back the same.
    let json = serde_json::to_vec(&campaign).expect("a campaign serializes");
    let again: Campaign = packwise_api::body::decode(&json).expect("a stored campaign reads");
    assert_eq!(again, campaign, "the campaign round-trips through JSON");
    // A campaign that passed validation compiles when orders come.
    let mut running = campaign;
    running.status = CampaignStatus::Active;
    running.schedule = Default::default();
    let set = CampaignSet::build(demo.settings.clone(), vec![running], demo.inserts.clone());
    assert!(
        set.broken.is_empty(),
        "a valid campaign does not compile: {:?}",
        set.broken
    );
    decide_all_ways(sample_order(), &set);
}

/// Compiles a condition as a campaign's is compiled: `Some` without problems, or
/// problems naming the field.
fn compile(source: &str) -> Option<Condition> {
    let mut p = Problems::default();
    let condition = targeting::compile(source, "condition", &mut p);
    match p.finish() {
        Ok(()) => Some(condition.expect("no problem but no condition")),
        Err(invalid) => {
            assert_invalid(&invalid);
            assert!(invalid.errors.iter().all(|e| e.field == "condition"));
            None
        }
    }
}

fn variables<'o>(
    order: &'o Order,
    profile: &'o CustomerProfile,
    derived: &'o Derived,
    needs: Needs,
) -> Variables<'o> {
    let facts = Facts {
        order,
        profile,
        derived,
        now: order.placed_at,
    };
    Variables::build(&facts, needs)
}

/// Evaluates a compiled condition every way on one order: the answer is a bool or a
/// `ConditionError`, the same on the fast path as on the interpreter, and the same with
/// only the variables the condition needs as with all of them.
fn evaluate_every_way(source: &str, condition: &Condition, order: &Order) {
    let derived = Derived {
        needs_guide: order.lines.len() % 2 == 1,
        free_shipping_gap: Decimal::new(1250, 2),
    };
    let new = CustomerProfile::new(&order.merchant, &order.customer.id);
    let mut returning = new.clone();
    returning.record_order(order);
    returning.tags = vec!["parent".into(), "student".into()];
    for profile in [&new, &returning] {
        let all = variables(order, profile, &derived, Needs::ALL);
        let needed = variables(order, profile, &derived, condition.needs);
        let result: Result<bool, ConditionError> = evaluate(condition, &needed);
        assert_same(
            &result,
            &evaluate_on_interpreter(condition, &needed),
            "fast path and interpreter disagree",
            source,
        );
        assert_same(
            &result,
            &evaluate(condition, &all),
            "the needed variables and all of them disagree",
            source,
        );
    }
}

/// The same value, or the same kind of error: cel prints a map in its hash order, so
/// the message of an error that shows one may differ from run to run.
fn assert_same(
    a: &Result<bool, ConditionError>,
    b: &Result<bool, ConditionError>,
    what: &str,
    source: &str,
) {
    let same = match (a, b) {
        (Err(ConditionError::Failed(_)), Err(ConditionError::Failed(_)))
        | (Err(ConditionError::NotBool(_)), Err(ConditionError::NotBool(_))) => true,
        _ => a == b,
    };
    assert!(same, "{what} on {source:?}: {a:?} and {b:?}");
}

/// A condition compiled as a campaign's condition is.
pub fn cel_compile(data: &[u8]) {
    let Ok(source) = std::str::from_utf8(data) else {
        return; // conditions arrive in JSON strings: always UTF-8
    };
    if let Some(condition) = compile(source) {
        evaluate_every_way(source, &condition, sample_order());
    }
}

/// A condition, then after a NUL byte an order document for it to see (the sample order
/// when there is none or it is not a valid order).
pub fn cel_evaluate(data: &[u8]) {
    let (source, rest) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let Ok(source) = std::str::from_utf8(source) else {
        return;
    };
    let Some(condition) = compile(source) else {
        return;
    };
    let order = serde_json::from_slice::<Order>(rest)
        .ok()
        .filter(|o| o.validate().is_ok());
    evaluate_every_way(source, &condition, order.as_ref().unwrap_or(sample_order()));
}
