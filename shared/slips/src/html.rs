//! The slip as HTML, from a minijinja template: the embedded default or the merchant's own.
//!
//! A template sees the [`SlipView`] fields (`merchant`, `order_id`, `labels`, `items`,
//! `checklist`, `coupon`, `message`, `recommendations` with `qr_svg`, `returns`...) and
//! `barcode_svg`, the order number as an inline SVG Code 128. HTML escaping is on; the two
//! SVGs are marked safe.

use std::fmt::Write;
use std::sync::OnceLock;

use minijinja::value::Value;
use minijinja::{Environment, UndefinedBehavior, context};

use packwise_core::slip::{MAX_TEMPLATE_BYTES, SlipSettings};
use packwise_core::validation::FieldError;

use crate::barcode::Code128;
use crate::view::{QrModules, SlipView};
use crate::{PaperSize, SlipError, SlipInput, sample};

const NAME: &str = "slip.html";
const DEFAULT: &str = include_str!("../templates/slip.html");

/// A template that parsed and rendered the sample slip without error.
#[derive(Debug)]
pub struct HtmlTemplate {
    env: Environment<'static>,
}

/// A template the merchant supplied that cannot be used, with where and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("slip template{}: {message}", line.map(|l| format!(", line {l}")).unwrap_or_default())]
pub struct TemplateError {
    pub line: Option<usize>,
    pub message: String,
}

impl From<minijinja::Error> for TemplateError {
    fn from(e: minijinja::Error) -> Self {
        let message = match e.detail() {
            Some(detail) => format!("{}: {detail}", e.kind()),
            None => e.kind().to_string(),
        };
        TemplateError {
            line: e.line(),
            message,
        }
    }
}

impl HtmlTemplate {
    /// Parses `source` and renders the sample slip with it, so that a syntax error, an
    /// unknown filter or a misspelt variable is reported now, with its line, rather than
    /// when an order is packed.
    pub fn parse(source: &str) -> Result<Self, TemplateError> {
        let template = Self::compile(source.to_owned())?;
        let instruction = sample::instruction("en", sample::SampleSize::TYPICAL);
        let input = SlipInput::new(
            &instruction,
            "Sample shop",
            PaperSize::A4,
            sample::PRODUCT_URL,
            sample::RETURNS,
        );
        let view = SlipView::build(&input).map_err(|e| TemplateError {
            line: None,
            message: e.to_string(),
        })?;
        template.render(&view)?;
        Ok(template)
    }

    fn compile(source: String) -> Result<Self, TemplateError> {
        let mut env = Environment::new();
        // A misspelt variable is an error, not an empty string on the slip.
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.add_template_owned(NAME, source)?;
        Ok(HtmlTemplate { env })
    }

    fn render(&self, view: &SlipView) -> Result<String, TemplateError> {
        let recommendations: Vec<Value> = view
            .recommendations
            .iter()
            .map(|r| {
                context! {
                    title => r.title,
                    reason => r.reason,
                    url => r.url,
                    qr_svg => Value::from_safe_string(r.qr.as_ref().map(qr_svg).unwrap_or_default()),
                }
            })
            .collect();
        let ctx = context! {
            barcode_svg => Value::from_safe_string(barcode_svg(&view.barcode)),
            recommendations => recommendations,
            ..Value::from_serialize(view)
        };
        Ok(self.env.get_template(NAME)?.render(ctx)?)
    }
}

/// What is wrong with a merchant's slip template, as a settings problem: whether it
/// renders the sample slip. Nothing when there is none, or when it is too long to try
/// (the settings' own check says so).
pub fn template_problems(slip: &SlipSettings) -> Vec<FieldError> {
    let Some(source) = &slip.html_template else {
        return Vec::new();
    };
    if source.len() > MAX_TEMPLATE_BYTES {
        return Vec::new();
    }
    match HtmlTemplate::parse(source) {
        Ok(_) => Vec::new(),
        Err(e) => vec![FieldError {
            field: "slip.html_template".into(),
            message: match e.line {
                Some(line) => format!("line {line}: {}", e.message),
                None => e.message,
            },
        }],
    }
}

fn default_template() -> &'static HtmlTemplate {
    static DEFAULT_TEMPLATE: OnceLock<HtmlTemplate> = OnceLock::new();
    DEFAULT_TEMPLATE
        .get_or_init(|| HtmlTemplate::compile(DEFAULT.to_owned()).expect("the default template"))
}

pub(crate) fn render(
    view: &SlipView,
    template: Option<&HtmlTemplate>,
) -> Result<String, SlipError> {
    Ok(template
        .unwrap_or_else(|| default_template())
        .render(view)?)
}

/// The barcode as SVG: one rectangle per bar, ten modules of quiet zone either side.
pub fn barcode_svg(code: &Code128) -> String {
    let quiet = 10;
    let width = code.modules.len() + 2 * quiet;
    let mut svg = format!(
        r#"<svg class="barcode" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} 40" preserveAspectRatio="none" shape-rendering="crispEdges"><path d=""#
    );
    for (start, len) in code.bars() {
        let _ = write!(svg, "M{}h{len}v40h-{len}z", start + quiet);
    }
    svg.push_str(r#""/></svg>"#);
    svg
}

/// A QR code as SVG: one path over the dark modules, four modules of quiet zone.
pub fn qr_svg(qr: &QrModules) -> String {
    let quiet = 4;
    let size = qr.width + 2 * quiet;
    let mut svg = format!(
        r#"<svg class="qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" shape-rendering="crispEdges"><path d=""#
    );
    for y in 0..qr.width {
        let mut x = 0;
        while x < qr.width {
            if qr.is_dark(x, y) {
                let start = x;
                while x < qr.width && qr.is_dark(x, y) {
                    x += 1;
                }
                let _ = write!(
                    svg,
                    "M{},{}h{}v1h-{}z",
                    start + quiet,
                    y + quiet,
                    x - start,
                    x - start
                );
            } else {
                x += 1;
            }
        }
    }
    svg.push_str(r#""/></svg>"#);
    svg
}
