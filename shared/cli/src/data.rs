//! Where the embedded default keeps its state: one SQLite file and an output folder
//! laid out like the S3 bucket.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context as _;
use packwise_core::process::Processor;
use packwise_embedded::{FileSink, SqliteStore};

pub type LocalProcessor = Processor<SqliteStore, FileSink>;

pub struct DataDir {
    pub root: PathBuf,
}

impl DataDir {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        DataDir { root: root.into() }
    }

    pub fn database(&self) -> PathBuf {
        self.root.join("packwise.db")
    }

    /// Instructions and slips, under the same keys as in the S3 bucket.
    pub fn output(&self) -> PathBuf {
        self.root.join("out")
    }

    pub fn open(&self) -> anyhow::Result<LocalProcessor> {
        open_at(&self.root)
    }

    /// The store alone, for the merchant API.
    pub fn store(&self) -> anyhow::Result<SqliteStore> {
        SqliteStore::open(&self.database())
            .with_context(|| format!("opening the store at {}", self.database().display()))
    }
}

pub fn open_at(root: &Path) -> anyhow::Result<LocalProcessor> {
    let dir = DataDir::new(root);
    let store = dir.store()?;
    let sink = FileSink::new(dir.output());
    // One process owns the store, and campaign commands run before or after a batch, so
    // a long cache is safe here; the Lambda uses a short one.
    Ok(Processor::new(store, sink, Duration::from_secs(3600))
        .with_slips(std::sync::Arc::new(packwise_slips::Slips::new())))
}
