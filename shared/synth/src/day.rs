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

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use super::*;
    use crate::orders::tests::assert_billed_like_the_shop;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    #[test]
    fn a_day_is_reproducible_and_days_differ() {
        let g = Generator::new(8);
        let customers = g.customers(300);
        let a = g.day_of_orders(&customers, day(), 100);
        assert_eq!(a, Generator::new(8).day_of_orders(&customers, day(), 100));
        assert_ne!(
            a,
            g.day_of_orders(&customers, day().succ_opt().unwrap(), 100)
        );
        assert_ne!(a, Generator::new(9).day_of_orders(&customers, day(), 100));
    }

    #[test]
    fn orders_are_numbered_in_time_order_within_the_day() {
        let g = Generator::new(1);
        let orders = g.day_of_orders(&g.customers(500), day(), 400);
        assert_eq!(orders.len(), 400);
        assert_eq!(orders[0].order_id, "D20261123-00001");
        assert_eq!(orders[399].order_id, "D20261123-00400");
        let ids: BTreeSet<&str> = orders.iter().map(|o| o.order_id.as_str()).collect();
        assert_eq!(ids.len(), orders.len());
        assert!(orders.windows(2).all(|w| w[0].placed_at <= w[1].placed_at));
        for o in &orders {
            assert_billed_like_the_shop(o);
            assert_eq!(o.placed_at.date_naive(), day());
        }
    }

    #[test]
    fn known_customers_order_by_segment_and_newcomers_join() {
        let g = Generator::new(2);
        let customers = g.customers(1000);
        let orders = g.day_of_orders(&customers, day(), 1000);
        let segment_of: BTreeMap<&str, Segment> = customers
            .iter()
            .map(|c| (c.id.as_str(), c.segment))
            .collect();
        let mut per_segment: BTreeMap<Segment, usize> = BTreeMap::new();
        let mut newcomers = BTreeSet::new();
        for o in &orders {
            match segment_of.get(o.customer.id.as_str()) {
                Some(s) => *per_segment.entry(*s).or_default() += 1,
                None => {
                    assert!(o.customer.id.starts_with("N20261123-"), "{}", o.customer.id);
                    newcomers.insert(o.customer.id.as_str());
                }
            }
        }
        assert!((60..=200).contains(&newcomers.len()), "{}", newcomers.len());
        let share = |s: Segment| {
            let population = customers.iter().filter(|c| c.segment == s).count() as f64;
            per_segment.get(&s).copied().unwrap_or(0) as f64 / population
        };
        // Orders per customer: a VIP orders far more often than a lapsed customer.
        assert!(share(Segment::Vip) > 3.0 * share(Segment::OneTimer));
        assert!(
            share(Segment::Lapsed) > 0.0,
            "some lapsed customers come back"
        );
        let marketplace = orders.iter().filter(|o| o.channel.is_marketplace()).count();
        assert!((80..300).contains(&marketplace), "{marketplace}");
    }

    #[test]
    fn a_shop_without_customers_still_gets_orders() {
        let orders = Generator::new(3).day_of_orders(&[], day(), 20);
        assert_eq!(orders.len(), 20);
        let ids: BTreeSet<&str> = orders.iter().map(|o| o.customer.id.as_str()).collect();
        assert_eq!(ids.len(), 20, "every newcomer is someone else");
    }
}
