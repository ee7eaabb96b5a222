//! Helpers shared by the slip tests: rendering the samples and reading PDFs back.

#![allow(dead_code)]

use packwise_core::instruction::PickPackInstruction;
use packwise_slips::sample::{self, SampleSize};
use packwise_slips::{PaperSize, SlipInput, render_pdf};

pub const MERCHANT: &str = "Tea Shop Gänseblümchen";

pub fn input(instruction: &PickPackInstruction, paper: PaperSize) -> SlipInput<'_> {
    SlipInput::new(
        instruction,
        MERCHANT,
        paper,
        sample::PRODUCT_URL,
        sample::RETURNS,
    )
}

pub fn typical(locale: &str) -> PickPackInstruction {
    sample::instruction(locale, SampleSize::TYPICAL)
}

pub fn pdf(instruction: &PickPackInstruction, paper: PaperSize) -> Vec<u8> {
    render_pdf(&input(instruction, paper)).expect("the slip renders")
}

/// The text of every page, in order, with every run of white space (no-break spaces
/// included) made one plain space.
pub fn pages_text(pdf: &[u8]) -> Vec<String> {
    let doc = lopdf::Document::load_mem(pdf).expect("the PDF parses");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    pages
        .iter()
        .map(|p| normalize(&doc.extract_text(&[*p]).expect("text extracts")))
        .collect()
}

pub fn text(pdf: &[u8]) -> String {
    pages_text(pdf).join(" ")
}

pub fn normalize(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c == '\u{a0}' || c == '\u{202f}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `s` without any white space, to find a text that wrapping split over lines.
pub fn squeeze(s: &str) -> String {
    s.chars()
        .filter(|c| !(c.is_whitespace() || *c == '\u{a0}' || *c == '\u{202f}'))
        .collect()
}
