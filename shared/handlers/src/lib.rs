//! What the Lambda functions do with their events, over any store: the functions only
//! build clients and hand events here, and tests run the same code on the embedded store
//! and against a real DynamoDB/S3 API.

pub mod environment;
pub mod order_messages;
pub mod pick_lists;
pub mod similarity;

pub use order_messages::{BatchReport, handle_order_messages};
pub use pick_lists::{
    PickListJob, PickListReport, PickListRequest, WaveSettings, list_paper, write_pick_lists,
};
pub use similarity::{RebuildOptions, RebuildReport, rebuild_similar};
