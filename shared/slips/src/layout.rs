//! Text measuring and line breaking over the embedded fonts.
//!
//! Glyphs are mapped and measured here, from the font's own cmap and advance widths, and
//! the PDF draws exactly these glyphs at exactly these advances: a wrapped line is never
//! wider on paper than it was when it was measured. Latin, Greek and Cyrillic text (all the
//! slip languages need) has no shaping beyond that; kerning is left out, so the measured
//! width is the drawn width.

use std::ops::Range;
use std::sync::{Arc, OnceLock};

use skrifa::instance::{LocationRef, Size};
use skrifa::raw::TableProvider;
use skrifa::{FontRef, GlyphId, MetadataProvider};

/// DejaVu Sans (regular and bold), embedded whole and subset into each PDF.
static REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Regular,
    Bold,
}

pub struct Face {
    pub pdf: krilla::text::Font,
    charmap: skrifa::charmap::Charmap<'static>,
    metrics: skrifa::metrics::GlyphMetrics<'static>,
    units_per_em: f32,
    space: GlyphId,
}

/// A glyph placed in a line: its id, advance in font units and the bytes of text it shows.
#[derive(Clone, Debug)]
pub struct PlacedGlyph {
    pub id: GlyphId,
    pub advance: f32,
    pub text: Range<usize>,
}

impl Face {
    fn load(data: &'static [u8]) -> Face {
        let font = FontRef::new(data).expect("the embedded font parses");
        let shared: Arc<dyn AsRef<[u8]> + Send + Sync> = Arc::new(data);
        let pdf = krilla::text::Font::new(shared.into(), 0).expect("krilla reads the font");
        let charmap = font.charmap();
        let space = charmap.map(' ').unwrap_or_default();
        Face {
            pdf,
            charmap,
            metrics: font.glyph_metrics(Size::unscaled(), LocationRef::default()),
            units_per_em: font
                .head()
                .map(|h| f32::from(h.units_per_em()))
                .unwrap_or(1000.0),
            space,
        }
    }

    /// The glyphs of `text`. A character the font lacks is drawn as a space when it is one
    /// (narrow no-break space and the like), otherwise as the font's missing-glyph box.
    pub fn glyphs(&self, text: &str) -> Vec<PlacedGlyph> {
        text.char_indices()
            .map(|(i, c)| {
                let id = self.charmap.map(c).unwrap_or(if c.is_whitespace() {
                    self.space
                } else {
                    GlyphId::NOTDEF
                });
                PlacedGlyph {
                    id,
                    advance: self.metrics.advance_width(id).unwrap_or(0.0),
                    text: i..i + c.len_utf8(),
                }
            })
            .collect()
    }

    /// Width of `text` at `size` points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        let units: f32 = text
            .chars()
            .map(|c| {
                let id = self.charmap.map(c).unwrap_or(if c.is_whitespace() {
                    self.space
                } else {
                    GlyphId::NOTDEF
                });
                self.metrics.advance_width(id).unwrap_or(0.0)
            })
            .sum();
        units * size / self.units_per_em
    }

    pub fn units_per_em(&self) -> f32 {
        self.units_per_em
    }
}

pub struct Fonts {
    pub regular: Face,
    pub bold: Face,
}

impl Fonts {
    pub fn get() -> &'static Fonts {
        static FONTS: OnceLock<Fonts> = OnceLock::new();
        FONTS.get_or_init(|| Fonts {
            regular: Face::load(REGULAR),
            bold: Face::load(BOLD),
        })
    }

    pub fn face(&self, style: Style) -> &Face {
        match style {
            Style::Regular => &self.regular,
            Style::Bold => &self.bold,
        }
    }
}

/// Breaks `text` into lines no wider than `max_width` at `size`: at spaces where it can,
/// inside a word only when the word alone is wider than the line (a long SKU or URL).
/// Explicit line breaks in the text are kept.
pub fn wrap(face: &Face, text: &str, size: f32, max_width: f32) -> Vec<String> {
    let mut lines = vec![];
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if face.width(&candidate, size) <= max_width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // The word alone: split it where it no longer fits.
            let mut rest = word;
            while face.width(rest, size) > max_width {
                let mut cut = 0;
                for (i, c) in rest.char_indices() {
                    let end = i + c.len_utf8();
                    if face.width(&rest[..end], size) > max_width {
                        break;
                    }
                    cut = end;
                }
                if cut == 0 {
                    // Not even one character fits: put one per line rather than loop.
                    cut = rest
                        .chars()
                        .next()
                        .map(char::len_utf8)
                        .unwrap_or(rest.len());
                }
                lines.push(rest[..cut].to_owned());
                rest = &rest[cut..];
            }
            line = rest.to_owned();
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_lines_fit_and_keep_every_word() {
        let fonts = Fonts::get();
        let text = "Cast-iron teapot Tetsubin with an extra-long description of the blend \
                    AVERYLONGSKUWITHOUTANYSPACEATALLTHATCANNOTFITONONELINE end";
        for width in [40.0, 80.0, 200.0] {
            let lines = wrap(&fonts.regular, text, 8.0, width);
            for line in &lines {
                assert!(
                    fonts.regular.width(line, 8.0) <= width,
                    "{line:?} wider than {width}"
                );
            }
            let joined: String = lines.concat();
            assert_eq!(joined.replace(' ', ""), text.replace(' ', ""));
        }
    }

    #[test]
    fn widths_add_up_and_scale_with_size() {
        let f = &Fonts::get().bold;
        let a = f.width("Packing", 10.0);
        let b = f.width(" slip", 10.0);
        assert!((f.width("Packing slip", 10.0) - (a + b)).abs() < 1e-3);
        assert!((f.width("Packing", 20.0) - 2.0 * a).abs() < 1e-3);
        assert!(a > 0.0);
    }
}
