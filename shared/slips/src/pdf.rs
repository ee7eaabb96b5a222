//! The slip as a PDF, on the page engine in `sheet`.
//!
//! The slip's blocks: the address and the inserts to add, the items, the coupon, the
//! message, recommendations with their QR codes and the returns. Every page repeats the
//! header (the merchant and the order number, the first page with the barcode) and ends
//! with "page X of Y". The barcode and the QR codes are vector rectangles.

use std::ops::{Deref, DerefMut};

use krilla::geom::{PathBuilder, Rect};
use krilla::metadata::Metadata;
use krilla::paint::Fill;
use krilla::surface::Surface;

use crate::layout::Style;
use crate::sheet::{self, Block, Item, Laid, Sheet, rect, ruled};
use crate::view::SlipView;
use crate::{PaperSize, SlipError};

/// Blocks of one slip, built top-down in the content width.
struct Flow<'a> {
    sheet: Sheet,
    view: &'a SlipView,
    /// How many of the view's suggestions are printed.
    suggestions: usize,
    /// Whether a suggestion's address is printed beside its QR code. On a label the code
    /// carries it alone: printed, it wraps over three lines per suggestion and pushes the
    /// return information onto a second label.
    print_urls: bool,
}

impl Deref for Flow<'_> {
    type Target = Sheet;

    fn deref(&self) -> &Sheet {
        &self.sheet
    }
}

impl DerefMut for Flow<'_> {
    fn deref_mut(&mut self) -> &mut Sheet {
        &mut self.sheet
    }
}

impl Flow<'_> {
    /// Two sections side by side in one block that stays on one page: for short ones only
    /// (the address and the inserts, both a handful of lines).
    fn side_by_side(&mut self, left: fn(&mut Self), right: fn(&mut Self)) {
        let gap = 2.0 * self.m.gap;
        let column = (self.m.content_width() - gap) / 2.0;
        let outer = std::mem::take(&mut self.blocks);
        self.column = Some(column);
        left(self);
        let left_blocks = std::mem::take(&mut self.blocks);
        right(self);
        let right_blocks = std::mem::take(&mut self.blocks);
        self.column = None;
        self.blocks = outer;
        let mut merged = Block::default();
        for (x0, blocks) in [(0.0, left_blocks), (column + gap, right_blocks)] {
            let mut y0 = 0.0;
            for block in blocks.iter().skip_while(|b| b.spacer) {
                merged
                    .items
                    .extend(block.items.iter().map(|item| item.moved(x0, y0)));
                y0 += block.height;
            }
            merged.height = merged.height.max(y0);
        }
        if merged.height > 0.0 {
            let gap = self.m.base * 0.7;
            self.spacer(gap);
            self.blocks.push(merged);
        }
    }

    fn ship_to(&mut self) {
        let v = self.view;
        self.heading(v.label("ship-to"));
        for (i, line) in self.view.ship_to.iter().enumerate() {
            let style = if i == 0 { Style::Bold } else { Style::Regular };
            let size = self.m.base;
            self.paragraph(line, style, size);
        }
    }

    fn items(&mut self) {
        let m = self.m;
        let v = self.view;
        self.heading(&format!("{} · {}", v.label("items"), v.item_count));
        let bold = &self.fonts.bold;
        let regular = &self.fonts.regular;
        let qty_w = v
            .items
            .iter()
            .map(|i| bold.width(&format!("{} ×", i.quantity), m.base))
            .fold(bold.width(v.label("qty"), m.small), f32::max);
        let sku_w = v
            .items
            .iter()
            .map(|i| regular.width(&i.sku, m.small))
            .fold(regular.width(v.label("sku"), m.small), f32::max)
            .min(self.width() * 0.3);
        let title_x = qty_w + m.gap;
        let sku_x = self.width() - sku_w;
        let title_w = sku_x - m.gap - title_x;

        // Column labels, kept with the first row.
        let mut items = vec![];
        let qty = v.label("qty");
        items.push(Item::Text {
            x: qty_w - bold.width(qty, m.small),
            y: 0.0,
            style: Style::Bold,
            size: m.small,
            text: qty.to_owned(),
        });
        self.text_items(
            &mut items,
            v.label("items"),
            (Style::Bold, m.small),
            title_x,
            0.0,
            title_w,
        );
        self.text_items(
            &mut items,
            v.label("sku"),
            (Style::Bold, m.small),
            sku_x,
            0.0,
            sku_w,
        );
        let labels = self.column_labels(items);

        let pad = m.base * 0.2;
        for item in &v.items {
            let mut items = vec![];
            let qty = format!("{} ×", item.quantity);
            items.push(Item::Text {
                x: qty_w - bold.width(&qty, m.base),
                y: pad,
                style: Style::Bold,
                size: m.base,
                text: qty,
            });
            let th = self.text_items(
                &mut items,
                &item.title,
                (Style::Regular, m.base),
                title_x,
                pad,
                title_w,
            );
            // The SKU sits on the title's baseline: offset by the difference in size.
            let sh = self.text_items(
                &mut items,
                &item.sku,
                (Style::Regular, m.small),
                sku_x,
                pad + (m.base - m.small) * 0.9,
                sku_w,
            );
            let height = th.max(sh) + 2.0 * pad;
            self.table_row(items, height, labels);
        }
    }

    fn checklist(&mut self) {
        if self.view.checklist.is_empty() {
            return;
        }
        let m = self.m;
        let v = self.view;
        self.heading(v.label("add-to-parcel"));
        let square = self.tick_side();
        let x = square + m.gap;
        let w = self.width() - x;
        for check in &self.view.checklist {
            let mut items = vec![self.tick_box(0.0)];
            let mut h =
                self.text_items(&mut items, &check.name, (Style::Regular, m.base), x, 0.0, w);
            let detail = match (check.kind.is_empty(), check.sku.is_empty()) {
                (true, true) => String::new(),
                (false, true) => check.kind.clone(),
                (true, false) => check.sku.clone(),
                (false, false) => format!("{} · {}", check.kind, check.sku),
            };
            if !detail.is_empty() {
                h += self.text_items(&mut items, &detail, (Style::Regular, m.small), x, h, w);
            }
            self.blocks.push(Block {
                height: h + m.base * 0.35,
                items,
                ..Block::default()
            });
        }
    }

    fn coupon(&mut self) {
        let Some(c) = &self.view.coupon else { return };
        let m = self.m;
        self.spacer(m.base);
        let pad = m.gap;
        let w = self.width() - 2.0 * pad;
        let mut items = vec![];
        let mut y = pad;
        y += self.text_items(
            &mut items,
            self.view.label("coupon-heading"),
            (Style::Bold, m.base),
            pad,
            y,
            w,
        );
        y += self.text_items(&mut items, &c.code, (Style::Bold, m.base * 1.5), pad, y, w);
        y += self.text_items(&mut items, &c.value, (Style::Regular, m.base), pad, y, w);
        let terms = match &c.min_spend {
            Some(min) => format!("{} · {}", c.valid_until, min),
            None => c.valid_until.clone(),
        };
        y += self.text_items(&mut items, &terms, (Style::Regular, m.small), pad, y, w);
        let height = y + pad;
        items.push(Item::Frame {
            x: 0.0,
            y: 0.0,
            w: self.width(),
            h: height,
            line: 1.2,
            dashed: true,
        });
        self.blocks.push(Block {
            height,
            items,
            ..Block::default()
        });
    }

    fn message(&mut self) {
        let Some(text) = &self.view.message else {
            return;
        };
        let v = self.view;
        self.heading(v.label("message-heading"));
        let size = self.m.base;
        self.paragraph(text, Style::Regular, size);
    }

    fn recommendations(&mut self) {
        if self.suggestions == 0 {
            return;
        }
        let m = self.m;
        let v = self.view;
        self.heading(v.label("recs-heading"));
        // Two side by side: a QR code is taller than its few lines of text.
        let column = (self.width() - m.gap) / 2.0;
        let recs = &self.view.recommendations[..self.suggestions];
        for row in (0..recs.len()).step_by(2) {
            let mut items = vec![];
            let mut height: f32 = 0.0;
            for (index, rec) in recs.iter().enumerate().skip(row).take(2) {
                let left = (index - row) as f32 * (column + m.gap);
                let (x, w, mut y) = if rec.qr.is_some() {
                    items.push(Item::Qr {
                        x: left,
                        y: 0.0,
                        size: m.qr,
                        index,
                    });
                    height = height.max(m.qr);
                    // Text starts at the QR code's quiet zone, so it lines up with the code.
                    let indent = m.qr + m.gap * 0.5;
                    (left + indent, column - indent, m.qr * 0.1)
                } else {
                    (left, column, 0.0)
                };
                y += self.text_items(&mut items, &rec.title, (Style::Bold, m.base), x, y, w);
                y += self.text_items(&mut items, &rec.reason, (Style::Regular, m.small), x, y, w);
                if self.print_urls && !rec.url.is_empty() {
                    y += self.text_items(&mut items, &rec.url, (Style::Regular, m.small), x, y, w);
                }
                height = height.max(y);
            }
            self.blocks.push(Block {
                height: height + m.base * 0.2,
                items,
                ..Block::default()
            });
        }
    }

    fn returns(&mut self) {
        if self.view.returns.is_empty() {
            return;
        }
        let v = self.view;
        self.heading(v.label("returns-heading"));
        for line in &self.view.returns {
            let size = self.m.small;
            self.paragraph(line, Style::Regular, size);
        }
    }
}

/// The header of the first page: the merchant, the order and its date at the left, the
/// barcode at the right (under them when the barcode needs most of the width).
fn first_header(flow: &Flow<'_>) -> Block {
    let m = flow.m;
    let v = flow.view;
    let w = flow.width();
    let quiet = 10.0;
    let modules = v.barcode.modules.len() as f32 + 2.0 * quiet;
    let module = m.module.min(w / modules).max(0.5);
    let code_w = modules * module;
    let side_by_side = code_w <= w * 0.6;
    let left_w = if side_by_side { w - code_w - m.gap } else { w };

    let mut items = vec![];
    let mut y = 0.0;
    y += flow.text_items(
        &mut items,
        &v.merchant,
        (Style::Bold, m.title),
        0.0,
        y,
        left_w,
    );
    let order = format!("{} {}", v.label("order"), v.order_id);
    y += flow.text_items(&mut items, &order, (Style::Bold, m.base), 0.0, y, left_w);
    let placed = format!("{} {}", v.label("placed-on"), v.placed_on);
    y += flow.text_items(
        &mut items,
        &placed,
        (Style::Regular, m.small),
        0.0,
        y,
        left_w,
    );

    let (code_x, code_y) = if side_by_side {
        (w - code_w, 0.0)
    } else {
        ((w - code_w) / 2.0, y + m.gap)
    };
    items.push(Item::Barcode {
        x: code_x + quiet * module,
        y: code_y,
        module,
        h: m.barcode_height,
    });
    let text_y = code_y + m.barcode_height + 1.5;
    let text_h = flow.text_items(
        &mut items,
        &v.order_id,
        (Style::Regular, m.small),
        code_x + (code_w - flow.fonts.regular.width(&v.order_id, m.small)).max(0.0) / 2.0,
        text_y,
        code_w,
    );
    ruled(items, y.max(text_y + text_h) + 3.0, w, m)
}

/// The header of the pages after the first: the merchant, and the order at the right.
fn next_header(flow: &Flow<'_>) -> Block {
    let m = flow.m;
    let v = flow.view;
    let w = flow.width();
    let order = format!("{} {}", v.label("order"), v.order_id);
    let order_w = flow.fonts.bold.width(&order, m.base).min(w * 0.5);
    let mut items = vec![];
    let lh = flow.text_items(
        &mut items,
        &v.merchant,
        (Style::Bold, m.base),
        0.0,
        0.0,
        w - order_w - m.gap,
    );
    let rh = flow.text_items(
        &mut items,
        &order,
        (Style::Bold, m.base),
        w - order_w,
        0.0,
        order_w,
    );
    ruled(items, lh.max(rh) + 3.0, w, m)
}

/// The slip laid out on its paper. On a label, suggestions are printed as far as they fit
/// without another label: a second label for marketing costs the packer a print and a
/// fold, and the HTML slip and the instruction still list them all.
fn lay_out(view: &SlipView, paper: PaperSize) -> Laid {
    let all = view.recommendations.len();
    if paper != PaperSize::FourBySix || all == 0 {
        return lay_out_with(view, paper, all);
    }
    let without = lay_out_with(view, paper, 0);
    (1..=all)
        .rev()
        .map(|n| lay_out_with(view, paper, n))
        .find(|laid| laid.pages.len() == without.pages.len())
        .unwrap_or(without)
}

fn lay_out_with(view: &SlipView, paper: PaperSize, suggestions: usize) -> Laid {
    let mut flow = Flow {
        sheet: Sheet::new(paper),
        view,
        suggestions,
        print_urls: paper != PaperSize::FourBySix,
    };
    if paper == PaperSize::FourBySix {
        flow.ship_to();
        flow.items();
        flow.checklist();
    } else {
        flow.side_by_side(Flow::ship_to, Flow::checklist);
        flow.items();
    }
    flow.coupon();
    flow.message();
    flow.recommendations();
    flow.returns();

    let first = first_header(&flow);
    let next = next_header(&flow);
    Laid::new(flow.sheet, first, next)
}

pub(crate) fn render(view: &SlipView, paper: PaperSize) -> Result<Vec<u8>, SlipError> {
    let laid = lay_out(view, paper);
    let footer = format!(
        "{} · {} {}",
        view.merchant,
        view.label("order"),
        view.order_id
    );
    sheet::write(
        &laid,
        sheet::Document {
            metadata: Metadata::new()
                .title(format!("{} {}", view.label("slip-title"), view.order_id))
                .authors(vec![view.merchant.clone()])
                .language(view.lang.to_owned())
                .creator("packwise".to_owned()),
            footer: &footer,
            page_of: &|page, pages| view.page_of(page, pages),
            paint_other: &|s, item, x0, y0| paint_code(view, s, item, x0, y0),
        },
    )
}

/// The slip's barcode and QR codes, which the page engine leaves to the slip.
fn paint_code(view: &SlipView, s: &mut Surface<'_>, item: &Item, x0: f32, y0: f32) {
    match item {
        Item::Barcode { x, y, module, h } => {
            for (start, len) in view.barcode.bars() {
                rect(
                    s,
                    x0 + x + start as f32 * module,
                    y0 + y,
                    len as f32 * module,
                    *h,
                );
            }
        }
        Item::Qr { x, y, size, index } => {
            let Some(qr) = &view.recommendations[*index].qr else {
                return;
            };
            // Four modules of quiet zone inside `size`, as the standard asks.
            let cell = size / (qr.width + 8) as f32;
            let mut pb = PathBuilder::new();
            for row in 0..qr.width {
                let mut col = 0;
                while col < qr.width {
                    if !qr.is_dark(col, row) {
                        col += 1;
                        continue;
                    }
                    let start = col;
                    while col < qr.width && qr.is_dark(col, row) {
                        col += 1;
                    }
                    if let Some(r) = Rect::from_xywh(
                        x0 + x + (start + 4) as f32 * cell,
                        y0 + y + (row + 4) as f32 * cell,
                        (col - start) as f32 * cell,
                        cell,
                    ) {
                        pb.push_rect(r);
                    }
                }
            }
            if let Some(path) = pb.finish() {
                s.set_fill(Some(Fill::default()));
                s.set_stroke(None);
                s.draw_path(&path);
            }
        }
        Item::Text { .. } | Item::Fill { .. } | Item::Frame { .. } => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::Fonts;
    use crate::sample::{self, SampleSize};
    use crate::{SlipInput, SlipView};

    /// Every text, rule, frame and code of every page lies inside the content area: within
    /// the margins across, above the footer down.
    #[test]
    fn nothing_crosses_the_margins_or_the_footer() {
        let sizes = [
            SampleSize::TYPICAL,
            SampleSize {
                lines: 60,
                title_chars: 120,
                ..SampleSize::TYPICAL
            },
        ];
        for size in sizes {
            let mut instruction = sample::instruction("fr-FR", size);
            instruction.ship_to.name = "Maximilianus-Bartholomaeus ".repeat(8);
            instruction.recommendations[0].title = "Thé".repeat(60);
            for paper in PaperSize::ALL {
                let input = SlipInput::new(
                    &instruction,
                    "A merchant with a remarkably long display name that cannot fit",
                    paper,
                    "https://shop.example/products/a-very-long-path/{sku}?utm_source=slip",
                    sample::RETURNS,
                );
                let view = SlipView::build(&input).expect("builds");
                let laid = lay_out(&view, paper);
                let m = laid.sheet.m;
                let right = m.width - m.margin;
                let fonts = Fonts::get();
                let check = |block: &Block, x0: f32, y0: f32, bottom: f32, what: &str| {
                    for item in &block.items {
                        let (x, y, w, h) = match item {
                            Item::Text {
                                x,
                                y,
                                style,
                                size,
                                text,
                            } => (*x, *y, fonts.face(*style).width(text, *size), m.line(*size)),
                            Item::Fill { x, y, w, h } | Item::Frame { x, y, w, h, .. } => {
                                (*x, *y, *w, *h)
                            }
                            Item::Barcode { x, y, module, h } => {
                                (*x, *y, view.barcode.modules.len() as f32 * module, *h)
                            }
                            Item::Qr { x, y, size, .. } => (*x, *y, *size, *size),
                        };
                        let (left, top) = (x0 + x, y0 + y);
                        assert!(
                            left >= m.margin - 0.01 && left + w <= right + 0.01,
                            "{paper:?} {what}: {item:?} spans {left}..{} of {}..{right}",
                            left + w,
                            m.margin
                        );
                        assert!(
                            top + h <= bottom + 0.01,
                            "{paper:?} {what}: {item:?} ends at {} below {bottom}",
                            top + h
                        );
                    }
                };
                assert!(!laid.pages.is_empty());
                for (n, page) in laid.pages.iter().enumerate() {
                    let header = if n == 0 { &laid.first } else { &laid.next };
                    check(header, m.margin, m.margin, m.content_bottom(), "header");
                    for (y, i) in page {
                        let block = &laid.sheet.blocks[*i];
                        assert!(
                            y + block.height <= m.content_bottom() + 0.01,
                            "{paper:?} block {i}"
                        );
                        check(block, m.margin, *y, m.content_bottom(), "block");
                    }
                }
                // Every block is placed, once, apart from spacers dropped at a page top and
                // column labels repeated on a page that continues the table.
                let mut placed: Vec<usize> = laid.pages.iter().flatten().map(|(_, i)| *i).collect();
                placed.sort_unstable();
                placed.dedup();
                for (i, block) in laid.sheet.blocks.iter().enumerate() {
                    assert!(
                        block.spacer || placed.contains(&i),
                        "{paper:?}: block {i} lost"
                    );
                }
            }
        }
    }
}
