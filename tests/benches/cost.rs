//! The cost model: runs synthetic orders through the order-processor's handler one
//! batch at a time (as one Lambda instance takes them) against DynamoDB Local and the
//! moto server's S3, then prices what it measured (requests counted, consumed capacity,
//! handler time) at `infra/prices.toml`, for the shipped design and a naive one.
//!
//! Run: `scripts/cost` (or `cargo bench -p packwise-e2e --bench cost`);
//! PACKWISE_COST_ORDERS (default 2000), PACKWISE_COST_MEMORY_MB (512, the template's
//! default), PACKWISE_COST_SENDS_PER_ORDER (1: the shop sends each order alone).

use std::time::Instant;

use packwise_e2e::cost::{Deployment, Line, Measurement, Prices, Usage, bill, total};
use packwise_e2e::load::{LoadOptions, Stack, account, run, setting};
use rust_decimal::Decimal;

/// The target the shipped design is held to, in US dollars per million orders.
const TARGET: Decimal = Decimal::from_parts(3, 0, 0, false, 0);

fn main() {
    let prices = Prices::shipped().unwrap_or_else(|e| panic!("{e}"));
    let mut options = LoadOptions::new(setting("PACKWISE_COST_ORDERS", 2000usize));
    options.concurrent = 1;
    let deployment = Deployment {
        memory_mb: setting("PACKWISE_COST_MEMORY_MB", 512.0),
        sends_per_order: setting("PACKWISE_COST_SENDS_PER_ORDER", 1.0),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let (measurement, sizes) = runtime.block_on(async {
        let stack = Stack::demo_shop().await;
        // One read of the campaigns by a processor without them cached, what the naive
        // design repeats for every order; timed on a connection already open, as the
        // naive design's would be after its first order.
        let merchant = packwise_synth::demo::settings().merchant;
        for _ in 0..2 {
            stack.capacity.reset();
            stack
                .processor(true)
                .campaign_set(&merchant)
                .await
                .expect("the demo shop's campaigns load");
        }
        stack.capacity.reset();
        let began = Instant::now();
        stack
            .processor(true)
            .campaign_set(&merchant)
            .await
            .expect("the demo shop's campaigns load");
        let mut campaign_load = stack.capacity.total();
        campaign_load.seconds = began.elapsed().as_secs_f64();
        stack.capacity.reset();
        stack.requests.reset();

        let report = run(&stack, &options).await;
        let accounting = account(&options, &report, &stack.object_keys().await);
        assert!(
            accounting.lost.is_empty() && report.failed.is_empty(),
            "every order of the cost run is processed: {accounting:?}, {:?}",
            report.failed
        );
        let sizes = stack.item_sizes().await;
        let measurement = Measurement {
            orders: report.orders as u64,
            batches: report.batches as u64,
            wall_seconds: report.handler_times.iter().map(|t| t.as_secs_f64()).sum(),
            cpu_seconds: report.cpu.as_secs_f64(),
            dynamodb: report.capacity,
            requests: report.requests,
            campaign_load,
        };
        (measurement, sizes)
    });
    println!("items in the table after the run (bytes as DynamoDB bills them):");
    for (kind, s) in &sizes {
        println!(
            "  {kind:<24} {:>7} items, mean {:>6.0}, largest {:>6}",
            s.count,
            s.mean(),
            s.largest
        );
    }
    // The meter counts an update in a transaction at one kilobyte (two units) because the
    // request does not carry the stored item; the kinds a commit updates must fit.
    for kind in ["insert", "campaign counter shard", "coupon"] {
        let largest = sizes.get(kind).map_or(0, |s| s.largest);
        assert!(
            largest <= 1024,
            "a commit updates {kind} items of up to {largest} bytes, which cost more than \
             the two write units the meter counts for them"
        );
    }
    let n = measurement.orders as f64;
    println!("measured per order (what the prices below apply to):");
    for (operation, u) in &measurement.dynamodb {
        println!(
            "  DynamoDB {operation:<20} {:>7.3} requests of {:>5.1} items, {:>7.3} read and {:>7.3} write units, {:>6.2} ms per request",
            u.requests as f64 / n,
            u.items as f64 / u.requests.max(1) as f64,
            u.read / n,
            u.write / n,
            u.seconds * 1e3 / u.requests.max(1) as f64
        );
    }
    for (operation, count) in &measurement.requests {
        if !operation.starts_with("DynamoDB.") {
            println!("  {operation:<29} {:>7.3} requests", *count as f64 / n);
        }
    }
    println!(
        "  handler {:.2} ms wall and {:.2} ms CPU per order; without the campaign cache {} reads ({:.1} units, {:.2} ms) per order",
        measurement.wall_seconds * 1e3 / n,
        measurement.cpu_seconds * 1e3 / n,
        measurement.campaign_load.requests,
        measurement.campaign_load.read,
        measurement.campaign_load.seconds * 1e3
    );
    let shipped = bill(&Usage::shipped(&measurement, deployment), &prices);
    let naive = bill(&Usage::naive(&measurement, deployment), &prices);
    println!(
        "cost: {} orders in batches of {}, one batch at a time, priced at {} prices of {} \
         (infra/prices.toml); {} MB arm64 function, {} SQS send(s) per order",
        measurement.orders,
        options.batch,
        prices.region,
        prices.as_of,
        deployment.memory_mb,
        deployment.sends_per_order
    );
    println!(
        "  {:<20} {:>24} {:>12}   {:>24} {:>12}",
        "", "shipped per order", "$ / M", "naive per order", "$ / M"
    );
    for (s, n) in shipped.iter().zip(&naive) {
        println!(
            "  {:<20} {:>13.4} {:<10} {:>12.4}   {:>13.4} {:<10} {:>12.4}",
            s.item,
            s.per_order,
            s.unit,
            s.per_million_orders,
            n.per_order,
            n.unit,
            n.per_million_orders
        );
    }
    let (shipped_total, naive_total) = (total(&shipped), total(&naive));
    println!(
        "  {:<20} {:>24} {:>12.2}   {:>24} {:>12.2}",
        "total", "", shipped_total, "", naive_total
    );
    println!(
        "  naive / shipped: {:.2}x; shipped against the ${TARGET} target: {}",
        naive_total / shipped_total.max(Decimal::new(1, 6)),
        verdict(&shipped, shipped_total)
    );
}

fn verdict(lines: &[Line], total: Decimal) -> String {
    if total <= TARGET {
        return "within".to_string();
    }
    let largest = lines
        .iter()
        .max_by_key(|l| l.per_million_orders)
        .expect("lines");
    format!(
        "over by ${:.2}; the largest line is {} at ${:.2}",
        total - TARGET,
        largest.item,
        largest.per_million_orders
    )
}
