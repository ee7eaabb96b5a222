//! The packing slip as the engine sees it: what a merchant sets for it, what an
//! instruction records of it, and the port that renders it.
//!
//! The instruction carries everything its slip prints that the order does not (the
//! merchant's name, the paper, the return information, the product address template),
//! so that the slip is a function of the instruction: a retried order, or one replayed
//! weeks later after the settings changed, prints the same slip. Only a merchant's own
//! HTML template stays in the settings, being too large to copy into every instruction.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::instruction::PickPackInstruction;
use crate::validation::Problems;

/// The paper a slip is printed on.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema, ToSchema,
)]
pub enum PaperSize {
    /// 4 × 6 in, the label of thermal printers.
    #[default]
    #[serde(rename = "4x6")]
    FourBySix,
    #[serde(rename = "a4")]
    A4,
    #[serde(rename = "letter")]
    Letter,
}

impl PaperSize {
    pub const ALL: [PaperSize; 3] = [PaperSize::FourBySix, PaperSize::A4, PaperSize::Letter];

    pub fn name(self) -> &'static str {
        match self {
            PaperSize::FourBySix => "4x6",
            PaperSize::A4 => "a4",
            PaperSize::Letter => "letter",
        }
    }
}

/// Longest HTML template accepted: a page with its CSS fits many times over, and the
/// settings record that holds it stays far below DynamoDB's 400 KB item limit.
pub const MAX_TEMPLATE_BYTES: usize = 64 * 1024;
const MAX_RETURNS_CHARS: usize = 600;
const MAX_RETURNS_LINES: usize = 8;
const MAX_URL_CHARS: usize = 500;

/// What a merchant chooses for their packing slips.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SlipSettings {
    /// `4x6` for thermal label printers, or `a4` / `letter` for office printers.
    #[serde(default)]
    pub paper: PaperSize,
    /// The address of a product page, `{sku}` standing for the SKU, such as
    /// `https://shop.example/p/{sku}`: each suggestion on the slip has it as a QR code.
    /// Without it suggestions print without a code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_url_template: Option<String>,
    /// How to return goods, printed at the foot of the slip (up to 8 lines), per language
    /// tag: the slip takes the customer's language, else the merchant's default, else
    /// English, else any.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub returns: BTreeMap<String, String>,
    /// The merchant's own HTML slip (a minijinja template), checked when it is set; the
    /// default layout without it. The PDF keeps the default layout.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html_template: Option<String>,
}

impl SlipSettings {
    /// Adds this part's problems under `slip.`. The HTML template is only measured here:
    /// whether it renders is checked where templates are understood, by the slip crate.
    pub fn check(&self, p: &mut Problems) {
        if let Some(url) = &self.product_url_template {
            let field = "slip.product_url_template";
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                p.add(field, "must start with `https://` or `http://`");
            } else if !url.contains("{sku}") {
                p.add(field, "must contain `{sku}`, where the product's SKU goes");
            } else if url.chars().count() > MAX_URL_CHARS {
                p.add(field, format!("must be at most {MAX_URL_CHARS} characters"));
            } else if url.chars().any(char::is_whitespace) {
                p.add(field, "must not contain spaces");
            }
        }
        for (tag, returns) in &self.returns {
            let field = format!("slip.returns.{tag}");
            if !crate::locale::is_language_tag(tag) {
                p.add(
                    field,
                    "must be keyed by a language tag such as `en` or `de-DE`",
                );
            } else if returns.chars().count() > MAX_RETURNS_CHARS {
                p.add(
                    field,
                    format!("must be at most {MAX_RETURNS_CHARS} characters"),
                );
            } else if returns.lines().count() > MAX_RETURNS_LINES {
                p.add(field, format!("must be at most {MAX_RETURNS_LINES} lines"));
            }
        }
        if let Some(template) = &self.html_template
            && template.len() > MAX_TEMPLATE_BYTES
        {
            p.add(
                "slip.html_template",
                format!(
                    "must be at most {} KiB, is {} bytes",
                    MAX_TEMPLATE_BYTES / 1024,
                    template.len()
                ),
            );
        }
    }
}

/// The slip written beside an instruction, and what it prints beyond the order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SlipDocuments {
    /// Key of the PDF, beside the instruction's.
    pub pdf: String,
    /// Key of the HTML page, beside the instruction's.
    pub html: String,
    pub paper: PaperSize,
    /// The merchant's name as printed at the top.
    pub merchant_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_url_template: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returns: Option<String>,
}

impl SlipDocuments {
    /// The slip of the instruction at `instruction_key`, as the merchant's settings make it
    /// for a customer addressed in `locale`.
    pub fn for_instruction(
        instruction_key: &str,
        locale: &str,
        settings: &crate::settings::MerchantSettings,
    ) -> Self {
        let slip = &settings.slip;
        let returns = crate::locale::negotiate(
            &[locale],
            &settings.default_locale,
            slip.returns.keys().map(String::as_str),
        )
        .map(|tag| slip.returns[tag].clone());
        let stem = instruction_key
            .strip_suffix(".json")
            .unwrap_or(instruction_key);
        SlipDocuments {
            pdf: format!("{stem}.slip.pdf"),
            html: format!("{stem}.slip.html"),
            paper: slip.paper,
            merchant_name: settings.name.clone(),
            product_url_template: slip.product_url_template.clone(),
            returns,
        }
    }
}

pub const PDF: &str = "application/pdf";
pub const HTML: &str = "text/html; charset=utf-8";

/// A slip as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderedSlip {
    pub pdf: Vec<u8>,
    pub html: Vec<u8>,
}

/// Why an instruction has no slip; the order is refused rather than packed without one.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the packing slip cannot be printed: {0}")]
pub struct SlipFailure(pub String);

/// Renders the slip an instruction names in its `slip`. A pure function of the
/// instruction and the merchant's HTML template: the same input gives the same bytes.
pub trait SlipRenderer: Send + Sync {
    fn render(
        &self,
        merchant: &str,
        instruction: &PickPackInstruction,
        html_template: Option<&str>,
    ) -> Result<RenderedSlip, SlipFailure>;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(slip: &SlipSettings) -> Vec<String> {
        let mut p = Problems::default();
        slip.check(&mut p);
        match p.finish() {
            Ok(()) => Vec::new(),
            Err(invalid) => invalid.errors.iter().map(ToString::to_string).collect(),
        }
    }

    fn settings(returns: &[(&str, &str)]) -> crate::settings::MerchantSettings {
        let mut settings: crate::settings::MerchantSettings =
            serde_json::from_value(serde_json::json!({
                "merchant": "teashop", "name": "Tea Shop", "default_locale": "de",
                "default_currency": "EUR", "coupon_secret": "0123456789abcdef-secret"
            }))
            .unwrap();
        settings.slip.returns = returns
            .iter()
            .map(|(tag, text)| (tag.to_string(), text.to_string()))
            .collect();
        settings
    }

    #[test]
    fn slip_keys_sit_beside_the_instruction() {
        let docs = SlipDocuments::for_instruction(
            "pickpack/teashop/BER1/2026-11-23/1001.json",
            "en",
            &settings(&[]),
        );
        assert_eq!(docs.pdf, "pickpack/teashop/BER1/2026-11-23/1001.slip.pdf");
        assert_eq!(docs.html, "pickpack/teashop/BER1/2026-11-23/1001.slip.html");
        assert_eq!(docs.paper, PaperSize::FourBySix);
        assert_eq!(docs.merchant_name, "Tea Shop");
        assert_eq!(docs.returns, None);
    }

    #[test]
    fn return_text_follows_the_customers_language_then_the_merchants() {
        let settings = settings(&[
            ("en", "30 days."),
            ("de", "30 Tage."),
            ("fr-CA", "30 jours."),
        ]);
        let returns = |locale: &str| {
            SlipDocuments::for_instruction("pickpack/t/B/2026-11-23/1.json", locale, &settings)
                .returns
        };
        assert_eq!(returns("de-AT").as_deref(), Some("30 Tage."));
        assert_eq!(returns("fr-FR").as_deref(), Some("30 jours."));
        assert_eq!(
            returns("es").as_deref(),
            Some("30 Tage."),
            "the merchant's default"
        );
    }

    #[test]
    fn paper_is_written_as_printers_name_it() {
        let names: Vec<String> = PaperSize::ALL
            .iter()
            .map(|p| serde_json::to_string(p).unwrap())
            .collect();
        assert_eq!(names, ["\"4x6\"", "\"a4\"", "\"letter\""]);
        for paper in PaperSize::ALL {
            assert_eq!(
                serde_json::to_string(&paper).unwrap(),
                format!("\"{}\"", paper.name())
            );
        }
    }

    #[test]
    fn bad_slip_settings_are_named_field_by_field() {
        assert!(problems(&SlipSettings::default()).is_empty());
        let bad = SlipSettings {
            paper: PaperSize::A4,
            product_url_template: Some("https://shop.example/p/".into()),
            returns: [
                ("en".to_string(), "line\n".repeat(9)),
                ("english".to_string(), "x".to_string()),
            ]
            .into(),
            html_template: Some("x".repeat(MAX_TEMPLATE_BYTES + 1)),
        };
        assert_eq!(
            problems(&bad),
            [
                "slip.product_url_template: must contain `{sku}`, where the product's SKU goes",
                "slip.returns.en: must be at most 8 lines",
                "slip.returns.english: must be keyed by a language tag such as `en` or `de-DE`",
                "slip.html_template: must be at most 64 KiB, is 65537 bytes",
            ]
        );
        let ftp = SlipSettings {
            product_url_template: Some("ftp://shop.example/{sku}".into()),
            ..SlipSettings::default()
        };
        assert_eq!(
            problems(&ftp),
            ["slip.product_url_template: must start with `https://` or `http://`"]
        );
    }
}
