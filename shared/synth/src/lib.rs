//! Seeded, deterministic synthetic data that looks like a real shop: the demo merchant's
//! catalogue, inserts and campaigns, customers with segments and histories, a day of
//! orders, an order stream for benchmarks, and a purchase log of any size for evaluating
//! similar items. The same seed always gives the same data.

#![warn(missing_docs)]

mod basket;
pub mod catalogue;
pub mod customers;
mod day;
pub mod demo;
mod generator;
mod history;
mod names;
mod orders;
mod places;
pub mod purchases;
mod stream;

pub use customers::{CustomerSeed, Segment};
pub use generator::{DEFAULT_TODAY, Generator};
pub use history::{HISTORY_DAYS, LAPSED_DAYS};
pub use orders::NEWSLETTER_CODE;
pub use places::centre_for;
pub use purchases::{PurchaseLog, PurchaseLogOptions, write_csv};
