//! A campaign's results: what its counters say (parcels issued, held out, suppressed by
//! each limit, coupons issued and redeemed, attributed revenue) and whether it lifted
//! repeat purchases against its holdout (`lift`).

use std::collections::BTreeMap;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::campaign::Campaign;
use crate::history_walk::walk;
use crate::lift::{Group, Lift, LiftCounter, LiftOrder};
use crate::money::Currency;
use crate::ports::{
    COUPONS_ISSUED, CustomerOrder, HELD_OUT, ISSUED, OrderStore, REDEEMED, SUPPRESSED_PREFIX,
    StoreResult,
};
use crate::redemption::{from_minor_units, revenue_currency};

/// The most a stats window may span, in days.
pub const MAX_WINDOW_DAYS: u32 = 365;

#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CampaignStats {
    pub campaign: String,
    /// When the campaign first became active; the history is read from here on.
    pub started_at: Option<DateTime<Utc>>,
    pub as_of: DateTime<Utc>,
    #[serde(flatten)]
    pub counts: CampaignCounts,
    pub repeat_purchase: Lift,
}

/// What the campaign's counters say.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CampaignCounts {
    /// Parcels the campaign was applied to.
    pub issued: u64,
    /// Parcels that matched but whose customer is in the holdout group.
    pub held_out: u64,
    /// Parcels that matched but that a limit kept the campaign out of, by limit.
    pub suppressed: BTreeMap<String, u64>,
    pub coupons_issued: u64,
    pub coupons_redeemed: u64,
    /// `coupons_redeemed / coupons_issued`; absent before any coupon was issued.
    pub redemption_rate: Option<f64>,
    /// Totals of the orders that redeemed the campaign's coupons, per currency.
    #[schema(value_type = BTreeMap<String, crate::money::DecimalString>)]
    pub attributed_revenue: BTreeMap<Currency, Decimal>,
}

/// The figures from the counters as they are stored.
fn from_counters(counters: &BTreeMap<String, u64>) -> CampaignCounts {
    let get = |name: &str| counters.get(name).copied().unwrap_or(0);
    let suppressed = counters
        .iter()
        .filter_map(|(name, n)| Some((name.strip_prefix(SUPPRESSED_PREFIX)?.to_string(), *n)))
        .collect();
    let attributed_revenue = counters
        .iter()
        .filter_map(|(name, units)| {
            let currency = revenue_currency(name)?;
            Some((currency, from_minor_units(*units, currency)))
        })
        .collect();
    let (coupons_issued, coupons_redeemed) = (get(COUPONS_ISSUED), get(REDEEMED));
    CampaignCounts {
        issued: get(ISSUED),
        held_out: get(HELD_OUT),
        suppressed,
        coupons_issued,
        coupons_redeemed,
        redemption_rate: (coupons_issued > 0)
            .then(|| coupons_redeemed as f64 / coupons_issued as f64),
        attributed_revenue,
    }
}

/// Where the campaign's exposure on an order stands, from its history entry.
fn exposure(order: &CustomerOrder, campaign: &str) -> Option<Group> {
    let names = |list: &[String]| list.iter().any(|c| c == campaign);
    if names(&order.order.applied) {
        Some(Group::Treated)
    } else if names(&order.order.held_out) {
        Some(Group::HeldOut)
    } else {
        None
    }
}

fn lift_order<'a>(order: &'a CustomerOrder, campaign: &str) -> LiftOrder<'a> {
    LiftOrder {
        customer: &order.customer,
        placed_at: order.order.placed_at,
        order_id: &order.order.order_id,
        exposure: exposure(order, campaign),
    }
}

/// The campaign's stats as of `as_of`, with the repeat-purchase rate over `window`.
///
/// Reads the counters, then the merchant's history from the campaign's start twice (the
/// lift's two passes keep memory to one record per exposed customer, whatever the
/// number of orders). A campaign with no recorded start (stored before packwise kept
/// one, or written outside the API) is read over the whole history.
pub async fn campaign_stats<S: OrderStore>(
    store: &S,
    merchant: &str,
    campaign: &Campaign,
    window: Duration,
    as_of: DateTime<Utc>,
) -> StoreResult<CampaignStats> {
    let counts = from_counters(&store.counters(merchant, &campaign.id).await?);
    let since = campaign.started_at;
    let id = campaign.id.as_str();

    let first = Mutex::new(LiftCounter::new(window, as_of));
    walk(store, merchant, since, &|orders| {
        let mut counter = first.lock().expect("lift lock");
        for order in orders {
            counter.add(&lift_order(order, id));
        }
    })
    .await?;
    let second = Mutex::new(first.into_inner().expect("lift lock").second_pass());
    walk(store, merchant, since, &|orders| {
        let mut counter = second.lock().expect("lift lock");
        for order in orders {
            counter.add(&lift_order(order, id));
        }
    })
    .await?;
    Ok(CampaignStats {
        campaign: campaign.id.clone(),
        started_at: campaign.started_at,
        as_of,
        counts,
        repeat_purchase: second.into_inner().expect("lift lock").finish(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_become_the_campaign_s_figures() {
        let counters: BTreeMap<String, u64> = [
            ("issued", 120),
            ("held_out", 14),
            ("suppressed.budget", 3),
            ("suppressed.frequency_cap", 9),
            ("coupons_issued", 100),
            ("redeemed", 25),
            ("revenue.EUR", 123_456),
            ("revenue.JPY", 5_000),
            ("revenue.XXX-not-a-currency", 1),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let stats = from_counters(&counters);
        assert_eq!((stats.issued, stats.held_out), (120, 14));
        assert_eq!(
            stats.suppressed,
            BTreeMap::from([("budget".into(), 3), ("frequency_cap".into(), 9)])
        );
        assert_eq!((stats.coupons_issued, stats.coupons_redeemed), (100, 25));
        assert_eq!(stats.redemption_rate, Some(0.25));
        let eur: Currency = "EUR".parse().unwrap();
        let jpy: Currency = "JPY".parse().unwrap();
        assert_eq!(
            stats.attributed_revenue,
            BTreeMap::from([(eur, Decimal::new(123_456, 2)), (jpy, Decimal::from(5_000))])
        );
        let none = from_counters(&BTreeMap::new());
        assert_eq!(none.redemption_rate, None);
        assert!(none.suppressed.is_empty());
    }
}
