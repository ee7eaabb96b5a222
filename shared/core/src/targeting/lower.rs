//! Lowers a condition's cel AST into the small tree the fast path evaluates: names are
//! resolved to slots once, at compile time, and literals are built once. Whatever is not
//! in the subset conditions use lowers to `None`, and that condition keeps the cel
//! interpreter.

use cel::common::ast::{EntryExpr, Expr, IdedExpr, LiteralValue, operators};

use super::datum::{Datum, Fields};

/// A condition lowered for the fast path: names resolved to slots, literals built.
#[derive(Debug)]
pub enum Node {
    Const(Datum<'static>),
    /// A variable of the order, by its slot in the table `Variables` builds.
    Slot(usize),
    /// An iteration or accumulator variable of a comprehension, by its depth.
    Local(usize),
    List(Vec<Node>),
    And(Box<[Node; 2]>),
    Or(Box<[Node; 2]>),
    Not(Box<Node>),
    Negate(Box<Node>),
    Conditional(Box<[Node; 3]>),
    Binary(Binary, Box<[Operand; 2]>),
    Select(Box<Node>, String),
    Has(Box<Node>, String),
    Size(Box<Node>),
    Text(TextTest, Box<[Node; 2]>),
    Quantifier(Box<Quantifier>),
    Collect(Box<Collect>),
}

/// `exists`, `all` and `exists_one` as their macros expand: only the predicate is
/// evaluated per element, not the loop condition and step around it.
#[derive(Debug)]
pub struct Quantifier {
    pub kind: Quantify,
    pub range: Node,
    pub predicate: Node,
    /// Depth of the iteration variable.
    pub depth: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quantify {
    Exists,
    All,
    ExistsOne,
}

/// An operand of a binary operator. The common ones (a constant, a variable, a field of
/// a comprehension's element) are read without a further call into the evaluator:
/// comparisons of these are most of what conditions do.
#[derive(Debug)]
pub enum Operand {
    Const(Datum<'static>),
    Slot(usize),
    Local(usize),
    LocalField(usize, String),
    Node(Node),
}

impl From<Node> for Operand {
    fn from(node: Node) -> Self {
        match node {
            Node::Const(d) => Operand::Const(d),
            Node::Slot(i) => Operand::Slot(i),
            Node::Local(depth) => Operand::Local(depth),
            Node::Select(operand, field) => match *operand {
                Node::Local(depth) => Operand::LocalField(depth, field),
                operand => Operand::Node(Node::Select(Box::new(operand), field)),
            },
            node => Operand::Node(node),
        }
    }
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
                // cel tests `has(customer.tags)` on the root's map.
                (Some(root), true) => Node::Has(
                    Box::new(Node::Slot((names.slot_of)(root)?)),
                    select.field.clone(),
                ),
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
                (None, function, 2) => {
                    let op = binary(function)?;
                    let [left, right] = *two(names)?;
                    Node::Binary(op, Box::new([left.into(), right.into()]))
                }
                _ => return None,
            }
        }
        Expr::Comprehension(c) => {
            let shadows_root = |name: &str| names.roots.contains(&name);
            if c.iter_var2.is_some() || shadows_root(&c.iter_var) || shadows_root(&c.accu_var) {
                return None;
            }
            // The range is evaluated outside the loop's scope.
            let range = lower(&c.iter_range, names)?;
            let depth = names.locals.len();
            names.locals.push(c.iter_var.clone());
            let lowered = lower_loop(c, range, depth, names);
            names.locals.truncate(depth);
            lowered?
        }
        Expr::Struct(_) | Expr::Unspecified => return None,
    };
    Some(node)
}

/// The body of a comprehension, its iteration variable in scope at `depth`.
fn lower_loop(
    c: &cel::common::ast::ComprehensionExpr,
    range: Node,
    depth: usize,
    names: &mut Names<'_>,
) -> Option<Node> {
    if let Some((kind, predicate)) = quantifier_shape(c) {
        return Some(Node::Quantifier(Box::new(Quantifier {
            kind,
            range,
            predicate: lower(predicate, names)?,
            depth,
        })));
    }
    // The accumulator is not visible to a `map` or `filter`'s own expressions.
    if let Some((guard, items)) = collect_shape(c) {
        return Some(Node::Collect(Box::new(Collect {
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
        })));
    }
    // Another shape (none is written by the standard macros) keeps the interpreter.
    None
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
fn literal_datum(literal: &LiteralValue) -> Option<Datum<'static>> {
    Some(match literal {
        LiteralValue::Boolean(b) => Datum::Bool(*b.inner()),
        LiteralValue::Int(i) => Datum::Int(*i.inner()),
        LiteralValue::Double(d) => Datum::Double(*d.inner()),
        LiteralValue::String(s) => Datum::Str(s.inner().to_string().into()),
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
fn constant_map(map: &cel::common::ast::MapExpr) -> Option<Datum<'static>> {
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
        entries.push((key.inner().to_string().into(), literal_datum(value)?));
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

/// The predicate of a comprehension shaped exactly as the `exists`, `all` or `exists_one`
/// macro expands: anything else is lowered as the general loop.
fn quantifier_shape(c: &cel::common::ast::ComprehensionExpr) -> Option<(Quantify, &IdedExpr)> {
    let accu = |e: &IdedExpr| matches!(&e.expr, Expr::Ident(n) if *n == c.accu_var);
    let call = |e: &'_ IdedExpr, name: &str| match &e.expr {
        Expr::Call(call) if call.func_name == name && call.target.is_none() => {
            Some(call.args.clone())
        }
        _ => None,
    };
    let literal = |e: &IdedExpr| match &e.expr {
        Expr::Literal(l) => Some(l.clone()),
        _ => None,
    };
    let init = literal(&c.accu_init)?;
    match init {
        LiteralValue::Boolean(b) => {
            let exists = !*b.inner();
            let [tested] = call(&c.loop_cond, operators::NOT_STRICTLY_FALSE)?
                .try_into()
                .ok()?;
            let tested_ok = if exists {
                matches!(call(&tested, operators::LOGICAL_NOT)?.as_slice(), [a] if accu(a))
            } else {
                accu(&tested)
            };
            let connective = if exists {
                operators::LOGICAL_OR
            } else {
                operators::LOGICAL_AND
            };
            let Expr::Call(step) = &c.loop_step.expr else {
                return None;
            };
            let step_ok = step.func_name == connective
                && step.target.is_none()
                && matches!(step.args.as_slice(), [a, _] if accu(a));
            (tested_ok && step_ok && accu(&c.result)).then(|| {
                let kind = if exists {
                    Quantify::Exists
                } else {
                    Quantify::All
                };
                (kind, &step.args[1])
            })
        }
        LiteralValue::Int(zero) if *zero.inner() == 0 => {
            let always =
                matches!(literal(&c.loop_cond), Some(LiteralValue::Boolean(b)) if *b.inner());
            let Expr::Call(step) = &c.loop_step.expr else {
                return None;
            };
            let [predicate, counted, kept] = step.args.as_slice() else {
                return None;
            };
            let counts_one = matches!(
                call(counted, operators::ADD)?.as_slice(),
                [a, one] if accu(a) && matches!(literal(one), Some(LiteralValue::Int(i)) if *i.inner() == 1)
            );
            let result_is_one = matches!(
                call(&c.result, operators::EQUALS)?.as_slice(),
                [a, one] if accu(a) && matches!(literal(one), Some(LiteralValue::Int(i)) if *i.inner() == 1)
            );
            (always
                && step.func_name == operators::CONDITIONAL
                && step.target.is_none()
                && counts_one
                && accu(kept)
                && result_is_one)
                .then_some((Quantify::ExistsOne, predicate))
        }
        _ => None,
    }
}
