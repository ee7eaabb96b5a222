//! Reading the JSON documents merchants write: one object, or an array of them.

use std::path::Path;

use anyhow::{Context as _, bail};
use serde::de::DeserializeOwned;

/// Reads `path` (or standard input for `-`) as one document or an array of documents,
/// naming the file, the item and the place of any error.
pub fn read_many<T: DeserializeOwned>(path: &Path) -> anyhow::Result<Vec<T>> {
    let text = if path == Path::new("-") {
        std::io::read_to_string(std::io::stdin()).context("reading standard input")?
    } else {
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?
    };
    let value: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("{} is not valid JSON", path.display()))?;
    let items = match value {
        serde_json::Value::Array(items) => items,
        other => vec![other],
    };
    if items.is_empty() {
        bail!("{} holds no documents", path.display());
    }
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            serde_json::from_value(item)
                .with_context(|| format!("{}: document {}", path.display(), i + 1))
        })
        .collect()
}

pub fn read_one<T: DeserializeOwned>(path: &Path) -> anyhow::Result<T> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text)
        .with_context(|| format!("{} is not a valid document", path.display()))
}

/// A JSON Lines parse error without serde's "at line 1", which would contradict the
/// file's own line number printed beside it.
pub fn line_error(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let reason = text
        .rsplit_once(" at line ")
        .map_or(text.as_str(), |(r, _)| r);
    format!("not a valid order: {reason} (column {})", e.column())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_line_error_names_the_column_not_a_line() {
        let e = serde_json::from_str::<packwise_core::Order>("{\"merchant\": 5}").unwrap_err();
        let text = super::line_error(&e);
        assert!(!text.contains("line"), "{text}");
        assert!(
            text.starts_with("not a valid order: invalid type"),
            "{text}"
        );
        assert!(text.ends_with("(column 14)"), "{text}");
    }
}
