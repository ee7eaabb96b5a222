//! The page engine slips and pick lists share: paper metrics, blocks of measured items
//! built top-down, pagination with repeated table labels, and the PDF pages written with
//! a header on each and "page X of Y" at the foot.
//!
//! Content is cut into blocks (a heading, a table row, a line of a paragraph), each with
//! its height measured from wrapped text. Blocks fill a page top-down and continue on the
//! next page when the page is full; a heading never ends a page without what follows it.
//! Text is real text in DejaVu Sans, subset into the file; rules and boxes are vector
//! rectangles.

use krilla::SerializeSettings;
use krilla::color::luma;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke, StrokeDash};
use krilla::surface::Surface;
use krilla::text::{GlyphId, KrillaGlyph};

use crate::layout::{Fonts, Style, wrap};
use crate::{PaperSize, SlipError};

/// Sizes of one paper, in points.
#[derive(Clone, Copy, Debug)]
pub struct Metrics {
    pub width: f32,
    pub height: f32,
    pub margin: f32,
    pub base: f32,
    pub small: f32,
    pub title: f32,
    pub leading: f32,
    pub qr: f32,
    pub barcode_height: f32,
    pub module: f32,
    pub gap: f32,
}

impl Metrics {
    pub fn of(paper: PaperSize) -> Metrics {
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
            },
        }
    }

    pub fn content_width(&self) -> f32 {
        self.width - 2.0 * self.margin
    }

    pub fn line(&self, size: f32) -> f32 {
        size * self.leading
    }

    /// Where the content area ends: above the footer's line and a gap.
    pub fn content_bottom(&self) -> f32 {
        self.height - self.margin - self.line(self.small) - self.gap
    }
}

/// Something drawn, placed relative to the top left of its block (y grows downwards).
#[derive(Clone, Debug)]
pub enum Item {
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
    pub fn moved(&self, dx: f32, dy: f32) -> Item {
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
pub struct Block {
    pub height: f32,
    pub items: Vec<Item>,
    /// A heading: goes to the next page with the block after it rather than alone.
    pub keep_with_next: bool,
    /// Space between sections: dropped at the top of a page.
    pub spacer: bool,
    /// A table row: the block of its column labels, repeated when the row starts a page.
    pub labels: Option<usize>,
}

/// Blocks of one document, built top-down in the content width.
pub struct Sheet {
    pub m: Metrics,
    pub fonts: &'static Fonts,
    pub blocks: Vec<Block>,
    /// The width of the column being built, when not the whole content width.
    pub column: Option<f32>,
}

impl Sheet {
    pub fn new(paper: PaperSize) -> Sheet {
        Sheet {
            m: Metrics::of(paper),
            fonts: Fonts::get(),
            blocks: vec![],
            column: None,
        }
    }

    pub fn width(&self) -> f32 {
        self.column.unwrap_or(self.m.content_width())
    }

    /// Wrapped lines of text as items from `y`, returning the height they take.
    pub fn text_items(
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

    pub fn spacer(&mut self, height: f32) {
        self.blocks.push(Block {
            height,
            spacer: true,
            ..Block::default()
        });
    }

    pub fn heading(&mut self, text: &str) {
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
    pub fn paragraph(&mut self, text: &str, style: Style, size: f32) {
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
}

/// A page header's items closed by a rule across the page at `height`.
pub fn ruled(mut items: Vec<Item>, height: f32, w: f32, m: Metrics) -> Block {
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
pub fn paginate(
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

/// A document laid out: its blocks, the header of the first page and of the others, and
/// which blocks go where on which page.
pub struct Laid {
    pub sheet: Sheet,
    pub first: Block,
    pub next: Block,
    pub pages: Vec<Vec<(f32, usize)>>,
}

impl Laid {
    /// Paginates `sheet`'s blocks below the two headers.
    pub fn new(sheet: Sheet, first: Block, next: Block) -> Laid {
        let m = sheet.m;
        let pages = paginate(
            &sheet.blocks,
            m.margin + first.height,
            m.margin + next.height,
            m.content_bottom(),
        );
        Laid {
            sheet,
            first,
            next,
            pages,
        }
    }
}

/// What the pages say besides their blocks.
pub struct Document<'a> {
    pub metadata: Metadata,
    /// At the foot of every page, at the left, cut to one line.
    pub footer: &'a str,
    /// "Page 2 of 3" in the document's language.
    pub page_of: &'a dyn Fn(usize, usize) -> String,
    /// Paints what the engine does not know (a slip's barcode and QR codes) at the offset.
    pub paint_other: &'a dyn Fn(&mut Surface<'_>, &Item, f32, f32),
}

/// The PDF: every page with its header, its blocks and the footer.
pub fn write(laid: &Laid, doc: Document<'_>) -> Result<Vec<u8>, SlipError> {
    let Laid {
        sheet,
        first,
        next,
        pages,
    } = laid;
    let (m, fonts) = (sheet.m, sheet.fonts);
    let settings = SerializeSettings {
        // XMP repeats the document information dictionary; left out to keep files small.
        // krilla derives its document ids from a hash of the content, so the bytes depend on
        // the content alone either way.
        xmp_metadata: false,
        ..SerializeSettings::default()
    };
    let mut document = krilla::Document::new_with(settings);
    document.set_metadata(doc.metadata);
    let count = pages.len();
    for (number, placed) in pages.iter().enumerate() {
        let settings = PageSettings::from_wh(m.width, m.height)
            .ok_or_else(|| SlipError::Pdf("page size".into()))?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        let header = if number == 0 { first } else { next };
        paint(
            &mut surface,
            fonts,
            header,
            m.margin,
            m.margin,
            doc.paint_other,
        );
        for (y, i) in placed {
            paint(
                &mut surface,
                fonts,
                &sheet.blocks[*i],
                m.margin,
                *y,
                doc.paint_other,
            );
        }
        let footer_y = m.height - m.margin - m.line(m.small);
        let page_of = (doc.page_of)(number + 1, count);
        let page_w = fonts.regular.width(&page_of, m.small);
        text(
            &mut surface,
            fonts,
            (Style::Regular, m.small),
            m.width - m.margin - page_w,
            footer_y,
            &page_of,
        );
        let left_w = m.content_width() - page_w - m.gap;
        if let Some(line) = wrap(&fonts.regular, doc.footer, m.small, left_w).first() {
            text(
                &mut surface,
                fonts,
                (Style::Regular, m.small),
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

/// The block's items at `(x0, y0)`: text, rules and frames here, the rest by `other`.
pub fn paint(
    s: &mut Surface<'_>,
    fonts: &Fonts,
    block: &Block,
    x0: f32,
    y0: f32,
    other: &dyn Fn(&mut Surface<'_>, &Item, f32, f32),
) {
    for item in &block.items {
        match item {
            Item::Text {
                x,
                y,
                style,
                size,
                text: t,
            } => text(s, fonts, (*style, *size), x0 + x, y0 + y, t),
            Item::Fill { x, y, w, h } => rect(s, x0 + x, y0 + y, *w, *h),
            Item::Frame {
                x,
                y,
                w,
                h,
                line,
                dashed,
            } => frame(s, x0 + x, y0 + y, *w, *h, *line, *dashed),
            Item::Barcode { .. } | Item::Qr { .. } => other(s, item, x0, y0),
        }
    }
}

/// A line of text whose line box starts at `top`.
fn text(
    s: &mut Surface<'_>,
    fonts: &Fonts,
    (style, size): (Style, f32),
    x: f32,
    top: f32,
    text: &str,
) {
    if text.is_empty() {
        return;
    }
    let face = fonts.face(style);
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

pub fn rect(s: &mut Surface<'_>, x: f32, y: f32, w: f32, h: f32) {
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

/// How a table column sets its cells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    /// For numbers: a right-aligned cell is one line.
    Right,
}

/// A column of a table: its label, width and alignment.
pub struct Column<'a> {
    pub label: &'a str,
    pub width: f32,
    pub align: Align,
}

impl Sheet {
    /// The width a column needs for its label and `cells` at the base size, at most
    /// `share` of the content width.
    pub fn fit<'t>(&self, label: &str, cells: impl Iterator<Item = &'t str>, share: f32) -> f32 {
        let m = self.m;
        cells
            .map(|c| self.fonts.regular.width(c, m.base))
            .fold(self.fonts.bold.width(label, m.small), f32::max)
            .min(self.width() * share)
    }

    /// A table: the column labels, kept with the first row and repeated on each page a
    /// row starts, then one block a row with a rule under it. With `tick_boxes` every
    /// row starts with a box to tick off. Cells wrap within their column.
    pub fn table(&mut self, columns: &[Column<'_>], rows: &[Vec<String>], tick_boxes: bool) {
        let m = self.m;
        let square = self.tick_side();
        let mut x = if tick_boxes { square + m.gap } else { 0.0 };
        let mut lefts = Vec::with_capacity(columns.len());
        for column in columns {
            lefts.push(x);
            x += column.width + m.gap;
        }
        let place =
            |sheet: &Sheet, items: &mut Vec<Item>, (style, size), i: usize, y, text: &str| {
                let column = &columns[i];
                let x = match column.align {
                    Align::Left => lefts[i],
                    Align::Right => {
                        lefts[i]
                            + (column.width - sheet.fonts.face(style).width(text, size)).max(0.0)
                    }
                };
                sheet.text_items(items, text, (style, size), x, y, column.width)
            };
        let mut items = vec![];
        for (i, column) in columns.iter().enumerate() {
            place(
                self,
                &mut items,
                (Style::Bold, m.small),
                i,
                0.0,
                column.label,
            );
        }
        let labels = self.column_labels(items);
        let pad = m.base * 0.2;
        for row in rows {
            let mut items = vec![];
            if tick_boxes {
                items.push(self.tick_box(pad));
            }
            let mut height: f32 = 0.0;
            for (i, cell) in row.iter().enumerate() {
                height = height.max(place(
                    self,
                    &mut items,
                    (Style::Regular, m.base),
                    i,
                    pad,
                    cell,
                ));
            }
            let height = height.max(if tick_boxes { square } else { 0.0 }) + 2.0 * pad;
            self.table_row(items, height, labels);
        }
    }

    /// A table's column labels (at the small size): kept with the first row. Returns
    /// their block, which the rows name so that a page a row starts repeats them.
    pub fn column_labels(&mut self, items: Vec<Item>) -> usize {
        let m = self.m;
        self.blocks.push(Block {
            height: m.line(m.small) + 1.0,
            items,
            keep_with_next: true,
            ..Block::default()
        });
        self.blocks.len() - 1
    }

    /// A table row `height` high with a hairline under it.
    pub fn table_row(&mut self, mut items: Vec<Item>, height: f32, labels: usize) {
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

    /// The side of a box to tick beside a line at the base size.
    pub fn tick_side(&self) -> f32 {
        self.m.base * 0.9
    }

    /// A box to tick beside the line at the base size whose line box starts at `top`.
    pub fn tick_box(&self, top: f32) -> Item {
        Item::Frame {
            x: 0.0,
            y: top + self.m.base * 0.25 + 0.5,
            w: self.tick_side(),
            h: self.tick_side(),
            line: 0.8,
            dashed: false,
        }
    }
}
