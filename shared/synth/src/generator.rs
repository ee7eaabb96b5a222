//! The seeded generator. Every kind of output draws from its own ChaCha stream, keyed by
//! what it describes (a customer, a day), so the same seed gives the same customer or day
//! whatever else was generated before or in between.

use chrono::NaiveDate;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Deterministic synthetic customers and orders from one seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Generator {
    pub(crate) seed: u64,
    /// NPS answers are dated before this day.
    pub(crate) today: NaiveDate,
}

/// The day NPS answers are dated before unless `Generator::as_of` says otherwise.
pub const DEFAULT_TODAY: NaiveDate = NaiveDate::from_ymd_opt(2026, 11, 23).expect("a date");

#[derive(Clone, Copy)]
pub(crate) enum Purpose {
    Customer = 1,
    History = 2,
    Day = 3,
    NewCustomer = 4,
    Stream = 5,
    PurchaseCatalogue = 6,
    Purchases = 7,
}

impl Generator {
    /// A generator whose every output is a function of `seed` and its arguments.
    pub fn new(seed: u64) -> Self {
        Generator {
            seed,
            today: DEFAULT_TODAY,
        }
    }

    /// The same generator with customers' NPS answers dated before `today`.
    pub fn as_of(self, today: NaiveDate) -> Self {
        Generator { today, ..self }
    }

    /// The random stream for one `key` (a customer, a day) of one `purpose`.
    pub(crate) fn rng(&self, purpose: Purpose, key: u64) -> ChaCha8Rng {
        let mut rng = ChaCha8Rng::seed_from_u64(mix(self.seed ^ mix(purpose as u64)));
        rng.set_stream(key);
        rng
    }
}

/// SplitMix64's finalizer: spreads nearby inputs over the whole 64-bit range.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A stable 64-bit key for a string (FNV-1a), for streams keyed by an id.
pub(crate) fn key_of(id: &str) -> u64 {
    id.bytes().fold(0xCBF2_9CE4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3)
    })
}

/// Picks one of `items` with probability proportional to `weight`.
pub(crate) fn weighted<'a, T>(
    rng: &mut impl Rng,
    items: &'a [T],
    weight: impl Fn(&T) -> f64,
) -> &'a T {
    let total: f64 = items.iter().map(&weight).sum();
    let mut x = rng.random::<f64>() * total;
    for item in items {
        x -= weight(item);
        if x < 0.0 {
            return item;
        }
    }
    items.last().expect("at least one item")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_depend_on_seed_purpose_and_key() {
        let draw = |g: Generator, p, k| g.rng(p, k).random::<u64>();
        let g = Generator::new(7);
        assert_eq!(
            draw(g, Purpose::Day, 1),
            draw(Generator::new(7), Purpose::Day, 1)
        );
        assert_ne!(draw(g, Purpose::Day, 1), draw(g, Purpose::Day, 2));
        assert_ne!(draw(g, Purpose::Day, 1), draw(g, Purpose::History, 1));
        assert_ne!(
            draw(g, Purpose::Day, 1),
            draw(Generator::new(8), Purpose::Day, 1)
        );
    }

    #[test]
    fn weighted_choice_follows_the_weights() {
        let mut rng = Generator::new(1).rng(Purpose::Stream, 0);
        let items = [1.0, 3.0, 0.0];
        let mut counts = [0; 3];
        for _ in 0..4000 {
            let pick = weighted(&mut rng, &items, |w| *w);
            counts[items.iter().position(|i| i == pick).unwrap()] += 1;
        }
        assert_eq!(counts[2], 0);
        assert!((2700..3300).contains(&counts[1]), "{counts:?}");
    }
}
