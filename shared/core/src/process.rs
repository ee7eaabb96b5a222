//! Processing one order end to end: read once, decide, commit once, write the objects.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::campaign_set::CampaignSet;
use crate::decide::{Decision, DecisionInput, decide};
use crate::instruction::PickPackInstruction;
use crate::order::Order;
use crate::ports::*;
use crate::profile::CustomerProfile;
use crate::slip::{self, RenderedSlip, SlipDocuments, SlipFailure, SlipRenderer};
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
    #[error(transparent)]
    Slip(#[from] SlipFailure),
    #[error(
        "order {order} held back: order {earlier} of the same customer, earlier in the batch, \
         failed before its commit was known to land, and must be decided first"
    )]
    HeldBack { order: String, earlier: String },
}

impl ProcessError {
    /// Whether a later delivery may succeed; the others go to the dead-letter queue at once.
    pub fn is_retryable(&self) -> bool {
        match self {
            ProcessError::Invalid(_) | ProcessError::UnknownMerchant(_) => false,
            // The same instruction renders the same way on every attempt.
            ProcessError::Slip(_) => false,
            ProcessError::Store(e) => e.is_retryable(),
            ProcessError::Contention(_) | ProcessError::HeldBack { .. } => true,
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
    slips: Option<Arc<dyn SlipRenderer>>,
}

/// An order decided in a round, waiting for its commit.
struct Decided {
    index: usize,
    set: Arc<CampaignSet>,
    key: String,
    bytes: Vec<u8>,
    instruction: PickPackInstruction,
    slip: Option<RenderedSlip>,
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
            slips: None,
        }
    }

    /// Writes a packing slip beside every instruction, named in the instruction, and
    /// refuses an order whose slip cannot be printed before anything is committed.
    pub fn with_slips(mut self, slips: Arc<dyn SlipRenderer>) -> Self {
        self.slips = Some(slips);
        self
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

    /// What would be chosen for the order and why. Writes nothing.
    pub async fn explain(
        &self,
        order: &Order,
    ) -> Result<(Decision, Option<ProcessedOrder>), ProcessError> {
        order.validate()?;
        let set = self.campaign_set(&order.merchant).await?;
        let ctx = self.store.load(&set.keys(order)).await?;
        let decision = decide_for(order, &set, &ctx, true);
        Ok((decision, ctx.processed))
    }

    /// Decides and commits the order, then writes its instruction. Safe to repeat: a
    /// second delivery writes the same bytes and changes nothing else. One read and one
    /// write round trip, as a batch of one.
    pub async fn process(&self, order: &Order) -> Result<Processed, ProcessError> {
        self.process_batch(std::slice::from_ref(order))
            .await
            .pop()
            .expect("one result per order")
    }

    /// Processes many orders with one read and one write round trip per wave, and the
    /// same results as processing them one at a time in the order given: a wave is the
    /// longest run of orders with no customer (or order id) twice, and a commit that
    /// loses a race sends its order and those after it round again. Results come back
    /// in input order.
    ///
    /// An order that fails for a reason that may pass (the store unavailable) before its
    /// commit is known to have landed holds back the customer's later orders in the
    /// batch, with a retryable error: decided now, they would count on a history without
    /// it, and the redelivered order would then be decided after them.
    pub async fn process_batch(&self, orders: &[Order]) -> Vec<Result<Processed, ProcessError>> {
        let mut results: Vec<Option<Result<Processed, ProcessError>>> =
            orders.iter().map(|_| None).collect();
        let mut landed = vec![false; orders.len()];
        let mut wave = Vec::new();
        let mut customers = std::collections::HashSet::new();
        let mut order_ids = std::collections::HashSet::new();
        // Customers whose earlier order failed unsettled, with that order's id.
        let mut held: HashMap<(&str, &str), &str> = HashMap::new();
        for (i, order) in orders.iter().enumerate() {
            if let Err(e) = order.validate() {
                results[i] = Some(Err(e.into()));
                continue;
            }
            let customer = (order.merchant.as_str(), order.customer.id.as_str());
            let id = (order.merchant.as_str(), order.order_id.as_str());
            if customers.contains(&customer) || order_ids.contains(&id) {
                self.process_wave(orders, &wave, &mut results, &mut landed)
                    .await;
                hold_back_after_failures(orders, &wave, &results, &landed, &mut held);
                wave.clear();
                customers.clear();
                order_ids.clear();
            }
            if let Some(earlier) = held.get(&customer) {
                results[i] = Some(Err(ProcessError::HeldBack {
                    order: order.order_id.clone(),
                    earlier: earlier.to_string(),
                }));
                continue;
            }
            customers.insert(customer);
            order_ids.insert(id);
            wave.push(i);
        }
        self.process_wave(orders, &wave, &mut results, &mut landed)
            .await;
        results
            .into_iter()
            .map(|r| r.expect("every order has a result"))
            .collect()
    }

    async fn process_wave(
        &self,
        orders: &[Order],
        wave: &[usize],
        results: &mut [Option<Result<Processed, ProcessError>>],
        landed: &mut [bool],
    ) {
        let mut todo = Vec::new();
        for &i in wave {
            match self.campaign_set(&orders[i].merchant).await {
                Ok(set) => todo.push((i, set)),
                Err(e) => results[i] = Some(Err(e)),
            }
        }
        for round in 0..MAX_ATTEMPTS {
            if todo.is_empty() {
                return;
            }
            if round > 0 {
                self.store.pause_after_conflict(round as u32).await;
            }
            todo = self.decide_and_commit(orders, todo, results, landed).await;
        }
        for (i, _) in todo {
            results[i] = Some(Err(ProcessError::Contention(orders[i].order_id.clone())));
        }
    }

    /// One round of a wave: a batch read, the decisions, a batch commit. Returns the
    /// orders to decide again: the one whose commit conflicted and every one after it.
    /// Marks in `landed` the orders whose commit is stored (now or before).
    async fn decide_and_commit(
        &self,
        orders: &[Order],
        todo: Vec<(usize, Arc<CampaignSet>)>,
        results: &mut [Option<Result<Processed, ProcessError>>],
        landed: &mut [bool],
    ) -> Vec<(usize, Arc<CampaignSet>)> {
        let keys: Vec<OrderKeys<'_>> = todo.iter().map(|(i, set)| set.keys(&orders[*i])).collect();
        let contexts = match self.store.load_many(&keys).await {
            Ok(contexts) => contexts,
            Err(e) => {
                for (i, _) in &todo {
                    results[*i] = Some(Err(e.clone().into()));
                }
                return Vec::new();
            }
        };
        let mut commits = Vec::new();
        let mut decided = Vec::new();
        // Every context was read before any of this round's commits: carry the effects of
        // the orders decided earlier in the round forward, so each order sees the budgets
        // and stock it would have seen one at a time (customers differ within a wave).
        // Keyed by merchant (and centre for stock), then looked up by borrowed name.
        let mut issued_before: HashMap<&str, HashMap<String, u64>> = HashMap::new();
        let mut taken_before: HashMap<(&str, &str), HashMap<String, i64>> = HashMap::new();
        for ((i, set), mut ctx) in todo.into_iter().zip(contexts) {
            let order = &orders[i];
            if let Some(done) = ctx.processed {
                landed[i] = true;
                results[i] = Some(self.replay(done, &set).await);
                continue;
            }
            let merchant = order.merchant.as_str();
            let centre = order.fulfillment_centre.as_str();
            let issued_here = issued_before.entry(merchant).or_default();
            for (campaign, issued) in ctx.issued.iter_mut() {
                *issued += issued_here.get(campaign).copied().unwrap_or(0);
            }
            let taken_here = taken_before.entry((merchant, centre)).or_default();
            for (sku, units) in ctx.stock.iter_mut() {
                *units -= taken_here.get(sku).copied().unwrap_or(0);
            }
            let mut decision = decide_for(order, &set, &ctx, false);
            let key = instruction_key(
                &order.merchant,
                &order.fulfillment_centre,
                order.placed_at,
                &order.order_id,
            );
            self.name_slip(&key, &set, &mut decision.instruction);
            let bytes = decision.instruction.to_bytes();
            for campaign in &decision.effects.applied {
                *issued_here.entry(campaign.clone()).or_default() += 1;
            }
            for sku in &decision.effects.stock_taken {
                *taken_here.entry(sku.clone()).or_default() += 1;
            }
            commits.push(commit_for(order, &ctx, &set, &decision, &key, &bytes));
            decided.push(Decided {
                index: i,
                set,
                key,
                bytes,
                instruction: decision.instruction,
                slip: None,
            });
        }
        self.render_slips(&mut decided, &mut commits, results);
        let outcomes = match self.store.commit_many(&commits).await {
            Ok(outcomes) => outcomes,
            Err(e) => {
                for d in &decided {
                    results[d.index] = Some(Err(e.clone().into()));
                }
                return Vec::new();
            }
        };
        let mut again = Vec::new();
        let mut written = Vec::new();
        let mut outcomes = outcomes.into_iter();
        for d in decided {
            let i = d.index;
            match outcomes.next() {
                Some(CommitOutcome::Committed) => {
                    landed[i] = true;
                    written.push(d)
                }
                Some(CommitOutcome::AlreadyProcessed(done)) => {
                    landed[i] = true;
                    results[i] = Some(self.replay(done, &d.set).await)
                }
                // Lost a race for a budget unit or stock (or not attempted after such a
                // loss): decide again with fresh counters, in the same order.
                Some(CommitOutcome::Conflict(reason)) => {
                    tracing::debug!(order = %orders[i].order_id, %reason, "commit conflict; deciding again");
                    again.push((i, d.set))
                }
                None => again.push((i, d.set)),
            }
        }
        // The round's objects are written together: a sink may write them in parallel.
        let writes = written.iter().map(|d| {
            self.write_objects(
                &d.key,
                &d.bytes,
                d.instruction.slip.as_ref(),
                d.slip.as_ref(),
            )
        });
        let put_results = futures_util::future::join_all(writes).await;
        for (d, put) in written.into_iter().zip(put_results) {
            results[d.index] = Some(put.map_err(Into::into).map(|()| Processed {
                key: d.key,
                bytes: d.bytes,
                instruction: d.instruction,
                replayed: false,
            }));
        }
        again
    }

    /// Names the slip in the instruction, where slips are written.
    fn name_slip(&self, key: &str, set: &CampaignSet, instruction: &mut PickPackInstruction) {
        if self.slips.is_some() {
            let settings = &set.settings;
            instruction.slip = Some(SlipDocuments::for_instruction(
                key,
                &instruction.locale,
                settings,
            ));
        }
    }

    /// Renders the round's slips before anything is committed; an order whose slip cannot
    /// be printed gets that error and leaves the round with its commit. The orders decided
    /// after it in the round counted its budget unit and stock as taken: they were decided
    /// on counters one lower than needed, which can only hold them back, never overshoot.
    fn render_slips(
        &self,
        decided: &mut Vec<Decided>,
        commits: &mut Vec<Commit>,
        results: &mut [Option<Result<Processed, ProcessError>>],
    ) {
        let Some(slips) = &self.slips else {
            return;
        };
        let rendered = render_all(slips.as_ref(), decided);
        let mut kept = Vec::with_capacity(decided.len());
        let mut kept_commits = Vec::with_capacity(commits.len());
        for ((mut d, commit), slip) in decided.drain(..).zip(commits.drain(..)).zip(rendered) {
            match slip {
                Ok(slip) => {
                    d.slip = Some(slip);
                    kept.push(d);
                    kept_commits.push(commit);
                }
                Err(e) => results[d.index] = Some(Err(e.into())),
            }
        }
        *decided = kept;
        *commits = kept_commits;
    }

    /// The slip first, then the instruction: a centre that sees an instruction finds
    /// the slip it names.
    async fn write_objects(
        &self,
        key: &str,
        bytes: &[u8],
        names: Option<&SlipDocuments>,
        slip: Option<&RenderedSlip>,
    ) -> StoreResult<()> {
        if let (Some(names), Some(slip)) = (names, slip) {
            futures_util::future::try_join(
                self.sink.put(&names.pdf, slip::PDF, &slip.pdf),
                self.sink.put(&names.html, slip::HTML, &slip.html),
            )
            .await?;
        }
        self.sink.put(key, JSON, bytes).await
    }

    /// Writes the stored instruction again, and its slip rendered from it: the same
    /// bytes as the first time (the HTML with the merchant's current template).
    async fn replay(
        &self,
        done: ProcessedOrder,
        set: &CampaignSet,
    ) -> Result<Processed, ProcessError> {
        let bytes = done.instruction.into_bytes();
        let instruction: PickPackInstruction =
            serde_json::from_slice(&bytes).map_err(|e| StoreError::Corrupt {
                key: done.instruction_key.clone(),
                reason: e.to_string(),
            })?;
        let slip = match (&self.slips, &instruction.slip) {
            (Some(slips), Some(_)) => Some(render_slip(slips.as_ref(), set, &instruction)?),
            _ => None,
        };
        self.write_objects(
            &done.instruction_key,
            &bytes,
            instruction.slip.as_ref(),
            slip.as_ref(),
        )
        .await?;
        Ok(Processed {
            key: done.instruction_key,
            bytes,
            instruction,
            replayed: true,
        })
    }
}

/// Notes the customers of the wave's orders that failed, for a reason that may pass,
/// without their commit known to be stored: their later orders in the batch wait.
fn hold_back_after_failures<'a>(
    orders: &'a [Order],
    wave: &[usize],
    results: &[Option<Result<Processed, ProcessError>>],
    landed: &[bool],
    held: &mut HashMap<(&'a str, &'a str), &'a str>,
) {
    for &i in wave {
        if let Some(Err(e)) = &results[i]
            && e.is_retryable()
            && !landed[i]
        {
            let order = &orders[i];
            held.entry((order.merchant.as_str(), order.customer.id.as_str()))
                .or_insert(order.order_id.as_str());
        }
    }
}

/// The slip the instruction names, its HTML in the merchant's template.
fn render_slip(
    slips: &dyn SlipRenderer,
    set: &CampaignSet,
    instruction: &PickPackInstruction,
) -> Result<RenderedSlip, SlipFailure> {
    let settings = &set.settings;
    slips.render(
        &settings.merchant,
        instruction,
        settings.slip.html_template.as_deref(),
    )
}

/// Every decided order's slip, on every core: a slip takes milliseconds to render, the
/// decision microseconds, so a round's slips would otherwise bound the processor.
fn render_all(
    slips: &dyn SlipRenderer,
    decided: &[Decided],
) -> Vec<Result<RenderedSlip, SlipFailure>> {
    let render = |d: &Decided| render_slip(slips, &d.set, &d.instruction);
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(decided.len());
    if threads <= 1 {
        return decided.iter().map(render).collect();
    }
    let render = &render;
    std::thread::scope(|scope| {
        let parts: Vec<_> = decided
            .chunks(decided.len().div_ceil(threads))
            .map(|part| scope.spawn(move || part.iter().map(render).collect::<Vec<_>>()))
            .collect();
        parts
            .into_iter()
            .flat_map(|part| part.join().expect("rendering a slip panicked"))
            .collect()
    })
}

/// The decision for an order from what was read.
fn decide_for(order: &Order, set: &CampaignSet, ctx: &OrderContext, explain: bool) -> Decision {
    let new_customer;
    let profile = match &ctx.profile {
        Some(p) => p,
        None => {
            new_customer = CustomerProfile::new(&order.merchant, &order.customer.id);
            &new_customer
        }
    };
    decide_as_of(order, profile, set, ctx, explain)
}

/// The decision for an order with the customer's `profile` as it stood before it, and
/// the rest of what the order's read gave: as the order was placed.
pub(crate) fn decide_as_of(
    order: &Order,
    profile: &CustomerProfile,
    set: &CampaignSet,
    ctx: &OrderContext,
    explain: bool,
) -> Decision {
    decide(&DecisionInput {
        order,
        profile,
        set,
        stock: &ctx.stock,
        issued: &ctx.issued,
        similar: &ctx.similar,
        explain,
        now: order.placed_at,
    })
}

/// The order's commit with its decision's effects: touches on the profile, counters,
/// stock taken and the coupon; and the basket's neighbours remembered in the profile,
/// for suggestions from this customer's history on their next orders.
fn commit_for(
    order: &Order,
    ctx: &OrderContext,
    set: &CampaignSet,
    decision: &Decision,
    key: &str,
    bytes: &[u8],
) -> Commit {
    let effects = &decision.effects;
    let instruction = String::from_utf8(bytes.to_vec()).expect("JSON is UTF-8");
    let mut commit = Commit::for_order(order, ctx.profile.as_ref(), key.to_string(), instruction);
    let profile = &mut commit.profile;
    crate::similar::remember(
        &mut profile.affinity,
        &order.lines,
        &ctx.similar,
        &profile.skus,
    );
    for touch in &effects.touches {
        commit.profile.record_touch(touch.clone());
    }
    for campaign in &effects.applied {
        let limit = set.get(campaign).and_then(|c| c.campaign.budget);
        commit.counters.push(CounterBump {
            limit,
            ..CounterBump::one(campaign, ISSUED)
        });
    }
    for campaign in &effects.held_out {
        commit.counters.push(CounterBump::one(campaign, HELD_OUT));
    }
    for (campaign, limit) in &effects.suppressed {
        let counter = format!("{SUPPRESSED_PREFIX}{limit}");
        commit.counters.push(CounterBump::one(campaign, &counter));
    }
    if let Some(coupon) = &effects.coupon {
        commit
            .counters
            .push(CounterBump::one(&coupon.campaign, COUPONS_ISSUED));
    }
    commit.redeemed = crate::redemption::redemptions(order, &ctx.coupons);
    for redeemed in &commit.redeemed {
        commit
            .counters
            .push(CounterBump::one(&redeemed.campaign, REDEEMED));
        commit.counters.push(CounterBump {
            by: crate::redemption::minor_units(redeemed.revenue, redeemed.currency),
            ..CounterBump::one(
                &redeemed.campaign,
                &crate::redemption::revenue_counter(redeemed.currency),
            )
        });
    }
    let summary = &mut commit.summary;
    summary.applied.clone_from(&effects.applied);
    summary.held_out.clone_from(&effects.held_out);
    summary.inserts.clone_from(&effects.stock_taken);
    summary.coupon = effects.coupon.as_ref().map(|c| c.code.clone());
    commit.stock_taken = effects.stock_taken.clone();
    commit.processed.coupon_code = effects.coupon.as_ref().map(|c| c.code.clone());
    commit.coupon = effects.coupon.clone();
    commit
}
