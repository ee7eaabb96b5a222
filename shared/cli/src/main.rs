//! `packwise`: process orders into pick-pack instructions on the embedded default,
//! manage campaigns, explain decisions, run the demo.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use clap::{Parser, Subcommand};
use packwise_cli::data::DataDir;
use packwise_cli::{demo, documents, explain, process_file};
use packwise_core::api_key;
use packwise_core::campaign::Campaign;
use packwise_core::insert::Insert;
use packwise_core::order::Order;
use packwise_core::ports::{ConfigStore, Expect, KeyStore, OrderStore, StoreError};
use packwise_core::settings::MerchantSettings;
use packwise_core::{CampaignSet, PickPackInstruction, targeting};
use packwise_embedded::SqliteStore;

#[derive(Parser)]
#[command(
    name = "packwise",
    version,
    about = "Personal touches for every parcel: inserts, coupons, suggestions, messages and packaging chosen from purchase history."
)]
struct Cli {
    /// Folder of the embedded store and its output.
    #[arg(
        long,
        global = true,
        env = "PACKWISE_DATA",
        default_value = "packwise-data"
    )]
    data: PathBuf,
    /// Log as JSON lines instead of text (for log shippers).
    #[arg(long, global = true)]
    json_logs: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a sample merchant, customers with history and a day of orders, process them
    /// and print what went into the boxes. Replaces `DATA/demo`.
    Demo {
        #[arg(long, default_value_t = 2000)]
        customers: usize,
        #[arg(long, default_value_t = 1000)]
        orders: usize,
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// Day the orders are placed (default: today, UTC).
        #[arg(long)]
        day: Option<chrono::NaiveDate>,
    },
    /// Process a JSON Lines file of orders (`-` for standard input) into instructions.
    /// Bad lines are reported and skipped; the exit code is 1 if any line failed.
    Process { orders: PathBuf },
    /// Show what would be chosen for one order and why. Writes nothing.
    Explain {
        order: PathBuf,
        /// Print the decision as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Merchant settings.
    #[command(subcommand)]
    Merchant(MerchantCommand),
    /// Campaigns of a merchant.
    #[command(subcommand)]
    Campaign(CampaignCommand),
    /// Printed inserts and their stock.
    #[command(subcommand)]
    Insert(InsertCommand),
    /// API keys merchants call the HTTP API with.
    #[command(subcommand)]
    Key(KeyCommand),
    /// Import past orders (JSON Lines) into customer profiles without deciding anything.
    ImportHistory { orders: PathBuf },
    /// Similar items computed from purchase history.
    #[command(subcommand)]
    Similar(SimilarCommand),
    /// Serve the merchant API on the embedded store until interrupted. Callers send a key
    /// from `packwise key create` as `Authorization: Bearer <key>`.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: std::net::SocketAddr,
    },
    /// Write a wave's pick lists, per fulfillment centre: the inserts to pull with their
    /// totals and the manifest of what each order gets, as CSV and PDF, under
    /// `DATA/out/picklists/` (the keys the scheduled function writes on S3). Running a
    /// wave again rewrites its lists, with orders processed since included.
    PickList {
        #[arg(long, env = "PACKWISE_MERCHANT")]
        merchant: String,
        /// Only this centre (its list is written even without orders); default: every
        /// centre with orders in the wave.
        #[arg(long)]
        centre: Option<String>,
        /// Start of the wave, UTC (RFC 3339 such as 2026-11-23T10:00:00Z); default: the
        /// last closed wave.
        #[arg(long, value_parser = parse_cutoff)]
        wave_start: Option<chrono::DateTime<chrono::Utc>>,
        /// Length of every wave in minutes, from UTC midnight: 5 to 1440, dividing a day.
        #[arg(long, default_value_t = 120)]
        wave_minutes: u32,
        /// How long after a wave ends it counts as closed, in minutes.
        #[arg(long, default_value_t = 15)]
        settle_minutes: u32,
        /// Paper of the PDF, a4 or letter (default: the merchant's slip paper, A4 where
        /// slips are printed on 4x6 labels).
        #[arg(long, value_parser = packwise_handlers::list_paper)]
        paper: Option<packwise_slips::PaperSize>,
    },
    /// Write the JSON Schemas of orders, campaigns, inserts, settings and instructions.
    Schema {
        #[arg(long, default_value = "schemas")]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum SimilarCommand {
    /// Rebuild the similar items of one merchant (or of every merchant) from the
    /// purchase history in the store: what the scheduled function does on AWS.
    Build {
        /// Only this merchant; every merchant with settings when left out.
        #[arg(long, env = "PACKWISE_MERCHANT")]
        merchant: Option<String>,
        /// Neighbours kept per SKU.
        #[arg(long, default_value_t = 20)]
        neighbours: usize,
    },
    /// Write a seeded purchase log as CSV, with best-sellers, repeat purchases and
    /// complements bought together planted in it: the format `similar evaluate` reads.
    SampleCsv {
        /// Order lines to write.
        #[arg(long, default_value_t = 200_000)]
        lines: usize,
        /// The same seed and options always give the same file.
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// Last day of the two years of orders (default: today, UTC).
        #[arg(long)]
        end: Option<chrono::NaiveDate>,
        /// File to write, `-` for standard output.
        #[arg(long)]
        out: PathBuf,
    },
    /// Evaluate the similar-items model on a purchase log split in time: from the
    /// history before the cutoff and from single orders after it, how often 10
    /// suggestions name what the customer bought next; a popularity baseline beside it.
    Evaluate {
        /// CSV with the columns order_id, customer_id, timestamp, sku, quantity,
        /// unit_price (title and category optional).
        #[arg(long)]
        orders: PathBuf,
        /// Orders before this time train the model; the rest are scored. RFC 3339 or a date.
        #[arg(long, value_parser = parse_cutoff)]
        cutoff: chrono::DateTime<chrono::Utc>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Also evaluate every measure and option the shipped model was chosen from.
        #[arg(long)]
        compare: bool,
    },
}

fn parse_cutoff(text: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    packwise_cli::evaluate::parse_time(text).map_err(|e| e.to_string())
}

#[derive(Subcommand)]
enum MerchantCommand {
    /// Create a new merchant with default settings and a freshly generated coupon secret.
    /// An existing merchant is refused: edit it with `merchant set`.
    Create {
        /// The merchant's id, as every other command names it (`--merchant`).
        #[arg(long)]
        id: String,
        /// Name printed on slips and usable in messages.
        #[arg(long)]
        name: String,
        /// Language of messages when the customer's is unknown.
        #[arg(long, default_value = "en")]
        locale: String,
        /// Currency of amounts in the settings (ISO 4217).
        #[arg(long, default_value = "EUR")]
        currency: String,
    },
    /// Create or replace a merchant's settings from a JSON file.
    Set { file: PathBuf },
    /// Print a merchant's settings (the coupon secret is masked).
    Show { merchant: String },
}

#[derive(Subcommand)]
enum CampaignCommand {
    /// Check campaign files without saving: every problem, with its field.
    Validate {
        file: PathBuf,
        #[arg(long, env = "PACKWISE_MERCHANT")]
        merchant: String,
    },
    /// Validate and save campaigns (one object or an array). Existing ids are replaced.
    Add {
        file: PathBuf,
        #[arg(long, env = "PACKWISE_MERCHANT")]
        merchant: String,
    },
    /// List a merchant's campaigns with their counters.
    List {
        #[arg(long, env = "PACKWISE_MERCHANT")]
        merchant: String,
        #[arg(long)]
        json: bool,
    },
    /// Print every variable a condition may use.
    Variables,
}

#[derive(Subcommand)]
enum InsertCommand {
    /// Create or replace inserts (one object or an array), with stock per centre.
    Add {
        file: PathBuf,
        #[arg(long, env = "PACKWISE_MERCHANT")]
        merchant: String,
    },
    /// List inserts with their stock per centre.
    List {
        #[arg(long, env = "PACKWISE_MERCHANT")]
        merchant: String,
    },
}

#[derive(Subcommand)]
enum KeyCommand {
    /// Issue a new API key and print its token, once.
    Create {
        #[arg(long, env = "PACKWISE_MERCHANT")]
        merchant: String,
        /// What the key is for, shown in listings.
        #[arg(long)]
        label: Option<String>,
    },
    /// List a merchant's keys, revoked ones too, newest first.
    List {
        #[arg(long, env = "PACKWISE_MERCHANT")]
        merchant: String,
    },
    /// Revoke a key: requests with it are refused from now on.
    Revoke {
        #[arg(long, env = "PACKWISE_MERCHANT")]
        merchant: String,
        /// The key's id, as `key list` shows it.
        id: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logs(cli.json_logs);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_logs(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("PACKWISE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let data = DataDir::new(&cli.data);
    match cli.command {
        Command::Demo {
            customers,
            orders,
            seed,
            day,
        } => {
            let opts = demo::DemoOptions {
                customers,
                orders,
                seed,
                day: day.unwrap_or_else(|| chrono::Utc::now().date_naive()),
            };
            let root = cli.data.join("demo");
            let mut out = std::io::stdout();
            let run = demo::run(&root, &opts, &mut out).await?;
            let r = &run.report;
            writeln!(out, "\n{}", r.summary.render())?;
            writeln!(
                out,
                "{} orders in {:.2} s ({:.0} orders/s), {} failed",
                r.processed + r.replayed,
                r.elapsed.as_secs_f64(),
                r.orders_per_second(),
                r.failures.len()
            )?;
            let data = DataDir::new(&run.dir);
            writeln!(
                out,
                "\ninstructions: {}",
                data.output().join("pickpack").display()
            )?;
            if let Some(slip) = &r.summary.first_slip {
                writeln!(out, "a slip:       {}", data.output().join(slip).display())?;
            }
            writeln!(out, "store:        {}", data.database().display())?;
            writeln!(out, "orders:       {}", run.orders_file.display())?;
            writeln!(
                out,
                "\nnext: packwise --data {} explain {}",
                run.dir.display(),
                run.sample_order.display()
            )?;
            Ok(if r.failures.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Process { orders } => process(&data, &orders).await,
        Command::Explain { order, json } => {
            let order: Order = documents::read_one(&order)?;
            let processor = data.open()?;
            let (decision, processed) = processor.explain(&order).await?;
            let stored = match &processed {
                Some(done) => Some(serde_json::from_str::<PickPackInstruction>(
                    &done.instruction,
                )?),
                None => None,
            };
            match (json, &processed, &stored) {
                (true, Some(done), Some(ins)) => {
                    let doc = serde_json::json!({"already_processed_as": done.instruction_key, "instruction": ins});
                    println!("{}", serde_json::to_string_pretty(&doc)?);
                }
                (true, _, _) => {
                    let doc = serde_json::json!({
                        "explanations": decision.explanations,
                        "instruction": decision.instruction,
                    });
                    println!("{}", serde_json::to_string_pretty(&doc)?);
                }
                (false, Some(done), Some(ins)) => {
                    print!("{}", explain::render_stored(&done.instruction_key, ins))
                }
                (false, _, _) => print!("{}", explain::render(&decision)),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Merchant(cmd) => merchant(&data, cmd).await,
        Command::Campaign(cmd) => campaign(&data, cmd).await,
        Command::Insert(cmd) => insert(&data, cmd).await,
        Command::Key(cmd) => key(&data, cmd).await,
        Command::ImportHistory { orders } => import_history(&data, &orders).await,
        Command::Similar(SimilarCommand::Build {
            merchant,
            neighbours,
        }) => similar_build(&data, merchant.as_deref(), neighbours).await,
        Command::Similar(SimilarCommand::SampleCsv {
            lines,
            seed,
            end,
            out,
        }) => similar_sample_csv(lines, seed, end, &out),
        Command::Similar(SimilarCommand::Evaluate {
            orders,
            cutoff,
            json,
            compare,
        }) => {
            let report = packwise_cli::evaluate::run(&orders, cutoff, compare)?;
            let mut out = std::io::stdout().lock();
            if json {
                serde_json::to_writer_pretty(&mut out, &report)?;
                writeln!(out)?;
            } else {
                packwise_cli::evaluate::print_table(&report, &mut out)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::PickList {
            merchant,
            centre,
            wave_start,
            wave_minutes,
            settle_minutes,
            paper,
        } => {
            let processor = data.open()?;
            require_merchant(&processor.store, &merchant).await?;
            let args = packwise_cli::pick_list::PickListArgs {
                merchant: &merchant,
                centre: centre.as_deref(),
                wave_start,
                wave_minutes,
                settle_minutes,
                paper,
            };
            let now = chrono::Utc::now();
            let mut out = std::io::stdout().lock();
            packwise_cli::pick_list::run(&processor.store, &processor.sink, &args, now, &mut out)
                .await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve { listen } => serve(&data, listen).await,
        Command::Schema { out } => {
            std::fs::create_dir_all(&out)?;
            for (name, schema) in packwise_core::schema::all() {
                let path = out.join(name);
                std::fs::write(&path, packwise_core::schema::render(&schema))?;
                println!("{}", path.display());
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn process(data: &DataDir, path: &Path) -> anyhow::Result<ExitCode> {
    let processor = data.open()?;
    let (input, size): (Box<dyn std::io::BufRead>, u64) = if path == Path::new("-") {
        (Box::new(std::io::stdin().lock()), 0)
    } else {
        let file =
            std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
        let size = file.metadata()?.len();
        (Box::new(std::io::BufReader::new(file)), size)
    };
    let report = process_file::process_lines(&processor, input, size, |f| match &f.order_id {
        Some(id) => eprintln!("line {} (order {id}): {}", f.line, f.reason),
        None => eprintln!("line {}: {}", f.line, f.reason),
    })
    .await?;
    if report.processed > 0 {
        println!("{}", report.summary.render());
    }
    println!(
        "{} processed, {} already done before, {} failed in {:.2} s ({:.0} orders/s)",
        report.processed,
        report.replayed,
        report.failures.len(),
        report.elapsed.as_secs_f64(),
        report.orders_per_second()
    );
    println!("instructions: {}", data.output().join("pickpack").display());
    Ok(if report.failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

async fn merchant(data: &DataDir, cmd: MerchantCommand) -> anyhow::Result<ExitCode> {
    let processor = data.open()?;
    let store = &processor.store;
    match cmd {
        MerchantCommand::Create {
            id,
            name,
            locale,
            currency,
        } => {
            let mut settings = new_merchant(&id, &name, &locale, &currency)?;
            settings.version = match store.put_settings(&settings, Expect::Absent).await {
                Err(StoreError::VersionConflict { expected: None, .. }) => bail!(
                    "merchant `{id}` exists already: change it with `packwise merchant set FILE`"
                ),
                written => written?,
            };
            println!("created merchant {id}:");
            println!("{}", serde_json::to_string_pretty(&settings.masked())?);
            println!("next: packwise key create --merchant {id}");
        }
        MerchantCommand::Set { file } => {
            let settings: MerchantSettings = documents::read_one(&file)?;
            let mut problems = settings
                .validate()
                .err()
                .map(|i| i.errors)
                .unwrap_or_default();
            problems.extend(packwise_slips::template_problems(&settings.slip));
            if !problems.is_empty() {
                let invalid = packwise_core::validation::Invalid { errors: problems };
                bail!("{} is not valid: {invalid}", file.display());
            }
            store.put_settings(&settings, Expect::Any).await?;
            println!("merchant {} saved", settings.merchant);
        }
        MerchantCommand::Show { merchant } => {
            let settings = require_merchant(store, &merchant).await?;
            println!("{}", serde_json::to_string_pretty(&settings.masked())?);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Settings with the defaults a merchant file may leave out, and a coupon secret of 128
/// random bits (32 hex digits) nobody has to invent.
fn new_merchant(
    id: &str,
    name: &str,
    locale: &str,
    currency: &str,
) -> anyhow::Result<MerchantSettings> {
    let currency: packwise_core::Currency = currency
        .parse()
        .map_err(|e: String| anyhow::anyhow!("--currency: {e}"))?;
    let secret: String = random_bytes::<16>()?
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let settings: MerchantSettings = serde_json::from_value(serde_json::json!({
        "merchant": id,
        "name": name,
        "default_locale": locale,
        "default_currency": currency,
        "coupon_secret": secret,
    }))?;
    settings
        .validate()
        .with_context(|| format!("cannot create merchant `{id}`"))?;
    Ok(settings)
}

fn random_bytes<const N: usize>() -> anyhow::Result<[u8; N]> {
    let mut bytes = [0; N];
    getrandom::fill(&mut bytes)
        .map_err(|e| anyhow::anyhow!("the operating system gave no randomness: {e}"))?;
    Ok(bytes)
}

/// The merchant's settings, or the error every merchant command gives for an unknown one.
async fn require_merchant(store: &SqliteStore, merchant: &str) -> anyhow::Result<MerchantSettings> {
    match store.settings(merchant).await? {
        Some(settings) => Ok(settings),
        None => bail!(
            "no merchant `{merchant}`: create it with `packwise merchant create --id {merchant} --name NAME`"
        ),
    }
}

async fn key(data: &DataDir, cmd: KeyCommand) -> anyhow::Result<ExitCode> {
    let processor = data.open()?;
    let store = &processor.store;
    match cmd {
        KeyCommand::Create { merchant, label } => {
            require_merchant(store, &merchant).await?;
            if let Some(label) = &label {
                api_key::validate_label(label)?;
            }
            let issued = api_key::issue(
                &merchant,
                label.as_deref(),
                random_bytes()?,
                chrono::Utc::now(),
            );
            store.put_api_key(&issued.key).await?;
            println!("created key {} for merchant {merchant}", issued.key.id);
            println!("token: {}", issued.token);
            println!("this token will not be shown again: store it now (only its hash is kept)");
        }
        KeyCommand::List { merchant } => {
            require_merchant(store, &merchant).await?;
            let keys = store.api_keys(&merchant).await?;
            if keys.is_empty() {
                println!("no keys: create one with `packwise key create --merchant {merchant}`");
                return Ok(ExitCode::SUCCESS);
            }
            println!("{:<12}  {:<20}  {:<20}  label", "key", "created", "revoked");
            for k in keys {
                let revoked = k.revoked_at.map_or("-".to_string(), time);
                println!(
                    "{:<12}  {:<20}  {revoked:<20}  {}",
                    k.id,
                    time(k.created_at),
                    k.label.as_deref().unwrap_or("-")
                );
            }
        }
        KeyCommand::Revoke { merchant, id } => {
            require_merchant(store, &merchant).await?;
            let at = chrono::Utc::now();
            if !store.revoke_api_key(&merchant, &id, at).await? {
                eprintln!(
                    "error: merchant {merchant} has no key `{id}` (`packwise key list --merchant {merchant}` shows its keys)"
                );
                return Ok(ExitCode::FAILURE);
            }
            // A key revoked before keeps its first time: say which it is.
            let since = store
                .api_key(&id)
                .await?
                .and_then(|k| k.revoked_at)
                .unwrap_or(at);
            println!("key {id} revoked at {}", time(since));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn time(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

async fn campaign(data: &DataDir, cmd: CampaignCommand) -> anyhow::Result<ExitCode> {
    if let CampaignCommand::Variables = cmd {
        println!("{:<32} {:<18} meaning", "variable", "type");
        for v in targeting::VARIABLES {
            println!("{:<32} {:<18} {}", v.path, v.cel_type, v.meaning);
        }
        return Ok(ExitCode::SUCCESS);
    }
    let processor = data.open()?;
    let store = &processor.store;
    match cmd {
        CampaignCommand::Validate { file, merchant } => {
            require_merchant(store, &merchant).await?;
            let campaigns: Vec<Campaign> = documents::read_many(&file)?;
            let inserts = store.inserts(&merchant).await?;
            let failed = report_validation(&campaigns, &inserts);
            Ok(if failed {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
        CampaignCommand::Add { file, merchant } => {
            require_merchant(store, &merchant).await?;
            let campaigns: Vec<Campaign> = documents::read_many(&file)?;
            let inserts = store.inserts(&merchant).await?;
            if report_validation(&campaigns, &inserts) {
                eprintln!("nothing saved");
                return Ok(ExitCode::FAILURE);
            }
            let existing = store.campaigns(&merchant).await?;
            for mut c in campaigns {
                let previous = existing.iter().find(|e| e.id == c.id).map(|e| e.version);
                c.version = previous.unwrap_or(0) + 1;
                let expect = previous.map_or(Expect::Absent, Expect::Version);
                store.put_campaign(&merchant, &c, expect).await?;
                let note = match c.status {
                    packwise_core::campaign::CampaignStatus::Draft => {
                        " (draft: set \"status\": \"active\" to run it)"
                    }
                    _ => "",
                };
                println!("saved {} version {}{note}", c.id, c.version);
            }
            Ok(ExitCode::SUCCESS)
        }
        CampaignCommand::List { merchant, json } => {
            require_merchant(store, &merchant).await?;
            let campaigns = store.campaigns(&merchant).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&campaigns)?);
                return Ok(ExitCode::SUCCESS);
            }
            println!(
                "{:<24} {:<9} {:>8} {:>8} {:>8}  condition",
                "campaign", "status", "priority", "issued", "budget"
            );
            for c in campaigns {
                let counters = store.counters(&merchant, &c.id).await?;
                let issued = counters
                    .get(packwise_core::ports::ISSUED)
                    .copied()
                    .unwrap_or(0);
                let budget = c.budget.map_or("-".to_string(), |b| b.to_string());
                let status = serde_json::to_value(c.status)?
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
                println!(
                    "{:<24} {status:<9} {:>8} {issued:>8} {budget:>8}  {}",
                    c.id, c.priority, c.condition
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        CampaignCommand::Variables => unreachable!("handled above"),
    }
}

/// Prints every problem of every campaign; returns whether any failed.
fn report_validation(campaigns: &[Campaign], inserts: &[Insert]) -> bool {
    let mut failed = false;
    for (i, c) in campaigns.iter().enumerate() {
        // Saving the second copy would fail half way, after the first was saved.
        if campaigns[..i].iter().any(|earlier| earlier.id == c.id) {
            failed = true;
            eprintln!("{}: id: appears more than once in the file", c.id);
            continue;
        }
        match CampaignSet::validate(c, inserts) {
            Ok(()) => println!("{}: ok", c.id),
            Err(invalid) => {
                failed = true;
                for e in invalid.errors {
                    eprintln!("{}: {}: {}", c.id, e.field, e.message);
                }
            }
        }
    }
    failed
}

async fn insert(data: &DataDir, cmd: InsertCommand) -> anyhow::Result<ExitCode> {
    let processor = data.open()?;
    let store = &processor.store;
    match cmd {
        InsertCommand::Add { file, merchant } => {
            // A mistyped merchant would otherwise keep inserts no campaign can see.
            require_merchant(store, &merchant).await?;
            let inserts: Vec<Insert> = documents::read_many(&file)?;
            let mut problems = false;
            for i in &inserts {
                let mut p = packwise_core::validation::Problems::default();
                i.validate_structure(&mut p);
                if let Err(invalid) = p.finish() {
                    problems = true;
                    for e in invalid.errors {
                        eprintln!("{}: {}: {}", i.sku, e.field, e.message);
                    }
                }
            }
            if problems {
                eprintln!("nothing saved");
                return Ok(ExitCode::FAILURE);
            }
            for i in &inserts {
                store.put_insert(&merchant, i, Expect::Any).await?;
                println!("saved {}", i.sku);
            }
        }
        InsertCommand::List { merchant } => {
            require_merchant(store, &merchant).await?;
            println!("{:<24} {:<16} {:>6}  stock", "insert", "kind", "grams");
            for i in store.inserts(&merchant).await? {
                let kind = serde_json::to_value(i.kind)?
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
                let stock: Vec<String> = i
                    .stock
                    .iter()
                    .map(|(c, n)| {
                        let low = if *n <= i64::from(i.low_stock_threshold) {
                            " (low)"
                        } else {
                            ""
                        };
                        format!("{c} {n}{low}")
                    })
                    .collect();
                println!(
                    "{:<24} {kind:<16} {:>6}  {}",
                    i.sku,
                    i.weight_grams,
                    stock.join(", ")
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn similar_build(
    data: &DataDir,
    merchant: Option<&str>,
    neighbours: usize,
) -> anyhow::Result<ExitCode> {
    let processor = data.open()?;
    if let Some(m) = merchant {
        require_merchant(&processor.store, m).await?;
    }
    let report = packwise_handlers::rebuild_similar(
        &processor.store,
        merchant,
        packwise_cli::similar_rebuild(neighbours),
    )
    .await?;
    for done in &report.rebuilt {
        println!(
            "{}: {} past orders read, similar items of {} products written in {} ms",
            done.merchant, done.orders_read, done.skus_written, done.millis
        );
    }
    for (m, e) in &report.failed {
        eprintln!("{m}: not rebuilt: {e}");
    }
    Ok(if report.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn similar_sample_csv(
    lines: usize,
    seed: u64,
    end: Option<chrono::NaiveDate>,
    out: &Path,
) -> anyhow::Result<ExitCode> {
    use packwise_synth::purchases::{PurchaseLog, PurchaseLogOptions, day_end, write_csv};
    let end = end.unwrap_or_else(|| chrono::Utc::now().date_naive());
    let log = PurchaseLog::new(PurchaseLogOptions {
        lines,
        seed,
        end: day_end(end),
        ..PurchaseLogOptions::default()
    });
    let summary = if out == Path::new("-") {
        write_csv(&log, std::io::stdout().lock())?
    } else {
        let file =
            std::fs::File::create(out).with_context(|| format!("creating {}", out.display()))?;
        write_csv(&log, file).with_context(|| format!("writing {}", out.display()))?
    };
    let to = if out == Path::new("-") {
        "standard output".to_string()
    } else {
        out.display().to_string()
    };
    eprintln!(
        "{} lines, {} orders of {} customers over {} products, up to {end}: {to}",
        summary.lines, summary.orders, summary.customers, summary.products
    );
    Ok(ExitCode::SUCCESS)
}

async fn import_history(data: &DataDir, path: &Path) -> anyhow::Result<ExitCode> {
    use std::io::BufRead;
    let processor = data.open()?;
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let (mut imported, mut known, mut failed) = (0, 0, 0);
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let result = match serde_json::from_str::<Order>(&line) {
            Ok(order) => match order.validate() {
                Ok(()) => processor
                    .store
                    .import_history(&order)
                    .await
                    .map_err(|e| e.to_string()),
                Err(e) => Err(format!("invalid order: {e}")),
            },
            Err(e) => Err(documents::line_error(&e)),
        };
        match result {
            Ok(true) => imported += 1,
            Ok(false) => known += 1,
            Err(reason) => {
                failed += 1;
                eprintln!("line {}: {reason}", i + 1);
            }
        }
    }
    println!("{imported} imported, {known} already known, {failed} failed");
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

async fn serve(data: &DataDir, listen: std::net::SocketAddr) -> anyhow::Result<ExitCode> {
    let store = std::sync::Arc::new(data.store()?);
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    eprintln!(
        "merchant API on http://{}/v1 over {}; Ctrl-C stops",
        listener.local_addr()?,
        data.database().display()
    );
    let stop = async {
        // Without a signal handler the server only stops when killed, which is fine too.
        let _ = tokio::signal::ctrl_c().await;
    };
    axum::serve(listener, packwise_api::router(store))
        .with_graceful_shutdown(stop)
        .await?;
    Ok(ExitCode::SUCCESS)
}
