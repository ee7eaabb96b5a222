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
use packwise_e2e::load::{LoadOptions, Stack, account, run};
use rust_decimal::Decimal;

/// The target the shipped design is held to, in US dollars per million orders.
const TARGET: Decimal = Decimal::from_parts(3, 0, 0, false, 0);

fn setting<T: std::str::FromStr>(name: &str, default: T) -> T {
    match std::env::var(name) {
        Ok(v) => v
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v} is not a number")),
        Err(_) => default,
    }
}

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
    let measurement = runtime.block_on(async {
        let stack = Stack::demo_shop().await;
        // One cold read of the campaigns, what the naive design repeats for every order.
        let cold = stack.processor(true);
        let began = Instant::now();
        cold.campaign_set(&packwise_synth::demo::settings().merchant)
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
        Measurement {
            orders: report.orders as u64,
            batches: report.batches as u64,
            wall_seconds: report.handler_times.iter().map(|t| t.as_secs_f64()).sum(),
            cpu_seconds: report.cpu.as_secs_f64(),
            dynamodb: report.capacity,
            requests: report.requests,
            campaign_load,
        }
    });
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
