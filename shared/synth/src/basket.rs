//! What one order contains: products from the customer's favourite categories, the
//! consumables they restock, complements of what is already in the basket, and the
//! shop's best-sellers more often than the long tail.

use rand::Rng;
use rand::seq::IndexedRandom;

use crate::catalogue::{Catalogue, ITEMS};
use crate::generator::weighted;

/// What shapes a customer's baskets.
pub(crate) struct Shopper<'a> {
    /// Favourite categories, favourite first, as category indices.
    pub taste: &'a [usize],
    /// Consumables bought before, as item indices: likely to be bought again.
    pub restock: &'a [usize],
    /// Buys the pricier products and larger quantities (VIPs).
    pub big_spender: bool,
}

/// Chance that a basket starts by restocking something bought before.
const RESTOCK: f64 = 0.6;
/// Chance that the next line completes one already in the basket.
const COMPLEMENT: f64 = 0.55;

/// Up to `lines` distinct products with their quantities, as item indices.
pub(crate) fn basket(rng: &mut impl Rng, shopper: &Shopper<'_>, lines: usize) -> Vec<(usize, u32)> {
    let catalogue = Catalogue::get();
    let mut basket: Vec<(usize, u32)> = Vec::with_capacity(lines);
    if let Some(&again) = shopper.restock.choose(rng)
        && rng.random_bool(RESTOCK)
    {
        basket.push((again, quantity(rng, again, shopper.big_spender)));
    }
    // Bounded: a tiny category or a complement already in the basket makes some draws miss.
    for _ in 0..lines * 8 {
        if basket.len() >= lines {
            break;
        }
        let candidate = if !basket.is_empty() && rng.random_bool(COMPLEMENT) {
            let (anchor, _) = *basket.choose(rng).expect("not empty");
            let complements = &catalogue.complements[anchor];
            if complements.is_empty() {
                continue;
            }
            *weighted(rng, complements, |&i| appeal(i, shopper.big_spender))
        } else {
            let category = &catalogue.categories[category(rng, shopper.taste)];
            *weighted(rng, &category.items, |&i| appeal(i, shopper.big_spender))
        };
        if basket.iter().all(|(i, _)| *i != candidate) {
            basket.push((candidate, quantity(rng, candidate, shopper.big_spender)));
        }
    }
    basket
}

/// Half the time the favourite category, a quarter the second favourite, otherwise
/// whatever the shop sells most.
fn category(rng: &mut impl Rng, taste: &[usize]) -> usize {
    let r: f64 = rng.random();
    match taste {
        [first, ..] if r < 0.5 => *first,
        [_, second, ..] if r < 0.75 => *second,
        _ => {
            let categories = &Catalogue::get().categories;
            let c = weighted(rng, categories, |c| f64::from(c.popularity));
            categories
                .iter()
                .position(|x| std::ptr::eq(x, c))
                .expect("from the list")
        }
    }
}

/// How many lines an order has: usually one to three, more for big spenders.
pub(crate) fn line_count(rng: &mut impl Rng, big_spender: bool) -> usize {
    const USUAL: &[(usize, u32)] = &[(1, 35), (2, 30), (3, 18), (4, 10), (5, 7)];
    const GENEROUS: &[(usize, u32)] = &[(2, 20), (3, 30), (4, 25), (5, 15), (6, 10)];
    let table = if big_spender { GENEROUS } else { USUAL };
    weighted(rng, table, |(_, w)| f64::from(*w)).0
}

/// How likely a product is to be picked: its popularity, and for big spenders its price.
fn appeal(item: usize, big_spender: bool) -> f64 {
    let i = &ITEMS[item];
    let popularity = f64::from(i.popularity);
    if big_spender {
        popularity * (1.0 + i.cents as f64 / 4_000.0)
    } else {
        popularity
    }
}

fn quantity(rng: &mut impl Rng, item: usize, big_spender: bool) -> u32 {
    const CONSUMABLE: &[(u32, u32)] = &[(1, 60), (2, 28), (3, 12)];
    const STOCKING_UP: &[(u32, u32)] = &[(1, 40), (2, 35), (3, 15), (4, 10)];
    const DURABLE: &[(u32, u32)] = &[(1, 95), (2, 5)];
    let table = match (ITEMS[item].consumable(), big_spender) {
        (true, false) => CONSUMABLE,
        (true, true) => STOCKING_UP,
        (false, _) => DURABLE,
    };
    weighted(rng, table, |(_, w)| f64::from(*w)).0
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    use super::*;

    #[test]
    fn baskets_are_distinct_products_from_the_customers_taste() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let tea = Catalogue::get().category_index("tea").unwrap();
        let pets = Catalogue::get().category_index("pets").unwrap();
        let shopper = Shopper {
            taste: &[tea, pets],
            restock: &[],
            big_spender: false,
        };
        let (mut in_taste, mut total) = (0, 0);
        for lines in 1..=10 {
            for _ in 0..50 {
                let b = basket(&mut rng, &shopper, lines);
                assert_eq!(b.len(), lines);
                let mut skus: Vec<usize> = b.iter().map(|(i, _)| *i).collect();
                skus.dedup();
                assert_eq!(skus.len(), b.len());
                assert!(b.iter().all(|(_, q)| (1..=4).contains(q)));
                total += b.len();
                in_taste += b
                    .iter()
                    .filter(|(i, _)| ["tea", "pets"].contains(&ITEMS[*i].category))
                    .count();
            }
        }
        assert!(in_taste * 10 > total * 6, "{in_taste} of {total}");
    }

    #[test]
    fn big_spenders_buy_dearer_things() {
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        let taste = [Catalogue::get().category_index("coffee").unwrap(), 0];
        let mean = |big_spender: bool, rng: &mut ChaCha8Rng| {
            let shopper = Shopper {
                taste: &taste,
                restock: &[],
                big_spender,
            };
            let spent: i64 = (0..2000)
                .flat_map(|_| basket(rng, &shopper, 3))
                .map(|(i, q)| ITEMS[i].cents * i64::from(q))
                .sum();
            spent / 2000
        };
        let (big, usual) = (mean(true, &mut rng), mean(false, &mut rng));
        assert!(big > usual * 3 / 2, "{big} vs {usual} cents");
    }
}
