//! An endless-looking stream of orders for benchmarks: generated one at a time, so a
//! million orders take no more memory than one.

use chrono::{DateTime, Duration, Utc};
use packwise_core::Order;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::basket::{Shopper, basket};
use crate::customers::Segment;
use crate::generator::{Generator, Purpose, weighted};
use crate::orders;

/// Lines per order, one to ten: most orders are small, a few are big.
const LINES: &[(usize, u32)] = &[
    (1, 22),
    (2, 20),
    (3, 16),
    (4, 12),
    (5, 9),
    (6, 7),
    (7, 5),
    (8, 4),
    (9, 3),
    (10, 2),
];

impl Generator {
    /// `n` orders from `start` on, a few seconds apart, with ids `S{nnnnnnnnn}`; customers
    /// come from a pool of `n / 4` (the same as `customers(n / 4)`), early ones more often.
    pub fn orders(&self, n: usize, start: DateTime<Utc>) -> impl Iterator<Item = Order> + use<> {
        OrderStream {
            generator: *self,
            rng: self.rng(Purpose::Stream, n as u64),
            produced: 0,
            n,
            pool: (n / 4).max(1) as u64,
            at: start,
        }
    }
}

struct OrderStream {
    generator: Generator,
    rng: ChaCha8Rng,
    produced: usize,
    n: usize,
    pool: u64,
    at: DateTime<Utc>,
}

impl Iterator for OrderStream {
    type Item = Order;

    fn next(&mut self) -> Option<Order> {
        if self.produced == self.n {
            return None;
        }
        self.produced += 1;
        let rng = &mut self.rng;
        self.at += Duration::seconds(rng.random_range(1..=40));
        // Squaring a uniform draw favours low indices: a core of regulars and a long tail.
        let u: f64 = rng.random();
        let index = ((u * u) * self.pool as f64) as u64;
        let mut own = self.generator.rng(Purpose::Customer, index);
        let customer = self
            .generator
            .customer(&mut own, format!("C{:05}", index + 1), None);
        let lines = weighted(rng, LINES, |(_, w)| f64::from(*w)).0;
        let taste = customer.taste();
        let staples = customer.staples();
        let shopper = Shopper {
            taste: &taste,
            restock: &staples,
            big_spender: customer.segment == Segment::Vip,
        };
        let items = basket(rng, &shopper, lines);
        let channel = orders::channel_for(rng, &customer);
        let id = format!("S{:09}", self.produced);
        Some(orders::order(rng, &customer, id, self.at, channel, &items))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.n - self.produced;
        (left, Some(left))
    }
}

impl ExactSizeIterator for OrderStream {}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use super::*;
    use crate::orders::tests::assert_billed_like_the_shop;

    fn start() -> DateTime<Utc> {
        "2026-11-01T00:00:00Z".parse().unwrap()
    }

    #[test]
    fn the_stream_is_reproducible_and_seeded() {
        let a: Vec<Order> = Generator::new(1).orders(200, start()).collect();
        let b: Vec<Order> = Generator::new(1).orders(200, start()).collect();
        let c: Vec<Order> = Generator::new(2).orders(200, start()).collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn a_stream_of_repeat_customers_with_one_to_ten_lines() {
        let n = 8000;
        let stream = Generator::new(5).orders(n, start());
        assert_eq!(stream.size_hint(), (n, Some(n)));
        let mut customers: BTreeMap<String, usize> = BTreeMap::new();
        let mut line_counts = BTreeSet::new();
        let mut previous = start();
        let mut count = 0;
        for (k, o) in stream.enumerate() {
            assert_billed_like_the_shop(&o);
            assert_eq!(o.order_id, format!("S{:09}", k + 1));
            assert!(o.placed_at > previous);
            previous = o.placed_at;
            line_counts.insert(o.lines.len());
            *customers.entry(o.customer.id).or_default() += 1;
            count += 1;
        }
        assert_eq!(count, n);
        assert_eq!(line_counts, (1..=10).collect());
        assert!(customers.len() <= n / 4);
        assert!(customers.len() > n / 8, "{} customers", customers.len());
        let regulars = customers.values().filter(|k| **k >= 10).count();
        assert!(
            regulars > 50,
            "{regulars} customers with ten orders or more"
        );
    }

    #[test]
    fn stream_customers_are_the_generators_customers() {
        let g = Generator::new(6);
        let pool = g.customers(25);
        for o in g.orders(100, start()) {
            let c = pool
                .iter()
                .find(|c| c.id == o.customer.id)
                .expect("from the pool");
            assert_eq!(o.ship_to, c.ship_to);
            assert_eq!(o.customer.locale.as_deref(), Some(c.locale.as_str()));
        }
    }
}
