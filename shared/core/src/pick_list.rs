//! A wave's pick list for one fulfillment centre: how many of each insert to pull for the
//! wave, and which order gets which inserts and coupon.
//!
//! Built from the purchase history the processor writes for every order, so the list is
//! a pure function of the history and the insert catalog: built again, it is the same.

use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::history_walk::walk;
use crate::insert::Insert;
use crate::ports::{ConfigStore, CustomerOrder, OrderStore, StoreResult};
use crate::wave::Wave;

/// Units of one insert the wave's parcels take.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InsertTotal {
    pub sku: String,
    /// The catalog's name; `None` for an insert deleted from the catalog since.
    pub name: Option<String>,
    pub units: u64,
}

/// What one order's parcel gets: a row of the manifest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ManifestRow {
    pub order_id: String,
    pub customer: String,
    pub placed_at: DateTime<Utc>,
    /// Insert SKUs, one entry per unit, as the order took them.
    pub inserts: Vec<String>,
    pub coupon: Option<String>,
}

impl ManifestRow {
    /// The inserts with their units, each SKU once, in the order first taken.
    pub fn insert_counts(&self) -> Vec<(&str, usize)> {
        let mut counts: Vec<(&str, usize)> = Vec::new();
        for sku in &self.inserts {
            match counts.iter_mut().find(|(s, _)| *s == sku) {
                Some((_, n)) => *n += 1,
                None => counts.push((sku, 1)),
            }
        }
        counts
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PickList {
    pub merchant: String,
    pub centre: String,
    pub wave: Wave,
    /// Orders of the centre placed in the wave, those with nothing to pull included.
    pub orders: usize,
    /// By SKU.
    pub totals: Vec<InsertTotal>,
    /// Orders with an insert or a coupon, by time placed then order id; an order with
    /// neither has nothing to pull and is only counted in `orders`.
    pub manifest: Vec<ManifestRow>,
}

impl PickList {
    /// The list of `orders` (the centre's orders of the wave), naming inserts from
    /// `catalog`.
    pub fn build(
        merchant: &str,
        centre: &str,
        wave: Wave,
        orders: &[CustomerOrder],
        catalog: &[Insert],
    ) -> PickList {
        let mut units: BTreeMap<&str, u64> = BTreeMap::new();
        let mut manifest = Vec::new();
        for CustomerOrder { customer, order } in orders {
            for sku in &order.inserts {
                *units.entry(sku).or_default() += 1;
            }
            if order.inserts.is_empty() && order.coupon.is_none() {
                continue;
            }
            manifest.push(ManifestRow {
                order_id: order.order_id.clone(),
                customer: customer.clone(),
                placed_at: order.placed_at,
                inserts: order.inserts.clone(),
                coupon: order.coupon.clone(),
            });
        }
        manifest.sort_by(|a, b| (a.placed_at, &a.order_id).cmp(&(b.placed_at, &b.order_id)));
        let totals = units
            .into_iter()
            .map(|(sku, units)| InsertTotal {
                sku: sku.to_string(),
                name: catalog
                    .iter()
                    .find(|i| i.sku == sku)
                    .map(|i| i.name.clone()),
                units,
            })
            .collect();
        PickList {
            merchant: merchant.to_string(),
            centre: centre.to_string(),
            wave,
            orders: orders.len(),
            totals,
            manifest,
        }
    }

    pub fn units(&self) -> u64 {
        self.totals.iter().map(|t| t.units).sum()
    }

    /// `picklists/{merchant}/{centre}/{yyyy-mm-dd}/{HHMM}-{HHMM}`, to which the files add
    /// `.totals.csv`, `.manifest.csv` and `.pdf`; the same on S3 and on disk.
    pub fn key_stem(&self) -> String {
        format!(
            "picklists/{}/{}/{}",
            self.merchant,
            self.centre,
            self.wave.key_part()
        )
    }
}

/// The wave's orders by centre (sorted), read from the merchant's history.
pub async fn wave_orders<S: OrderStore>(
    store: &S,
    merchant: &str,
    wave: Wave,
) -> StoreResult<BTreeMap<String, Vec<CustomerOrder>>> {
    let by_centre: Mutex<BTreeMap<String, Vec<CustomerOrder>>> = Mutex::default();
    // The walk reads from the wave's start on (a key condition on DynamoDB); only the
    // end is left to filter here.
    walk(store, merchant, Some(wave.start), &|page| {
        let mut by_centre = by_centre.lock().unwrap_or_else(PoisonError::into_inner);
        // Entries from before the history kept the centre have none to list under; a
        // wave is recent, so it holds none of them.
        let in_wave = page
            .iter()
            .filter(|o| wave.contains(o.order.placed_at) && !o.order.fulfillment_centre.is_empty());
        for o in in_wave {
            by_centre
                .entry(o.order.fulfillment_centre.clone())
                .or_default()
                .push(o.clone());
        }
    })
    .await?;
    Ok(by_centre
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner))
}

/// The merchant's pick lists of a wave: one per centre with orders in it, by centre, or
/// only `centre`'s, which is listed (empty) even without orders.
pub async fn pick_lists<S: ConfigStore + OrderStore>(
    store: &S,
    merchant: &str,
    wave: Wave,
    centre: Option<&str>,
) -> StoreResult<Vec<PickList>> {
    let mut by_centre = wave_orders(store, merchant, wave).await?;
    if let Some(only) = centre {
        let orders = by_centre.remove(only).unwrap_or_default();
        by_centre = BTreeMap::from([(only.to_string(), orders)]);
    }
    let catalog = store.inserts(merchant).await?;
    Ok(by_centre
        .iter()
        .map(|(centre, orders)| PickList::build(merchant, centre, wave, orders, &catalog))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insert::{InsertFormat, InsertKind};
    use crate::profile::OrderSummary;

    fn wave() -> Wave {
        Wave {
            start: "2026-11-23T10:00:00Z".parse().unwrap(),
            end: "2026-11-23T12:00:00Z".parse().unwrap(),
        }
    }

    fn order(id: &str, at: &str, inserts: &[&str], coupon: Option<&str>) -> CustomerOrder {
        let summary: OrderSummary = serde_json::from_value(serde_json::json!({
            "order_id": id, "placed_at": at, "channel": "web", "currency": "EUR",
            "total": "10", "lines": [], "discount_codes": [], "fulfillment_centre": "BER1",
            "inserts": inserts, "coupon": coupon,
        }))
        .unwrap();
        CustomerOrder {
            customer: format!("cust-{id}"),
            order: summary,
        }
    }

    fn insert(sku: &str, name: &str) -> Insert {
        Insert {
            sku: sku.into(),
            name: name.into(),
            kind: InsertKind::Flyer,
            weight_grams: 5,
            format: InsertFormat::Flat,
            stock: BTreeMap::new(),
            low_stock_threshold: 0,
            sample_category: None,
            guides_skus: vec![],
            version: 1,
        }
    }

    #[test]
    fn totals_add_up_units_by_sku_and_name_them_from_the_catalog() {
        let orders = [
            order(
                "O-3",
                "2026-11-23T11:00:00Z",
                &["CARD", "SAMPLE", "CARD"],
                None,
            ),
            order("O-1", "2026-11-23T10:30:00Z", &["CARD"], Some("WELCOME-1")),
            order("O-2", "2026-11-23T10:30:00Z", &["OLD"], None),
        ];
        let catalog = [
            insert("SAMPLE", "Tea sample"),
            insert("CARD", "Welcome card"),
        ];
        let list = PickList::build("acme", "BER1", wave(), &orders, &catalog);
        let totals: Vec<(&str, Option<&str>, u64)> = list
            .totals
            .iter()
            .map(|t| (t.sku.as_str(), t.name.as_deref(), t.units))
            .collect();
        assert_eq!(
            totals,
            [
                ("CARD", Some("Welcome card"), 3),
                ("OLD", None, 1),
                ("SAMPLE", Some("Tea sample"), 1)
            ]
        );
        assert_eq!(list.units(), 5);
        assert_eq!(list.key_stem(), "picklists/acme/BER1/2026-11-23/1000-1200");
    }

    #[test]
    fn the_manifest_lists_what_to_pull_by_time_then_order() {
        let orders = [
            order(
                "O-3",
                "2026-11-23T11:00:00Z",
                &["CARD", "SAMPLE", "CARD"],
                None,
            ),
            order("O-9", "2026-11-23T10:05:00Z", &[], None),
            order("O-2", "2026-11-23T10:30:00Z", &[], Some("LOYAL-2")),
            order("O-1", "2026-11-23T10:30:00Z", &["CARD"], Some("WELCOME-1")),
        ];
        let list = PickList::build("acme", "BER1", wave(), &orders, &[]);
        let rows: Vec<(&str, &str, Option<&str>)> = list
            .manifest
            .iter()
            .map(|r| {
                (
                    r.order_id.as_str(),
                    r.customer.as_str(),
                    r.coupon.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                ("O-1", "cust-O-1", Some("WELCOME-1")),
                ("O-2", "cust-O-2", Some("LOYAL-2")),
                ("O-3", "cust-O-3", None)
            ]
        );
        // The order with nothing to pull is counted, not listed.
        assert_eq!(list.orders, 4);
        assert_eq!(
            list.manifest[2].insert_counts(),
            [("CARD", 2), ("SAMPLE", 1)]
        );
    }
}
