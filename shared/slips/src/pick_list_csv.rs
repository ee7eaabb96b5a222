//! A wave's pick list as two CSV files: the totals (`sku,name,units`) and the manifest
//! (`order_id,customer,placed_at,inserts,coupon`), for a spreadsheet or the warehouse
//! system. RFC 4180 quoting by the `csv` crate, so names with commas, quotes or line
//! breaks stay one cell.
//!
//! In the manifest, `inserts` holds an order's insert SKUs joined by `;`, a SKU once per
//! unit (`CARD;CARD;SAMPLE`): a reader splits on `;` and counts, no format to parse.

use chrono::SecondsFormat;
use packwise_core::pick_list::PickList;

pub const TOTALS_HEADER: [&str; 3] = ["sku", "name", "units"];
pub const MANIFEST_HEADER: [&str; 5] = ["order_id", "customer", "placed_at", "inserts", "coupon"];

/// `sku,name,units`, a row per insert by SKU; a deleted insert has an empty name.
pub fn totals_csv(list: &PickList) -> Vec<u8> {
    let mut out = writer();
    out.write_record(TOTALS_HEADER).expect(IN_MEMORY);
    for t in &list.totals {
        out.write_record([
            text_cell(&t.sku),
            text_cell(t.name.as_deref().unwrap_or_default()),
            t.units.to_string(),
        ])
        .expect(IN_MEMORY);
    }
    out.into_inner().expect(IN_MEMORY)
}

/// `order_id,customer,placed_at,inserts,coupon`, a row per order with something to pull,
/// by time placed (RFC 3339, UTC) then order id.
pub fn manifest_csv(list: &PickList) -> Vec<u8> {
    let mut out = writer();
    out.write_record(MANIFEST_HEADER).expect(IN_MEMORY);
    for row in &list.manifest {
        out.write_record([
            text_cell(&row.order_id),
            text_cell(&row.customer),
            row.placed_at.to_rfc3339_opts(SecondsFormat::AutoSi, true),
            text_cell(&row.inserts.join(";")),
            text_cell(row.coupon.as_deref().unwrap_or_default()),
        ])
        .expect(IN_MEMORY);
    }
    out.into_inner().expect(IN_MEMORY)
}

const IN_MEMORY: &str = "writing CSV to memory cannot fail";

fn writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new())
}

/// A text cell safe to open in a spreadsheet. Insert names are free text the merchant
/// types, and SKUs, order and customer ids and codes are only kept from `#`, `/` and
/// control characters: a cell starting with `=`, `+`, `-` or `@` (or a tab or carriage
/// return before one) would run as a formula when the warehouse opens the file in Excel
/// or Sheets (CSV injection, OWASP). A leading `'` makes the spreadsheet show it as text.
fn text_cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_neutralised_and_plain_text_is_kept() {
        assert_eq!(text_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(text_cell("+1"), "'+1");
        assert_eq!(text_cell("-2+3"), "'-2+3");
        assert_eq!(text_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(text_cell("\t=1"), "'\t=1");
        assert_eq!(text_cell("Welcome card, A5"), "Welcome card, A5");
        assert_eq!(text_cell("a=b"), "a=b");
        assert_eq!(text_cell(""), "");
    }
}
