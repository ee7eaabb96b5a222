//! From the model to a parcel: the few items worth printing on this customer's slip.
//!
//! Candidates are the neighbours of the basket's items and of the customer's history.
//! The history's neighbours travel in the profile (`Affinity`), folded in order by order
//! from the lists each order read anyway, so serving needs no read beyond the one batch
//! that fetches the profile and the basket's lists.

use std::collections::{BTreeMap, HashMap};

use foldhash::fast::FixedState;

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
/// everything the customer has bought, this order included: those are dropped. Only the
/// entries that stay are copied out of the lists.
pub fn remember(
    history: &mut Vec<Affinity>,
    basket: &[OrderLine],
    lists: &(impl Lists + ?Sized),
    bought: &BTreeMap<String, u32>,
) {
    let (found, neighbours) = basket_lists(basket, lists);
    let mut pool = Pool::with_capacity(neighbours);
    for (line, list) in found {
        for n in list.neighbours.iter().filter(|n| n.basis != Basis::Popular) {
            let because = match n.basis {
                Basis::Category => n.category.as_deref(),
                _ => Some(line.title.as_str()),
            };
            let offer = Offer::of(n, n.score, n.basis, because);
            pool.offer(offer, |sku| !bought.contains_key(sku));
        }
    }
    history.retain(|a| !bought.contains_key(&a.sku));
    for a in history.iter_mut() {
        a.score *= HISTORY_DECAY;
        if let Some(fresh) = pool.take(&a.sku) {
            // The larger of what is remembered and what this order adds names it.
            if fresh.best > a.score && fresh.basis <= a.basis {
                a.basis = fresh.basis;
                a.because = fresh.because.map(str::to_string);
            }
            a.score += fresh.score;
        }
    }
    let fresh = pool.into_ranked();
    let mut kept: Vec<Kept<'_>> = std::mem::take(history)
        .into_iter()
        .map(Kept::Old)
        .chain(fresh.into_iter().map(Kept::New))
        .collect();
    kept.sort_unstable_by(|a, b| {
        let (a, b) = (a.rank(), b.rank());
        b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1))
    });
    kept.truncate(HISTORY_KEPT);
    history.extend(kept.into_iter().map(Kept::into_affinity));
}

/// An entry of the history being remembered: one it had, or one this order brings.
enum Kept<'a> {
    Old(Affinity),
    New(Candidate<'a>),
}

impl Kept<'_> {
    fn rank(&self) -> (f64, &str) {
        match self {
            Kept::Old(a) => (a.score, &a.sku),
            Kept::New(c) => (c.score, c.sku),
        }
    }

    fn into_affinity(self) -> Affinity {
        match self {
            Kept::Old(a) => a,
            Kept::New(c) => Affinity {
                sku: c.sku.to_string(),
                title: c.title.to_string(),
                category: c.category.map(str::to_string),
                score: c.score,
                basis: c.basis,
                because: c.because.map(str::to_string),
            },
        }
    }
}

/// A set of SKUs, hashed fast: SKUs come from the merchant, not from strangers, so a
/// fixed-seed hash is safe here, and it keeps serving within its budget.
pub type SkuSet = std::collections::HashSet<String, FixedState>;

/// What one parcel's suggestions are made from.
pub struct Suggest<'a> {
    pub basket: &'a [OrderLine],
    /// The basket's similar lists, and the best-sellers under `POPULAR`.
    pub lists: &'a dyn Lists,
    pub history: &'a [Affinity],
    /// Everything the customer bought before.
    pub bought: &'a BTreeMap<String, u32>,
    /// Never suggested: not recommendable or out of stock.
    pub excluded: &'a SkuSet,
    pub count: usize,
    /// At most this many suggestions of one category, for variety.
    pub per_category: usize,
}

/// One neighbour offered as a candidate, borrowed from where it was read.
struct Offer<'a> {
    sku: &'a str,
    title: &'a str,
    category: Option<&'a str>,
    score: f64,
    basis: Basis,
    because: Option<&'a str>,
}

impl<'a> Offer<'a> {
    fn of(n: &'a super::Neighbour, score: f64, basis: Basis, because: Option<&'a str>) -> Self {
        Offer {
            sku: &n.sku,
            title: &n.title,
            category: n.category.as_deref(),
            score,
            basis,
            because,
        }
    }
}

/// Candidates gathered from several lists, their scores summed per SKU. Each SKU is
/// hashed once per offer and checked against the exclusions once.
struct Pool<'a> {
    candidates: Vec<Candidate<'a>>,
    /// Position in `candidates`, or `REFUSED`.
    index: HashMap<&'a str, usize, FixedState>,
}

const REFUSED: usize = usize::MAX;
const TAKEN: usize = usize::MAX - 1;

impl<'a> Pool<'a> {
    /// Room for `offers` without growing: a 10-line basket offers about 200.
    fn with_capacity(offers: usize) -> Self {
        Pool {
            candidates: Vec::with_capacity(offers),
            index: HashMap::with_capacity_and_hasher(offers, FixedState::default()),
        }
    }

    fn offer(&mut self, o: Offer<'a>, allowed: impl Fn(&str) -> bool) {
        let candidates = &mut self.candidates;
        let at = *self.index.entry(o.sku).or_insert_with(|| {
            if !allowed(o.sku) {
                return REFUSED;
            }
            candidates.push(Candidate {
                sku: o.sku,
                title: o.title,
                category: o.category,
                score: 0.0,
                best: f64::NEG_INFINITY,
                basis: o.basis,
                because: o.because,
                taken: false,
            });
            candidates.len() - 1
        });
        if let Some(c) = self.candidates.get_mut(at) {
            c.add(o.score, o.basis, o.because);
        }
    }

    /// Removes a candidate from the ranking and hands it over.
    fn take(&mut self, sku: &str) -> Option<&Candidate<'a>> {
        let at = self.index.get_mut(sku)?;
        let c = self.candidates.get_mut(*at)?;
        *at = TAKEN;
        c.taken = true;
        Some(c)
    }

    /// The candidates not taken, best first; equal scores in SKU order.
    fn into_ranked(self) -> Vec<Candidate<'a>> {
        let mut ranked = self.candidates;
        ranked.retain(|c| !c.taken);
        ranked.sort_unstable_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.sku.cmp(b.sku)));
        ranked
    }
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
    /// Merged into an entry the profile already had.
    taken: bool,
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
            // Neighbours come from what the same customers bought, not from a proven pairing:
            // the wording says so.
            Basis::History => format!("popular with buyers of {because}"),
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

/// Each basket line with its similar list, looked up once, and how many neighbours they
/// hold together (the pool is sized from it).
fn basket_lists<'a>(
    basket: &'a [OrderLine],
    lists: &'a (impl Lists + ?Sized),
) -> (Vec<(&'a OrderLine, &'a SimilarItems)>, usize) {
    let found: Vec<_> = basket
        .iter()
        .filter_map(|line| Some((line, lists.of(&line.sku)?)))
        .collect();
    let neighbours = found.iter().map(|(_, l)| l.neighbours.len()).sum();
    (found, neighbours)
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
    let (found, neighbours) = basket_lists(s.basket, s.lists);
    let mut pool = Pool::with_capacity(neighbours + s.history.len());
    for (line, list) in found {
        for n in &list.neighbours {
            let because = match n.basis {
                Basis::CoPurchase => Some(line.title.as_str()),
                Basis::Category => n.category.as_deref(),
                _ => None,
            };
            pool.offer(Offer::of(n, n.score, n.basis, because), allowed);
        }
    }
    for a in s.history {
        let basis = match a.basis {
            Basis::CoPurchase => Basis::History,
            other => other,
        };
        let offer = Offer {
            sku: &a.sku,
            title: &a.title,
            category: a.category.as_deref(),
            score: HISTORY_WEIGHT * a.score,
            basis,
            because: a.because.as_deref(),
        };
        pool.offer(offer, allowed);
    }
    let candidates = pool.into_ranked();
    let mut chosen = Chosen {
        per_category: HashMap::new(),
        picked: Vec::with_capacity(s.count),
        count: s.count,
        cap: s.per_category,
    };
    for c in candidates.iter() {
        chosen.offer(c);
    }
    // What the neighbours left open: every allowed neighbour was either picked or held
    // back by its category's cap, which holds it back here too.
    let fill = s
        .lists
        .of(POPULAR)
        .into_iter()
        .flat_map(|l| &l.neighbours)
        .filter(|n| allowed(&n.sku) && !chosen.picked.iter().any(|p| p.sku == n.sku))
        .map(|n| Candidate {
            sku: &n.sku,
            title: &n.title,
            category: n.category.as_deref(),
            score: n.score,
            best: n.score,
            basis: Basis::Popular,
            because: None,
            taken: false,
        });
    for c in fill.collect::<Vec<_>>() {
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
        excluded: &'a SkuSet,
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
        let excluded = SkuSet::from_iter(["GIFTCARD".to_string()]);
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
        let excluded = SkuSet::default();
        let recs = suggest(&request(&basket, &lists, &history, &none, &excluded));
        // BEANS 0.5, MUG 0.4, FILTER 0.3: half weight for history.
        assert_eq!(skus(&recs), ["BEANS", "MUG", "FILTER"]);
        assert_eq!(recs[0].reason, "popular with buyers of Grinder");
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
        let excluded = SkuSet::default();
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
        let excluded = SkuSet::default();
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
