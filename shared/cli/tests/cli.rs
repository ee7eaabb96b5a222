//! The `packwise` binary as a warehouse lead or a marketer runs it: exit codes, what it
//! prints, the files it leaves on disk and what a second command then finds in the store.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use packwise_core::MerchantSettings;
use packwise_core::api_key::{ApiKey, parse_token};
use packwise_core::ports::{ConfigStore, KeyStore};
use packwise_embedded::SqliteStore;
use serde_json::{Value, json};
use tempfile::TempDir;

struct Output {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Output {
    fn context(&self) -> String {
        format!(
            "exit {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// A data folder of its own, so tests run in parallel without sharing a store.
struct Sandbox {
    dir: TempDir,
}

impl Sandbox {
    fn new() -> Self {
        Sandbox {
            dir: tempfile::tempdir().expect("a temporary folder"),
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn data(&self) -> PathBuf {
        self.path().join("data")
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_at(&self.data(), args)
    }

    fn run_at(&self, data: &Path, args: &[&str]) -> Output {
        let out = Command::new(env!("CARGO_BIN_EXE_packwise"))
            .arg("--data")
            .arg(data)
            .args(args)
            .current_dir(self.path())
            // The caller's shell must not pick the store, the merchant or the log level.
            .env_remove("PACKWISE_DATA")
            .env_remove("PACKWISE_MERCHANT")
            .env_remove("PACKWISE_LOG")
            .output()
            .expect("the packwise binary runs");
        Output {
            code: out.status.code().expect("exited, not killed"),
            stdout: String::from_utf8(out.stdout).expect("UTF-8 stdout"),
            stderr: String::from_utf8(out.stderr).expect("UTF-8 stderr"),
        }
    }

    /// Runs and insists on the exit code, showing everything the command said if not.
    fn expect(&self, code: i32, args: &[&str]) -> Output {
        let out = self.run(args);
        assert_eq!(out.code, code, "packwise {args:?}\n{}", out.context());
        out
    }

    fn write(&self, name: &str, text: &str) -> String {
        let path = self.path().join(name);
        std::fs::write(&path, text).expect("write a fixture");
        path.to_str().expect("UTF-8 path").to_string()
    }

    fn write_json(&self, name: &str, value: &Value) -> String {
        self.write(name, &serde_json::to_string_pretty(value).unwrap())
    }

    fn instruction(&self, merchant: &str, centre: &str, day: &str, order: &str) -> PathBuf {
        self.data()
            .join("out/pickpack")
            .join(merchant)
            .join(centre)
            .join(day)
            .join(format!("{order}.json"))
    }

    /// The merchant `acme` with a welcome card in stock at BER1.
    fn acme(&self) {
        let settings = self.write_json(
            "merchant.json",
            &json!({
                "merchant": "acme",
                "name": "Acme Tea",
                "default_locale": "en",
                "default_currency": "EUR",
                "coupon_secret": "acme-coupon-secret-0123456789"
            }),
        );
        let out = self.expect(0, &["merchant", "set", &settings]);
        assert_eq!(out.stdout, "merchant acme saved\n");
        let inserts = self.write_json(
            "inserts.json",
            &json!([{
                "sku": "CARD-WELCOME",
                "name": "Welcome card",
                "kind": "welcome_card",
                "weight_grams": 10,
                "format": "flat",
                "stock": {"BER1": 100}
            }]),
        );
        let out = self.expect(0, &["insert", "add", &inserts, "--merchant", "acme"]);
        assert_eq!(out.stdout, "saved CARD-WELCOME\n");
    }

    /// `acme` plus an active campaign giving first-time buyers the welcome card.
    fn acme_with_welcome(&self) {
        self.acme();
        let file = self.write_json("welcome.json", &welcome_campaign());
        let out = self.expect(0, &["campaign", "add", &file, "--merchant", "acme"]);
        assert_eq!(out.stdout, "welcome: ok\nsaved welcome version 1\n");
    }

    fn campaigns(&self, merchant: &str) -> Vec<Value> {
        let out = self.expect(0, &["campaign", "list", "--merchant", merchant, "--json"]);
        match serde_json::from_str(&out.stdout).expect("campaign list --json is JSON") {
            Value::Array(items) => items,
            other => panic!("expected an array, got {other}"),
        }
    }

    /// Reads the store behind the command line's back (no command is running then).
    fn read_store<T>(&self, read: impl AsyncFnOnce(&SqliteStore) -> T) -> T {
        let store = SqliteStore::open(&self.data().join("packwise.db")).expect("the store opens");
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime")
            .block_on(read(&store))
    }

    fn settings(&self, merchant: &str) -> Option<MerchantSettings> {
        self.read_store(async |s| s.settings(merchant).await.unwrap())
    }

    fn stored_keys(&self, merchant: &str) -> Vec<ApiKey> {
        self.read_store(async |s| s.api_keys(merchant).await.unwrap())
    }

    /// Runs `key create` and returns the token it printed, checking it said so only once.
    fn create_key(&self, merchant: &str, label: &str) -> String {
        let out = self.expect(
            0,
            &["key", "create", "--merchant", merchant, "--label", label],
        );
        let tokens: Vec<&str> = out
            .stdout
            .lines()
            .filter_map(|l| l.strip_prefix("token: "))
            .collect();
        assert_eq!(tokens.len(), 1, "{}", out.stdout);
        tokens[0].to_string()
    }

    /// The `issued` column of `campaign list` for one campaign.
    fn issued(&self, merchant: &str, campaign: &str) -> u64 {
        let out = self.expect(0, &["campaign", "list", "--merchant", merchant]);
        let row = out
            .stdout
            .lines()
            .find(|l| l.split_whitespace().next() == Some(campaign))
            .unwrap_or_else(|| panic!("no row for {campaign}\n{}", out.stdout));
        let columns: Vec<&str> = row.split_whitespace().collect();
        columns[3].parse().expect("issued is a number")
    }
}

fn welcome_campaign() -> Value {
    json!({
        "id": "welcome",
        "name": "Welcome first-time buyers",
        "status": "active",
        "priority": 10,
        "condition": "customer.orders_before == 0",
        "actions": {"inserts": [{"sku": "CARD-WELCOME"}]}
    })
}

/// A sound order of two teas for 9.00 EUR, packed at BER1.
fn order(merchant: &str, id: &str, customer: &str, placed_at: &str) -> Value {
    json!({
        "merchant": merchant,
        "order_id": id,
        "customer": {"id": customer, "first_name": "Ana"},
        "placed_at": placed_at,
        "channel": "web",
        "currency": "EUR",
        "fulfillment_centre": "BER1",
        "ship_to": {"name": "Ana", "line1": "Main 1", "city": "Berlin",
                    "postal_code": "10115", "country": "DE"},
        "lines": [{"sku": "TEA-1", "title": "Mint Tea", "category": "tea",
                   "quantity": 2, "unit_price": "4.50"}],
        "totals": {"subtotal": "9.00", "shipping": "3.90", "total": "12.90"}
    })
}

fn jsonl(lines: &[String]) -> String {
    lines.iter().map(|l| format!("{l}\n")).collect()
}

/// The number printed after `label` in a summary line such as `orders    60`.
fn summary_number(stdout: &str, label: &str) -> u64 {
    let line = stdout
        .lines()
        .find(|l| l.starts_with(label) && l[label.len()..].starts_with(' '))
        .unwrap_or_else(|| panic!("no `{label}` line in\n{stdout}"));
    line[label.len()..].trim().parse().expect("a count")
}

fn files_under(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut found = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                found.insert(path.strip_prefix(dir).unwrap().to_path_buf(), bytes);
            }
        }
    }
    found
}

#[test]
fn demo_processes_a_day_into_instructions_and_can_run_again() {
    let sb = Sandbox::new();
    let args = [
        "demo",
        "--customers",
        "150",
        "--orders",
        "60",
        "--day",
        "2026-11-23",
    ];
    let out = sb.expect(0, &args);
    assert_eq!(summary_number(&out.stdout, "orders"), 60, "{}", out.stdout);
    assert!(
        out.stdout.lines().any(|l| l.starts_with("campaign ")
            && l.ends_with("applied  held out  suppressed  suppressed by")),
        "no campaign table\n{}",
        out.stdout
    );
    // A header with no rows under it would pass the check above.
    assert!(
        out.stdout
            .lines()
            .any(|l| l.starts_with("first-order-welcome ")),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("60 orders in "), "{}", out.stdout);
    assert!(out.stdout.contains(", 0 failed\n"), "{}", out.stdout);

    let demo = sb.data().join("demo");
    let sample = demo.join("sample-order.json");
    let next = format!(
        "next: packwise --data {} explain {}",
        demo.display(),
        sample.display()
    );
    assert!(
        out.stdout.lines().any(|l| l == next),
        "expected `{next}` in\n{}",
        out.stdout
    );

    let pickpack = demo.join("out/pickpack/demo-shop");
    let mut instructions = 0;
    for centre in std::fs::read_dir(&pickpack).unwrap() {
        let centre = centre.unwrap().path();
        let centre_name = centre.file_name().unwrap().to_str().unwrap().to_string();
        assert!(
            ["BER1", "AMS1"].contains(&centre_name.as_str()),
            "{centre_name}"
        );
        let day = centre.join("2026-11-23");
        let days: Vec<_> = std::fs::read_dir(&centre).unwrap().collect();
        assert_eq!(
            days.len(),
            1,
            "only the demo day under {}",
            centre.display()
        );
        let written: Vec<PathBuf> = std::fs::read_dir(&day)
            .unwrap()
            .map(|f| f.unwrap().path())
            .collect();
        for file in written
            .iter()
            .filter(|f| f.extension().is_some_and(|e| e == "json"))
        {
            let doc: Value = serde_json::from_slice(&std::fs::read(file).unwrap())
                .unwrap_or_else(|e| panic!("{} is not JSON: {e}", file.display()));
            assert_eq!(doc["schema"], "packwise.pickpack/v1", "{}", file.display());
            assert_eq!(doc["merchant"], "demo-shop");
            assert_eq!(doc["fulfillment_centre"], centre_name.as_str());
            assert_eq!(
                doc["order_id"].as_str().map(|id| format!("{id}.json")),
                file.file_name().unwrap().to_str().map(String::from)
            );
            // Each instruction names its slip, written beside it on the demo's 4x6 labels.
            let stem = file.with_extension("");
            for (field, extension) in [("pdf", "slip.pdf"), ("html", "slip.html")] {
                let slip = stem.with_extension(extension);
                assert!(slip.is_file(), "no slip at {}", slip.display());
                assert!(
                    slip.to_str()
                        .unwrap()
                        .ends_with(doc["slip"][field].as_str().unwrap()),
                    "{} names {}",
                    file.display(),
                    doc["slip"][field]
                );
            }
            assert_eq!(doc["slip"]["paper"], "4x6");
            instructions += 1;
        }
    }
    assert_eq!(instructions, 60);

    // The command the demo suggests must work as printed. Its order is a fresh one of the
    // same day, so it shows every campaign's verdict, and explaining writes nothing.
    let explained = sb.run_at(&demo, &["explain", sample.to_str().expect("UTF-8 path")]);
    assert_eq!(explained.code, 0, "{}", explained.context());
    assert!(
        !explained.stdout.contains("already processed"),
        "{}",
        explained.stdout
    );
    assert!(
        explained.stdout.contains("first-order-welcome"),
        "{}",
        explained.stdout
    );
    assert!(
        explained.stdout.contains("in the box:"),
        "{}",
        explained.stdout
    );
    assert_eq!(
        files_under(&demo.join("out")).len(),
        3 * 60,
        "explain wrote nothing: an instruction and its slip (PDF, HTML) per order"
    );

    let first = files_under(&demo.join("out"));
    std::fs::write(demo.join("left-over.txt"), "from an earlier run").unwrap();
    let again = sb.expect(0, &args);
    assert_eq!(summary_number(&again.stdout, "orders"), 60);
    assert!(
        !demo.join("left-over.txt").exists(),
        "a second demo replaces the folder"
    );
    // Same seed and day: the warehouse gets the same instructions byte for byte.
    assert_eq!(files_under(&demo.join("out")), first);
}

#[test]
fn process_reports_each_bad_line_and_replays_the_good_order_unchanged() {
    let sb = Sandbox::new();
    sb.acme_with_welcome();
    let good = order("acme", "A-1", "c1", "2026-03-10T09:30:00Z");
    let mut zero = order("acme", "A-2", "c2", "2026-03-10T10:00:00Z");
    zero["lines"][0]["quantity"] = json!(0);
    zero["totals"] = json!({"subtotal": "0", "total": "0"});
    let file = sb.write(
        "orders.jsonl",
        &jsonl(&[
            good.to_string(),
            "{not json".to_string(),
            zero.to_string(),
            String::new(),
        ]),
    );

    let out = sb.expect(1, &["process", &file]);
    let errors: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(errors.len(), 2, "{}", out.context());
    assert!(
        errors[0].starts_with("line 2: not a valid order: "),
        "{}",
        out.stderr
    );
    assert_eq!(
        errors[1],
        "line 3 (order A-2): invalid order: lines[0].quantity: must be at least 1"
    );
    assert!(
        out.stdout
            .contains("\n1 processed, 0 already done before, 2 failed in "),
        "{}",
        out.stdout
    );

    let instruction = sb.instruction("acme", "BER1", "2026-03-10", "A-1");
    let bytes = std::fs::read(&instruction).expect("the good order's instruction");
    let doc: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(doc["schema"], "packwise.pickpack/v1");
    assert_eq!(doc["order_id"], "A-1");
    assert_eq!(doc["inserts"][0]["sku"], "CARD-WELCOME");
    let written = files_under(&sb.data().join("out"));
    let names: Vec<String> = written.keys().map(|p| p.display().to_string()).collect();
    assert_eq!(
        names,
        [
            "pickpack/acme/BER1/2026-03-10/A-1.json",
            "pickpack/acme/BER1/2026-03-10/A-1.slip.html",
            "pickpack/acme/BER1/2026-03-10/A-1.slip.pdf",
        ],
        "only the good order's instruction and slip"
    );
    assert!(written.values().nth(2).unwrap().starts_with(b"%PDF-"));
    assert_eq!(sb.issued("acme", "welcome"), 1);

    // As after a crash between the commit and the writes: the replay writes them again.
    let out_dir = sb.data().join("out");
    for name in written.keys() {
        std::fs::remove_file(out_dir.join(name)).unwrap();
    }
    let again = sb.expect(1, &["process", &file]);
    assert_eq!(again.stderr, out.stderr, "the same lines fail the same way");
    assert!(
        again
            .stdout
            .starts_with("0 processed, 1 already done before, 2 failed in "),
        "{}",
        again.stdout
    );
    assert_eq!(
        files_under(&sb.data().join("out")),
        written,
        "a replay writes the same instruction and slip, byte for byte"
    );
    assert_eq!(std::fs::read(&instruction).unwrap(), bytes);
    // A replay hands out no second card.
    assert_eq!(sb.issued("acme", "welcome"), 1);
}

#[test]
fn campaign_validation_names_every_field_and_a_failed_add_saves_nothing() {
    let sb = Sandbox::new();
    sb.acme();
    let file = sb.write_json(
        "campaigns.json",
        &json!([
            {
                "id": "broken",
                "name": "Broken",
                "status": "active",
                "condition": "customer.orders_before >",
                "actions": {"inserts": [{"sku": "CARD-NOPE"}]}
            },
            {
                "id": "typo",
                "name": "Typo",
                "status": "active",
                "condition": "customer.ordrs_before > 2",
                "actions": {"inserts": [{"sku": "CARD-WELCOME"}]}
            }
        ]),
    );

    let out = sb.expect(1, &["campaign", "validate", &file, "--merchant", "acme"]);
    let errors: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(errors.len(), 3, "{}", out.context());
    assert!(
        errors[0].starts_with("broken: condition: "),
        "{}",
        out.stderr
    );
    assert_eq!(
        errors[1],
        "broken: actions.inserts[0].sku: no insert `CARD-NOPE` in the catalogue"
    );
    assert!(
        errors[2].starts_with("typo: condition: unknown variable `customer.ordrs_before`"),
        "{}",
        out.stderr
    );

    let add = sb.expect(1, &["campaign", "add", &file, "--merchant", "acme"]);
    assert_eq!(add.stderr, format!("{}nothing saved\n", out.stderr));
    assert!(!add.stdout.contains("saved"), "{}", add.stdout);
    assert_eq!(sb.campaigns("acme"), Vec::<Value>::new());
}

#[test]
fn a_valid_campaign_is_saved_as_version_one_and_each_add_bumps_it() {
    let sb = Sandbox::new();
    sb.acme_with_welcome();
    let saved = sb.campaigns("acme");
    assert_eq!(saved.len(), 1);
    assert_eq!(saved[0]["id"], "welcome");
    assert_eq!(saved[0]["version"], 1);

    let file = sb.path().join("welcome.json");
    let again = sb.expect(
        0,
        &[
            "campaign",
            "add",
            file.to_str().unwrap(),
            "--merchant",
            "acme",
        ],
    );
    assert_eq!(again.stdout, "welcome: ok\nsaved welcome version 2\n");
    let saved = sb.campaigns("acme");
    assert_eq!(saved.len(), 1);
    assert_eq!(saved[0]["version"], 2);
    assert_eq!(saved[0]["condition"], "customer.orders_before == 0");
}

#[test]
fn a_campaign_without_a_status_is_saved_as_a_draft() {
    let sb = Sandbox::new();
    sb.acme();
    let mut campaign = welcome_campaign();
    campaign.as_object_mut().unwrap().remove("status");
    let file = sb.write_json("draft.json", &campaign);
    let out = sb.expect(0, &["campaign", "add", &file, "--merchant", "acme"]);
    assert!(
        out.stdout
            .contains("saved welcome version 1 (draft: set \"status\": \"active\" to run it)"),
        "{}",
        out.stdout
    );
    assert_eq!(sb.campaigns("acme")[0]["status"], "draft");
}

#[test]
fn the_same_campaign_id_twice_in_one_file_is_refused_before_anything_is_saved() {
    let sb = Sandbox::new();
    sb.acme();
    let mut second = welcome_campaign();
    second["name"] = json!("Welcome, edited");
    let file = sb.write_json("twice.json", &json!([welcome_campaign(), second]));

    let out = sb.expect(1, &["campaign", "validate", &file, "--merchant", "acme"]);
    assert_eq!(
        out.stderr,
        "welcome: id: appears more than once in the file\n"
    );
    let add = sb.expect(1, &["campaign", "add", &file, "--merchant", "acme"]);
    assert_eq!(
        add.stderr,
        "welcome: id: appears more than once in the file\nnothing saved\n"
    );
    assert_eq!(sb.campaigns("acme"), Vec::<Value>::new());
}

#[test]
fn explain_writes_nothing_until_the_order_is_processed_then_shows_what_was_stored() {
    let sb = Sandbox::new();
    sb.acme_with_welcome();
    let new = order("acme", "A-1", "c1", "2026-03-10T09:30:00Z");
    let order_file = sb.write_json("order.json", &new);
    let orders = sb.write("orders.jsonl", &jsonl(&[new.to_string()]));

    let out = sb.expect(0, &["explain", &order_file]);
    assert_eq!(
        out.stdout,
        "order A-1 for customer c1 at BER1 (web, en)\n\
         \n\
         campaign  priority  verdict       why\n\
         welcome         10  applied       applied\n\
         \n\
         in the box:\n  \
         insert  CARD-WELCOME (Welcome card): Welcome first-time buyers\n"
    );
    assert!(!sb.data().join("out").exists(), "explain wrote output");
    // Twice, because a budget or a touch recorded by the first would change the second.
    assert_eq!(sb.expect(0, &["explain", &order_file]).stdout, out.stdout);
    assert_eq!(sb.issued("acme", "welcome"), 0);

    let processed = sb.expect(0, &["process", &orders]);
    assert!(
        processed
            .stdout
            .contains("\n1 processed, 0 already done before, 0 failed in "),
        "{}",
        processed.stdout
    );

    let stored = sb.expect(0, &["explain", &order_file]);
    assert!(
        stored
            .stdout
            .contains("\nalready processed: pickpack/acme/BER1/2026-03-10/A-1.json\n"),
        "{}",
        stored.stdout
    );
    assert!(
        stored
            .stdout
            .contains("\n  welcome                  applied\n"),
        "{}",
        stored.stdout
    );
    let as_json = sb.expect(0, &["explain", "--json", &order_file]);
    let doc: Value = serde_json::from_str(&as_json.stdout).unwrap();
    assert_eq!(
        doc["already_processed_as"],
        "pickpack/acme/BER1/2026-03-10/A-1.json"
    );
    let on_disk: Value = serde_json::from_slice(
        &std::fs::read(sb.instruction("acme", "BER1", "2026-03-10", "A-1")).unwrap(),
    )
    .unwrap();
    assert_eq!(doc["instruction"], on_disk);

    // The customer now has an order, so the next one is no longer a first order.
    let next = sb.write_json(
        "next.json",
        &order("acme", "A-2", "c1", "2026-03-12T09:30:00Z"),
    );
    let out = sb.expect(0, &["explain", &next]);
    assert!(
        out.stdout.contains(
            "welcome         10  not matched   condition false: customer.orders_before == 0\n"
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .ends_with("in the box:\n  nothing beyond the goods\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn process_for_a_merchant_without_settings_names_the_line() {
    let sb = Sandbox::new();
    sb.acme();
    let orders = sb.write(
        "orders.jsonl",
        &jsonl(&[order("ghost", "G-1", "c1", "2026-03-10T09:30:00Z").to_string()]),
    );
    let out = sb.expect(1, &["process", &orders]);
    assert_eq!(
        out.stderr,
        "line 1 (order G-1): unknown merchant `ghost`: create its settings first\n"
    );
    assert!(
        out.stdout
            .starts_with("0 processed, 0 already done before, 1 failed in "),
        "{}",
        out.stdout
    );
    assert!(!sb.data().join("out/pickpack/ghost").exists());
}

#[test]
fn campaigns_and_inserts_for_a_merchant_that_does_not_exist_are_refused() {
    let sb = Sandbox::new();
    sb.acme();
    let campaign = sb.write_json("welcome.json", &welcome_campaign());
    let no_merchant = "error: no merchant `nobody`: create it with `packwise merchant create --id nobody --name NAME`\n";

    let out = sb.expect(1, &["campaign", "add", &campaign, "--merchant", "nobody"]);
    assert_eq!(out.stderr, no_merchant);
    // Listing an unknown merchant is refused too, rather than looking like an empty one.
    let out = sb.expect(1, &["campaign", "list", "--merchant", "nobody"]);
    assert_eq!(out.stderr, no_merchant);

    let inserts = sb.path().join("inserts.json");
    let out = sb.expect(
        1,
        &[
            "insert",
            "add",
            inserts.to_str().unwrap(),
            "--merchant",
            "nobody",
        ],
    );
    assert_eq!(out.stderr, no_merchant);
    assert_eq!(out.stdout, "");
    let out = sb.expect(1, &["insert", "list", "--merchant", "nobody"]);
    assert_eq!(out.stderr, no_merchant);

    // Once the merchant exists, nothing of the refused commands is there.
    let settings = sb.write_json(
        "nobody.json",
        &json!({"merchant": "nobody", "name": "Nobody", "default_locale": "en",
                "default_currency": "EUR", "coupon_secret": "nobody-coupon-secret-0123"}),
    );
    sb.expect(0, &["merchant", "set", &settings]);
    assert_eq!(sb.campaigns("nobody"), Vec::<Value>::new());
    let listed = sb.expect(0, &["insert", "list", "--merchant", "nobody"]);
    assert_eq!(listed.stdout.lines().count(), 1, "{}", listed.stdout);
}

#[test]
fn schema_writes_the_five_checked_in_schemas() {
    let sb = Sandbox::new();
    let out_dir = sb.path().join("schemas");
    let out = sb.expect(0, &["schema", "--out", out_dir.to_str().unwrap()]);
    let names = [
        "order.schema.json",
        "campaign.schema.json",
        "insert.schema.json",
        "settings.schema.json",
        "pickpack-v1.schema.json",
    ];
    let printed: Vec<String> = names
        .iter()
        .map(|n| format!("{}\n", out_dir.join(n).display()))
        .collect();
    assert_eq!(out.stdout, printed.concat());

    let checked_in = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas");
    let written = files_under(&out_dir);
    assert_eq!(written.len(), 5, "{:?}", written.keys());
    assert_eq!(written, files_under(&checked_in));
}

#[test]
fn similar_build_rebuilds_from_imported_history_and_refuses_an_unknown_merchant() {
    let sb = Sandbox::new();
    sb.acme();
    let mut with_honey = order("acme", "H-1", "c1", "2026-01-05T10:00:00Z");
    with_honey["lines"].as_array_mut().unwrap().push(json!({
        "sku": "HONEY", "title": "Forest Honey", "category": "pantry",
        "quantity": 1, "unit_price": "6.00"}));
    with_honey["totals"] = json!({"subtotal": "15.00", "shipping": "3.90", "total": "18.90"});
    let lines = [
        with_honey.to_string(),
        order("acme", "H-2", "c2", "2026-02-05T10:00:00Z").to_string(),
    ];
    let history = sb.write("history.jsonl", &jsonl(&lines));
    sb.expect(0, &["import-history", &history]);

    let out = sb.expect(0, &["similar", "build", "--merchant", "acme"]);
    assert!(
        out.stdout
            .starts_with("acme: 2 past orders read, similar items of 2 products written in "),
        "{}",
        out.context()
    );

    let out = sb.expect(1, &["similar", "build", "--merchant", "nobody"]);
    assert!(
        out.stderr.contains("no merchant `nobody`"),
        "{}",
        out.context()
    );
}

#[test]
fn similar_sample_csv_writes_a_seeded_purchase_log_to_a_file_or_stdout() {
    let sb = Sandbox::new();
    let file = sb.path().join("orders.csv");
    let file = file.to_str().unwrap();
    let args = [
        "similar",
        "sample-csv",
        "--lines",
        "1500",
        "--seed",
        "3",
        "--end",
        "2026-06-30",
    ];
    let out = sb.expect(0, &[&args[..], &["--out", file]].concat());
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr.starts_with("1500 lines, ") && out.stderr.trim_end().ends_with(file),
        "{}",
        out.context()
    );
    let text = std::fs::read_to_string(file).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(
        rows[0],
        "order_id,customer_id,timestamp,sku,quantity,unit_price,title,category"
    );
    assert_eq!(rows.len(), 1 + 1500);
    let last_day = rows[1..]
        .iter()
        .map(|r| &r.split(',').nth(2).unwrap()[..10])
        .max()
        .unwrap();
    assert!(
        ("2026-06-01".."2026-07-01").contains(&last_day),
        "{last_day}"
    );

    let to_stdout = sb.expect(0, &[&args[..], &["--out", "-"]].concat());
    assert_eq!(to_stdout.stdout, text, "the same seed gives the same bytes");
    let other_seed = sb.expect(
        0,
        &["similar", "sample-csv", "--lines", "1500", "--out", "-"],
    );
    assert_ne!(other_seed.stdout, text);
}

#[test]
fn similar_evaluate_scores_the_model_against_popularity_on_a_split_log() {
    let sb = Sandbox::new();
    let file = sb.path().join("orders.csv");
    let file = file.to_str().unwrap();
    let generate = [
        "similar",
        "sample-csv",
        "--lines",
        "40000",
        "--end",
        "2026-06-30",
        "--out",
        file,
    ];
    sb.expect(0, &generate);
    let evaluate = [
        "similar",
        "evaluate",
        "--orders",
        file,
        "--cutoff",
        "2026-03-01",
    ];
    let json = sb.expect(0, &[&evaluate[..], &["--json"]].concat());
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(report["cutoff"], "2026-03-01T00:00:00Z");
    assert_eq!(report["data"]["rows"], 40000);
    let models = report["models"].as_array().unwrap();
    let names: Vec<&str> = models
        .iter()
        .map(|m| m["model"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["popularity", "packwise"]);
    for task in ["history", "next_order"] {
        let (popularity, packwise) = (&models[0][task], &models[1][task]);
        assert!(
            packwise["cases"].as_u64().unwrap() > 100,
            "{task}: {packwise}"
        );
        assert!(
            packwise["hit_rate"].as_f64() > popularity["hit_rate"].as_f64(),
            "{task}: {packwise} vs {popularity}"
        );
        assert!(packwise["coverage"].as_f64() > popularity["coverage"].as_f64());
    }

    let table = sb.expect(0, &evaluate);
    assert!(
        table.stdout.starts_with("40000 rows (0 skipped)"),
        "{}",
        table.context()
    );
    assert!(
        table.stdout.lines().any(|l| l.starts_with("packwise ")),
        "{}",
        table.context()
    );

    let everything = sb.expect(0, &[&evaluate[..], &["--compare", "--json"]].concat());
    let report: serde_json::Value = serde_json::from_str(&everything.stdout).unwrap();
    assert!(report["models"].as_array().unwrap().len() > 10);

    let late = sb.expect(
        1,
        &[
            "similar",
            "evaluate",
            "--orders",
            file,
            "--cutoff",
            "2030-01-01",
        ],
    );
    assert!(
        late.stderr.contains("leaves") && late.stderr.contains("0 after"),
        "{}",
        late.context()
    );
    let bad = sb.expect(
        2,
        &["similar", "evaluate", "--orders", file, "--cutoff", "soon"],
    );
    assert!(
        bad.stderr.contains("`soon` is not a time"),
        "{}",
        bad.context()
    );
    let missing = sb.expect(
        1,
        &[
            "similar",
            "evaluate",
            "--orders",
            "nope.csv",
            "--cutoff",
            "2026-01-01",
        ],
    );
    assert!(
        missing.stderr.contains("cannot open nope.csv"),
        "{}",
        missing.context()
    );
}

#[test]
fn serve_answers_http_and_asks_for_a_key() {
    use std::io::{BufRead, Read, Write};
    let sb = Sandbox::new();
    let mut server = Command::new(env!("CARGO_BIN_EXE_packwise"))
        .arg("--data")
        .arg(sb.data())
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env_remove("PACKWISE_DATA")
        .env_remove("PACKWISE_LOG")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the packwise binary runs");
    let mut said = String::new();
    std::io::BufReader::new(server.stderr.take().unwrap())
        .read_line(&mut said)
        .unwrap();
    let address = said
        .strip_prefix("merchant API on http://")
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_else(|| panic!("{said}"))
        .to_string();
    let mut conn = std::net::TcpStream::connect(&address).unwrap();
    conn.write_all(b"GET /v1/campaigns HTTP/1.1\r\nHost: packwise\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut answer = String::new();
    conn.read_to_string(&mut answer).unwrap();
    server.kill().unwrap();
    server.wait().unwrap();
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    assert!(answer.contains("application/problem+json"), "{answer}");
    assert!(
        answer.contains("WWW-Authenticate: Bearer") || answer.contains("www-authenticate: Bearer"),
        "{answer}"
    );
}

#[test]
fn merchant_create_makes_a_merchant_with_its_own_random_secret_and_refuses_it_twice() {
    let sb = Sandbox::new();
    let out = sb.expect(
        0,
        &[
            "merchant", "create", "--id", "teashop", "--name", "Tea Shop",
        ],
    );
    assert!(
        out.stdout.starts_with("created merchant teashop:\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(r#""coupon_secret": "********""#),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .ends_with("next: packwise key create --merchant teashop\n"),
        "{}",
        out.stdout
    );
    let created = sb.settings("teashop").expect("saved");
    assert_eq!(created.name, "Tea Shop");
    assert_eq!(created.default_locale, "en");
    assert_eq!(created.default_currency.code(), "EUR");
    assert_eq!(
        created.max_inserts_per_package, 3,
        "the settings file's default"
    );
    assert!(!out.stdout.contains(&created.coupon_secret));
    assert_eq!(created.coupon_secret.len(), 32);
    assert!(created.coupon_secret.bytes().all(|b| b.is_ascii_hexdigit()));

    sb.expect(
        0,
        &[
            "merchant",
            "create",
            "--id",
            "kaffee",
            "--name",
            "Kaffee",
            "--locale",
            "de-DE",
            "--currency",
            "CHF",
        ],
    );
    let other = sb.settings("kaffee").unwrap();
    assert_eq!(other.default_locale, "de-DE");
    assert_eq!(other.default_currency.code(), "CHF");
    assert_ne!(other.coupon_secret, created.coupon_secret, "each is random");

    let out = sb.expect(
        1,
        &["merchant", "create", "--id", "teashop", "--name", "Another"],
    );
    assert_eq!(
        out.stderr,
        "error: merchant `teashop` exists already: change it with `packwise merchant set FILE`\n"
    );
    assert_eq!(sb.settings("teashop"), Some(created), "left as it was");
}

#[test]
fn merchant_create_names_what_is_wrong_and_creates_nothing() {
    let sb = Sandbox::new();
    for (args, reason) in [
        (
            vec!["--id", "tea#shop", "--name", "Tea"],
            "cannot create merchant `tea#shop`: merchant: must not contain",
        ),
        (
            vec!["--id", "tea", "--name", " "],
            "cannot create merchant `tea`: name: must not be empty",
        ),
        (
            vec!["--id", "tea", "--name", "Tea", "--locale", "english!"],
            "cannot create merchant `tea`: default_locale: must be a language tag",
        ),
        (
            vec!["--id", "tea", "--name", "Tea", "--currency", "EURO"],
            "--currency: `EURO` is not an ISO 4217 currency code",
        ),
    ] {
        let mut all = vec!["merchant", "create"];
        all.extend(&args);
        let out = sb.expect(1, &all);
        assert!(
            out.stderr.starts_with(&format!("error: {reason}")),
            "{args:?}\n{}",
            out.context()
        );
        assert_eq!(out.stdout, "");
    }
    assert_eq!(sb.settings("tea"), None);
    assert_eq!(sb.settings("tea#shop"), None);
}

#[test]
fn key_create_shows_the_token_once_and_stores_only_its_hash() {
    let sb = Sandbox::new();
    sb.acme();
    let out = sb.expect(
        0,
        &[
            "key",
            "create",
            "--merchant",
            "acme",
            "--label",
            "warehouse scanner",
        ],
    );
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", out.stdout);
    let token = lines[1].strip_prefix("token: ").expect("the token line");
    let (id, secret) = parse_token(token).expect("a packwise token");
    assert_eq!(lines[0], format!("created key {id} for merchant acme"));
    assert_eq!(
        lines[2],
        "this token will not be shown again: store it now (only its hash is kept)"
    );

    let stored = sb.stored_keys("acme");
    assert_eq!(stored.len(), 1);
    let key = &stored[0];
    assert_eq!(key.id, id);
    assert_eq!(key.merchant, "acme");
    assert_eq!(key.label.as_deref(), Some("warehouse scanner"));
    assert!(key.is_active());
    assert!(key.matches(secret), "the printed token is the stored key's");
    let db = std::fs::read(sb.data().join("packwise.db")).unwrap();
    let wal = std::fs::read(sb.data().join("packwise.db-wal")).unwrap_or_default();
    for bytes in [db, wal] {
        assert!(
            !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "the secret is nowhere in the store"
        );
    }

    let second = sb.create_key("acme", "office");
    assert_ne!(parse_token(&second).unwrap().0, id, "every key is new");

    let out = sb.expect(0, &["key", "list", "--merchant", "acme"]);
    assert!(!out.stdout.contains(secret), "{}", out.stdout);
    assert!(!out.stdout.contains(&key.secret_sha256), "{}", out.stdout);
    let rows: Vec<Vec<&str>> = out
        .stdout
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(rows[0], ["key", "created", "revoked", "label"]);
    assert_eq!(rows.len(), 3, "{}", out.stdout);
    let row = rows
        .iter()
        .find(|r| r[0] == id)
        .expect("the first key's row");
    assert_eq!(
        row[1],
        key.created_at
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
    assert_eq!(row[2..], ["-", "warehouse", "scanner"]);
}

#[test]
fn key_create_refuses_an_unknown_merchant_and_a_bad_label() {
    let sb = Sandbox::new();
    sb.acme();
    let out = sb.expect(1, &["key", "create", "--merchant", "nobody"]);
    assert_eq!(
        out.stderr,
        "error: no merchant `nobody`: create it with `packwise merchant create --id nobody --name NAME`\n"
    );
    assert_eq!(out.stdout, "");
    assert!(sb.stored_keys("nobody").is_empty());

    let out = sb.expect(
        1,
        &[
            "key",
            "create",
            "--merchant",
            "acme",
            "--label",
            "two\nlines",
        ],
    );
    assert_eq!(
        out.stderr,
        "error: label: must not contain control characters\n"
    );
    assert_eq!(out.stdout, "");
    assert!(sb.stored_keys("acme").is_empty());

    let out = sb.expect(0, &["key", "list", "--merchant", "acme"]);
    assert_eq!(
        out.stdout,
        "no keys: create one with `packwise key create --merchant acme`\n"
    );
}

#[test]
fn key_revoke_takes_only_the_merchants_own_key_and_keeps_the_first_time() {
    let sb = Sandbox::new();
    sb.acme();
    sb.expect(
        0,
        &["merchant", "create", "--id", "globex", "--name", "Globex"],
    );
    let token = sb.create_key("acme", "shop");
    let (id, _) = parse_token(&token).unwrap();

    let out = sb.expect(1, &["key", "revoke", "--merchant", "globex", id]);
    assert_eq!(
        out.stderr,
        format!(
            "error: merchant globex has no key `{id}` (`packwise key list --merchant globex` shows its keys)\n"
        )
    );
    assert!(
        sb.stored_keys("acme")[0].is_active(),
        "another merchant cannot revoke it"
    );
    let out = sb.expect(1, &["key", "revoke", "--merchant", "acme", "nokey"]);
    assert!(
        out.stderr.contains("merchant acme has no key `nokey`"),
        "{}",
        out.context()
    );

    let out = sb.expect(0, &["key", "revoke", "--merchant", "acme", id]);
    let revoked = sb.stored_keys("acme").remove(0);
    let at = revoked.revoked_at.expect("revoked");
    let at = at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    assert_eq!(out.stdout, format!("key {id} revoked at {at}\n"));
    let listed = sb.expect(0, &["key", "list", "--merchant", "acme"]);
    let row = listed.stdout.lines().nth(1).unwrap();
    assert_eq!(row.split_whitespace().nth(2), Some(at.as_str()), "{row}");

    // Again: the first time stands, and is what is reported.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let out = sb.expect(0, &["key", "revoke", "--merchant", "acme", id]);
    assert_eq!(out.stdout, format!("key {id} revoked at {at}\n"));
    assert_eq!(sb.stored_keys("acme"), vec![revoked]);
}

/// The text of a PDF's pages, white space folded to single spaces.
fn pdf_text(path: &Path) -> String {
    let doc = lopdf::Document::load(path).expect("the PDF parses");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    doc.extract_text(&pages)
        .expect("text extracts")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn pick_list_writes_a_waves_totals_and_manifest_as_csv_and_pdf() {
    let sb = Sandbox::new();
    sb.acme_with_welcome();
    let thanks = sb.write_json(
        "thanks.json",
        &json!({
            "id": "thanks",
            "name": "Free shipping for returning buyers",
            "status": "active",
            "priority": 5,
            "condition": "customer.orders_before >= 1",
            "actions": {"coupon": {"value": {"kind": "free_shipping"},
                                   "expires_in_days": 30, "prefix": "THANKS"}}
        }),
    );
    sb.expect(0, &["campaign", "add", &thanks, "--merchant", "acme"]);
    let orders = [
        order("acme", "P-0", "c0", "2026-03-10T09:59:59Z"),
        order("acme", "P-1", "c1", "2026-03-10T10:05:00Z"),
        order("acme", "P-2", "c2", "2026-03-10T10:40:00Z"),
        // c1 again: no second welcome card, a coupon instead.
        order("acme", "P-3", "c1", "2026-03-10T11:59:59Z"),
        order("acme", "P-4", "c4", "2026-03-10T12:00:00Z"),
    ];
    let file = sb.write(
        "orders.jsonl",
        &jsonl(&orders.iter().map(Value::to_string).collect::<Vec<_>>()),
    );
    sb.expect(0, &["process", &file]);
    let p3 = std::fs::read(sb.instruction("acme", "BER1", "2026-03-10", "P-3")).unwrap();
    let p3: Value = serde_json::from_slice(&p3).unwrap();
    let code = p3["coupon"]["code"].as_str().expect("P-3 gets a coupon");
    assert!(code.starts_with("THANKS"), "{code}");

    let args = [
        "pick-list",
        "--merchant",
        "acme",
        "--wave-start",
        "2026-03-10T10:00:00Z",
    ];
    let out = sb.expect(0, &args);
    let stem = sb
        .data()
        .join("out/picklists/acme/BER1/2026-03-10/1000-1200");
    let path = |suffix: &str| PathBuf::from(format!("{}{suffix}", stem.display()));
    assert_eq!(
        out.stdout,
        format!(
            "wave 2026-03-10 10:00–12:00 UTC of acme\nBER1: 3 orders, 2 insert units\n  {}\n  {}\n  {}\n",
            path(".totals.csv").display(),
            path(".manifest.csv").display(),
            path(".pdf").display()
        )
    );
    assert_eq!(
        std::fs::read_to_string(path(".totals.csv")).unwrap(),
        "sku,name,units\r\nCARD-WELCOME,Welcome card,2\r\n"
    );
    assert_eq!(
        std::fs::read_to_string(path(".manifest.csv")).unwrap(),
        format!(
            "order_id,customer,placed_at,inserts,coupon\r\n\
             P-1,c1,2026-03-10T10:05:00Z,CARD-WELCOME,\r\n\
             P-2,c2,2026-03-10T10:40:00Z,CARD-WELCOME,\r\n\
             P-3,c1,2026-03-10T11:59:59Z,,{code}\r\n"
        )
    );
    let text = pdf_text(&path(".pdf"));
    for expected in [
        "Acme Tea",
        "Pick list · Fulfillment centre BER1",
        "Wave of 03/10/2026, 10:00–12:00 UTC",
        "Orders: 3 · Units: 2",
        "CARD-WELCOME Welcome card 2",
        "P-1 10:05 CARD-WELCOME",
        &format!("P-3 11:59 {code}"),
        "Page 1 of 1",
    ] {
        assert!(text.contains(expected), "no {expected:?} in {text}");
    }
    assert!(!text.contains("P-0") && !text.contains("P-4"), "{text}");

    // The same wave again writes the same files.
    let before = files_under(&sb.data().join("out/picklists"));
    sb.expect(0, &args);
    assert_eq!(files_under(&sb.data().join("out/picklists")), before);
    assert_eq!(before.len(), 3);
}

#[test]
fn pick_list_refuses_what_makes_no_wave_and_an_unknown_merchant() {
    let sb = Sandbox::new();
    sb.acme();
    let cases: [(&[&str], i32, &str); 5] = [
        (
            &["--wave-minutes", "100"],
            1,
            "error: a wave of 100 minutes does not fit a day",
        ),
        (
            &["--wave-start", "2026-03-10T11:00:00Z"],
            1,
            "the one containing that time starts at 2026-03-10 10:00:00 UTC",
        ),
        (
            &["--wave-start", "yesterday"],
            2,
            "`yesterday` is not a time",
        ),
        (
            &["--paper", "4x6"],
            2,
            "`4x6` is not a paper for a pick list",
        ),
        (
            &["--settle-minutes", "2000"],
            1,
            "a settle lag of 2000 minutes is longer than a day",
        ),
    ];
    for (extra, code, message) in cases {
        let mut args = vec!["pick-list", "--merchant", "acme"];
        args.extend_from_slice(extra);
        let out = sb.expect(code, &args);
        assert!(out.stderr.contains(message), "{extra:?}\n{}", out.context());
    }
    let out = sb.expect(1, &["pick-list", "--merchant", "nobody"]);
    assert!(
        out.stderr.contains("no merchant `nobody`"),
        "{}",
        out.stderr
    );
    // The last closed wave by default: this merchant has no orders in it.
    let out = sb.expect(0, &["pick-list", "--merchant", "acme"]);
    assert!(
        out.stdout.starts_with("wave ")
            && out
                .stdout
                .ends_with("of acme\nno orders in the wave: nothing written\n"),
        "{}",
        out.stdout
    );
    assert!(!sb.data().join("out/picklists").exists());
}
