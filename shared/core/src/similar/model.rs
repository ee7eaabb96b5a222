//! The item-to-item model: which products are bought together more than chance says,
//! learned from a merchant's purchase history, kept as the top neighbours of every SKU.
//!
//! Purchases are folded into a compact, interned history first (one `u32` per line), so a
//! rebuild can stream pages from the store and never hold their documents. The build is
//! one sparse pass per item over the baskets that hold it, with a dense accumulator: time
//! grows with the number of co-purchased pairs, memory with the number of lines.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::{Basis, Neighbour, POPULAR, SimilarItems};

/// What counts as "bought together".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Together {
    /// Items in the same order.
    Order,
    /// Items bought by the same customer, at any time (their most recent
    /// `MAX_CUSTOMER_ITEMS` items).
    Customer,
}

/// How a co-purchase count becomes a similarity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Measure {
    /// Co-purchases over the geometric mean of both items' purchases.
    Cosine,
    /// Co-purchases over the baskets holding either item.
    Jaccard,
    /// Co-purchases over what independence predicts.
    Lift,
    /// Dot product of BM25-weighted purchases (long baskets and best-sellers count less),
    /// as in `implicit`'s BM25 recommender.
    Bm25,
}

/// The model's knobs. `Default` is the configuration chosen by evaluation (see the
/// README's "Similar items" section for the comparison that chose it).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ModelOptions {
    /// Neighbours kept per SKU.
    pub neighbours: usize,
    pub together: Together,
    pub measure: Measure,
    /// Shrinks the similarity of pairs seen together `n` times by `n / (n + shrinkage)`,
    /// so two rare items bought together once do not look like soulmates.
    pub shrinkage: f64,
    /// A purchase this many days older than the newest one counts half; `None` counts
    /// every purchase the same.
    pub half_life_days: Option<f64>,
}

impl Default for ModelOptions {
    fn default() -> Self {
        ModelOptions {
            neighbours: 20,
            together: Together::Customer,
            measure: Measure::Cosine,
            shrinkage: 5.0,
            half_life_days: Some(365.0),
        }
    }
}

/// A customer basket keeps at most this many of their most recent items: the heavy
/// buyers' baskets would otherwise cost the square of their length and say little.
pub const MAX_CUSTOMER_ITEMS: usize = 200;

/// BM25 parameters, as `implicit` defaults them.
const BM25_K1: f64 = 1.2;
const BM25_B: f64 = 0.75;

/// One line of a past order, borrowed from wherever it was read.
#[derive(Clone, Copy, Debug)]
pub struct LineRef<'a> {
    pub sku: &'a str,
    pub title: &'a str,
    pub category: Option<&'a str>,
}

/// A product as the model last saw it.
#[derive(Clone, Debug, PartialEq)]
struct Product {
    sku: Box<str>,
    title: Box<str>,
    category: Option<u32>,
    /// When `title` and `category` were seen, so the newest description wins.
    seen_at: i64,
}

/// A merchant's purchase history, interned: what the model is built from.
#[derive(Default)]
pub struct PurchaseHistory {
    products: Vec<Product>,
    product_index: HashMap<Box<str>, u32>,
    categories: Vec<Box<str>>,
    category_index: HashMap<Box<str>, u32>,
    customer_index: HashMap<Box<str>, u32>,
    customers: Vec<Box<str>>,
    /// Per order: its customer, when it was placed (Unix seconds) and where its items
    /// start in `order_items`.
    order_customer: Vec<u32>,
    order_at: Vec<i64>,
    order_start: Vec<u32>,
    order_items: Vec<u32>,
}

impl PurchaseHistory {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one past order; a SKU on several lines counts once.
    pub fn add_order<'a>(
        &mut self,
        customer: &str,
        placed_at: DateTime<Utc>,
        lines: impl IntoIterator<Item = LineRef<'a>>,
    ) {
        let at = placed_at.timestamp();
        let name = customer;
        let customer = intern(&mut self.customer_index, name);
        if customer as usize == self.customers.len() {
            self.customers.push(name.into());
        }
        let start = self.order_items.len();
        for line in lines {
            let item = self.product(line, at);
            if !self.order_items[start..].contains(&item) {
                self.order_items.push(item);
            }
        }
        if self.order_items.len() == start {
            return;
        }
        self.order_customer.push(customer);
        self.order_at.push(at);
        self.order_start.push(start as u32);
    }

    /// Adds a past order as the store's history keeps it.
    pub fn add_summary(&mut self, customer: &str, order: &crate::profile::OrderSummary) {
        self.add_order(customer, order.placed_at, super::lines(&order.lines));
    }

    pub fn orders(&self) -> usize {
        self.order_at.len()
    }

    /// Distinct items over all orders (order lines with a repeated SKU count once).
    pub fn lines(&self) -> usize {
        self.order_items.len()
    }

    pub fn products(&self) -> usize {
        self.products.len()
    }

    fn product(&mut self, line: LineRef<'_>, at: i64) -> u32 {
        let category = line.category.map(|c| {
            let i = intern(&mut self.category_index, c);
            if i as usize == self.categories.len() {
                self.categories.push(c.into());
            }
            i
        });
        if let Some(&i) = self.product_index.get(line.sku) {
            let p = &mut self.products[i as usize];
            if at >= p.seen_at && (*p.title != *line.title || p.category != category) {
                p.title = line.title.into();
                p.category = category;
                p.seen_at = at;
            }
            return i;
        }
        let i = self.products.len() as u32;
        self.products.push(Product {
            sku: line.sku.into(),
            title: line.title.into(),
            category,
            seen_at: at,
        });
        self.product_index.insert(line.sku.into(), i);
        i
    }

    fn items_of(&self, order: usize) -> &[u32] {
        let start = self.order_start[order] as usize;
        let end = self
            .order_start
            .get(order + 1)
            .map_or(self.order_items.len(), |&e| e as usize);
        &self.order_items[start..end]
    }

    /// The top neighbours of every product, with fallbacks for those bought with too
    /// few others, and the merchant's best-sellers under the SKU `POPULAR`.
    pub fn build(&self, options: &ModelOptions) -> Vec<SimilarItems> {
        let k = options.neighbours;
        if self.products.is_empty() || k == 0 {
            return Vec::new();
        }
        let baskets = self.baskets(options);
        let weights = baskets.weights(options.measure, self.products.len());
        let by_item = baskets.transpose(self.products.len());
        let popularity = baskets.popularity(self.products.len());

        let n = self.products.len();
        let mut dot = vec![0.0f64; n];
        let mut together = vec![0u32; n];
        let mut touched: Vec<u32> = Vec::new();
        let mut scored: Vec<(u32, f64)> = Vec::new();
        let mut lists: Vec<Vec<(u32, f64)>> = Vec::with_capacity(n);
        for item in 0..n {
            for &(basket, at) in by_item.of_item(item) {
                let w_item = weights[at as usize];
                for (pos, &other) in baskets.items_of(basket as usize).iter().enumerate() {
                    if other as usize == item {
                        continue;
                    }
                    let o = other as usize;
                    if together[o] == 0 {
                        touched.push(other);
                    }
                    together[o] += 1;
                    dot[o] += w_item * weights[baskets.start(basket as usize) + pos];
                }
            }
            scored.clear();
            scored.extend(touched.iter().map(|&other| {
                let o = other as usize;
                let raw = weights.similarity(options.measure, item, o, dot[o]);
                let seen = f64::from(together[o]);
                (other, raw * seen / (seen + options.shrinkage))
            }));
            scored.retain(|(_, s)| *s > 0.0);
            for &other in &touched {
                dot[other as usize] = 0.0;
                together[other as usize] = 0;
            }
            touched.clear();
            top(&mut scored, k, |i| &self.products[i as usize].sku);
            // A copy of the k kept: the scratch row had room for every co-purchase.
            lists.push(scored.clone());
        }
        self.with_fallbacks(lists, &popularity, k)
    }

    /// Fills every list to `k` with its category's best-sellers, then the shop's, each
    /// scored below every co-purchase score so they only ever come after real neighbours.
    fn with_fallbacks(
        &self,
        lists: Vec<Vec<(u32, f64)>>,
        popularity: &[f64],
        k: usize,
    ) -> Vec<SimilarItems> {
        let floor = lists
            .iter()
            .flatten()
            .map(|(_, s)| *s)
            .fold(f64::INFINITY, f64::min);
        let floor = if floor.is_finite() { floor } else { 1.0 };
        let most = popularity
            .iter()
            .copied()
            .fold(0.0, f64::max)
            .max(f64::MIN_POSITIVE);
        let mut by_popularity: Vec<u32> = (0..self.products.len() as u32).collect();
        by_popularity.sort_by(|&a, &b| {
            popularity[b as usize]
                .total_cmp(&popularity[a as usize])
                .then_with(|| {
                    self.products[a as usize]
                        .sku
                        .cmp(&self.products[b as usize].sku)
                })
        });
        let mut category_best: HashMap<u32, Vec<u32>> = HashMap::new();
        for &i in &by_popularity {
            if let Some(c) = self.products[i as usize].category {
                let best = category_best.entry(c).or_default();
                if best.len() < k + 1 {
                    best.push(i);
                }
            }
        }
        let shop_best = &by_popularity[..by_popularity.len().min(k + 1)];
        let neighbour = |i: u32, basis: Basis, score: f64| {
            let p = &self.products[i as usize];
            Neighbour {
                sku: p.sku.to_string(),
                title: p.title.to_string(),
                category: p.category.map(|c| self.categories[c as usize].to_string()),
                score,
                basis,
            }
        };
        let fallback_score = |i: u32, share: f64| floor * share * popularity[i as usize] / most;

        let mut out: Vec<SimilarItems> = lists
            .into_iter()
            .enumerate()
            .map(|(item, scored)| {
                let mut neighbours: Vec<Neighbour> = scored
                    .iter()
                    .map(|&(o, s)| neighbour(o, Basis::CoPurchase, s))
                    .collect();
                let mut taken: Vec<u32> = scored.iter().map(|(o, _)| *o).collect();
                taken.push(item as u32);
                let own_category = self.products[item].category;
                let category = own_category
                    .and_then(|c| category_best.get(&c))
                    .map_or(&[][..], Vec::as_slice);
                for (fallbacks, basis, share) in [
                    (category, Basis::Category, 0.5),
                    (shop_best, Basis::Popular, 0.25),
                ] {
                    for &o in fallbacks {
                        if neighbours.len() >= k {
                            break;
                        }
                        if !taken.contains(&o) {
                            taken.push(o);
                            neighbours.push(neighbour(o, basis, fallback_score(o, share)));
                        }
                    }
                }
                SimilarItems {
                    sku: self.products[item].sku.to_string(),
                    neighbours,
                }
            })
            .collect();
        out.push(SimilarItems {
            sku: POPULAR.to_string(),
            neighbours: shop_best
                .iter()
                .take(k)
                .map(|&o| neighbour(o, Basis::Popular, popularity[o as usize] / most))
                .collect(),
        });
        out
    }

    /// Orders by customer, then newest first, whatever order they were added in: scores
    /// are sums of floats, and a rebuild must give the same bits however the store
    /// pages its history.
    fn canonical_orders(&self) -> Vec<usize> {
        let mut orders: Vec<usize> = (0..self.orders()).collect();
        let skus = |o: usize| {
            self.items_of(o)
                .iter()
                .map(|&i| &self.products[i as usize].sku)
        };
        orders.sort_by(|&a, &b| {
            let customer = |o: usize| &self.customers[self.order_customer[o] as usize];
            customer(a)
                .cmp(customer(b))
                .then_with(|| self.order_at[b].cmp(&self.order_at[a]))
                .then_with(|| skus(a).cmp(skus(b)))
        });
        orders
    }

    /// The baskets the options ask for, each item with its recency weight.
    fn baskets(&self, options: &ModelOptions) -> Baskets {
        let newest = self.order_at.iter().copied().max().unwrap_or(0);
        let decay = |at: i64| match options.half_life_days {
            Some(days) => 0.5f64.powf((newest - at) as f64 / (days * 86_400.0)),
            None => 1.0,
        };
        let mut b = Baskets::default();
        match options.together {
            Together::Order => {
                for order in self.canonical_orders() {
                    let w = decay(self.order_at[order]);
                    b.push(self.items_of(order).iter().map(|&i| (i, w)));
                }
            }
            Together::Customer => {
                let orders = self.canonical_orders();
                let mut seen: HashMap<u32, f64> = HashMap::new();
                let mut basket: Vec<(u32, f64)> = Vec::new();
                for (pos, &order) in orders.iter().enumerate() {
                    let w = decay(self.order_at[order]);
                    for &item in self.items_of(order) {
                        if basket.len() < MAX_CUSTOMER_ITEMS && !seen.contains_key(&item) {
                            seen.insert(item, w);
                            basket.push((item, w));
                        }
                    }
                    let last_of_customer = orders.get(pos + 1).is_none_or(|&next| {
                        self.order_customer[next] != self.order_customer[order]
                    });
                    if last_of_customer {
                        b.push(basket.drain(..));
                        seen.clear();
                    }
                }
            }
        }
        b
    }
}

fn intern(index: &mut HashMap<Box<str>, u32>, key: &str) -> u32 {
    if let Some(&i) = index.get(key) {
        return i;
    }
    let i = index.len() as u32;
    index.insert(key.into(), i);
    i
}

/// Keeps the `k` best, best first; equal scores in SKU order so a rebuild is stable.
fn top<'a>(scored: &mut Vec<(u32, f64)>, k: usize, sku: impl Fn(u32) -> &'a str) {
    let order =
        |a: &(u32, f64), b: &(u32, f64)| b.1.total_cmp(&a.1).then_with(|| sku(a.0).cmp(sku(b.0)));
    if scored.len() > k {
        scored.select_nth_unstable_by(k, order);
        scored.truncate(k);
    }
    scored.sort_by(order);
}

/// Baskets as compressed rows: items and their weights.
#[derive(Default)]
struct Baskets {
    start: Vec<u32>,
    items: Vec<u32>,
    weights: Vec<f64>,
}

impl Baskets {
    fn push(&mut self, items: impl IntoIterator<Item = (u32, f64)>) {
        // A basket of one item has no pair, but it is kept: it shows what sells, and an
        // item bought alone is less tied to any other (cosine's norm counts it).
        self.start.push(self.items.len() as u32);
        for (i, w) in items {
            self.items.push(i);
            self.weights.push(w);
        }
    }

    fn len(&self) -> usize {
        self.start.len()
    }

    fn start(&self, basket: usize) -> usize {
        self.start[basket] as usize
    }

    fn end(&self, basket: usize) -> usize {
        self.start
            .get(basket + 1)
            .map_or(self.items.len(), |&e| e as usize)
    }

    fn items_of(&self, basket: usize) -> &[u32] {
        &self.items[self.start(basket)..self.end(basket)]
    }

    /// Recency-weighted baskets holding each item: what "best-seller" means here.
    fn popularity(&self, products: usize) -> Vec<f64> {
        let mut p = vec![0.0; products];
        for (&i, &w) in self.items.iter().zip(&self.weights) {
            p[i as usize] += w;
        }
        p
    }

    fn transpose(&self, products: usize) -> ByItem {
        ByItem::of(self, products)
    }

    /// Per-entry weights for the measure, and the per-item totals it normalises by.
    fn weights(&self, measure: Measure, products: usize) -> Weights {
        let mut entry = self.weights.clone();
        if measure == Measure::Bm25 {
            let mut length = vec![0.0f64; products];
            for (&i, &w) in self.items.iter().zip(&self.weights) {
                length[i as usize] += w;
            }
            let used = length.iter().filter(|l| **l > 0.0).count().max(1);
            let average = length.iter().sum::<f64>() / used as f64;
            let n = products as f64;
            for basket in 0..self.len() {
                let (s, e) = (self.start(basket), self.end(basket));
                let idf = n.ln() - ((e - s) as f64).ln_1p();
                for pos in s..e {
                    let norm = (1.0 - BM25_B) + BM25_B * length[self.items[pos] as usize] / average;
                    let w = entry[pos];
                    entry[pos] = w * (BM25_K1 + 1.0) / (BM25_K1 * norm + w) * idf;
                }
            }
        }
        let mut sum = vec![0.0f64; products];
        let mut squares = vec![0.0f64; products];
        for (&i, &w) in self.items.iter().zip(&entry) {
            sum[i as usize] += w;
            squares[i as usize] += w * w;
        }
        let total: f64 = (0..self.len())
            .map(|b| {
                let (s, e) = (self.start(b), self.end(b));
                self.weights[s..e].iter().copied().fold(0.0, f64::max)
            })
            .sum();
        Weights {
            entry,
            sum,
            squares,
            total,
        }
    }
}

/// The weights a measure multiplies and normalises with.
struct Weights {
    entry: Vec<f64>,
    sum: Vec<f64>,
    squares: Vec<f64>,
    /// Weighted number of baskets, for lift.
    total: f64,
}

impl std::ops::Index<usize> for Weights {
    type Output = f64;
    fn index(&self, pos: usize) -> &f64 {
        &self.entry[pos]
    }
}

impl Weights {
    fn similarity(&self, measure: Measure, a: usize, b: usize, dot: f64) -> f64 {
        match measure {
            Measure::Cosine => dot / (self.squares[a] * self.squares[b]).sqrt(),
            Measure::Jaccard => dot / (self.sum[a] + self.sum[b] - dot),
            Measure::Lift => dot * self.total / (self.sum[a] * self.sum[b]),
            Measure::Bm25 => dot,
        }
    }
}

/// Baskets by item: for each item, the baskets holding it and where in them it is.
struct ByItem {
    start: Vec<u32>,
    entries: Vec<(u32, u32)>,
}

impl ByItem {
    fn of(baskets: &Baskets, products: usize) -> Self {
        let mut count = vec![0u32; products + 1];
        for &i in &baskets.items {
            count[i as usize + 1] += 1;
        }
        for i in 0..products {
            count[i + 1] += count[i];
        }
        let start = count.clone();
        let mut entries = vec![(0u32, 0u32); baskets.items.len()];
        let mut next = count;
        for basket in 0..baskets.len() {
            for pos in baskets.start(basket)..baskets.end(basket) {
                let i = baskets.items[pos] as usize;
                entries[next[i] as usize] = (basket as u32, pos as u32);
                next[i] += 1;
            }
        }
        ByItem { start, entries }
    }

    fn of_item(&self, item: usize) -> &[(u32, u32)] {
        &self.entries[self.start[item] as usize..self.start[item + 1] as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(day: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000 + day * 86_400, 0).unwrap()
    }

    fn line(sku: &str) -> LineRef<'_> {
        LineRef {
            sku,
            title: sku,
            category: None,
        }
    }

    fn history(orders: &[(&str, i64, &[&str])]) -> PurchaseHistory {
        let mut h = PurchaseHistory::new();
        for (customer, day, skus) in orders {
            h.add_order(customer, at(*day), skus.iter().map(|s| line(s)));
        }
        h
    }

    fn plain(measure: Measure) -> ModelOptions {
        ModelOptions {
            neighbours: 5,
            together: Together::Order,
            measure,
            shrinkage: 0.0,
            half_life_days: None,
        }
    }

    fn neighbours<'a>(lists: &'a [SimilarItems], sku: &str) -> Vec<(&'a str, Basis)> {
        let list = lists.iter().find(|l| l.sku == sku).expect("a list");
        list.neighbours
            .iter()
            .map(|n| (n.sku.as_str(), n.basis))
            .collect()
    }

    /// Wipes sell with everything, honey goes with tea.
    fn tea_shop() -> PurchaseHistory {
        let mut orders: Vec<(&str, i64, &[&str])> = vec![
            ("a", 0, &["TEA", "HONEY"]),
            ("b", 0, &["TEA", "HONEY", "WIPES"]),
            ("c", 0, &["TEA", "HONEY", "TEA"]),
            ("d", 0, &["TEA", "WIPES"]),
            ("e", 0, &["TEA", "WIPES"]),
            ("f", 0, &["TEA", "WIPES"]),
        ];
        orders.extend((0..20).map(|_| ("g", 0, &["WIPES"][..])));
        history(&orders)
    }

    #[test]
    fn every_measure_prefers_true_companions_over_best_sellers() {
        for measure in [
            Measure::Cosine,
            Measure::Jaccard,
            Measure::Lift,
            Measure::Bm25,
        ] {
            let lists = tea_shop().build(&plain(measure));
            let tea = neighbours(&lists, "TEA");
            assert_eq!(tea[0].0, "HONEY", "{measure:?}: {tea:?}");
            assert_eq!(tea[1].0, "WIPES", "{measure:?}: {tea:?}");
        }
    }

    #[test]
    fn cosine_is_the_textbook_value() {
        let lists = tea_shop().build(&plain(Measure::Cosine));
        let tea = lists.iter().find(|l| l.sku == "TEA").unwrap();
        // TEA in 6 orders, HONEY in 3, together 3: 3 / sqrt(6 * 3).
        assert!((tea.neighbours[0].score - 3.0 / 18f64.sqrt()).abs() < 1e-12);
        let shrunk = tea_shop().build(&ModelOptions {
            shrinkage: 3.0,
            ..plain(Measure::Cosine)
        });
        let tea = shrunk.iter().find(|l| l.sku == "TEA").unwrap();
        assert!((tea.neighbours[0].score - 3.0 / 18f64.sqrt() * 0.5).abs() < 1e-12);
    }

    #[test]
    fn shrinkage_stops_one_coincidence_from_outranking_a_habit() {
        // MUG and RARE met once; MUG and TEA meet in 8 of MUG's 10 orders.
        let mut orders: Vec<(&str, i64, &[&str])> = vec![("x", 0, &["MUG", "RARE"])];
        orders.extend((0..8).map(|_| ("y", 0, &["MUG", "TEA"][..])));
        orders.extend((0..1).map(|_| ("y", 0, &["MUG"][..])));
        orders.extend((0..100).map(|_| ("z", 0, &["TEA"][..])));
        let h = history(&orders);
        let raw = h.build(&plain(Measure::Cosine));
        assert_eq!(
            neighbours(&raw, "MUG")[0].0,
            "RARE",
            "cosine alone trusts one sighting"
        );
        let shrunk = h.build(&ModelOptions {
            shrinkage: 2.0,
            ..plain(Measure::Cosine)
        });
        assert_eq!(neighbours(&shrunk, "MUG")[0].0, "TEA");
    }

    #[test]
    fn recent_co_purchases_outweigh_old_ones() {
        let h = history(&[
            ("a", 0, &["GRILL", "CHARCOAL"]),
            ("b", 0, &["GRILL", "CHARCOAL"]),
            ("c", 700, &["GRILL", "PELLETS"]),
            ("d", 700, &["GRILL", "PELLETS"]),
        ]);
        let flat = h.build(&plain(Measure::Cosine));
        assert_eq!(
            neighbours(&flat, "GRILL")[0].0,
            "CHARCOAL",
            "ties go by SKU"
        );
        let decayed = h.build(&ModelOptions {
            half_life_days: Some(180.0),
            ..plain(Measure::Cosine)
        });
        assert_eq!(neighbours(&decayed, "GRILL")[0].0, "PELLETS");
    }

    #[test]
    fn a_customer_basket_links_items_bought_in_different_orders() {
        let h = history(&[
            ("a", 0, &["CAMERA"]),
            ("a", 30, &["LENS"]),
            ("b", 0, &["CAMERA"]),
        ]);
        let by_order = h.build(&plain(Measure::Cosine));
        assert!(
            neighbours(&by_order, "CAMERA")
                .iter()
                .all(|(_, b)| *b != Basis::CoPurchase)
        );
        let by_customer = h.build(&ModelOptions {
            together: Together::Customer,
            ..plain(Measure::Cosine)
        });
        assert_eq!(
            neighbours(&by_customer, "CAMERA")[0],
            ("LENS", Basis::CoPurchase)
        );
    }

    #[test]
    fn lists_are_filled_with_category_then_shop_best_sellers_below_every_co_purchase() {
        let mut h = PurchaseHistory::new();
        let item = |sku, category| LineRef {
            sku,
            title: sku,
            category: Some(category),
        };
        for day in 0..3 {
            h.add_order(
                "a",
                at(day),
                [item("TEA-1", "tea"), item("HONEY", "pantry")],
            );
        }
        for _ in 0..2 {
            h.add_order("b", at(5), [item("TEA-2", "tea")]);
        }
        h.add_order("c", at(5), [item("TEA-3", "tea")]);
        h.add_order("d", at(5), [item("SOAP", "bath")]);
        let lists = h.build(&plain(Measure::Cosine));
        assert_eq!(
            neighbours(&lists, "TEA-3"),
            [
                ("TEA-1", Basis::Category),
                ("TEA-2", Basis::Category),
                ("HONEY", Basis::Popular),
                ("SOAP", Basis::Popular),
            ]
        );
        let tea_1 = lists.iter().find(|l| l.sku == "TEA-1").unwrap();
        let (real, fallback) = tea_1.neighbours.split_at(1);
        assert_eq!(real[0].sku, "HONEY");
        assert!(fallback.iter().all(|n| n.score < real[0].score));
        let popular = neighbours(&lists, POPULAR);
        assert_eq!(
            popular[..3],
            [
                ("HONEY", Basis::Popular),
                ("TEA-1", Basis::Popular),
                ("TEA-2", Basis::Popular)
            ]
        );
    }

    #[test]
    fn the_newest_title_names_a_product_and_repeated_lines_count_once() {
        let mut h = PurchaseHistory::new();
        let titled = |title| LineRef {
            sku: "TEA",
            title,
            category: None,
        };
        h.add_order("a", at(5), [titled("Tea (new pack)"), line("CUP")]);
        h.add_order("b", at(1), [titled("Tea"), titled("Tea"), line("CUP")]);
        assert_eq!(h.lines(), 4);
        let lists = h.build(&plain(Measure::Cosine));
        let cup = lists.iter().find(|l| l.sku == "CUP").unwrap();
        assert_eq!(cup.neighbours[0].title, "Tea (new pack)");
    }

    #[test]
    fn the_build_gives_the_same_bits_whatever_order_history_arrives_in() {
        // Float sums depend on their order: a few hundred overlapping orders would show
        // a difference in the last bits if the build summed in arrival order.
        let skus: Vec<String> = (0..12).map(|i| format!("P{i}")).collect();
        let mut state = 7u64;
        let mut next = |n: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            (state >> 33) % n
        };
        let orders: Vec<(String, i64, Vec<&str>)> = (0..400)
            .map(|_| {
                let customer = format!("c{}", next(40));
                let day = next(700) as i64;
                let items = (0..1 + next(4)).map(|_| skus[next(12) as usize].as_str());
                (customer, day, items.collect())
            })
            .collect();
        let build = |orders: &mut dyn Iterator<Item = &(String, i64, Vec<&str>)>, options| {
            let mut h = PurchaseHistory::new();
            for (customer, day, items) in orders {
                h.add_order(customer, at(*day), items.iter().map(|s| line(s)));
            }
            let mut lists = h.build(&options);
            lists.sort_by(|a, b| a.sku.cmp(&b.sku));
            lists
        };
        for together in [Together::Order, Together::Customer] {
            let options = ModelOptions {
                together,
                ..ModelOptions::default()
            };
            assert_eq!(
                build(&mut orders.iter(), options),
                build(&mut orders.iter().rev(), options),
                "{together:?}"
            );
        }
    }
}
