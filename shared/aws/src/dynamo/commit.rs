//! One order's commit: one TransactWriteItems, every effect guarded by its condition.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    CancellationReason, Put, ReturnValuesOnConditionCheckFailure, TransactWriteItem, Update,
};
use packwise_core::ports::{Commit, CommitOutcome, ProcessedOrder, StoreError, StoreResult};
use sha2::{Digest, Sha256};

use super::backoff::Backoff;
use super::errors::{unavailable, unbuilt};
use super::history::history_item;
use super::items::{Item, document_item, n};
use super::keys::{EXPIRES_AT, Key};
use super::load::counter_attribute;
use super::processed::{processed_item, processed_record};
use super::shards::{shard_cap, shards_to_try};
use super::store::DynamoStore;
use super::versioned::VERSION;

/// How long the processed record outlives its commit: past the order queue's and its
/// dead-letter queue's retention (14 days each), so every redelivery still finds it.
const PROCESSED_KEPT: Duration = Duration::from_secs(35 * 24 * 3600);
/// How long a coupon is kept after its last valid day, for late redemption lookups.
const COUPON_KEPT_AFTER_EXPIRY_DAYS: i64 = 90;

/// What each item of the transaction is, to read its cancellation reason.
#[derive(Clone, Debug, PartialEq)]
enum Part {
    Processed,
    Profile,
    History,
    Coupon,
    /// An issued coupon the order redeems, by code.
    Redeemed(String),
    Stock(String),
    /// The campaign's bumps, by index into the commit's groups.
    Counters(usize),
}

/// A campaign's bumps in one commit. They go to one counter shard together (one item
/// per campaign in the transaction), the first of `shards` that has room.
#[derive(Debug)]
struct CampaignBumps<'a> {
    campaign: &'a str,
    /// Units to add per counter, and the budget of each limited counter.
    counters: BTreeMap<&'a str, (u64, Option<u64>)>,
    shards: Vec<u32>,
    tried: usize,
}

impl CampaignBumps<'_> {
    fn shard(&self) -> Option<u32> {
        self.shards.get(self.tried).copied()
    }
}

fn campaign_bumps(commit: &Commit) -> Vec<CampaignBumps<'_>> {
    let mut groups: Vec<CampaignBumps<'_>> = Vec::new();
    for bump in &commit.counters {
        let group = match groups.iter().position(|g| g.campaign == bump.campaign) {
            Some(i) => &mut groups[i],
            None => {
                groups.push(CampaignBumps {
                    campaign: &bump.campaign,
                    counters: BTreeMap::new(),
                    shards: Vec::new(),
                    tried: 0,
                });
                groups.last_mut().expect("just pushed")
            }
        };
        let entry = group.counters.entry(&bump.counter).or_insert((0, None));
        entry.0 += bump.by;
        entry.1 = match (entry.1, bump.limit) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
    for group in &mut groups {
        let order = &commit.processed.order_id;
        let mut shards = shards_to_try(order, None, 0);
        for (units, limit) in group.counters.values() {
            if limit.is_some() {
                let fit = shards_to_try(order, *limit, *units);
                shards.retain(|s| fit.contains(s));
            }
        }
        group.shards = shards;
    }
    groups
}

impl DynamoStore {
    /// Commits the order in one transaction, moving a budget bump to another counter
    /// shard when its own is full (a new transaction each time, at most one per shard).
    pub(crate) async fn commit_order(&self, commit: &Commit) -> StoreResult<CommitOutcome> {
        let mut groups = campaign_bumps(commit);
        if let Some(full) = groups.iter().find(|g| g.shard().is_none()) {
            return Ok(budget_used_up(full.campaign));
        }
        // A transaction that lost to a concurrent one on the same item
        // (`TransactionConflict`) is resent after a wait, a few times.
        let mut backoff = Backoff::new();
        loop {
            let (items, parts) = self.transaction(commit, &groups)?;
            let token = request_token(&self.table, commit, &groups, backoff.retries());
            let sent = self
                .client
                .transact_write_items()
                .set_transact_items(Some(items))
                .client_request_token(token)
                .send()
                .await;
            let reasons = match sent {
                Ok(_) => return Ok(CommitOutcome::Committed),
                Err(e) => match e.as_service_error() {
                    Some(TransactWriteItemsError::TransactionCanceledException(cancel)) => {
                        cancel.cancellation_reasons().to_vec()
                    }
                    // The token was used for other content: only a commit of this very
                    // order can have done that, so it is done or being done.
                    Some(TransactWriteItemsError::IdempotentParameterMismatchException(_)) => {
                        return match self.stored_processed(commit).await? {
                            Some(done) => Ok(CommitOutcome::AlreadyProcessed(done)),
                            None => Err(unavailable("TransactWriteItems", e)),
                        };
                    }
                    _ => return Err(unavailable("TransactWriteItems", e)),
                },
            };
            match self.verdict(commit, &parts, &reasons, &mut groups).await? {
                Verdict::Done(outcome) => return Ok(outcome),
                Verdict::NextShard => {}
                Verdict::Contended => {
                    if !backoff.wait().await {
                        return Err(StoreError::Unavailable(format!(
                            "order {} kept meeting concurrent transactions",
                            commit.processed.order_id
                        )));
                    }
                }
            }
        }
    }

    /// The transaction's items and what each one is, in the same order.
    fn transaction(
        &self,
        commit: &Commit,
        groups: &[CampaignBumps<'_>],
    ) -> StoreResult<(Vec<TransactWriteItem>, Vec<Part>)> {
        let m = commit.merchant.as_str();
        let order = commit.processed.order_id.as_str();
        let customer = commit.profile.customer_id.as_str();
        let mut items = Vec::new();
        let mut parts = Vec::new();

        // Claiming the order id is the idempotency check; on failure the stored record
        // comes back with the cancellation, so a redelivery needs no second read.
        let mut processed = processed_item(&Key::processed(m, order), &commit.processed)?;
        processed.insert(
            EXPIRES_AT.into(),
            n(epoch_seconds(SystemTime::now() + PROCESSED_KEPT)),
        );
        items.push(put(self
            .put(processed)
            .condition_expression("attribute_not_exists(pk)")
            .return_values_on_condition_check_failure(
                ReturnValuesOnConditionCheckFailure::AllOld,
            ))?);
        parts.push(Part::Processed);

        let profile = document_item(&Key::profile(m, customer), &commit.profile)?;
        items.push(put(match commit.expected_profile_version {
            Some(v) => self
                .put(profile)
                .condition_expression("version = :expected")
                .expression_attribute_values(":expected", n(v)),
            None => self
                .put(profile)
                .condition_expression("attribute_not_exists(pk)"),
        })?);
        parts.push(Part::Profile);

        // Replaces an entry imported before: an order imported and then processed live
        // keeps one.
        items.push(put(self.put(history_item(m, customer, &commit.summary)?))?);
        parts.push(Part::History);

        if let Some(coupon) = &commit.coupon {
            let mut item = document_item(&Key::coupon(m, &coupon.code), coupon)?;
            let kept_until =
                coupon.expires_on + chrono::Days::new(COUPON_KEPT_AFTER_EXPIRY_DAYS as u64);
            if let Some(t) = kept_until.and_hms_opt(0, 0, 0) {
                item.insert(EXPIRES_AT.into(), n(t.and_utc().timestamp()));
            }
            items.push(put(self
                .put(item)
                .condition_expression("attribute_not_exists(pk)"))?);
            parts.push(Part::Coupon);
        }

        for redeemed in &commit.redeemed {
            let redemption =
                serde_dynamo::to_attribute_value(&redeemed.redemption).map_err(|e| {
                    StoreError::Corrupt {
                        key: Key::coupon(m, &redeemed.code).to_string(),
                        reason: format!("redemption cannot be encoded: {e}"),
                    }
                })?;
            let update = self
                .update(Key::coupon(m, &redeemed.code))
                .update_expression("SET redeemed = :redemption")
                .condition_expression("attribute_exists(pk) AND attribute_not_exists(redeemed)")
                .expression_attribute_values(":redemption", redemption);
            items.push(
                TransactWriteItem::builder()
                    .update(update.build().map_err(unbuilt)?)
                    .build(),
            );
            parts.push(Part::Redeemed(redeemed.code.clone()));
        }

        // One update per insert, however many units the parcel takes of it: a
        // transaction may touch an item only once.
        let mut taken: BTreeMap<&str, u64> = BTreeMap::new();
        for sku in &commit.stock_taken {
            *taken.entry(sku).or_default() += 1;
        }
        for (sku, units) in taken {
            let update = self
                .update(Key::insert(m, sku))
                // A new version with the new stock: the merchant API's entity tag of the
                // insert changes whenever its stock does.
                .update_expression("SET #stock.#centre = #stock.#centre - :units ADD #version :one")
                .condition_expression("#stock.#centre >= :units")
                .expression_attribute_names("#stock", "stock")
                .expression_attribute_names("#centre", &commit.centre)
                .expression_attribute_names("#version", VERSION)
                .expression_attribute_values(":units", n(units))
                .expression_attribute_values(":one", n(1));
            items.push(
                TransactWriteItem::builder()
                    .update(update.build().map_err(unbuilt)?)
                    .build(),
            );
            parts.push(Part::Stock(sku.to_string()));
        }

        for (i, group) in groups.iter().enumerate() {
            let shard = group
                .shard()
                .expect("groups without a shard stop the commit");
            let mut update = self.update(Key::counter(m, group.campaign, shard));
            let mut adds = Vec::new();
            let mut guards = Vec::new();
            for (j, (counter, (units, limit))) in group.counters.iter().enumerate() {
                update = update
                    .expression_attribute_names(format!("#c{j}"), counter_attribute(counter))
                    .expression_attribute_values(format!(":n{j}"), n(units));
                adds.push(format!("#c{j} :n{j}"));
                // Below the shard's cap by at least the units added: never past it.
                if let Some(budget) = limit {
                    let most = shard_cap(*budget, shard) - units;
                    update = update.expression_attribute_values(format!(":most{j}"), n(most));
                    guards.push(format!(
                        "(attribute_not_exists(#c{j}) OR #c{j} <= :most{j})"
                    ));
                }
            }
            update = update.update_expression(format!("ADD {}", adds.join(", ")));
            if !guards.is_empty() {
                update = update.condition_expression(guards.join(" AND "));
            }
            items.push(
                TransactWriteItem::builder()
                    .update(update.build().map_err(unbuilt)?)
                    .build(),
            );
            parts.push(Part::Counters(i));
        }
        Ok((items, parts))
    }

    fn put(&self, item: Item) -> aws_sdk_dynamodb::types::builders::PutBuilder {
        Put::builder()
            .table_name(self.table.as_ref())
            .set_item(Some(item))
    }

    fn update(&self, key: Key) -> aws_sdk_dynamodb::types::builders::UpdateBuilder {
        Update::builder()
            .table_name(self.table.as_ref())
            .set_key(Some(key.to_item()))
    }

    /// What a cancelled transaction means. The processed record first: a redelivery
    /// racing the first delivery also holds a stale profile version and must hear
    /// `AlreadyProcessed`, not `Conflict`.
    async fn verdict(
        &self,
        commit: &Commit,
        parts: &[Part],
        reasons: &[CancellationReason],
        groups: &mut [CampaignBumps<'_>],
    ) -> StoreResult<Verdict> {
        let failed = |part: &Part| {
            parts
                .iter()
                .position(|p| p == part)
                .and_then(|i| reasons.get(i))
                .filter(|r| r.code() == Some("ConditionalCheckFailed"))
        };
        if let Some(reason) = failed(&Part::Processed) {
            let done = match reason.item() {
                Some(item) if !item.is_empty() => processed_record(item.clone())?,
                _ => self.stored_processed(commit).await?.ok_or_else(|| {
                    StoreError::Unavailable(format!(
                        "order {} was claimed but its record is not readable yet",
                        commit.processed.order_id
                    ))
                })?,
            };
            return Ok(Verdict::Done(CommitOutcome::AlreadyProcessed(done)));
        }
        let conflict = |reason: String| Ok(Verdict::Done(CommitOutcome::Conflict(reason)));
        let customer = &commit.profile.customer_id;
        if failed(&Part::Profile).is_some() {
            return conflict(match commit.expected_profile_version {
                Some(v) => format!("profile of customer {customer} is no longer at version {v}"),
                None => format!("profile of customer {customer} was created meanwhile"),
            });
        }
        if failed(&Part::Coupon).is_some() {
            let code = commit.coupon.as_ref().map_or("", |c| c.code.as_str());
            return conflict(format!("coupon code {code} was already issued"));
        }
        for part in parts {
            if let Part::Redeemed(code) = part
                && failed(part).is_some()
            {
                return conflict(format!(
                    "coupon code {code} was redeemed by another order first"
                ));
            }
            if let Part::Stock(sku) = part
                && failed(part).is_some()
            {
                return conflict(format!(
                    "insert {sku} is out of stock at centre {}",
                    commit.centre
                ));
            }
        }
        let mut moved = false;
        for (i, group) in groups.iter_mut().enumerate() {
            if failed(&Part::Counters(i)).is_some() {
                group.tried += 1;
                if group.shard().is_none() {
                    return Ok(Verdict::Done(budget_used_up(group.campaign)));
                }
                moved = true;
            }
        }
        if moved {
            return Ok(Verdict::NextShard);
        }
        let codes: Vec<&str> = reasons.iter().filter_map(|r| r.code()).collect();
        if codes.contains(&"TransactionConflict") {
            return Ok(Verdict::Contended);
        }
        Err(StoreError::Unavailable(format!(
            "DynamoDB cancelled the commit of order {}: {codes:?}",
            commit.processed.order_id
        )))
    }

    async fn stored_processed(&self, commit: &Commit) -> StoreResult<Option<ProcessedOrder>> {
        self.processed_order(&commit.merchant, &commit.processed.order_id)
            .await
    }
}

enum Verdict {
    Done(CommitOutcome),
    /// A budget shard was full: try the group's next shard.
    NextShard,
    /// Lost to a concurrent transaction on one of the items: send again.
    Contended,
}

fn budget_used_up(campaign: &str) -> CommitOutcome {
    CommitOutcome::Conflict(format!("budget of campaign {campaign} used up"))
}

fn put(builder: aws_sdk_dynamodb::types::builders::PutBuilder) -> StoreResult<TransactWriteItem> {
    Ok(TransactWriteItem::builder()
        .put(builder.build().map_err(unbuilt)?)
        .build())
}

/// The transaction's idempotency token: the SDK resends a request that timed out with
/// the same token, and DynamoDB then applies it at most once (for 10 minutes). Derived
/// from the table, the merchant, the order, what this attempt writes (a later attempt
/// with other content, another shard or a new decision, must not reuse a token:
/// DynamoDB would refuse it as a mismatch) and the resend count; hashed to the 36
/// characters allowed. The table is in it because tokens count across the account and
/// region: the same order committed to two stacks' tables (a staging stack replaying
/// production's orders) would otherwise be refused as a mismatch in the second.
fn request_token(
    table: &str,
    commit: &Commit,
    groups: &[CampaignBumps<'_>],
    resend: u32,
) -> String {
    let shards: Vec<Option<u32>> = groups.iter().map(CampaignBumps::shard).collect();
    let digest = Sha256::new()
        .chain_update(table.as_bytes())
        .chain_update([0])
        .chain_update(commit.merchant.as_bytes())
        .chain_update([0])
        .chain_update(commit.processed.order_id.as_bytes())
        .chain_update([0])
        .chain_update(format!("{commit:?}|{shards:?}|{resend}").as_bytes())
        .finalize();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    hex[..36].to_string()
}

fn epoch_seconds(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;
    use packwise_core::ports::{CounterBump, ISSUED};

    fn sample_commit(order_id: &str) -> Commit {
        let mut order: packwise_core::Order =
            serde_json::from_str(packwise_core::samples::ORDER_JSON).unwrap();
        order.order_id = order_id.to_string();
        let mut commit = Commit::for_order(&order, None, "key".into(), "{}".into());
        commit.counters = vec![
            CounterBump {
                campaign: "a".into(),
                counter: ISSUED.into(),
                by: 1,
                limit: Some(10),
            },
            CounterBump {
                campaign: "a".into(),
                counter: "held_out".into(),
                by: 1,
                limit: None,
            },
            CounterBump {
                campaign: "b".into(),
                counter: ISSUED.into(),
                by: 1,
                limit: Some(1),
            },
        ];
        commit
    }

    #[test]
    fn a_campaign_s_bumps_share_one_shard_with_room() {
        let commit = sample_commit("O-1");
        let groups = campaign_bumps(&commit);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].counters[ISSUED], (1, Some(10)));
        assert_eq!(groups[0].counters["held_out"], (1, None));
        assert_eq!(groups[0].shards.len(), 4);
        assert_eq!(groups[1].shards, [0], "a budget of one fits shard 0 only");
    }

    #[test]
    fn tokens_are_short_stable_and_differ_by_table_order_content_and_shard() {
        let commit = sample_commit("O-1");
        let mut groups = campaign_bumps(&commit);
        let token = request_token("t", &commit, &groups, 0);
        assert_eq!(token.len(), 36);
        assert_eq!(token, request_token("t", &commit, &groups, 0));
        assert_ne!(token, request_token("t", &sample_commit("O-2"), &groups, 0));
        assert_ne!(token, request_token("t", &commit, &groups, 1));
        assert_ne!(token, request_token("staging", &commit, &groups, 0));
        let mut other_merchant = commit.clone();
        other_merchant.merchant = "globex".into();
        assert_ne!(token, request_token("t", &other_merchant, &groups, 0));
        groups[0].tried += 1;
        assert_ne!(token, request_token("t", &commit, &groups, 0));
    }
}
