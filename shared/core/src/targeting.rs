//! Campaign conditions: CEL expressions over the order, the customer and the date.
//!
//! Every variable is listed in `VARIABLES` (and the README). Amounts are exposed as CEL
//! doubles because CEL has no decimal type; they serve comparisons only, and nothing
//! printed or charged is computed from them.

mod datum;
mod eval;
mod lower;

#[cfg(test)]
mod bench_conditions;
#[cfg(test)]
mod differential_tests;
#[cfg(test)]
mod generate;

use std::cell::OnceCell;
use std::collections::BTreeSet;
use std::sync::Arc;

use cel::common::ast::{EntryExpr, Expr, IdedExpr};
use cel::{Context, Env, Program, Value};
use chrono::{DateTime, Datelike, Utc};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::order::Order;
use crate::profile::CustomerProfile;
use crate::validation::Problems;
use datum::Datum;

/// Everything a condition can see about one decision.
pub struct Facts<'a> {
    pub order: &'a Order,
    pub profile: &'a CustomerProfile,
    pub derived: &'a Derived,
    pub now: DateTime<Utc>,
}

/// Reads a variable's value; strings are borrowed from the order and the profile.
type Build = for<'o> fn(&Facts<'o>) -> Datum<'o>;

/// A documented variable: path, CEL type, meaning, and how to compute it.
pub struct Variable {
    pub path: &'static str,
    pub cel_type: &'static str,
    pub meaning: &'static str,
    build: Build,
}

const fn var(
    path: &'static str,
    cel_type: &'static str,
    meaning: &'static str,
    build: Build,
) -> Variable {
    Variable {
        path,
        cel_type,
        meaning,
        build,
    }
}

/// Every variable a condition may use (the README's table is generated from the same
/// list by `packwise campaign variables`). Only the ones some campaign uses are computed.
pub const VARIABLES: &[Variable] = &[
    var("order.id", "string", "order id", |f| {
        string(&f.order.order_id)
    }),
    var(
        "order.channel",
        "string",
        "web, mobile, store, amazon, ebay, walmart, other_marketplace",
        |f| string(f.order.channel.as_str()),
    ),
    var(
        "order.is_marketplace",
        "bool",
        "placed on a marketplace",
        |f| Datum::Bool(f.order.channel.is_marketplace()),
    ),
    var("order.currency", "string", "ISO 4217 code", |f| {
        string(f.order.currency.code())
    }),
    var("order.centre", "string", "fulfillment centre", |f| {
        string(&f.order.fulfillment_centre)
    }),
    var(
        "order.country",
        "string",
        "ship-to country, ISO 3166-1 alpha-2",
        |f| string(&f.order.ship_to.country),
    ),
    var("order.subtotal", "double", "sum of the lines", |f| {
        double(f.order.totals.subtotal)
    }),
    var("order.total", "double", "order total", |f| {
        double(f.order.totals.total)
    }),
    var("order.item_count", "int", "units in the basket", |f| {
        Datum::Int(i64::from(f.order.item_count()))
    }),
    var("order.line_count", "int", "lines in the basket", |f| {
        Datum::Int(f.order.lines.len() as i64)
    }),
    var("order.skus", "list(string)", "SKUs in the basket", |f| {
        strings(f.order.lines.iter().map(|l| l.sku.as_str()))
    }),
    var(
        "order.categories",
        "list(string)",
        "categories in the basket, each once",
        |f| {
            let set: BTreeSet<&str> = f
                .order
                .lines
                .iter()
                .filter_map(|l| l.category.as_deref())
                .collect();
            strings(set)
        },
    ),
    var(
        "order.lines",
        "list(map)",
        "lines: sku, title, category, quantity, unit_price",
        |f| Datum::List(f.order.lines.iter().map(line).collect()),
    ),
    var(
        "order.discount_codes",
        "list(string)",
        "codes the customer used",
        |f| strings(f.order.discount_codes.iter().map(String::as_str)),
    ),
    var(
        "order.needs_guide",
        "bool",
        "a basket product has a how-to guide insert",
        |f| Datum::Bool(f.derived.needs_guide),
    ),
    var(
        "order.free_shipping_gap",
        "double",
        "amount missing to free shipping; 0 when reached or none set",
        |f| double(f.derived.free_shipping_gap),
    ),
    var("customer.id", "string", "customer id", |f| {
        string(&f.profile.customer_id)
    }),
    var(
        "customer.orders_before",
        "int",
        "orders placed before this one",
        |f| Datum::Int(i64::from(f.profile.orders_count)),
    ),
    var(
        "customer.first_order",
        "bool",
        "this is the customer's first order",
        |f| Datum::Bool(f.profile.orders_count == 0),
    ),
    var(
        "customer.days_since_last_order",
        "int",
        "days since the previous order; -1 on a first order",
        |f| Datum::Int(f.profile.days_since_last_order(f.now).unwrap_or(-1)),
    ),
    var(
        "customer.lifetime_value",
        "double",
        "sum of previous order totals",
        |f| double(f.profile.lifetime_value),
    ),
    var(
        "customer.average_order_value",
        "double",
        "lifetime value / orders before",
        |f| double(f.profile.average_order_value()),
    ),
    var(
        "customer.tags",
        "list(string)",
        "tags set by the merchant: parent, student, retiree...",
        |f| strings(f.profile.tags.iter().map(String::as_str)),
    ),
    var(
        "customer.nps",
        "int",
        "last NPS score 0-10; -1 when never asked",
        |f| Datum::Int(f.profile.nps.as_ref().map_or(-1, |n| i64::from(n.score))),
    ),
    var(
        "customer.nps_days_ago",
        "int",
        "days since the NPS answer; -1 when none",
        |f| {
            Datum::Int(
                f.profile
                    .nps
                    .as_ref()
                    .map_or(-1, |n| (f.now - n.at).num_days()),
            )
        },
    ),
    var(
        "customer.birthday_month",
        "int",
        "1-12; 0 when unknown",
        |f| Datum::Int(f.profile.birthday.map_or(0, |b| i64::from(b.month()))),
    ),
    var(
        "customer.is_birthday_month",
        "bool",
        "the order is placed in the birthday month",
        |f| Datum::Bool(f.profile.is_birthday_month(f.now)),
    ),
    var(
        "customer.top_category",
        "string",
        "most-bought category; empty when none",
        |f| string(f.profile.top_category().unwrap_or_default()),
    ),
    var(
        "customer.categories",
        "map(string, int)",
        "units bought per category",
        |f| counts(&f.profile.categories),
    ),
    var(
        "customer.skus",
        "map(string, int)",
        "units bought per SKU",
        |f| counts(&f.profile.skus),
    ),
    var(
        "customer.locale",
        "string",
        "language tag; empty when unknown",
        |f| {
            string(
                f.order
                    .customer
                    .locale
                    .as_deref()
                    .or(f.profile.locale.as_deref())
                    .unwrap_or_default(),
            )
        },
    ),
    var(
        "customer.preferred_channel",
        "string",
        "channel of most orders; empty when none",
        |f| string(f.profile.preferred_channel().map_or("", |c| c.as_str())),
    ),
    var(
        "today.year",
        "int",
        "year the order was placed (UTC)",
        |f| Datum::Int(i64::from(f.now.year())),
    ),
    var("today.month", "int", "1-12", |f| {
        Datum::Int(i64::from(f.now.month()))
    }),
    var("today.day", "int", "day of the month", |f| {
        Datum::Int(i64::from(f.now.day()))
    }),
    var("today.weekday", "int", "1 = Monday ... 7 = Sunday", |f| {
        Datum::Int(i64::from(f.now.weekday().number_from_monday()))
    }),
];

const ROOTS: [&str; 3] = ["order", "customer", "today"];
const WHOLE_ROOT_BIT: usize = 60;
const _: () = assert!(VARIABLES.len() <= WHOLE_ROOT_BIT, "one bit per variable");

/// Which variables some condition uses: a bit per entry of `VARIABLES`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Needs(u64);

impl Needs {
    pub const ALL: Needs = Needs(u64::MAX);

    pub fn union(self, other: Needs) -> Needs {
        Needs(self.0 | other.0)
    }

    fn has(self, index: usize) -> bool {
        self.0 & (1 << index) != 0
    }

    /// A condition uses the root itself (`customer`), not only its fields: it gets the
    /// whole map as well, in bits above the variables'.
    fn add_root(&mut self, root: &str) {
        let slot = ROOTS.iter().position(|r| *r == root).expect("known root");
        self.0 |= 1 << (WHOLE_ROOT_BIT + slot);
        for (i, v) in VARIABLES.iter().enumerate() {
            if v.path.split('.').next() == Some(root) {
                self.0 |= 1 << i;
            }
        }
    }
}

/// Walks a condition: records the variables it uses and reports unknown ones. Iteration
/// variables of macros (`l` in `order.lines.exists(l, ...)`) are in `bound`.
fn collect_needs(
    expr: &IdedExpr,
    bound: &mut Vec<String>,
    needs: &mut Needs,
    unknown: &mut Vec<String>,
) {
    match &expr.expr {
        Expr::Select(select) => {
            if let Expr::Ident(root) = &select.operand.expr
                && ROOTS.contains(&root.as_str())
                && !bound.contains(root)
            {
                let path = format!("{root}.{}", select.field);
                match VARIABLES.iter().position(|v| v.path == path) {
                    // cel tests `has(customer.tags)` on the root's map: bind it.
                    Some(_) if select.test => needs.add_root(root),
                    Some(i) => needs.0 |= 1 << i,
                    None => unknown.push(path),
                }
            } else {
                collect_needs(&select.operand, bound, needs, unknown);
            }
        }
        Expr::Ident(name) => {
            if ROOTS.contains(&name.as_str()) && !bound.contains(name) {
                needs.add_root(name);
            } else if !bound.contains(name) {
                unknown.push(name.clone());
            }
        }
        Expr::Call(call) => {
            if let Some(target) = &call.target {
                collect_needs(target, bound, needs, unknown);
            }
            for arg in &call.args {
                collect_needs(arg, bound, needs, unknown);
            }
        }
        Expr::Comprehension(c) => {
            collect_needs(&c.iter_range, bound, needs, unknown);
            collect_needs(&c.accu_init, bound, needs, unknown);
            let depth = bound.len();
            bound.push(c.iter_var.clone());
            bound.extend(c.iter_var2.clone());
            bound.push(c.accu_var.clone());
            for e in [&c.loop_cond, &c.loop_step, &c.result] {
                collect_needs(e, bound, needs, unknown);
            }
            bound.truncate(depth);
        }
        Expr::List(list) => {
            for e in &list.elements {
                collect_needs(e, bound, needs, unknown);
            }
        }
        Expr::Map(map) => {
            for entry in &map.entries {
                if let EntryExpr::MapEntry(e) = &entry.expr {
                    collect_needs(&e.key, bound, needs, unknown);
                    collect_needs(&e.value, bound, needs, unknown);
                }
            }
        }
        Expr::Struct(s) => {
            for entry in &s.entries {
                if let EntryExpr::StructField(f) = &entry.expr {
                    collect_needs(&f.value, bound, needs, unknown);
                }
            }
        }
        Expr::Literal(_) | Expr::Unspecified => {}
    }
}

/// The CEL standard environment, built once and shared by every program and context.
pub fn environment() -> Arc<Env> {
    static ENV: std::sync::OnceLock<Arc<Env>> = std::sync::OnceLock::new();
    ENV.get_or_init(|| Arc::new(Env::stdlib())).clone()
}

/// A condition compiled both ways: the cel program is the reference and the fallback; the
/// lowered tree, when the condition stays within the subset it covers, is the fast path.
pub struct Condition {
    program: Program,
    fast: Option<lower::Node>,
    pub needs: Needs,
}

// Campaign sets are shared by the threads that decide orders.
const _: fn() = || {
    fn shared<T: Send + Sync>() {}
    shared::<Condition>();
};

impl std::fmt::Debug for Condition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Condition")
            .field("fast", &self.fast.is_some())
            .field("needs", &self.needs)
            .finish_non_exhaustive()
    }
}

impl Condition {
    /// Whether the condition runs on the fast path (else always on the interpreter).
    pub fn is_fast(&self) -> bool {
        self.fast.is_some()
    }
}

/// Slot of a variable in `Variables`: the variables in `VARIABLES` order, then the roots.
fn slot_of(name: &str) -> Option<usize> {
    VARIABLES.iter().position(|v| v.path == name).or_else(|| {
        ROOTS
            .iter()
            .position(|r| *r == name)
            .map(|i| VARIABLES.len() + i)
    })
}

fn slot_name(slot: usize) -> &'static str {
    VARIABLES
        .get(slot)
        .map_or_else(|| ROOTS[slot - VARIABLES.len()], |v| v.path)
}

/// The deepest a condition may nest (`1 + 1 + ...` of 100 terms; the parser refuses
/// parentheses nested 96 deep itself): far beyond any real condition, and far within the
/// stack the interpreter's recursion needs. Deeper ones overflowed the stack, aborting
/// the process.
pub const MAX_DEPTH: usize = 100;

/// How deep an expression nests, counted without recursion.
fn depth(expr: &IdedExpr) -> usize {
    let mut deepest = 0;
    let mut todo = vec![(expr, 1)];
    while let Some((expr, level)) = todo.pop() {
        deepest = deepest.max(level);
        let next = level + 1;
        match &expr.expr {
            Expr::Select(select) => todo.push((&select.operand, next)),
            Expr::Call(call) => {
                todo.extend(call.target.iter().map(|t| (&**t, next)));
                todo.extend(call.args.iter().map(|a| (a, next)));
            }
            Expr::Comprehension(c) => todo.extend(
                [
                    &c.iter_range,
                    &c.accu_init,
                    &c.loop_cond,
                    &c.loop_step,
                    &c.result,
                ]
                .map(|e| (e, next)),
            ),
            Expr::List(list) => todo.extend(list.elements.iter().map(|e| (e, next))),
            Expr::Map(map) => {
                for entry in &map.entries {
                    if let EntryExpr::MapEntry(e) = &entry.expr {
                        todo.extend([(&e.key, next), (&e.value, next)]);
                    }
                }
            }
            Expr::Struct(s) => {
                for entry in &s.entries {
                    if let EntryExpr::StructField(f) = &entry.expr {
                        todo.push((&f.value, next));
                    }
                }
            }
            Expr::Ident(_) | Expr::Literal(_) | Expr::Unspecified => {}
        }
    }
    deepest
}

/// Compiles a condition, reporting syntax errors with line and column, unknown
/// variables and fields, and non-boolean results against a sample order.
pub fn compile(source: &str, field: &str, p: &mut Problems) -> Option<Condition> {
    let program = match environment().compile(source) {
        Ok(program) => program,
        Err(errors) => {
            for e in errors.errors {
                p.add(
                    field,
                    format!("line {}, column {}: {}", e.pos.0, e.pos.1 + 1, e.msg),
                );
            }
            return None;
        }
    };
    let depth = depth(program.expression());
    if depth > MAX_DEPTH {
        p.add(
            field,
            format!("nests {depth} levels deep; at most {MAX_DEPTH}: split it into simpler parts"),
        );
        return None;
    }
    let mut needs = Needs::default();
    let mut unknown = Vec::new();
    collect_needs(
        program.expression(),
        &mut Vec::new(),
        &mut needs,
        &mut unknown,
    );
    if !unknown.is_empty() {
        for name in unknown {
            p.add(
                field,
                format!("unknown variable `{name}`: see the documented variables (order.*, customer.*, today.*)"),
            );
        }
        return None;
    }
    let sample = sample_variables();
    match evaluate_reference(&program, &sample) {
        Ok(_) => {}
        Err(ConditionError::NotBool(got)) => {
            p.add(field, format!("must give true or false, gives {got}"))
        }
        Err(ConditionError::Failed(msg)) if msg.starts_with("No such key") => {
            p.add(field, format!("{msg}: see the documented variables"))
        }
        Err(ConditionError::Failed(msg)) if msg.starts_with("Undeclared reference") => p.add(
            field,
            format!("{msg}: the variables are order, customer and today"),
        ),
        Err(ConditionError::Failed(_)) => {} // data-dependent (an index, a division): judged per order
    }
    let fast = lower::lower(
        program.expression(),
        &mut lower::Names::new(&slot_of, &ROOTS),
    );
    Some(Condition {
        program,
        fast,
        needs,
    })
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConditionError {
    #[error("condition gave {0}, not true or false")]
    NotBool(String),
    #[error("condition failed: {0}")]
    Failed(String),
}

/// The variables of one decision, computed once and shared by every campaign's condition
/// (computing them per condition cost most of a decision's time).
pub struct Variables<'o> {
    /// By slot (see `slot_of`); `None` for the variables no campaign uses.
    slots: Vec<Option<Datum<'o>>>,
    /// The same variables as cel values, converted only when a condition needs the
    /// interpreter: one outside the fast path's subset, or one that fails.
    reference: OnceCell<Context<'static, 'static>>,
}

/// Evaluates a condition: on the fast path when it can, else, and for any error or
/// non-boolean result, on the cel interpreter, so results and messages are cel's.
pub fn evaluate(condition: &Condition, vars: &Variables<'_>) -> Result<bool, ConditionError> {
    if let Some(node) = &condition.fast
        && let Ok(b) = eval::run(node, &vars.slots)
    {
        return Ok(b);
    }
    evaluate_reference(&condition.program, vars)
}

/// Evaluates a condition on the cel interpreter alone: the reference `evaluate` must
/// agree with, whichever path answers. For tests and the fuzz targets.
pub fn evaluate_on_interpreter(
    condition: &Condition,
    vars: &Variables<'_>,
) -> Result<bool, ConditionError> {
    evaluate_reference(&condition.program, vars)
}

fn evaluate_reference(program: &Program, vars: &Variables<'_>) -> Result<bool, ConditionError> {
    match program.execute(vars.reference()) {
        Ok(Value::Bool(b)) => Ok(b),
        Ok(other) => Err(ConditionError::NotBool(format!("{other:?}"))),
        Err(e) => Err(ConditionError::Failed(e.to_string())),
    }
}

fn double(d: Decimal) -> Datum<'static> {
    Datum::Double(d.to_f64().unwrap_or(0.0))
}

fn string(s: &str) -> Datum<'_> {
    Datum::str(s)
}

fn strings<'a>(items: impl IntoIterator<Item = &'a str>) -> Datum<'a> {
    Datum::strings(items)
}

fn counts(m: &std::collections::BTreeMap<String, u32>) -> Datum<'_> {
    Datum::map(
        m.iter()
            .map(|(k, v)| (k.as_str(), Datum::Int(i64::from(*v)))),
    )
}

/// Facts the engine computes beyond the order and profile.
pub struct Derived {
    pub needs_guide: bool,
    pub free_shipping_gap: Decimal,
}

fn line(l: &crate::order::OrderLine) -> Datum<'_> {
    Datum::map([
        ("sku", string(&l.sku)),
        ("title", string(&l.title)),
        (
            "category",
            string(l.category.as_deref().unwrap_or_default()),
        ),
        ("quantity", Datum::Int(i64::from(l.quantity))),
        ("unit_price", double(l.unit_price)),
    ])
}

impl<'o> Variables<'o> {
    /// Computes the variables in `needs` only: a merchant whose campaigns never look at
    /// `customer.skus` does not pay for building it.
    pub fn build(facts: &Facts<'o>, needs: Needs) -> Self {
        let mut slots: Vec<Option<Datum>> = vec![None; VARIABLES.len() + ROOTS.len()];
        let mut roots: [Vec<(&'static str, Datum)>; 3] = [Vec::new(), Vec::new(), Vec::new()];
        for (i, v) in VARIABLES.iter().enumerate() {
            if !needs.has(i) {
                continue;
            }
            let value = (v.build)(facts);
            let (root, field) = v.path.split_once('.').expect("paths are root.field");
            let slot = ROOTS.iter().position(|r| *r == root).expect("known root");
            if needs.has(WHOLE_ROOT_BIT + slot) {
                roots[slot].push((field, value.clone()));
            }
            slots[i] = Some(value);
        }
        for (slot, fields) in roots.into_iter().enumerate() {
            if needs.has(WHOLE_ROOT_BIT + slot) {
                slots[VARIABLES.len() + slot] = Some(Datum::map(fields));
            }
        }
        Variables {
            slots,
            reference: OnceCell::new(),
        }
    }

    /// Variables with the given slot values, for testing both paths on bindings no
    /// order would produce (a NaN, an `i64::MAX`).
    #[cfg(test)]
    fn from_slots(slots: Vec<Option<Datum<'o>>>) -> Self {
        Variables {
            slots,
            reference: OnceCell::new(),
        }
    }

    /// The same variables, independent of the order they were read from.
    fn into_owned(self) -> Variables<'static> {
        Variables {
            slots: self
                .slots
                .into_iter()
                .map(|d| d.map(Datum::into_owned))
                .collect(),
            reference: self.reference,
        }
    }

    fn reference(&self) -> &Context<'static, 'static> {
        self.reference.get_or_init(|| {
            let mut context = Context::with_env(environment());
            for (slot, value) in self.slots.iter().enumerate() {
                if let Some(value) = value {
                    // Bound under its dotted name: CEL resolves the most specific name
                    // first, so `customer.tags` is found directly instead of by cloning
                    // the `customer` map.
                    context.add_variable_from_value(slot_name(slot), value.to_cel());
                }
            }
            context
        })
    }
}

fn sample_variables() -> Variables<'static> {
    let order: Order =
        serde_json::from_str(crate::samples::ORDER_JSON).expect("sample order parses");
    let profile = CustomerProfile::new(&order.merchant, &order.customer.id);
    let derived = Derived {
        needs_guide: false,
        free_shipping_gap: Decimal::ZERO,
    };
    let facts = Facts {
        order: &order,
        profile: &profile,
        derived: &derived,
        now: order.placed_at,
    };
    Variables::build(&facts, Needs::ALL).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(source: &str) -> Result<Condition, Vec<String>> {
        let mut p = Problems::default();
        let condition = compile(source, "condition", &mut p);
        match p.finish() {
            Ok(()) => Ok(condition.unwrap()),
            Err(e) => Err(e.errors.into_iter().map(|e| e.message).collect()),
        }
    }

    #[test]
    fn syntax_errors_carry_their_position() {
        let errs = check("customer.orders_before == ").unwrap_err();
        assert!(errs[0].starts_with("line 1, column"), "{errs:?}");
    }

    #[test]
    fn unknown_variables_and_fields_are_rejected() {
        let errs = check("client.orders_before == 0").unwrap_err();
        assert!(errs[0].contains("client"), "{errs:?}");
        let errs = check("customer.ordrs_before == 0").unwrap_err();
        assert!(errs[0].contains("ordrs_before"), "{errs:?}");
        let errs = check("customer.orders_before + 1").unwrap_err();
        assert!(errs[0].contains("true or false"), "{errs:?}");
    }

    /// Found by fuzzing: `1 + 1 + ... == 2` of 1,500 terms overflowed the stack in the
    /// cel interpreter while the condition was checked on the sample order, aborting the
    /// API (and would have aborted every order processor evaluating it).
    #[test]
    fn conditions_nested_too_deep_are_refused_not_overflowed() {
        let deep = format!("{}1 == 2", "1 + ".repeat(1500));
        let errs = check(&deep).unwrap_err();
        assert_eq!(
            errs,
            ["nests 1502 levels deep; at most 100: split it into simpler parts"]
        );
        // Nested parentheses and calls meet the parser's own limit first: a problem too.
        let parens = format!("{}true{}", "(size([".repeat(60), "]) > 0)".repeat(60));
        let errs = check(&parens).unwrap_err();
        assert!(errs[0].contains("Recursion limit"), "{errs:?}");
        // The deepest allowed compiles and runs, on a test thread's small stack.
        let deepest = format!("{}1 == 99", "1 + ".repeat(MAX_DEPTH - 2));
        let condition = check(&deepest).unwrap();
        assert_eq!(evaluate(&condition, &sample_variables()), Ok(true));
        assert_eq!(
            evaluate_on_interpreter(&condition, &sample_variables()),
            Ok(true)
        );
    }

    #[test]
    fn every_documented_variable_resolves() {
        for v in VARIABLES {
            let path = v.path;
            let source = format!("{path} == {path}");
            check(&source).unwrap_or_else(|e| panic!("{path}: {e:?}"));
        }
    }

    #[test]
    fn conditions_see_the_order_and_customer() {
        let vars = sample_variables();
        let yes = check(r#"customer.first_order && order.channel == "web" && "TEA-1" in order.skus && order.subtotal >= 9.0"#).unwrap();
        assert_eq!(evaluate(&yes, &vars), Ok(true));
        let no = check("customer.days_since_last_order >= 90").unwrap();
        assert_eq!(evaluate(&no, &vars), Ok(false));
        let lines =
            check(r#"order.lines.exists(l, l.category == "tea" && l.quantity >= 2)"#).unwrap();
        assert_eq!(evaluate(&lines, &vars), Ok(true));
    }

    #[test]
    fn a_presence_test_sees_the_variables_it_names() {
        let order: Order =
            serde_json::from_str(crate::samples::ORDER_JSON).expect("sample order parses");
        let profile = CustomerProfile::new(&order.merchant, &order.customer.id);
        let derived = Derived {
            needs_guide: false,
            free_shipping_gap: Decimal::ZERO,
        };
        let facts = Facts {
            order: &order,
            profile: &profile,
            derived: &derived,
            now: order.placed_at,
        };
        let condition = check("has(order.skus) && has(customer.tags)").unwrap();
        // Only what this condition needs, as decide builds them.
        let vars = Variables::build(&facts, condition.needs);
        assert_eq!(evaluate(&condition, &vars), Ok(true));
        assert!(condition.is_fast());
    }
}
