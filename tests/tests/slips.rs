//! Packing slips on the order path: written beside the instruction that names them, in
//! the customer's language, the same bytes on every replay, and an order whose slip
//! cannot be printed refused before anything is committed.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use packwise_core::Order;
use packwise_core::ports::{ConfigStore, Expect, OrderStore};
use packwise_core::process::{ProcessError, Processor};
use packwise_core::slip::PaperSize;
use packwise_e2e::files_under;
use packwise_embedded::{FileSink, SqliteStore};
use packwise_slips::Slips;
use packwise_synth::demo;
use serde_json::json;

struct Shop {
    processor: Processor<SqliteStore, FileSink>,
    dir: tempfile::TempDir,
}

impl Shop {
    async fn open() -> Shop {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("packwise.db")).unwrap();
        demo::install(&store).await.unwrap();
        // No campaign cache, so that a settings change shows on the next order.
        let processor =
            Processor::new(store, FileSink::new(dir.path().join("out")), Duration::ZERO)
                .with_slips(Arc::new(Slips::new()));
        Shop { processor, dir }
    }

    fn out(&self, key: &str) -> PathBuf {
        self.dir.path().join("out").join(key)
    }

    fn written(&self) -> Vec<(PathBuf, Vec<u8>)> {
        files_under(&self.dir.path().join("out"))
            .into_iter()
            .collect()
    }

    async fn change_settings(&self, change: impl FnOnce(&mut packwise_core::MerchantSettings)) {
        let store = &self.processor.store;
        let mut settings = store.settings(demo::MERCHANT).await.unwrap().unwrap();
        change(&mut settings);
        store.put_settings(&settings, Expect::Any).await.unwrap();
    }
}

/// A first order of a German customer: the welcome campaign adds a card and a coupon.
fn first_order(order_id: &str) -> Order {
    serde_json::from_value(json!({
        "merchant": demo::MERCHANT, "order_id": order_id,
        "customer": {"id": format!("cust-{order_id}"), "first_name": "Jonas", "locale": "de-DE"},
        "placed_at": "2026-11-23T09:30:00Z", "channel": "web", "currency": "EUR",
        "fulfillment_centre": "BER1",
        "ship_to": {"name": "Jonas Weißmüller", "line1": "Lindenstraße 12", "city": "Berlin",
                    "postal_code": "10117", "country": "DE"},
        "lines": [{"sku": "TEA-SENCHA", "title": "Sencha Kagoshima", "category": "tea",
                   "quantity": 2, "unit_price": "12.50"}],
        "totals": {"subtotal": "25.00", "total": "29.90"}
    }))
    .unwrap()
}

fn pdf_text(pdf: &[u8]) -> String {
    let doc = lopdf::Document::load_mem(pdf).expect("the slip is a PDF");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    let text = doc.extract_text(&pages).expect("its text extracts");
    text.split(|c: char| c.is_whitespace() || c == '\u{a0}' || c == '\u{202f}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_slip_is_written_beside_the_instruction_that_names_it_in_the_customers_language() {
    let shop = Shop::open().await;
    let done = shop
        .processor
        .process(&first_order("DE-1001"))
        .await
        .unwrap();

    let slip = done
        .instruction
        .slip
        .as_ref()
        .expect("the instruction names its slip");
    assert_eq!(
        slip.pdf,
        "pickpack/demo-shop/BER1/2026-11-23/DE-1001.slip.pdf"
    );
    assert_eq!(
        slip.html,
        "pickpack/demo-shop/BER1/2026-11-23/DE-1001.slip.html"
    );
    assert_eq!(slip.paper, PaperSize::FourBySix);
    assert_eq!(slip.merchant_name, "Demo Shop");
    let written: Vec<String> = shop
        .written()
        .iter()
        .map(|(p, _)| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        written,
        ["DE-1001.json", "DE-1001.slip.html", "DE-1001.slip.pdf"]
    );

    let coupon = done
        .instruction
        .coupon
        .as_ref()
        .expect("the welcome coupon");
    let pdf = std::fs::read(shop.out(&slip.pdf)).unwrap();
    assert!(pdf.len() < 100 * 1024, "{} bytes", pdf.len());
    let text = pdf_text(&pdf);
    for expected in [
        "Demo Shop",
        "Lieferadresse",
        "DE-1001",
        "Jonas Weißmüller",
        "Sencha Kagoshima",
        "In dieses Paket legen",
        coupon.code.as_str(),
        "Rücksendung innerhalb von 30 Tagen",
    ] {
        assert!(text.contains(expected), "`{expected}` missing from: {text}");
    }
    let html = std::fs::read_to_string(shop.out(&slip.html)).unwrap();
    assert!(html.contains("<html lang=\"de\""), "{html}");
    assert!(html.contains("Jonas Weißmüller"));
    assert!(html.contains(&coupon.code));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replay_after_the_settings_changed_writes_the_same_slip_and_new_orders_follow_them() {
    let shop = Shop::open().await;
    let order = first_order("DE-1002");
    shop.processor.process(&order).await.unwrap();
    let first = shop.written();

    shop.change_settings(|s| {
        s.name = "Demo Shop Berlin".into();
        s.slip.paper = PaperSize::A4;
        s.slip.returns = [("de".to_string(), "Rücksendung nur per Post.".to_string())].into();
    })
    .await;
    // As after a crash between the commit and the writes.
    for (path, _) in &first {
        std::fs::remove_file(shop.dir.path().join("out").join(path)).unwrap();
    }
    let again = shop.processor.process(&order).await.unwrap();
    assert!(again.replayed);
    assert_eq!(shop.written(), first, "the same three files, byte for byte");

    let next = shop
        .processor
        .process(&first_order("DE-1003"))
        .await
        .unwrap();
    let slip = next.instruction.slip.expect("named");
    assert_eq!(slip.paper, PaperSize::A4);
    let text = pdf_text(&std::fs::read(shop.out(&slip.pdf)).unwrap());
    assert!(text.contains("Demo Shop Berlin"), "{text}");
    assert!(text.contains("Rücksendung nur per Post."), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_merchants_html_template_prints_the_html_slip_and_the_pdf_keeps_its_layout() {
    let shop = Shop::open().await;
    shop.change_settings(|s| {
        s.slip.html_template =
            Some("<p>{{ merchant }}: {{ order_id }} ({{ items | length }} lines)</p>".into())
    })
    .await;
    let done = shop
        .processor
        .process(&first_order("DE-1004"))
        .await
        .unwrap();
    let slip = done.instruction.slip.expect("named");
    assert_eq!(
        std::fs::read_to_string(shop.out(&slip.html)).unwrap(),
        "<p>Demo Shop: DE-1004 (1 lines)</p>"
    );
    let text = pdf_text(&std::fs::read(shop.out(&slip.pdf)).unwrap());
    assert!(text.contains("Lieferadresse Jonas Weißmüller"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_whose_slip_cannot_be_printed_is_refused_before_anything_is_committed() {
    let shop = Shop::open().await;
    // Code 128, the barcode pack stations scan, carries ASCII only.
    let order = first_order("BESTELLUNG-Ä1");
    let err = shop.processor.process(&order).await.unwrap_err();
    assert!(matches!(err, ProcessError::Slip(_)), "{err:?}");
    assert!(!err.is_retryable(), "the same order fails the same way");
    assert_eq!(
        err.to_string(),
        "the packing slip cannot be printed: order id cannot be a Code 128 barcode: `Ä` is not printable ASCII"
    );
    let store = &shop.processor.store;
    assert!(
        store
            .processed(demo::MERCHANT, &order.order_id)
            .await
            .unwrap()
            .is_none()
    );
    assert!(shop.written().is_empty(), "nothing written");
    let counters = store
        .counters(demo::MERCHANT, "first-order-welcome")
        .await
        .unwrap();
    assert!(
        counters.is_empty(),
        "no coupon or card counted: {counters:?}"
    );
}
