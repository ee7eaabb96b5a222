//! The tally printed after a run: what went into the boxes and what each campaign did.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use packwise_core::instruction::{Outcome, PickPackInstruction};

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct CampaignTally {
    pub applied: u64,
    pub held_out: u64,
    pub suppressed: BTreeMap<String, u64>,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RunSummary {
    pub orders: u64,
    pub inserts_by_kind: BTreeMap<String, u64>,
    pub coupons: u64,
    pub messages: u64,
    pub with_recommendations: u64,
    pub gift_wrapped: u64,
    pub campaigns: BTreeMap<String, CampaignTally>,
    /// Packing slips written, and the PDF key of the first, to point a person at.
    pub slips: u64,
    pub first_slip: Option<String>,
}

fn snake(value: impl serde::Serialize) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

impl RunSummary {
    pub fn add(&mut self, ins: &PickPackInstruction) {
        self.orders += 1;
        for insert in &ins.inserts {
            *self.inserts_by_kind.entry(snake(insert.kind)).or_default() += 1;
        }
        self.coupons += u64::from(ins.coupon.is_some());
        self.messages += u64::from(ins.message.is_some());
        self.with_recommendations += u64::from(!ins.recommendations.is_empty());
        self.gift_wrapped += u64::from(ins.packaging.as_ref().is_some_and(|p| p.gift_wrap));
        if let Some(slip) = &ins.slip {
            self.slips += 1;
            self.first_slip.get_or_insert_with(|| slip.pdf.clone());
        }
        for result in &ins.campaigns {
            let tally = self.campaigns.entry(result.campaign.clone()).or_default();
            match &result.outcome {
                Outcome::Applied => tally.applied += 1,
                Outcome::HeldOut => tally.held_out += 1,
                Outcome::Suppressed { limit } => {
                    *tally
                        .suppressed
                        .entry(limit.name().to_string())
                        .or_default() += 1
                }
            }
        }
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "orders                 {:>8}", self.orders);
        let _ = writeln!(out, "packing slips          {:>8}", self.slips);
        let _ = writeln!(out, "coupons issued         {:>8}", self.coupons);
        let _ = writeln!(out, "personal messages      {:>8}", self.messages);
        let _ = writeln!(
            out,
            "with suggestions       {:>8}",
            self.with_recommendations
        );
        let _ = writeln!(out, "gift wrapped           {:>8}", self.gift_wrapped);
        let total: u64 = self.inserts_by_kind.values().sum();
        let _ = writeln!(out, "inserts                {total:>8}");
        for (kind, n) in &self.inserts_by_kind {
            let _ = writeln!(out, "  {kind:<20} {n:>8}");
        }
        if !self.campaigns.is_empty() {
            let width = self
                .campaigns
                .keys()
                .map(String::len)
                .max()
                .unwrap_or(8)
                .max(8);
            let _ = writeln!(out);
            let _ = writeln!(
                out,
                "{:<width$}  {:>8}  {:>8}  {:>10}  suppressed by",
                "campaign", "applied", "held out", "suppressed"
            );
            for (id, t) in &self.campaigns {
                let suppressed: u64 = t.suppressed.values().sum();
                let reasons: Vec<String> = t
                    .suppressed
                    .iter()
                    .map(|(k, v)| format!("{k} {v}"))
                    .collect();
                let _ = writeln!(
                    out,
                    "{id:<width$}  {:>8}  {:>8}  {suppressed:>10}  {}",
                    t.applied,
                    t.held_out,
                    reasons.join(", ")
                );
            }
        }
        out
    }
}
