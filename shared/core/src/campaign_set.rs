//! A merchant's campaigns compiled once and reused for every order until they change.

use std::collections::BTreeMap;

use cel::Program;

use crate::campaign::{Campaign, InsertRule};
use crate::codes::Secret;
use crate::insert::{Insert, InsertKind};
use crate::message::{Templates, template_name};
use crate::settings::MerchantSettings;
use crate::targeting::{self, Needs};
use crate::validation::{Invalid, Problems};

pub struct CompiledCampaign {
    pub campaign: Campaign,
    pub program: Program,
    pub needs: Needs,
}

/// Settings, insert definitions and compiled campaigns, highest priority first.
pub struct CampaignSet {
    pub settings: MerchantSettings,
    pub inserts: BTreeMap<String, Insert>,
    pub campaigns: Vec<CompiledCampaign>,
    pub templates: Templates,
    /// Stored campaigns that no longer compile (for example an insert was deleted).
    pub broken: Vec<(Campaign, Invalid)>,
    /// The condition variables any running campaign uses.
    pub needs: Needs,
    /// The merchant's coupon secret, keyed once for codes and holdout groups.
    pub secret: Secret,
}

impl CampaignSet {
    pub fn build(
        settings: MerchantSettings,
        campaigns: Vec<Campaign>,
        inserts: Vec<Insert>,
    ) -> Self {
        let inserts: BTreeMap<String, Insert> =
            inserts.into_iter().map(|i| (i.sku.clone(), i)).collect();
        let mut templates = Templates::default();
        let mut compiled = Vec::new();
        let mut broken = Vec::new();
        for campaign in campaigns {
            match compile(&campaign, &inserts, &mut templates) {
                Ok((program, needs)) => compiled.push(CompiledCampaign {
                    campaign,
                    program,
                    needs,
                }),
                Err(invalid) => broken.push((campaign, invalid)),
            }
        }
        compiled.sort_by(|a, b| {
            b.campaign
                .priority
                .cmp(&a.campaign.priority)
                .then_with(|| a.campaign.id.cmp(&b.campaign.id))
        });
        let needs = compiled
            .iter()
            .fold(Needs::default(), |all, c| all.union(c.needs));
        CampaignSet {
            needs,
            secret: Secret::new(&settings.coupon_secret),
            settings,
            inserts,
            campaigns: compiled,
            templates,
            broken,
        }
    }

    /// Every check a campaign must pass before it is saved, all problems at once.
    pub fn validate(campaign: &Campaign, inserts: &[Insert]) -> Result<(), Invalid> {
        let inserts: BTreeMap<String, Insert> =
            inserts.iter().map(|i| (i.sku.clone(), i.clone())).collect();
        compile(campaign, &inserts, &mut Templates::default()).map(|_| ())
    }

    pub fn get(&self, id: &str) -> Option<&CompiledCampaign> {
        self.campaigns.iter().find(|c| c.campaign.id == id)
    }

    /// Campaign ids whose issue counters a decision needs (those with a budget).
    pub fn budgeted_campaigns(&self) -> Vec<String> {
        self.campaigns
            .iter()
            .filter(|c| c.campaign.budget.is_some())
            .map(|c| c.campaign.id.clone())
            .collect()
    }

    /// Insert SKUs any campaign may add: their stock is read fresh with each order.
    pub fn insert_skus(&self) -> Vec<String> {
        self.inserts.keys().cloned().collect()
    }
}

fn compile(
    campaign: &Campaign,
    inserts: &BTreeMap<String, Insert>,
    templates: &mut Templates,
) -> Result<(Program, Needs), Invalid> {
    let mut p = Problems::default();
    campaign.validate_structure(&mut p);
    let program = targeting::compile(&campaign.condition, "condition", &mut p);
    for (i, action) in campaign.actions.inserts.iter().enumerate() {
        for (name, sku) in [("sku", &action.sku), ("fallback", &action.fallback)] {
            if let Some(sku) = sku
                && !inserts.contains_key(sku)
            {
                p.add(
                    format!("actions.inserts[{i}].{name}"),
                    format!("no insert `{sku}` in the catalogue"),
                );
            }
        }
        let wanted = match action.pick {
            Some(InsertRule::TopCategorySample) => Some(InsertKind::Sample),
            Some(InsertRule::BasketGuides) => Some(InsertKind::HowToGuide),
            None => None,
        };
        if let Some(kind) = wanted
            && !inserts.values().any(|ins| ins.kind == kind)
        {
            p.add(
                format!("actions.inserts[{i}].pick"),
                format!("the catalogue has no insert of kind {kind:?}"),
            );
        }
    }
    if let Some(message) = &campaign.actions.message {
        for (locale, source) in &message.templates {
            let field = format!("actions.message.templates.{locale}");
            if !crate::locale::is_language_tag(locale) {
                p.add(&field, "key must be a language tag such as `en` or `de-DE`");
                continue;
            }
            templates.add(template_name(&campaign.id, locale), source, &field, &mut p);
        }
    }
    p.finish()?;
    Ok(program.expect("a condition without problems compiled"))
}
