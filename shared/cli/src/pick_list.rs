//! `packwise pick-list`: a wave's pick lists written into the output folder, under the
//! keys the scheduled function writes on S3, with the same code.

use std::io::Write;

use anyhow::bail;
use chrono::{DateTime, Utc};
use packwise_core::ports::{ConfigStore, OrderStore};
use packwise_core::wave::Wave;
use packwise_embedded::FileSink;
use packwise_handlers::{PickListJob, write_pick_lists};
use packwise_slips::PaperSize;

/// What the command was asked for.
pub struct PickListArgs<'a> {
    pub merchant: &'a str,
    pub centre: Option<&'a str>,
    /// The wave's start; `None` for the last closed wave.
    pub wave_start: Option<DateTime<Utc>>,
    pub wave_minutes: u32,
    pub settle_minutes: u32,
    /// `None` for the merchant's slip paper.
    pub paper: Option<PaperSize>,
}

/// Builds and writes the wave's lists and prints, per centre, its orders, units and the
/// files written. Settings that make no wave, and a merchant without settings, are errors.
pub async fn run<S: ConfigStore + OrderStore>(
    store: &S,
    sink: &FileSink,
    args: &PickListArgs<'_>,
    now: DateTime<Utc>,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let wave = Wave::chosen(args.wave_start, args.wave_minutes, args.settle_minutes, now)?;
    let job = PickListJob {
        wave,
        merchant: Some(args.merchant),
        centre: args.centre,
        paper: args.paper,
    };
    let report = write_pick_lists(store, sink, job).await?;
    if let Some((_, e)) = report.failed.first() {
        bail!("{e}");
    }
    writeln!(out, "wave {wave} of {}", args.merchant)?;
    if report.written.is_empty() {
        writeln!(out, "no orders in the wave: nothing written")?;
    }
    for list in &report.written {
        writeln!(
            out,
            "{}: {} orders, {} insert units",
            list.centre, list.orders, list.units
        )?;
        for key in &list.keys {
            writeln!(out, "  {}", sink.path_of(key)?.display())?;
        }
    }
    Ok(())
}
