//! One day of incoming orders, as the demo processes them: mostly known customers
//! (VIPs order most often), some first-time buyers, a share from marketplaces.

use chrono::{Datelike, NaiveDate};
use packwise_core::Order;
use rand::Rng;

use crate::basket::{Shopper, basket, line_count};
use crate::customers::{CustomerSeed, Segment};
use crate::generator::{Generator, Purpose, key_of};
use crate::orders;

/// Share of a day's orders placed by customers never seen before.
const NEW_CUSTOMERS: f64 = 0.12;

/// How much more often a customer of each segment orders on a given day.
fn activity(segment: Segment) -> f64 {
    match segment {
        Segment::Vip => 6.0,
        Segment::Repeat => 3.0,
        Segment::OneTimer => 1.0,
        Segment::Lapsed => 0.7,
    }
}

impl Generator {
    /// `n` orders placed on `day`, in time order, with ids `D{yyyymmdd}-{nnnnn}`; brand-new
    /// customers get ids `N{yyyymmdd}-{nnnn}`.
    pub fn day_of_orders(
        &self,
        customers: &[CustomerSeed],
        day: NaiveDate,
        n: usize,
    ) -> Vec<Order> {
        let mut rng = self.rng(Purpose::Day, day.num_days_from_ce() as u64);
        let stamp = day.format("%Y%m%d").to_string();
        let cumulative: Vec<f64> = customers
            .iter()
            .scan(0.0, |sum, c| {
                *sum += activity(c.segment);
                Some(*sum)
            })
            .collect();
        let total = cumulative.last().copied().unwrap_or(0.0);
        let mut new_customers = 0;
        let mut placed: Vec<Order> = Vec::with_capacity(n);
        for _ in 0..n {
            let newcomer;
            let is_new = customers.is_empty() || rng.random_bool(NEW_CUSTOMERS);
            let customer = if is_new {
                new_customers += 1;
                let id = format!("N{stamp}-{new_customers:04}");
                let mut own = self.rng(Purpose::NewCustomer, key_of(&id));
                newcomer = self.customer(&mut own, id, Some(Segment::OneTimer));
                &newcomer
            } else {
                let x = rng.random::<f64>() * total;
                let i = cumulative.partition_point(|&c| c <= x);
                &customers[i.min(customers.len() - 1)]
            };
            let big_spender = customer.segment == Segment::Vip;
            let lines = line_count(&mut rng, big_spender);
            let taste = customer.taste();
            let staples = customer.staples();
            let shopper = Shopper {
                taste: &taste,
                // Someone who has never ordered has nothing to restock yet.
                restock: if is_new { &[] } else { &staples },
                big_spender,
            };
            let items = basket(&mut rng, &shopper, lines);
            let placed_at = orders::on_day(&mut rng, day);
            let channel = orders::channel_for(&mut rng, customer);
            // Numbered below, once the day is in time order.
            placed.push(orders::order(
                &mut rng,
                customer,
                String::new(),
                placed_at,
                channel,
                &items,
            ));
        }
        placed.sort_by_key(|o| o.placed_at);
        for (k, order) in placed.iter_mut().enumerate() {
            order.order_id = format!("D{stamp}-{:05}", k + 1);
        }
        placed
    }
}
