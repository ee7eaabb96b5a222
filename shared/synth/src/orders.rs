//! Turning a basket into a normalized order the way the shop would bill it: prices from
//! the catalogue, shipping below the free-shipping threshold, the odd newsletter code.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use packwise_core::Order;
use packwise_core::order::{Channel, OrderLine, Totals};
use rust_decimal::{Decimal, RoundingStrategy};

use rand::Rng;

use crate::catalogue::ITEMS;
use crate::customers::{CHANNELS, CustomerSeed};
use crate::demo;
use crate::generator::weighted;

/// The one discount code customers use on the shop: 10 % off, from the newsletter.
pub const NEWSLETTER_CODE: &str = "NEWSLETTER10";

/// Relative orders per hour of the day (UTC): quiet nights, a lunch bump, an evening peak.
const HOURS: [(u32, u32); 24] = [
    (0, 2),
    (1, 1),
    (2, 1),
    (3, 1),
    (4, 1),
    (5, 2),
    (6, 3),
    (7, 5),
    (8, 7),
    (9, 8),
    (10, 9),
    (11, 10),
    (12, 12),
    (13, 11),
    (14, 9),
    (15, 9),
    (16, 9),
    (17, 10),
    (18, 12),
    (19, 15),
    (20, 16),
    (21, 14),
    (22, 9),
    (23, 5),
];

/// A time of day drawn from the shop's daily rhythm.
pub(crate) fn time_of_day(rng: &mut impl Rng) -> NaiveTime {
    let (hour, _) = *weighted(rng, &HOURS, |(_, w)| f64::from(*w));
    let second = hour * 3600 + rng.random_range(0..3600);
    NaiveTime::from_num_seconds_from_midnight_opt(second, 0).expect("within the day")
}

/// Mostly where the customer usually orders, sometimes elsewhere.
pub(crate) fn channel_for(rng: &mut impl Rng, customer: &CustomerSeed) -> Channel {
    if rng.random_bool(0.8) {
        customer.channel
    } else {
        weighted(rng, CHANNELS, |(_, w)| f64::from(*w)).0
    }
}

/// The instant `days` whole days before `until`'s date, at a typical time of day.
pub(crate) fn days_before(rng: &mut impl Rng, until: DateTime<Utc>, days: i64) -> DateTime<Utc> {
    on_day(rng, until.date_naive() - chrono::Duration::days(days))
}

pub(crate) fn on_day(rng: &mut impl Rng, day: NaiveDate) -> DateTime<Utc> {
    day.and_time(time_of_day(rng)).and_utc()
}

/// The order for `basket` (item indices and quantities), billed as the demo shop bills.
pub(crate) fn order(
    rng: &mut impl Rng,
    customer: &CustomerSeed,
    order_id: String,
    placed_at: DateTime<Utc>,
    channel: Channel,
    basket: &[(usize, u32)],
) -> Order {
    let lines: Vec<OrderLine> = basket
        .iter()
        .map(|&(i, quantity)| {
            let item = &ITEMS[i];
            OrderLine {
                sku: item.sku.to_string(),
                title: item.title.to_string(),
                category: Some(item.category.to_string()),
                quantity,
                unit_price: item.price(),
            }
        })
        .collect();
    let subtotal: Decimal = lines.iter().map(OrderLine::total).sum();
    let shipping = if subtotal < demo::free_shipping_threshold() {
        demo::shipping_fee()
    } else {
        Decimal::ZERO
    };
    // Marketplaces run their own promotions; the newsletter code works in the shop only.
    let newsletter = !channel.is_marketplace() && rng.random_bool(0.06);
    let (discount_codes, discount) = if newsletter {
        let ten_percent = (subtotal / Decimal::TEN)
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        (vec![NEWSLETTER_CODE.to_string()], ten_percent)
    } else {
        (Vec::new(), Decimal::ZERO)
    };
    Order {
        merchant: demo::MERCHANT.to_string(),
        order_id,
        customer: customer.on_order(channel),
        placed_at,
        channel,
        currency: demo::CURRENCY.parse().expect("ISO 4217"),
        fulfillment_centre: customer.centre().to_string(),
        ship_to: customer.ship_to.clone(),
        lines,
        discount_codes,
        totals: Totals {
            subtotal,
            shipping,
            // Prices include VAT, as EU consumer prices must; nothing is added on top.
            tax: Decimal::ZERO,
            discount,
            total: subtotal + shipping - discount,
        },
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use packwise_core::Order;

    use super::*;

    /// Everything every generated order must satisfy, beyond `Order::validate`.
    pub(crate) fn assert_billed_like_the_shop(order: &Order) {
        order
            .validate()
            .unwrap_or_else(|e| panic!("{}: {e}", order.order_id));
        let t = &order.totals;
        assert_eq!(t.total, t.subtotal + t.shipping + t.tax - t.discount);
        let expected_shipping = if t.subtotal < demo::free_shipping_threshold() {
            demo::shipping_fee()
        } else {
            Decimal::ZERO
        };
        assert_eq!(t.shipping, expected_shipping, "{}", order.order_id);
        assert_eq!(
            order.fulfillment_centre,
            crate::places::centre_for(&order.ship_to.country)
        );
        assert_eq!(order.merchant, demo::MERCHANT);
        assert!((1..=10).contains(&order.lines.len()));
    }

    #[test]
    fn times_of_day_follow_the_daily_rhythm() {
        let mut rng = crate::Generator::new(1).rng(crate::generator::Purpose::Day, 0);
        let hours: Vec<u32> = (0..2000)
            .map(|_| chrono::Timelike::hour(&time_of_day(&mut rng)))
            .collect();
        let within = |from: u32, to: u32| hours.iter().filter(|h| (from..to).contains(h)).count();
        // Four evening hours take about 30 % of the day's orders, five night hours about 3 %.
        assert!(within(18, 22) > 500, "{}", within(18, 22));
        assert!(within(0, 5) < 120, "{}", within(0, 5));
    }
}
