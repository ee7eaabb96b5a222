//! The order-processor's handler under load: synthetic orders in SQS batches, several
//! batches at once, against DynamoDB Local and the moto server's S3 on loopback. Prints
//! throughput, handler time per batch, requests and consumed capacity per order, and
//! accounts for every order: its objects are in the bucket or it is in the failure
//! report with a reason. Exits non-zero if an order is lost.
//!
//! Run: `scripts/load` (or `cargo bench -p packwise-e2e --bench load`);
//! PACKWISE_LOAD_ORDERS (default 100000), PACKWISE_LOAD_BATCH (10),
//! PACKWISE_LOAD_CONCURRENT (16), PACKWISE_LOAD_BAD_EVERY (1000: one order in so many is
//! sent without lines).

use std::time::{Duration, Instant};

use packwise_e2e::load::{LoadOptions, Stack, account, run, setting};

fn main() {
    // `cargo bench` passes `--bench`; a filter argument would mean nothing here.
    let mut options = LoadOptions::new(setting("PACKWISE_LOAD_ORDERS", 100_000));
    options.batch = setting("PACKWISE_LOAD_BATCH", options.batch);
    options.concurrent = setting("PACKWISE_LOAD_CONCURRENT", options.concurrent);
    options.progress = Some(Duration::from_secs(10));
    // One order in a thousand is sent without lines: the run proves that a refused order
    // ends in the failure report with its reason, not lost.
    options.bad_every = Some(setting("PACKWISE_LOAD_BAD_EVERY", 1000));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let setup = Instant::now();
        let stack = Stack::demo_shop().await;
        println!(
            "load: {} synthetic orders in batches of {}, {} batches at once, {} lanes each; \
             DynamoDB Local and moto S3 on loopback (ready in {:.1} s)",
            options.orders,
            options.batch,
            options.concurrent,
            options.lanes,
            setup.elapsed().as_secs_f64()
        );
        let report = run(&stack, &options).await;
        let keys = stack.object_keys().await;
        let accounting = account(&options, &report, &keys);
        let n = report.orders as f64;
        println!(
            "  {:.0} orders/s ({} orders in {:.1} s); handler time per batch p50 {:.1} ms, p99 {:.1} ms",
            report.orders_per_second(),
            report.orders,
            report.elapsed.as_secs_f64(),
            report.handler_time(0.5).as_secs_f64() * 1e3,
            report.handler_time(0.99).as_secs_f64() * 1e3
        );
        println!(
            "  handler CPU {:.2} ms per order",
            report.cpu.as_secs_f64() * 1e3 / n
        );
        for (operation, count) in &report.requests {
            println!("  {operation:<32} {:>8.3} per order", *count as f64 / n);
        }
        for (operation, units) in &report.capacity {
            println!(
                "  {operation:<32} {:>8.3} read units, {:.3} write units per order",
                units.read / n,
                units.write / n
            );
        }
        println!(
            "  accounted: {} with their {} objects, {} failed with a reason, {} lost; \
             {} messages delivered again after a failure",
            accounting.with_objects,
            keys.len(),
            accounting.failed,
            accounting.lost.len(),
            report.redelivered
        );
        for (order, reason) in report.failed.iter().take(10) {
            println!("    failed {order}: {reason}");
        }
        if !accounting.lost.is_empty()
            || !accounting.failed_with_objects.is_empty()
            || accounting.failed != options.bad_orders()
        {
            eprintln!(
                "load: orders lost: {:?}; reported failed but written: {:?}; {} failed where {} were sent bad",
                accounting.lost, accounting.failed_with_objects, accounting.failed, options.bad_orders()
            );
            std::process::exit(1);
        }
    });
}
