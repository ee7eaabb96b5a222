//! Init time of the `order-processor` binary: from process start until it first asks the
//! Runtime API for an event, which is when Lambda considers init done. Includes reading
//! its settings, building the SDK clients and the DynamoDB warm-up call, here against the
//! local API server. Prints its figures; `PACKWISE_BENCH_RUNS` sets the number of starts.

use std::process::Stdio;
use std::time::{Duration, Instant};

use packwise_aws::testing::runtime_api::RuntimeApi;
use packwise_aws::testing::{local_aws, unique_name};
use packwise_aws::{RequestCounter, create_table};

fn main() {
    let runs: usize = std::env::var("PACKWISE_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30);
    let aws = local_aws();
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let (table, bucket) = runtime.block_on(async {
        let clients = aws.clients(&RequestCounter::new());
        let table = unique_name("packwise-init");
        create_table(&clients.dynamodb, &table).await.unwrap();
        (table, aws.bucket().await)
    });
    let binary = env!("CARGO_BIN_EXE_order-processor");
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let api = RuntimeApi::serve(Vec::new());
        let started = Instant::now();
        let mut child = api
            .command(binary, "order-processor")
            .env("PACKWISE_TABLE", &table)
            .env("PACKWISE_BUCKET", &bucket)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the order-processor binary starts");
        let polled = api
            .poll(Duration::from_secs(10))
            .expect("the function polls for its first event");
        times.push(polled - started);
        child.kill().expect("stop the function");
        child.wait().expect("reap the function");
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "order-processor init until first poll, {runs} starts: min {:.1} ms, median {:.1} ms, p90 {:.1} ms, max {:.1} ms",
        ms(times[0]),
        ms(times[runs / 2]),
        ms(times[runs * 9 / 10]),
        ms(times[runs - 1])
    );
}
