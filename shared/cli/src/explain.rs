//! `packwise explain`: what would be chosen for an order, and why. Writes nothing.

use std::fmt::Write as _;

use packwise_core::decide::{Decision, Verdict};
use packwise_core::instruction::{Outcome, PickPackInstruction};

/// A fresh decision: every campaign's verdict, then what goes into the box.
pub fn render(decision: &Decision) -> String {
    let ins = &decision.instruction;
    let mut out = header(ins);
    let width = decision
        .explanations
        .iter()
        .map(|e| e.campaign.len())
        .max()
        .unwrap_or(8)
        .max(8);
    let _ = writeln!(
        out,
        "{:<width$}  {:>8}  {:<12}  why",
        "campaign", "priority", "verdict"
    );
    for e in &decision.explanations {
        let verdict = match e.verdict {
            Verdict::Applied => "applied",
            Verdict::HeldOut => "held out",
            Verdict::Suppressed => "suppressed",
            Verdict::NotMatched => "not matched",
            Verdict::NotRunning => "not running",
            Verdict::Error => "error",
        };
        let _ = writeln!(
            out,
            "{:<width$}  {:>8}  {verdict:<12}  {}",
            e.campaign, e.priority, e.detail
        );
    }
    out.push_str(&the_box(ins));
    out
}

/// An order processed before: the stored instruction is the decision, and deciding again
/// would see the order's own effects (its touch, its budget unit), so it is shown as stored.
pub fn render_stored(key: &str, ins: &PickPackInstruction) -> String {
    let mut out = header(ins);
    let _ = writeln!(out, "already processed: {key}");
    let _ = writeln!(out, "campaigns that matched when it was processed:");
    for result in &ins.campaigns {
        let verdict = match &result.outcome {
            Outcome::Applied => "applied".to_string(),
            Outcome::HeldOut => "held out".to_string(),
            Outcome::Suppressed { limit } => format!("suppressed: {}", limit.describe()),
        };
        let _ = writeln!(out, "  {:<24} {verdict}", result.campaign);
        for skip in &result.skipped {
            let _ = writeln!(
                out,
                "  {:<24}   skipped {}: {}",
                "",
                skip.action,
                skip.limit.describe()
            );
        }
    }
    out.push_str(&the_box(ins));
    out
}

fn header(ins: &PickPackInstruction) -> String {
    format!(
        "order {} for customer {} at {} ({}, {})\n\n",
        ins.order_id, ins.customer_id, ins.fulfillment_centre, ins.channel, ins.locale
    )
}

fn the_box(ins: &PickPackInstruction) -> String {
    let mut out = String::from("\nin the box:\n");
    for insert in &ins.inserts {
        let _ = writeln!(
            out,
            "  insert  {} ({}): {}",
            insert.sku, insert.name, insert.reason
        );
    }
    if let Some(c) = &ins.coupon {
        let _ = writeln!(out, "  coupon  {}", c.text);
    }
    for r in &ins.recommendations {
        let _ = writeln!(out, "  suggest {} ({}): {}", r.sku, r.title, r.reason);
    }
    if let Some(m) = &ins.message {
        let _ = writeln!(out, "  message [{}] {}", m.locale, m.text);
    }
    if let Some(p) = &ins.packaging {
        let wrap = if p.gift_wrap { ", gift wrapped" } else { "" };
        let _ = writeln!(out, "  box     {}{wrap}", p.box_type);
    }
    let empty = ins.inserts.is_empty()
        && ins.coupon.is_none()
        && ins.recommendations.is_empty()
        && ins.message.is_none()
        && ins.packaging.is_none();
    if empty {
        let _ = writeln!(out, "  nothing beyond the goods");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_instruction_shows_its_outcomes_and_box() {
        let ins: PickPackInstruction = serde_json::from_value(serde_json::json!({
            "schema": "packwise.pickpack/v1", "merchant": "m", "order_id": "1", "customer_id": "c",
            "fulfillment_centre": "BER1", "placed_at": "2026-01-01T00:00:00Z", "channel": "web",
            "locale": "en",
            "ship_to": {"name": "A", "line1": "B", "city": "C", "postal_code": "1", "country": "DE"},
            "pick": [], "inserts": [], "coupon": null, "recommendations": [], "message": null,
            "packaging": null,
            "campaigns": [{"campaign": "welcome", "outcome": {"status": "suppressed",
                           "limit": {"kind": "budget", "budget": 5}}}]
        }))
        .unwrap();
        let text = render_stored("pickpack/m/BER1/2026-01-01/1.json", &ins);
        assert!(text.contains("already processed: pickpack/m/BER1/2026-01-01/1.json"));
        assert!(
            text.contains("welcome                  suppressed: budget of 5 used up"),
            "{text}"
        );
        assert!(text.contains("nothing beyond the goods"));
    }
}
