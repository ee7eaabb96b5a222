//! A sample instruction: what a template is tried on when it is loaded, and what the
//! examples, the benchmark and the tests render. Texts are in the customer's language.

use chrono::{NaiveDate, TimeZone, Utc};
use packwise_core::campaign::CouponValue;
use packwise_core::insert::{InsertFormat, InsertKind};
use packwise_core::instruction::{
    CouponToPrint, InsertToAdd, MessageToPrint, PackagingChoice, PickLine, PickPackInstruction,
    Recommendation, SCHEMA_V1,
};
use packwise_core::order::{Address, Channel};
use packwise_core::similar::Basis;
use rust_decimal::Decimal;

use crate::i18n::{Lang, negotiate};

/// How big the sample order is.
#[derive(Clone, Copy, Debug)]
pub struct SampleSize {
    pub lines: usize,
    /// Characters of each product title (at least the base name's length).
    pub title_chars: usize,
    pub inserts: usize,
    pub recommendations: usize,
}

impl SampleSize {
    /// The typical slip: 10 lines, 3 inserts, a coupon, a message, 4 recommendations.
    pub const TYPICAL: SampleSize = SampleSize {
        lines: 10,
        title_chars: 0,
        inserts: 3,
        recommendations: 4,
    };
}

const PRODUCTS: [&str; 6] = [
    "Sencha green tea, loose leaf 100 g",
    "Earl Grey Supreme",
    "Cast-iron teapot Tetsubin 0.8 l",
    "Matcha whisk (chasen), bamboo",
    "Rooibos vanilla",
    "Double-walled glass cup",
];

/// A sample instruction in `locale` (a BCP 47 tag).
pub fn instruction(locale: &str, size: SampleSize) -> PickPackInstruction {
    let lang = negotiate(locale);
    let (currency, amount, min_spend) = match lang {
        Lang::Id => ("IDR", Decimal::new(50_000, 0), Decimal::new(250_000, 0)),
        Lang::En => ("USD", Decimal::new(500, 2), Decimal::new(4000, 2)),
        _ => ("EUR", Decimal::new(1250, 2), Decimal::new(123_450, 2)),
    };
    let currency = currency.parse().expect("a known currency");
    let pick = (0..size.lines)
        .map(|i| {
            let mut title = format!("{} #{}", PRODUCTS[i % PRODUCTS.len()], i + 1);
            let filler = " with an extra-long description of the blend";
            let mut k = 0;
            while title.chars().count() < size.title_chars {
                title.push(filler.chars().nth(k % filler.len()).unwrap_or(' '));
                k += 1;
            }
            PickLine {
                sku: format!("TEA-{:04}", 101 + i),
                title,
                quantity: 1 + (i as u32 * 7) % 4,
            }
        })
        .collect();
    let insert_kinds = [
        (InsertKind::WelcomeCard, "Welcome card — spring edition"),
        (InsertKind::Sample, "Sample: Jasmine Pearls 5 g"),
        (InsertKind::HowToGuide, "How to brew loose-leaf tea"),
        (InsertKind::ReviewRequest, "Review card"),
    ];
    let inserts = insert_kinds
        .iter()
        .cycle()
        .take(size.inserts)
        .enumerate()
        .map(|(i, (kind, name))| InsertToAdd {
            sku: format!("INS-{:02}", i + 1),
            name: (*name).to_owned(),
            kind: *kind,
            format: InsertFormat::Flat,
            campaign: "welcome".into(),
            reason: "welcome".into(),
        })
        .collect();
    let bases = [
        (Basis::CoPurchase, Some("Sencha green tea")),
        (Basis::History, Some("Earl Grey Supreme")),
        (Basis::Category, Some("Green tea")),
        (Basis::Popular, None),
    ];
    let recommendations = bases
        .iter()
        .cycle()
        .take(size.recommendations)
        .enumerate()
        .map(|(i, (basis, because))| Recommendation {
            sku: format!("REC-{}", 201 + i),
            title: [
                "Gyokuro Asahi",
                "Lapsang Souchong",
                "Genmaicha",
                "Tea caddy",
            ][i % 4]
                .into(),
            reason: String::new(),
            basis: *basis,
            because: because.map(str::to_owned),
        })
        .collect();
    let message = match lang {
        Lang::En => {
            "Thank you for your order, Anna! We packed it with care and hope the tea brings you calm mornings."
        }
        Lang::Id => "Terima kasih atas pesanan Anda, Anna! Kami mengemasnya dengan hati-hati.",
        Lang::De => {
            "Danke für Ihre Bestellung, Anna! Wir haben sie mit Sorgfalt gepackt – genießen Sie Ihren Tee."
        }
        Lang::Fr => {
            "Merci pour votre commande, Anna ! Nous l’avons préparée avec soin – bonne dégustation."
        }
        Lang::Es => "¡Gracias por tu pedido, Anna! Lo hemos preparado con mimo: disfruta de tu té.",
    };
    let (city, postal, country) = match lang {
        Lang::En => ("Portland", "97205", "US"),
        Lang::Id => ("Jakarta Selatan", "12190", "ID"),
        Lang::De => ("München", "80331", "DE"),
        Lang::Fr => ("Montréal", "H2X 1Y4", "CA"),
        Lang::Es => ("Sevilla", "41001", "ES"),
    };
    PickPackInstruction {
        schema: SCHEMA_V1.into(),
        merchant: "teashop".into(),
        order_id: "TS-100234".into(),
        customer_id: "c-42".into(),
        fulfillment_centre: "fc-1".into(),
        placed_at: Utc
            .with_ymd_and_hms(2026, 5, 12, 9, 30, 0)
            .single()
            .expect("a valid time"),
        channel: Channel::Web,
        locale: locale.into(),
        ship_to: Address {
            name: "Anna Łukasiewicz-Nguyễn".into(),
            line1: "Lindenstraße 12".into(),
            line2: Some("3rd floor, c/o Café Ümlaut".into()),
            city: city.into(),
            region: (country == "US").then(|| "OR".into()),
            postal_code: postal.into(),
            country: country.into(),
        },
        pick,
        inserts,
        coupon: Some(CouponToPrint {
            code: "WELCOME-7QX4-KD2M".into(),
            value: if lang == Lang::De {
                CouponValue::Percent {
                    percent: Decimal::new(15, 0),
                }
            } else {
                CouponValue::FixedAmount { amount, currency }
            },
            currency,
            expires_on: NaiveDate::from_ymd_opt(2026, 6, 30).expect("a valid date"),
            min_spend: Some(min_spend),
            text: String::new(),
            campaign: "welcome".into(),
        }),
        recommendations,
        message: Some(MessageToPrint {
            text: message.into(),
            locale: locale.into(),
            campaign: "welcome".into(),
        }),
        packaging: Some(PackagingChoice {
            box_type: "S2".into(),
            gift_wrap: true,
            campaign: "welcome".into(),
        }),
        campaigns: vec![],
        slip: None,
    }
}

/// The return information of the samples.
pub const RETURNS: &str = "Returns within 30 days: scan the QR code on our website or write to returns@shop.example.\nTea Shop Returns, Hafenweg 3, 20457 Hamburg, Germany";

/// The product URL template of the samples.
pub const PRODUCT_URL: &str = "https://shop.example/p/{sku}";

/// Inserts of the sample pick list: SKU and catalog name (`None`: deleted since).
pub const PICK_INSERTS: [(&str, Option<&str>); 4] = [
    ("CARD-WELCOME", Some("Welcome card, A6 \"Hello!\"")),
    ("GUIDE-BREW", Some("How to brew: a guide")),
    ("SAMPLE-MATCHA", Some("Matcha sample 5 g")),
    ("FLYER-2025", None),
];

/// A wave's pick list of `orders` orders at centre `BER1`, 10:00–12:00 UTC on
/// 2026-11-23, one order a few seconds after the other: order `i` takes
/// `PICK_INSERTS[i % 4]`, a second unit of it when `i % 5 == 0`, and prints a coupon when
/// `i % 3 == 0`; every seventh order has nothing to pull and only counts.
pub fn pick_list(orders: usize) -> packwise_core::pick_list::PickList {
    use packwise_core::pick_list::{InsertTotal, ManifestRow, PickList};
    use packwise_core::wave::Wave;

    let start = Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap();
    let mut units = [0_u64; 4];
    let mut manifest = Vec::new();
    for i in 0..orders {
        if i % 7 == 6 {
            continue;
        }
        let which = i % PICK_INSERTS.len();
        let copies = if i % 5 == 0 { 2 } else { 1 };
        units[which] += copies as u64;
        manifest.push(ManifestRow {
            order_id: format!("SO-{:05}", i + 1),
            customer: format!("C{:04}", i % 500),
            placed_at: start + chrono::Duration::seconds(i as i64 * 7),
            inserts: vec![PICK_INSERTS[which].0.to_owned(); copies],
            coupon: (i % 3 == 0).then(|| format!("THANKS-{:04X}", i * 37)),
        });
    }
    let mut totals: Vec<InsertTotal> = PICK_INSERTS
        .iter()
        .zip(units)
        .filter(|(_, units)| *units > 0)
        .map(|((sku, name), units)| InsertTotal {
            sku: (*sku).to_owned(),
            name: name.map(str::to_owned),
            units,
        })
        .collect();
    totals.sort_by(|a, b| a.sku.cmp(&b.sku));
    PickList {
        merchant: "tea-shop".to_owned(),
        centre: "BER1".to_owned(),
        wave: Wave {
            start,
            end: start + chrono::Duration::hours(2),
        },
        orders,
        totals,
        manifest,
    }
}
