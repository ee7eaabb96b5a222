//! `packwise demo`: a sample merchant, seeded customers with history, and a day of orders
//! processed into instructions on disk, on the embedded default.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use chrono::{NaiveDate, NaiveTime};
use packwise_core::ports::{ConfigStore, Expect, OrderStore};
use packwise_synth::{Generator, demo};

use crate::data::DataDir;
use crate::process_file::{ProcessReport, process_lines};

pub struct DemoOptions {
    pub customers: usize,
    pub orders: usize,
    pub seed: u64,
    pub day: NaiveDate,
}

pub struct DemoRun {
    pub dir: PathBuf,
    pub orders_file: PathBuf,
    pub sample_order: PathBuf,
    pub history_orders: usize,
    pub report: ProcessReport,
}

/// Builds the demo in `root` from scratch (anything there before is replaced) and
/// processes the day's orders. Progress goes to `log`.
pub async fn run(root: &Path, opts: &DemoOptions, log: &mut impl Write) -> anyhow::Result<DemoRun> {
    if root.exists() {
        std::fs::remove_dir_all(root).with_context(|| format!("clearing {}", root.display()))?;
    }
    std::fs::create_dir_all(root)?;
    let data = DataDir::new(root);
    let processor = data.open()?;
    let store = &processor.store;

    let settings = demo::settings();
    let merchant = settings.merchant.clone();
    store.put_settings(&settings, Expect::Any).await?;
    let inserts = demo::inserts();
    for insert in &inserts {
        store.put_insert(&merchant, insert, Expect::Any).await?;
    }
    let campaigns = demo::campaigns();
    for campaign in &campaigns {
        packwise_core::CampaignSet::validate(campaign, &inserts)
            .with_context(|| format!("demo campaign {}", campaign.id))?;
        store
            .put_campaign(&merchant, campaign, Expect::Absent)
            .await?;
    }
    writeln!(
        log,
        "merchant {merchant}: {} campaigns, {} inserts in stock at BER1 and AMS1",
        campaigns.len(),
        inserts.len()
    )?;

    let generator = Generator::new(opts.seed).as_of(opts.day);
    let customers = generator.customers(opts.customers);
    let day_start = opts.day.and_time(NaiveTime::MIN).and_utc();
    let history = generator.history(&customers, day_start);
    for customer in &customers {
        store
            .put_customer_attributes(&merchant, &customer.id, &customer.attributes())
            .await?;
    }
    for order in &history {
        store.import_history(order).await?;
    }
    writeln!(
        log,
        "{} customers with {} past orders imported",
        customers.len(),
        history.len()
    )?;

    let rebuilt =
        packwise_handlers::rebuild_similar(store, Some(&merchant), crate::similar_rebuild(20))
            .await?;
    if let Some((m, e)) = rebuilt.failed.first() {
        anyhow::bail!("similar items of {m} not rebuilt: {e}");
    }
    let products: usize = rebuilt.rebuilt.iter().map(|r| r.skus_written).sum();
    writeln!(log, "similar items computed for {products} products")?;

    // A few orders more than asked: one that is not processed becomes the sample to
    // `explain`, so the suggested next step shows every campaign's verdict.
    let mut orders = generator.day_of_orders(&customers, opts.day, opts.orders + 20);
    let extra = orders.split_off(opts.orders.min(orders.len()));
    let sample = extra
        .iter()
        .find(|o| !o.channel.is_marketplace())
        .or(extra.first())
        .cloned();
    let orders_file = root.join(format!("orders-{}.jsonl", opts.day));
    {
        let mut w = BufWriter::new(std::fs::File::create(&orders_file)?);
        for order in &orders {
            serde_json::to_writer(&mut w, order)?;
            w.write_all(b"\n")?;
        }
        w.flush()?;
    }
    let sample_order = root.join("sample-order.json");
    if let Some(sample) = &sample {
        std::fs::write(&sample_order, serde_json::to_string_pretty(sample)?)?;
    }
    writeln!(log, "processing {} orders of {}...", orders.len(), opts.day)?;
    let size = std::fs::metadata(&orders_file)?.len();
    let input = std::io::BufReader::new(std::fs::File::open(&orders_file)?);
    let report = process_lines(&processor, input, size, |f| {
        eprintln!("line {}: {}", f.line, f.reason);
    })
    .await?;
    Ok(DemoRun {
        dir: root.to_path_buf(),
        orders_file,
        sample_order,
        history_orders: history.len(),
        report,
    })
}
