//! Waiting before trying again when DynamoDB says "not now": items a batch left
//! unprocessed under throttling, a transaction that lost to a concurrent one.
//!
//! Each wait is drawn at random up to a ceiling that doubles ("full jitter"), here and
//! between the processor's rounds after a lost commit. Without the randomness,
//! processors that collided once on a hot item (a profile, an insert's stock, a budget
//! shard) retry in step and collide again: 32 processors on DynamoDB Local left one
//! order in eighty failed after all their rounds.

use std::time::Duration;

/// The ceiling of the first wait, doubling each time.
const FIRST_WAIT: Duration = Duration::from_millis(25);
/// Retries before the operation is reported `Unavailable` (at most about 6 s of waiting
/// in all, about half that on average).
pub(crate) const RETRIES: u32 = 8;

/// The wait before the `round`-th retry (from 1): at random up to a ceiling that starts
/// at `FIRST_WAIT` and doubles each round.
pub(crate) async fn pause(round: u32) {
    let ceiling = FIRST_WAIT * 2u32.saturating_pow(round.saturating_sub(1).min(RETRIES));
    tokio::time::sleep(ceiling.mul_f64(fastrand::f64())).await;
}

pub(crate) struct Backoff {
    retries: u32,
}

impl Backoff {
    pub(crate) fn new() -> Self {
        Backoff { retries: 0 }
    }

    /// Waits before another try; `false`, without waiting, once the retries are used up.
    pub(crate) async fn wait(&mut self) -> bool {
        if self.retries == RETRIES {
            return false;
        }
        self.retries += 1;
        pause(self.retries).await;
        true
    }

    /// Retries waited for so far.
    pub(crate) fn retries(&self) -> u32 {
        self.retries
    }
}
