//! Evaluates a lowered condition with CEL's semantics, reading the order's variables in
//! place. Hand-written rather than taken from a library because the cel crate's
//! interpreter, the reference, spends most of a decision resolving names and copying
//! lists; a small closed tree over slots does neither.
//!
//! The evaluator never reports an error itself: `Defer` hands the whole condition to
//! the cel interpreter, which then gives the answer and the error message. So a value
//! is returned only where it is certain to be cel's, and `Defer` wherever cel fails or
//! the case is not covered (a `map` or `filter` over a map, whose order cel leaves to
//! hashing). This stays sound under `&&`, `||` and `exists`/`all`, which forgive an error
//! only beside an operand that decides the result whatever the other one is, so a
//! deferred operand there gives cel's answer too.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::rc::Rc;

use super::datum::{Datum, Fields};
use super::lower::{Binary, Collect, Node, Operand, Quantifier, Quantify, TextTest};

/// The fast path cannot be sure of cel's answer: ask the interpreter.
#[derive(Debug, PartialEq, Eq)]
pub struct Defer;

type Outcome<'a> = Result<Val<'a>, Defer>;

/// A value while a condition runs, borrowing the order's slots and the condition's
/// constants; only what an operator computes is owned. Every variant holds at most one
/// thin pointer, so that an evaluation's result fits in two registers.
#[derive(Clone, Debug)]
pub enum Val<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Double(f64),
    Str(&'a Cow<'a, str>),
    Text(Rc<String>),
    List(&'a Vec<Datum<'a>>),
    Items(Rc<Vec<Val<'a>>>),
    Map(&'a Fields<'a>),
}

const _: () = assert!(std::mem::size_of::<Outcome<'static>>() == 16);

impl<'a> Val<'a> {
    fn of(datum: &'a Datum<'a>) -> Val<'a> {
        match datum {
            Datum::Null => Val::Null,
            Datum::Bool(b) => Val::Bool(*b),
            Datum::Int(i) => Val::Int(*i),
            Datum::Double(d) => Val::Double(*d),
            Datum::Str(s) => Val::Str(s),
            Datum::List(items) => Val::List(items),
            Datum::Map(fields) => Val::Map(fields),
        }
    }

    fn as_str(&self) -> Option<&str> {
        match self {
            Val::Str(s) => Some(s.as_ref()),
            Val::Text(s) => Some(s.as_str()),
            _ => None,
        }
    }

    fn as_list(&self) -> Option<ListView<'_, 'a>> {
        match self {
            Val::List(items) => Some(ListView::Data(items.as_slice())),
            Val::Items(items) => Some(ListView::Vals(items)),
            _ => None,
        }
    }
}

#[derive(Clone, Copy)]
enum ListView<'v, 'a> {
    Data(&'a [Datum<'a>]),
    Vals(&'v [Val<'a>]),
    /// A map walked by a quantifier: its keys.
    Keys(&'a Fields<'a>),
}

impl<'a> ListView<'_, 'a> {
    fn len(self) -> usize {
        match self {
            ListView::Data(d) => d.len(),
            ListView::Vals(v) => v.len(),
            ListView::Keys(fields) => fields.len(),
        }
    }

    fn get(self, i: usize) -> Option<Val<'a>> {
        match self {
            ListView::Data(d) => d.get(i).map(Val::of),
            ListView::Vals(v) => v.get(i).cloned(),
            ListView::Keys(fields) => fields.key_at(i).map(Val::Str),
        }
    }
}

/// Runs a condition against one order's slots: its value when it gives true or false,
/// `Defer` for anything else, a non-boolean result included.
pub fn run<'a>(node: &'a Node, slots: &'a [Option<Datum<'a>>]) -> Result<bool, Defer> {
    let mut frame = Frame {
        slots,
        locals: Vec::new(),
    };
    frame.test(node)
}

struct Frame<'a> {
    slots: &'a [Option<Datum<'a>>],
    locals: Vec<Val<'a>>,
}

fn boolean(v: Outcome<'_>) -> Result<bool, Defer> {
    match v? {
        Val::Bool(b) => Ok(b),
        _ => Err(Defer),
    }
}

impl<'a> Frame<'a> {
    fn eval(&mut self, node: &'a Node) -> Outcome<'a> {
        Ok(match node {
            Node::Const(d) => Val::of(d),
            Node::Slot(i) => self.slot(*i)?,
            Node::Local(depth) => self.local(*depth)?,
            Node::And(_) | Node::Or(_) | Node::Not(_) => Val::Bool(self.test(node)?),
            Node::Conditional(parts) => {
                let branch = if self.test(&parts[0])? {
                    &parts[1]
                } else {
                    &parts[2]
                };
                return self.eval(branch);
            }
            Node::Binary(op, sides) => {
                let left = self.operand(&sides[0])?;
                let right = self.operand(&sides[1])?;
                binary(*op, left, right)?
            }
            Node::List(_)
            | Node::Negate(_)
            | Node::Select(..)
            | Node::Has(..)
            | Node::Size(_)
            | Node::Text(..) => return self.eval_other(node),
            Node::Quantifier(q) => return self.quantify(q),
            Node::Collect(collect) => return self.collect(collect),
        })
    }

    /// Evaluates a node that must give a bool, as conditions, connectives and predicates
    /// do: a bool is returned in a register where a value is not, and comparisons give
    /// theirs without being wrapped.
    fn test(&mut self, node: &'a Node) -> Result<bool, Defer> {
        match node {
            // As cel: the right side's own error wins; an unusable left side is forgiven
            // only beside the absorbing value.
            Node::And(sides) => {
                let left = self.test(&sides[0]);
                if left == Ok(false) {
                    return Ok(false);
                }
                match (left, self.test(&sides[1])?) {
                    (Ok(true), right) => Ok(right),
                    (Err(Defer), false) => Ok(false),
                    _ => Err(Defer),
                }
            }
            Node::Or(sides) => {
                let left = self.test(&sides[0]);
                if left == Ok(true) {
                    return Ok(true);
                }
                match (left, self.test(&sides[1])?) {
                    (Ok(false), right) => Ok(right),
                    (Err(Defer), true) => Ok(true),
                    _ => Err(Defer),
                }
            }
            Node::Not(inner) => Ok(!self.test(inner)?),
            Node::Conditional(parts) => {
                let branch = if self.test(&parts[0])? {
                    &parts[1]
                } else {
                    &parts[2]
                };
                self.test(branch)
            }
            Node::Binary(op, sides) => {
                let left = self.operand(&sides[0])?;
                let right = self.operand(&sides[1])?;
                let ordered = |accept: fn(Ordering) -> bool| compare(&left, &right).map(accept);
                match op {
                    Binary::Equals => Ok(equals(&left, &right)),
                    Binary::NotEquals => Ok(!equals(&left, &right)),
                    Binary::Less => ordered(Ordering::is_lt),
                    Binary::LessEquals => ordered(Ordering::is_le),
                    Binary::Greater => ordered(Ordering::is_gt),
                    Binary::GreaterEquals => ordered(Ordering::is_ge),
                    Binary::In => contains(&right, &left),
                    _ => boolean(binary(*op, left, right)),
                }
            }
            _ => boolean(self.eval(node)),
        }
    }

    /// The nodes conditions use less, kept out of `eval`, which runs for every node, so
    /// that its frame stays small.
    #[inline(never)]
    fn eval_other(&mut self, node: &'a Node) -> Outcome<'a> {
        Ok(match node {
            Node::List(items) => {
                let items = items
                    .iter()
                    .map(|n| self.eval(n))
                    .collect::<Result<Vec<_>, _>>()?;
                Val::Items(Rc::new(items))
            }
            Node::Negate(inner) => match self.eval(inner)? {
                Val::Int(i) => Val::Int(i.checked_neg().ok_or(Defer)?),
                Val::Double(d) => Val::Double(-d),
                _ => return Err(Defer),
            },
            Node::Select(operand, field) => match self.eval(operand)? {
                Val::Map(fields) => Val::of(fields.get(field).ok_or(Defer)?),
                _ => return Err(Defer),
            },
            Node::Has(operand, field) => match self.eval(operand)? {
                Val::Map(fields) => Val::Bool(fields.get(field).is_some()),
                _ => return Err(Defer),
            },
            Node::Size(operand) => {
                let v = self.eval(operand)?;
                let size = match (&v, v.as_list()) {
                    (_, Some(list)) => list.len(),
                    (Val::Map(fields), _) => fields.len(),
                    _ => v.as_str().ok_or(Defer)?.chars().count(),
                };
                Val::Int(i64::try_from(size).map_err(|_| Defer)?)
            }
            Node::Text(test, sides) => {
                let target = self.eval(&sides[0])?;
                let needle = self.eval(&sides[1])?;
                let (Some(target), Some(needle)) = (target.as_str(), needle.as_str()) else {
                    return Err(Defer);
                };
                Val::Bool(match test {
                    TextTest::StartsWith => target.starts_with(needle),
                    TextTest::EndsWith => target.ends_with(needle),
                    TextTest::Contains => target.contains(needle),
                })
            }
            _ => unreachable!("evaluated by `eval`"),
        })
    }

    #[inline(always)]
    fn operand(&mut self, operand: &'a Operand) -> Outcome<'a> {
        match operand {
            Operand::Const(d) => Ok(Val::of(d)),
            Operand::Slot(i) => self.slot(*i),
            Operand::Local(depth) => self.local(*depth),
            Operand::LocalField(depth, field) => match self.locals.get(*depth) {
                Some(Val::Map(fields)) => Ok(Val::of(fields.get(field).ok_or(Defer)?)),
                _ => Err(Defer),
            },
            Operand::Node(node) => self.eval(node),
        }
    }

    #[inline(always)]
    fn slot(&self, i: usize) -> Outcome<'a> {
        let datum = self.slots.get(i).and_then(Option::as_ref).ok_or(Defer)?;
        Ok(Val::of(datum))
    }

    #[inline(always)]
    fn local(&self, depth: usize) -> Outcome<'a> {
        self.locals.get(depth).cloned().ok_or(Defer)
    }

    /// What cel's loop for these macros comes to: `exists` stops at the first true,
    /// `all` at the first false, and an element's error counts only if no later element
    /// decides; `exists_one` fails at the first error.
    #[inline(never)] // keeps the frame of `eval`, entered for every node, small
    fn quantify(&mut self, q: &'a Quantifier) -> Outcome<'a> {
        let range = self.eval(&q.range)?;
        // cel walks a map's keys in hash order; no order changes a quantifier's outcome.
        let list = match &range {
            Val::Map(fields) => ListView::Keys(fields),
            other => other.as_list().ok_or(Defer)?,
        };
        self.locals.truncate(q.depth);
        self.locals.push(Val::Null);
        let (mut pending_error, mut count) = (false, 0usize);
        for i in 0..list.len() {
            self.locals[q.depth] = list.get(i).ok_or(Defer)?;
            match (q.kind, self.test(&q.predicate)) {
                (Quantify::Exists, Ok(true)) => return Ok(Val::Bool(true)),
                (Quantify::All, Ok(false)) => return Ok(Val::Bool(false)),
                (Quantify::Exists | Quantify::All, Ok(_)) => {}
                (Quantify::Exists | Quantify::All, Err(Defer)) => pending_error = true,
                (Quantify::ExistsOne, Ok(b)) => count += usize::from(b),
                (Quantify::ExistsOne, Err(Defer)) => return Err(Defer),
            }
        }
        match q.kind {
            _ if pending_error => Err(Defer),
            Quantify::Exists => Ok(Val::Bool(false)),
            Quantify::All => Ok(Val::Bool(true)),
            Quantify::ExistsOne => Ok(Val::Bool(count == 1)),
        }
    }

    #[inline(never)] // keeps the frame of `eval`, entered for every node, small
    fn collect(&mut self, collect: &'a Collect) -> Outcome<'a> {
        let range = self.eval(&collect.range)?;
        let list = range.as_list().ok_or(Defer)?;
        let mut out = Vec::with_capacity(list.len());
        self.locals.truncate(collect.depth);
        self.locals.push(Val::Null);
        for i in 0..list.len() {
            if !self.test(&collect.condition)? {
                break;
            }
            self.locals[collect.depth] = list.get(i).ok_or(Defer)?;
            if let Some(guard) = &collect.guard
                && !self.test(guard)?
            {
                continue;
            }
            for item in &collect.items {
                let v = self.eval(item)?;
                out.push(v);
            }
        }
        Ok(Val::Items(Rc::new(out)))
    }
}

fn binary<'a>(op: Binary, left: Val<'a>, right: Val<'a>) -> Outcome<'a> {
    let ordered =
        |accept: fn(Ordering) -> bool| compare(&left, &right).map(|o| Val::Bool(accept(o)));
    match op {
        Binary::Equals => Ok(Val::Bool(equals(&left, &right))),
        Binary::NotEquals => Ok(Val::Bool(!equals(&left, &right))),
        Binary::Less => ordered(Ordering::is_lt),
        Binary::LessEquals => ordered(Ordering::is_le),
        Binary::Greater => ordered(Ordering::is_gt),
        Binary::GreaterEquals => ordered(Ordering::is_ge),
        Binary::Add => add(left, right),
        Binary::Subtract | Binary::Multiply | Binary::Divide | Binary::Modulo => {
            arithmetic(op, &left, &right)
        }
        Binary::In => contains(&right, &left).map(Val::Bool),
        Binary::Index => index(left, &right),
    }
}

/// CEL's equality: across int and double by value, lists element-wise, maps by key; values
/// of different types are unequal, not an error.
fn equals(a: &Val<'_>, b: &Val<'_>) -> bool {
    match (a, b) {
        (Val::Null, Val::Null) => true,
        (Val::Bool(x), Val::Bool(y)) => x == y,
        (Val::Int(_) | Val::Double(_), Val::Int(_) | Val::Double(_)) => {
            compare(a, b) == Ok(Ordering::Equal)
        }
        (Val::Map(x), Val::Map(y)) => {
            x.len() == y.len()
                && x.iter().all(|(k, v)| {
                    y.get(k)
                        .is_some_and(|other| equals(&Val::of(v), &Val::of(other)))
                })
        }
        _ => match (a.as_str(), b.as_str(), a.as_list(), b.as_list()) {
            (Some(x), Some(y), _, _) => x == y,
            (_, _, Some(x), Some(y)) => {
                x.len() == y.len()
                    && (0..x.len()).all(|i| match (x.get(i), y.get(i)) {
                        (Some(p), Some(q)) => equals(&p, &q),
                        _ => false,
                    })
            }
            _ => false,
        },
    }
}

/// CEL's ordering: ints and doubles compare with each other (the int taken as a double, as
/// the cel crate does), strings and bools with their own kind; NaN and anything else fail.
fn compare(a: &Val<'_>, b: &Val<'_>) -> Result<Ordering, Defer> {
    match (a, b) {
        (Val::Int(x), Val::Int(y)) => Ok(x.cmp(y)),
        (Val::Int(x), Val::Double(y)) => (*x as f64).partial_cmp(y).ok_or(Defer),
        (Val::Double(x), Val::Int(y)) => x.partial_cmp(&(*y as f64)).ok_or(Defer),
        (Val::Double(x), Val::Double(y)) => x.partial_cmp(y).ok_or(Defer),
        (Val::Bool(x), Val::Bool(y)) => Ok(x.cmp(y)),
        _ => match (a.as_str(), b.as_str()) {
            (Some(x), Some(y)) => Ok(x.cmp(y)),
            _ => Err(Defer),
        },
    }
}

fn add<'a>(left: Val<'a>, right: Val<'a>) -> Outcome<'a> {
    match (&left, &right) {
        (Val::Int(x), Val::Int(y)) => x.checked_add(*y).map(Val::Int).ok_or(Defer),
        (Val::Double(x), Val::Double(y)) => Ok(Val::Double(x + y)),
        _ => {
            if let (Some(x), Some(y)) = (left.as_str(), right.as_str()) {
                return Ok(Val::Text(Rc::new(format!("{x}{y}"))));
            }
            let (Some(x), Some(y)) = (left.as_list(), right.as_list()) else {
                return Err(Defer);
            };
            let joined = (0..x.len())
                .filter_map(|i| x.get(i))
                .chain((0..y.len()).filter_map(|i| y.get(i)))
                .collect();
            Ok(Val::Items(Rc::new(joined)))
        }
    }
}

/// Ints overflow and divide by zero as errors, doubles by IEEE; no mixed operands, and no
/// remainder of doubles, as in CEL.
fn arithmetic<'a>(op: Binary, left: &Val<'a>, right: &Val<'a>) -> Outcome<'a> {
    match (left, right) {
        (Val::Int(x), Val::Int(y)) => match op {
            Binary::Subtract => x.checked_sub(*y),
            Binary::Multiply => x.checked_mul(*y),
            Binary::Divide => x.checked_div(*y),
            Binary::Modulo => x.checked_rem(*y),
            _ => None,
        }
        .map(Val::Int)
        .ok_or(Defer),
        (Val::Double(x), Val::Double(y)) => match op {
            Binary::Subtract => Ok(Val::Double(x - y)),
            Binary::Multiply => Ok(Val::Double(x * y)),
            Binary::Divide => Ok(Val::Double(x / y)),
            _ => Err(Defer),
        },
        _ => Err(Defer),
    }
}

/// `needle in haystack`: list membership by CEL equality; in a map, whose keys are all
/// strings here, a key of another type cel can look up is simply absent.
fn contains(haystack: &Val<'_>, needle: &Val<'_>) -> Result<bool, Defer> {
    if let Some(list) = haystack.as_list() {
        return Ok((0..list.len()).any(|i| list.get(i).is_some_and(|v| equals(&v, needle))));
    }
    let Val::Map(fields) = haystack else {
        return Err(Defer);
    };
    match needle {
        Val::Int(_) | Val::Double(_) | Val::Bool(_) => Ok(false),
        _ => Ok(fields.get(needle.as_str().ok_or(Defer)?).is_some()),
    }
}

fn index<'a>(container: Val<'a>, key: &Val<'_>) -> Outcome<'a> {
    if let Some(list) = container.as_list() {
        let position = match key {
            Val::Int(i) => *i,
            // A whole double indexes as the int it equals, as in cel.
            Val::Double(d)
                if *d > i64::MIN as f64 && *d < i64::MAX as f64 && (*d as i64) as f64 == *d =>
            {
                *d as i64
            }
            _ => return Err(Defer),
        };
        return usize::try_from(position)
            .ok()
            .and_then(|i| list.get(i))
            .ok_or(Defer);
    }
    match (container, key.as_str()) {
        (Val::Map(fields), Some(key)) => fields.get(key).map(Val::of).ok_or(Defer),
        _ => Err(Defer),
    }
}
