//! The one read before deciding: every key of every order of a batch in one BatchGetItem.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use aws_sdk_dynamodb::types::AttributeValue;
use packwise_core::ports::{ISSUED, OrderContext, OrderKeys, StoreResult};
use packwise_core::similar::SimilarItems;

use super::errors::corrupt;
use super::items::{Item, count, document, item_name};
use super::keys::Key;
use super::processed::processed_record;
use super::shards::COUNTER_SHARDS;
use super::store::DynamoStore;

/// A counter's attribute on a counter shard item.
pub(crate) fn counter_attribute(counter: &str) -> String {
    format!("count_{counter}")
}

/// The name back from an attribute, if it is a counter.
pub(crate) fn counter_name(attribute: &str) -> Option<&str> {
    attribute.strip_prefix("count_")
}

/// A campaign's counter shard keys.
pub(crate) fn counter_keys(merchant: &str, campaign: &str) -> impl Iterator<Item = Key> {
    (0..COUNTER_SHARDS).map(move |shard| Key::counter(merchant, campaign, shard))
}

/// The keys one order's decision reads.
fn keys_of(k: &OrderKeys<'_>) -> Vec<Key> {
    let mut keys = vec![
        Key::profile(k.merchant, k.customer),
        Key::processed(k.merchant, k.order_id),
    ];
    for campaign in k.budgeted_campaigns {
        keys.extend(counter_keys(k.merchant, campaign));
    }
    keys.extend(k.insert_skus.iter().map(|sku| Key::insert(k.merchant, sku)));
    keys.extend(
        k.basket_skus
            .iter()
            .map(|sku| Key::similar(k.merchant, sku)),
    );
    keys.extend(k.coupon_codes.iter().map(|c| Key::coupon(k.merchant, c)));
    keys
}

impl DynamoStore {
    pub(crate) async fn load_orders(
        &self,
        orders: &[OrderKeys<'_>],
    ) -> StoreResult<Vec<OrderContext>> {
        let keys: Vec<Key> = orders.iter().flat_map(keys_of).collect();
        let found = self.batch_get(&keys).await?;
        orders.iter().map(|k| context_of(k, &found)).collect()
    }
}

/// One order's context from the batch's items. Items shared by several orders of the
/// batch (inserts, similar items) are cloned rather than taken.
fn context_of(k: &OrderKeys<'_>, found: &HashMap<Key, Item>) -> StoreResult<OrderContext> {
    let mut issued = BTreeMap::new();
    for campaign in k.budgeted_campaigns {
        let mut total = 0;
        for key in counter_keys(k.merchant, campaign) {
            if let Some(item) = found.get(&key) {
                total += count(item, &counter_attribute(ISSUED))?;
            }
        }
        issued.insert(campaign.clone(), total);
    }
    let mut stock = BTreeMap::new();
    for sku in k.insert_skus {
        let units = match found.get(&Key::insert(k.merchant, sku)) {
            Some(item) => units_at(item, k.centre)?,
            None => 0,
        };
        stock.insert(sku.clone(), units);
    }
    let mut similar = Vec::new();
    let mut seen = BTreeSet::new();
    for sku in &k.basket_skus {
        if seen.insert(*sku)
            && let Some(items) = doc::<SimilarItems>(found, &Key::similar(k.merchant, sku))?
        {
            similar.push(items);
        }
    }
    let mut coupons = Vec::new();
    for code in &k.coupon_codes {
        coupons.extend(doc(found, &Key::coupon(k.merchant, code))?);
    }
    Ok(OrderContext {
        profile: doc(found, &Key::profile(k.merchant, k.customer))?,
        processed: found
            .get(&Key::processed(k.merchant, k.order_id))
            .cloned()
            .map(processed_record)
            .transpose()?,
        issued,
        stock,
        similar,
        coupons,
    })
}

fn doc<T: serde::de::DeserializeOwned>(
    found: &HashMap<Key, Item>,
    key: &Key,
) -> StoreResult<Option<T>> {
    found.get(key).cloned().map(document).transpose()
}

/// Units of an insert at a centre, straight from its `stock` map; a centre not listed
/// stocks none.
fn units_at(item: &Item, centre: &str) -> StoreResult<i64> {
    let Some(stock) = item.get("stock") else {
        return Ok(0);
    };
    let AttributeValue::M(stock) = stock else {
        return Err(corrupt(item_name(item), "stock is not a map"));
    };
    match stock.get(centre) {
        None => Ok(0),
        Some(AttributeValue::N(units)) => units
            .parse()
            .map_err(|_| corrupt(item_name(item), format!("stock at {centre} is {units}"))),
        Some(other) => Err(corrupt(
            item_name(item),
            format!("stock at {centre} is not a number: {other:?}"),
        )),
    }
}
