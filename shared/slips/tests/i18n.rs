//! Labels, amounts and dates per language.

use chrono::NaiveDate;
use packwise_core::money::Currency;
use packwise_slips::i18n::{Lang, Localizer, negotiate};
use rust_decimal::Decimal;

fn cur(code: &str) -> Currency {
    code.parse().expect("a currency")
}

fn dec(s: &str) -> Decimal {
    s.parse().expect("a decimal")
}

#[test]
fn locales_pick_the_best_of_the_five_languages() {
    let cases = [
        ("de-DE", Lang::De),
        ("de", Lang::De),
        ("de-AT", Lang::De),
        ("id", Lang::Id),
        ("id-ID", Lang::Id),
        ("in-ID", Lang::Id),
        ("fr-CA", Lang::Fr),
        ("fr_FR", Lang::Fr),
        ("es-MX", Lang::Es),
        ("en-GB", Lang::En),
        ("pt-BR", Lang::En),
        ("ja", Lang::En),
        ("", Lang::En),
        ("not a tag", Lang::En),
    ];
    for (tag, lang) in cases {
        assert_eq!(negotiate(tag), lang, "{tag}");
    }
}

#[test]
fn amounts_follow_each_language() {
    let cases = [
        ("en", "1234.5", "USD", "$1,234.50"),
        ("en", "1234.5", "EUR", "€1,234.50"),
        ("en", "12000", "IDR", "Rp\u{a0}12,000"),
        ("en", "1000", "JPY", "¥1,000"),
        ("en", "-3.456", "EUR", "-€3.46"),
        ("id", "12000", "IDR", "Rp\u{a0}12.000"),
        ("id", "1234.5", "EUR", "€1.234,50"),
        ("de-DE", "1234.5", "EUR", "1.234,50\u{a0}€"),
        ("de", "0.5", "USD", "0,50\u{a0}US$"),
        ("fr", "1234.5", "EUR", "1\u{202f}234,50\u{a0}€"),
        ("fr", "5", "USD", "5,00\u{a0}$US"),
        ("es", "1234.5", "EUR", "1234,50\u{a0}€"),
        ("es", "12345.5", "EUR", "12.345,50\u{a0}€"),
        ("de", "2.005", "EUR", "2,01\u{a0}€"),
        ("de", "10", "CHF", "10,00\u{a0}CHF"),
    ];
    for (locale, amount, currency, expected) in cases {
        let got = Localizer::new(locale).money(dec(amount), cur(currency));
        assert_eq!(got, expected, "{locale} {amount} {currency}");
    }
}

#[test]
fn dates_follow_each_locale() {
    let date = NaiveDate::from_ymd_opt(2026, 5, 12).expect("a date");
    let cases = [
        ("en", "05/12/2026"),
        ("en-US", "05/12/2026"),
        ("en-GB", "12/05/2026"),
        ("de-DE", "12.05.2026"),
        ("fr", "12/05/2026"),
        ("fr-CA", "2026-05-12"),
        ("es", "12/05/2026"),
        ("id", "12/05/2026"),
        ("pt-BR", "05/12/2026"),
    ];
    for (locale, expected) in cases {
        assert_eq!(Localizer::new(locale).date(date), expected, "{locale}");
    }
}

#[test]
fn numbers_and_percentages_follow_each_language() {
    assert_eq!(Localizer::new("en").integer(12345), "12,345");
    assert_eq!(Localizer::new("de").integer(12345), "12.345");
    assert_eq!(Localizer::new("fr").integer(12345), "12\u{202f}345");
    assert_eq!(Localizer::new("de").percent_value(dec("12.5")), "12,5");
    assert_eq!(Localizer::new("en").percent_value(dec("15.00")), "15");
}

#[test]
fn every_language_has_every_label_with_its_arguments() {
    let en = Localizer::new("en");
    let ids = [
        "slip-title",
        "order",
        "placed-on",
        "ship-to",
        "items",
        "qty",
        "sku",
        "add-to-parcel",
        "gift-wrap",
        "coupon-heading",
        "coupon-free-shipping",
        "message-heading",
        "recs-heading",
        "rec-popular",
        "returns-heading",
        "kind-welcome_card",
        "kind-thank_you_card",
        "kind-welcome_back",
        "kind-how_to_guide",
        "kind-sample",
        "kind-review_request",
        "kind-referral_card",
        "kind-apology_card",
        "kind-gift",
        "kind-flyer",
        "pick-title",
        "pick-units",
        "pick-totals",
        "pick-name",
        "pick-manifest",
        "pick-time",
        "pick-inserts",
        "pick-coupon",
        "pick-deleted-insert",
        "pick-nothing",
    ];
    for lang in ["id", "de", "fr", "es"] {
        let l = Localizer::new(lang);
        for id in ids {
            let text = l.label(id, &[]);
            assert_ne!(text, id, "{lang} lacks {id}");
            // A label equal to English is fine for a brand-like word (SKU, Flyer) only.
            if !["sku", "kind-flyer"].contains(&id) {
                assert_ne!(text, en.label(id, &[]), "{lang} {id} is English");
            }
        }
        let page = l.label("page-of", &[("page", "2"), ("pages", "3")]);
        let wave = l.label(
            "pick-wave",
            &[("date", "D8"), ("start", "S8"), ("end", "E8")],
        );
        assert!(
            ["D8", "S8", "E8"].iter().all(|a| wave.contains(a)),
            "{lang}: {wave}"
        );
        assert!(page.contains('2') && page.contains('3'), "{lang}: {page}");
        assert!(!page.contains('\u{2068}'), "no isolation marks");
        for (id, arg) in [
            ("valid-until", "date"),
            ("min-spend", "amount"),
            ("coupon-amount", "amount"),
            ("coupon-percent", "percent"),
            ("rec-co-purchase", "item"),
            ("rec-history", "item"),
            ("rec-category", "item"),
            ("box", "box"),
            ("pick-centre", "centre"),
            ("pick-orders", "orders"),
        ] {
            let text = l.label(id, &[(arg, "XYZ")]);
            assert!(text.contains("XYZ"), "{lang} {id}: {text}");
        }
    }
    assert_eq!(Localizer::new("en").count_label("item-count", 1), "1 item");
    assert_eq!(
        Localizer::new("en").count_label("item-count", 1200),
        "1,200 items"
    );
    assert_eq!(
        Localizer::new("fr").count_label("item-count", 2),
        "2 articles"
    );
}
