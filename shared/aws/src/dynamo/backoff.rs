//! Waiting before trying again when DynamoDB says "not now": items a batch left
//! unprocessed under throttling, a transaction that lost to a concurrent one.

use std::time::Duration;

/// Waits this long before the first retry, doubling each time.
const FIRST_WAIT: Duration = Duration::from_millis(25);
/// Retries before the operation is reported `Unavailable` (about 6 s of waiting in all).
pub(crate) const RETRIES: u32 = 8;

pub(crate) struct Backoff {
    retries: u32,
    next: Duration,
}

impl Backoff {
    pub(crate) fn new() -> Self {
        Backoff {
            retries: 0,
            next: FIRST_WAIT,
        }
    }

    /// Waits before another try; `false`, without waiting, once the retries are used up.
    pub(crate) async fn wait(&mut self) -> bool {
        if self.retries == RETRIES {
            return false;
        }
        self.retries += 1;
        tokio::time::sleep(self.next).await;
        self.next *= 2;
        true
    }

    /// Retries waited for so far.
    pub(crate) fn retries(&self) -> u32 {
        self.retries
    }
}
