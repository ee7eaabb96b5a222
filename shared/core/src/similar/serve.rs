//! From the model to a parcel: the few items worth printing on this customer's slip.
//!
//! Candidates are the neighbours of the basket's items and of the customer's history.
//! The history's neighbours travel in the profile (`Affinity`), folded in order by order
//! from the lists each order read anyway, so serving needs no read beyond the one batch
//! that fetches the profile and the basket's lists.

use std::collections::{BTreeMap, HashMap, HashSet};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Basis, POPULAR, SimilarItems};
use crate::instruction::Recommendation;
use crate::order::OrderLine;

/// A neighbour of something the customer bought, remembered in their profile.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Affinity {
    pub sku: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    pub score: f64,
    pub basis: Basis,
    /// Title of the past purchase it goes with (co-purchase), or the category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub because: Option<String>,
}

/// Each order weighs this much less than the next, so tastes can move on.
pub const HISTORY_DECAY: f64 = 0.75;
/// History neighbours kept in a profile: enough to fill a slip after exclusions, few
/// enough to keep the profile within one read unit.
pub const HISTORY_KEPT: usize = 16;
/// A history neighbour counts this much against a basket neighbour: what is in the box
/// now says more than what was bought months ago.
pub const HISTORY_WEIGHT: f64 = 0.5;

/// Where serving finds the similar items of a SKU: the few lists read for one order, or
/// a whole model in memory (evaluation).
pub trait Lists {
    fn of(&self, sku: &str) -> Option<&SimilarItems>;
}

impl Lists for &[SimilarItems] {
    fn of(&self, sku: &str) -> Option<&SimilarItems> {
        self.iter().find(|l| l.sku == sku)
    }
}

impl Lists for Vec<SimilarItems> {
    fn of(&self, sku: &str) -> Option<&SimilarItems> {
        self.iter().find(|l| l.sku == sku)
    }
}

impl<S: std::hash::BuildHasher> Lists for HashMap<String, SimilarItems, S> {
    fn of(&self, sku: &str) -> Option<&SimilarItems> {
        self.get(sku)
    }
}

/// Folds one order's basket neighbours into the customer's remembered ones. `bought` is
/// everything the customer has bought, this order included: those are dropped.
pub fn remember(
    history: &mut Vec<Affinity>,
    basket: &[OrderLine],
    lists: &(impl Lists + ?Sized),
    bought: &BTreeMap<String, u32>,
) {
    for a in history.iter_mut() {
        a.score *= HISTORY_DECAY;
    }
    for line in basket {
        let Some(list) = lists.of(&line.sku) else {
            continue;
        };
        for n in &list.neighbours {
            if n.basis == Basis::Popular || bought.contains_key(&n.sku) {
                continue;
            }
            let because = match n.basis {
                Basis::Category => n.category.clone(),
                _ => Some(line.title.clone()),
            };
            match history.iter_mut().find(|a| a.sku == n.sku) {
                Some(a) => {
                    // The larger of what is remembered and what this order adds names it.
                    if n.score > a.score && n.basis <= a.basis {
                        a.basis = n.basis;
                        a.because = because;
                    }
                    a.score += n.score;
                }
                None => history.push(Affinity {
                    sku: n.sku.clone(),
                    title: n.title.clone(),
                    category: n.category.clone(),
                    score: n.score,
                    basis: n.basis,
                    because,
                }),
            }
        }
    }
    history.retain(|a| !bought.contains_key(&a.sku));
    history.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.sku.cmp(&b.sku)));
    history.truncate(HISTORY_KEPT);
}

/// What one parcel's suggestions are made from.
pub struct Suggest<'a> {
    pub basket: &'a [OrderLine],
    /// The basket's similar lists, and the best-sellers under `POPULAR`.
    pub lists: &'a dyn Lists,
    pub history: &'a [Affinity],
    /// Everything the customer bought before.
    pub bought: &'a BTreeMap<String, u32>,
    /// Never suggested: not recommendable or out of stock.
    pub excluded: &'a HashSet<String>,
    pub count: usize,
    /// At most this many suggestions of one category, for variety.
    pub per_category: usize,
}

struct Candidate<'a> {
    sku: &'a str,
    title: &'a str,
    category: Option<&'a str>,
    score: f64,
    /// The largest single contribution names the reason.
    best: f64,
    basis: Basis,
    because: Option<&'a str>,
}

impl<'a> Candidate<'a> {
    fn add(&mut self, score: f64, basis: Basis, because: Option<&'a str>) {
        self.score += score;
        if score > self.best {
            self.best = score;
            self.basis = basis;
            self.because = because;
        }
    }

    fn recommendation(&self) -> Recommendation {
        let because = self.because.unwrap_or_default();
        let reason = match self.basis {
            Basis::CoPurchase => format!("often bought with {because}"),
            Basis::History => format!("goes with your {because}"),
            Basis::Category if !because.is_empty() => format!("popular in {because}"),
            Basis::Category | Basis::Popular => "a customer favourite".to_string(),
        };
        Recommendation {
            sku: self.sku.to_string(),
            title: self.title.to_string(),
            reason,
            basis: self.basis,
            because: self.because.map(str::to_string),
        }
    }
}

/// The best `count` items for the parcel, best first, each with its reason. Items in
/// the basket, bought before or excluded never appear; best-sellers fill what the
/// neighbours leave open.
pub fn suggest<'a>(s: &Suggest<'a>) -> Vec<Recommendation> {
    let allowed = |sku: &str| {
        !s.basket.iter().any(|l| l.sku == sku)
            && !s.bought.contains_key(sku)
            && !s.excluded.contains(sku)
    };
    let mut candidates: Vec<Candidate<'a>> = Vec::new();
    let mut index: HashMap<&'a str, usize> = HashMap::new();
    let mut offer = |sku: &'a str,
                     title: &'a str,
                     category: Option<&'a str>,
                     score: f64,
                     basis: Basis,
                     because: Option<&'a str>| {
        if !allowed(sku) {
            return;
        }
        let at = *index.entry(sku).or_insert_with(|| {
            candidates.push(Candidate {
                sku,
                title,
                category,
                score: 0.0,
                best: f64::NEG_INFINITY,
                basis,
                because,
            });
            candidates.len() - 1
        });
        candidates[at].add(score, basis, because);
    };
    for line in s.basket {
        let Some(list) = s.lists.of(&line.sku) else {
            continue;
        };
        for n in &list.neighbours {
            let because = match n.basis {
                Basis::CoPurchase => Some(line.title.as_str()),
                Basis::Category => n.category.as_deref(),
                _ => None,
            };
            let category = n.category.as_deref();
            offer(&n.sku, &n.title, category, n.score, n.basis, because);
        }
    }
    for a in s.history {
        let basis = match a.basis {
            Basis::CoPurchase => Basis::History,
            other => other,
        };
        let category = a.category.as_deref();
        let because = a.because.as_deref();
        offer(
            &a.sku,
            &a.title,
            category,
            HISTORY_WEIGHT * a.score,
            basis,
            because,
        );
    }
    candidates.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.sku.cmp(b.sku)));
    let fill = s
        .lists
        .of(POPULAR)
        .into_iter()
        .flat_map(|l| &l.neighbours)
        .filter(|n| allowed(&n.sku) && !index.contains_key(n.sku.as_str()))
        .map(|n| Candidate {
            sku: &n.sku,
            title: &n.title,
            category: n.category.as_deref(),
            score: n.score,
            best: n.score,
            basis: Basis::Popular,
            because: None,
        });
    let mut chosen = Chosen {
        per_category: HashMap::new(),
        picked: Vec::with_capacity(s.count),
        count: s.count,
        cap: s.per_category,
    };
    for c in candidates.iter() {
        chosen.offer(c);
    }
    for c in fill {
        if chosen.full() {
            break;
        }
        chosen.offer(&c);
    }
    chosen.picked
}

/// The suggestions taken so far, at most `cap` per category (items without a category
/// are not capped: a catalogue without categories must still fill the slip).
struct Chosen<'a> {
    per_category: HashMap<&'a str, usize>,
    picked: Vec<Recommendation>,
    count: usize,
    cap: usize,
}

impl<'a> Chosen<'a> {
    fn full(&self) -> bool {
        self.picked.len() >= self.count
    }

    fn offer(&mut self, c: &Candidate<'a>) {
        if self.full() {
            return;
        }
        if let Some(category) = c.category {
            let n = self.per_category.entry(category).or_default();
            if *n >= self.cap {
                return;
            }
            *n += 1;
        }
        self.picked.push(c.recommendation());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::similar::Neighbour;

    fn n(sku: &str, category: Option<&str>, score: f64) -> Neighbour {
        Neighbour {
            sku: sku.into(),
            title: format!("{sku} title"),
            category: category.map(Into::into),
            score,
            basis: Basis::CoPurchase,
        }
    }

    fn list(sku: &str, neighbours: Vec<Neighbour>) -> SimilarItems {
        SimilarItems {
            sku: sku.into(),
            neighbours,
        }
    }

    fn basket(items: &[(&str, &str)]) -> Vec<OrderLine> {
        items
            .iter()
            .map(|(sku, title)| OrderLine {
                sku: sku.to_string(),
                title: title.to_string(),
                category: None,
                quantity: 1,
                unit_price: rust_decimal::Decimal::ONE,
            })
            .collect()
    }

    fn request<'a>(
        basket: &'a [OrderLine],
        lists: &'a Vec<SimilarItems>,
        history: &'a [Affinity],
        bought: &'a BTreeMap<String, u32>,
        excluded: &'a HashSet<String>,
    ) -> Suggest<'a> {
        Suggest {
            basket,
            lists,
            history,
            bought,
            excluded,
            count: 3,
            per_category: 3,
        }
    }

    fn skus(recs: &[Recommendation]) -> Vec<&str> {
        recs.iter().map(|r| r.sku.as_str()).collect()
    }

    #[test]
    fn suggestions_skip_owned_and_excluded_items_and_name_their_reason() {
        let lists = vec![
            list(
                "TEA",
                vec![
                    n("MUG", None, 0.9),
                    n("HONEY", None, 0.5),
                    n("OLD", None, 0.99),
                ],
            ),
            list(
                "CAKE",
                vec![
                    n("HONEY", None, 0.6),
                    n("TEA", None, 0.8),
                    n("GIFTCARD", None, 0.9),
                ],
            ),
        ];
        let bought = BTreeMap::from([("OLD".to_string(), 1)]);
        let excluded = HashSet::from(["GIFTCARD".to_string()]);
        let basket = basket(&[("TEA", "Mint Tea"), ("CAKE", "Lemon Cake")]);
        let mut r = request(&basket, &lists, &[], &bought, &excluded);
        r.count = 2;
        let recs = suggest(&r);
        assert_eq!(skus(&recs), ["HONEY", "MUG"]);
        assert_eq!(recs[0].reason, "often bought with Lemon Cake");
        assert_eq!(recs[0].because.as_deref(), Some("Lemon Cake"));
        assert_eq!(recs[1].reason, "often bought with Mint Tea");
        assert_eq!(recs[1].basis, Basis::CoPurchase);
    }

    #[test]
    fn history_adds_candidates_and_the_basket_counts_more() {
        let lists = vec![list("TEA", vec![n("MUG", None, 0.4)])];
        let history = vec![
            Affinity {
                sku: "FILTER".into(),
                title: "Paper Filters".into(),
                category: None,
                score: 0.6,
                basis: Basis::CoPurchase,
                because: Some("Pour-over Kettle".into()),
            },
            Affinity {
                sku: "BEANS".into(),
                title: "Beans".into(),
                category: None,
                score: 1.0,
                basis: Basis::CoPurchase,
                because: Some("Grinder".into()),
            },
        ];
        let basket = basket(&[("TEA", "Mint Tea")]);
        let none = BTreeMap::new();
        let excluded = HashSet::new();
        let recs = suggest(&request(&basket, &lists, &history, &none, &excluded));
        // BEANS 0.5, MUG 0.4, FILTER 0.3: half weight for history.
        assert_eq!(skus(&recs), ["BEANS", "MUG", "FILTER"]);
        assert_eq!(recs[0].reason, "goes with your Grinder");
        assert_eq!(recs[0].basis, Basis::History);
    }

    #[test]
    fn a_category_gives_at_most_its_share_and_items_without_one_are_not_capped() {
        let lists = vec![list(
            "TEA",
            vec![
                n("T1", Some("tea"), 0.9),
                n("T2", Some("tea"), 0.8),
                n("T3", Some("tea"), 0.7),
                n("X1", None, 0.6),
                n("X2", None, 0.5),
                n("H1", Some("honey"), 0.1),
            ],
        )];
        let basket = basket(&[("TEA", "Tea")]);
        let none = BTreeMap::new();
        let excluded = HashSet::new();
        let mut r = request(&basket, &lists, &[], &none, &excluded);
        r.count = 5;
        r.per_category = 1;
        assert_eq!(skus(&suggest(&r)), ["T1", "X1", "X2", "H1"]);
    }

    #[test]
    fn best_sellers_fill_what_the_neighbours_leave_open() {
        let mut popular = list(
            POPULAR,
            vec![
                n("TEA", None, 1.0),
                n("BEST", None, 0.9),
                n("NEXT", None, 0.5),
            ],
        );
        for p in &mut popular.neighbours {
            p.basis = Basis::Popular;
        }
        let lists = vec![list("TEA", vec![n("MUG", None, 0.4)]), popular];
        let basket = basket(&[("TEA", "Tea"), ("BRAND-NEW", "New")]);
        let none = BTreeMap::new();
        let excluded = HashSet::new();
        let recs = suggest(&request(&basket, &lists, &[], &none, &excluded));
        assert_eq!(skus(&recs), ["MUG", "BEST", "NEXT"]);
        assert_eq!(recs[1].reason, "a customer favourite");
        assert_eq!(recs[1].basis, Basis::Popular);
    }

    #[test]
    fn remembering_decays_old_orders_drops_what_was_bought_and_keeps_the_best() {
        let lists = vec![list(
            "KETTLE",
            vec![
                n("FILTER", None, 0.8),
                n("BEANS", None, 0.4),
                n("MUG", None, 0.2),
            ],
        )];
        let mut history = vec![Affinity {
            sku: "BEANS".into(),
            title: "Beans".into(),
            category: None,
            score: 1.0,
            basis: Basis::CoPurchase,
            because: Some("Grinder".into()),
        }];
        let bought = BTreeMap::from([("KETTLE".to_string(), 1), ("MUG".to_string(), 2)]);
        remember(
            &mut history,
            &basket(&[("KETTLE", "Kettle")]),
            &lists,
            &bought,
        );
        let kept: Vec<(&str, f64, Option<&str>)> = history
            .iter()
            .map(|a| (a.sku.as_str(), a.score, a.because.as_deref()))
            .collect();
        assert_eq!(
            kept,
            [
                ("BEANS", 1.0 * HISTORY_DECAY + 0.4, Some("Grinder")),
                ("FILTER", 0.8, Some("Kettle")),
            ]
        );
        for i in 0..40 {
            let many = vec![list(
                "KETTLE",
                vec![n(&format!("N{i:02}"), None, 1.0 + f64::from(i))],
            )];
            remember(
                &mut history,
                &basket(&[("KETTLE", "Kettle")]),
                &many,
                &bought,
            );
        }
        assert_eq!(history.len(), HISTORY_KEPT);
        assert_eq!(history[0].sku, "N39");
    }
}
