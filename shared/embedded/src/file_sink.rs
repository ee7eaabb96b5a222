//! Instructions and slips as plain files, laid out by the same keys as on S3.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use packwise_core::ports::{ObjectSink, StoreError, StoreResult};

/// Writes each object to `root/key`.
#[derive(Clone, Debug)]
pub struct FileSink {
    root: PathBuf,
}

impl FileSink {
    pub fn new(root: impl Into<PathBuf>) -> FileSink {
        FileSink { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where `key` lands, refusing keys that could escape the root or name a directory.
    pub fn path_of(&self, key: &str) -> StoreResult<PathBuf> {
        check_key(key)?;
        Ok(key
            .split('/')
            .fold(self.root.clone(), |path, segment| path.join(segment)))
    }
}

fn check_key(key: &str) -> StoreResult<()> {
    // A bad key cannot get better by retrying, and `Corrupt` is the store's one
    // non-retryable error that names the key and the reason.
    let refuse = |reason: &str| {
        Err(StoreError::Corrupt {
            key: key.to_string(),
            reason: format!("not a usable object key: {reason}"),
        })
    };
    if key.starts_with('/') {
        return refuse("it is absolute");
    }
    if key.contains('\\') || key.contains('\0') {
        return refuse("it contains a backslash or a NUL character");
    }
    for segment in key.split('/') {
        match segment {
            "" => return refuse("it has an empty segment"),
            "." | ".." => return refuse("it has a `.` or `..` segment"),
            _ => {}
        }
    }
    Ok(())
}

// Creating a file costs the kernel far more than writing a few kilobytes (up to half a
// millisecond per file on some file systems), and that work spreads over cores: writes
// run on the blocking pool so a batch's files are created in parallel.
impl ObjectSink for FileSink {
    /// The content type is implied by the key's extension on disk, so it is not kept.
    async fn put(&self, key: &str, _content_type: &str, bytes: &[u8]) -> StoreResult<()> {
        let path = self.path_of(key)?;
        let bytes = bytes.to_vec();
        let target = path.clone();
        tokio::task::spawn_blocking(move || write_atomically(&target, &bytes))
            .await
            .map_err(|e| {
                StoreError::Unavailable(format!("writer of {} failed: {e}", path.display()))
            })?
            .map_err(|e| StoreError::Unavailable(format!("cannot write {}: {e}", path.display())))
    }
}

/// Writes beside the target and renames over it, so a warehouse reader sees the old file
/// or the new one, never half of one. No fsync: after a crash the order is redelivered
/// and written again.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let dir = path
        .parent()
        .expect("a checked key has a file name under the root");
    fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .expect("a checked key ends in a file name")
        .to_string_lossy();
    // Unique per process and write, so concurrent writers of one key never share a
    // temporary file; the leading dot hides it from readers listing `*.json`.
    let temp = dir.join(format!(
        ".{name}.{}-{}.tmp",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let written = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temp)
        .and_then(|mut file| file.write_all(bytes))
        .and_then(|()| fs::rename(&temp, path));
    if written.is_err() {
        let _ = fs::remove_file(&temp);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[tokio::test]
    async fn writes_under_the_root_creating_directories_and_leaving_no_temporary_file() {
        let root = tempfile::tempdir().unwrap();
        let sink = FileSink::new(root.path().join("out"));
        sink.put(
            "pickpack/acme/C1/2026-01-15/O-1.json",
            "application/json",
            b"{\"a\":1}",
        )
        .await
        .unwrap();
        let dir = root.path().join("out/pickpack/acme/C1/2026-01-15");
        assert_eq!(fs::read(dir.join("O-1.json")).unwrap(), b"{\"a\":1}");
        assert_eq!(entries(&dir), ["O-1.json"]);
    }

    #[tokio::test]
    async fn writing_again_replaces_the_file_and_the_same_bytes_leave_it_identical() {
        let root = tempfile::tempdir().unwrap();
        let sink = FileSink::new(root.path());
        sink.put("a/b.json", "application/json", b"first")
            .await
            .unwrap();
        sink.put("a/b.json", "application/json", b"second, longer")
            .await
            .unwrap();
        assert_eq!(
            fs::read(root.path().join("a/b.json")).unwrap(),
            b"second, longer"
        );
        sink.put("a/b.json", "application/json", b"second, longer")
            .await
            .unwrap();
        assert_eq!(
            fs::read(root.path().join("a/b.json")).unwrap(),
            b"second, longer"
        );
        assert_eq!(entries(&root.path().join("a")), ["b.json"]);
    }

    #[tokio::test]
    async fn keys_that_could_escape_the_root_are_refused_and_nothing_is_written() {
        let root = tempfile::tempdir().unwrap();
        let sink = FileSink::new(root.path().join("out"));
        for key in [
            "",
            "/etc/passwd",
            "../outside.json",
            "a/../../outside.json",
            "a/./b.json",
            "a//b.json",
            "a/",
            "a\\..\\b.json",
        ] {
            let err = sink.put(key, "application/json", b"x").await.unwrap_err();
            assert!(
                matches!(&err, StoreError::Corrupt { key: k, .. } if k == key),
                "{key:?}: {err:?}"
            );
            assert!(!err.is_retryable(), "{key:?}");
        }
        assert!(!root.path().join("out").exists());
        assert!(!root.path().join("outside.json").exists());
    }

    /// A reader polling the file while it is rewritten must only ever see a whole version.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn readers_never_see_a_partly_written_object() {
        let root = tempfile::tempdir().unwrap();
        let sink = FileSink::new(root.path());
        let big_a = vec![b'a'; 1 << 20];
        let big_b = vec![b'b'; (1 << 20) + 7];
        sink.put("k.json", "application/json", &big_a)
            .await
            .unwrap();
        let path = root.path().join("k.json");
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let reader = {
            let (path, stop) = (path.clone(), stop.clone());
            let (a, b) = (big_a.clone(), big_b.clone());
            std::thread::spawn(move || {
                let mut reads = 0u32;
                while !stop.load(Ordering::Relaxed) || reads < 10 {
                    let seen = fs::read(&path).unwrap();
                    assert!(
                        seen == a || seen == b,
                        "saw {} bytes of a torn write",
                        seen.len()
                    );
                    reads += 1;
                }
                reads
            })
        };
        for round in 0..40 {
            let bytes = if round % 2 == 0 { &big_b } else { &big_a };
            sink.put("k.json", "application/json", bytes).await.unwrap();
        }
        stop.store(true, Ordering::Relaxed);
        assert!(reader.join().unwrap() >= 10);
    }
}
