//! packwise core: the domain, the pure decision engine and the storage ports.
//! No I/O and no AWS here, so every Lambda and the command line share one engine.

pub mod api_key;
pub mod campaign;
pub mod campaign_set;
pub mod campaign_stats;
pub mod codes;
pub mod decide;
pub mod history_walk;
pub mod insert;
pub mod instruction;
pub mod lift;
pub mod locale;
pub mod message;
pub mod money;
pub mod order;
pub mod pick_list;
pub mod ports;
pub mod preview;
pub mod process;
pub mod profile;
pub mod redemption;
pub mod samples;
pub mod schema;
pub mod settings;
pub mod similar;
pub mod slip;
pub mod stock_report;
pub mod targeting;
pub mod validation;
pub mod wave;

pub use campaign::Campaign;
pub use campaign_set::CampaignSet;
pub use decide::{Decision, DecisionInput, decide};
pub use insert::Insert;
pub use instruction::PickPackInstruction;
pub use money::{Currency, Money};
pub use order::Order;
pub use profile::CustomerProfile;
pub use settings::MerchantSettings;
