//! The slip as a PDF: a small flowing layout over krilla.
//!
//! The content is cut into blocks (a heading, a table row, a line of a paragraph, the coupon,
//! a recommendation with its QR code), each with its height measured from wrapped text.
//! Blocks fill a page top-down and continue on the next page when the page is full; a
//! heading never ends a page without what follows it. Every page repeats the header (the
//! merchant and the order number, the first page with the barcode) and ends with
//! "page X of Y". Text is real text in DejaVu Sans, subset into the file; the barcode, the
//! QR codes and the check boxes are vector rectangles.

use krilla::color::luma;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke, StrokeDash};
use krilla::surface::Surface;
use krilla::text::{GlyphId, KrillaGlyph};
use krilla::{Document, SerializeSettings};

use crate::layout::{Fonts, Style, wrap};
use crate::view::SlipView;
use crate::{PaperMeasures, PaperSize, SlipError};

/// Sizes of one paper, in points.
#[derive(Clone, Copy, Debug)]
struct Metrics {
    width: f32,
    height: f32,
    margin: f32,
    base: f32,
    small: f32,
    title: f32,
    leading: f32,
    qr: f32,
    barcode_height: f32,
    module: f32,
    gap: f32,
    /// Whether a suggestion's address is printed beside its QR code. On a label the code
    /// carries it alone: printed, it wraps over three lines per suggestion and pushes
    /// the return information onto a second label.
    print_urls: bool,
}

impl Metrics {
    fn of(paper: PaperSize) -> Metrics {
        let (width, height) = paper.points();
        match paper {
            PaperSize::FourBySix => Metrics {
                width,
                height,
                margin: 14.0,
                base: 8.0,
                small: 6.5,
                title: 12.0,
                leading: 1.25,
                qr: 46.0,
                barcode_height: 32.0,
                // Three dots of a 203 dpi thermal printer: bars of whole dots print with
                // the widths the scanner expects.
                module: 3.0 * 72.0 / 203.0,
                gap: 6.0,
                print_urls: false,
            },
            PaperSize::A4 | PaperSize::Letter => Metrics {
                width,
                height,
                margin: 34.0,
                base: 9.5,
                small: 7.5,
                title: 18.0,
                leading: 1.25,
                qr: 56.0,
                barcode_height: 44.0,
                // Five dots at 300 dpi, ten at 600.
                module: 1.2,
                gap: 10.0,
                print_urls: true,
            },
        }
    }

    fn content_width(&self) -> f32 {
        self.width - 2.0 * self.margin
    }

    fn line(&self, size: f32) -> f32 {
        size * self.leading
    }

    /// Where the content area ends: above the footer's line and a gap.
    fn content_bottom(&self) -> f32 {
        self.height - self.margin - self.line(self.small) - self.gap
    }
}

/// Something drawn, placed relative to the top left of its block (y grows downwards).
#[derive(Clone, Debug)]
enum Item {
    /// `y` is the top of the line box; the baseline is derived from the size.
    Text {
        x: f32,
        y: f32,
        style: Style,
        size: f32,
        text: String,
    },
    Fill {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
    },
    Frame {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        line: f32,
        dashed: bool,
    },
    Barcode {
        x: f32,
        y: f32,
        module: f32,
        h: f32,
    },
    Qr {
        x: f32,
        y: f32,
        size: f32,
        index: usize,
    },
}

impl Item {
    fn moved(&self, dx: f32, dy: f32) -> Item {
        let mut item = self.clone();
        match &mut item {
            Item::Text { x, y, .. }
            | Item::Fill { x, y, .. }
            | Item::Frame { x, y, .. }
            | Item::Barcode { x, y, .. }
            | Item::Qr { x, y, .. } => {
                *x += dx;
                *y += dy;
            }
        }
        item
    }
}

#[derive(Clone, Debug, Default)]
struct Block {
    height: f32,
    items: Vec<Item>,
    /// A heading: goes to the next page with the block after it rather than alone.
    keep_with_next: bool,
    /// Space between sections: dropped at the top of a page.
    spacer: bool,
    /// A table row: the block of its column labels, repeated when the row starts a page.
    labels: Option<usize>,
}

/// Blocks of one slip, built top-down in the content width.
struct Flow<'a> {
    m: Metrics,
    fonts: &'static Fonts,
    view: &'a SlipView,
    blocks: Vec<Block>,
    /// The width of the column being built, when not the whole content width.
    column: Option<f32>,
    /// How many of the view's suggestions are printed.
    suggestions: usize,
}

impl Flow<'_> {
    fn width(&self) -> f32 {
        self.column.unwrap_or(self.m.content_width())
    }

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
            self.spacer(self.m.base * 0.7);
            self.blocks.push(merged);
        }
    }

    /// Wrapped lines of text as items from `y`, returning the height they take.
    fn text_items(
        &self,
        items: &mut Vec<Item>,
        text: &str,
        (style, size): (Style, f32),
        x: f32,
        y: f32,
        width: f32,
    ) -> f32 {
        let lines = wrap(self.fonts.face(style), text, size, width);
        let lh = self.m.line(size);
        for (i, line) in lines.iter().enumerate() {
            items.push(Item::Text {
                x,
                y: y + i as f32 * lh,
                style,
                size,
                text: line.clone(),
            });
        }
        lines.len() as f32 * lh
    }

    fn spacer(&mut self, height: f32) {
        self.blocks.push(Block {
            height,
            spacer: true,
            ..Block::default()
        });
    }

    fn heading(&mut self, text: &str) {
        self.spacer(self.m.base * 0.7);
        let mut items = vec![];
        let h = self.text_items(
            &mut items,
            text,
            (Style::Bold, self.m.base * 1.1),
            0.0,
            0.0,
            self.width(),
        );
        items.push(Item::Fill {
            x: 0.0,
            y: h + 1.0,
            w: self.width(),
            h: 0.75,
        });
        self.blocks.push(Block {
            height: h + 4.0,
            items,
            keep_with_next: true,
            ..Block::default()
        });
    }

    /// A paragraph, one block per line so that it can continue on the next page.
    fn paragraph(&mut self, text: &str, style: Style, size: f32) {
        let lh = self.m.line(size);
        for line in wrap(self.fonts.face(style), text, size, self.width()) {
            self.blocks.push(Block {
                height: lh,
                items: vec![Item::Text {
                    x: 0.0,
                    y: 0.0,
                    style,
                    size,
                    text: line,
                }],
                ..Block::default()
            });
        }
    }

    fn ship_to(&mut self) {
        self.heading(self.view.label("ship-to"));
        for (i, line) in self.view.ship_to.iter().enumerate() {
            let style = if i == 0 { Style::Bold } else { Style::Regular };
            self.paragraph(line, style, self.m.base);
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
        let labels = self.blocks.len();
        self.blocks.push(Block {
            height: m.line(m.small) + 1.0,
            items,
            keep_with_next: true,
            ..Block::default()
        });

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
            items.push(Item::Fill {
                x: 0.0,
                y: height - 0.3,
                w: self.width(),
                h: 0.3,
            });
            self.blocks.push(Block {
                height,
                items,
                labels: Some(labels),
                ..Block::default()
            });
        }
    }

    fn checklist(&mut self) {
        if self.view.checklist.is_empty() {
            return;
        }
        let m = self.m;
        self.heading(self.view.label("add-to-parcel"));
        let square = m.base * 0.9;
        let x = square + m.gap;
        let w = self.width() - x;
        for check in &self.view.checklist {
            let mut items = vec![Item::Frame {
                x: 0.0,
                y: m.base * 0.25 + 0.5,
                w: square,
                h: square,
                line: 0.8,
                dashed: false,
            }];
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
        self.heading(self.view.label("message-heading"));
        self.paragraph(text, Style::Regular, self.m.base);
    }

    fn recommendations(&mut self) {
        if self.suggestions == 0 {
            return;
        }
        let m = self.m;
        self.heading(self.view.label("recs-heading"));
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
                if m.print_urls && !rec.url.is_empty() {
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
        self.heading(self.view.label("returns-heading"));
        for line in &self.view.returns {
            self.paragraph(line, Style::Regular, self.m.small);
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

/// A page header's items closed by a rule across the page at `height`.
fn ruled(mut items: Vec<Item>, height: f32, w: f32, m: Metrics) -> Block {
    items.push(Item::Fill {
        x: 0.0,
        y: height,
        w,
        h: 1.2,
    });
    Block {
        height: height + 1.2 + m.gap * 0.5,
        items,
        ..Block::default()
    }
}

/// Blocks per page with their top, starting below the page's header.
fn paginate(
    blocks: &[Block],
    first_top: f32,
    next_top: f32,
    bottom: f32,
) -> Vec<Vec<(f32, usize)>> {
    let mut pages: Vec<Vec<(f32, usize)>> = vec![vec![]];
    let mut top = first_top;
    let mut y = top;
    for (i, block) in blocks.iter().enumerate() {
        let at_top = y <= top;
        if block.spacer && at_top {
            continue;
        }
        let mut need = block.height;
        if block.keep_with_next {
            need += blocks.get(i + 1).map_or(0.0, |b| b.height);
        }
        if y + need > bottom && !at_top {
            pages.push(vec![]);
            top = next_top;
            y = top;
            if block.spacer {
                continue;
            }
            if let Some(labels) = block.labels {
                pages.last_mut().expect("a page").push((y, labels));
                y += blocks[labels].height;
            }
        }
        pages.last_mut().expect("a page").push((y, i));
        y += block.height;
    }
    pages
}

/// A slip laid out: its blocks, the two headers and which blocks go where on which page.
struct Laid<'a> {
    m: Metrics,
    flow: Flow<'a>,
    first: Block,
    next: Block,
    pages: Vec<Vec<(f32, usize)>>,
}

/// The slip laid out on its paper. On a label, suggestions are printed as far as they fit
/// without another label: a second label for marketing costs the packer a print and a
/// fold, and the HTML slip and the instruction still list them all.
fn lay_out(view: &SlipView, paper: PaperSize) -> Laid<'_> {
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

fn lay_out_with(view: &SlipView, paper: PaperSize, suggestions: usize) -> Laid<'_> {
    let m = Metrics::of(paper);
    let mut flow = Flow {
        m,
        fonts: Fonts::get(),
        view,
        blocks: vec![],
        column: None,
        suggestions,
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
    let pages = paginate(
        &flow.blocks,
        m.margin + first.height,
        m.margin + next.height,
        m.content_bottom(),
    );
    Laid {
        m,
        flow,
        first,
        next,
        pages,
    }
}

pub(crate) fn render(view: &SlipView, paper: PaperSize) -> Result<Vec<u8>, SlipError> {
    let Laid {
        m,
        flow,
        first,
        next,
        pages,
        ..
    } = lay_out(view, paper);

    let settings = SerializeSettings {
        // XMP repeats the document information dictionary; left out to keep slips small.
        // krilla derives its document ids from a hash of the content, so the bytes depend on
        // the slip alone either way.
        xmp_metadata: false,
        ..SerializeSettings::default()
    };
    let mut document = Document::new_with(settings);
    document.set_metadata(
        Metadata::new()
            .title(format!("{} {}", view.label("slip-title"), view.order_id))
            .authors(vec![view.merchant.clone()])
            .language(view.lang.to_owned())
            .creator("packwise".to_owned()),
    );
    let count = pages.len();
    for (number, placed) in pages.iter().enumerate() {
        let settings = PageSettings::from_wh(m.width, m.height)
            .ok_or_else(|| SlipError::Pdf("page size".into()))?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        let painter = Painter {
            view,
            fonts: flow.fonts,
        };
        let header = if number == 0 { &first } else { &next };
        painter.block(&mut surface, header, m.margin, m.margin);
        for (y, i) in placed {
            painter.block(&mut surface, &flow.blocks[*i], m.margin, *y);
        }
        let footer_y = m.height - m.margin - m.line(m.small);
        let page_of = view.page_of(number + 1, count);
        let page_w = flow.fonts.regular.width(&page_of, m.small);
        painter.text(
            &mut surface,
            Style::Regular,
            m.small,
            m.width - m.margin - page_w,
            footer_y,
            &page_of,
        );
        let left = format!(
            "{} · {} {}",
            view.merchant,
            view.label("order"),
            view.order_id
        );
        let left_w = m.content_width() - page_w - m.gap;
        if let Some(line) = wrap(&flow.fonts.regular, &left, m.small, left_w).first() {
            painter.text(
                &mut surface,
                Style::Regular,
                m.small,
                m.margin,
                footer_y,
                line,
            );
        }
        surface.finish();
        page.finish();
    }
    document
        .finish()
        .map_err(|e| SlipError::Pdf(format!("{e:?}")))
}

struct Painter<'a> {
    view: &'a SlipView,
    fonts: &'static Fonts,
}

impl Painter<'_> {
    fn block(&self, s: &mut Surface<'_>, block: &Block, x0: f32, y0: f32) {
        for item in &block.items {
            match item {
                Item::Text {
                    x,
                    y,
                    style,
                    size,
                    text,
                } => self.text(s, *style, *size, x0 + x, y0 + y, text),
                Item::Fill { x, y, w, h } => rect(s, x0 + x, y0 + y, *w, *h),
                Item::Frame {
                    x,
                    y,
                    w,
                    h,
                    line,
                    dashed,
                } => frame(s, x0 + x, y0 + y, *w, *h, *line, *dashed),
                Item::Barcode { x, y, module, h } => {
                    for (start, len) in self.view.barcode.bars() {
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
                    let Some(qr) = &self.view.recommendations[*index].qr else {
                        continue;
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
            }
        }
    }

    /// A line of text whose line box starts at `top`.
    fn text(&self, s: &mut Surface<'_>, style: Style, size: f32, x: f32, top: f32, text: &str) {
        if text.is_empty() {
            return;
        }
        let face = self.fonts.face(style);
        let upem = face.units_per_em();
        let glyphs: Vec<KrillaGlyph> = face
            .glyphs(text)
            .into_iter()
            .map(|g| {
                KrillaGlyph::new(
                    GlyphId::new(g.id.to_u32()),
                    g.advance / upem,
                    0.0,
                    0.0,
                    0.0,
                    g.text,
                    None,
                )
            })
            .collect();
        // DejaVu's ascender is 0.93 em; the line box adds a quarter em of leading.
        let baseline = top + size * 1.05;
        s.set_fill(Some(Fill::default()));
        s.set_stroke(None);
        s.draw_glyphs(
            Point::from_xy(x, baseline),
            &glyphs,
            face.pdf.clone(),
            text,
            size,
            false,
        );
    }
}

fn rect(s: &mut Surface<'_>, x: f32, y: f32, w: f32, h: f32) {
    let Some(r) = Rect::from_xywh(x, y, w, h) else {
        return;
    };
    let mut pb = PathBuilder::new();
    pb.push_rect(r);
    if let Some(path) = pb.finish() {
        s.set_fill(Some(Fill::default()));
        s.set_stroke(None);
        s.draw_path(&path);
    }
}

fn frame(s: &mut Surface<'_>, x: f32, y: f32, w: f32, h: f32, line: f32, dashed: bool) {
    let Some(r) = Rect::from_xywh(x + line / 2.0, y + line / 2.0, w - line, h - line) else {
        return;
    };
    let mut pb = PathBuilder::new();
    pb.push_rect(r);
    if let Some(path) = pb.finish() {
        s.set_fill(None);
        s.set_stroke(Some(Stroke {
            paint: luma::Color::black().into(),
            width: line,
            opacity: NormalizedF32::ONE,
            dash: dashed.then(|| StrokeDash {
                array: vec![4.0 * line, 2.5 * line],
                offset: 0.0,
            }),
            ..Stroke::default()
        }));
        s.draw_path(&path);
        s.set_stroke(None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
                let m = laid.m;
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
                        let block = &laid.flow.blocks[*i];
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
                for (i, block) in laid.flow.blocks.iter().enumerate() {
                    assert!(
                        block.spacer || placed.contains(&i),
                        "{paper:?}: block {i} lost"
                    );
                }
            }
        }
    }
}
