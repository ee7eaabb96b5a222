//! Inserts running low at a centre: at or below the merchant's threshold, or, at the
//! pace parcels took them over the last seven days, out within the next seven.

use std::collections::BTreeMap;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::history_walk::walk;
use crate::insert::Insert;
use crate::ports::{ConfigStore, OrderStore, StoreResult};

/// Days of usage the pace is measured over, and the days of cover below which an insert
/// counts as running low.
pub const USAGE_DAYS: i64 = 7;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LowStockReason {
    /// Stock is at or below the insert's `low_stock_threshold`.
    AtOrBelowThreshold,
    /// At the last seven days' pace the centre runs out within seven days.
    RunsOutWithinAWeek,
}

/// One insert at one centre that needs restocking.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct LowStock {
    pub sku: String,
    pub name: String,
    pub centre: String,
    pub stock: i64,
    pub low_stock_threshold: u32,
    /// Units parcels took at the centre over the last seven days.
    pub used_last_7_days: u64,
    /// Days until the centre runs out at that pace; absent when nothing was used.
    pub days_left: Option<f64>,
    pub reasons: Vec<LowStockReason>,
}

#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct StockReport {
    pub as_of: DateTime<Utc>,
    /// Usage counts orders placed from here on.
    pub usage_since: DateTime<Utc>,
    /// Fewest days left first; then by insert and centre.
    pub items: Vec<LowStock>,
}

/// The inserts running low, given each `(centre, sku)`'s units used over `USAGE_DAYS`.
/// Only centres an insert lists count, as for the threshold: a centre not listed stocks
/// none by choice.
pub fn running_low(inserts: &[Insert], used: &BTreeMap<(String, String), u64>) -> Vec<LowStock> {
    let mut items = Vec::new();
    for insert in inserts {
        for (centre, &stock) in &insert.stock {
            let used = used
                .get(&(centre.clone(), insert.sku.clone()))
                .copied()
                .unwrap_or(0);
            let per_day = used as f64 / USAGE_DAYS as f64;
            let days_left = (used > 0).then(|| stock.max(0) as f64 / per_day);
            let mut reasons = Vec::new();
            if stock <= i64::from(insert.low_stock_threshold) {
                reasons.push(LowStockReason::AtOrBelowThreshold);
            }
            if days_left.is_some_and(|d| d < USAGE_DAYS as f64) {
                reasons.push(LowStockReason::RunsOutWithinAWeek);
            }
            if reasons.is_empty() {
                continue;
            }
            items.push(LowStock {
                sku: insert.sku.clone(),
                name: insert.name.clone(),
                centre: centre.clone(),
                stock,
                low_stock_threshold: insert.low_stock_threshold,
                used_last_7_days: used,
                days_left,
                reasons,
            });
        }
    }
    items.sort_by(|a, b| {
        let left = |i: &LowStock| i.days_left.unwrap_or(f64::INFINITY);
        left(a)
            .total_cmp(&left(b))
            .then_with(|| (&a.sku, &a.centre).cmp(&(&b.sku, &b.centre)))
    });
    items
}

/// The merchant's inserts running low as of `now`, reading the last week of history.
pub async fn stock_report<S: ConfigStore + OrderStore>(
    store: &S,
    merchant: &str,
    now: DateTime<Utc>,
) -> StoreResult<StockReport> {
    let since = now - Duration::days(USAGE_DAYS);
    let used: Mutex<BTreeMap<(String, String), u64>> = Mutex::new(BTreeMap::new());
    walk(store, merchant, Some(since), &|orders| {
        let mut used = used.lock().expect("usage lock");
        for order in orders.iter().filter(|o| o.order.placed_at <= now) {
            for sku in &order.order.inserts {
                let key = (order.order.fulfillment_centre.clone(), sku.clone());
                *used.entry(key).or_default() += 1;
            }
        }
    })
    .await?;
    let inserts = store.inserts(merchant).await?;
    let used = used.into_inner().expect("usage lock");
    Ok(StockReport {
        as_of: now,
        usage_since: since,
        items: running_low(&inserts, &used),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn insert(sku: &str, stock: &[(&str, i64)], threshold: u32) -> Insert {
        let stock: BTreeMap<&str, i64> = stock.iter().copied().collect();
        serde_json::from_value(serde_json::json!({
            "sku": sku, "name": format!("{sku} card"), "kind": "thank_you_card",
            "weight_grams": 5, "format": "flat", "stock": stock,
            "low_stock_threshold": threshold
        }))
        .unwrap()
    }

    fn used(entries: &[(&str, &str, u64)]) -> BTreeMap<(String, String), u64> {
        entries
            .iter()
            .map(|(centre, sku, n)| ((centre.to_string(), sku.to_string()), *n))
            .collect()
    }

    #[test]
    fn low_means_at_the_threshold_or_out_within_a_week_at_last_week_s_pace() {
        let inserts = [
            insert("CARD", &[("BER1", 100), ("LON1", 100), ("PAR1", 20)], 20),
            insert("GUIDE", &[("BER1", 5)], 10),
        ];
        // BER1 used 140 a week: 20 a day, 5 days left. LON1 used 70: 10 days left.
        let usage = used(&[("BER1", "CARD", 140), ("LON1", "CARD", 70)]);
        let low = running_low(&inserts, &usage);
        let rows: Vec<(&str, &str, Option<f64>, &[LowStockReason])> = low
            .iter()
            .map(|l| {
                (
                    l.sku.as_str(),
                    l.centre.as_str(),
                    l.days_left,
                    l.reasons.as_slice(),
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                (
                    "CARD",
                    "BER1",
                    Some(5.0),
                    &[LowStockReason::RunsOutWithinAWeek][..]
                ),
                (
                    "CARD",
                    "PAR1",
                    None,
                    &[LowStockReason::AtOrBelowThreshold][..]
                ),
                (
                    "GUIDE",
                    "BER1",
                    None,
                    &[LowStockReason::AtOrBelowThreshold][..]
                ),
            ]
        );
        assert_eq!(low[0].used_last_7_days, 140);
    }

    #[test]
    fn exactly_a_week_of_cover_is_not_low_and_an_empty_centre_with_usage_is() {
        let inserts = [insert("CARD", &[("BER1", 70), ("LON1", 0)], 0)];
        let low = running_low(
            &inserts,
            &used(&[("BER1", "CARD", 70), ("LON1", "CARD", 3)]),
        );
        assert_eq!(low.len(), 1);
        assert_eq!(low[0].centre, "LON1");
        assert_eq!(low[0].days_left, Some(0.0));
        assert_eq!(
            low[0].reasons,
            [
                LowStockReason::AtOrBelowThreshold,
                LowStockReason::RunsOutWithinAWeek
            ]
        );
    }
}
