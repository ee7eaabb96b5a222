//! The cost model: what a million orders cost on AWS, from what a run measured (requests
//! counted, DynamoDB's consumed capacity, handler time) at the public prices in
//! `infra/prices.toml`. Priced twice: as shipped, and as a naive design would run the
//! same orders (one call per lookup, one transaction per written item, campaigns read
//! for every order, one object per document).

use std::collections::BTreeMap;
use std::path::Path;

use packwise_aws::Units;
use rust_decimal::Decimal;
use rust_decimal::prelude::FromPrimitive;
use serde::Deserialize;

/// The prices file, as published (per million, per thousand), in US dollars.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Prices {
    pub as_of: String,
    pub region: String,
    pub lambda: LambdaPrices,
    pub dynamodb: DynamoDbPrices,
    pub s3: S3Prices,
    pub sqs: SqsPrices,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LambdaPrices {
    pub arm64_per_gb_second: Decimal,
    pub per_million_requests: Decimal,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DynamoDbPrices {
    pub per_million_write_request_units: Decimal,
    pub per_million_read_request_units: Decimal,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct S3Prices {
    pub per_thousand_put_requests: Decimal,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SqsPrices {
    pub per_million_requests: Decimal,
}

impl Prices {
    pub fn parse(text: &str) -> Result<Prices, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }

    pub fn load(path: &Path) -> Result<Prices, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("reading {}: {e}", path.display()))?;
        Self::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// `infra/prices.toml` of this repository.
    pub fn shipped() -> Result<Prices, String> {
        Self::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../infra/prices.toml"))
    }
}

/// What one run measured.
#[derive(Clone, Debug, Default)]
pub struct Measurement {
    pub orders: u64,
    /// SQS batches, each one Lambda invocation.
    pub batches: u64,
    /// Handler wall time, summed over the batches, one batch at a time.
    pub wall_seconds: f64,
    /// CPU time the handlers used.
    pub cpu_seconds: f64,
    /// DynamoDB's consumed capacity, per operation.
    pub dynamodb: BTreeMap<String, Units>,
    /// Requests sent, keyed `Service.Operation`, retries included.
    pub requests: BTreeMap<String, u64>,
    /// One cold read of a merchant's settings, campaigns and inserts: what a processor
    /// without the campaign cache would read for every order.
    pub campaign_load: Units,
}

/// How the functions are deployed, beyond what a run measures.
#[derive(Clone, Copy, Debug)]
pub struct Deployment {
    /// The order processor's memory (the template's `ProcessorMemorySize`).
    pub memory_mb: f64,
    /// SQS requests to put one order on the queue (the shop's SendMessage; 0.1 if it
    /// sends batches of ten).
    pub sends_per_order: f64,
}

impl Default for Deployment {
    fn default() -> Self {
        Deployment {
            memory_mb: 512.0,
            sends_per_order: 1.0,
        }
    }
}

/// Lambda gives a function one vCPU at 1,769 MB, and CPU in proportion below that.
const MB_PER_VCPU: f64 = 1769.0;

/// What a design uses for the measured orders.
#[derive(Clone, Debug, PartialEq)]
pub struct Usage {
    pub orders: f64,
    pub invocations: f64,
    /// Billed handler seconds, summed.
    pub lambda_seconds: f64,
    pub memory_mb: f64,
    pub dynamodb_requests: f64,
    pub read_units: f64,
    pub write_units: f64,
    pub s3_puts: f64,
    pub sqs_requests: f64,
}

impl Usage {
    /// The design as shipped. A batch is billed for its wall time, or for its CPU time
    /// at the function's share of a vCPU where that is longer: the run had whole cores,
    /// the function has a fraction of one.
    pub fn shipped(m: &Measurement, d: Deployment) -> Usage {
        let vcpu = (d.memory_mb / MB_PER_VCPU).min(1.0);
        let orders = m.orders as f64;
        let batches = m.batches as f64;
        Usage {
            orders,
            invocations: batches,
            lambda_seconds: m.wall_seconds.max(m.cpu_seconds / vcpu),
            memory_mb: d.memory_mb,
            dynamodb_requests: m.dynamodb.values().map(|u| u.requests as f64).sum(),
            read_units: m.dynamodb.values().map(|u| u.read).sum(),
            write_units: m.dynamodb.values().map(|u| u.write).sum(),
            s3_puts: m.requests.get("S3.PutObject").copied().unwrap_or(0) as f64,
            // The shop's sends, and Lambda's receive and delete per batch.
            sqs_requests: orders * d.sends_per_order + 2.0 * batches,
        }
    }

    /// The same orders through a naive design: every item read or written by a request
    /// of its own (the same units, more round trips, each waited for at the measured
    /// time per request), and the merchant's settings, campaigns and inserts read for
    /// every order instead of from the warm cache. Objects are the shipped ones: it
    /// already writes one object per document.
    pub fn naive(m: &Measurement, d: Deployment) -> Usage {
        let shipped = Self::shipped(m, d);
        let orders = shipped.orders;
        let mut requests = 0.0;
        let mut extra_seconds = 0.0;
        for u in m.dynamodb.values() {
            requests += u.items.max(u.requests) as f64;
            if u.requests > 0 {
                let per_request = u.seconds / u.requests as f64;
                extra_seconds += u.items.saturating_sub(u.requests) as f64 * per_request;
            }
        }
        let load = &m.campaign_load;
        Usage {
            lambda_seconds: shipped.lambda_seconds + extra_seconds + orders * load.seconds,
            dynamodb_requests: requests + orders * load.requests as f64,
            read_units: shipped.read_units + orders * load.read,
            ..shipped
        }
    }
}

/// One priced line of the bill.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub item: &'static str,
    /// Units used per order, in the line's unit.
    pub per_order: f64,
    pub unit: &'static str,
    pub per_million_orders: Decimal,
}

/// The bill for a million orders, line by line.
pub fn bill(usage: &Usage, prices: &Prices) -> Vec<Line> {
    let million = Decimal::from(1_000_000);
    let per_order = |quantity: f64| quantity / usage.orders.max(1.0);
    let dollars = |quantity_per_order: f64, price_per_unit: Decimal| {
        Decimal::from_f64(quantity_per_order).unwrap_or_default() * price_per_unit * million
    };
    let gb_seconds = per_order(usage.lambda_seconds) * usage.memory_mb / 1024.0;
    let line = |item, per_order: f64, unit, price: Decimal| Line {
        item,
        per_order,
        unit,
        per_million_orders: dollars(per_order, price),
    };
    vec![
        line(
            "Lambda invocations",
            per_order(usage.invocations),
            "requests",
            prices.lambda.per_million_requests / million,
        ),
        line(
            "Lambda duration",
            gb_seconds,
            "GB-s",
            prices.lambda.arm64_per_gb_second,
        ),
        line(
            "DynamoDB reads",
            per_order(usage.read_units),
            "read units",
            prices.dynamodb.per_million_read_request_units / million,
        ),
        line(
            "DynamoDB writes",
            per_order(usage.write_units),
            "write units",
            prices.dynamodb.per_million_write_request_units / million,
        ),
        line(
            "S3 PUT",
            per_order(usage.s3_puts),
            "requests",
            prices.s3.per_thousand_put_requests / Decimal::from(1000),
        ),
        line(
            "SQS",
            per_order(usage.sqs_requests),
            "requests",
            prices.sqs.per_million_requests / million,
        ),
    ]
}

pub fn total(lines: &[Line]) -> Decimal {
    lines.iter().map(|l| l.per_million_orders).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prices() -> Prices {
        Prices::shipped().expect("the shipped prices parse")
    }

    fn units(requests: u64, items: u64, read: f64, write: f64, seconds: f64) -> Units {
        Units {
            requests,
            items,
            read,
            write,
            seconds,
        }
    }

    /// 100 orders in 10 batches: one BatchGetItem of 30 keys and ten transactions of
    /// five items per batch, three objects per order.
    fn measurement() -> Measurement {
        Measurement {
            orders: 100,
            batches: 10,
            wall_seconds: 0.5,
            cpu_seconds: 0.1,
            dynamodb: [
                ("BatchGetItem".to_string(), units(10, 300, 150.0, 0.0, 0.1)),
                (
                    "TransactWriteItems".to_string(),
                    units(100, 500, 0.0, 1000.0, 1.0),
                ),
            ]
            .into(),
            requests: [("S3.PutObject".to_string(), 300)].into(),
            campaign_load: units(3, 3, 4.0, 0.0, 0.003),
        }
    }

    fn line<'a>(lines: &'a [Line], item: &str) -> &'a Line {
        lines.iter().find(|l| l.item == item).expect("a line")
    }

    #[test]
    fn the_shipped_prices_parse_with_their_date() {
        let p = prices();
        assert_eq!(p.as_of, "2026-11-23");
        assert_eq!(p.s3.per_thousand_put_requests, Decimal::new(5, 3));
    }

    #[test]
    fn an_unknown_or_missing_price_is_refused_with_its_name() {
        let text = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../infra/prices.toml"),
        )
        .unwrap();
        let missing = text.replace("per_million_requests = \"0.40\"", "");
        assert!(
            Prices::parse(&missing)
                .unwrap_err()
                .contains("per_million_requests")
        );
        let unknown = text.replace("[s3]", "[s3]\nper_gb_month = \"0.023\"");
        assert!(
            Prices::parse(&unknown)
                .unwrap_err()
                .contains("per_gb_month")
        );
    }

    #[test]
    fn each_line_is_units_per_order_times_the_published_price() {
        let lines = bill(
            &Usage::shipped(&measurement(), Deployment::default()),
            &prices(),
        );
        // 10 write units an order at $0.625 a million units: $6.25 a million orders.
        let writes = line(&lines, "DynamoDB writes");
        assert_eq!(writes.per_order, 10.0);
        assert_eq!(writes.per_million_orders, Decimal::new(625, 2));
        // Three PUTs an order at $0.005 a thousand: $15 a million orders.
        assert_eq!(line(&lines, "S3 PUT").per_million_orders, Decimal::from(15));
        // One invocation per ten orders at $0.20 a million: $0.02.
        assert_eq!(
            line(&lines, "Lambda invocations").per_million_orders,
            Decimal::new(2, 2)
        );
        // The shop's send, and a receive and a delete per batch of ten: 1.2 requests.
        let sqs = line(&lines, "SQS");
        assert!((sqs.per_order - 1.2).abs() < 1e-9);
        assert_eq!(
            total(&lines),
            lines.iter().map(|l| l.per_million_orders).sum()
        );
    }

    #[test]
    fn a_batch_is_billed_for_its_cpu_at_the_functions_share_of_a_vcpu_when_that_is_longer() {
        let mut m = measurement();
        let d = Deployment::default();
        // 0.1 s of CPU at 512/1769 of a vCPU is 0.345 s: shorter than 0.5 s of wall time.
        assert_eq!(Usage::shipped(&m, d).lambda_seconds, 0.5);
        m.cpu_seconds = 0.4;
        let billed = Usage::shipped(&m, d).lambda_seconds;
        assert!((billed - 0.4 * 1769.0 / 512.0).abs() < 1e-9, "{billed}");
    }

    #[test]
    fn the_naive_design_sends_a_request_per_item_and_reads_the_campaigns_per_order() {
        let m = measurement();
        let d = Deployment::default();
        let (shipped, naive) = (Usage::shipped(&m, d), Usage::naive(&m, d));
        assert_eq!(shipped.dynamodb_requests, 110.0);
        // 300 GetItems and 500 single-item transactions, and three reads per order.
        assert_eq!(naive.dynamodb_requests, 800.0 + 300.0);
        assert_eq!(naive.write_units, shipped.write_units);
        assert_eq!(naive.read_units, shipped.read_units + 400.0);
        // 290 more reads at 10 ms and 400 more writes at 10 ms, 3 ms of reads per order.
        let extra = naive.lambda_seconds - shipped.lambda_seconds;
        assert!((extra - (2.9 + 4.0 + 0.3)).abs() < 1e-9, "{extra}");
        assert_eq!(naive.s3_puts, shipped.s3_puts);
        assert!(
            total(&bill(&naive, &prices())) > total(&bill(&shipped, &prices())),
            "the naive design costs more"
        );
    }
}
