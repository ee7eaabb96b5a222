//! A merchant's campaigns compiled once and reused for every order until they change.

use std::collections::BTreeMap;

use crate::campaign::{Campaign, InsertRule};
use crate::codes::Secret;
use crate::insert::{Insert, InsertKind};
use crate::message::{Templates, template_name};
use crate::order::Order;
use crate::ports::OrderKeys;
use crate::settings::MerchantSettings;
use crate::targeting::{self, Condition, Needs};
use crate::validation::{Invalid, Problems};

pub struct CompiledCampaign {
    pub campaign: Campaign,
    pub condition: Condition,
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
    /// Ids of the campaigns with a budget, whose issue counters every order reads.
    budgeted: Vec<String>,
    /// Every insert SKU: its stock at the order's centre is read fresh with each order.
    insert_skus: Vec<String>,
    /// Whether any campaign suggests items, so that orders need their similar items.
    recommends: bool,
    /// SKUs never suggested: not recommendable or out of stock.
    pub unrecommendable: crate::similar::SkuSet,
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
                Ok(condition) => compiled.push(CompiledCampaign {
                    campaign,
                    condition,
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
            .fold(Needs::default(), |all, c| all.union(c.condition.needs));
        let budgeted = compiled
            .iter()
            .filter(|c| c.campaign.budget.is_some())
            .map(|c| c.campaign.id.clone())
            .collect();
        let recommends = compiled
            .iter()
            .any(|c| c.campaign.actions.recommend.is_some());
        let unrecommendable = settings
            .not_recommendable
            .iter()
            .chain(&settings.out_of_stock)
            .cloned()
            .collect();
        CampaignSet {
            unrecommendable,
            budgeted,
            insert_skus: inserts.keys().cloned().collect(),
            recommends,
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

    /// What one order's read needs from this set: the issue counters of budgeted
    /// campaigns, the stock of every insert, and the basket's similar items (with the
    /// best-sellers, for a basket of new products) only if some campaign suggests items.
    /// Borrows the lists the set computed when it was built.
    pub fn keys<'a>(&'a self, order: &'a Order) -> OrderKeys<'a> {
        let basket_skus = if self.recommends {
            let basket = order.lines.iter().map(|l| l.sku.as_str());
            basket.chain([crate::similar::POPULAR]).collect()
        } else {
            Vec::new()
        };
        OrderKeys {
            merchant: &order.merchant,
            customer: &order.customer.id,
            order_id: &order.order_id,
            centre: &order.fulfillment_centre,
            basket_skus,
            budgeted_campaigns: &self.budgeted,
            insert_skus: &self.insert_skus,
            coupon_codes: crate::redemption::candidate_codes(order),
        }
    }
}

fn compile(
    campaign: &Campaign,
    inserts: &BTreeMap<String, Insert>,
    templates: &mut Templates,
) -> Result<Condition, Invalid> {
    let mut p = Problems::default();
    campaign.validate_structure(&mut p);
    let condition = targeting::compile(&campaign.condition, "condition", &mut p);
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
    Ok(condition.expect("a condition without problems compiled"))
}
