//! Personal messages: per-locale minijinja templates, compiled when a campaign is saved.

use minijinja::{Environment, UndefinedBehavior};
use serde::Serialize;

use crate::campaign::CouponValue;
use crate::validation::Problems;

/// What a message template may use. Missing values are empty strings, so
/// `{{ first_name or "friend" }}` reads well.
#[derive(Clone, Debug, Default, Serialize)]
pub struct MessageVars {
    pub first_name: String,
    pub order_number: String,
    /// This order's position in the customer's history: 1 for a first order.
    pub nth_order: u32,
    pub merchant_name: String,
    /// "12.50 EUR" missing to free shipping; empty when reached or not set.
    pub free_shipping_gap: String,
    pub free_shipping_threshold: String,
    pub top_category: String,
    pub coupon_code: String,
    pub coupon_value: String,
}

pub const MESSAGE_VARIABLES: &[&str] = &[
    "first_name",
    "order_number",
    "nth_order",
    "merchant_name",
    "free_shipping_gap",
    "free_shipping_threshold",
    "top_category",
    "coupon_code",
    "coupon_value",
];

pub const MAX_MESSAGE_CHARS: usize = 600;

/// Compiled templates of every campaign, addressed by `template_name`.
pub struct Templates {
    env: Environment<'static>,
}

pub fn template_name(campaign: &str, locale: &str) -> String {
    format!("{campaign}/{locale}")
}

impl Default for Templates {
    fn default() -> Self {
        let mut env = Environment::new();
        // Strict: a misspelt variable is an error when saving, not a blank on a slip.
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        Templates { env }
    }
}

impl Templates {
    /// Adds a template after checking it compiles and renders with sample values.
    pub fn add(&mut self, name: String, source: &str, field: &str, p: &mut Problems) -> bool {
        if source.chars().count() > MAX_MESSAGE_CHARS {
            p.add(
                field,
                format!("must be at most {MAX_MESSAGE_CHARS} characters"),
            );
            return false;
        }
        if let Err(e) = self
            .env
            .add_template_owned(name.clone(), source.to_string())
        {
            p.add(field, describe(&e));
            return false;
        }
        let sample = MessageVars {
            first_name: "Sam".into(),
            order_number: "1001".into(),
            nth_order: 2,
            merchant_name: "Shop".into(),
            free_shipping_gap: "5.00 EUR".into(),
            free_shipping_threshold: "50.00 EUR".into(),
            top_category: "tea".into(),
            coupon_code: "WELCOME-ABCDE-FGHJK".into(),
            coupon_value: "10%".into(),
        };
        if let Err(e) = self.render(&name, &sample) {
            p.add(
                field,
                format!("{e}; variables: {}", MESSAGE_VARIABLES.join(", ")),
            );
            self.env.remove_template(&name);
            return false;
        }
        true
    }

    pub fn render(&self, name: &str, vars: &MessageVars) -> Result<String, String> {
        let template = self.env.get_template(name).map_err(|e| describe(&e))?;
        let text = template.render(vars).map_err(|e| describe(&e))?;
        Ok(text.trim().to_string())
    }
}

fn describe(e: &minijinja::Error) -> String {
    match e.line() {
        Some(line) => format!(
            "line {line}: {}",
            e.detail().unwrap_or(&e.kind().to_string())
        ),
        None => e
            .detail()
            .map_or_else(|| e.kind().to_string(), str::to_string),
    }
}

/// The printed line for a coupon. English for now; localized slips come with the
/// packing-slip renderer.
pub fn coupon_text(
    value: &CouponValue,
    code: &str,
    expires_on: chrono::NaiveDate,
    money: impl Fn(rust_decimal::Decimal) -> String,
) -> String {
    let what = coupon_value_text(value, &money);
    format!("{what} your next order with code {code}, valid until {expires_on}")
}

pub fn coupon_value_text(
    value: &CouponValue,
    money: impl Fn(rust_decimal::Decimal) -> String,
) -> String {
    match value {
        CouponValue::Percent { percent } => format!("{}% off", percent.normalize()),
        CouponValue::FixedAmount { amount, .. } => format!("{} off", money(*amount)),
        CouponValue::FreeShipping => "Free shipping on".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_render_with_personal_details() {
        let mut t = Templates::default();
        let mut p = Problems::default();
        assert!(t.add(
            "welcome/en".into(),
            "Hi {{ first_name or 'friend' }}, thanks for order #{{ order_number }}!",
            "m",
            &mut p
        ));
        p.finish().unwrap();
        let vars = MessageVars {
            order_number: "42".into(),
            ..Default::default()
        };
        assert_eq!(
            t.render("welcome/en", &vars).unwrap(),
            "Hi friend, thanks for order #42!"
        );
    }

    #[test]
    fn misspelt_variables_and_bad_syntax_are_rejected() {
        let mut t = Templates::default();
        let mut p = Problems::default();
        assert!(!t.add(
            "a/en".into(),
            "Hi {{ frist_name }}",
            "actions.message.templates.en",
            &mut p
        ));
        assert!(!t.add(
            "b/en".into(),
            "Hi {{ first_name ",
            "actions.message.templates.de",
            &mut p
        ));
        let err = p.finish().unwrap_err();
        assert_eq!(err.errors.len(), 2);
        assert!(
            err.errors[0].message.contains("variables: first_name"),
            "{err}"
        );
        assert!(err.errors[1].message.starts_with("line 1"), "{err}");
    }
}
