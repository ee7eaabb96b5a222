//! PDF slips read back: the text a packer sees, in each language, on each paper, over
//! several pages; their size and their bytes.

mod common;

use common::*;
use packwise_slips::sample::{self, SampleSize};
use packwise_slips::{PaperMeasures, PaperSize, SlipInput, render_html, render_pdf};

/// Per language: the locale, then texts the slip must show in it.
const LANGUAGES: [(&str, &[&str]); 5] = [
    (
        "en-US",
        &[
            "Ship to",
            "Items · 25 items",
            "Add to this parcel",
            "Welcome card",
            "Your coupon",
            "$5.00 off your next order",
            "valid until 06/30/2026",
            "min. spend $40.00",
            "Placed on 05/12/2026",
            "You might also like",
            "Goes well with Sencha green tea",
            "Returns",
            "Page 1 of ",
            "Thank you for your order, Anna!",
        ],
    ),
    (
        "id-ID",
        &[
            "Kirim ke",
            "Barang · 25 barang",
            "Masukkan ke paket ini",
            "Kartu selamat datang",
            "Kupon Anda",
            "Potongan Rp 50.000 untuk pesanan berikutnya",
            "berlaku hingga 30/06/2026",
            "min. belanja Rp 250.000",
            "Dipesan pada 12/05/2026",
            "Mungkin Anda juga suka",
            "Cocok dengan Sencha green tea",
            "Pengembalian",
            "Halaman 1 dari ",
            "Terima kasih atas pesanan Anda, Anna!",
        ],
    ),
    (
        "de-DE",
        &[
            "Lieferadresse",
            "Artikel · 25 Artikel",
            "In dieses Paket legen",
            "Willkommenskarte",
            "Ihr Gutschein",
            "15 % Rabatt auf Ihre nächste Bestellung",
            "gültig bis 30.06.2026",
            "Mindestbestellwert 1.234,50 €",
            "Bestellt am 12.05.2026",
            "Das könnte Ihnen auch gefallen",
            "Passt zu Sencha green tea",
            "Rücksendungen",
            "Seite 1 von ",
            "Danke für Ihre Bestellung, Anna!",
        ],
    ),
    (
        "fr-FR",
        &[
            "Livrer à",
            "Articles · 25 articles",
            "À ajouter à ce colis",
            "Carte de bienvenue",
            "Votre bon de réduction",
            "12,50 € de réduction sur votre prochaine commande",
            "valable jusqu’au 30/06/2026",
            "dès 1 234,50 € d’achat",
            "Passée le 12/05/2026",
            "Vous aimerez peut-être aussi",
            "Va bien avec Sencha green tea",
            "Retours",
            "Page 1 sur ",
            "Merci pour votre commande, Anna !",
        ],
    ),
    (
        "es-ES",
        &[
            "Enviar a",
            "Artículos · 25 artículos",
            "Añadir a este paquete",
            "Tarjeta de bienvenida",
            "Tu cupón",
            "12,50 € de descuento en tu próximo pedido",
            "válido hasta el 30/06/2026",
            "compra mínima 1234,50 €",
            "Realizado el 12/05/2026",
            "También te puede gustar",
            "Combina con Sencha green tea",
            "Devoluciones",
            "Página 1 de ",
            "¡Gracias por tu pedido, Anna!",
        ],
    ),
];

#[test]
fn every_language_shows_the_whole_slip_in_its_words_and_formats() {
    for (locale, expected) in LANGUAGES {
        let instruction = typical(locale);
        let text = text(&pdf(&instruction, PaperSize::A4));
        let mut missing: Vec<&str> = expected
            .iter()
            .copied()
            .filter(|e| !text.contains(&normalize(e)))
            .collect();
        // What every language shows as given: names, codes, titles, the return address.
        let given = [
            MERCHANT,
            "TS-100234",
            "WELCOME-7QX4-KD2M",
            "Anna Łukasiewicz-Nguyễn",
            "Lindenstraße 12",
            "Sample: Jasmine Pearls 5 g",
            "How to brew loose-leaf tea",
            "Gyokuro Asahi",
            "Lapsang Souchong",
            "Genmaicha",
            "Tea caddy",
            "https://shop.example/p/REC-201",
            "Tea Shop Returns, Hafenweg 3, 20457 Hamburg, Germany",
        ];
        missing.extend(given.iter().filter(|g| !text.contains(&normalize(g))));
        for line in &instruction.pick {
            let row = format!("{} × {}", line.quantity, line.title);
            if !text.contains(&normalize(&row)) {
                missing.push(Box::leak(row.into_boxed_str()));
            }
            if !text.contains(&line.sku) {
                missing.push(Box::leak(line.sku.clone().into_boxed_str()));
            }
        }
        assert!(
            missing.is_empty(),
            "{locale}: missing {missing:?} in\n{text}"
        );
    }
}

#[test]
fn a_long_order_continues_on_further_pages_with_nothing_cut_off() {
    let size = SampleSize {
        lines: 60,
        title_chars: 120,
        ..SampleSize::TYPICAL
    };
    let instruction = sample::instruction("de-DE", size);
    assert!(
        instruction
            .pick
            .iter()
            .all(|l| l.title.chars().count() >= 120)
    );
    for paper in PaperSize::ALL {
        let bytes = pdf(&instruction, paper);
        let pages = pages_text(&bytes);
        assert!(pages.len() >= 2, "{paper:?}: {} page(s)", pages.len());
        let n = pages.len();
        let all = squeeze(&pages.concat());
        for line in &instruction.pick {
            // A wrapped title is still one run of text, line after line.
            assert!(
                all.contains(&squeeze(&line.title)),
                "{paper:?}: {} cut off",
                line.sku
            );
        }
        for (i, page) in pages.iter().enumerate() {
            // Every page names the order and counts itself.
            assert!(
                page.contains("Bestellung TS-100234"),
                "{paper:?} page {}",
                i + 1
            );
            assert!(
                page.contains(&format!("Seite {} von {n}", i + 1)),
                "{paper:?} page {}: {page}",
                i + 1
            );
            // A page of item rows starts with the column labels.
            if page.contains("TEA-0") {
                assert!(
                    page.contains("Menge Artikel Art.-Nr."),
                    "{paper:?} page {}: {page}",
                    i + 1
                );
            }
        }
        assert!(all.contains(&squeeze("Tea Shop Returns, Hafenweg 3")));
        assert!(bytes.len() < 100_000, "{paper:?}: {} bytes", bytes.len());
    }
}

#[test]
fn every_paper_renders_its_size_under_100_kb() {
    let instruction = typical("en");
    for paper in PaperSize::ALL {
        let bytes = pdf(&instruction, paper);
        assert!(bytes.len() < 100_000, "{paper:?}: {} bytes", bytes.len());
        let doc = lopdf::Document::load_mem(&bytes).expect("the PDF parses");
        let (_, page) = doc.get_pages().into_iter().next().expect("a page");
        let media_box = doc
            .get_dictionary(page)
            .and_then(|d| d.get(b"MediaBox"))
            .and_then(|o| o.as_array())
            .expect("a media box")
            .iter()
            .map(|o| o.as_float().expect("a number"))
            .collect::<Vec<f32>>();
        let (w, h) = paper.points();
        assert!(
            (media_box[2] - media_box[0] - w).abs() < 0.5,
            "{paper:?}: {media_box:?}"
        );
        assert!(
            (media_box[3] - media_box[1] - h).abs() < 0.5,
            "{paper:?}: {media_box:?}"
        );
    }
}

#[test]
fn the_same_instruction_gives_the_same_bytes() {
    for locale in ["en", "de-DE", "id"] {
        let instruction = typical(locale);
        for paper in PaperSize::ALL {
            assert_eq!(
                pdf(&instruction, paper),
                pdf(&instruction, paper),
                "{locale} {paper:?}"
            );
        }
    }
}

#[test]
fn the_font_is_subset_and_the_metadata_carries_no_time() {
    let bytes = pdf(&typical("fr"), PaperSize::A4);
    let doc = lopdf::Document::load_mem(&bytes).expect("the PDF parses");
    let mut font_files = 0;
    for object in doc.objects.values() {
        if let Ok(dict) = object.as_dict() {
            if let Ok(name) = dict.get(b"BaseFont").and_then(|n| n.as_name()) {
                // A subset font's name has a six-letter tag: ABCDEF+DejaVuSans.
                let name = String::from_utf8_lossy(name);
                assert!(name.contains('+') && name.contains("DejaVuSans"), "{name}");
            }
            for key in [b"FontFile2".as_slice(), b"FontFile3"] {
                if dict.has(key) {
                    font_files += 1;
                }
            }
        }
    }
    assert!(font_files >= 2, "regular and bold embedded");
    let raw = String::from_utf8_lossy(&bytes);
    assert!(!raw.contains("/CreationDate") && !raw.contains("/ModDate"));
}

#[test]
fn an_order_id_code_128_cannot_carry_is_refused() {
    let mut instruction = typical("en");
    instruction.order_id = "Bestellung-Ü1".into();
    let err = render_pdf(&input(&instruction, PaperSize::A4)).unwrap_err();
    assert!(err.to_string().contains("Code 128"), "{err}");
}

#[test]
fn a_typical_slip_fits_one_sheet_or_two_labels() {
    for (locale, _) in LANGUAGES {
        let instruction = typical(locale);
        for (paper, pages) in [
            (PaperSize::A4, 1),
            (PaperSize::Letter, 1),
            (PaperSize::FourBySix, 2),
        ] {
            let n = pages_text(&pdf(&instruction, paper)).len();
            assert_eq!(n, pages, "{locale} {paper:?}");
        }
    }
}

#[test]
fn without_a_product_address_suggestions_print_without_codes() {
    let instruction = typical("en");
    assert!(!instruction.recommendations.is_empty());
    let with = input(&instruction, PaperSize::A4);
    let without = SlipInput {
        product_url_template: None,
        ..with
    };
    let printed = squeeze(&text(&render_pdf(&without).expect("renders")));
    for rec in &instruction.recommendations {
        assert!(printed.contains(&squeeze(&rec.title)), "{}", rec.title);
    }
    assert!(!printed.contains("https://"), "{printed}");
    let svgs = |html: String| html.matches("<svg").count();
    let codes = instruction.recommendations.len();
    assert_eq!(
        svgs(render_html(&with).unwrap()),
        1 + codes,
        "barcode and QR codes"
    );
    assert_eq!(svgs(render_html(&without).unwrap()), 1, "the barcode alone");
}

#[test]
fn a_label_prints_the_suggestions_that_fit_without_another_label() {
    // One item, one insert: the slip fits one label, and only some suggestions with it.
    let mut instruction = typical("en");
    instruction.pick.truncate(1);
    instruction.inserts.truncate(1);
    instruction.message = None;
    instruction.coupon = None;
    let mut bare = instruction.clone();
    bare.recommendations.clear();
    let pages = |ins: &_, paper| pages_text(&pdf(ins, paper)).len();
    let printed = |paper| {
        let text = squeeze(&text(&pdf(&instruction, paper)));
        instruction
            .recommendations
            .iter()
            .filter(|r| text.contains(&squeeze(&r.title)))
            .count()
    };
    let all = instruction.recommendations.len();
    assert_eq!(pages(&bare, PaperSize::FourBySix), 1);
    assert_eq!(
        printed(PaperSize::FourBySix),
        2,
        "the row of two that fits, of {all}"
    );
    assert_eq!(
        pages(&instruction, PaperSize::FourBySix),
        pages(&bare, PaperSize::FourBySix),
        "suggestions never take another label"
    );
    assert_eq!(printed(PaperSize::A4), all, "a page prints them all");
}
