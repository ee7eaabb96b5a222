//! Writing laid-out pages as a PDF with krilla: headers, blocks and the footer.

use krilla::SerializeSettings;
use krilla::color::luma;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke, StrokeDash};
use krilla::surface::Surface;
use krilla::text::{GlyphId, KrillaGlyph};

use super::{Block, Item, Sheet, paginate};
use crate::SlipError;
use crate::layout::{Fonts, Style, wrap};

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
