//! A wave's pick list as a PDF for the warehouse: the title (merchant, centre, wave), the
//! inserts to pull with their totals and a box to tick per insert, then the manifest of
//! what each order's parcel gets. Labels in the merchant's language; like a slip, a pure
//! function of its input, so the same list always gives the same bytes.

use krilla::metadata::Metadata;
use packwise_core::pick_list::PickList;

use crate::i18n::Localizer;
use crate::layout::Style;
use crate::sheet::{self, Align, Block, Column, Laid, Sheet, ruled};
use crate::{PaperSize, SlipError};

/// Everything a pick list shows.
#[derive(Clone, Copy, Debug)]
pub struct PickListInput<'a> {
    pub list: &'a PickList,
    /// The name printed at the top, such as "Tea Shop".
    pub merchant_name: &'a str,
    /// The merchant's language, a BCP 47 tag: the labels and the date.
    pub locale: &'a str,
    /// A list is read at a desk or a pick cart: a 4x6 label printer gets A4.
    pub paper: PaperSize,
}

/// The pick list as a PDF.
pub fn render_pdf(input: &PickListInput<'_>) -> Result<Vec<u8>, SlipError> {
    let l10n = Localizer::new(input.locale);
    let paper = match input.paper {
        PaperSize::FourBySix => PaperSize::A4,
        other => other,
    };
    let list = input.list;
    let mut sheet = Sheet::new(paper);
    totals(&mut sheet, list, &l10n);
    manifest(&mut sheet, list, &l10n);
    let title = format!(
        "{} · {}",
        l10n.label("pick-title", &[]),
        centre(list, &l10n)
    );
    let wave = wave(list, &l10n);
    let first = first_header(&sheet, input.merchant_name, &title, &wave, list, &l10n);
    let footer = format!("{} · {title} · {wave}", input.merchant_name);
    let next = next_header(&sheet, &footer);
    let laid = Laid::new(sheet, first, next);
    sheet::write(
        &laid,
        sheet::Document {
            metadata: Metadata::new()
                .title(format!("{title} · {wave}"))
                .authors(vec![input.merchant_name.to_owned()])
                .language(l10n.lang().code().to_owned())
                .creator("packwise".to_owned()),
            footer: &footer,
            page_of: &|page, pages| l10n.page_of(page, pages),
            paint_other: &|_, _, _, _| {},
        },
    )
}

fn centre(list: &PickList, l10n: &Localizer) -> String {
    l10n.label("pick-centre", &[("centre", &list.centre)])
}

fn wave(list: &PickList, l10n: &Localizer) -> String {
    let start = list.wave.start;
    l10n.label(
        "pick-wave",
        &[
            ("date", &l10n.date(start.date_naive())),
            ("start", &start.format("%H:%M").to_string()),
            ("end", &list.wave.end_time()),
        ],
    )
}

fn totals(sheet: &mut Sheet, list: &PickList, l10n: &Localizer) {
    sheet.heading(&l10n.label("pick-totals", &[]));
    if list.totals.is_empty() {
        let base = sheet.m.base;
        sheet.paragraph(&l10n.label("pick-nothing", &[]), Style::Regular, base);
        return;
    }
    let deleted = l10n.label("pick-deleted-insert", &[]);
    let rows: Vec<Vec<String>> = list
        .totals
        .iter()
        .map(|t| {
            vec![
                t.sku.clone(),
                t.name.clone().unwrap_or_else(|| deleted.clone()),
                l10n.integer(t.units),
            ]
        })
        .collect();
    let (sku, name, units) = (
        l10n.label("sku", &[]),
        l10n.label("pick-name", &[]),
        l10n.label("pick-units", &[]),
    );
    let sku_w = sheet.fit(&sku, rows.iter().map(|r| r[0].as_str()), 0.3);
    let units_w = sheet.fit(&units, rows.iter().map(|r| r[2].as_str()), 0.2);
    let m = sheet.m;
    // The tick box and three gaps take the rest of the line from the name.
    let name_w = sheet.width() - m.base * 0.9 - 3.0 * m.gap - sku_w - units_w;
    let columns = [
        Column {
            label: &sku,
            width: sku_w,
            align: Align::Left,
        },
        Column {
            label: &name,
            width: name_w,
            align: Align::Left,
        },
        Column {
            label: &units,
            width: units_w,
            align: Align::Right,
        },
    ];
    sheet.table(&columns, &rows, true);
}

fn manifest(sheet: &mut Sheet, list: &PickList, l10n: &Localizer) {
    if list.manifest.is_empty() {
        return;
    }
    sheet.heading(&l10n.label("pick-manifest", &[]));
    let rows: Vec<Vec<String>> = list
        .manifest
        .iter()
        .map(|row| {
            let inserts: Vec<String> = row
                .insert_counts()
                .into_iter()
                .map(|(sku, n)| match n {
                    1 => sku.to_owned(),
                    n => format!("{sku} ×{}", l10n.integer(n as u64)),
                })
                .collect();
            vec![
                row.order_id.clone(),
                row.placed_at.format("%H:%M").to_string(),
                inserts.join(", "),
                row.coupon.clone().unwrap_or_default(),
            ]
        })
        .collect();
    let (order, time, inserts, coupon) = (
        l10n.label("order", &[]),
        l10n.label("pick-time", &[]),
        l10n.label("pick-inserts", &[]),
        l10n.label("pick-coupon", &[]),
    );
    let order_w = sheet.fit(&order, rows.iter().map(|r| r[0].as_str()), 0.3);
    let time_w = sheet.fit(&time, rows.iter().map(|r| r[1].as_str()), 0.15);
    let coupon_w = sheet.fit(&coupon, rows.iter().map(|r| r[3].as_str()), 0.3);
    let inserts_w = sheet.width() - 3.0 * sheet.m.gap - order_w - time_w - coupon_w;
    let columns = [
        Column {
            label: &order,
            width: order_w,
            align: Align::Left,
        },
        Column {
            label: &time,
            width: time_w,
            align: Align::Left,
        },
        Column {
            label: &inserts,
            width: inserts_w,
            align: Align::Left,
        },
        Column {
            label: &coupon,
            width: coupon_w,
            align: Align::Left,
        },
    ];
    sheet.table(&columns, &rows, false);
}

/// The first page's header: the merchant, the list and centre, the wave, and how many
/// orders and units it holds.
fn first_header(
    sheet: &Sheet,
    merchant: &str,
    title: &str,
    wave: &str,
    list: &PickList,
    l10n: &Localizer,
) -> Block {
    let m = sheet.m;
    let w = sheet.width();
    let counts = format!(
        "{} · {}: {}",
        l10n.label(
            "pick-orders",
            &[("orders", &l10n.integer(list.orders as u64))]
        ),
        l10n.label("pick-units", &[]),
        l10n.integer(list.units())
    );
    let mut items = vec![];
    let mut y = 0.0;
    for (text, style, size) in [
        (merchant, Style::Bold, m.title),
        (title, Style::Bold, m.base),
        (wave, Style::Regular, m.base),
        (counts.as_str(), Style::Regular, m.small),
    ] {
        y += sheet.text_items(&mut items, text, (style, size), 0.0, y, w);
    }
    ruled(items, y + 3.0, w, m)
}

/// The header of the pages after the first: what the list is, on one line.
fn next_header(sheet: &Sheet, what: &str) -> Block {
    let m = sheet.m;
    let w = sheet.width();
    let mut items = vec![];
    let h = sheet.text_items(&mut items, what, (Style::Bold, m.base), 0.0, 0.0, w);
    ruled(items, h + 3.0, w, m)
}
