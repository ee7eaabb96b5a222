//! The `packwise` command line on the embedded default: the same engine as the Lambda
//! functions, over SQLite and plain files.

pub mod data;
pub mod demo;
pub mod documents;
pub mod evaluate;
pub mod explain;
pub mod memory;
pub mod pick_list;
pub mod process_file;
pub mod summary;

/// How the command line rebuilds similar items on the embedded store: with the same code
/// as the scheduled function on AWS, in one history segment, since SQLite reads the
/// history in one pass (segments pay off on DynamoDB).
pub fn similar_rebuild(neighbours: usize) -> packwise_handlers::RebuildOptions {
    packwise_handlers::RebuildOptions {
        model: packwise_core::similar::ModelOptions {
            neighbours,
            ..Default::default()
        },
        segments: 1,
    }
}
