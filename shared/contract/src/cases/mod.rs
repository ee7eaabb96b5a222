//! The cases, each an `async fn` over a fresh, empty store.

mod atomicity;
mod batch;
mod commit;
mod concurrency;
mod config;
mod customers;
mod history;
mod isolation;
mod keys;
mod load;
mod redemption;
mod stock;

pub use atomicity::*;
pub use batch::*;
pub use commit::*;
pub use concurrency::*;
pub use config::*;
pub use customers::*;
pub use history::*;
pub use isolation::*;
pub use keys::*;
pub use load::*;
pub use redemption::*;
pub use stock::*;
