//! What a customer's purchase history says about them, kept up to date order by order.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::money::Currency;
use crate::order::{Channel, Order, OrderLine};

/// A Net Promoter Score answer (0–10) and when it was given.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema, utoipa::ToSchema)]
pub struct NpsAnswer {
    pub score: u8,
    pub at: DateTime<Utc>,
}

/// One campaign touch, remembered for frequency caps.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Touch {
    pub campaign: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    pub at: DateTime<Utc>,
}

/// Touches older than this are forgotten: no frequency-cap window may be longer.
pub const MAX_CAP_WINDOW_DAYS: u32 = 365;

/// The aggregates the engine targets on. Derived from history, plus what the merchant
/// tells us about the customer (tags, NPS, birthday).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CustomerProfile {
    pub merchant: String,
    pub customer_id: String,
    /// Orders placed before the one being decided.
    pub orders_count: u32,
    pub first_order_at: Option<DateTime<Utc>>,
    pub last_order_at: Option<DateTime<Utc>>,
    /// Sum of order totals, in `currency`; orders in other currencies count in `orders_count` only.
    #[schemars(with = "String")]
    pub lifetime_value: Decimal,
    pub currency: Option<Currency>,
    pub categories: BTreeMap<String, u32>,
    pub skus: BTreeMap<String, u32>,
    pub channels: BTreeMap<Channel, u32>,
    pub tags: Vec<String>,
    pub nps: Option<NpsAnswer>,
    pub birthday: Option<NaiveDate>,
    pub locale: Option<String>,
    pub touches: Vec<Touch>,
    /// Neighbours of what the customer bought, best first: suggestions from their
    /// history without reading their past items' lists.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub affinity: Vec<crate::similar::Affinity>,
    /// Optimistic-concurrency version: every commit increments it.
    pub version: u64,
}

impl CustomerProfile {
    pub fn new(merchant: &str, customer_id: &str) -> Self {
        CustomerProfile {
            merchant: merchant.to_string(),
            customer_id: customer_id.to_string(),
            ..Default::default()
        }
    }

    pub fn average_order_value(&self) -> Decimal {
        if self.orders_count == 0 {
            Decimal::ZERO
        } else {
            (self.lifetime_value / Decimal::from(self.orders_count)).round_dp(2)
        }
    }

    pub fn days_since_last_order(&self, now: DateTime<Utc>) -> Option<i64> {
        self.last_order_at.map(|t| (now - t).num_days())
    }

    /// The channel most orders came through; ties go to the first in `Channel::ALL`.
    pub fn preferred_channel(&self) -> Option<Channel> {
        let best = self.channels.values().copied().max()?;
        Channel::ALL
            .into_iter()
            .find(|c| self.channels.get(c) == Some(&best))
    }

    /// The most-bought category; ties go to the alphabetically first.
    pub fn top_category(&self) -> Option<&str> {
        let best = self.categories.values().copied().max()?;
        self.categories
            .iter()
            .find(|(_, n)| **n == best)
            .map(|(c, _)| c.as_str())
    }

    pub fn is_birthday_month(&self, now: DateTime<Utc>) -> bool {
        self.birthday.is_some_and(|b| b.month() == now.month())
    }

    /// Touches of a campaign (or of any campaign in `group`) less than `days` before or
    /// after `now`. After, too: orders are not processed in the order they were placed
    /// (SQS does not keep order, and processors run side by side), so a touch recorded
    /// for a later order must count against an earlier one. Then no stretch of `days`
    /// ever holds more touches than a cap allows, whatever order they were recorded in.
    pub fn touches_within(
        &self,
        campaign: &str,
        group: Option<&str>,
        days: u32,
        now: DateTime<Utc>,
    ) -> u32 {
        let since = now - chrono::Duration::days(i64::from(days));
        let until = now + chrono::Duration::days(i64::from(days));
        self.touches
            .iter()
            .filter(|t| t.at > since && t.at < until)
            .filter(|t| match group {
                Some(g) => t.group.as_deref() == Some(g),
                None => t.campaign == campaign,
            })
            .count() as u32
    }

    /// Folds one order into the aggregates. Customer details on the order (locale,
    /// birthday) fill gaps but never overwrite what the merchant set.
    pub fn record_order(&mut self, order: &Order) {
        self.orders_count += 1;
        self.first_order_at = Some(match self.first_order_at {
            Some(t) => t.min(order.placed_at),
            None => order.placed_at,
        });
        self.last_order_at = Some(match self.last_order_at {
            Some(t) => t.max(order.placed_at),
            None => order.placed_at,
        });
        let currency = *self.currency.get_or_insert(order.currency);
        if currency == order.currency {
            self.lifetime_value += order.totals.total;
        }
        for line in &order.lines {
            *self.skus.entry(line.sku.clone()).or_default() += line.quantity;
            if let Some(cat) = &line.category {
                *self.categories.entry(cat.clone()).or_default() += line.quantity;
            }
        }
        *self.channels.entry(order.channel).or_default() += 1;
        if self.locale.is_none() {
            self.locale.clone_from(&order.customer.locale);
        }
        if self.birthday.is_none() {
            self.birthday = order.customer.birthday;
        }
    }

    /// The profile as it stood just before the order `(at, order_id)`: the orders of
    /// `history` placed before it folded in again, with what is not history from this
    /// profile (tags, birthday, affinity; the NPS answer only if given by then) and the
    /// touches before it. What a preview decides past orders with.
    pub fn before(
        &self,
        history: &[OrderSummary],
        at: DateTime<Utc>,
        order_id: &str,
    ) -> CustomerProfile {
        let mut past = CustomerProfile::new(&self.merchant, &self.customer_id);
        past.tags.clone_from(&self.tags);
        past.birthday = self.birthday;
        past.nps = self.nps.clone().filter(|nps| nps.at <= at);
        past.affinity.clone_from(&self.affinity);
        let mut earlier: Vec<&OrderSummary> = history
            .iter()
            .filter(|o| (o.placed_at, o.order_id.as_str()) < (at, order_id))
            .collect();
        earlier.sort_by(|a, b| (a.placed_at, &a.order_id).cmp(&(b.placed_at, &b.order_id)));
        for order in earlier {
            past.record_order(&order.to_order(&self.merchant, &self.customer_id));
        }
        if past.locale.is_none() {
            past.locale.clone_from(&self.locale);
        }
        past.touches = self.touches.iter().filter(|t| t.at < at).cloned().collect();
        past.version = self.version;
        past
    }

    pub fn record_touch(&mut self, touch: Touch) {
        let horizon = touch.at - chrono::Duration::days(i64::from(MAX_CAP_WINDOW_DAYS));
        self.touches.retain(|t| t.at > horizon);
        self.touches.push(touch);
    }
}

/// The history entry kept per order, for similarity and for stats.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OrderSummary {
    pub order_id: String,
    pub placed_at: DateTime<Utc>,
    pub channel: Channel,
    pub currency: Currency,
    #[schemars(with = "String")]
    pub total: Decimal,
    /// The order's lines as ordered: what was bought together, and the titles that name
    /// a suggestion's reason ("often bought with Mint Tea").
    pub lines: Vec<OrderLine>,
    pub discount_codes: Vec<String>,
    /// What a campaign preview needs to decide the order again, beside the lines: where
    /// it shipped from and to, its subtotal, and the customer's name and language as the
    /// order gave them. Entries written before these were kept lack them.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub fulfillment_centre: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_to_country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub subtotal: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// Campaigns applied to the parcel, and those it matched but was held out from:
    /// the two groups a campaign's lift compares.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub applied: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub held_out: Vec<String>,
    /// Insert SKUs put in the parcel, one entry per unit, taken from the centre's stock:
    /// what the centre used, for the low-stock report.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inserts: Vec<String>,
    /// The code of the coupon printed on the parcel: what the wave's pick list tells the
    /// packer to print. Entries written before it was kept lack it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coupon: Option<String>,
}

impl OrderSummary {
    /// The entry of an order as it was placed; `applied`, `held_out`, `inserts` and
    /// `coupon` are left for the commit to fill from the decision.
    pub fn of(order: &Order) -> Self {
        OrderSummary {
            order_id: order.order_id.clone(),
            placed_at: order.placed_at,
            channel: order.channel,
            currency: order.currency,
            total: order.totals.total,
            lines: order.lines.clone(),
            discount_codes: order.discount_codes.clone(),
            fulfillment_centre: order.fulfillment_centre.clone(),
            ship_to_country: Some(order.ship_to.country.clone()),
            subtotal: Some(order.totals.subtotal),
            first_name: order.customer.first_name.clone(),
            locale: order.customer.locale.clone(),
            applied: Vec::new(),
            held_out: Vec::new(),
            inserts: Vec::new(),
            coupon: None,
        }
    }

    /// The order again, as far as the entry keeps it: enough to decide it again (a
    /// preview) and to fold it into a profile. The address keeps only its country, the
    /// customer no email; a subtotal not kept is taken as the total.
    pub fn to_order(&self, merchant: &str, customer: &str) -> Order {
        let subtotal = self.subtotal.unwrap_or(self.total);
        Order {
            merchant: merchant.to_string(),
            order_id: self.order_id.clone(),
            customer: crate::order::OrderCustomer {
                id: customer.to_string(),
                first_name: self.first_name.clone(),
                email: None,
                locale: self.locale.clone(),
                birthday: None,
            },
            placed_at: self.placed_at,
            channel: self.channel,
            currency: self.currency,
            fulfillment_centre: self.fulfillment_centre.clone(),
            ship_to: crate::order::Address {
                name: String::new(),
                line1: String::new(),
                line2: None,
                city: String::new(),
                region: None,
                postal_code: String::new(),
                country: self.ship_to_country.clone().unwrap_or_default(),
            },
            lines: self.lines.clone(),
            discount_codes: self.discount_codes.clone(),
            totals: crate::order::Totals {
                subtotal,
                shipping: Decimal::ZERO,
                tax: Decimal::ZERO,
                discount: Decimal::ZERO,
                total: self.total,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::order::tests::sample;
    use rust_decimal_macros::dec;

    #[test]
    fn history_folds_into_aggregates() {
        let mut p = CustomerProfile::new("acme", "c1");
        let mut o = sample();
        p.record_order(&o);
        o.placed_at += chrono::Duration::days(30);
        o.channel = Channel::Amazon;
        o.totals.total = dec!(20.00);
        p.record_order(&o);
        o.placed_at += chrono::Duration::days(1);
        p.record_order(&o);
        assert_eq!(p.orders_count, 3);
        assert_eq!(p.lifetime_value, dec!(52.90));
        assert_eq!(p.average_order_value(), dec!(17.63));
        assert_eq!(p.skus["TEA-1"], 6);
        assert_eq!(p.top_category(), Some("tea"));
        assert_eq!(p.preferred_channel(), Some(Channel::Amazon));
        assert_eq!(p.locale.as_deref(), Some("de-DE"));
        let now = o.placed_at + chrono::Duration::days(10);
        assert_eq!(p.days_since_last_order(now), Some(10));
    }

    #[test]
    fn a_profile_rewinds_to_just_before_an_order() {
        let mut live = CustomerProfile::new("acme", "c1");
        let mut orders = Vec::new();
        for (i, days) in [0, 30, 31].into_iter().enumerate() {
            let mut o = sample();
            o.order_id = format!("o{i}");
            o.placed_at += chrono::Duration::days(days);
            o.totals.total = Decimal::from(10 * (i + 1));
            live.record_order(&o);
            live.record_touch(Touch {
                campaign: "thanks".into(),
                group: None,
                at: o.placed_at,
            });
            orders.push(o);
        }
        live.tags = vec!["parent".into()];
        live.nps = Some(NpsAnswer {
            score: 9,
            at: orders[1].placed_at,
        });
        let history: Vec<OrderSummary> = orders.iter().map(OrderSummary::of).collect();

        let third = &orders[2];
        let past = live.before(&history, third.placed_at, &third.order_id);
        let mut expected = CustomerProfile::new("acme", "c1");
        expected.record_order(&orders[0]);
        expected.record_order(&orders[1]);
        assert_eq!(past.orders_count, 2);
        assert_eq!(past.lifetime_value, dec!(30));
        assert_eq!(past.skus, expected.skus);
        assert_eq!(past.last_order_at, Some(orders[1].placed_at));
        assert_eq!(
            past.touches.len(),
            2,
            "the third order's own touch is later"
        );
        assert_eq!(past.tags, ["parent"]);
        assert!(past.nps.is_some());

        let first = live.before(&history, orders[0].placed_at, "o0");
        assert_eq!(first.orders_count, 0, "a first order had no history");
        assert!(first.touches.is_empty());
        assert_eq!(first.nps, None, "the NPS answer came later");
        assert_eq!(first.locale.as_deref(), Some("de-DE"));
    }

    #[test]
    fn a_summary_gives_back_what_deciding_needs() {
        let order = sample();
        let again = OrderSummary::of(&order).to_order(&order.merchant, &order.customer.id);
        assert_eq!(again.lines, order.lines);
        assert_eq!(again.totals.subtotal, order.totals.subtotal);
        assert_eq!(again.totals.total, order.totals.total);
        assert_eq!(again.ship_to.country, order.ship_to.country);
        assert_eq!(again.fulfillment_centre, order.fulfillment_centre);
        assert_eq!(again.customer.first_name, order.customer.first_name);
        assert_eq!(again.customer.locale, order.customer.locale);
        assert_eq!(
            (again.channel, again.currency, again.placed_at),
            (order.channel, order.currency, order.placed_at)
        );
    }

    #[test]
    fn touches_count_per_campaign_or_group_within_the_window() {
        let mut p = CustomerProfile::new("acme", "c1");
        let now: DateTime<Utc> = "2026-06-01T00:00:00Z".parse().unwrap();
        for (days_ago, campaign, group) in [
            (1, "a", Some("coupons")),
            (20, "a", None),
            (5, "b", Some("coupons")),
        ] {
            p.record_touch(Touch {
                campaign: campaign.into(),
                group: group.map(Into::into),
                at: now - chrono::Duration::days(days_ago),
            });
        }
        assert_eq!(p.touches_within("a", None, 30, now), 2);
        assert_eq!(p.touches_within("a", None, 10, now), 1);
        assert_eq!(p.touches_within("x", Some("coupons"), 30, now), 2);
        // A later order processed first: its touch counts against this one.
        p.record_touch(Touch {
            campaign: "a".into(),
            group: None,
            at: now + chrono::Duration::days(3),
        });
        assert_eq!(p.touches_within("a", None, 10, now), 2);
        assert_eq!(
            p.touches_within("a", None, 3, now),
            1,
            "3 days after is out"
        );
        p.record_touch(Touch {
            campaign: "c".into(),
            group: None,
            at: now + chrono::Duration::days(400),
        });
        assert_eq!(
            p.touches.len(),
            1,
            "touches older than a year are forgotten"
        );
    }
}
