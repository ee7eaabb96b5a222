//! The page engine slips and pick lists share: paper metrics, blocks of measured items
//! built top-down, pagination with repeated table labels, and the PDF pages written with
//! a header on each and "page X of Y" at the foot.
//!
//! Content is cut into blocks (a heading, a table row, a line of a paragraph), each with
//! its height measured from wrapped text. Blocks fill a page top-down and continue on the
//! next page when the page is full; a heading never ends a page without what follows it.
//! Text is real text in DejaVu Sans, subset into the file; rules and boxes are vector
//! rectangles.

mod draw;
mod table;

pub use draw::{Document, Laid, rect, write};
pub use table::{Align, Column};

use crate::layout::{Fonts, Style, wrap};
use crate::{PaperMeasures, PaperSize};

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
