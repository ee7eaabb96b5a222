//! Customer facts that arrive outside order processing: imported history and what the
//! merchant tells us about a customer.

use packwise_core::CustomerProfile;
use packwise_core::Order;
use packwise_core::ports::{CustomerAttributes, StoreResult};
use packwise_core::profile::OrderSummary;

use crate::records;
use crate::store::SqliteStore;

impl SqliteStore {
    pub(crate) fn import_order(&self, order: &Order) -> StoreResult<bool> {
        let merchant = order.merchant.as_str();
        let customer = order.customer.id.as_str();
        self.write(|tx| {
            if records::has_summary(tx, merchant, customer, order.placed_at, &order.order_id)? {
                return Ok(false);
            }
            let mut profile = records::profile(tx, merchant, customer)?
                .unwrap_or_else(|| CustomerProfile::new(merchant, customer));
            profile.record_order(order);
            profile.version += 1;
            records::put_profile(tx, merchant, &profile)?;
            records::put_summary(tx, merchant, customer, &OrderSummary::of(order))?;
            Ok(true)
        })
    }

    pub(crate) fn apply_attributes(
        &self,
        merchant: &str,
        customer: &str,
        attributes: &CustomerAttributes,
    ) -> StoreResult<CustomerProfile> {
        self.write(|tx| {
            let mut profile = records::profile(tx, merchant, customer)?
                .unwrap_or_else(|| CustomerProfile::new(merchant, customer));
            attributes.apply_to(&mut profile);
            // A bump makes any order decided on the old attributes conflict and decide again.
            profile.version += 1;
            records::put_profile(tx, merchant, &profile)?;
            Ok(profile)
        })
    }
}
