//! A wave's pick list as PDF and CSV: the totals and the manifest on paper and in the
//! files, page breaks of a long wave, and the same bytes every time.

mod common;

use common::{normalize, pages_text, squeeze, text};
use packwise_core::pick_list::PickList;
use packwise_slips::PaperSize;
use packwise_slips::pick_list::{PickListInput, render_pdf};
use packwise_slips::pick_list_csv::{manifest_csv, totals_csv};
use packwise_slips::sample;

fn pdf(list: &PickList, locale: &str, paper: PaperSize) -> Vec<u8> {
    render_pdf(&PickListInput {
        list,
        merchant_name: common::MERCHANT,
        locale,
        paper,
    })
    .expect("the pick list renders")
}

#[test]
fn the_pdf_shows_the_wave_its_totals_and_every_manifest_row() {
    let list = sample::pick_list(20);
    let text = text(&pdf(&list, "en", PaperSize::A4));
    assert!(text.starts_with(common::MERCHANT), "{text}");
    for expected in [
        "Pick list · Fulfillment centre BER1",
        "Wave of 11/23/2026, 10:00–12:00 UTC",
        "Orders: 20 · Units: 22",
        "Inserts to pull",
        "SKU Name Units",
        // Totals by SKU, a deleted insert under its SKU still.
        "CARD-WELCOME Welcome card, A6 \"Hello!\" 6",
        "FLYER-2025 (deleted insert) 6",
        "GUIDE-BREW How to brew: a guide 5",
        "SAMPLE-MATCHA Matcha sample 5 g 5",
        "Order Time Inserts Coupon",
        "SO-00001 10:00 CARD-WELCOME ×2 THANKS-0000",
        "SO-00002 10:00 GUIDE-BREW",
        "SO-00004 10:00 FLYER-2025 THANKS-006F",
        "Page 1 of 1",
    ] {
        assert!(text.contains(expected), "no {expected:?} in {text}");
    }
    // Order 7 has nothing to pull: counted above, not listed.
    assert!(!text.contains("SO-00007"), "{text}");
    assert_eq!(list.units(), 22);
}

#[test]
fn a_long_wave_continues_over_pages_with_its_labels_and_every_order_once() {
    let list = sample::pick_list(300);
    for paper in [PaperSize::A4, PaperSize::Letter, PaperSize::FourBySix] {
        let pages = pages_text(&pdf(&list, "de-DE", paper));
        let count = pages.len();
        assert!(count >= 4, "{paper:?}: {count} pages");
        for (n, page) in pages.iter().enumerate() {
            let footer = format!("Seite {} von {count}", n + 1);
            assert!(page.contains(&footer), "{paper:?} page {n}: {page}");
            assert!(page.contains("Pickliste · Versandzentrum BER1"), "{page}");
        }
        assert!(pages[0].contains("Welle vom 23.11.2026, 10:00–12:00 UTC"));
        // A page the manifest continues on repeats its column labels.
        assert!(
            pages[count - 1].contains("Bestellung Uhrzeit Beilagen Gutschein"),
            "{}",
            pages[count - 1]
        );
        let all = squeeze(&pages.join(" "));
        for row in &list.manifest {
            assert_eq!(all.matches(&row.order_id).count(), 1, "{}", row.order_id);
        }
    }
    // 4x6 labels get A4 for a list: the same pages.
    assert_eq!(
        pdf(&list, "de", PaperSize::FourBySix),
        pdf(&list, "de", PaperSize::A4)
    );
}

#[test]
fn the_same_list_gives_the_same_bytes() {
    let list = sample::pick_list(120);
    let first = pdf(&list, "fr", PaperSize::Letter);
    assert_eq!(first, pdf(&list, "fr", PaperSize::Letter));
    assert_eq!(totals_csv(&list), totals_csv(&sample::pick_list(120)));
    assert_ne!(first, pdf(&sample::pick_list(121), "fr", PaperSize::Letter));
}

#[test]
fn an_empty_wave_says_there_is_nothing_to_pull() {
    let list = sample::pick_list(0);
    let text = text(&pdf(&list, "es", PaperSize::A4));
    assert!(text.contains("Pedidos: 0"), "{text}");
    assert!(text.contains("Nada que recoger en esta oleada."), "{text}");
    assert_eq!(totals_csv(&list), b"sku,name,units\r\n");
    assert_eq!(
        manifest_csv(&list),
        b"order_id,customer,placed_at,inserts,coupon\r\n"
    );
}

fn records(bytes: &[u8]) -> Vec<Vec<String>> {
    csv::Reader::from_reader(bytes)
        .records()
        .map(|r| r.expect("a CSV record").iter().map(str::to_owned).collect())
        .collect()
}

#[test]
fn the_csv_files_hold_the_totals_and_the_manifest_quoted() {
    let list = sample::pick_list(8);
    let totals = String::from_utf8(totals_csv(&list)).unwrap();
    assert_eq!(
        totals,
        "sku,name,units\r\n\
         CARD-WELCOME,\"Welcome card, A6 \"\"Hello!\"\"\",3\r\n\
         FLYER-2025,,2\r\n\
         GUIDE-BREW,How to brew: a guide,3\r\n\
         SAMPLE-MATCHA,Matcha sample 5 g,1\r\n"
    );
    let rows = records(manifest_csv(&list).as_slice());
    assert_eq!(rows.len(), 7, "order 7 has nothing to pull");
    assert_eq!(
        rows[0],
        [
            "SO-00001",
            "C0000",
            "2026-11-23T10:00:00Z",
            "CARD-WELCOME;CARD-WELCOME",
            "THANKS-0000"
        ]
    );
    assert_eq!(
        rows[1],
        [
            "SO-00002",
            "C0001",
            "2026-11-23T10:00:07Z",
            "GUIDE-BREW",
            ""
        ]
    );
}

#[test]
fn merchant_text_cannot_become_a_spreadsheet_formula() {
    let mut list = sample::pick_list(2);
    list.totals[0].name = Some("=HYPERLINK(\"https://evil.example\",\"click\")".into());
    list.totals[1].name = Some("@SUM(1+1)".into());
    list.manifest[0].coupon = Some("-1+2".into());
    let totals = records(&totals_csv(&list));
    assert_eq!(
        totals[0][1],
        "'=HYPERLINK(\"https://evil.example\",\"click\")"
    );
    assert_eq!(totals[1][1], "'@SUM(1+1)");
    assert_eq!(records(&manifest_csv(&list))[0][4], "'-1+2");
}

#[test]
fn long_names_wrap_inside_their_column() {
    let mut list = sample::pick_list(3);
    let long = "A very long insert name that goes on ".repeat(6);
    list.totals[0].name = Some(long.clone());
    let text = text(&pdf(&list, "en", PaperSize::A4));
    assert!(squeeze(&text).contains(&squeeze(&long)), "{text}");
    assert!(
        normalize(&text).contains("CARD-WELCOME A very long"),
        "{text}"
    );
}
