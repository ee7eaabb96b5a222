//! Repeat-purchase lift of a campaign against its holdout group.
//!
//! Every campaign keeps a random holdout: customers who match it but whose parcels get
//! nothing from it. Comparing how often the two groups order again tells whether the
//! campaign brings customers back, and by how much.
//!
//! # Definitions
//!
//! - **Exposure.** An order the campaign matched is an exposure: *treated* if the
//!   campaign was applied to its parcel, *held out* if the customer was in the holdout.
//! - **Unit: the customer, at their first exposure.** A customer belongs to the group of
//!   their first exposure, the one with the earliest `placed_at` (ties go to the smaller
//!   order id). Holdout assignment is per customer, so later exposures should agree; a
//!   customer whose exposures fall in both groups still counts once, in the group of the
//!   first, and is counted in `customers_in_both_groups` so the disagreement is visible.
//! - **Repeater.** A customer who placed another order (any order, matched by the
//!   campaign or not) strictly later than their first exposure and at most `window`
//!   after it: `first < placed_at <= first + window`. The window's end is included, so
//!   with a 30-day window an order exactly 30 days later counts. Orders before the first
//!   exposure never count, and neither does another order placed at the very same
//!   instant as it: that is one checkout split into several orders, not a return visit.
//! - **Only elapsed windows count.** A customer is counted only if their first exposure
//!   is at least `window` before `as_of`, so that every counted customer had the full
//!   window to come back; counting recent exposures would bias both rates down. The
//!   others are reported per group as `still_in_window`.
//! - **As of.** Orders placed after `as_of` are ignored, so a result computed later for
//!   the same `as_of` is the same.
//! - **Rates and lift.** Per group, `rate = repeaters / customers` (absent when the group
//!   has no customers). `absolute_lift = treated rate - holdout rate`; `relative_lift =
//!   treated rate / holdout rate - 1` (absent when the holdout rate is 0). Both are absent
//!   when either group is empty.
//! - **Interval.** `interval_95` is a 95% confidence interval for `absolute_lift`:
//!   Newcombe's hybrid score interval (Newcombe 1998, method 10), built from the Wilson
//!   score interval of each group's rate. Unlike the textbook Wald interval it stays
//!   meaningful for small groups and for rates of 0 or 1. `significant` is true when the
//!   interval excludes 0.
//!
//! # Counting in two passes
//!
//! Orders arrive in any order (a paged, segmented scan), so whether an order is a repeat
//! cannot be decided when it is read: an exposure read later may turn out to be earlier
//! than every exposure seen so far, and then orders already read become the ones after
//! it. Deciding that in one pass would mean keeping every order of a customer. Instead
//! the orders are read twice, and memory stays one small record per exposed customer:
//!
//! 1. [`LiftCounter::add`] every order: it keeps each customer's first exposure.
//! 2. [`LiftCounter::second_pass`], then [`SecondPass::add`] the same orders again: it
//!    marks customers who ordered again within the window, and [`SecondPass::finish`]
//!    returns the [`Lift`].
//!
//! Both passes must read the same orders up to `as_of`; [`lift`] runs both over a slice.
//!
//! Rates are `f64`: they are ratios of counts, not money, so the decimal type used for
//! amounts elsewhere would buy no exactness here.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// Which side of the campaign's holdout split an exposure fell on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    /// The campaign was applied to the order's parcel.
    Treated,
    /// The order matched, but the customer is in the campaign's holdout.
    HeldOut,
}

/// One of the merchant's orders, as the lift needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LiftOrder<'a> {
    pub customer: &'a str,
    pub placed_at: DateTime<Utc>,
    pub order_id: &'a str,
    /// The campaign's exposure on this order, `None` when the campaign did not match it.
    pub exposure: Option<Group>,
}

/// One group's customers whose window has elapsed, and how many of them ordered again.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct GroupLift {
    pub customers: u64,
    pub repeaters: u64,
    /// `repeaters / customers`; absent when there are no customers.
    pub rate: Option<f64>,
    /// Customers first exposed less than the window before `as_of`: not yet counted.
    pub still_in_window: u64,
}

/// A confidence interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Interval {
    pub lower: f64,
    pub upper: f64,
}

impl Interval {
    fn excludes_zero(&self) -> bool {
        self.lower > 0.0 || self.upper < 0.0
    }
}

/// The campaign's repeat-purchase lift; see the module documentation for definitions.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Lift {
    pub window_days: f64,
    pub treated: GroupLift,
    pub held_out: GroupLift,
    /// Treated rate minus holdout rate.
    pub absolute_lift: Option<f64>,
    /// Treated rate over holdout rate, minus 1.
    pub relative_lift: Option<f64>,
    /// 95% interval for `absolute_lift` (Newcombe's hybrid score interval).
    pub interval_95: Option<Interval>,
    /// Whether `interval_95` excludes 0.
    pub significant: bool,
    /// Customers with exposures in both groups, each counted in the group of the first.
    pub customers_in_both_groups: u64,
}

/// What is kept per exposed customer: one small record, whatever their order count.
#[derive(Debug)]
struct Customer {
    first_at: DateTime<Utc>,
    first_order: Box<str>,
    group: Group,
    seen_treated: bool,
    seen_held_out: bool,
    /// Set by the second pass.
    repeated: bool,
}

/// First pass: finds each customer's first exposure. See the module documentation.
#[derive(Debug)]
pub struct LiftCounter {
    window: Duration,
    as_of: DateTime<Utc>,
    customers: HashMap<Box<str>, Customer>,
}

impl LiftCounter {
    /// Counts repeats within `window` of the first exposure, as of `as_of`.
    ///
    /// # Panics
    ///
    /// If `window` is not positive: no order could then be a repeat.
    pub fn new(window: Duration, as_of: DateTime<Utc>) -> Self {
        assert!(
            window > Duration::zero(),
            "the repeat window must be positive"
        );
        LiftCounter {
            window,
            as_of,
            customers: HashMap::new(),
        }
    }

    /// Reads one order; only exposures placed up to `as_of` matter in this pass.
    pub fn add(&mut self, order: &LiftOrder<'_>) {
        let Some(group) = order.exposure else {
            return;
        };
        if order.placed_at > self.as_of {
            return;
        }
        let key = (order.placed_at, order.order_id);
        match self.customers.get_mut(order.customer) {
            Some(c) => {
                if key < (c.first_at, &*c.first_order) {
                    c.first_at = order.placed_at;
                    c.first_order = order.order_id.into();
                    c.group = group;
                }
                match group {
                    Group::Treated => c.seen_treated = true,
                    Group::HeldOut => c.seen_held_out = true,
                }
            }
            None => {
                self.customers.insert(
                    order.customer.into(),
                    Customer {
                        first_at: order.placed_at,
                        first_order: order.order_id.into(),
                        group,
                        seen_treated: group == Group::Treated,
                        seen_held_out: group == Group::HeldOut,
                        repeated: false,
                    },
                );
            }
        }
    }

    /// Ends the first pass: the same orders are to be read again by the returned pass.
    pub fn second_pass(self) -> SecondPass {
        SecondPass(self)
    }
}

/// Second pass: marks the customers who ordered again within the window.
#[derive(Debug)]
pub struct SecondPass(LiftCounter);

impl SecondPass {
    /// Reads one order again; any order, exposed or not, can be a repeat. Orders after
    /// `as_of` need no filtering here: they fall in no counted customer's window.
    pub fn add(&mut self, order: &LiftOrder<'_>) {
        let LiftCounter {
            window, customers, ..
        } = &mut self.0;
        if let Some(c) = customers.get_mut(order.customer)
            && order.placed_at > c.first_at
            && order.placed_at - c.first_at <= *window
        {
            c.repeated = true;
        }
    }

    pub fn finish(self) -> Lift {
        let LiftCounter {
            window,
            as_of,
            customers,
        } = self.0;
        let mut treated = Counts::default();
        let mut held_out = Counts::default();
        let mut both = 0;
        for c in customers.values() {
            let counts = match c.group {
                Group::Treated => &mut treated,
                Group::HeldOut => &mut held_out,
            };
            if as_of - c.first_at >= window {
                counts.customers += 1;
                counts.repeaters += u64::from(c.repeated);
            } else {
                counts.still_in_window += 1;
            }
            both += u64::from(c.seen_treated && c.seen_held_out);
        }
        summarize(window, treated, held_out, both)
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Counts {
    customers: u64,
    repeaters: u64,
    still_in_window: u64,
}

impl Counts {
    fn group(self) -> GroupLift {
        GroupLift {
            customers: self.customers,
            repeaters: self.repeaters,
            rate: (self.customers > 0).then(|| self.repeaters as f64 / self.customers as f64),
            still_in_window: self.still_in_window,
        }
    }
}

const MILLIS_PER_DAY: f64 = 86_400_000.0;

fn summarize(window: Duration, treated: Counts, held_out: Counts, both: u64) -> Lift {
    let treated = treated.group();
    let held_out = held_out.group();
    let (absolute_lift, relative_lift) = match (treated.rate, held_out.rate) {
        (Some(t), Some(h)) => (Some(t - h), (h > 0.0).then(|| t / h - 1.0)),
        _ => (None, None),
    };
    let interval_95 = newcombe(
        (treated.repeaters, treated.customers),
        (held_out.repeaters, held_out.customers),
    );
    Lift {
        window_days: window.num_milliseconds() as f64 / MILLIS_PER_DAY,
        significant: interval_95.is_some_and(|i| i.excludes_zero()),
        treated,
        held_out,
        absolute_lift,
        relative_lift,
        interval_95,
        customers_in_both_groups: both,
    }
}

/// The standard normal quantile for a two-sided 95% interval.
const Z_95: f64 = 1.959963984540054;

/// Wilson's score interval for the proportion `successes / trials` at 95%; `None` when
/// there are no trials.
fn wilson((successes, trials): (u64, u64)) -> Option<Interval> {
    if trials == 0 {
        return None;
    }
    let (x, n, z2) = (successes as f64, trials as f64, Z_95 * Z_95);
    let p = x / n;
    let centre = 2.0 * x + z2;
    let spread = Z_95 * (z2 + 4.0 * x * (1.0 - p)).sqrt();
    let denominator = 2.0 * (n + z2);
    // At 0 and at n the bound is 0 or 1 exactly; the formula would only round to it.
    Some(Interval {
        lower: if successes == 0 {
            0.0
        } else {
            (centre - spread) / denominator
        },
        upper: if successes == trials {
            1.0
        } else {
            (centre + spread) / denominator
        },
    })
}

/// Newcombe's hybrid score interval (1998, method 10) for `p1 - p2`, each given as
/// (successes, trials), at 95%; `None` when either has no trials.
fn newcombe(a: (u64, u64), b: (u64, u64)) -> Option<Interval> {
    let (wa, wb) = (wilson(a)?, wilson(b)?);
    let pa = a.0 as f64 / a.1 as f64;
    let pb = b.0 as f64 / b.1 as f64;
    let d = pa - pb;
    Some(Interval {
        lower: d - (pa - wa.lower).hypot(wb.upper - pb),
        upper: d + (wa.upper - pa).hypot(pb - wb.lower),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    use chrono::TimeZone;
    use rand::seq::SliceRandom;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// Both passes over orders held in memory.
    fn lift(window: Duration, as_of: DateTime<Utc>, orders: &[LiftOrder<'_>]) -> Lift {
        let mut counter = LiftCounter::new(window, as_of);
        for order in orders {
            counter.add(order);
        }
        let mut pass = counter.second_pass();
        for order in orders {
            pass.add(order);
        }
        pass.finish()
    }

    /// `got` rounds to `want` at four decimals, as the published tables print them.
    fn close(got: f64, want: f64) {
        assert!(
            (got - want).abs() < 5e-5,
            "{got} is not {want} to 4 decimals"
        );
    }

    /// Newcombe, "Two-sided confidence intervals for the single proportion: comparison of
    /// seven methods", Statistics in Medicine 17:857–872 (1998), Table I, method 3; 0/10
    /// and 10/10 are the bounds the eleven-methods paper's examples (e)–(h) are built on.
    #[test]
    fn wilson_matches_the_published_examples() {
        for (x, n, lower, upper) in [
            (81, 263, 0.2553, 0.3662),
            (15, 148, 0.0624, 0.1605),
            (0, 20, 0.0, 0.1611),
            (1, 29, 0.0061, 0.1718),
            (0, 10, 0.0, 0.2775),
            (10, 10, 0.7225, 1.0),
        ] {
            let i = wilson((x, n)).unwrap();
            close(i.lower, lower);
            close(i.upper, upper);
        }
        assert_eq!(wilson((0, 0)), None);
    }

    /// Newcombe, "Interval estimation for the difference between independent proportions:
    /// comparison of eleven methods", Statistics in Medicine 17:873–890 (1998), Table II,
    /// examples (a)–(h), method 10.
    #[test]
    fn newcombe_matches_the_published_examples() {
        for (a, b, difference, lower, upper) in [
            ((56, 70), (48, 80), 0.2, 0.0524, 0.3339),
            ((9, 10), (3, 10), 0.6, 0.1705, 0.8090),
            ((6, 7), (2, 7), 0.5714, 0.0582, 0.8062),
            ((5, 56), (0, 29), 0.0893, -0.0381, 0.1926),
            ((0, 10), (0, 20), 0.0, -0.1611, 0.2775),
            ((0, 10), (0, 10), 0.0, -0.2775, 0.2775),
            ((10, 10), (0, 20), 1.0, 0.6791, 1.0),
            ((10, 10), (0, 10), 1.0, 0.6075, 1.0),
        ] {
            let lift = summarize(
                Duration::days(30),
                Counts {
                    customers: a.1,
                    repeaters: a.0,
                    still_in_window: 0,
                },
                Counts {
                    customers: b.1,
                    repeaters: b.0,
                    still_in_window: 0,
                },
                0,
            );
            close(lift.absolute_lift.unwrap(), difference);
            let i = lift.interval_95.unwrap();
            close(i.lower, lower);
            close(i.upper, upper);
            assert_eq!(lift.significant, lower > 0.0, "{a:?} vs {b:?}");
        }
        assert_eq!(newcombe((1, 2), (0, 0)), None);
        assert_eq!(newcombe((0, 0), (1, 2)), None);
    }

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 3, 1, 12, 0, 0).unwrap()
    }

    fn day(n: i64) -> DateTime<Utc> {
        t0() + Duration::days(n)
    }

    fn order<'a>(
        customer: &'a str,
        placed_at: DateTime<Utc>,
        order_id: &'a str,
        exposure: Option<Group>,
    ) -> LiftOrder<'a> {
        LiftOrder {
            customer,
            placed_at,
            order_id,
            exposure,
        }
    }

    const T: Option<Group> = Some(Group::Treated);
    const H: Option<Group> = Some(Group::HeldOut);

    /// 30-day window, as of day 100: exposures up to day 70 are counted.
    fn lift30(orders: &[LiftOrder<'_>]) -> Lift {
        lift(Duration::days(30), day(100), orders)
    }

    fn counts(g: &GroupLift) -> (u64, u64, u64) {
        (g.customers, g.repeaters, g.still_in_window)
    }

    #[test]
    fn without_exposures_nothing_is_counted() {
        let l = lift30(&[
            order("ann", day(0), "1", None),
            order("ann", day(5), "2", None),
        ]);
        assert_eq!(counts(&l.treated), (0, 0, 0));
        assert_eq!(counts(&l.held_out), (0, 0, 0));
        assert_eq!((l.treated.rate, l.held_out.rate), (None, None));
        assert_eq!((l.absolute_lift, l.relative_lift), (None, None));
        assert_eq!(l.interval_95, None);
        assert!(!l.significant);
        assert_eq!(l.window_days, 30.0);
    }

    #[test]
    fn with_only_treated_customers_there_is_a_rate_but_no_lift() {
        let l = lift30(&[
            order("ann", day(0), "1", T),
            order("ann", day(10), "2", None),
            order("bob", day(0), "3", T),
        ]);
        assert_eq!(counts(&l.treated), (2, 1, 0));
        assert_eq!(l.treated.rate, Some(0.5));
        assert_eq!(l.held_out.rate, None);
        assert_eq!((l.absolute_lift, l.relative_lift), (None, None));
        assert_eq!(l.interval_95, None);
        assert!(!l.significant);
    }

    #[test]
    fn the_first_exposure_sets_the_group_and_a_disagreeing_one_is_reported() {
        // Read out of order: the later, treated exposure arrives first.
        let l = lift30(&[
            order("ann", day(10), "2", T),
            order("ann", day(0), "1", H),
            order("bob", day(0), "3", T),
            order("bob", day(3), "4", T),
        ]);
        // ann counts once, held out, and her second exposure is her repeat order.
        assert_eq!(counts(&l.held_out), (1, 1, 0));
        assert_eq!(counts(&l.treated), (1, 1, 0));
        assert_eq!(l.customers_in_both_groups, 1);
    }

    #[test]
    fn exposures_at_the_same_instant_go_to_the_smaller_order_id() {
        for orders in [
            [order("ann", day(0), "b", T), order("ann", day(0), "a", H)],
            [order("ann", day(0), "a", H), order("ann", day(0), "b", T)],
        ] {
            let l = lift30(&orders);
            assert_eq!(counts(&l.held_out), (1, 0, 0));
            assert_eq!(counts(&l.treated), (0, 0, 0));
            assert_eq!(l.customers_in_both_groups, 1);
        }
    }

    #[test]
    fn the_window_end_is_included() {
        let second = Duration::seconds(1);
        let l = lift30(&[
            order("on-the-end", day(0), "1", T),
            order("on-the-end", day(30), "2", None),
            order("just-after", day(0), "3", T),
            order("just-after", day(30) + second, "4", None),
        ]);
        assert_eq!(counts(&l.treated), (2, 1, 0));
    }

    #[test]
    fn only_orders_strictly_after_the_first_exposure_are_repeats() {
        let l = lift30(&[
            // Bought before the campaign reached them, then never again.
            order("before", day(-3), "1", None),
            order("before", day(0), "2", T),
            // Another order of the same checkout, at the same instant.
            order("same-instant", day(0), "3", T),
            order("same-instant", day(0), "4", None),
            // A second later is a repeat.
            order("a-second-later", day(0), "5", T),
            order("a-second-later", day(0) + Duration::seconds(1), "6", None),
        ]);
        assert_eq!(counts(&l.treated), (3, 1, 0));
    }

    #[test]
    fn an_order_before_an_exposure_read_later_is_not_a_repeat() {
        // The first exposure read is the later one: the order between them follows it
        // in the scan but precedes it in time, and must not count once day 0 is known.
        let l = lift30(&[
            order("ann", day(20), "3", H),
            order("ann", day(10), "2", None),
            order("ann", day(0), "1", H),
        ]);
        assert_eq!(counts(&l.held_out), (1, 1, 0));
        let l = lift30(&[
            order("bob", day(50), "3", H),
            order("bob", day(10), "2", None),
            order("bob", day(15), "1", H),
        ]);
        assert_eq!(
            counts(&l.held_out),
            (1, 0, 0),
            "day 10 is before bob's day 15"
        );
    }

    #[test]
    fn exposures_whose_window_has_not_elapsed_are_set_aside() {
        let second = Duration::seconds(1);
        let l = lift30(&[
            // Exactly one window before as_of: counted.
            order("elapsed", day(70), "1", T),
            order("elapsed", day(80), "2", None),
            // A second later: its window ends after as_of.
            order("recent", day(70) + second, "3", T),
            order("recent", day(80), "4", None),
            order("recent-held-out", day(90), "5", H),
        ]);
        assert_eq!(counts(&l.treated), (1, 1, 1));
        assert_eq!(counts(&l.held_out), (0, 0, 1));
    }

    #[test]
    fn orders_after_as_of_are_ignored() {
        let l = lift30(&[
            order("ann", day(101), "1", T),
            order("bob", day(101), "2", H),
            order("bob", day(60), "3", None),
        ]);
        assert_eq!(counts(&l.treated), (0, 0, 0));
        assert_eq!(counts(&l.held_out), (0, 0, 0));
    }

    #[test]
    fn rates_and_lift_from_counted_customers() {
        // Treated: 3 of 4 ordered again; held out: 1 of 4.
        let mut orders = Vec::new();
        let names: Vec<String> = (0..8).map(|i| format!("c{i}")).collect();
        for (i, name) in names.iter().enumerate() {
            let group = if i < 4 { T } else { H };
            orders.push(order(name, day(0), "first", group));
            if matches!(i, 0..=2 | 4) {
                orders.push(order(name, day(7), "again", None));
            }
        }
        let l = lift30(&orders);
        assert_eq!(counts(&l.treated), (4, 3, 0));
        assert_eq!(counts(&l.held_out), (4, 1, 0));
        assert_eq!(l.treated.rate, Some(0.75));
        assert_eq!(l.held_out.rate, Some(0.25));
        assert_eq!(l.absolute_lift, Some(0.5));
        assert_eq!(l.relative_lift, Some(2.0));
        let i = l.interval_95.unwrap();
        assert_eq!(Some(i), newcombe((3, 4), (1, 4)));
        assert!(
            i.lower < 0.0 && !l.significant,
            "4 customers a side prove nothing"
        );
    }

    #[test]
    fn relative_lift_is_absent_when_nobody_in_the_holdout_came_back() {
        let l = summarize(
            Duration::days(30),
            Counts {
                customers: 10,
                repeaters: 10,
                still_in_window: 0,
            },
            Counts {
                customers: 10,
                repeaters: 0,
                still_in_window: 0,
            },
            0,
        );
        assert_eq!(l.absolute_lift, Some(1.0));
        assert_eq!(l.relative_lift, None);
        assert!(l.significant);
    }

    #[test]
    fn serializes_as_snake_case_json() {
        let l = lift(
            Duration::hours(36),
            day(100),
            &[
                order("ann", day(0), "1", H),
                order("ann", day(1), "2", None),
            ],
        );
        assert_eq!(
            serde_json::to_value(&l).unwrap(),
            serde_json::json!({
                "window_days": 1.5,
                "treated": {"customers": 0, "repeaters": 0, "rate": null, "still_in_window": 0},
                "held_out": {"customers": 1, "repeaters": 1, "rate": 1.0, "still_in_window": 0},
                "absolute_lift": null,
                "relative_lift": null,
                "interval_95": null,
                "significant": false,
                "customers_in_both_groups": 0,
            })
        );
        assert_eq!(serde_json::to_value(Group::HeldOut).unwrap(), "held_out");
    }

    /// The definition applied directly: each customer's orders sorted in time.
    fn by_definition(window: Duration, as_of: DateTime<Utc>, orders: &[LiftOrder<'_>]) -> Lift {
        let mut by_customer: BTreeMap<&str, Vec<&LiftOrder<'_>>> = BTreeMap::new();
        for o in orders.iter().filter(|o| o.placed_at <= as_of) {
            by_customer.entry(o.customer).or_default().push(o);
        }
        let (mut treated, mut held_out, mut both) = (Counts::default(), Counts::default(), 0);
        for orders in by_customer.values_mut() {
            orders.sort_by_key(|o| (o.placed_at, o.order_id));
            let Some(first) = orders.iter().find(|o| o.exposure.is_some()) else {
                continue;
            };
            let counts = match first.exposure {
                T => &mut treated,
                _ => &mut held_out,
            };
            if first.placed_at + window <= as_of {
                counts.customers += 1;
                if orders.iter().any(|o| {
                    o.placed_at > first.placed_at && o.placed_at <= first.placed_at + window
                }) {
                    counts.repeaters += 1;
                }
            } else {
                counts.still_in_window += 1;
            }
            if orders.iter().any(|o| o.exposure == T) && orders.iter().any(|o| o.exposure == H) {
                both += 1;
            }
        }
        summarize(window, treated, held_out, both)
    }

    #[test]
    fn the_order_of_the_scan_does_not_matter() {
        let mut rng = ChaCha8Rng::seed_from_u64(20250301);
        let names: Vec<String> = (0..400).map(|i| format!("customer-{i}")).collect();
        let ids: Vec<String> = (0..2400).map(|i| format!("order-{i}")).collect();
        let mut ids = ids.iter();
        let mut orders = Vec::new();
        for name in &names {
            let group = if rng.random_bool(0.3) { H } else { T };
            for _ in 0..rng.random_range(1..=6) {
                // Whole days, so that window ends, as_of and same-instant orders are hit.
                let at = day(rng.random_range(0..110));
                let exposure = match rng.random_range(0..20) {
                    0..10 => None,
                    10 => Some(if group == T {
                        Group::HeldOut
                    } else {
                        Group::Treated
                    }),
                    _ => group,
                };
                orders.push(order(name, at, ids.next().unwrap(), exposure));
            }
        }
        let (window, as_of) = (Duration::days(30), day(100));
        let expected = by_definition(window, as_of, &orders);
        // The data reaches every case the counter must get right.
        for g in [&expected.treated, &expected.held_out] {
            assert!(0 < g.repeaters && g.repeaters < g.customers, "{g:?}");
            assert!(g.still_in_window > 0, "{g:?}");
        }
        assert!(expected.customers_in_both_groups > 0);

        let mut sorted = orders.clone();
        sorted.sort_by_key(|o| (o.placed_at, o.order_id));
        assert_eq!(lift(window, as_of, &sorted), expected);
        for _ in 0..10 {
            // The two passes of a scan need not read the orders in the same order either.
            let mut counter = LiftCounter::new(window, as_of);
            orders.shuffle(&mut rng);
            orders.iter().for_each(|o| counter.add(o));
            let mut pass = counter.second_pass();
            orders.shuffle(&mut rng);
            orders.iter().for_each(|o| pass.add(o));
            assert_eq!(pass.finish(), expected);
        }
    }

    #[test]
    #[should_panic(expected = "window must be positive")]
    fn a_window_of_zero_is_refused() {
        LiftCounter::new(Duration::zero(), day(0));
    }
}
