//! A purchase log of any size for evaluating and benchmarking similar items: a
//! procedural catalogue that grows with the log, and customers whose baskets carry the
//! structure real histories have — best-sellers, favourite categories, consumables bought
//! again, complements bought together. A model that finds complements scores well on it;
//! one that only knows best-sellers does not, so an evaluation on it means something.
//!
//! Orders are generated one customer at a time while they are read, so ten million lines
//! cost no more memory than the catalogue: a benchmark of a model builder fed from it
//! measures the builder, not the generator.

use std::fmt;
use std::io::{self, Write};

use chrono::{DateTime, Datelike, Duration, NaiveDate, Timelike, Utc};
use rand::Rng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;

use crate::DEFAULT_TODAY;
use crate::generator::{Generator, Purpose, weighted};

/// How big a log to generate, from which seed and over which period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PurchaseLogOptions {
    /// Order lines to generate; the log stops at exactly this many.
    pub lines: usize,
    /// Every product, customer and order is a function of the seed and the options.
    pub seed: u64,
    /// Orders are placed before this instant.
    pub end: DateTime<Utc>,
    /// ... and at most this many days before it.
    pub days: u32,
    /// Products in the catalogue; `None` for one per 50 lines, at least
    /// [`MIN_PRODUCTS`]. Never fewer than [`MIN_PRODUCTS`].
    pub products: Option<usize>,
}

/// The smallest catalogue: enough products for every category to have a few.
pub const MIN_PRODUCTS: usize = 200;

impl Default for PurchaseLogOptions {
    /// 200,000 lines over the two years before the synthetic "today".
    fn default() -> Self {
        PurchaseLogOptions {
            lines: 200_000,
            seed: 7,
            end: day_end(DEFAULT_TODAY),
            days: 730,
            products: None,
        }
    }
}

/// The instant a day ends (midnight UTC after it): a log that ends "on" a day includes
/// that day.
pub fn day_end(day: NaiveDate) -> DateTime<Utc> {
    (day + Duration::days(1))
        .and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_utc()
}

/// Whether a product is used up and bought again or bought once and kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProductKind {
    /// Used up and bought again (tea, nappies, cat litter).
    Consumable,
    /// Bought once and kept (a teapot, a tent).
    Durable,
}

/// A product of the generated catalogue.
#[derive(Clone, Debug, PartialEq)]
pub struct Product {
    /// Category prefix and number, such as `TEA-00017`.
    pub sku: Box<str>,
    /// Variety and product type, numbered where the pair repeats, such as
    /// `Darjeeling Loose Leaf Tea No. 2`. Unique, and never contains a comma.
    pub title: Box<str>,
    /// Its category's name, such as `tea` or `honey & spreads`.
    pub category: &'static str,
    /// Unit price in EUR, two decimals.
    pub price: Decimal,
    /// Share of its category's sales (the shares of a category sum to 1): a Zipf-like
    /// law, so a few products of each category sell far more than the rest.
    pub popularity: f64,
    /// Bought again by the customers who use it up, or bought once.
    pub kind: ProductKind,
    /// Two to five products often bought with it, as indices into
    /// [`PurchaseLog::products`]: mostly of its own category, some of a related one (tea
    /// with honey). The ground truth a similar-items model should find.
    pub complements: Box<[u32]>,
    cents: u32,
}

/// A customer number, printed as `C` and eight digits so that text order is number order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CustomerId(pub u64);

/// An order number, printed as `O` and nine digits so that text order is number order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OrderId(pub u64);

impl fmt::Display for CustomerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "C{:08}", self.0)
    }
}

impl fmt::Display for OrderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "O{:09}", self.0)
    }
}

/// One order of the log.
#[derive(Clone, Debug, PartialEq)]
pub struct Order<'a> {
    /// Increases through the log.
    pub order_id: OrderId,
    /// The customer who placed it.
    pub customer_id: CustomerId,
    /// Within the log's period; a customer's orders come one after another, in time order.
    pub placed_at: DateTime<Utc>,
    /// One to six lines of distinct products.
    pub lines: Vec<Line<'a>>,
}

/// One line of an order: a product of the log's catalogue and how many.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Line<'a> {
    /// The product, borrowed from the catalogue rather than copied into every line.
    pub product: &'a Product,
    /// One to four.
    pub quantity: u32,
}

impl<'a> Line<'a> {
    /// The product's SKU.
    pub fn sku(&self) -> &'a str {
        &self.product.sku
    }

    /// The product's title.
    pub fn title(&self) -> &'a str {
        &self.product.title
    }

    /// The product's category.
    pub fn category(&self) -> &'static str {
        self.product.category
    }

    /// The price paid per unit.
    pub fn unit_price(&self) -> Decimal {
        self.product.price
    }
}

/// A seeded purchase log: its catalogue, built at once, and its orders, generated while
/// they are read.
pub struct PurchaseLog {
    options: PurchaseLogOptions,
    products: Vec<Product>,
    categories: Vec<CategoryIndex>,
    /// Running sums of the categories' weights, for drawing a category.
    category_sums: Vec<f64>,
}

/// A category's products (a contiguous run of the catalogue) and the running sums of
/// their popularity, for drawing one by binary search.
struct CategoryIndex {
    first: u32,
    sums: Vec<f64>,
}

impl PurchaseLog {
    /// Builds the catalogue; orders are generated by [`PurchaseLog::orders`].
    pub fn new(options: PurchaseLogOptions) -> Self {
        let count = options
            .products
            .unwrap_or(options.lines / 50)
            .max(MIN_PRODUCTS);
        let mut rng = Generator::new(options.seed).rng(Purpose::PurchaseCatalogue, count as u64);
        let (products, categories) = catalogue(&mut rng, count);
        let mut total = 0.0;
        let category_sums = CATEGORIES
            .iter()
            .map(|c| {
                total += c.weight;
                total
            })
            .collect();
        PurchaseLog {
            options,
            products,
            categories,
            category_sums,
        }
    }

    /// What the log was made from.
    pub fn options(&self) -> &PurchaseLogOptions {
        &self.options
    }

    /// The catalogue, grouped by category.
    pub fn products(&self) -> &[Product] {
        &self.products
    }

    /// Every category's name, each once.
    pub fn categories(&self) -> impl Iterator<Item = &'static str> {
        CATEGORIES.iter().map(|c| c.name)
    }

    /// The orders, customer after customer, generated as they are read: exactly
    /// `options.lines` lines in all (the last order may be cut short). The same options
    /// always give the same orders. Each customer's orders are in time order, the log as
    /// a whole is not: keeping every customer's state until their next order would cost
    /// memory in proportion to the log.
    pub fn orders(&self) -> Orders<'_> {
        let days = i64::from(self.options.days.max(1));
        Orders {
            log: self,
            rng: Generator::new(self.options.seed)
                .rng(Purpose::Purchases, self.products.len() as u64),
            start: self.options.end - Duration::days(days),
            period: days * SECONDS_PER_DAY,
            left: self.options.lines,
            next_order: 1,
            customer: Customer::default(),
            picked: Vec::with_capacity(8),
        }
    }

    /// A category, the shop's bigger ones more often.
    fn any_category(&self, rng: &mut impl Rng) -> usize {
        draw(rng, &self.category_sums)
    }

    /// A product of `category`, best-sellers more often.
    fn product_in(&self, rng: &mut impl Rng, category: usize) -> u32 {
        let c = &self.categories[category];
        c.first + draw(rng, &c.sums) as u32
    }
}

const SECONDS_PER_DAY: i64 = 86_400;

/// Index of a draw proportional to the steps of the running sums `sums`.
fn draw(rng: &mut impl Rng, sums: &[f64]) -> usize {
    let x = rng.random::<f64>() * sums[sums.len() - 1];
    sums.partition_point(|&s| s <= x).min(sums.len() - 1)
}

/// The shape of a Zipf-like popularity within a category: the k-th best-seller sells
/// about 1/k^s of the first.
const ZIPF: f64 = 1.15;
/// Consumables are bought again, so they sell more than durables of the same rank.
const CONSUMABLE_BOOST: f64 = 2.0;
/// Share of a product's complements that come from its own category.
const SAME_CATEGORY_COMPLEMENT: f64 = 0.75;

fn catalogue(rng: &mut ChaCha8Rng, count: usize) -> (Vec<Product>, Vec<CategoryIndex>) {
    let sizes = category_sizes(count);
    let mut products = Vec::with_capacity(count);
    let mut categories = Vec::with_capacity(CATEGORIES.len());
    // Square roots flatten the popularity: complements are specific pairs, not just the
    // category's best-sellers, or a best-seller list would find them as well as a model.
    let mut complement_sums = Vec::with_capacity(CATEGORIES.len());
    for (spec, &size) in CATEGORIES.iter().zip(&sizes) {
        let first = products.len() as u32;
        let nouns = spec.consumables.len() + spec.durables.len();
        let mut ranks: Vec<usize> = (0..size).collect();
        ranks.shuffle(rng);
        let mut weights = Vec::with_capacity(size);
        for (j, &rank) in ranks.iter().enumerate() {
            let noun = j % nouns;
            let variety = spec.varieties[(j / nouns) % spec.varieties.len()];
            let repeat = j / (nouns * spec.varieties.len());
            let (noun, kind) = match spec.consumables.get(noun) {
                Some(n) => (*n, ProductKind::Consumable),
                None => (
                    spec.durables[noun - spec.consumables.len()],
                    ProductKind::Durable,
                ),
            };
            let title = if repeat == 0 {
                format!("{variety} {noun}")
            } else {
                format!("{variety} {noun} No. {}", repeat + 1)
            };
            let boost = match kind {
                ProductKind::Consumable => CONSUMABLE_BOOST,
                ProductKind::Durable => 1.0,
            };
            weights.push(boost / ((rank + 1) as f64).powf(ZIPF));
            let cents = price(rng, spec.cents, kind);
            products.push(Product {
                sku: format!("{}-{:05}", spec.prefix, j + 1).into(),
                title: title.into(),
                category: spec.name,
                price: Decimal::new(i64::from(cents), 2),
                popularity: 0.0,
                kind,
                complements: Box::new([]),
                cents,
            });
        }
        let total: f64 = weights.iter().sum();
        for (p, w) in products[first as usize..].iter_mut().zip(&weights) {
            p.popularity = w / total;
        }
        complement_sums.push(running_sums(weights.iter().map(|w| w.sqrt())));
        categories.push(CategoryIndex {
            first,
            sums: running_sums(weights.into_iter()),
        });
    }
    let related: Vec<Vec<usize>> = CATEGORIES
        .iter()
        .map(|c| {
            c.related
                .iter()
                .map(|name| {
                    CATEGORIES
                        .iter()
                        .position(|x| x.name == *name)
                        .unwrap_or_else(|| panic!("{}: related category {name} is unknown", c.name))
                })
                .collect()
        })
        .collect();
    let mut category = 0;
    for (p, product) in products.iter_mut().enumerate() {
        while p as u32 >= categories[category].first + sizes[category] as u32 {
            category += 1;
        }
        let want = rng.random_range(2..=5);
        let mut complements: Vec<u32> = Vec::with_capacity(want);
        // Bounded: a small category may run out of distinct partners.
        for _ in 0..want * 10 {
            if complements.len() == want {
                break;
            }
            let from = if rng.random_bool(SAME_CATEGORY_COMPLEMENT) {
                category
            } else {
                *related[category].choose(rng).unwrap_or(&category)
            };
            let c = categories[from].first + draw(rng, &complement_sums[from]) as u32;
            if c as usize != p && !complements.contains(&c) {
                complements.push(c);
            }
        }
        product.complements = complements.into();
    }
    (products, categories)
}

fn running_sums(weights: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut total = 0.0;
    weights
        .map(|w| {
            total += w;
            total
        })
        .collect()
}

/// Products per category: in proportion to the category's weight, at least three each.
fn category_sizes(count: usize) -> Vec<usize> {
    let total: f64 = CATEGORIES.iter().map(|c| c.weight).sum();
    let mut sizes: Vec<usize> = CATEGORIES
        .iter()
        .map(|c| ((count as f64 * c.weight / total) as usize).max(3))
        .collect();
    let mut i = 0;
    while sizes.iter().sum::<usize>() < count {
        let k = i % sizes.len();
        sizes[k] += 1;
        i += 1;
    }
    while sizes.iter().sum::<usize>() > count {
        let largest = (0..sizes.len())
            .max_by_key(|&k| sizes[k])
            .expect("categories");
        sizes[largest] -= 1;
    }
    sizes
}

/// A shop price such as 7.99 or 12.49, log-uniform over the category's range; durables
/// cost two to three times as much as the category's consumables.
fn price(rng: &mut impl Rng, (low, high): (u32, u32), kind: ProductKind) -> u32 {
    let (low, high) = match kind {
        ProductKind::Consumable => (f64::from(low), f64::from(high)),
        ProductKind::Durable => (f64::from(low) * 2.0, f64::from(high) * 3.0),
    };
    let raw = (low.ln() + rng.random::<f64>() * (high.ln() - low.ln())).exp();
    let tens = (raw / 10.0).round() as u32;
    let ending = if rng.random_bool(0.7) { 1 } else { 11 };
    (tens * 10).saturating_sub(ending).max(99)
}

/// The customer being generated: what shapes their baskets and their orders still to come.
#[derive(Default)]
struct Customer {
    id: u64,
    /// Favourite categories, favourite first.
    taste: Vec<usize>,
    /// Consumables bought before, oldest first: likely to be bought again.
    restock: Vec<u32>,
    /// Durables bought before: nobody buys a second teapot of the same kind.
    owned: Vec<u32>,
    /// Seconds into the period of the orders still to come, latest first.
    times: Vec<i64>,
}

/// How many orders a customer places: P(more than k) falls as k^-ACTIVITY, so most
/// customers order once or twice and a few order dozens of times.
const ACTIVITY: f64 = 1.2;
const MAX_ORDERS: u32 = 60;
/// Chance that an order starts by restocking a consumable bought before.
const RESTOCK: f64 = 0.45;
/// Chance that each further line completes a product already in the basket.
const COMPLEMENT: f64 = 0.5;
/// Chance that a further line restocks another consumable.
const RESTOCK_MORE: f64 = 0.08;
/// Consumables a customer remembers to restock.
const RESTOCK_MEMORY: usize = 12;
/// Lines per order, one to six: most orders are small.
const LINES: &[(usize, u32)] = &[(1, 30), (2, 26), (3, 19), (4, 12), (5, 8), (6, 5)];
const CONSUMABLE_QUANTITY: &[(u32, u32)] = &[(1, 55), (2, 27), (3, 12), (4, 6)];
const DURABLE_QUANTITY: &[(u32, u32)] = &[(1, 88), (2, 9), (3, 2), (4, 1)];

/// The orders of a [`PurchaseLog`], generated one at a time.
pub struct Orders<'a> {
    log: &'a PurchaseLog,
    rng: ChaCha8Rng,
    start: DateTime<Utc>,
    /// Length of the period in seconds.
    period: i64,
    /// Lines still to generate.
    left: usize,
    next_order: u64,
    customer: Customer,
    /// The basket being filled, as product indices.
    picked: Vec<u32>,
}

impl Orders<'_> {
    /// Draws the next customer: activity, taste and when their orders fall.
    fn new_customer(&mut self) {
        let rng = &mut self.rng;
        let c = &mut self.customer;
        c.id += 1;
        c.restock.clear();
        c.owned.clear();
        c.taste.clear();
        for _ in 0..rng.random_range(1..=3) {
            let category = self.log.any_category(rng);
            if !c.taste.contains(&category) {
                c.taste.push(category);
            }
        }
        let u = 1.0 - rng.random::<f64>();
        let orders = (u.powf(-1.0 / ACTIVITY) as u32).clamp(1, MAX_ORDERS);
        // Frequent customers are active for longer, but never beyond the period.
        let gap = (7f64.ln() + rng.random::<f64>() * (90f64.ln() - 7f64.ln())).exp();
        let span = ((f64::from(orders) * gap) as i64 * SECONDS_PER_DAY).min(self.period);
        let from = rng.random_range(0..=self.period - span);
        c.times.clear();
        c.times
            .extend((0..orders).map(|_| from + rng.random_range(0..span.max(1))));
        c.times.sort_unstable_by(|a, b| b.cmp(a));
    }

    /// Fills `picked` with up to `lines` distinct products.
    fn basket(&mut self, lines: usize) {
        let log = self.log;
        let rng = &mut self.rng;
        let c = &self.customer;
        self.picked.clear();
        if !c.restock.is_empty() && rng.random_bool(RESTOCK) {
            self.picked.push(*c.restock.choose(rng).expect("not empty"));
        }
        // Bounded: complements already in the basket make some draws miss.
        for _ in 0..lines * 8 {
            if self.picked.len() >= lines {
                break;
            }
            let r: f64 = rng.random();
            let candidate = if !self.picked.is_empty() && r < COMPLEMENT {
                let anchor = *self.picked.choose(rng).expect("not empty");
                match log.products[anchor as usize].complements.choose(rng) {
                    Some(&c) => c,
                    None => continue,
                }
            } else if !c.restock.is_empty() && r < COMPLEMENT + RESTOCK_MORE {
                *c.restock.choose(rng).expect("not empty")
            } else {
                let category = favourite_category(rng, log, &c.taste);
                log.product_in(rng, category)
            };
            if !self.picked.contains(&candidate) && !c.owned.contains(&candidate) {
                self.picked.push(candidate);
            }
        }
    }
}

/// Half the time the favourite category, less often the second and third, otherwise
/// whatever the shop sells most.
fn favourite_category(rng: &mut impl Rng, log: &PurchaseLog, taste: &[usize]) -> usize {
    let r: f64 = rng.random();
    match taste {
        [first, ..] if r < 0.5 => *first,
        [_, second, ..] if r < 0.7 => *second,
        [_, _, third] if r < 0.8 => *third,
        _ => log.any_category(rng),
    }
}

impl<'a> Iterator for Orders<'a> {
    type Item = Order<'a>;

    fn next(&mut self) -> Option<Order<'a>> {
        if self.left == 0 {
            return None;
        }
        if self.customer.times.is_empty() {
            self.new_customer();
        }
        let at = self.customer.times.pop().expect("a customer has orders");
        let lines = weighted(&mut self.rng, LINES, |(_, w)| f64::from(*w))
            .0
            .min(self.left);
        self.basket(lines);
        self.left -= self.picked.len();
        let log = self.log;
        let mut order_lines = Vec::with_capacity(self.picked.len());
        for &p in &self.picked {
            let product = &log.products[p as usize];
            let table = match product.kind {
                ProductKind::Consumable => {
                    let restock = &mut self.customer.restock;
                    if !restock.contains(&p) {
                        if restock.len() == RESTOCK_MEMORY {
                            restock.remove(0);
                        }
                        restock.push(p);
                    }
                    CONSUMABLE_QUANTITY
                }
                ProductKind::Durable => {
                    self.customer.owned.push(p);
                    DURABLE_QUANTITY
                }
            };
            let quantity = weighted(&mut self.rng, table, |(_, w)| f64::from(*w)).0;
            order_lines.push(Line { product, quantity });
        }
        let order = Order {
            order_id: OrderId(self.next_order),
            customer_id: CustomerId(self.customer.id),
            placed_at: self.start + Duration::seconds(at),
            lines: order_lines,
        };
        self.next_order += 1;
        Some(order)
    }
}

/// The header [`write_csv`] writes.
pub const CSV_HEADER: &str =
    "order_id,customer_id,timestamp,sku,quantity,unit_price,title,category";

/// What [`write_csv`] wrote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CsvSummary {
    /// Rows after the header: order lines.
    pub lines: usize,
    /// Distinct orders.
    pub orders: usize,
    /// Distinct customers.
    pub customers: usize,
    /// Products in the catalogue (not all of which need have sold).
    pub products: usize,
}

/// Writes the whole log as CSV, one row per order line under [`CSV_HEADER`]: timestamps
/// in RFC 3339 UTC (`2026-01-05T10:00:00Z`), prices with two decimals, fields quoted as
/// RFC 4180 says only where they need it.
pub fn write_csv(log: &PurchaseLog, out: impl Write) -> io::Result<CsvSummary> {
    let mut out = io::BufWriter::with_capacity(1 << 16, out);
    out.write_all(CSV_HEADER.as_bytes())?;
    out.write_all(b"\n")?;
    let mut summary = CsvSummary {
        lines: 0,
        orders: 0,
        customers: 0,
        products: log.products.len(),
    };
    let mut last_customer = None;
    // The order's first three fields repeat on each of its rows: formatted once.
    let mut head = Vec::with_capacity(48);
    let mut row = Vec::with_capacity(256);
    for order in log.orders() {
        summary.orders += 1;
        summary.lines += order.lines.len();
        // A customer's orders are consecutive in the log.
        if last_customer != Some(order.customer_id) {
            summary.customers += 1;
            last_customer = Some(order.customer_id);
        }
        head.clear();
        head.push(b'O');
        push_padded(&mut head, order.order_id.0, 9);
        head.extend_from_slice(b",C");
        push_padded(&mut head, order.customer_id.0, 8);
        head.push(b',');
        push_timestamp(&mut head, order.placed_at);
        head.push(b',');
        row.clear();
        for line in &order.lines {
            let p = line.product;
            row.extend_from_slice(&head);
            push_field(&mut row, &p.sku);
            row.push(b',');
            push_padded(&mut row, u64::from(line.quantity), 1);
            row.push(b',');
            push_padded(&mut row, u64::from(p.cents / 100), 1);
            row.push(b'.');
            push_padded(&mut row, u64::from(p.cents % 100), 2);
            row.push(b',');
            push_field(&mut row, &p.title);
            row.push(b',');
            push_field(&mut row, p.category);
            row.push(b'\n');
        }
        out.write_all(&row)?;
    }
    out.flush()?;
    Ok(summary)
}

/// Appends `n` in decimal with at least `width` digits.
fn push_padded(buf: &mut Vec<u8>, mut n: u64, width: usize) {
    let mut digits = [b'0'; 20];
    let mut i = digits.len();
    while n > 0 || digits.len() - i < width {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    buf.extend_from_slice(&digits[i..]);
}

/// `YYYY-MM-DDTHH:MM:SSZ`, without formatting machinery: one per order of millions.
fn push_timestamp(buf: &mut Vec<u8>, at: DateTime<Utc>) {
    push_padded(buf, at.year() as u64, 4);
    buf.push(b'-');
    push_padded(buf, u64::from(at.month()), 2);
    buf.push(b'-');
    push_padded(buf, u64::from(at.day()), 2);
    buf.push(b'T');
    push_padded(buf, u64::from(at.hour()), 2);
    buf.push(b':');
    push_padded(buf, u64::from(at.minute()), 2);
    buf.push(b':');
    push_padded(buf, u64::from(at.second()), 2);
    buf.push(b'Z');
}

/// A CSV field, quoted (and its quotes doubled) only when it holds a comma, a quote or a
/// line break.
fn push_field(buf: &mut Vec<u8>, field: &str) {
    if field
        .bytes()
        .any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
    {
        buf.push(b'"');
        for b in field.bytes() {
            if b == b'"' {
                buf.push(b'"');
            }
            buf.push(b);
        }
        buf.push(b'"');
    } else {
        buf.extend_from_slice(field.as_bytes());
    }
}

/// A category of the procedural catalogue: its products are every variety of every
/// product type, numbered when the pairs run out.
struct CategorySpec {
    name: &'static str,
    prefix: &'static str,
    /// Relative share of the shop's sales.
    weight: f64,
    /// Price range of its consumables in cents.
    cents: (u32, u32),
    varieties: &'static [&'static str],
    consumables: &'static [&'static str],
    durables: &'static [&'static str],
    /// Categories whose products complement this one's (tea with honey).
    related: &'static [&'static str],
}

// A row of the table reads better as one call than as a struct literal of nine lines.
#[allow(clippy::too_many_arguments)]
const fn category(
    name: &'static str,
    prefix: &'static str,
    weight: f64,
    cents: (u32, u32),
    varieties: &'static [&'static str],
    consumables: &'static [&'static str],
    durables: &'static [&'static str],
    related: &'static [&'static str],
) -> CategorySpec {
    CategorySpec {
        name,
        prefix,
        weight,
        cents,
        varieties,
        consumables,
        durables,
        related,
    }
}

#[rustfmt::skip]
const CATEGORIES: &[CategorySpec] = &[
    category("tea", "TEA", 8.0, (350, 2400),
        &["Darjeeling", "Assam", "Earl Grey", "Sencha", "Jasmine", "Oolong", "Rooibos", "Chamomile", "Peppermint", "Masala Chai"],
        &["Loose Leaf Tea", "Tea Bags", "Tea Sampler"],
        &["Tea Infuser", "Teapot", "Tea Caddy"],
        &["honey & spreads", "sweets", "tableware"]),
    category("coffee", "COF", 9.0, (450, 2800),
        &["Colombian", "Ethiopian", "Sumatra", "Brazilian", "Guatemalan", "Kenyan", "Espresso", "House", "Decaf", "Mocha Java"],
        &["Whole Bean Coffee", "Ground Coffee", "Coffee Capsules"],
        &["French Press", "Pour-Over Dripper", "Burr Grinder"],
        &["sweets", "breakfast", "tableware"]),
    category("honey & spreads", "HON", 4.0, (300, 1500),
        &["Acacia", "Wildflower", "Manuka", "Forest", "Lavender", "Heather", "Orange Blossom", "Chestnut"],
        &["Honey", "Fruit Preserve", "Nut Butter"],
        &["Honey Dipper", "Jam Jar Set"],
        &["tea", "breakfast", "baking"]),
    category("baking", "BAK", 5.0, (150, 1200),
        &["Organic", "Spelt", "Rye", "Wholemeal", "Gluten-Free", "Bourbon Vanilla", "Belgian", "Italian"],
        &["Flour", "Baking Mix", "Sourdough Starter"],
        &["Loaf Tin", "Proofing Basket", "Mixing Bowl"],
        &["honey & spreads", "kitchen tools", "cookware"]),
    category("pasta & grains", "PAS", 5.0, (150, 900),
        &["Durum", "Tuscan", "Sicilian", "Basmati", "Arborio", "Red Quinoa", "Pearl Barley", "Bulgur"],
        &["Spaghetti", "Penne", "Risotto Rice", "Grain Mix"],
        &["Pasta Drying Rack"],
        &["oils & vinegars", "spices", "cookware"]),
    category("spices", "SPI", 5.0, (200, 1100),
        &["Smoked", "Sweet", "Hot", "Kashmiri", "Madras", "Ras el Hanout", "Provençal", "Cajun", "Tellicherry"],
        &["Paprika", "Curry Powder", "Spice Blend", "Peppercorns"],
        &["Pepper Mill", "Spice Rack", "Mortar and Pestle"],
        &["pasta & grains", "oils & vinegars", "cookware"]),
    category("oils & vinegars", "OIL", 4.0, (400, 2200),
        &["Extra Virgin", "Cold-Pressed", "Arbequina", "Koroneiki", "Modena", "Sherry", "Cider", "Truffle"],
        &["Olive Oil", "Balsamic Vinegar", "Rapeseed Oil"],
        &["Oil Pourer", "Oil Mister"],
        &["pasta & grains", "spices"]),
    category("snacks", "SNA", 7.0, (150, 700),
        &["Sea Salt", "Chilli", "Smoked Paprika", "Salt and Vinegar", "Sour Cream", "Cheddar", "Rosemary", "Black Truffle"],
        &["Potato Crisps", "Tortilla Chips", "Roasted Nuts", "Popcorn", "Crackers"],
        &["Snack Bowl Set"],
        &["beer", "juices & soft drinks", "wine"]),
    category("sweets", "SWE", 6.0, (150, 1200),
        &["Dark", "Milk", "Hazelnut", "Salted Caramel", "Raspberry", "Mint", "Orange", "Praline"],
        &["Chocolate Bar", "Truffles", "Fudge", "Wine Gums"],
        &["Chocolate Gift Tin"],
        &["tea", "coffee", "wine"]),
    category("breakfast", "BRE", 5.0, (250, 900),
        &["Crunchy", "Honey Nut", "Bircher", "Apple Cinnamon", "Five Grain", "Berry", "Coconut", "Toasted Oat"],
        &["Granola", "Muesli", "Porridge Oats", "Cereal Bars"],
        &["Cereal Dispenser"],
        &["honey & spreads", "coffee", "juices & soft drinks"]),
    category("juices & soft drinks", "DRK", 5.0, (120, 600),
        &["Apple", "Blood Orange", "Ginger", "Elderflower", "Lemon", "Cranberry", "Rhubarb", "Cola"],
        &["Juice", "Sparkling Lemonade", "Cordial", "Kombucha"],
        &["Glass Carafe", "Soda Maker"],
        &["snacks", "breakfast"]),
    category("wine", "WIN", 5.0, (600, 3500),
        &["Rioja", "Chianti", "Malbec", "Sauvignon Blanc", "Riesling", "Pinot Noir", "Prosecco", "Côtes du Rhône"],
        &["Wine", "Magnum", "Half Bottle"],
        &["Wine Glasses", "Corkscrew", "Wine Cooler"],
        &["snacks", "sweets", "tableware"]),
    category("beer", "BEE", 5.0, (150, 1800),
        &["Pale Ale", "IPA", "Pilsner", "Stout", "Wheat Beer", "Porter", "Amber Ale", "Session IPA"],
        &["Bottle", "Can 4-Pack", "Crate"],
        &["Beer Glasses", "Bottle Opener"],
        &["snacks"]),
    category("baby care", "BAB", 6.0, (250, 2500),
        &["Gentle", "Newborn", "Sensitive", "Fragrance-Free", "Organic", "Aloe", "Calendula", "Soft Touch"],
        &["Nappies", "Baby Wipes", "Nappy Cream", "Baby Lotion"],
        &["Changing Mat", "Baby Monitor", "Bottle Warmer"],
        &["toys", "bath", "laundry"]),
    category("toys", "TOY", 5.0, (500, 3000),
        &["Wooden", "Rainbow", "Jungle", "Ocean", "Space", "Farm", "Dinosaur", "Unicorn"],
        &["Crayons", "Modelling Clay", "Sticker Book", "Bubble Mix"],
        &["Jigsaw Puzzle", "Building Blocks", "Plush Toy", "Stacking Rings"],
        &["baby care", "books", "stationery"]),
    category("pet food", "PFD", 7.0, (200, 4500),
        &["Chicken", "Salmon", "Lamb", "Turkey", "Duck", "Beef", "Tuna", "Grain-Free"],
        &["Dry Cat Food", "Wet Cat Food", "Dry Dog Food", "Dog Treats", "Cat Treats"],
        &["Pet Food Bowl"],
        &["pet supplies"]),
    category("pet supplies", "PET", 4.0, (300, 2000),
        &["Clumping", "Natural", "Pine", "Reflective", "Chew-Proof", "Cosy", "Deluxe", "Compact"],
        &["Cat Litter", "Poop Bags", "Puppy Pads"],
        &["Dog Lead", "Cat Scratcher", "Pet Bed", "Pet Carrier"],
        &["pet food"]),
    category("skin care", "SKN", 6.0, (600, 4000),
        &["Hyaluronic", "Vitamin C", "Retinol", "Niacinamide", "Rosehip", "Ceramide", "Aloe Vera", "Shea"],
        &["Face Serum", "Day Cream", "Night Cream", "Cleanser", "Sunscreen SPF 50"],
        &["Facial Roller", "Cleansing Brush"],
        &["hair care", "bath"]),
    category("hair care", "HAI", 5.0, (400, 2500),
        &["Argan", "Coconut", "Keratin", "Tea Tree", "Biotin", "Volumising", "Repair", "Curl"],
        &["Shampoo", "Conditioner", "Hair Mask", "Hair Oil"],
        &["Hair Dryer", "Hair Brush", "Straightener"],
        &["skin care", "bath"]),
    category("oral care", "ORA", 4.0, (200, 1500),
        &["Whitening", "Sensitive Teeth", "Charcoal", "Fresh Mint", "Herbal", "Kids", "Enamel", "Total Care"],
        &["Toothpaste", "Mouthwash", "Dental Floss", "Brush Heads"],
        &["Electric Toothbrush", "Water Flosser"],
        &["bath", "skin care"]),
    category("cleaning", "CLE", 6.0, (200, 1500),
        &["Lemon", "Eucalyptus", "Lavender", "Unscented", "Citrus", "Pine", "Ocean Breeze", "Eco"],
        &["All-Purpose Cleaner", "Dishwasher Tablets", "Washing-Up Liquid", "Sponges", "Bin Bags"],
        &["Microfibre Mop", "Spray Bottle", "Dish Rack"],
        &["laundry", "kitchen tools"]),
    category("laundry", "LAU", 5.0, (300, 2000),
        &["Spring", "Cotton Fresh", "Non-Bio", "Bio", "Colour", "Sensitive Skin", "Wool", "Sport"],
        &["Laundry Liquid", "Laundry Pods", "Fabric Softener", "Stain Remover"],
        &["Laundry Basket", "Drying Rack"],
        &["cleaning", "baby care"]),
    category("kitchen tools", "KIT", 5.0, (400, 2500),
        &["Stainless", "Bamboo", "Silicone", "Professional", "Compact", "Olive Wood", "Soft-Grip", "Nordic"],
        &["Baking Paper", "Freezer Bags"],
        &["Chef's Knife", "Cutting Board", "Whisk", "Spatula Set", "Measuring Cups"],
        &["cookware", "baking", "cleaning"]),
    category("cookware", "COO", 4.0, (1500, 8000),
        &["Cast Iron", "Nonstick", "Copper", "Enamelled", "Tri-Ply", "Carbon Steel", "Ceramic", "Granite"],
        &[],
        &["Frying Pan", "Saucepan", "Casserole Dish", "Wok", "Stockpot"],
        &["kitchen tools", "spices", "oils & vinegars"]),
    category("tableware", "TAB", 4.0, (500, 4000),
        &["Stoneware", "Porcelain", "Linen", "Speckled", "Nordic White", "Terracotta", "Glazed", "Rustic"],
        &["Paper Napkins"],
        &["Dinner Plates", "Mugs", "Serving Bowl", "Tumblers", "Table Runner"],
        &["tea", "coffee", "wine", "cookware"]),
    category("storage", "STO", 3.0, (400, 3000),
        &["Airtight", "Stackable", "Glass", "Woven", "Clear", "Vacuum", "Modular", "Slimline"],
        &["Storage Labels"],
        &["Food Containers", "Storage Box", "Pantry Jars", "Drawer Organiser"],
        &["kitchen tools", "cleaning"]),
    category("garden", "GAR", 4.0, (300, 3000),
        &["Ergonomic", "Heavy-Duty", "Stainless Steel", "Copper", "Telescopic", "Classic", "Eco", "Compact"],
        &["Compost", "Plant Feed", "Garden Twine"],
        &["Trowel", "Pruning Shears", "Watering Can", "Hose Reel", "Garden Gloves"],
        &["plants & seeds", "tools", "outdoor"]),
    category("plants & seeds", "SEE", 4.0, (200, 1500),
        &["Tomato", "Basil", "Sunflower", "Lavender", "Chilli", "Wildflower", "Strawberry", "Sweet Pea"],
        &["Seeds", "Seedlings", "Bulbs"],
        &["Plant Pot", "Seed Tray", "Propagator"],
        &["garden"]),
    category("tools", "TOO", 3.0, (600, 6000),
        &["Cordless", "Precision", "Heavy-Duty", "Magnetic", "Ratcheting", "Insulated", "Folding", "Pro"],
        &["Drill Bits", "Screw Assortment", "Sandpaper"],
        &["Screwdriver Set", "Drill", "Spirit Level", "Tape Measure", "Hammer"],
        &["garden", "lighting"]),
    category("lighting", "LIG", 3.0, (300, 5000),
        &["Warm White", "Daylight", "Dimmable", "Smart", "Vintage", "Frosted", "Edison", "Solar"],
        &["LED Bulb", "Spotlight Bulb"],
        &["Desk Lamp", "String Lights", "Floor Lamp", "Night Light"],
        &["tools", "candles"]),
    category("stationery", "STA", 4.0, (150, 2500),
        &["Dotted", "Lined", "Recycled", "Kraft", "Pastel", "Classic", "A5", "Pocket"],
        &["Notebook", "Gel Pens", "Sticky Notes", "Envelopes"],
        &["Fountain Pen", "Desk Organiser", "Pencil Case"],
        &["books", "toys"]),
    category("books", "BOO", 4.0, (800, 3500),
        &["Italian", "Nordic", "Japanese", "Vegan", "Garden", "Travel", "Crime", "Kids'"],
        &["Puzzle Book", "Colouring Book"],
        &["Cookbook", "Guidebook", "Novel", "Picture Book"],
        &["stationery", "toys", "tea"]),
    category("sports", "SPO", 4.0, (500, 5000),
        &["Pro", "Training", "Trail", "Lightweight", "Cushioned", "Team", "Indoor", "Endurance"],
        &["Energy Gel", "Protein Bar", "Electrolyte Tabs"],
        &["Yoga Mat", "Resistance Bands", "Water Bottle", "Dumbbells", "Running Belt"],
        &["vitamins", "outdoor"]),
    category("outdoor", "OUT", 3.0, (800, 12000),
        &["Alpine", "Ultralight", "Waterproof", "Insulated", "Trekking", "Summit", "Coastal", "Forest"],
        &["Stove Gas", "Insect Repellent", "Freeze-Dried Meal"],
        &["Backpack", "Tent", "Sleeping Bag", "Head Torch", "Camping Stove"],
        &["sports", "garden"]),
    category("vitamins", "VIT", 5.0, (500, 3000),
        &["Vitamin D3", "Magnesium", "Omega-3", "Zinc", "Iron", "B12", "Multivitamin", "Probiotic"],
        &["Capsules", "Tablets", "Gummies", "Drops"],
        &["Pill Organiser"],
        &["sports", "skin care"]),
    category("bath", "BAT", 4.0, (300, 3000),
        &["Lavender", "Eucalyptus", "Rose", "Oat", "Sea Salt", "Sandalwood", "Citrus", "Coconut"],
        &["Bath Salts", "Shower Gel", "Bar Soap", "Bath Bomb"],
        &["Bath Towel", "Bath Mat", "Soap Dish"],
        &["skin care", "candles"]),
    category("candles", "CAN", 3.0, (600, 3500),
        &["Fig", "Amber", "Cedar", "Vanilla", "Linen", "Tobacco Leaf", "Sea Breeze", "Cinnamon"],
        &["Scented Candle", "Tealights", "Diffuser Refill", "Wax Melts"],
        &["Candle Holder", "Reed Diffuser", "Wax Warmer"],
        &["bath", "lighting"]),
    category("phone accessories", "PHO", 4.0, (600, 4000),
        &["Slim", "Rugged", "Clear", "Leather", "Magnetic", "Braided", "Fast", "Travel"],
        &["Screen Protector"],
        &["Phone Case", "Charging Cable", "Wall Charger", "Power Bank", "Car Mount"],
        &["stationery", "lighting"]),
    category("bedding", "BED", 3.0, (1500, 9000),
        &["Egyptian Cotton", "Linen", "Bamboo", "Percale", "Sateen", "Brushed Cotton", "Organic", "Waffle"],
        &[],
        &["Duvet Cover", "Pillowcases", "Fitted Sheet", "Throw Blanket", "Pillow"],
        &["bath", "candles", "laundry"]),
    category("socks & underwear", "SOC", 4.0, (500, 3500),
        &["Merino", "Bamboo", "Cotton Rich", "Ankle", "Crew", "Thermal", "Sport", "Everyday"],
        &["Socks 3-Pack", "Boxer Briefs", "Tights"],
        &["Slippers", "Dressing Gown"],
        &["sports", "bedding"]),
];

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use super::*;

    fn log(lines: usize, seed: u64) -> PurchaseLog {
        PurchaseLog::new(PurchaseLogOptions {
            lines,
            seed,
            ..PurchaseLogOptions::default()
        })
    }

    fn csv(log: &PurchaseLog) -> Vec<u8> {
        let mut out = Vec::new();
        write_csv(log, &mut out).unwrap();
        out
    }

    /// Each order as the set of its products' catalogue indices, with its customer.
    fn baskets(log: &PurchaseLog) -> Vec<(CustomerId, Vec<usize>)> {
        let index: HashMap<&str, usize> = log
            .products()
            .iter()
            .enumerate()
            .map(|(i, p)| (&*p.sku, i))
            .collect();
        log.orders()
            .map(|o| {
                let items = o.lines.iter().map(|l| index[l.sku()]).collect();
                (o.customer_id, items)
            })
            .collect()
    }

    #[test]
    fn the_same_seed_writes_the_same_bytes() {
        let a = csv(&log(5_000, 3));
        assert_eq!(a, csv(&log(5_000, 3)));
        assert_ne!(a, csv(&log(5_000, 4)));
    }

    #[test]
    fn the_log_stops_at_exactly_the_lines_asked_for() {
        for lines in [0, 1, 7, 999, 20_000] {
            let log = log(lines, 1);
            let generated: usize = log.orders().map(|o| o.lines.len()).sum();
            assert_eq!(generated, lines);
            assert_eq!(write_csv(&log, io::sink()).unwrap().lines, lines);
        }
    }

    #[test]
    fn the_catalogue_grows_with_the_log_unless_its_size_is_given() {
        assert_eq!(log(1_000, 1).products().len(), MIN_PRODUCTS);
        assert_eq!(log(100_000, 1).products().len(), 2_000);
        let options = |products| PurchaseLogOptions {
            lines: 1_000,
            products: Some(products),
            ..PurchaseLogOptions::default()
        };
        assert_eq!(PurchaseLog::new(options(700)).products().len(), 700);
        assert_eq!(PurchaseLog::new(options(10)).products().len(), MIN_PRODUCTS);
    }

    #[test]
    fn products_have_unique_readable_titles_prices_and_a_few_complements() {
        let log = PurchaseLog::new(PurchaseLogOptions {
            lines: 0,
            products: Some(50_000),
            ..PurchaseLogOptions::default()
        });
        let products = log.products();
        let categories: HashSet<&str> = log.categories().collect();
        assert!(
            (30..=60).contains(&categories.len()),
            "{}",
            categories.len()
        );
        let skus: HashSet<&str> = products.iter().map(|p| &*p.sku).collect();
        let titles: HashSet<&str> = products.iter().map(|p| &*p.title).collect();
        assert_eq!(skus.len(), products.len());
        assert_eq!(titles.len(), products.len());
        assert_eq!(products[0].title.as_ref(), "Darjeeling Loose Leaf Tea");
        let (mut same, mut total) = (0, 0);
        for (i, p) in products.iter().enumerate() {
            assert!(
                !p.title.contains(',') && !p.title.contains('"'),
                "{}",
                p.title
            );
            assert!(categories.contains(p.category));
            assert!(
                p.price >= Decimal::new(99, 2) && p.price.scale() == 2,
                "{}",
                p.price
            );
            assert!(
                (2..=5).contains(&p.complements.len()),
                "{} {:?}",
                p.sku,
                p.complements
            );
            let distinct: HashSet<u32> = p.complements.iter().copied().collect();
            assert_eq!(distinct.len(), p.complements.len());
            assert!(!distinct.contains(&(i as u32)));
            for &c in &p.complements {
                total += 1;
                if products[c as usize].category == p.category {
                    same += 1;
                }
            }
        }
        // Mostly the same category, and a real share across related categories.
        assert!(
            same * 100 > total * 65 && same * 100 < total * 90,
            "{same} of {total}"
        );
        let kinds: HashSet<ProductKind> = products.iter().map(|p| p.kind).collect();
        assert_eq!(kinds.len(), 2);
    }

    #[test]
    fn a_tenth_of_the_products_make_most_of_the_lines() {
        let log = log(100_000, 2);
        let mut sold = vec![0usize; log.products().len()];
        for (_, items) in baskets(&log) {
            for i in items {
                sold[i] += 1;
            }
        }
        sold.sort_unstable_by(|a, b| b.cmp(a));
        let top: usize = sold[..sold.len() / 10].iter().sum();
        let all: usize = sold.iter().sum();
        // Four times their share were sales even, and more in larger catalogues.
        assert!(top * 5 > all * 2, "the top tenth sold {top} of {all}");
        // The long tail still sells: a model has more than best-sellers to find.
        let unsold = sold.iter().filter(|&&n| n == 0).count();
        assert!(unsold * 10 < sold.len(), "{unsold} products never sold");
    }

    #[test]
    fn complements_are_bought_together_far_above_chance() {
        let log = log(100_000, 3);
        let baskets = baskets(&log);
        let orders = baskets.len() as f64;
        let mut count = vec![0f64; log.products().len()];
        let mut together: HashMap<(usize, usize), f64> = HashMap::new();
        for (_, items) in &baskets {
            for (k, &a) in items.iter().enumerate() {
                count[a] += 1.0;
                for &b in &items[k + 1..] {
                    *together.entry((a.min(b), a.max(b))).or_default() += 1.0;
                }
            }
        }
        // Observed over expected co-occurrence, summed over many pairs so the rare ones
        // do not make it noisy.
        let lift = |pairs: &[(usize, usize)]| {
            let observed: f64 = pairs
                .iter()
                .map(|&(a, b)| together.get(&(a.min(b), a.max(b))).copied().unwrap_or(0.0))
                .sum();
            let expected: f64 = pairs
                .iter()
                .map(|&(a, b)| count[a] * count[b] / orders)
                .sum();
            observed / expected
        };
        let complements: Vec<(usize, usize)> = log
            .products()
            .iter()
            .enumerate()
            .flat_map(|(a, p)| p.complements.iter().map(move |&b| (a, b as usize)))
            .collect();
        let mut rng = Generator::new(9).rng(Purpose::Purchases, 0);
        let n = log.products().len();
        let random: Vec<(usize, usize)> = (0..complements.len())
            .map(|_| (rng.random_range(0..n), rng.random_range(0..n)))
            .filter(|(a, b)| a != b)
            .collect();
        let (planted, chance) = (lift(&complements), lift(&random));
        assert!(planted > 20.0, "complement lift {planted:.1}");
        assert!(
            planted > 10.0 * chance,
            "{planted:.1} vs random pairs {chance:.1}"
        );
    }

    #[test]
    fn customers_buy_their_consumables_again() {
        let log = log(100_000, 4);
        let mut bought: HashMap<(CustomerId, usize), usize> = HashMap::new();
        for (customer, items) in baskets(&log) {
            for i in items {
                *bought.entry((customer, i)).or_default() += 1;
            }
        }
        let again: Vec<usize> = bought
            .iter()
            .filter(|(_, n)| **n >= 2)
            .map(|((_, i), _)| *i)
            .collect();
        assert!(
            again.len() * 10 > bought.len(),
            "{} of {}",
            again.len(),
            bought.len()
        );
        let consumables = again
            .iter()
            .filter(|&&i| log.products()[i].kind == ProductKind::Consumable)
            .count();
        assert!(
            consumables * 10 > again.len() * 9,
            "{consumables} of {}",
            again.len()
        );
    }

    #[test]
    fn most_customers_order_once_or_twice_and_a_few_order_dozens_of_times() {
        let log = log(200_000, 5);
        let mut orders: HashMap<CustomerId, usize> = HashMap::new();
        for (customer, _) in baskets(&log) {
            *orders.entry(customer).or_default() += 1;
        }
        let mut counts: Vec<usize> = orders.into_values().collect();
        counts.sort_unstable_by(|a, b| b.cmp(a));
        let customers = counts.len();
        let few = counts.iter().filter(|&&n| n <= 2).count();
        assert!(
            few * 100 > customers * 60,
            "{few} of {customers} order at most twice"
        );
        assert!(
            counts[0] >= 40,
            "the most active customer ordered {} times",
            counts[0]
        );
        let dozens = counts.iter().filter(|&&n| n >= 24).count();
        assert!(
            dozens * 100 > customers && dozens * 20 < customers,
            "{dozens} of {customers}"
        );
        let top: usize = counts[..customers / 20].iter().sum();
        let all: usize = counts.iter().sum();
        assert!(top * 4 > all, "the top 5% placed {top} of {all} orders");
    }

    #[test]
    fn each_customers_orders_come_together_in_time_order_within_the_period() {
        let options = PurchaseLogOptions {
            lines: 50_000,
            seed: 6,
            end: "2026-06-01T00:00:00Z".parse().unwrap(),
            days: 365,
            products: None,
        };
        let (start, end) = (options.end - Duration::days(365), options.end);
        let log = PurchaseLog::new(options);
        let mut seen = HashSet::new();
        let mut previous: Option<Order<'_>> = None;
        let (mut first, mut last) = (end, start);
        for o in log.orders() {
            assert!(o.placed_at >= start && o.placed_at < end, "{}", o.placed_at);
            first = first.min(o.placed_at);
            last = last.max(o.placed_at);
            assert!((1..=6).contains(&o.lines.len()));
            assert!(o.lines.iter().all(|l| (1..=4).contains(&l.quantity)));
            let skus: HashSet<&str> = o.lines.iter().map(|l| l.sku()).collect();
            assert_eq!(skus.len(), o.lines.len(), "{}", o.order_id);
            match &previous {
                Some(p) if p.customer_id == o.customer_id => {
                    assert!(
                        p.placed_at <= o.placed_at,
                        "{} then {}",
                        p.order_id,
                        o.order_id
                    );
                }
                _ => assert!(seen.insert(o.customer_id), "{} came back", o.customer_id),
            }
            if let Some(p) = &previous {
                assert_eq!(o.order_id.0, p.order_id.0 + 1);
            }
            previous = Some(o);
        }
        assert!(first - start < Duration::days(3) && end - last < Duration::days(3));
    }

    #[test]
    fn the_csv_has_the_header_and_one_well_formed_row_per_line() {
        let log = log(3_000, 8);
        let text = String::from_utf8(csv(&log)).unwrap();
        let mut rows = text.lines();
        assert_eq!(rows.next(), Some(CSV_HEADER));
        let first = log.orders().next().unwrap();
        let mut count = 0;
        for row in rows {
            count += 1;
            let fields: Vec<&str> = row.split(',').collect();
            assert_eq!(fields.len(), 8, "{row}");
            assert!(fields[0].starts_with('O') && fields[0].len() == 10, "{row}");
            assert!(fields[1].starts_with('C') && fields[1].len() == 9, "{row}");
            assert!(fields[2].ends_with('Z'), "{row}");
            DateTime::parse_from_rfc3339(fields[2]).unwrap();
            let (_, cents) = fields[5].split_once('.').expect("a decimal point");
            assert_eq!(cents.len(), 2, "{row}");
        }
        assert_eq!(count, 3_000);
        let line = first.lines[0];
        let expected = format!(
            "{},{},{},{},{},{},{},{}",
            first.order_id,
            first.customer_id,
            first
                .placed_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            line.sku(),
            line.quantity,
            line.unit_price(),
            line.title(),
            line.category(),
        );
        assert_eq!(text.lines().nth(1), Some(expected.as_str()));
        let summary = write_csv(&log, io::sink()).unwrap();
        assert_eq!(summary.orders, log.orders().count());
        let customers: HashSet<CustomerId> = log.orders().map(|o| o.customer_id).collect();
        assert_eq!(summary.customers, customers.len());
        assert_eq!(summary.products, log.products().len());
    }

    #[test]
    fn fields_are_quoted_only_when_they_need_it() {
        let quoted = |s: &str| {
            let mut buf = Vec::new();
            push_field(&mut buf, s);
            String::from_utf8(buf).unwrap()
        };
        assert_eq!(quoted("Earl Grey Tea"), "Earl Grey Tea");
        assert_eq!(quoted("Tea, 100 g"), "\"Tea, 100 g\"");
        assert_eq!(quoted("the \"good\" tea"), "\"the \"\"good\"\" tea\"");
        assert_eq!(quoted("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn numbers_and_timestamps_are_written_as_text_expects_them() {
        let mut buf = Vec::new();
        push_padded(&mut buf, 0, 1);
        buf.push(b' ');
        push_padded(&mut buf, 7, 2);
        buf.push(b' ');
        push_padded(&mut buf, 1234567, 3);
        buf.push(b' ');
        push_timestamp(&mut buf, "2026-01-05T09:03:07Z".parse().unwrap());
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "0 07 1234567 2026-01-05T09:03:07Z"
        );
        assert_eq!(OrderId(42).to_string(), "O000000042");
        assert_eq!(CustomerId(42).to_string(), "C00000042");
        assert_eq!(
            day_end(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()).to_rfc3339(),
            "2026-11-24T00:00:00+00:00"
        );
    }
}
