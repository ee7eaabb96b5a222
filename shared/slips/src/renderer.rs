//! The slip renderer the order processor calls: the engine's [`SlipRenderer`] port.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use packwise_core::instruction::PickPackInstruction;
use packwise_core::slip::{RenderedSlip, SlipFailure, SlipRenderer};

use crate::{HtmlTemplate, SlipInput, render_both};

/// Renders slips, keeping each merchant's compiled HTML template for as long as the
/// merchant's settings hold the same source: compiling costs more than rendering.
#[derive(Default)]
pub struct Slips {
    templates: Mutex<HashMap<String, Compiled>>,
}

struct Compiled {
    source: String,
    /// `None` when the stored template does not compile: it is reported once and the
    /// default layout is used, since a slip must be printed either way.
    template: Option<Arc<HtmlTemplate>>,
}

impl Slips {
    pub fn new() -> Self {
        Self::default()
    }

    fn template(&self, merchant: &str, source: &str) -> Option<Arc<HtmlTemplate>> {
        let mut templates = self.templates.lock().expect("template cache lock");
        if let Some(c) = templates.get(merchant)
            && c.source == source
        {
            return c.template.clone();
        }
        let template = match HtmlTemplate::parse(source) {
            Ok(t) => Some(Arc::new(t)),
            Err(e) => {
                // The API checks a template before storing it; this one came another way.
                tracing::error!(merchant, error = %e, "stored slip template does not render; printing the default layout");
                None
            }
        };
        templates.insert(
            merchant.to_string(),
            Compiled {
                source: source.to_string(),
                template: template.clone(),
            },
        );
        template
    }
}

impl SlipRenderer for Slips {
    fn render(
        &self,
        merchant: &str,
        instruction: &PickPackInstruction,
        html_template: Option<&str>,
    ) -> Result<RenderedSlip, SlipFailure> {
        let template = html_template.and_then(|source| self.template(merchant, source));
        let input = SlipInput::of(instruction, template.as_deref())
            .ok_or_else(|| SlipFailure("the instruction names no slip".into()))?;
        let (pdf, html) = render_both(&input).map_err(|e| SlipFailure(e.to_string()))?;
        Ok(RenderedSlip {
            pdf,
            html: html.into_bytes(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::{SampleSize, instruction};
    use packwise_core::slip::{PaperSize, SlipDocuments};

    fn named(mut ins: PickPackInstruction) -> PickPackInstruction {
        ins.slip = Some(SlipDocuments {
            pdf: "pickpack/teashop/fc-1/2026-05-12/TS-100234.slip.pdf".into(),
            html: "pickpack/teashop/fc-1/2026-05-12/TS-100234.slip.html".into(),
            paper: PaperSize::A4,
            merchant_name: "Tea Shop".into(),
            product_url_template: None,
            returns: None,
        });
        ins
    }

    #[test]
    fn a_merchant_template_is_used_and_a_broken_one_falls_back_to_the_default() {
        let slips = Slips::new();
        let ins = named(instruction("en", SampleSize::TYPICAL));
        let own = slips
            .render("teashop", &ins, Some("<p>Order {{ order_id }}</p>"))
            .unwrap();
        assert_eq!(
            String::from_utf8(own.html).unwrap(),
            "<p>Order TS-100234</p>"
        );
        let broken = slips.render("teashop", &ins, Some("{% for %}")).unwrap();
        let default = slips.render("teashop", &ins, None).unwrap();
        assert_eq!(broken, default, "a broken template prints the default slip");
        assert!(
            String::from_utf8(default.html)
                .unwrap()
                .contains("TS-100234")
        );
    }

    #[test]
    fn an_instruction_without_a_slip_is_refused() {
        let ins = instruction("en", SampleSize::TYPICAL);
        let err = Slips::new().render("teashop", &ins, None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the packing slip cannot be printed: the instruction names no slip"
        );
    }
}
