//! DynamoDB and S3 adapters of the storage ports.

pub mod capacity;
pub mod counting;
mod s3_sink;
mod settings;
#[cfg(feature = "testing")]
pub mod testing;

pub use capacity::{CapacityMeter, Units};
pub use counting::RequestCounter;
pub use s3_sink::S3Sink;
pub use settings::{AwsSettings, Clients, SettingsError};

mod dynamo;
pub use dynamo::table::create_table;
pub use dynamo::{DynamoStore, item_kind};
