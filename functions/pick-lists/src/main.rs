//! The pick-list writer: on its schedule, writes every merchant's pick lists of the last
//! closed wave to S3 (`picklists/...`). The event is EventBridge-shaped; the schedule
//! fills in `time` with the time it was scheduled for, so a retry builds the same wave.
//! By hand, `detail` may name a merchant, a centre or a wave's start:
//! `{"detail-type": "Pick lists", "source": "operator", "detail": {"merchant": "acme",
//! "wave_start": "2026-11-23T10:00:00Z"}}`.

use aws_lambda_events::event::eventbridge::EventBridgeEvent;
use lambda_runtime::{Error, LambdaEvent, service_fn};
use packwise_aws::{AwsSettings, Clients, DynamoStore, RequestCounter, S3Sink};
use packwise_handlers::{PickListJob, PickListRequest, WaveSettings, list_paper, write_pick_lists};
use packwise_slips::PaperSize;
use serde_json::{Value, json};

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let settings = AwsSettings::from_env()?;
    let waves = WaveSettings::from_env()?;
    let paper = paper_from_env()?;
    let clients = Clients::from_env(&settings, &RequestCounter::new()).await;
    let store = DynamoStore::new(clients.dynamodb, settings.table.clone());
    let sink = S3Sink::new(clients.s3, settings.require_bucket()?);
    let (store, sink) = (&store, &sink);
    lambda_runtime::run(service_fn(
        move |event: LambdaEvent<EventBridgeEvent<PickListRequest>>| async move {
            let request = &event.payload.detail;
            let now = event.payload.time.unwrap_or_else(chrono::Utc::now);
            let wave = request.wave(waves, now)?;
            let job = PickListJob {
                wave,
                merchant: request.merchant.as_deref(),
                centre: request.centre.as_deref(),
                paper,
            };
            let report = write_pick_lists(store, sink, job).await?;
            let written: Vec<Value> = report
                .written
                .iter()
                .map(|w| json!({"merchant": w.merchant, "centre": w.centre, "orders": w.orders, "units": w.units, "keys": w.keys}))
                .collect();
            if !report.failed.is_empty() {
                // Failing the invocation lets Lambda retry it and, after that, keeps the
                // event in the dead-letter queue for an operator; a rerun rewrites the
                // lists already written with the same bytes.
                let failed: Vec<String> = report.failed.iter().map(|(m, e)| format!("{m}: {e}")).collect();
                return Err(Error::from(format!("pick lists of wave {wave} not written for {}", failed.join("; "))));
            }
            Ok::<Value, Error>(json!({"wave": wave.key_part(), "written": written}))
        },
    ))
    .await
}

/// `PICK_LIST_PAPER`: `merchant` (default: each merchant's slip paper, A4 for labels),
/// `a4` or `letter` for every merchant.
fn paper_from_env() -> Result<Option<PaperSize>, String> {
    match std::env::var("PICK_LIST_PAPER").ok().as_deref() {
        None | Some("merchant") => Ok(None),
        Some(paper) => list_paper(paper)
            .map(Some)
            .map_err(|e| format!("environment variable PICK_LIST_PAPER: {e}, or merchant")),
    }
}
