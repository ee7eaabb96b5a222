//! Waves: the windows of order times a fulfillment centre picks together.
//!
//! A wave is `[start, end)` of orders' `placed_at`, of a fixed length that divides a day,
//! aligned to UTC midnight: with 120 minutes the waves of a day start at 00:00, 02:00, …,
//! 22:00. The same length always cuts time the same way, so any run for a wave, scheduled
//! or by hand, reads the same orders.

use std::fmt;

use chrono::{DateTime, Duration, NaiveTime, Timelike, Utc};

pub const MINUTES_PER_DAY: u32 = 1440;
/// The shortest wave: shorter ones would cut the day into more lists than a centre prints.
pub const MIN_WAVE_MINUTES: u32 = 5;
/// The longest settle lag: a backlog longer than a day is a rerun's job, not a wait's.
pub const MAX_SETTLE_MINUTES: u32 = MINUTES_PER_DAY;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WaveError {
    #[error(
        "a wave of {0} minutes does not fit a day: waves are {MIN_WAVE_MINUTES} to \
         {MINUTES_PER_DAY} minutes long and divide a day of {MINUTES_PER_DAY} minutes \
         evenly (such as 60, 120 or 240)"
    )]
    Length(u32),
    #[error("a settle lag of {0} minutes is longer than a day ({MAX_SETTLE_MINUTES} minutes)")]
    Settle(u32),
    #[error(
        "a wave of {minutes} minutes cannot start at {start}: waves start every {minutes} \
         minutes from UTC midnight; the one containing that time starts at {aligned}"
    )]
    Misaligned {
        start: DateTime<Utc>,
        minutes: u32,
        aligned: DateTime<Utc>,
    },
}

/// A wave length that divides a day: only this type reaches the arithmetic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WaveLength(u32);

impl WaveLength {
    pub fn minutes(minutes: u32) -> Result<WaveLength, WaveError> {
        let fits = (MIN_WAVE_MINUTES..=MINUTES_PER_DAY).contains(&minutes)
            && MINUTES_PER_DAY.is_multiple_of(minutes);
        fits.then_some(WaveLength(minutes))
            .ok_or(WaveError::Length(minutes))
    }

    pub fn get(self) -> u32 {
        self.0
    }

    fn duration(self) -> Duration {
        Duration::minutes(i64::from(self.0))
    }
}

/// The settle lag: how long after a wave ends its orders are taken as all processed.
pub fn settle_lag(minutes: u32) -> Result<Duration, WaveError> {
    if minutes > MAX_SETTLE_MINUTES {
        return Err(WaveError::Settle(minutes));
    }
    Ok(Duration::minutes(i64::from(minutes)))
}

/// Orders placed in `[start, end)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Wave {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl Wave {
    /// The wave `t` falls in.
    pub fn containing(t: DateTime<Utc>, length: WaveLength) -> Wave {
        let midnight = t.date_naive().and_time(NaiveTime::MIN).and_utc();
        let since_midnight = (t - midnight).num_minutes();
        let minutes = i64::from(length.get());
        let start = midnight + Duration::minutes(since_midnight - since_midnight % minutes);
        Wave {
            start,
            end: start + length.duration(),
        }
    }

    /// The wave starting at `start`, which must be a wave boundary.
    pub fn starting_at(start: DateTime<Utc>, length: WaveLength) -> Result<Wave, WaveError> {
        let wave = Wave::containing(start, length);
        if wave.start != start {
            return Err(WaveError::Misaligned {
                start,
                minutes: length.get(),
                aligned: wave.start,
            });
        }
        Ok(wave)
    }

    /// The latest wave that ended at least `settle` before `now`: orders are processed
    /// seconds after they are placed, and the lag leaves room for a backlog.
    pub fn last_closed(now: DateTime<Utc>, length: WaveLength, settle: Duration) -> Wave {
        let current = Wave::containing(now - settle, length);
        Wave {
            start: current.start - length.duration(),
            end: current.start,
        }
    }

    /// The wave a run builds: the one starting at `start`, or without it the last one
    /// closed `settle_minutes` before `now`. Every setting is checked either way, so a
    /// bad one is refused before it meets a schedule.
    pub fn chosen(
        start: Option<DateTime<Utc>>,
        minutes: u32,
        settle_minutes: u32,
        now: DateTime<Utc>,
    ) -> Result<Wave, WaveError> {
        let length = WaveLength::minutes(minutes)?;
        let settle = settle_lag(settle_minutes)?;
        match start {
            Some(start) => Wave::starting_at(start, length),
            None => Ok(Wave::last_closed(now, length, settle)),
        }
    }

    pub fn contains(&self, t: DateTime<Utc>) -> bool {
        self.start <= t && t < self.end
    }

    /// `2026-11-23/1000-1200`: the wave's UTC day and times in object keys. A wave that
    /// ends at midnight ends at `2400`, so its key stays on the day it covers.
    pub fn key_part(&self) -> String {
        format!(
            "{}/{}-{}",
            self.start.format("%Y-%m-%d"),
            self.start.format("%H%M"),
            self.end_hhmm()
        )
    }

    /// The end as `HH:MM` on the start's day, midnight as `24:00`.
    pub fn end_time(&self) -> String {
        let hhmm = self.end_hhmm();
        format!("{}:{}", &hhmm[..2], &hhmm[2..])
    }

    fn end_hhmm(&self) -> String {
        if self.end.date_naive() != self.start.date_naive()
            && self.end.num_seconds_from_midnight() == 0
        {
            "2400".to_string()
        } else {
            self.end.format("%H%M").to_string()
        }
    }
}

impl fmt::Display for Wave {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}–{} UTC",
            self.start.format("%Y-%m-%d"),
            self.start.format("%H:%M"),
            self.end_time()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn len(minutes: u32) -> WaveLength {
        WaveLength::minutes(minutes).unwrap()
    }

    #[test]
    fn lengths_must_divide_a_day() {
        for ok in [5, 60, 90, 120, 240, 480, 1440] {
            assert_eq!(WaveLength::minutes(ok).map(WaveLength::get), Ok(ok));
        }
        for bad in [0, 4, 7, 100, 1000, 1441, 2880] {
            assert_eq!(WaveLength::minutes(bad), Err(WaveError::Length(bad)));
        }
        let message = WaveError::Length(100).to_string();
        assert!(
            message.contains("100 minutes") && message.contains("divide a day"),
            "{message}"
        );
    }

    #[test]
    fn a_time_falls_in_the_wave_from_its_aligned_start() {
        let wave = Wave::containing(at("2026-11-23T11:59:59.999Z"), len(120));
        assert_eq!(
            (wave.start, wave.end),
            (at("2026-11-23T10:00:00Z"), at("2026-11-23T12:00:00Z"))
        );
        // A boundary starts the next wave: `end` is exclusive.
        let next = Wave::containing(at("2026-11-23T12:00:00Z"), len(120));
        assert_eq!(next.start, at("2026-11-23T12:00:00Z"));
        assert!(wave.contains(at("2026-11-23T10:00:00Z")));
        assert!(!wave.contains(at("2026-11-23T12:00:00Z")));
        // The day's last wave ends at the next midnight, and is keyed on its own day.
        let last = Wave::containing(at("2026-11-23T23:30:00Z"), len(120));
        assert_eq!(last.end, at("2026-11-24T00:00:00Z"));
        assert_eq!(last.key_part(), "2026-11-23/2200-2400");
        assert_eq!(last.to_string(), "2026-11-23 22:00–24:00 UTC");
        let day = Wave::containing(at("2026-11-23T00:00:00Z"), len(1440));
        assert_eq!(day.key_part(), "2026-11-23/0000-2400");
        assert_eq!(
            Wave::containing(at("2026-11-23T10:07:00Z"), len(5)).key_part(),
            "2026-11-23/1005-1010"
        );
    }

    #[test]
    fn the_last_closed_wave_ended_at_least_the_settle_lag_ago() {
        let settle = settle_lag(15).unwrap();
        // 12:15 exactly: the 10:00–12:00 wave has settled.
        let wave = Wave::last_closed(at("2026-11-23T12:15:00Z"), len(120), settle);
        assert_eq!(wave.key_part(), "2026-11-23/1000-1200");
        // A second earlier it has not: the wave before is the last closed one.
        let wave = Wave::last_closed(at("2026-11-23T12:14:59Z"), len(120), settle);
        assert_eq!(wave.key_part(), "2026-11-23/0800-1000");
        // Just after midnight the last closed wave is yesterday's last.
        let wave = Wave::last_closed(at("2026-11-24T00:20:00Z"), len(120), settle);
        assert_eq!(wave.key_part(), "2026-11-23/2200-2400");
        let wave = Wave::last_closed(at("2026-11-24T00:10:00Z"), len(120), settle);
        assert_eq!(wave.key_part(), "2026-11-23/2000-2200");
        let wave = Wave::last_closed(at("2026-11-24T00:00:00Z"), len(60), Duration::zero());
        assert_eq!(wave.key_part(), "2026-11-23/2300-2400");
    }

    #[test]
    fn a_wave_starts_only_on_a_boundary_and_lags_stay_within_a_day() {
        let wave = Wave::starting_at(at("2026-11-23T10:00:00Z"), len(120)).unwrap();
        assert_eq!(wave.end, at("2026-11-23T12:00:00Z"));
        let err = Wave::starting_at(at("2026-11-23T11:00:00Z"), len(120)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "a wave of 120 minutes cannot start at 2026-11-23 11:00:00 UTC: waves start \
             every 120 minutes from UTC midnight; the one containing that time starts at \
             2026-11-23 10:00:00 UTC"
        );
        assert_eq!(settle_lag(1440), Ok(Duration::days(1)));
        let now = at("2026-11-23T12:20:00Z");
        assert_eq!(
            Wave::chosen(None, 120, 15, now).map(|w| w.key_part()),
            Ok("2026-11-23/1000-1200".to_string())
        );
        assert_eq!(
            Wave::chosen(Some(at("2026-11-23T06:00:00Z")), 120, 15, now).map(|w| w.key_part()),
            Ok("2026-11-23/0600-0800".to_string())
        );
        assert_eq!(Wave::chosen(None, 7, 15, now), Err(WaveError::Length(7)));
        assert_eq!(
            Wave::chosen(Some(at("2026-11-23T06:00:00Z")), 120, 2000, now),
            Err(WaveError::Settle(2000))
        );
        assert_eq!(settle_lag(1441), Err(WaveError::Settle(1441)));
    }
}
