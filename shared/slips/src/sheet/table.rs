//! Tables of measured cells, their column labels repeated on each page they continue on.

use super::{Block, Item, Sheet};
use crate::layout::Style;

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
