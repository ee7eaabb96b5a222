//! Replays the committed fuzz corpus, and the inputs that once crashed a target, through
//! the targets' own functions on stable Rust: `cargo test` keeps guarding what the fuzzer
//! found without nightly or libFuzzer. `scripts/fuzz` grows the corpus.

use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use packwise_fuzzing::TARGETS;

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a readable directory entry").path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}

/// Runs every file of `dir` through `target`; returns how many ran and the failures, by
/// file, with the panic's message.
fn replay(dir: &Path, target: fn(&[u8])) -> (usize, Vec<String>) {
    let mut failures = Vec::new();
    let files = files(dir);
    for file in &files {
        let data = fs::read(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| target(&data))) {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            failures.push(format!("{}: {message}", file.display()));
        }
    }
    (files.len(), failures)
}

#[test]
fn every_corpus_input_keeps_its_target_s_invariants() {
    let mut failures = Vec::new();
    for (name, target) in TARGETS {
        let dir = fuzz_dir().join("corpus").join(name);
        assert!(dir.is_dir(), "no corpus for `{name}` at {}", dir.display());
        let (ran, failed) = replay(&dir, target);
        assert!(ran > 0, "the corpus of `{name}` is empty");
        eprintln!("{name}: {ran} inputs, {} failed", failed.len());
        failures.extend(failed);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_input_that_once_crashed_a_target_now_passes() {
    let regressions = fuzz_dir().join("regressions");
    let mut failures = Vec::new();
    for (name, target) in TARGETS {
        let dir = regressions.join(name);
        if dir.is_dir() {
            failures.extend(replay(&dir, target).1);
        }
    }
    // Every directory there is named after a target, so none is silently skipped.
    if regressions.is_dir() {
        for entry in fs::read_dir(&regressions).expect("a readable directory") {
            let name = entry.expect("an entry").file_name();
            let name = name.to_string_lossy();
            assert!(
                TARGETS.iter().any(|(t, _)| *t == name),
                "fuzz/regressions/{name} names no target"
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The libFuzzer targets are built only with nightly flags, by `scripts/fuzz`: this
/// checks on stable that each target has its file, calling its function, and its
/// `[[bin]]`, and that there is no other.
#[test]
fn every_target_has_its_libfuzzer_binary() {
    let manifest = fs::read_to_string(fuzz_dir().join("Cargo.toml")).expect("fuzz/Cargo.toml");
    let sources = files(&fuzz_dir().join("fuzz_targets"));
    assert_eq!(sources.len(), TARGETS.len(), "{sources:?}");
    for (name, _) in TARGETS {
        let file = fuzz_dir().join(format!("fuzz_targets/{name}.rs"));
        let source = fs::read_to_string(&file).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            source.contains(&format!("packwise_fuzzing::{name}(data)")),
            "{name}.rs does not call packwise_fuzzing::{name}"
        );
        assert!(
            manifest.contains(&format!(
                "name = \"{name}\"\npath = \"fuzz_targets/{name}.rs\""
            )),
            "no [[bin]] for {name} in fuzz/Cargo.toml"
        );
    }
}
