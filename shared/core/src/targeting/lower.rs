//! Lowers a condition's cel AST into the small tree the fast path evaluates: names are
//! resolved to slots once, at compile time, and literals are built once. Whatever is not
//! in the subset conditions use lowers to `None`, and that condition keeps the cel
//! interpreter.

use cel::common::ast::{EntryExpr, Expr, IdedExpr, LiteralValue, operators};

use super::datum::{Datum, Fields};

/// Where a name of the condition is read from at run time.
#[derive(Debug)]
pub enum Node {
    Const(Datum),
    /// A variable of the order, by its slot in the table `Variables` builds.
    Slot(usize),
    /// An iteration or accumulator variable of a comprehension, by its depth.
    Local(usize),
    List(Vec<Node>),
    And(Box<[Node; 2]>),
    Or(Box<[Node; 2]>),
    Not(Box<Node>),
    NotStrictlyFalse(Box<Node>),
    Negate(Box<Node>),
    Conditional(Box<[Node; 3]>),
    Binary(Binary, Box<[Node; 2]>),
    Select(Box<Node>, String),
    Has(Box<Node>, String),
    Size(Box<Node>),
    Text(TextTest, Box<[Node; 2]>),
    Fold(Box<Fold>),
    Collect(Box<Collect>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Binary {
    Equals,
    NotEquals,
    Less,
    LessEquals,
    Greater,
    GreaterEquals,
    Add,
    Subtract,
    Multiply,
    Divide,
    Modulo,
    In,
    Index,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextTest {
    StartsWith,
    EndsWith,
    Contains,
}

/// A comprehension evaluated step by step, as cel does: `exists`, `all`, `exists_one`.
#[derive(Debug)]
pub struct Fold {
    pub range: Node,
    pub init: Node,
    pub condition: Node,
    pub step: Node,
    pub result: Node,
    /// Depth of the iteration variable; the accumulator is the next one.
    pub depth: usize,
    /// For a step `accu && x` (`false` absorbs) or `accu || x` (`true` absorbs): an error
    /// of one element is forgiven when a later one gives the absorbing value.
    pub absorbing: Option<bool>,
}

/// A `map` or `filter`: appends to one list instead of rebuilding the accumulator.
#[derive(Debug)]
pub struct Collect {
    pub range: Node,
    pub condition: Node,
    pub guard: Option<Node>,
    pub items: Vec<Node>,
    pub depth: usize,
}

/// Names visible while lowering: the roots' variables and the comprehensions' locals.
pub struct Names<'a> {
    /// Slot of a whole root (`customer`) or of a variable (`customer.tags`).
    pub slot_of: &'a dyn Fn(&str) -> Option<usize>,
    pub roots: &'a [&'a str],
    locals: Vec<String>,
}

impl<'a> Names<'a> {
    pub fn new(slot_of: &'a dyn Fn(&str) -> Option<usize>, roots: &'a [&'a str]) -> Self {
        Names {
            slot_of,
            roots,
            locals: Vec::new(),
        }
    }

    fn local(&self, name: &str) -> Option<usize> {
        self.locals.iter().rposition(|l| l == name)
    }
}

pub fn lower(expr: &IdedExpr, names: &mut Names<'_>) -> Option<Node> {
    let node = match &expr.expr {
        Expr::Literal(literal) => Node::Const(literal_datum(literal)?),
        Expr::Ident(name) => match names.local(name) {
            Some(depth) => Node::Local(depth),
            None if names.roots.contains(&name.as_str()) => Node::Slot((names.slot_of)(name)?),
            None => return None,
        },
        Expr::Select(select) => {
            let root_name = match &select.operand.expr {
                Expr::Ident(root) if names.local(root).is_none() => {
                    names.roots.contains(&root.as_str()).then_some(root)
                }
                _ => None,
            };
            match (root_name, select.test) {
                // `has(customer.tags)` is resolved by cel against the root's map, which
                // is only bound when some condition uses the root itself.
                (Some(_), true) => return None,
                (Some(root), false) => {
                    Node::Slot((names.slot_of)(&format!("{root}.{}", select.field))?)
                }
                (None, test) => {
                    let operand = Box::new(lower(&select.operand, names)?);
                    if test {
                        Node::Has(operand, select.field.clone())
                    } else {
                        Node::Select(operand, select.field.clone())
                    }
                }
            }
        }
        Expr::List(list) => {
            if !list.optional_indices.is_empty() {
                return None;
            }
            let items = list
                .elements
                .iter()
                .map(|e| lower(e, names))
                .collect::<Option<Vec<_>>>()?;
            constant_list(items)
        }
        Expr::Map(map) => Node::Const(constant_map(map)?),
        Expr::Call(call) => {
            let arg = |i: usize, names: &mut Names<'_>| lower(call.args.get(i)?, names);
            let two = |names: &mut Names<'_>| -> Option<Box<[Node; 2]>> {
                Some(Box::new([arg(0, names)?, arg(1, names)?]))
            };
            match (
                call.target.as_deref(),
                call.func_name.as_str(),
                call.args.len(),
            ) {
                (None, operators::LOGICAL_AND, 2) => Node::And(two(names)?),
                (None, operators::LOGICAL_OR, 2) => Node::Or(two(names)?),
                (None, operators::LOGICAL_NOT, 1) => Node::Not(Box::new(arg(0, names)?)),
                (None, operators::NOT_STRICTLY_FALSE, 1) => {
                    Node::NotStrictlyFalse(Box::new(arg(0, names)?))
                }
                (None, operators::NEGATE, 1) => Node::Negate(Box::new(arg(0, names)?)),
                (None, operators::CONDITIONAL, 3) => {
                    Node::Conditional(Box::new([arg(0, names)?, arg(1, names)?, arg(2, names)?]))
                }
                (None, "size", 1) => Node::Size(Box::new(arg(0, names)?)),
                (Some(target), "size", 0) => Node::Size(Box::new(lower(target, names)?)),
                (Some(target), function, 1) => {
                    let test = match function {
                        "startsWith" => TextTest::StartsWith,
                        "endsWith" => TextTest::EndsWith,
                        "contains" => TextTest::Contains,
                        _ => return None,
                    };
                    Node::Text(test, Box::new([lower(target, names)?, arg(0, names)?]))
                }
                (None, function, 2) => Node::Binary(binary(function)?, two(names)?),
                _ => return None,
            }
        }
        Expr::Comprehension(c) => {
            let shadows_root = |name: &str| names.roots.contains(&name);
            if c.iter_var2.is_some() || shadows_root(&c.iter_var) || shadows_root(&c.accu_var) {
                return None;
            }
            // The range and the accumulator's start are evaluated outside the loop's scope.
            let range = lower(&c.iter_range, names)?;
            let init = lower(&c.accu_init, names)?;
            let depth = names.locals.len();
            let collected = collect_shape(c);
            names.locals.push(c.iter_var.clone());
            let lowered = match collected {
                // The accumulator is not visible to a `map` or `filter`'s own expressions.
                Some((guard, items)) => (|| {
                    Some(Node::Collect(Box::new(Collect {
                        range,
                        condition: lower(&c.loop_cond, names)?,
                        guard: match guard {
                            Some(g) => Some(lower(g, names)?),
                            None => None,
                        },
                        items: items
                            .iter()
                            .map(|e| lower(e, names))
                            .collect::<Option<_>>()?,
                        depth,
                    })))
                })(),
                None => {
                    names.locals.push(c.accu_var.clone());
                    (|| {
                        Some(Node::Fold(Box::new(Fold {
                            range,
                            init,
                            condition: lower(&c.loop_cond, names)?,
                            step: lower(&c.loop_step, names)?,
                            result: lower(&c.result, names)?,
                            depth,
                            absorbing: absorbing(c),
                        })))
                    })()
                }
            };
            names.locals.truncate(depth);
            lowered?
        }
        Expr::Struct(_) | Expr::Unspecified => return None,
    };
    Some(node)
}

fn binary(function: &str) -> Option<Binary> {
    Some(match function {
        operators::EQUALS => Binary::Equals,
        operators::NOT_EQUALS => Binary::NotEquals,
        operators::LESS => Binary::Less,
        operators::LESS_EQUALS => Binary::LessEquals,
        operators::GREATER => Binary::Greater,
        operators::GREATER_EQUALS => Binary::GreaterEquals,
        operators::ADD => Binary::Add,
        operators::SUBSTRACT => Binary::Subtract,
        operators::MULTIPLY => Binary::Multiply,
        operators::DIVIDE => Binary::Divide,
        operators::MODULO => Binary::Modulo,
        operators::IN => Binary::In,
        operators::INDEX => Binary::Index,
        _ => return None,
    })
}

/// Unsigned ints and bytes never occur in the variables; a condition writing them keeps
/// the interpreter.
fn literal_datum(literal: &LiteralValue) -> Option<Datum> {
    Some(match literal {
        LiteralValue::Boolean(b) => Datum::Bool(*b.inner()),
        LiteralValue::Int(i) => Datum::Int(*i.inner()),
        LiteralValue::Double(d) => Datum::Double(*d.inner()),
        LiteralValue::String(s) => Datum::Str(s.inner().to_string()),
        LiteralValue::Null => Datum::Null,
        LiteralValue::UInt(_) | LiteralValue::Bytes(_) => return None,
    })
}

/// A list of constants is built once, at compile time.
fn constant_list(items: Vec<Node>) -> Node {
    if items.iter().all(|n| matches!(n, Node::Const(_))) {
        let data = items
            .into_iter()
            .map(|n| match n {
                Node::Const(d) => d,
                _ => unreachable!("checked above"),
            })
            .collect();
        Node::Const(Datum::List(data))
    } else {
        Node::List(items)
    }
}

/// Only map literals of constants under distinct string keys: cel rejects repeated keys
/// when it builds the map, and other key types never match a variable's map.
fn constant_map(map: &cel::common::ast::MapExpr) -> Option<Datum> {
    let mut entries = Vec::new();
    for entry in &map.entries {
        let EntryExpr::MapEntry(e) = &entry.expr else {
            return None;
        };
        let (Expr::Literal(LiteralValue::String(key)), Expr::Literal(value)) =
            (&e.key.expr, &e.value.expr)
        else {
            return None;
        };
        if e.optional {
            return None;
        }
        entries.push((key.inner().to_string(), literal_datum(value)?));
    }
    let fields = Fields::new(entries.clone());
    (fields.len() == entries.len()).then_some(Datum::Map(fields))
}

/// The guard and appended items of a `map` / `filter` step, recognised exactly as the cel
/// interpreter recognises them (`accu + [items]`, optionally `guard ? accu + [items] :
/// accu`, with an empty list to start from and the accumulator as the result), so both
/// paths take the same route.
fn collect_shape<'c>(
    c: &'c cel::common::ast::ComprehensionExpr,
) -> Option<(Option<&'c IdedExpr>, &'c [IdedExpr])> {
    let is_accu = |e: &IdedExpr| matches!(&e.expr, Expr::Ident(n) if *n == c.accu_var);
    let items_of = |e: &'c IdedExpr| -> Option<&'c [IdedExpr]> {
        let Expr::Call(call) = &e.expr else {
            return None;
        };
        if call.func_name != operators::ADD || call.target.is_some() {
            return None;
        }
        match call.args.as_slice() {
            [accu, list] if is_accu(accu) => match &list.expr {
                Expr::List(l) if l.optional_indices.is_empty() => Some(l.elements.as_slice()),
                _ => None,
            },
            _ => None,
        }
    };
    let starts_empty = matches!(&c.accu_init.expr, Expr::List(l) if l.elements.is_empty());
    if !starts_empty || !is_accu(&c.result) || !matches!(c.loop_cond.expr, Expr::Literal(_)) {
        return None;
    }
    match &c.loop_step.expr {
        Expr::Call(call) if call.func_name == operators::CONDITIONAL && call.target.is_none() => {
            match call.args.as_slice() {
                [guard, step, otherwise] if is_accu(otherwise) => {
                    Some((Some(guard), items_of(step)?))
                }
                _ => None,
            }
        }
        _ => Some((None, items_of(&c.loop_step)?)),
    }
}

/// cel forgives an element's error in `accu && x` / `accu || x` steps only.
fn absorbing(c: &cel::common::ast::ComprehensionExpr) -> Option<bool> {
    let Expr::Call(call) = &c.loop_step.expr else {
        return None;
    };
    let folds_accu = call.target.is_none()
        && matches!(call.args.first().map(|a| &a.expr), Some(Expr::Ident(n)) if *n == c.accu_var);
    match call.func_name.as_str() {
        operators::LOGICAL_AND if folds_accu => Some(false),
        operators::LOGICAL_OR if folds_accu => Some(true),
        _ => None,
    }
}
