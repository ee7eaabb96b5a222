//! Write sharding: a campaign's counters and a merchant's history are spread over a fixed
//! number of items, so no single item takes every write (or every read).
//!
//! Counters: each campaign has [`COUNTER_SHARDS`] counter items. A budget is split into
//! per-shard caps that sum to it exactly, and a commit bumps one shard only while that
//! shard is below its cap, so the total can never pass the budget, however many commits
//! race. A commit starts at the shard its order id hashes to (spreading concurrent orders
//! over the shards) and, when that shard is full, moves on to the next one that can still
//! take a unit; the budget is used up only when every shard has been seen full, and
//! counts never go down, so no order is refused while another shard has room.
//!
//! History: every order summary carries a gsi1 key naming one of [`HISTORY_SHARDS`]
//! shards by its customer, so a builder can read a merchant's history in parallel.

use packwise_core::ports::customer_hash;

/// Counter items per campaign. Reads sum them (one batch read covers them all), and a
/// commit touches one. Fixed: changing it would move the caps of stored shards.
pub(crate) const COUNTER_SHARDS: u32 = 4;

/// History shards per merchant: the most segments a history walk can run in parallel.
pub(crate) const HISTORY_SHARDS: u32 = 16;

pub(crate) fn history_shard(customer: &str) -> u32 {
    customer_hash(customer) % HISTORY_SHARDS
}

/// The shards' history partitions a segment reads.
pub(crate) fn history_shards_of(segment: u32, segments: u32) -> impl Iterator<Item = u32> {
    (0..HISTORY_SHARDS).filter(move |shard| shard % segments == segment)
}

/// Shard `shard`'s share of `budget`: an even split, the remainder going to the first
/// shards, so the caps add up to the budget exactly.
pub(crate) fn shard_cap(budget: u64, shard: u32) -> u64 {
    let shards = u64::from(COUNTER_SHARDS);
    budget / shards + u64::from(u64::from(shard) < budget % shards)
}

/// The shards an order's counter bump may go to, in the order to try them: its own
/// shard first, then the next ones round the ring, leaving out shards whose cap cannot
/// take `units` more at all (with no budget, every shard can).
pub(crate) fn shards_to_try(order_id: &str, budget: Option<u64>, units: u64) -> Vec<u32> {
    let first = customer_hash(order_id) % COUNTER_SHARDS;
    (0..COUNTER_SHARDS)
        .map(|step| (first + step) % COUNTER_SHARDS)
        .filter(|&shard| budget.is_none_or(|b| shard_cap(b, shard) >= units))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_add_up_to_the_budget() {
        for budget in [0, 1, 2, 3, 4, 5, 10, 99, 100, 10_001] {
            let total: u64 = (0..COUNTER_SHARDS).map(|s| shard_cap(budget, s)).sum();
            assert_eq!(total, budget);
        }
        assert_eq!(
            (0..COUNTER_SHARDS)
                .map(|s| shard_cap(10, s))
                .collect::<Vec<_>>(),
            [3, 3, 2, 2]
        );
    }

    #[test]
    fn an_order_tries_every_shard_with_room_once_starting_at_its_own() {
        let all = shards_to_try("O-1", None, 1);
        assert_eq!(all.len(), COUNTER_SHARDS as usize);
        assert_eq!(all[0], customer_hash("O-1") % COUNTER_SHARDS);
        let mut sorted = all.clone();
        sorted.sort();
        assert_eq!(sorted, [0, 1, 2, 3]);
        // A budget of one has room on shard 0 only; a budget of zero nowhere.
        assert_eq!(shards_to_try("O-1", Some(1), 1), [0]);
        assert!(shards_to_try("O-1", Some(0), 1).is_empty());
        // Orders spread over the shards.
        let firsts: std::collections::BTreeSet<u32> = (0..64)
            .map(|i| shards_to_try(&format!("O-{i}"), None, 1)[0])
            .collect();
        assert_eq!(firsts.len(), COUNTER_SHARDS as usize);
    }

    #[test]
    fn segments_split_the_history_shards_without_overlap() {
        for segments in 1..=HISTORY_SHARDS + 2 {
            let mut seen: Vec<u32> = (0..segments)
                .flat_map(|s| history_shards_of(s, segments))
                .collect();
            seen.sort();
            assert_eq!(seen, (0..HISTORY_SHARDS).collect::<Vec<_>>());
        }
    }
}
