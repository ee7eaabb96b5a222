//! Similar items: the item-to-item model learned from purchase history (`model`), the
//! rules that turn it into a few suggestions for one parcel (`serve`), and the offline
//! evaluation that chose the model (`evaluate`).

pub mod evaluate;
pub mod model;
pub mod serve;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use model::{LineRef, Measure, ModelOptions, PurchaseHistory, Together};
pub use serve::{Affinity, SkuSet, Suggest, remember, suggest};

/// The list stored under this SKU holds the merchant's best-sellers: what a basket of
/// brand-new products is offered. SKUs cannot contain `#`, so no product collides with it.
pub const POPULAR: &str = "#popular";

/// Why an item is suggested, in the order the model prefers them.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// Bought together with an item in the basket.
    #[default]
    CoPurchase,
    /// Bought together with something the customer bought before.
    History,
    /// A best-seller of the same category (the item has too few co-purchases).
    Category,
    /// One of the shop's best-sellers.
    Popular,
}

impl Basis {
    fn is_co_purchase(&self) -> bool {
        *self == Basis::CoPurchase
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Neighbour {
    pub sku: String,
    pub title: String,
    #[serde(default)]
    pub category: Option<String>,
    pub score: f64,
    /// Lists are filled up with fallbacks, scored below every co-purchase.
    #[serde(default, skip_serializing_if = "Basis::is_co_purchase")]
    pub basis: Basis,
}

/// The top neighbours of one SKU, best first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SimilarItems {
    pub sku: String,
    pub neighbours: Vec<Neighbour>,
}

/// The model built from whole orders, each order one basket: for tests, the demo and
/// anything else that has the orders in hand rather than in a store.
pub fn of_orders(orders: &[crate::order::Order], options: &ModelOptions) -> Vec<SimilarItems> {
    let mut history = PurchaseHistory::new();
    for order in orders {
        history.add_order(&order.customer.id, order.placed_at, lines(&order.lines));
    }
    history.build(options)
}

fn lines(lines: &[crate::order::OrderLine]) -> impl Iterator<Item = LineRef<'_>> {
    lines.iter().map(|l| LineRef {
        sku: &l.sku,
        title: &l.title,
        category: l.category.as_deref(),
    })
}
