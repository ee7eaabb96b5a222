//! A wave's pick lists, built, rendered and written for one merchant or all: what the
//! scheduled function and `packwise pick-list` both run.
//!
//! Every list goes to `picklists/{merchant}/{centre}/{yyyy-mm-dd}/{HHMM}-{HHMM}` with
//! `.totals.csv`, `.manifest.csv` and `.pdf`. The lists are a pure function of the
//! history, so running a wave again rewrites the same keys, with any order processed late
//! now on them.

use packwise_core::pick_list::{PickList, pick_lists};
use packwise_core::ports::{ConfigStore, ObjectSink, OrderStore, StoreError};
use packwise_core::wave::Wave;
use packwise_slips::pick_list::{PickListInput, render_pdf};
use packwise_slips::pick_list_csv::{manifest_csv, totals_csv};
use packwise_slips::{PaperSize, SlipError};

/// What to write: the wave, and optionally one merchant and one centre.
#[derive(Clone, Copy, Debug)]
pub struct PickListJob<'a> {
    pub wave: Wave,
    /// Only this merchant; every merchant with settings when `None`.
    pub merchant: Option<&'a str>,
    /// Only this centre (its list is written even when empty); every centre with orders
    /// in the wave when `None`.
    pub centre: Option<&'a str>,
    pub paper: PaperSize,
}

/// One centre's list as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WrittenList {
    pub merchant: String,
    pub centre: String,
    pub orders: usize,
    pub units: u64,
    /// The objects written: totals CSV, manifest CSV, PDF.
    pub keys: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum PickListError {
    #[error("no merchant {0}: it has no settings")]
    UnknownMerchant(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the pick list of {centre} does not render: {source}")]
    Render { centre: String, source: SlipError },
}

impl PickListError {
    pub fn is_retryable(&self) -> bool {
        matches!(self, PickListError::Store(e) if e.is_retryable())
    }
}

#[derive(Debug, Default)]
pub struct PickListReport {
    pub written: Vec<WrittenList>,
    /// Merchants whose lists were not all written, and why; the others were.
    pub failed: Vec<(String, PickListError)>,
}

/// Writes the wave's lists. One merchant's failure does not stop the others; it is in
/// the report. Only listing the merchants can fail the whole run.
pub async fn write_pick_lists<S, K>(
    store: &S,
    sink: &K,
    job: PickListJob<'_>,
) -> Result<PickListReport, StoreError>
where
    S: ConfigStore + OrderStore,
    K: ObjectSink,
{
    let merchants = match job.merchant {
        Some(m) => vec![m.to_string()],
        None => store.merchants().await?,
    };
    let mut report = PickListReport::default();
    for merchant in merchants {
        match write_merchant(store, sink, &merchant, job).await {
            Ok(lists) => {
                for list in &lists {
                    tracing::info!(merchant = %list.merchant, centre = %list.centre, wave = %job.wave, orders = list.orders, units = list.units, "pick list written");
                }
                report.written.extend(lists);
            }
            Err(e) => {
                tracing::error!(%merchant, wave = %job.wave, error = %e, retryable = e.is_retryable(), "pick lists not written");
                report.failed.push((merchant, e));
            }
        }
    }
    Ok(report)
}

async fn write_merchant<S, K>(
    store: &S,
    sink: &K,
    merchant: &str,
    job: PickListJob<'_>,
) -> Result<Vec<WrittenList>, PickListError>
where
    S: ConfigStore + OrderStore,
    K: ObjectSink,
{
    let settings = store
        .settings(merchant)
        .await?
        .ok_or_else(|| PickListError::UnknownMerchant(merchant.to_string()))?;
    let lists = pick_lists(store, merchant, job.wave, job.centre).await?;
    let mut written = Vec::with_capacity(lists.len());
    for list in &lists {
        let pdf = render_pdf(&PickListInput {
            list,
            merchant_name: &settings.name,
            locale: &settings.default_locale,
            paper: job.paper,
        })
        .map_err(|source| PickListError::Render {
            centre: list.centre.clone(),
            source,
        })?;
        written.push(write_list(sink, list, pdf).await?);
    }
    Ok(written)
}

async fn write_list<K: ObjectSink>(
    sink: &K,
    list: &PickList,
    pdf: Vec<u8>,
) -> Result<WrittenList, StoreError> {
    let stem = list.key_stem();
    let files = [
        (".totals.csv", CSV, totals_csv(list)),
        (".manifest.csv", CSV, manifest_csv(list)),
        (".pdf", "application/pdf", pdf),
    ];
    let mut keys = Vec::with_capacity(files.len());
    for (suffix, content_type, bytes) in files {
        let key = format!("{stem}{suffix}");
        sink.put(&key, content_type, &bytes).await?;
        keys.push(key);
    }
    Ok(WrittenList {
        merchant: list.merchant.clone(),
        centre: list.centre.clone(),
        orders: list.orders,
        units: list.units(),
        keys,
    })
}

/// RFC 4180's media type, with the header row the files always have.
const CSV: &str = "text/csv; charset=utf-8; header=present";
