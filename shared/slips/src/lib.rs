//! Packing slips: the paper a packer prints and puts in the box beside the goods.
//!
//! A slip is a pure function of a [`PickPackInstruction`] and what the instruction does not
//! carry (the merchant's display name, the paper, the product URL template for the QR
//! codes, the return information, an optional HTML template): [`render_pdf`] and
//! [`render_html`] write no file and read no clock, so the same input always gives the same
//! bytes.
//!
//! ```text
//! SlipInput ──▶ SlipView (every text localized and formatted) ──┬─▶ PDF (layout + krilla)
//!                                                              └─▶ HTML (minijinja)
//! ```
//!
//! The labels are Fluent messages in five languages (en, id, de, fr, es; English for any
//! other locale); numbers, amounts and dates are formatted by ICU4X in the instruction's
//! locale. The crate's README says why the PDF is written with krilla and what it measured.

pub mod barcode;
pub mod html;
pub mod i18n;
mod layout;
pub mod pdf;
pub mod pick_list;
pub mod pick_list_csv;
mod renderer;
pub mod sample;
mod sheet;
pub mod view;

use packwise_core::instruction::PickPackInstruction;

pub use html::{HtmlTemplate, template_problems};
pub use i18n::{Lang, Localizer, negotiate};
pub use renderer::Slips;
pub use view::SlipView;

pub use packwise_core::slip::PaperSize;

/// The paper's measures, as the PDF and the print CSS need them.
pub trait PaperMeasures {
    /// Width and height in PDF points (1/72 in).
    fn points(self) -> (f32, f32);
    /// The CSS `@page` size.
    fn css(self) -> &'static str;
}

impl PaperMeasures for PaperSize {
    fn points(self) -> (f32, f32) {
        match self {
            PaperSize::FourBySix => (288.0, 432.0),
            PaperSize::A4 => (595.276, 841.89),
            PaperSize::Letter => (612.0, 792.0),
        }
    }

    fn css(self) -> &'static str {
        match self {
            PaperSize::FourBySix => "4in 6in",
            PaperSize::A4 => "A4",
            PaperSize::Letter => "letter",
        }
    }
}

/// Everything a slip shows: the instruction and what the merchant adds to it.
#[derive(Clone, Copy, Debug)]
pub struct SlipInput<'a> {
    pub instruction: &'a PickPackInstruction,
    /// The name printed at the top, such as "Tea Shop".
    pub merchant_name: &'a str,
    pub paper: PaperSize,
    /// The address of a recommended product, `{sku}` standing for its SKU (URL-encoded),
    /// such as `https://shop.example/p/{sku}`; encoded in each recommendation's QR code.
    /// Without it suggestions have no code.
    pub product_url_template: Option<&'a str>,
    /// How to return goods: free text, lines separated by `\n`.
    pub returns: &'a str,
    /// The merchant's own HTML template, checked when it was loaded; `None` for the default.
    pub html_template: Option<&'a HtmlTemplate>,
}

impl<'a> SlipInput<'a> {
    /// A slip with the default template.
    pub fn new(
        instruction: &'a PickPackInstruction,
        merchant_name: &'a str,
        paper: PaperSize,
        product_url_template: &'a str,
        returns: &'a str,
    ) -> Self {
        SlipInput {
            instruction,
            merchant_name,
            paper,
            product_url_template: Some(product_url_template),
            returns,
            html_template: None,
        }
    }

    /// The slip the instruction names in its `slip`; `None` if it names none.
    pub fn of(
        instruction: &'a PickPackInstruction,
        html_template: Option<&'a HtmlTemplate>,
    ) -> Option<Self> {
        let slip = instruction.slip.as_ref()?;
        Some(SlipInput {
            instruction,
            merchant_name: &slip.merchant_name,
            paper: slip.paper,
            product_url_template: slip.product_url_template.as_deref(),
            returns: slip.returns.as_deref().unwrap_or_default(),
            html_template,
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SlipError {
    /// The order id has a character Code 128 cannot carry.
    #[error("order id cannot be a Code 128 barcode: {0}")]
    Barcode(String),
    #[error("QR code for {url}: {reason}")]
    QrCode { url: String, reason: String },
    #[error("PDF: {0}")]
    Pdf(String),
    #[error(transparent)]
    Template(#[from] html::TemplateError),
}

/// The slip as a PDF on its paper size.
pub fn render_pdf(input: &SlipInput<'_>) -> Result<Vec<u8>, SlipError> {
    let view = SlipView::build(input)?;
    pdf::render(&view, input.paper)
}

/// The slip as a standalone HTML page, with print CSS for its paper size.
pub fn render_html(input: &SlipInput<'_>) -> Result<String, SlipError> {
    let view = SlipView::build(input)?;
    html::render(&view, input.html_template)
}

/// The slip as a PDF and as HTML, from one view.
pub fn render_both(input: &SlipInput<'_>) -> Result<(Vec<u8>, String), SlipError> {
    let view = SlipView::build(input)?;
    Ok((
        pdf::render(&view, input.paper)?,
        html::render(&view, input.html_template)?,
    ))
}
