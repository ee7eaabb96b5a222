//! One order's commit: every effect in one transaction, each guarded by its condition.

use packwise_core::ports::{Commit, CommitOutcome, CounterBump, StoreError, StoreResult};
use packwise_core::redemption::CouponRedeemed;
use rusqlite::{Transaction, params};

use crate::codec::{encode, to_sql_int};
use crate::records;
use crate::sql_error::sql;
use crate::store::SqliteStore;

/// Why the commit stopped before writing everything.
enum Stop {
    /// A condition failed: roll back and tell the processor.
    Refused(CommitOutcome),
    Failed(StoreError),
}

impl From<StoreError> for Stop {
    fn from(e: StoreError) -> Self {
        Stop::Failed(e)
    }
}

fn conflict(reason: String) -> Stop {
    Stop::Refused(CommitOutcome::Conflict(reason))
}

impl SqliteStore {
    /// One write transaction for all the commits, each in its own savepoint so that a
    /// refused one is undone alone; stops after the first conflict, as the port asks.
    pub(crate) fn commit_orders(&self, commits: &[Commit]) -> StoreResult<Vec<CommitOutcome>> {
        self.write(|tx| {
            let mut outcomes = Vec::with_capacity(commits.len());
            for commit in commits {
                savepoint(tx, "SAVEPOINT order_commit")?;
                let outcome = match apply(tx, commit) {
                    Ok(()) => CommitOutcome::Committed,
                    Err(Stop::Refused(outcome)) => {
                        savepoint(tx, "ROLLBACK TO order_commit")?;
                        outcome
                    }
                    Err(Stop::Failed(e)) => return Err(e),
                };
                savepoint(tx, "RELEASE order_commit")?;
                let conflict = matches!(outcome, CommitOutcome::Conflict(_));
                outcomes.push(outcome);
                if conflict {
                    break;
                }
            }
            Ok(outcomes)
        })
    }
}

/// Savepoint statements, prepared once per connection: `execute_batch` would parse them
/// again for every order of a batch.
fn savepoint(tx: &Transaction<'_>, statement: &str) -> StoreResult<()> {
    tx.prepare_cached(statement)
        .and_then(|mut stmt| stmt.execute([]))
        .map(drop)
        .map_err(sql)
}

/// The processed record is checked first: a redelivery racing the first delivery also
/// holds a stale profile version, and must hear `AlreadyProcessed`, not `Conflict`.
fn apply(tx: &Transaction<'_>, commit: &Commit) -> Result<(), Stop> {
    let merchant = commit.merchant.as_str();
    let order_id = commit.processed.order_id.as_str();
    let customer = commit.profile.customer_id.as_str();
    // Claiming the order id first is the check: a redelivery inserts nothing here.
    let doc = encode(&commit.processed, || {
        format!("processed order {merchant}/{order_id}")
    })?;
    let claimed = insert_if_absent(
        tx,
        "INSERT INTO processed_orders (merchant, order_id, doc) VALUES (?1, ?2, ?3)
         ON CONFLICT (merchant, order_id) DO NOTHING",
        [merchant, order_id, &doc],
    )?;
    if !claimed {
        let done =
            records::processed(tx, merchant, order_id)?.ok_or_else(|| StoreError::Corrupt {
                key: format!("processed order {merchant}/{order_id}"),
                reason: "claimed but unreadable".into(),
            })?;
        return Err(Stop::Refused(CommitOutcome::AlreadyProcessed(done)));
    }
    let stored_version = records::profile_version(tx, merchant, customer)?;
    if stored_version != commit.expected_profile_version {
        return Err(conflict(format!(
            "profile of customer {customer} is at version {stored_version:?}, expected {:?}",
            commit.expected_profile_version
        )));
    }
    for bump in &commit.counters {
        bump_counter(tx, merchant, bump)?;
    }
    for sku in &commit.stock_taken {
        take_stock(tx, merchant, sku, &commit.centre)?;
    }
    if let Some(coupon) = &commit.coupon {
        let code = &coupon.code;
        let doc = encode(coupon, || format!("coupon {merchant}/{code}"))?;
        let stored = insert_if_absent(
            tx,
            "INSERT INTO coupons (merchant, code, doc) VALUES (?1, ?2, ?3)
             ON CONFLICT (merchant, code) DO NOTHING",
            [merchant, code, &doc],
        )?;
        if !stored {
            return Err(conflict(format!("coupon code {code} was already issued")));
        }
    }
    for redeemed in &commit.redeemed {
        redeem(tx, merchant, redeemed)?;
    }
    records::put_summary(tx, merchant, customer, &commit.summary)?;
    records::put_profile(tx, merchant, &commit.profile)?;
    Ok(())
}

/// Runs an `INSERT ... ON CONFLICT DO NOTHING` of a keyed document; false when the key
/// was already taken.
fn insert_if_absent(tx: &Transaction<'_>, statement: &str, values: [&str; 3]) -> StoreResult<bool> {
    tx.prepare_cached(statement)
        .and_then(|mut stmt| stmt.execute(values))
        .map(|inserted| inserted > 0)
        .map_err(sql)
}

/// Marks the coupon redeemed by the order, if no order marked it first.
fn redeem(tx: &Transaction<'_>, merchant: &str, redeemed: &CouponRedeemed) -> Result<(), Stop> {
    let code = &redeemed.code;
    let Some(mut coupon) = records::coupon(tx, merchant, code)? else {
        return Err(conflict(format!("coupon code {code} is not issued")));
    };
    if let Some(first) = &coupon.redeemed {
        return Err(conflict(format!(
            "coupon code {code} was redeemed by order {} first",
            first.order_id
        )));
    }
    coupon.redeemed = Some(redeemed.redemption.clone());
    records::put_coupon(tx, &coupon)?;
    Ok(())
}

/// Adds `by`, and with a limit only while the counter stays within it; a counter never
/// bumped starts at zero, so a limit of zero refuses even the first.
fn bump_counter(tx: &Transaction<'_>, merchant: &str, bump: &CounterBump) -> Result<(), Stop> {
    let limit = bump.limit.map(to_sql_int);
    let bumped = tx
        .prepare_cached(
            "INSERT INTO counters (merchant, campaign, counter, value)
             SELECT ?1, ?2, ?3, ?5 WHERE ?4 IS NULL OR ?4 >= ?5
             ON CONFLICT (merchant, campaign, counter)
             DO UPDATE SET value = value + ?5 WHERE ?4 IS NULL OR value + ?5 <= ?4",
        )
        .and_then(|mut stmt| {
            stmt.execute(params![
                merchant,
                bump.campaign,
                bump.counter,
                limit,
                to_sql_int(bump.by)
            ])
        })
        .map_err(sql)?;
    if bumped == 0 {
        return Err(conflict(format!(
            "budget of campaign {} used up",
            bump.campaign
        )));
    }
    Ok(())
}

/// Takes one unit, never going below zero, and gives the insert a new version: its stock
/// is part of what the merchant API shows under the version's entity tag.
fn take_stock(tx: &Transaction<'_>, merchant: &str, sku: &str, centre: &str) -> Result<(), Stop> {
    let taken = tx
        .prepare_cached(
            "UPDATE insert_stock SET units = units - 1
             WHERE merchant = ?1 AND sku = ?2 AND centre = ?3 AND units >= 1",
        )
        .and_then(|mut stmt| stmt.execute(params![merchant, sku, centre]))
        .map_err(sql)?;
    if taken == 0 {
        return Err(conflict(format!(
            "insert {sku} is out of stock at centre {centre}"
        )));
    }
    tx.prepare_cached("UPDATE inserts SET version = version + 1 WHERE merchant = ?1 AND sku = ?2")
        .and_then(|mut stmt| stmt.execute(params![merchant, sku]))
        .map_err(sql)?;
    Ok(())
}
