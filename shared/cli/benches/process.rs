//! `packwise process` on the embedded store: orders per second and peak memory, with
//! packing slips (what the command does) and without them (the engine, store and
//! instructions alone), on the same orders in one run.
//! Run: `cargo bench -p packwise-cli --bench process` (PACKWISE_BENCH_ORDERS, default 100000).

use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use packwise_cli::data::{DataDir, LocalProcessor};
use packwise_cli::memory::peak_rss_mib;
use packwise_cli::process_file::{ProcessReport, process_lines};
use packwise_core::ports::{ConfigStore, Expect, OrderStore};
use packwise_core::process::Processor;
use packwise_embedded::FileSink;
use packwise_synth::{Generator, demo};

fn main() -> anyhow::Result<()> {
    let n: usize = std::env::var("PACKWISE_BENCH_ORDERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    // PACKWISE_BENCH_DIR puts the store and output elsewhere, e.g. on tmpfs to separate
    // the engine from the file system's cost of creating one file per object.
    let parent =
        std::env::var_os("PACKWISE_BENCH_DIR").unwrap_or_else(|| std::env::temp_dir().into());
    let orders = tempfile::tempdir_in(&parent)?;
    let file = orders.path().join("orders.jsonl");
    let started = Instant::now();
    {
        let mut w = BufWriter::new(std::fs::File::create(&file)?);
        let start = "2026-11-01T00:00:00Z".parse()?;
        for order in Generator::new(42).orders(n, start) {
            serde_json::to_writer(&mut w, &order)?;
            w.write_all(b"\n")?;
        }
        w.flush()?;
    }
    println!(
        "process bench: {n} synthetic orders ({:.1} MiB of JSON Lines, generated in {:.1} s)",
        std::fs::metadata(&file)?.len() as f64 / 1048576.0,
        started.elapsed().as_secs_f64()
    );

    let engine_dir = tempfile::tempdir_in(&parent)?;
    let engine = {
        let data = DataDir::new(engine_dir.path());
        Processor::new(
            data.store()?,
            FileSink::new(data.output()),
            Duration::from_secs(3600),
        )
    };
    let without = run(
        &runtime,
        &engine,
        &file,
        "without slips (engine, store, instructions)",
    )?;
    drop(engine);
    drop(engine_dir);
    let slips_dir = tempfile::tempdir_in(&parent)?;
    let with_slips = DataDir::new(slips_dir.path()).open()?;
    let with = run(
        &runtime,
        &with_slips,
        &file,
        "with packing slips (what `packwise process` does)",
    )?;
    println!(
        "  slips cost {:.2} ms of wall time per order on {} threads; without them {:.1}x the throughput",
        (with.elapsed.as_secs_f64() - without.elapsed.as_secs_f64()) * 1000.0 / n as f64,
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        without.orders_per_second() / with.orders_per_second()
    );
    Ok(())
}

fn run(
    runtime: &tokio::runtime::Runtime,
    processor: &LocalProcessor,
    orders: &Path,
    label: &str,
) -> anyhow::Result<ProcessReport> {
    runtime.block_on(async {
        let settings = demo::settings();
        processor.store.put_settings(&settings, Expect::Any).await?;
        for insert in demo::inserts() {
            processor
                .store
                .put_insert(&settings.merchant, &insert, Expect::Any)
                .await?;
        }
        for campaign in demo::campaigns() {
            processor
                .store
                .put_campaign(&settings.merchant, &campaign, Expect::Any)
                .await?;
        }
        anyhow::Ok(())
    })?;
    let rss_before = peak_rss_mib();
    let input = std::io::BufReader::new(std::fs::File::open(orders)?);
    let report = runtime.block_on(process_lines(processor, input, 0, |f| {
        eprintln!("line {}: {}", f.line, f.reason);
    }))?;
    let merchant = demo::settings().merchant;
    let issued: u64 = runtime.block_on(async {
        let mut total = 0;
        for c in demo::campaigns() {
            total += processor
                .store
                .counters(&merchant, &c.id)
                .await?
                .get("issued")
                .copied()
                .unwrap_or(0);
        }
        anyhow::Ok(total)
    })?;
    println!("{label}:");
    println!("  processed           {:>10}", report.processed);
    println!("  failed              {:>10}", report.failures.len());
    println!("  campaign issues     {issued:>10}");
    println!(
        "  elapsed             {:>10.2} s",
        report.elapsed.as_secs_f64()
    );
    println!(
        "  throughput          {:>10.0} orders/s (target >= 5000 without slips)",
        report.orders_per_second()
    );
    println!(
        "  peak memory so far  {:>10.1} MiB (before this run {rss_before:.1} MiB)",
        peak_rss_mib()
    );
    anyhow::ensure!(
        report.failures.is_empty(),
        "every synthetic order must process"
    );
    Ok(report)
}
