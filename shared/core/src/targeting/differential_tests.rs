//! The fast path against the cel interpreter: every condition written in the repository,
//! the bench's, and a few thousand generated ones, on many variable bindings, must give
//! the same result, an error exactly where cel gives one.

use super::datum::Datum;
use super::eval;
use super::generate::{self, Generator, Rng};
use super::{Condition, ConditionError, Variables, compile, evaluate, evaluate_on_interpreter};
use crate::validation::Problems;

/// Sources that write conditions: the README, the demo merchant, the tests. The bench's
/// are taken from `bench_conditions`.
const SOURCES: [(&str, &str); 6] = [
    ("README.md", include_str!("../../../../README.md")),
    (
        "demo campaigns",
        include_str!("../../../synth/src/demo/campaigns.rs"),
    ),
    ("decide tests", include_str!("../decide_tests.rs")),
    ("targeting tests", include_str!("../targeting.rs")),
    (
        "scenarios",
        include_str!("../../../../tests/tests/scenarios.rs"),
    ),
    ("cli tests", include_str!("../../../cli/tests/cli.rs")),
];

/// Every text between `quote`s in `text`: string literals (plain, with escapes, or raw)
/// for `"`, Markdown code spans for a backtick; the caller keeps those that compile as
/// conditions. One kind of quote at a time, so that one does not hide the other.
fn candidates(text: &str, quote: char) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(quote) {
        let raw = quote == '"' && rest[..start].ends_with("r#");
        let body = &rest[start + 1..];
        let end = if raw {
            body.find("\"#")
        } else {
            let mut escaped = false;
            body.char_indices()
                .find(|(_, c)| {
                    let stop = !escaped && *c == quote;
                    escaped = quote == '"' && !escaped && *c == '\\';
                    stop
                })
                .map(|(i, _)| i)
        };
        let Some(end) = end else { break };
        let literal = &body[..end];
        found.push(if quote == '"' && !raw {
            literal.replace("\\\"", "\"").replace("\\\\", "\\")
        } else {
            literal.to_string()
        });
        rest = &body[end + 1..];
    }
    found
}

fn compiles(source: &str) -> Option<Condition> {
    let mut p = Problems::default();
    let condition = compile(source, "condition", &mut p)?;
    p.finish().ok().map(|()| condition)
}

fn repository_conditions() -> Vec<(String, Condition)> {
    let mut conditions = Vec::new();
    for (name, text) in SOURCES {
        let before = conditions.len();
        let mut texts = candidates(text, '"');
        texts.extend(candidates(text, '`'));
        for source in texts {
            if !source.contains(['.', ' ']) && !matches!(source.as_str(), "true" | "false") {
                continue; // plain words: ids, names, not conditions
            }
            if let Some(c) = compiles(&source) {
                conditions.push((source, c));
            }
        }
        assert!(conditions.len() > before, "no condition found in {name}");
    }
    for example in [
        r#"customer.first_order && order.channel != "amazon""#,
        r#"order.lines.exists(l, l.category == "coffee")"#,
    ] {
        assert!(
            conditions.iter().any(|(s, _)| s == example),
            "the README's {example} was not found"
        );
    }
    for i in 0..100 {
        let source = super::bench_conditions::bench_condition(i);
        let c = compiles(&source).expect("bench conditions compile");
        conditions.push((source, c));
    }
    conditions
}

/// What a condition comes to. The fast path answers only true or false; for an error or
/// a result that is not a bool it hands over to cel, which writes the message.
#[derive(Debug, PartialEq)]
enum Outcome {
    Value(bool),
    Refused,
}

fn fast(condition: &Condition, vars: &Variables) -> Outcome {
    let node = condition.fast.as_ref().expect("on the fast path");
    match eval::run(node, &vars.slots) {
        Ok(b) => Outcome::Value(b),
        Err(eval::Defer) => Outcome::Refused,
    }
}

fn reference(condition: &Condition, vars: &Variables) -> Outcome {
    match evaluate_on_interpreter(condition, vars) {
        Ok(b) => Outcome::Value(b),
        Err(ConditionError::NotBool(_) | ConditionError::Failed(_)) => Outcome::Refused,
    }
}

fn bindings(count: usize) -> Vec<Variables<'static>> {
    let mut rng = Rng::new(0x5eed);
    let mut all = vec![super::sample_variables()];
    all.extend((1..count).map(|_| Variables::from_slots(generate::slots(&mut rng))));
    all
}

fn assert_same(source: &str, condition: &Condition, vars: &Variables) {
    let expected = reference(condition, vars);
    assert_eq!(fast(condition, vars), expected, "{source}");
    // What decide sees: cel's own result, message included, whichever path answered.
    assert_eq!(
        evaluate(condition, vars),
        evaluate_on_interpreter(condition, vars),
        "{source}"
    );
}

#[test]
fn every_condition_in_the_repository_runs_on_the_fast_path_as_cel_does() {
    let conditions = repository_conditions();
    let slow: Vec<&str> = conditions
        .iter()
        .filter(|(_, c)| !c.is_fast())
        .map(|(s, _)| s.as_str())
        .collect();
    assert!(slow.is_empty(), "outside the fast path: {slow:?}");
    for vars in bindings(60) {
        for (source, condition) in &conditions {
            assert_same(source, condition, &vars);
        }
    }
}

#[test]
fn generated_conditions_run_on_the_fast_path_as_cel_does() {
    let mut generator = Generator::new(2026);
    let vars = bindings(24);
    let (mut cases, mut failing, mut slow) = (0, 0, Vec::new());
    while cases < 3000 {
        let source = generator.condition();
        let Some(condition) = compiles(&source) else {
            continue; // an ill-typed literal combination refused when saved
        };
        cases += 1;
        if !condition.is_fast() {
            slow.push(source);
            continue;
        }
        for v in &vars {
            if reference(&condition, v) == Outcome::Refused {
                failing += 1;
            }
            assert_same(&source, &condition, v);
        }
    }
    assert!(slow.is_empty(), "outside the fast path: {slow:?}");
    // The generator must exercise errors as well as values.
    assert!(failing > cases, "only {failing} failing evaluations");
}

#[test]
fn the_fast_path_forgives_errors_only_where_cel_does() {
    let lines = Datum::List(Vec::new());
    let mut slots = vec![None; super::VARIABLES.len() + super::ROOTS.len()];
    slots[super::slot_of("order.lines").unwrap()] = Some(lines);
    slots[super::slot_of("customer.nps").unwrap()] = Some(Datum::Int(3));
    let vars_with_lines = Variables::from_slots(slots);
    for (source, expected) in [
        (
            "order.lines[0].quantity > 1 && false",
            Outcome::Value(false),
        ),
        (
            "false && order.lines[0].quantity > 1",
            Outcome::Value(false),
        ),
        ("order.lines[0].quantity > 1 || true", Outcome::Value(true)),
        ("order.lines[0].quantity > 1 && true", Outcome::Refused),
        ("true && order.lines[0].quantity > 1", Outcome::Refused),
        (
            "customer.nps / 0 > 1 || customer.nps > 2",
            Outcome::Value(true),
        ),
        ("customer.nps * 9223372036854775807 > 0", Outcome::Refused),
        ("customer.nps > 2.5", Outcome::Value(true)),
        ("customer.nps == 3.0", Outcome::Value(true)),
    ] {
        let condition = compiles(source).expect(source);
        assert_eq!(fast(&condition, &vars_with_lines), expected, "{source}");
        assert_same(source, &condition, &vars_with_lines);
    }
}

#[test]
fn the_macros_lower_to_their_own_nodes() {
    use super::lower::{Node, Operand, Quantify};
    for (source, kind) in [
        ("order.skus.exists(s, s == \"a\")", Some(Quantify::Exists)),
        ("order.skus.all(s, s == \"a\")", Some(Quantify::All)),
        (
            "order.skus.exists_one(s, s == \"a\")",
            Some(Quantify::ExistsOne),
        ),
        ("order.skus.filter(s, s == \"a\").size() > 0", None),
    ] {
        let condition = compiles(source).expect(source);
        match (condition.fast.as_ref(), kind) {
            (Some(Node::Quantifier(q)), Some(kind)) => assert_eq!(q.kind, kind, "{source}"),
            (Some(Node::Binary(_, sides)), None) => {
                let Operand::Node(Node::Size(list)) = &sides[0] else {
                    panic!("{source}: {sides:?}")
                };
                assert!(matches!(**list, Node::Collect(_)), "{source}: {list:?}");
            }
            (other, _) => panic!("{source}: {other:?}"),
        }
    }
}
