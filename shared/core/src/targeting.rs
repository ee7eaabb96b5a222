//! Campaign conditions: CEL expressions over the order, the customer and the date.
//!
//! Every variable is listed in `VARIABLES` (and the README). Amounts are exposed as CEL
//! doubles because CEL has no decimal type; they serve comparisons only, and nothing
//! printed or charged is computed from them.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use cel::objects::Key;
use cel::{Context, Env, Program, Value};
use chrono::{DateTime, Datelike, Utc};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::order::Order;
use crate::profile::CustomerProfile;
use crate::validation::Problems;

/// (path, CEL type, meaning): the documented variables, also used to reject typos.
pub const VARIABLES: &[(&str, &str, &str)] = &[
    ("order.id", "string", "order id"),
    (
        "order.channel",
        "string",
        "web, mobile, store, amazon, ebay, walmart, other_marketplace",
    ),
    ("order.is_marketplace", "bool", "placed on a marketplace"),
    ("order.currency", "string", "ISO 4217 code"),
    ("order.centre", "string", "fulfillment centre"),
    (
        "order.country",
        "string",
        "ship-to country, ISO 3166-1 alpha-2",
    ),
    ("order.subtotal", "double", "sum of the lines"),
    ("order.total", "double", "order total"),
    ("order.item_count", "int", "units in the basket"),
    ("order.line_count", "int", "lines in the basket"),
    ("order.skus", "list(string)", "SKUs in the basket"),
    (
        "order.categories",
        "list(string)",
        "categories in the basket",
    ),
    (
        "order.lines",
        "list(map)",
        "lines: sku, title, category, quantity, unit_price",
    ),
    (
        "order.discount_codes",
        "list(string)",
        "codes the customer used",
    ),
    (
        "order.needs_guide",
        "bool",
        "a basket product has a how-to guide insert",
    ),
    (
        "order.free_shipping_gap",
        "double",
        "amount missing to free shipping; 0 when reached or none set",
    ),
    ("customer.id", "string", "customer id"),
    (
        "customer.orders_before",
        "int",
        "orders placed before this one",
    ),
    (
        "customer.first_order",
        "bool",
        "this is the customer's first order",
    ),
    (
        "customer.days_since_last_order",
        "int",
        "days since the previous order; -1 on a first order",
    ),
    (
        "customer.lifetime_value",
        "double",
        "sum of previous order totals",
    ),
    (
        "customer.average_order_value",
        "double",
        "lifetime value / orders before",
    ),
    (
        "customer.tags",
        "list(string)",
        "tags set by the merchant: parent, student, retiree...",
    ),
    (
        "customer.nps",
        "int",
        "last NPS score 0-10; -1 when never asked",
    ),
    (
        "customer.nps_days_ago",
        "int",
        "days since the NPS answer; -1 when none",
    ),
    ("customer.birthday_month", "int", "1-12; 0 when unknown"),
    (
        "customer.is_birthday_month",
        "bool",
        "the order is placed in the birthday month",
    ),
    (
        "customer.top_category",
        "string",
        "most-bought category; empty when none",
    ),
    (
        "customer.categories",
        "map(string, int)",
        "units bought per category",
    ),
    ("customer.skus", "map(string, int)", "units bought per SKU"),
    (
        "customer.locale",
        "string",
        "language tag; empty when unknown",
    ),
    (
        "customer.preferred_channel",
        "string",
        "channel of most orders; empty when none",
    ),
    ("today.year", "int", "year the order was placed (UTC)"),
    ("today.month", "int", "1-12"),
    ("today.day", "int", "day of the month"),
    ("today.weekday", "int", "1 = Monday ... 7 = Sunday"),
];

/// The CEL standard environment, built once and shared by every program and context.
pub fn environment() -> Arc<Env> {
    static ENV: std::sync::OnceLock<Arc<Env>> = std::sync::OnceLock::new();
    ENV.get_or_init(|| Arc::new(Env::stdlib())).clone()
}

/// Compiles a condition, reporting syntax errors with line and column, unknown
/// variables and fields, and non-boolean results against a sample order.
pub fn compile(source: &str, field: &str, p: &mut Problems) -> Option<Program> {
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
    let sample = sample_variables();
    match evaluate(&program, &sample) {
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
    Some(program)
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConditionError {
    #[error("condition gave {0}, not true or false")]
    NotBool(String),
    #[error("condition failed: {0}")]
    Failed(String),
}

/// The variables of one decision, built once and shared by every campaign's condition.
pub struct Variables {
    order: Value,
    customer: Value,
    today: Value,
}

pub fn evaluate(program: &Program, vars: &Variables) -> Result<bool, ConditionError> {
    let mut ctx = Context::with_env(environment());
    ctx.add_variable_from_value("order", vars.order.clone());
    ctx.add_variable_from_value("customer", vars.customer.clone());
    ctx.add_variable_from_value("today", vars.today.clone());
    match program.execute(&ctx) {
        Ok(Value::Bool(b)) => Ok(b),
        Ok(other) => Err(ConditionError::NotBool(format!("{other:?}"))),
        Err(e) => Err(ConditionError::Failed(e.to_string())),
    }
}

fn map(entries: Vec<(&str, Value)>) -> Value {
    let map: HashMap<Key, Value> = entries
        .into_iter()
        .map(|(k, v)| (Key::String(Arc::new(k.to_string())), v))
        .collect();
    map.into()
}

fn double(d: Decimal) -> Value {
    Value::Float(d.to_f64().unwrap_or(0.0))
}

fn string(s: &str) -> Value {
    Value::String(Arc::new(s.to_string()))
}

fn strings<'a>(items: impl IntoIterator<Item = &'a str>) -> Value {
    Value::List(Arc::new(items.into_iter().map(string).collect()))
}

fn counts(m: &std::collections::BTreeMap<String, u32>) -> Value {
    let map: HashMap<Key, Value> = m
        .iter()
        .map(|(k, v)| (Key::String(Arc::new(k.clone())), Value::Int(i64::from(*v))))
        .collect();
    map.into()
}

/// Facts the engine computes beyond the order and profile.
pub struct Derived {
    pub needs_guide: bool,
    pub free_shipping_gap: Decimal,
}

impl Variables {
    pub fn build(
        order: &Order,
        profile: &CustomerProfile,
        derived: &Derived,
        now: DateTime<Utc>,
    ) -> Self {
        let categories: BTreeSet<&str> = order
            .lines
            .iter()
            .filter_map(|l| l.category.as_deref())
            .collect();
        let lines = order
            .lines
            .iter()
            .map(|l| {
                map(vec![
                    ("sku", string(&l.sku)),
                    ("title", string(&l.title)),
                    (
                        "category",
                        string(l.category.as_deref().unwrap_or_default()),
                    ),
                    ("quantity", Value::Int(i64::from(l.quantity))),
                    ("unit_price", double(l.unit_price)),
                ])
            })
            .collect();
        let order_value = map(vec![
            ("id", string(&order.order_id)),
            ("channel", string(order.channel.as_str())),
            (
                "is_marketplace",
                Value::Bool(order.channel.is_marketplace()),
            ),
            ("currency", string(order.currency.code())),
            ("centre", string(&order.fulfillment_centre)),
            ("country", string(&order.ship_to.country)),
            ("subtotal", double(order.totals.subtotal)),
            ("total", double(order.totals.total)),
            ("item_count", Value::Int(i64::from(order.item_count()))),
            ("line_count", Value::Int(order.lines.len() as i64)),
            ("skus", strings(order.lines.iter().map(|l| l.sku.as_str()))),
            ("categories", strings(categories)),
            ("lines", Value::List(Arc::new(lines))),
            (
                "discount_codes",
                strings(order.discount_codes.iter().map(String::as_str)),
            ),
            ("needs_guide", Value::Bool(derived.needs_guide)),
            ("free_shipping_gap", double(derived.free_shipping_gap)),
        ]);
        let nps_days = profile
            .nps
            .as_ref()
            .map(|n| (now - n.at).num_days())
            .unwrap_or(-1);
        let customer = map(vec![
            ("id", string(&profile.customer_id)),
            ("orders_before", Value::Int(i64::from(profile.orders_count))),
            ("first_order", Value::Bool(profile.orders_count == 0)),
            (
                "days_since_last_order",
                Value::Int(profile.days_since_last_order(now).unwrap_or(-1)),
            ),
            ("lifetime_value", double(profile.lifetime_value)),
            ("average_order_value", double(profile.average_order_value())),
            ("tags", strings(profile.tags.iter().map(String::as_str))),
            (
                "nps",
                Value::Int(profile.nps.as_ref().map_or(-1, |n| i64::from(n.score))),
            ),
            ("nps_days_ago", Value::Int(nps_days)),
            (
                "birthday_month",
                Value::Int(profile.birthday.map_or(0, |b| i64::from(b.month()))),
            ),
            (
                "is_birthday_month",
                Value::Bool(profile.is_birthday_month(now)),
            ),
            (
                "top_category",
                string(profile.top_category().unwrap_or_default()),
            ),
            ("categories", counts(&profile.categories)),
            ("skus", counts(&profile.skus)),
            (
                "locale",
                string(
                    order
                        .customer
                        .locale
                        .as_deref()
                        .or(profile.locale.as_deref())
                        .unwrap_or_default(),
                ),
            ),
            (
                "preferred_channel",
                string(profile.preferred_channel().map_or("", |c| c.as_str())),
            ),
        ]);
        let today = map(vec![
            ("year", Value::Int(i64::from(now.year()))),
            ("month", Value::Int(i64::from(now.month()))),
            ("day", Value::Int(i64::from(now.day()))),
            (
                "weekday",
                Value::Int(i64::from(now.weekday().number_from_monday())),
            ),
        ]);
        Variables {
            order: order_value,
            customer,
            today,
        }
    }
}

fn sample_variables() -> Variables {
    let order: Order =
        serde_json::from_str(crate::samples::ORDER_JSON).expect("sample order parses");
    let profile = CustomerProfile::new(&order.merchant, &order.customer.id);
    let derived = Derived {
        needs_guide: false,
        free_shipping_gap: Decimal::ZERO,
    };
    Variables::build(&order, &profile, &derived, order.placed_at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(source: &str) -> Result<Program, Vec<String>> {
        let mut p = Problems::default();
        let program = compile(source, "condition", &mut p);
        match p.finish() {
            Ok(()) => Ok(program.unwrap()),
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

    #[test]
    fn every_documented_variable_resolves() {
        for (path, _, _) in VARIABLES {
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
}
