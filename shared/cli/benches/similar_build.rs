//! The similar-items build on one core: time and peak memory as the history grows.
//!
//! Run: `cargo bench -p packwise-cli --bench similar_build`. Sizes in order lines come
//! from PACKWISE_BENCH_LINES (comma-separated; default 250000,500000,1000000,2000000,
//! 5000000,10000000). Each size runs in a fresh process, so each peak is its own.
//!
//! Per size: the seeded purchase log is generated once alone (its time is subtracted),
//! then again while its orders are folded into the interned history the rebuild reads
//! pages into ("ingest"), and the model is built with the shipped options ("build").
//! Peak memory is the process's high-water mark over both; the generator streams, so
//! what it holds is the catalogue, counted in the baseline.

use std::process::Command;
use std::time::Instant;

use packwise_cli::memory::peak_rss_mib;
use packwise_core::similar::{LineRef, ModelOptions, PurchaseHistory};
use packwise_synth::purchases::{PurchaseLog, PurchaseLogOptions};

const ONE: &str = "--one-size";

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == ONE) {
        let lines = args[at + 1].parse().expect("a number of lines");
        println!("{}", one_size(lines));
        return;
    }
    let sizes = std::env::var("PACKWISE_BENCH_LINES")
        .unwrap_or_else(|_| "250000,500000,1000000,2000000,5000000,10000000".into());
    println!(
        "{:>10} {:>9} {:>8} {:>9} {:>8} {:>8} {:>8} {:>10} {:>9} {:>9}",
        "lines",
        "orders",
        "products",
        "customers",
        "ingest s",
        "build s",
        "total s",
        "lines/s",
        "peak MiB",
        "base MiB"
    );
    let me = std::env::current_exe().expect("the bench binary");
    for size in sizes.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let out = Command::new(&me)
            .args([ONE, size])
            .output()
            .expect("the bench runs itself");
        assert!(
            out.status.success(),
            "{size} lines: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        print!("{}", String::from_utf8_lossy(&out.stdout));
    }
}

fn one_size(lines: usize) -> String {
    let log = PurchaseLog::new(PurchaseLogOptions {
        lines,
        ..PurchaseLogOptions::default()
    });
    let base = peak_rss_mib();

    let started = Instant::now();
    let mut generated = 0usize;
    for order in log.orders() {
        generated += order.lines.len();
    }
    let generate = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let mut history = PurchaseHistory::new();
    let mut customer = String::new();
    let mut customers = 0usize;
    let mut last = None;
    for order in log.orders() {
        if last != Some(order.customer_id) {
            customers += 1;
            last = Some(order.customer_id);
        }
        customer.clear();
        customer.push_str(&order.customer_id.0.to_string());
        let lines = order.lines.iter().map(|l| LineRef {
            sku: l.sku(),
            title: l.title(),
            category: Some(l.category()),
        });
        history.add_order(&customer, order.placed_at, lines);
    }
    let ingest = (started.elapsed().as_secs_f64() - generate).max(0.0);

    let started = Instant::now();
    let lists = history.build(&ModelOptions::default());
    let build = started.elapsed().as_secs_f64();
    assert!(lists.len() > 1, "a model came out");

    let total = ingest + build;
    format!(
        "{:>10} {:>9} {:>8} {:>9} {:>8.2} {:>8.2} {:>8.2} {:>10.0} {:>9.0} {:>9.0}",
        generated,
        history.orders(),
        history.products(),
        customers,
        ingest,
        build,
        total,
        generated as f64 / total,
        peak_rss_mib(),
        base
    )
}
