//! Processing one order end to end: read once, decide, commit once, write the objects.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::campaign_set::CampaignSet;
use crate::decide::{Decision, DecisionInput, decide};
use crate::instruction::PickPackInstruction;
use crate::order::Order;
use crate::ports::*;
use crate::profile::{CustomerProfile, OrderSummary};
use crate::validation::Invalid;

pub const JSON: &str = "application/json";

/// Attempts when a conditional commit loses a race (profile, budget or stock changed).
const MAX_ATTEMPTS: usize = 8;

#[derive(Debug, thiserror::Error)]
pub enum ProcessError {
    #[error("invalid order: {0}")]
    Invalid(#[from] Invalid),
    #[error("unknown merchant `{0}`: create its settings first")]
    UnknownMerchant(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("order {0} kept conflicting with concurrent orders after {MAX_ATTEMPTS} attempts")]
    Contention(String),
}

impl ProcessError {
    /// Whether a later delivery may succeed; the others go to the dead-letter queue at once.
    pub fn is_retryable(&self) -> bool {
        match self {
            ProcessError::Invalid(_) | ProcessError::UnknownMerchant(_) => false,
            ProcessError::Store(e) => e.is_retryable(),
            ProcessError::Contention(_) => true,
        }
    }
}

#[derive(Debug)]
pub struct Processed {
    pub key: String,
    pub bytes: Vec<u8>,
    pub instruction: PickPackInstruction,
    /// The order had been processed before: the stored instruction was written again.
    pub replayed: bool,
}

struct Cached {
    at: Instant,
    set: Arc<CampaignSet>,
}

pub struct Processor<S, K> {
    pub store: S,
    pub sink: K,
    ttl: Duration,
    cache: Mutex<HashMap<String, Cached>>,
}

impl<S, K> Processor<S, K>
where
    S: ConfigStore + OrderStore,
    K: ObjectSink,
{
    /// `ttl` bounds how long a campaign change takes to reach warm processors.
    pub fn new(store: S, sink: K, ttl: Duration) -> Self {
        Processor {
            store,
            sink,
            ttl,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The merchant's compiled campaigns, from the cache while fresh.
    pub async fn campaign_set(&self, merchant: &str) -> Result<Arc<CampaignSet>, ProcessError> {
        if let Some(c) = self.cache.lock().expect("cache lock").get(merchant)
            && c.at.elapsed() < self.ttl
        {
            return Ok(c.set.clone());
        }
        let settings = self
            .store
            .settings(merchant)
            .await?
            .ok_or_else(|| ProcessError::UnknownMerchant(merchant.to_string()))?;
        let campaigns = self.store.campaigns(merchant).await?;
        let inserts = self.store.inserts(merchant).await?;
        let set = Arc::new(CampaignSet::build(settings, campaigns, inserts));
        for (campaign, problem) in &set.broken {
            tracing::warn!(merchant, campaign = %campaign.id, %problem, "stored campaign does not compile; skipped");
        }
        self.cache.lock().expect("cache lock").insert(
            merchant.to_string(),
            Cached {
                at: Instant::now(),
                set: set.clone(),
            },
        );
        Ok(set)
    }

    pub fn forget_campaigns(&self, merchant: &str) {
        self.cache.lock().expect("cache lock").remove(merchant);
    }

    async fn load(&self, order: &Order, set: &CampaignSet) -> Result<OrderContext, ProcessError> {
        let budgeted = set.budgeted_campaigns();
        let inserts = set.insert_skus();
        let keys = OrderKeys {
            merchant: &order.merchant,
            customer: &order.customer.id,
            order_id: &order.order_id,
            centre: &order.fulfillment_centre,
            basket_skus: order.lines.iter().map(|l| l.sku.as_str()).collect(),
            budgeted_campaigns: &budgeted,
            insert_skus: &inserts,
        };
        Ok(self.store.load(&keys).await?)
    }

    /// What would be chosen for the order and why. Writes nothing.
    pub async fn explain(
        &self,
        order: &Order,
    ) -> Result<(Decision, Option<ProcessedOrder>), ProcessError> {
        order.validate()?;
        let set = self.campaign_set(&order.merchant).await?;
        let ctx = self.load(order, &set).await?;
        let profile = ctx
            .profile
            .unwrap_or_else(|| CustomerProfile::new(&order.merchant, &order.customer.id));
        let decision = decide(&DecisionInput {
            order,
            profile: &profile,
            set: &set,
            stock: &ctx.stock,
            issued: &ctx.issued,
            similar: &ctx.similar,
            now: order.placed_at,
        });
        Ok((decision, ctx.processed))
    }

    /// Decides and commits the order, then writes its instruction. Safe to repeat: a
    /// second delivery writes the same bytes and changes nothing else.
    pub async fn process(&self, order: &Order) -> Result<Processed, ProcessError> {
        order.validate()?;
        let set = self.campaign_set(&order.merchant).await?;
        for attempt in 1..=MAX_ATTEMPTS {
            let ctx = self.load(order, &set).await?;
            if let Some(done) = ctx.processed {
                return self.replay(done).await;
            }
            let expected_profile_version = ctx.profile.as_ref().map(|p| p.version);
            let profile = ctx
                .profile
                .unwrap_or_else(|| CustomerProfile::new(&order.merchant, &order.customer.id));
            let decision = decide(&DecisionInput {
                order,
                profile: &profile,
                set: &set,
                stock: &ctx.stock,
                issued: &ctx.issued,
                similar: &ctx.similar,
                now: order.placed_at,
            });
            let key = instruction_key(
                &order.merchant,
                &order.fulfillment_centre,
                order.placed_at,
                &order.order_id,
            );
            let bytes = decision.instruction.to_bytes();
            let commit = commit_for(
                order,
                profile,
                expected_profile_version,
                &set,
                &decision,
                &key,
                &bytes,
            );
            match self.store.commit(&commit).await? {
                CommitOutcome::Committed => {
                    self.sink.put(&key, JSON, &bytes).await?;
                    return Ok(Processed {
                        key,
                        bytes,
                        instruction: decision.instruction,
                        replayed: false,
                    });
                }
                CommitOutcome::AlreadyProcessed(done) => return self.replay(done).await,
                CommitOutcome::Conflict(reason) => {
                    tracing::debug!(order = %order.order_id, attempt, %reason, "commit conflict; deciding again");
                }
            }
        }
        Err(ProcessError::Contention(order.order_id.clone()))
    }

    async fn replay(&self, done: ProcessedOrder) -> Result<Processed, ProcessError> {
        let bytes = done.instruction.into_bytes();
        self.sink.put(&done.instruction_key, JSON, &bytes).await?;
        let instruction = serde_json::from_slice(&bytes).map_err(|e| StoreError::Corrupt {
            key: done.instruction_key.clone(),
            reason: e.to_string(),
        })?;
        Ok(Processed {
            key: done.instruction_key,
            bytes,
            instruction,
            replayed: true,
        })
    }
}

fn commit_for(
    order: &Order,
    mut profile: CustomerProfile,
    expected_profile_version: Option<u64>,
    set: &CampaignSet,
    decision: &Decision,
    key: &str,
    bytes: &[u8],
) -> Commit {
    let effects = &decision.effects;
    profile.record_order(order);
    for touch in &effects.touches {
        profile.record_touch(touch.clone());
    }
    profile.version = expected_profile_version.unwrap_or(0) + 1;
    let mut counters = Vec::new();
    for campaign in &effects.applied {
        let limit = set.get(campaign).and_then(|c| c.campaign.budget);
        counters.push(CounterBump {
            campaign: campaign.clone(),
            counter: ISSUED.to_string(),
            limit,
        });
    }
    for campaign in &effects.held_out {
        counters.push(CounterBump {
            campaign: campaign.clone(),
            counter: HELD_OUT.to_string(),
            limit: None,
        });
    }
    for (campaign, limit) in &effects.suppressed {
        counters.push(CounterBump {
            campaign: campaign.clone(),
            counter: format!("suppressed.{limit}"),
            limit: None,
        });
    }
    Commit {
        merchant: order.merchant.clone(),
        profile,
        expected_profile_version,
        summary: OrderSummary::of(order),
        processed: ProcessedOrder {
            order_id: order.order_id.clone(),
            customer_id: order.customer.id.clone(),
            instruction_key: key.to_string(),
            instruction: String::from_utf8(bytes.to_vec()).expect("JSON is UTF-8"),
            coupon_code: effects.coupon.as_ref().map(|c| c.code.clone()),
        },
        counters,
        centre: order.fulfillment_centre.clone(),
        stock_taken: effects.stock_taken.clone(),
        coupon: effects.coupon.clone(),
    }
}
