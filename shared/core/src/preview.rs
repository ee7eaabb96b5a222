//! A dry run: a campaign decided again on the merchant's latest processed orders, beside
//! the campaigns already running, to see what it would have done. Writes nothing.
//!
//! Each order is decided as the processor decided it, with three differences: the
//! campaign is taken as running (whatever its status and schedule say, so a draft
//! starting next week can be tried on last week's orders); the customer's profile is
//! rewound to just before the order (`CustomerProfile::before`); and what the campaign
//! itself uses (budget, frequency cap, insert stock) is carried from order to order as
//! the preview goes, starting from a budget nothing has used yet and today's stock. The
//! other campaigns keep their counters and touches as they are.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use futures_util::{StreamExt, TryStreamExt};
use serde::Serialize;

use crate::campaign::{Campaign, CampaignStatus, Schedule};
use crate::campaign_set::CampaignSet;
use crate::decide::{Explanation, Verdict};
use crate::instruction::CouponToPrint;
use crate::ports::{ConfigStore, CustomerOrder, OrderStore, StoreError};
use crate::profile::{CustomerProfile, OrderSummary, Touch};
use crate::validation::Invalid;

/// Orders a preview may read.
pub const MAX_ORDERS: usize = 1000;
/// Sample orders a preview shows with the campaign's explanation and what it added.
const SAMPLES: usize = 5;
/// Customers whose history is read at once.
const CONCURRENT_READS: usize = 16;

#[derive(Debug, thiserror::Error)]
pub enum PreviewError {
    #[error("invalid campaign: {0}")]
    Invalid(Invalid),
    #[error("unknown merchant `{0}`: create its settings first")]
    UnknownMerchant(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Preview {
    pub campaign: String,
    /// Orders decided: the merchant's latest, at most as many as asked for.
    pub orders: usize,
    pub first_order_at: Option<DateTime<Utc>>,
    pub last_order_at: Option<DateTime<Utc>>,
    /// Orders whose condition held: applied, held out or suppressed.
    pub matched: usize,
    pub applied: usize,
    pub held_out: usize,
    /// Matched orders a limit kept the campaign out of, by limit (`budget`,
    /// `frequency_cap`, `exclusive_group`, `channel`, ...).
    pub suppressed: BTreeMap<String, usize>,
    pub not_matched: usize,
    /// Orders whose condition could not be evaluated (a missing value, a type error).
    pub errors: usize,
    /// Actions of applied parcels that could not be carried out, by limit.
    pub actions_skipped: BTreeMap<String, usize>,
    /// Per fulfillment centre: units of each insert to stock, and coupons to print.
    pub centres: BTreeMap<String, CentreNeeds>,
    pub samples: Vec<Sample>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CentreNeeds {
    pub inserts: BTreeMap<String, usize>,
    pub coupons: usize,
}

/// One order as the campaign would have treated it.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Sample {
    pub order_id: String,
    pub customer: String,
    pub placed_at: DateTime<Utc>,
    pub explanation: Explanation,
    pub inserts: Vec<String>,
    pub coupon: Option<CouponToPrint>,
    /// The campaign's message as it would have been printed on this order's slip.
    pub message: Option<String>,
}

/// The campaign as a preview runs it: running, whenever the order was placed.
fn as_running(campaign: &Campaign) -> Campaign {
    let mut running = campaign.clone();
    running.status = CampaignStatus::Active;
    running.schedule = Schedule::default();
    running
}

/// Decides `campaign` on the merchant's `orders` latest orders.
pub async fn preview<S: ConfigStore + OrderStore>(
    store: &S,
    merchant: &str,
    campaign: &Campaign,
    orders: usize,
) -> Result<Preview, PreviewError> {
    let settings = store
        .settings(merchant)
        .await?
        .ok_or_else(|| PreviewError::UnknownMerchant(merchant.to_string()))?;
    let inserts = store.inserts(merchant).await?;
    CampaignSet::validate(campaign, &inserts).map_err(PreviewError::Invalid)?;
    let mut campaigns: Vec<Campaign> = store
        .campaigns(merchant)
        .await?
        .into_iter()
        .filter(|c| c.id != campaign.id)
        .collect();
    campaigns.push(as_running(campaign));
    let set = CampaignSet::build(settings, campaigns, inserts);

    let mut recent = store
        .recent_orders(merchant, orders.min(MAX_ORDERS))
        .await?;
    recent.reverse();
    let histories = histories_of(store, merchant, &recent).await?;
    let mut run = Run::new(campaign.id.clone());
    for chunk in recent.chunks(100) {
        let orders: Vec<crate::Order> = chunk
            .iter()
            .map(|o| o.order.to_order(merchant, &o.customer))
            .collect();
        let keys: Vec<_> = orders.iter().map(|o| set.keys(o)).collect();
        let contexts = store.load_many(&keys).await?;
        for (order, ctx) in orders.iter().zip(contexts) {
            // The order's own read brought the customer's profile as it is now.
            let new_customer;
            let now = match &ctx.profile {
                Some(profile) => profile,
                None => {
                    new_customer = CustomerProfile::new(merchant, &order.customer.id);
                    &new_customer
                }
            };
            let history = &histories[&order.customer.id];
            let mut before = now.before(history, order.placed_at, &order.order_id);
            before
                .touches
                .extend_from_slice(run.touches_of(&order.customer.id));
            run.decide(&set, order, &before, ctx);
        }
    }
    Ok(run.finish())
}

/// Each customer's history, read concurrently; their profile comes with each order's
/// read.
async fn histories_of<S: OrderStore>(
    store: &S,
    merchant: &str,
    orders: &[CustomerOrder],
) -> Result<HashMap<String, Vec<OrderSummary>>, StoreError> {
    // Owned ids: a stream of futures borrowing `&str` items trips the compiler's proof
    // that the handler's future is `Send`.
    let mut ids: Vec<String> = orders.iter().map(|o| o.customer.clone()).collect();
    ids.sort_unstable();
    ids.dedup();
    futures_util::stream::iter(ids)
        .map(|id| async move {
            let history = store.history(merchant, &id).await?;
            Ok::<_, StoreError>((id, history))
        })
        .buffer_unordered(CONCURRENT_READS)
        .try_collect()
        .await
}

/// The preview as it goes: what the campaign has used so far and the tallies.
struct Run {
    preview: Preview,
    /// Parcels the campaign was applied to during the preview.
    issued: u64,
    /// Units of its inserts the campaign took during the preview, per centre and insert.
    taken: HashMap<(String, String), i64>,
    /// Orders it applied to, and others, to show: at most `SAMPLES` of each.
    applied_samples: Vec<Sample>,
    other_samples: Vec<Sample>,
    /// The campaign's touches during the preview, per customer, for its frequency cap.
    touches: HashMap<String, Vec<Touch>>,
}

impl Run {
    fn new(campaign: String) -> Self {
        Run {
            preview: Preview {
                campaign,
                ..Preview::default()
            },
            issued: 0,
            taken: HashMap::new(),
            touches: HashMap::new(),
            applied_samples: Vec::new(),
            other_samples: Vec::new(),
        }
    }

    /// The tallies, with the orders it applied to first among the samples: a merchant
    /// sees what before why not.
    fn finish(mut self) -> Preview {
        let mut samples = self.applied_samples;
        samples.extend(self.other_samples);
        samples.truncate(SAMPLES);
        let p = &mut self.preview;
        p.samples = samples;
        p.matched = p.applied + p.held_out + p.suppressed.values().sum::<usize>();
        self.preview
    }

    fn touches_of(&self, customer: &str) -> &[Touch] {
        self.touches.get(customer).map_or(&[], Vec::as_slice)
    }

    fn decide(
        &mut self,
        set: &CampaignSet,
        order: &crate::Order,
        profile: &CustomerProfile,
        mut ctx: crate::ports::OrderContext,
    ) {
        let id = self.preview.campaign.clone();
        let centre = &order.fulfillment_centre;
        ctx.issued.insert(id.clone(), self.issued);
        for (sku, units) in ctx.stock.iter_mut() {
            *units -= self
                .taken
                .get(&(centre.clone(), sku.clone()))
                .copied()
                .unwrap_or(0);
        }
        let decision = crate::process::decide_as_of(order, profile, set, &ctx, true);
        let effects = &decision.effects;
        self.issued += effects.applied.iter().filter(|c| **c == id).count() as u64;
        for touch in effects.touches.iter().filter(|t| t.campaign == id) {
            self.touches
                .entry(order.customer.id.clone())
                .or_default()
                .push(touch.clone());
        }

        let p = &mut self.preview;
        p.orders += 1;
        p.first_order_at.get_or_insert(order.placed_at);
        p.last_order_at = Some(order.placed_at);
        let Some(explanation) = decision.explanations.into_iter().find(|e| e.campaign == id) else {
            return;
        };
        match explanation.verdict {
            Verdict::Applied => p.applied += 1,
            Verdict::HeldOut => p.held_out += 1,
            Verdict::Suppressed => {}
            Verdict::NotMatched | Verdict::NotRunning => p.not_matched += 1,
            Verdict::Error => p.errors += 1,
        }
        for (campaign, limit) in &effects.suppressed {
            if *campaign == id {
                *p.suppressed.entry(limit.to_string()).or_default() += 1;
            }
        }
        let instruction = &decision.instruction;
        if let Some(result) = instruction.campaigns.iter().find(|c| c.campaign == id)
            && explanation.verdict == Verdict::Applied
        {
            for skip in &result.skipped {
                *p.actions_skipped
                    .entry(skip.limit.name().to_string())
                    .or_default() += 1;
            }
        }
        let inserts: Vec<String> = instruction
            .inserts
            .iter()
            .filter(|i| i.campaign == id)
            .map(|i| i.sku.clone())
            .collect();
        let coupon = instruction.coupon.clone().filter(|c| c.campaign == id);
        let message = instruction
            .message
            .as_ref()
            .filter(|m| m.campaign == id)
            .map(|m| m.text.clone());
        if !inserts.is_empty() || coupon.is_some() {
            let needs = p.centres.entry(centre.clone()).or_default();
            for sku in &inserts {
                *needs.inserts.entry(sku.clone()).or_default() += 1;
                *self.taken.entry((centre.clone(), sku.clone())).or_default() += 1;
            }
            needs.coupons += usize::from(coupon.is_some());
        }
        let samples = if explanation.verdict == Verdict::Applied {
            &mut self.applied_samples
        } else {
            &mut self.other_samples
        };
        if samples.len() == SAMPLES {
            return;
        }
        samples.push(Sample {
            order_id: order.order_id.clone(),
            customer: order.customer.id.clone(),
            placed_at: order.placed_at,
            explanation,
            inserts,
            coupon,
            message,
        });
    }
}
