//! The embedded default adapters: packwise's storage ports over SQLite and its object
//! sink over the local file system, so the whole product runs on one laptop.
//!
//! Why SQLite:
//! - one order's commit touches many rows (profile, history, counters, stock, coupon,
//!   processed record) and must land all or nothing: SQLite gives real multi-row
//!   transactions, and the conditions that keep budgets and stock honest are plain SQL
//!   (`UPDATE ... WHERE units >= 1`) evaluated inside them;
//! - it is mature and needs no server, and operators can inspect or repair a store with
//!   the `sqlite3` command line;
//! - it is built from the bundled sources, so there is no system library to install.

mod codec;
mod config_store;
mod customers;
mod file_sink;
mod history;
mod key_store;
mod migrations;
mod order_commit;
mod order_store;
mod records;
mod sql_error;
mod store;

pub use file_sink::FileSink;
pub use store::SqliteStore;
