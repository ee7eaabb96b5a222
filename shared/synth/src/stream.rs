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
