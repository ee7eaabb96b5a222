//! The storage ports over one DynamoDB table: see the crate's README for the key design,
//! the access patterns and the budget shards.

mod backoff;
mod batch_get;
mod batch_put;
mod commit;
mod config_store;
mod customers;
mod errors;
mod history;
mod items;
mod key_store;
mod keys;
mod load;
mod order_store;
mod processed;
mod shards;
mod stock;
mod store;
pub mod table;
mod versioned;

pub use keys::item_kind;
pub use store::DynamoStore;
