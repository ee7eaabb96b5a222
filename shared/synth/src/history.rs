//! Two years of past orders per customer, shaped by their segment: VIPs order often and
//! big, lapsed customers stopped months ago, one-timers ordered once or not yet.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use packwise_core::Order;
use rand::Rng;

use crate::basket::{Shopper, basket, line_count};
use crate::catalogue::ITEMS;
use crate::customers::{CustomerSeed, Segment};
use crate::generator::{Generator, Purpose, key_of};
use crate::orders;

/// How far back histories reach, in days.
pub const HISTORY_DAYS: i64 = 730;
/// Lapsed customers placed no order in this many days before `until`.
pub const LAPSED_DAYS: i64 = 120;

impl Generator {
    /// Past orders of `customers` over the two years before `until`, oldest first; order
    /// ids are `H-{customer}-{nnn}`, numbered per customer.
    pub fn history(&self, customers: &[CustomerSeed], until: DateTime<Utc>) -> Vec<Order> {
        let mut all: Vec<Order> = customers
            .iter()
            .flat_map(|c| self.customer_history(c, until))
            .collect();
        all.sort_by(|a, b| (a.placed_at, &a.order_id).cmp(&(b.placed_at, &b.order_id)));
        all
    }

    fn customer_history(&self, customer: &CustomerSeed, until: DateTime<Utc>) -> Vec<Order> {
        let mut rng = self.rng(Purpose::History, key_of(&customer.id));
        let mut days = order_days(&mut rng, customer.segment, until.date_naive());
        days.sort_unstable_by(|a, b| b.cmp(a));
        let taste = customer.taste();
        let big_spender = customer.segment == Segment::Vip;
        let mut restock: Vec<usize> = Vec::new();
        let mut placed: Vec<Order> = Vec::with_capacity(days.len());
        for (n, days_ago) in days.into_iter().enumerate() {
            let lines = line_count(&mut rng, big_spender);
            let shopper = Shopper {
                taste: &taste,
                restock: &restock,
                big_spender,
            };
            let items = basket(&mut rng, &shopper, lines);
            for &(i, _) in &items {
                if ITEMS[i].consumable() && !restock.contains(&i) {
                    restock.push(i);
                }
            }
            let placed_at = orders::days_before(&mut rng, until, days_ago);
            let channel = orders::channel_for(&mut rng, customer);
            let id = format!("H-{}-{:03}", customer.id, n + 1);
            placed.push(orders::order(
                &mut rng, customer, id, placed_at, channel, &items,
            ));
        }
        placed
    }
}

/// How many days before `until` each of a customer's orders was placed (unsorted).
fn order_days(rng: &mut impl Rng, segment: Segment, until: NaiveDate) -> Vec<i64> {
    let (count, newest, oldest) = match segment {
        Segment::OneTimer if rng.random_bool(0.45) => return Vec::new(),
        Segment::OneTimer => (1, 1, HISTORY_DAYS),
        Segment::Repeat => (
            rng.random_range(2..=7),
            1,
            rng.random_range(60..=HISTORY_DAYS),
        ),
        Segment::Vip => (
            rng.random_range(12..=30),
            1,
            rng.random_range(400..=HISTORY_DAYS),
        ),
        Segment::Lapsed => {
            let newest = rng.random_range(LAPSED_DAYS + 1..=400);
            (
                rng.random_range(2..=6),
                newest,
                rng.random_range(newest..=HISTORY_DAYS),
            )
        }
    };
    (0..count)
        .map(|_| seasonal_day(rng, until, newest, oldest))
        .collect()
}

/// A day in `newest..=oldest` days ago, with November and December busier than the rest.
fn seasonal_day(rng: &mut impl Rng, until: NaiveDate, newest: i64, oldest: i64) -> i64 {
    loop {
        let days_ago = rng.random_range(newest..=oldest);
        let month = (until - Duration::days(days_ago)).month();
        let busy = match month {
            12 => 1.0,
            11 => 0.8,
            _ => 0.55,
        };
        if rng.random_bool(busy) {
            return days_ago;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use chrono::Duration;
    use packwise_core::CustomerProfile;
    use packwise_core::order::Channel;
    use rust_decimal::Decimal;

    use super::*;
    use crate::catalogue;
    use crate::orders::tests::assert_billed_like_the_shop;

    fn until() -> DateTime<Utc> {
        "2026-11-23T06:00:00Z".parse().unwrap()
    }

    fn world(seed: u64, n: usize) -> (Vec<CustomerSeed>, Vec<Order>) {
        let g = Generator::new(seed);
        let customers = g.customers(n);
        let history = g.history(&customers, until());
        (customers, history)
    }

    fn profiles(history: &[Order]) -> BTreeMap<&str, CustomerProfile> {
        let mut profiles = BTreeMap::new();
        for o in history {
            profiles
                .entry(o.customer.id.as_str())
                .or_insert_with(|| CustomerProfile::new(&o.merchant, &o.customer.id))
                .record_order(o);
        }
        profiles
    }

    #[test]
    fn the_same_seed_gives_the_same_history_and_another_seed_another() {
        let (_, a) = world(42, 150);
        let (_, b) = world(42, 150);
        let (_, c) = world(43, 150);
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn every_order_is_sound_dated_and_in_time_order() {
        let (_, history) = world(1, 400);
        assert!(history.len() > 1000, "{}", history.len());
        let ids: BTreeSet<&str> = history.iter().map(|o| o.order_id.as_str()).collect();
        assert_eq!(ids.len(), history.len());
        assert!(history.windows(2).all(|w| w[0].placed_at <= w[1].placed_at));
        let oldest = until() - Duration::days(HISTORY_DAYS + 1);
        for o in &history {
            assert_billed_like_the_shop(o);
            assert!(
                o.placed_at < until() && o.placed_at > oldest,
                "{}",
                o.placed_at
            );
        }
        let free = history
            .iter()
            .filter(|o| o.totals.shipping.is_zero())
            .count();
        assert!(
            free > 0 && free < history.len(),
            "both sides of the threshold"
        );
        let coded = history
            .iter()
            .filter(|o| !o.discount_codes.is_empty())
            .count();
        assert!(coded > 0 && coded * 10 < history.len());
    }

    #[test]
    fn segments_shape_the_history() {
        let (customers, history) = world(2, 600);
        let profiles = profiles(&history);
        let of = |segment: Segment| -> Vec<Option<&CustomerProfile>> {
            customers
                .iter()
                .filter(|c| c.segment == segment)
                .map(|c| profiles.get(c.id.as_str()))
                .collect()
        };
        let mean_value = |segment: Segment| {
            let group = of(segment);
            let sum: Decimal = group.iter().flatten().map(|p| p.lifetime_value).sum();
            sum / Decimal::from(group.len())
        };
        for p in of(Segment::OneTimer).into_iter().flatten() {
            assert_eq!(p.orders_count, 1);
        }
        assert!(
            of(Segment::OneTimer).iter().any(Option::is_none),
            "some never ordered"
        );
        let lapsed_since = until() - Duration::days(LAPSED_DAYS);
        for p in of(Segment::Lapsed) {
            let p = p.expect("lapsed customers ordered before");
            assert!(p.orders_count >= 2);
            assert!(p.last_order_at.unwrap() < lapsed_since);
        }
        let vips = of(Segment::Vip);
        assert!(vips.iter().all(|p| p.is_some_and(|p| p.orders_count >= 12)));
        let rich = vips
            .iter()
            .flatten()
            .filter(|p| p.lifetime_value >= Decimal::from(500))
            .count();
        assert!(
            rich * 10 >= vips.len() * 9,
            "{rich} of {} VIPs reach 500",
            vips.len()
        );
        let (vip, repeat, once) = (
            mean_value(Segment::Vip),
            mean_value(Segment::Repeat),
            mean_value(Segment::OneTimer),
        );
        assert!(
            vip > repeat * Decimal::from(3) && repeat > once,
            "{vip} {repeat} {once}"
        );
        let recent = |segment: Segment| {
            of(segment)
                .iter()
                .flatten()
                .filter(|p| p.last_order_at.unwrap() > until() - Duration::days(90))
                .count()
        };
        assert!(recent(Segment::Vip) > recent(Segment::Lapsed));
    }

    #[test]
    fn complements_are_bought_together_far_more_than_chance() {
        let (_, history) = world(3, 800);
        let n = history.len() as f64;
        let baskets: Vec<BTreeSet<&str>> = history
            .iter()
            .map(|o| o.lines.iter().map(|l| l.sku.as_str()).collect())
            .collect();
        let with = |sku: &str| baskets.iter().filter(|b| b.contains(sku)).count() as f64;
        let together = |a: &str, b: &str| {
            baskets
                .iter()
                .filter(|x| x.contains(a) && x.contains(b))
                .count() as f64
        };
        let lift = |pairs: &[(&str, &str)]| {
            let observed: f64 = pairs.iter().map(|(a, b)| together(a, b)).sum();
            let expected: f64 = pairs.iter().map(|(a, b)| with(a) * with(b) / n).sum();
            observed / expected
        };
        let complements: Vec<(&str, &str)> = catalogue::ITEMS
            .iter()
            .flat_map(|i| {
                catalogue::complements(i.sku)
                    .into_iter()
                    .filter(move |c| i.sku < *c)
                    .map(move |c| (i.sku, c))
            })
            .collect();
        // Same-category pairs that are not complements: affinity alone lifts them a little.
        let others: Vec<(&str, &str)> = catalogue::ITEMS
            .iter()
            .flat_map(|a| catalogue::ITEMS.iter().map(move |b| (a, b)))
            .filter(|(a, b)| a.sku < b.sku && a.category == b.category)
            .filter(|(a, b)| !catalogue::complements(a.sku).contains(&b.sku))
            .map(|(a, b)| (a.sku, b.sku))
            .collect();
        let (complement_lift, other_lift) = (lift(&complements), lift(&others));
        assert!(
            complement_lift > 4.0,
            "complements lift {complement_lift:.1}"
        );
        assert!(
            complement_lift > 2.0 * other_lift,
            "{complement_lift:.1} vs {other_lift:.1}"
        );
    }

    #[test]
    fn customers_buy_their_favourites_and_restock_consumables() {
        let (customers, history) = world(4, 500);
        let profiles = profiles(&history);
        let mut regulars = 0;
        let mut loyal_to_taste = 0;
        for c in &customers {
            let Some(p) = profiles.get(c.id.as_str()).filter(|p| p.orders_count >= 5) else {
                continue;
            };
            regulars += 1;
            let top = p.top_category().unwrap();
            loyal_to_taste += usize::from(c.favourite_categories.iter().any(|f| f == top));
        }
        assert!(regulars > 50);
        assert!(
            loyal_to_taste * 10 >= regulars * 8,
            "{loyal_to_taste} of {regulars}"
        );

        let mut seen: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        let (mut later_orders, mut restocking) = (0, 0);
        for o in &history {
            let before = seen.entry(o.customer.id.as_str()).or_default();
            if !before.is_empty() {
                later_orders += 1;
                restocking += usize::from(o.lines.iter().any(|l| before.contains(l.sku.as_str())));
            }
            before.extend(o.lines.iter().map(|l| l.sku.as_str()));
        }
        assert!(
            restocking * 2 > later_orders,
            "{restocking} of {later_orders} restock"
        );
    }

    #[test]
    fn best_sellers_channels_and_centres_look_like_a_shop() {
        let (_, history) = world(5, 600);
        let mut units: BTreeMap<&str, u32> = BTreeMap::new();
        let mut channels: BTreeMap<Channel, usize> = BTreeMap::new();
        let mut centres: BTreeMap<&str, usize> = BTreeMap::new();
        for o in &history {
            for l in &o.lines {
                *units.entry(&l.sku).or_default() += l.quantity;
            }
            *channels.entry(o.channel).or_default() += 1;
            *centres.entry(&o.fulfillment_centre).or_default() += 1;
        }
        let mut sold: Vec<u32> = units.values().copied().collect();
        sold.sort_unstable_by(|a, b| b.cmp(a));
        let total: u32 = sold.iter().sum();
        let top: u32 = sold[..sold.len() / 10].iter().sum();
        assert!(top * 100 > total * 30, "top tenth sells {top} of {total}");
        assert!(units.len() > 70, "the long tail sells too");
        for channel in [
            Channel::Web,
            Channel::Mobile,
            Channel::Amazon,
            Channel::Ebay,
            Channel::Walmart,
            Channel::Store,
        ] {
            assert!(channels.contains_key(&channel), "{channel}");
        }
        let marketplace: usize = channels
            .iter()
            .filter(|(c, _)| c.is_marketplace())
            .map(|(_, n)| n)
            .sum();
        let share = marketplace as f64 / history.len() as f64;
        assert!((0.08..0.3).contains(&share), "{share}");
        assert_eq!(centres.len(), 2);
        assert!(
            centres.values().all(|n| *n * 5 > history.len()),
            "{centres:?}"
        );
    }
}
