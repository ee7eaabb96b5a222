//! Offline evaluation: split a purchase log in time, build on the past, and count how
//! often the suggestions name what customers bought next.
//!
//! Two tasks, scored at 10 suggestions:
//! - `history`: from everything a customer bought before the cutoff, 10 items they have
//!   not bought, against each of their orders after it;
//! - `next_order`: from the items of one order after the cutoff alone, 10 items not in
//!   it, against the same customer's next order.
//!
//! Every model is served through the same rules the order path uses (`suggest`, and
//! `remember` folding a customer's past orders one by one), so what is measured is what
//! a parcel gets. A popularity baseline runs in the same pass.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Instant;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::serve::{Affinity, Suggest, remember, suggest};
use super::{ModelOptions, POPULAR, PurchaseHistory, SimilarItems};
use crate::order::OrderLine;

/// Suggestions scored per case.
pub const AT: usize = 10;

/// One order of the log: its lines grouped, its time the earliest of its rows.
#[derive(Clone, Debug, PartialEq)]
pub struct LoggedOrder {
    pub order_id: String,
    pub customer: String,
    pub placed_at: DateTime<Utc>,
    pub lines: Vec<OrderLine>,
}

/// What the split left on each side.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SplitSummary {
    pub orders_train: usize,
    pub orders_test: usize,
    pub customers: usize,
    /// Distinct items bought before the cutoff: all a model can know.
    pub catalogue: usize,
}

/// One task's score.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TaskScore {
    pub cases: usize,
    /// Share of cases where at least one suggestion was bought.
    pub hit_rate: f64,
    /// Mean share of the bought items that were suggested.
    pub recall: f64,
    /// Share of the catalogue suggested at least once.
    pub coverage: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ModelScore {
    pub model: String,
    pub build_ms: u64,
    pub history: TaskScore,
    pub next_order: TaskScore,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Evaluation {
    pub cutoff: DateTime<Utc>,
    pub data: SplitSummary,
    pub models: Vec<ModelScore>,
}

/// A way of suggesting items, as evaluated.
enum Recommender {
    /// The most bought items, the same for everyone.
    Popularity(Vec<String>),
    Model(HashMap<String, SimilarItems>),
}

/// Evaluates the popularity baseline and every named model on one split at `cutoff`.
pub fn evaluate(
    orders: &[LoggedOrder],
    cutoff: DateTime<Utc>,
    models: &[(String, ModelOptions)],
) -> Evaluation {
    let (train, test): (Vec<&LoggedOrder>, Vec<&LoggedOrder>) =
        orders.iter().partition(|o| o.placed_at < cutoff);
    let cases = Cases::of(&train, &test);
    let catalogue: HashSet<&str> = train
        .iter()
        .flat_map(|o| o.lines.iter().map(|l| l.sku.as_str()))
        .collect();
    let customers: HashSet<&str> = orders.iter().map(|o| o.customer.as_str()).collect();
    let data = SplitSummary {
        orders_train: train.len(),
        orders_test: test.len(),
        customers: customers.len(),
        catalogue: catalogue.len(),
    };

    let mut scores = Vec::with_capacity(models.len() + 1);
    let started = Instant::now();
    let popularity = Recommender::Popularity(by_popularity(&train));
    scores.push(cases.score(
        "popularity",
        started.elapsed(),
        &popularity,
        catalogue.len(),
    ));
    for (name, options) in models {
        let started = Instant::now();
        let mut history = PurchaseHistory::new();
        for o in &train {
            history.add_order(&o.customer, o.placed_at, super::lines(&o.lines));
        }
        let lists = history.build(options);
        let model = Recommender::Model(lists.into_iter().map(|l| (l.sku.clone(), l)).collect());
        scores.push(cases.score(name, started.elapsed(), &model, catalogue.len()));
    }
    Evaluation {
        cutoff,
        data,
        models: scores,
    }
}

/// SKUs by the number of train orders holding them, most first; ties by SKU.
fn by_popularity(train: &[&LoggedOrder]) -> Vec<String> {
    let mut count: HashMap<&str, usize> = HashMap::new();
    for o in train {
        let distinct: HashSet<&str> = o.lines.iter().map(|l| l.sku.as_str()).collect();
        for sku in distinct {
            *count.entry(sku).or_default() += 1;
        }
    }
    let mut ranked: Vec<(&str, usize)> = count.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    ranked.into_iter().map(|(s, _)| s.to_string()).collect()
}

/// The cases of both tasks, prepared once for every model.
struct Cases<'a> {
    /// Per customer with orders on both sides: their train orders in time order, and
    /// the targets of each of their test orders.
    history: Vec<(Vec<&'a LoggedOrder>, Vec<HashSet<&'a str>>)>,
    /// An order after the cutoff and what the next order of its customer added.
    next_order: Vec<(&'a LoggedOrder, HashSet<&'a str>)>,
}

impl<'a> Cases<'a> {
    fn of(train: &[&'a LoggedOrder], test: &[&'a LoggedOrder]) -> Self {
        let by_customer = |orders: &[&'a LoggedOrder]| {
            let mut map: BTreeMap<&'a str, Vec<&'a LoggedOrder>> = BTreeMap::new();
            for &o in orders {
                map.entry(o.customer.as_str()).or_default().push(o);
            }
            for list in map.values_mut() {
                list.sort_by(|a, b| (a.placed_at, &a.order_id).cmp(&(b.placed_at, &b.order_id)));
            }
            map
        };
        let (past, later) = (by_customer(train), by_customer(test));
        let skus = |o: &'a LoggedOrder| -> HashSet<&'a str> {
            o.lines.iter().map(|l| l.sku.as_str()).collect()
        };
        let mut history = Vec::new();
        for (customer, before) in &past {
            let Some(after) = later.get(customer) else {
                continue;
            };
            let known: HashSet<&str> = before.iter().flat_map(|&o| skus(o)).collect();
            let targets: Vec<HashSet<&str>> = after
                .iter()
                .map(|&o| skus(o).difference(&known).copied().collect::<HashSet<_>>())
                .filter(|t| !t.is_empty())
                .collect();
            if !targets.is_empty() {
                history.push((before.clone(), targets));
            }
        }
        let mut next_order = Vec::new();
        for orders in later.values() {
            for pair in orders.windows(2) {
                let here = skus(pair[0]);
                let added: HashSet<&str> = skus(pair[1]).difference(&here).copied().collect();
                if !added.is_empty() {
                    next_order.push((pair[0], added));
                }
            }
        }
        Cases {
            history,
            next_order,
        }
    }

    fn score(
        &self,
        name: &str,
        build: std::time::Duration,
        recommender: &Recommender,
        catalogue: usize,
    ) -> ModelScore {
        let mut history = Tally::default();
        for (before, targets) in &self.history {
            let recs = recommender.for_history(before);
            for t in targets {
                history.add(&recs, t);
            }
        }
        let mut next_order = Tally::default();
        for (order, added) in &self.next_order {
            next_order.add(&recommender.for_basket(&order.lines), added);
        }
        ModelScore {
            model: name.to_string(),
            build_ms: build.as_millis() as u64,
            history: history.score(catalogue),
            next_order: next_order.score(catalogue),
        }
    }
}

impl Recommender {
    fn for_history(&self, before: &[&LoggedOrder]) -> Vec<String> {
        let mut bought: BTreeMap<String, u32> = BTreeMap::new();
        match self {
            Recommender::Popularity(ranked) => {
                for o in before {
                    for l in &o.lines {
                        bought.insert(l.sku.clone(), 1);
                    }
                }
                top_unowned(ranked, |sku| bought.contains_key(sku))
            }
            Recommender::Model(lists) => {
                let mut affinity: Vec<Affinity> = Vec::new();
                for o in before {
                    for l in &o.lines {
                        *bought.entry(l.sku.clone()).or_default() += l.quantity;
                    }
                    remember(&mut affinity, &o.lines, lists, &bought);
                }
                serve(lists, &[], &affinity, &bought)
            }
        }
    }

    fn for_basket(&self, basket: &[OrderLine]) -> Vec<String> {
        match self {
            Recommender::Popularity(ranked) => {
                top_unowned(ranked, |sku| basket.iter().any(|l| l.sku == sku))
            }
            Recommender::Model(lists) => serve(lists, basket, &[], &BTreeMap::new()),
        }
    }
}

fn top_unowned(ranked: &[String], owned: impl Fn(&str) -> bool) -> Vec<String> {
    ranked
        .iter()
        .filter(|s| !owned(s))
        .take(AT)
        .cloned()
        .collect()
}

/// The order path's suggestions, without a per-category cap: the evaluation measures
/// the model, and variety is a choice of the campaign.
fn serve(
    lists: &HashMap<String, SimilarItems>,
    basket: &[OrderLine],
    history: &[Affinity],
    bought: &BTreeMap<String, u32>,
) -> Vec<String> {
    debug_assert!(lists.contains_key(POPULAR) || lists.is_empty());
    suggest(&Suggest {
        basket,
        lists,
        history,
        bought,
        excluded: &super::SkuSet::default(),
        count: AT,
        per_category: AT,
    })
    .into_iter()
    .map(|r| r.sku)
    .collect()
}

#[derive(Default)]
struct Tally {
    cases: usize,
    hits: usize,
    recall: f64,
    suggested: HashSet<String>,
}

impl Tally {
    fn add(&mut self, recs: &[String], targets: &HashSet<&str>) {
        let found = recs.iter().filter(|r| targets.contains(r.as_str())).count();
        self.cases += 1;
        self.hits += usize::from(found > 0);
        self.recall += found as f64 / targets.len() as f64;
        self.suggested.extend(recs.iter().cloned());
    }

    fn score(&self, catalogue: usize) -> TaskScore {
        let per_case = |x: f64| {
            if self.cases == 0 {
                0.0
            } else {
                x / self.cases as f64
            }
        };
        TaskScore {
            cases: self.cases,
            hit_rate: per_case(self.hits as f64),
            recall: per_case(self.recall),
            coverage: if catalogue == 0 {
                0.0
            } else {
                self.suggested.len() as f64 / catalogue as f64
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(id: &str, customer: &str, day: i64, skus: &[&str]) -> LoggedOrder {
        LoggedOrder {
            order_id: id.into(),
            customer: customer.into(),
            placed_at: DateTime::from_timestamp(1_700_000_000 + day * 86_400, 0).unwrap(),
            lines: skus
                .iter()
                .map(|s| OrderLine {
                    sku: s.to_string(),
                    title: s.to_string(),
                    category: None,
                    quantity: 1,
                    unit_price: rust_decimal::Decimal::ONE,
                })
                .collect(),
        }
    }

    fn cutoff() -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000 + 10 * 86_400, 0).unwrap()
    }

    #[test]
    fn popularity_is_scored_by_hand() {
        let orders = vec![
            order("1", "ann", 1, &["A", "B"]),
            order("2", "bob", 2, &["A", "C"]),
            order("3", "cat", 3, &["A"]),
            // After the cutoff: ann buys C (new to her) and A again (not a target).
            order("4", "ann", 11, &["C", "A"]),
            // bob's two later orders: one next-order case, D is not in the catalogue.
            order("5", "bob", 12, &["B"]),
            order("6", "bob", 13, &["B", "D"]),
            // dan has no past: no history case.
            order("7", "dan", 12, &["A"]),
        ];
        let e = evaluate(&orders, cutoff(), &[]);
        assert_eq!(
            e.data,
            SplitSummary {
                orders_train: 3,
                orders_test: 4,
                customers: 4,
                catalogue: 3,
            }
        );
        let p = &e.models[0];
        assert_eq!(p.model, "popularity");
        // ann: known A, B; popular A(3) B(1) C(1) -> [C]: hit. bob: known A, C; later
        // orders {B} and {B, D}: both hit, recalls 1 and 1/2.
        assert_eq!(p.history.cases, 3);
        assert!((p.history.hit_rate - 1.0).abs() < 1e-12);
        assert!((p.history.recall - 2.5 / 3.0).abs() < 1e-12);
        assert!((p.history.coverage - 2.0 / 3.0).abs() < 1e-12);
        // bob's {B} -> {B, D} adds D, which nobody can suggest.
        assert_eq!(p.next_order.cases, 1);
        assert_eq!(p.next_order.hit_rate, 0.0);
    }

    #[test]
    fn co_purchase_finds_the_complement_popularity_cannot() {
        let mut orders = Vec::new();
        for i in 0..30 {
            orders.push(order(&format!("w{i}"), &format!("w{i}"), 1, &["WIPES"]));
        }
        for i in 0..10 {
            let c = format!("t{i}");
            orders.push(order(&format!("{c}-1"), &c, 2, &["TEA", "HONEY"]));
            orders.push(order(&format!("{c}-2"), &c, 11, &["TEA"]));
            orders.push(order(&format!("{c}-3"), &c, 12, &["HONEY", "WIPES"]));
        }
        for i in 0..10 {
            let c = format!("k{i}");
            orders.push(order(&format!("{c}-1"), &c, 3, &["KETTLE", "FILTER"]));
        }
        let model = ("packwise".to_string(), ModelOptions::default());
        let e = evaluate(&orders, cutoff(), &[model]);
        let (popularity, packwise) = (&e.models[0].next_order, &e.models[1].next_order);
        assert_eq!(popularity.cases, 10);
        // After TEA alone, HONEY comes next. Popularity ranks it below WIPES and still
        // within 10, so both hit; only co-purchase puts it first.
        assert_eq!(packwise.cases, 10);
        assert!((packwise.hit_rate - 1.0).abs() < 1e-12);
        let lists: HashMap<String, SimilarItems> = {
            let mut h = PurchaseHistory::new();
            for o in orders.iter().filter(|o| o.placed_at < cutoff()) {
                h.add_order(&o.customer, o.placed_at, crate::similar::lines(&o.lines));
            }
            h.build(&ModelOptions::default())
                .into_iter()
                .map(|l| (l.sku.clone(), l))
                .collect()
        };
        let first = serve(&lists, &orders[31].lines, &[], &BTreeMap::new());
        assert_eq!(first[0], "HONEY");
    }
}
