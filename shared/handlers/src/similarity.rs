//! The scheduled rebuild of every merchant's similar items from purchase history.

use std::sync::{Mutex, PoisonError};
use std::time::Instant;

use futures_util::future::try_join_all;
use packwise_core::ports::{ConfigStore, HistoryPage, OrderStore, StoreError};
use packwise_core::similar::{ModelOptions, PurchaseHistory};

#[derive(Clone, Copy, Debug)]
pub struct RebuildOptions {
    pub model: ModelOptions,
    /// History segments read in parallel (DynamoDB has 16 history shards).
    pub segments: u32,
}

impl Default for RebuildOptions {
    fn default() -> Self {
        RebuildOptions {
            model: ModelOptions::default(),
            segments: 16,
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
pub struct MerchantRebuild {
    pub merchant: String,
    pub orders_read: usize,
    pub skus_written: usize,
    pub millis: u128,
}

#[derive(Debug, Default)]
pub struct RebuildReport {
    pub rebuilt: Vec<MerchantRebuild>,
    /// Merchants whose rebuild failed, and why; the others were still rebuilt.
    pub failed: Vec<(String, StoreError)>,
}

/// Rebuilds the given merchant, or every merchant when `only` is `None`. One merchant's
/// failure does not stop the others; it is in the report.
pub async fn rebuild_similar<S>(
    store: &S,
    only: Option<&str>,
    options: RebuildOptions,
) -> Result<RebuildReport, StoreError>
where
    S: ConfigStore + OrderStore,
{
    let merchants = match only {
        Some(m) => vec![m.to_string()],
        None => store.merchants().await?,
    };
    let mut report = RebuildReport::default();
    for merchant in merchants {
        match rebuild_one(store, &merchant, options).await {
            Ok(done) => {
                tracing::info!(merchant = %done.merchant, orders = done.orders_read, skus = done.skus_written, millis = done.millis as u64, "similar items rebuilt");
                report.rebuilt.push(done);
            }
            Err(e) => {
                tracing::error!(%merchant, error = %e, retryable = e.is_retryable(), "similar items not rebuilt");
                report.failed.push((merchant, e));
            }
        }
    }
    Ok(report)
}

async fn rebuild_one<S: OrderStore>(
    store: &S,
    merchant: &str,
    options: RebuildOptions,
) -> Result<MerchantRebuild, StoreError> {
    let started = Instant::now();
    let segments = options.segments.max(1);
    // Every segment folds its pages into the interned history as they arrive, so the
    // orders' documents never pile up. The lock is held while a page is folded, never
    // across a read.
    let history = Mutex::new(PurchaseHistory::new());
    try_join_all((0..segments).map(|s| read_segment(store, merchant, s, segments, &history)))
        .await?;
    let history = history.into_inner().unwrap_or_else(PoisonError::into_inner);
    let similar = history.build(&options.model);
    store.put_similar_many(merchant, &similar).await?;
    Ok(MerchantRebuild {
        merchant: merchant.to_string(),
        orders_read: history.orders(),
        // The best-sellers' list is stored too, but it is not a product.
        skus_written: similar.len().saturating_sub(1),
        millis: started.elapsed().as_millis(),
    })
}

async fn read_segment<S: OrderStore>(
    store: &S,
    merchant: &str,
    segment: u32,
    segments: u32,
    history: &Mutex<PurchaseHistory>,
) -> Result<(), StoreError> {
    let mut cursor: Option<String> = None;
    loop {
        let HistoryPage { orders, next } = store
            .history_page(merchant, segment, segments, None, cursor.as_deref())
            .await?;
        {
            let mut history = history.lock().unwrap_or_else(PoisonError::into_inner);
            for o in &orders {
                history.add_summary(&o.customer, &o.order);
            }
        }
        match next {
            Some(next) => cursor = Some(next),
            None => return Ok(()),
        }
    }
}
