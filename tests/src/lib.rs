//! End-to-end scenarios live in `tests/`; what several of them read back lives here, and
//! the load run the `load` benchmark drives.

pub mod cost;
pub mod load;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Every file under `dir` (none if it does not exist), by its path below `dir`.
pub fn files_under(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut found = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let bytes = std::fs::read(&path).expect("a readable file");
                let below = path.strip_prefix(dir).expect("under dir").to_path_buf();
                found.insert(below, bytes);
            }
        }
    }
    found
}
