//! `packwise similar evaluate`: reads a purchase log (CSV), evaluates the similar-items
//! model against a popularity baseline on a split in time, prints a table or JSON.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use anyhow::{Context as _, bail};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use packwise_core::order::OrderLine;
use packwise_core::similar::evaluate::evaluate;
use packwise_core::similar::evaluate::{Evaluation, LoggedOrder, ModelScore, SplitSummary};
use packwise_core::similar::{Measure, ModelOptions, Together};
use serde::Serialize;

const REQUIRED: [&str; 6] = [
    "order_id",
    "customer_id",
    "timestamp",
    "sku",
    "quantity",
    "unit_price",
];

/// What reading the log kept and left out.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LogSummary {
    pub rows: usize,
    /// Returns and cancellations (quantity 0 or less) and rows without a customer or SKU:
    /// they say nothing about what was bought.
    pub rows_skipped: usize,
}

/// The log's orders, each with its rows grouped, in the order they first appear.
pub fn read_log(path: &Path) -> anyhow::Result<(Vec<LoggedOrder>, LogSummary)> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    read_log_from(file).with_context(|| format!("in {}", path.display()))
}

pub fn read_log_from(input: impl std::io::Read) -> anyhow::Result<(Vec<LoggedOrder>, LogSummary)> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(input);
    let header = reader
        .headers()
        .context("cannot read the header row")?
        .clone();
    let column = |name: &str| header.iter().position(|h| h.eq_ignore_ascii_case(name));
    let missing: Vec<&str> = REQUIRED
        .iter()
        .copied()
        .filter(|c| column(c).is_none())
        .collect();
    if !missing.is_empty() {
        bail!(
            "the header lacks {}: it needs {} (title and category are optional)",
            missing.join(", "),
            REQUIRED.join(", ")
        );
    }
    let at = |name| column(name).expect("checked above");
    let (order_id, customer, timestamp, sku, quantity) = (
        at("order_id"),
        at("customer_id"),
        at("timestamp"),
        at("sku"),
        at("quantity"),
    );
    let (title, category) = (column("title"), column("category"));

    let mut summary = LogSummary::default();
    let mut orders: Vec<LoggedOrder> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut record = csv::StringRecord::new();
    while reader
        .read_record(&mut record)
        .with_context(|| format!("row {}", summary.rows + 2))?
    {
        summary.rows += 1;
        let row = summary.rows + 1;
        let field = |i: usize| record.get(i).unwrap_or_default();
        let qty: f64 = field(quantity).parse().with_context(|| {
            format!("row {row}: quantity `{}` is not a number", field(quantity))
        })?;
        if qty <= 0.0 || field(customer).is_empty() || field(sku).is_empty() {
            summary.rows_skipped += 1;
            continue;
        }
        let placed_at =
            parse_time(field(timestamp)).with_context(|| format!("row {row}: timestamp"))?;
        let sku = field(sku);
        let line = OrderLine {
            sku: sku.to_string(),
            title: title
                .map(field)
                .filter(|t| !t.is_empty())
                .unwrap_or(sku)
                .to_string(),
            category: category
                .map(field)
                .filter(|c| !c.is_empty())
                .map(str::to_string),
            quantity: qty.round().max(1.0) as u32,
            unit_price: rust_decimal::Decimal::ZERO,
        };
        let id = field(order_id);
        match index.get(id) {
            Some(&i) => {
                let o = &mut orders[i];
                o.placed_at = o.placed_at.min(placed_at);
                o.lines.push(line);
            }
            None => {
                index.insert(id.to_string(), orders.len());
                orders.push(LoggedOrder {
                    order_id: id.to_string(),
                    customer: field(customer).to_string(),
                    placed_at,
                    lines: vec![line],
                });
            }
        }
    }
    Ok((orders, summary))
}

/// RFC 3339, or a date and time without a zone (UTC), or a date (midnight UTC).
pub fn parse_time(text: &str) -> anyhow::Result<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(text, format) {
            return Ok(t.and_utc());
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(d.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc());
    }
    bail!(
        "`{text}` is not a time: use RFC 3339 (2026-06-01T12:00:00Z), `2026-06-01 12:00:00` (UTC) or a date"
    )
}

/// The shipped model alone, or with `compare` every variant the choice was made from.
pub fn models(compare: bool) -> Vec<(String, ModelOptions)> {
    let shipped = ModelOptions::default();
    let mut models = vec![("packwise".to_string(), shipped)];
    if !compare {
        return models;
    }
    for together in [Together::Order, Together::Customer] {
        for measure in [
            Measure::Cosine,
            Measure::Jaccard,
            Measure::Lift,
            Measure::Bm25,
        ] {
            let options = ModelOptions {
                together,
                measure,
                ..shipped
            };
            models.push((name(&options), options));
        }
    }
    for (label, options) in [
        (
            "no shrinkage",
            ModelOptions {
                shrinkage: 0.0,
                ..shipped
            },
        ),
        (
            "shrinkage 2",
            ModelOptions {
                shrinkage: 2.0,
                ..shipped
            },
        ),
        (
            "shrinkage 10",
            ModelOptions {
                shrinkage: 10.0,
                ..shipped
            },
        ),
        (
            "shrinkage 20",
            ModelOptions {
                shrinkage: 20.0,
                ..shipped
            },
        ),
        (
            "no recency",
            ModelOptions {
                half_life_days: None,
                ..shipped
            },
        ),
        (
            "half-life 90 d",
            ModelOptions {
                half_life_days: Some(90.0),
                ..shipped
            },
        ),
    ] {
        models.push((format!("{}, {label}", name(&options)), options));
    }
    models
}

fn name(o: &ModelOptions) -> String {
    let measure = match o.measure {
        Measure::Cosine => "cosine",
        Measure::Jaccard => "jaccard",
        Measure::Lift => "lift",
        Measure::Bm25 => "bm25",
    };
    let together = match o.together {
        Together::Order => "order",
        Together::Customer => "customer",
    };
    format!("{measure}/{together}")
}

/// The evaluation as `--json` prints it.
#[derive(Serialize)]
pub struct Report {
    pub cutoff: DateTime<Utc>,
    pub data: Data,
    pub models: Vec<ModelScore>,
}

#[derive(Serialize)]
pub struct Data {
    #[serde(flatten)]
    pub log: LogSummary,
    #[serde(flatten)]
    pub split: SplitSummary,
}

pub fn report(log: LogSummary, evaluation: Evaluation) -> Report {
    Report {
        cutoff: evaluation.cutoff,
        data: Data {
            log,
            split: evaluation.data,
        },
        models: evaluation.models,
    }
}

/// Runs the whole command: read, check the split, evaluate.
pub fn run(path: &Path, cutoff: DateTime<Utc>, compare: bool) -> anyhow::Result<Report> {
    let (orders, log) = read_log(path)?;
    let e = evaluate(&orders, cutoff, &models(compare));
    if e.data.orders_train == 0 || e.data.orders_test == 0 {
        bail!(
            "the cutoff {cutoff} leaves {} orders before it and {} after: both sides need orders",
            e.data.orders_train,
            e.data.orders_test
        );
    }
    Ok(report(log, e))
}

pub fn print_table(r: &Report, out: &mut impl Write) -> std::io::Result<()> {
    let d = &r.data;
    writeln!(
        out,
        "{} rows ({} skipped), {} orders before {} and {} after, {} customers, {} items bought before",
        d.log.rows,
        d.log.rows_skipped,
        d.split.orders_train,
        r.cutoff.format("%Y-%m-%d %H:%M"),
        d.split.orders_test,
        d.split.customers,
        d.split.catalogue
    )?;
    let cases = r
        .models
        .first()
        .map(|m| (m.history.cases, m.next_order.cases));
    if let Some((history, next)) = cases {
        writeln!(
            out,
            "history: {history} (customer, later order) cases; next order: {next} cases; 10 suggestions each\n"
        )?;
    }
    let width = r
        .models
        .iter()
        .map(|m| m.model.len())
        .max()
        .unwrap_or(5)
        .max(5);
    writeln!(
        out,
        "{:width$}  {:>8}  {:>11} {:>9} {:>8}  {:>11} {:>9} {:>8}",
        "model", "build s", "history hit", "recall", "coverage", "next hit", "recall", "coverage"
    )?;
    for m in &r.models {
        writeln!(
            out,
            "{:width$}  {:>8.2}  {:>11.3} {:>9.3} {:>8.3}  {:>11.3} {:>9.3} {:>8.3}",
            m.model,
            m.build_ms as f64 / 1000.0,
            m.history.hit_rate,
            m.history.recall,
            m.history.coverage,
            m.next_order.hit_rate,
            m.next_order.recall,
            m.next_order.coverage
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_grouped_into_orders_and_returns_are_left_out() {
        let csv = "\
order_id,customer_id,timestamp,sku,quantity,unit_price,title
1,ann,2026-01-02 10:00:00,TEA,2,3.50,Mint Tea
2,bob,2026-01-03,CUP,1,5,
1,ann,2026-01-02T09:00:00Z,HONEY,1,4,Honey
C3,bob,2026-01-04,CUP,-1,5,
4,,2026-01-04,CUP,1,5,
";
        let (orders, summary) = read_log_from(csv.as_bytes()).unwrap();
        assert_eq!(
            summary,
            LogSummary {
                rows: 5,
                rows_skipped: 2
            }
        );
        assert_eq!(orders.len(), 2);
        assert_eq!(orders[0].lines.len(), 2);
        assert_eq!(
            orders[0].placed_at,
            parse_time("2026-01-02T09:00:00Z").unwrap()
        );
        assert_eq!(orders[0].lines[0].title, "Mint Tea");
        assert_eq!(
            orders[1].lines[0].title, "CUP",
            "a missing title is the SKU"
        );
    }

    #[test]
    fn bad_input_is_named_with_its_row() {
        let missing = read_log_from("order_id,sku\n1,A\n".as_bytes()).unwrap_err();
        assert!(
            missing
                .to_string()
                .contains("lacks customer_id, timestamp, quantity, unit_price"),
            "{missing}"
        );
        let csv = "order_id,customer_id,timestamp,sku,quantity,unit_price\n1,a,yesterday,A,1,1\n";
        let bad_time = format!("{:#}", read_log_from(csv.as_bytes()).unwrap_err());
        assert!(
            bad_time.contains("row 2: timestamp: `yesterday` is not a time"),
            "{bad_time}"
        );
        let csv =
            "order_id,customer_id,timestamp,sku,quantity,unit_price\n1,a,2026-01-01,A,two,1\n";
        let bad_qty = format!("{:#}", read_log_from(csv.as_bytes()).unwrap_err());
        assert!(
            bad_qty.contains("row 2: quantity `two` is not a number"),
            "{bad_qty}"
        );
    }
}
