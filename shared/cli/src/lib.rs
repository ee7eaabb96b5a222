//! The `packwise` command line on the embedded default: the same engine as the Lambda
//! functions, over SQLite and plain files.

pub mod data;
pub mod demo;
pub mod documents;
pub mod explain;
pub mod process_file;
pub mod summary;
