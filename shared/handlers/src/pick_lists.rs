//! A wave's pick lists, built, rendered and written for one merchant or all: what the
//! scheduled function and `packwise pick-list` both run.
//!
//! Every list goes to `picklists/{merchant}/{centre}/{yyyy-mm-dd}/{HHMM}-{HHMM}` with
//! `.totals.csv`, `.manifest.csv` and `.pdf`. The lists are a pure function of the
//! history, so running a wave again rewrites the same keys, with any order processed late
//! now on them.

use chrono::{DateTime, Utc};
use packwise_core::pick_list::{PickList, pick_lists};
use packwise_core::ports::{ConfigStore, ObjectSink, OrderStore, StoreError};
use packwise_core::wave::{Wave, WaveError, WaveLength, settle_lag};
use packwise_slips::pick_list::{PickListInput, render_pdf};
use packwise_slips::pick_list_csv::{manifest_csv, totals_csv};
use packwise_slips::{PaperSize, SlipError};
use serde::{Deserialize, Serialize};

/// How a deployment cuts and settles its waves, checked once at start-up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WaveSettings {
    pub minutes: u32,
    pub settle_minutes: u32,
}

impl WaveSettings {
    pub fn new(minutes: u32, settle_minutes: u32) -> Result<WaveSettings, WaveError> {
        WaveLength::minutes(minutes)?;
        settle_lag(settle_minutes)?;
        Ok(WaveSettings {
            minutes,
            settle_minutes,
        })
    }

    /// `WAVE_MINUTES` (default 120) and `SETTLE_MINUTES` (default 15), each refused by
    /// name when it is not a number or makes no wave.
    pub fn from_env() -> Result<WaveSettings, String> {
        let minutes = crate::environment::number("WAVE_MINUTES", 120u32)?;
        let settle = crate::environment::number("SETTLE_MINUTES", 15u32)?;
        WaveSettings::new(minutes, settle).map_err(|e| {
            format!("environment variables WAVE_MINUTES={minutes}, SETTLE_MINUTES={settle}: {e}")
        })
    }
}

/// What an event asks of the pick-list function: the `detail` of its EventBridge-shaped
/// event. The schedule sends `{}`: every merchant, the last closed wave at the scheduled
/// time. By hand, an operator names a merchant, a centre or a wave's start.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PickListRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merchant: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub centre: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wave_start: Option<DateTime<Utc>>,
}

impl PickListRequest {
    /// The wave asked for: its start, or the last one closed at `now` (for a scheduled
    /// run, the time it was scheduled for, so a retry builds the same wave).
    pub fn wave(&self, settings: WaveSettings, now: DateTime<Utc>) -> Result<Wave, WaveError> {
        Wave::chosen(
            self.wave_start,
            settings.minutes,
            settings.settle_minutes,
            now,
        )
    }
}

/// The paper a list is printed on: `a4` or `letter` (a 4x6 label is too small for one).
pub fn list_paper(text: &str) -> Result<PaperSize, String> {
    match text.to_ascii_lowercase().as_str() {
        "a4" => Ok(PaperSize::A4),
        "letter" => Ok(PaperSize::Letter),
        _ => Err(format!(
            "`{text}` is not a paper for a pick list: use a4 or letter"
        )),
    }
}

/// What to write: the wave, and optionally one merchant and one centre.
#[derive(Clone, Copy, Debug)]
pub struct PickListJob<'a> {
    pub wave: Wave,
    /// Only this merchant; every merchant with settings when `None`.
    pub merchant: Option<&'a str>,
    /// Only this centre (its list is written even when empty); every centre with orders
    /// in the wave when `None`.
    pub centre: Option<&'a str>,
    /// The PDF's paper for every merchant; `None` for each merchant's slip paper (a
    /// merchant printing slips on 4x6 labels gets A4).
    pub paper: Option<PaperSize>,
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
            paper: job.paper.unwrap_or(settings.slip.paper),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn a_request_names_its_wave_or_takes_the_last_closed_one() {
        let settings = WaveSettings::new(120, 15).unwrap();
        let scheduled: PickListRequest = serde_json::from_str("{}").unwrap();
        let wave = scheduled
            .wave(settings, at("2026-11-23T12:15:00Z"))
            .unwrap();
        assert_eq!(wave.key_part(), "2026-11-23/1000-1200");
        let by_hand: PickListRequest =
            serde_json::from_str(r#"{"merchant": "acme", "wave_start": "2026-11-22T22:00:00Z"}"#)
                .unwrap();
        let wave = by_hand.wave(settings, at("2026-11-23T12:15:00Z")).unwrap();
        assert_eq!(wave.key_part(), "2026-11-22/2200-2400");
        let off: PickListRequest =
            serde_json::from_str(r#"{"wave_start": "2026-11-22T23:00:00Z"}"#).unwrap();
        assert!(matches!(
            off.wave(settings, at("2026-11-23T12:15:00Z")),
            Err(WaveError::Misaligned { .. })
        ));
        let typo = serde_json::from_str::<PickListRequest>(r#"{"merchnt": "acme"}"#);
        assert!(
            typo.unwrap_err()
                .to_string()
                .contains("unknown field `merchnt`")
        );
    }

    #[test]
    fn wave_settings_that_make_no_wave_are_refused() {
        assert_eq!(WaveSettings::new(100, 15), Err(WaveError::Length(100)));
        assert_eq!(WaveSettings::new(60, 1441), Err(WaveError::Settle(1441)));
        assert!(WaveSettings::new(1440, 0).is_ok());
    }
}
