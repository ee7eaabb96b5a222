//! Writes the fuzz targets' seed inputs into `fuzz/corpus/<target>/seed-*` from what the
//! project really sends and stores: the sample order and generated ones, the demo
//! merchant's campaigns and the API's example, and every condition they, the README and
//! the tests write. `cargo run -p packwise-fuzzing --example seeds`; `scripts/fuzz` then
//! grows and minimizes the corpus from them.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{TimeZone, Utc};
use packwise_core::samples;
use packwise_core::validation::Problems;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn write(target: &str, name: &str, data: &[u8]) {
    let dir = root().join("fuzz/corpus").join(target);
    fs::create_dir_all(&dir).expect("corpus directory");
    fs::write(dir.join(format!("seed-{name}")), data).expect("seed written");
}

/// Texts between `quote`s: string literals for `"`, code spans for a backtick.
fn quoted(text: &str, quote: char) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(quote) {
        let body = &rest[start + 1..];
        let mut escaped = false;
        let end = body.char_indices().find(|(_, c)| {
            let stop = !escaped && *c == quote;
            escaped = quote == '"' && !escaped && *c == '\\';
            stop
        });
        let Some((end, _)) = end else { break };
        found.push(body[..end].replace("\\\"", "\"").replace("\\\\", "\\"));
        rest = &body[end + 1..];
    }
    found
}

fn compiles(source: &str) -> bool {
    let mut p = Problems::default();
    packwise_core::targeting::compile(source, "condition", &mut p).is_some() && p.finish().is_ok()
}

fn main() {
    // Orders: the sample, and generated ones of every shape the demo produces.
    write("order", "sample", samples::ORDER_JSON.as_bytes());
    let start = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
    let orders: Vec<_> = packwise_synth::Generator::new(7)
        .orders(12, start)
        .collect();
    for (i, order) in orders.iter().enumerate() {
        let json = serde_json::to_vec_pretty(order).expect("an order serializes");
        write("order", &format!("generated-{i:02}"), &json);
    }

    // Campaigns: the demo merchant's and the API documentation's example.
    for campaign in packwise_synth::demo::campaigns() {
        let json = serde_json::to_vec_pretty(&campaign).expect("a campaign serializes");
        write("campaign", &format!("demo-{}", campaign.id), &json);
    }
    let example = packwise_api::openapi::examples::campaign();
    write("campaign", "api-example", example.to_string().as_bytes());

    // Conditions: the demo campaigns', and every quoted text of the README and the
    // tests that compiles as one.
    let mut conditions: Vec<String> = packwise_synth::demo::campaigns()
        .into_iter()
        .map(|c| c.condition)
        .collect();
    conditions.push(example["condition"].as_str().unwrap().to_string());
    for file in [
        "README.md",
        "shared/core/src/decide_tests.rs",
        "shared/core/src/targeting.rs",
        "shared/synth/src/demo/campaigns.rs",
        "tests/tests/scenarios.rs",
        "shared/cli/tests/cli.rs",
    ] {
        let text = fs::read_to_string(root().join(file)).expect("a source file");
        for quote in ['"', '`'] {
            conditions.extend(
                quoted(&text, quote)
                    .into_iter()
                    .filter(|s| s.contains(['.', ' ']) || s == "true" || s == "false"),
            );
        }
    }
    conditions.retain(|c| compiles(c));
    conditions.sort();
    conditions.dedup();
    let sample_order = serde_json::to_string(&orders[0]).unwrap();
    for (i, condition) in conditions.iter().enumerate() {
        write("cel_compile", &format!("{i:03}"), condition.as_bytes());
        let mut with_order = condition.clone().into_bytes();
        if i % 2 == 1 {
            with_order.push(0);
            with_order.extend(sample_order.as_bytes());
        }
        write("cel_evaluate", &format!("{i:03}"), &with_order);
    }
    println!("{} conditions", conditions.len());
}
