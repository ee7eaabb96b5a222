//! Similar items per SKU, as the similarity builder stores them, and the simple scoring
//! that turns the basket's neighbours into suggestions.

use std::collections::{BTreeMap, BTreeSet};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::instruction::Recommendation;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Neighbour {
    pub sku: String,
    pub title: String,
    #[serde(default)]
    pub category: Option<String>,
    pub score: f64,
}

/// The top neighbours of one SKU, best first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SimilarItems {
    pub sku: String,
    pub neighbours: Vec<Neighbour>,
}

/// Sums neighbour scores over the basket, drops what the customer has or already bought
/// and what the merchant excludes, and names the basket item that contributed most.
pub fn recommend(
    basket: &[(&str, &str)],
    similar: &[SimilarItems],
    bought: &BTreeMap<String, u32>,
    excluded: &[String],
    count: usize,
) -> Vec<Recommendation> {
    let in_basket: BTreeSet<&str> = basket.iter().map(|(sku, _)| *sku).collect();
    let title_of: BTreeMap<&str, &str> = basket.iter().copied().collect();
    // sku -> (total score, title, best contributor's title, best contribution)
    let mut scored: BTreeMap<&str, (f64, &str, &str, f64)> = BTreeMap::new();
    for list in similar {
        let Some(source_title) = title_of.get(list.sku.as_str()) else {
            continue;
        };
        for n in &list.neighbours {
            if in_basket.contains(n.sku.as_str())
                || bought.contains_key(&n.sku)
                || excluded.contains(&n.sku)
            {
                continue;
            }
            let entry =
                scored
                    .entry(n.sku.as_str())
                    .or_insert((0.0, n.title.as_str(), source_title, 0.0));
            entry.0 += n.score;
            if n.score > entry.3 {
                entry.2 = source_title;
                entry.3 = n.score;
            }
        }
    }
    let mut ranked: Vec<_> = scored.into_iter().collect();
    ranked.sort_by(|a, b| b.1.0.total_cmp(&a.1.0).then(a.0.cmp(b.0)));
    ranked
        .into_iter()
        .take(count)
        .map(|(sku, (_, title, because, _))| Recommendation {
            sku: sku.to_string(),
            title: title.to_string(),
            reason: format!("often bought with {because}"),
        })
        .collect()
}

/// One item of a basket, as the co-purchase count needs it.
pub struct BasketItem<'a> {
    pub sku: &'a str,
    pub title: &'a str,
    pub category: Option<&'a str>,
}

/// Top `k` neighbours per SKU by co-purchase: cosine of the orders holding each item
/// (so best-sellers do not become everyone's neighbour), damped for pairs seen only a few
/// times. A simple stand-in until the evaluated similarity model replaces it.
pub fn co_purchase<'a>(
    baskets: impl IntoIterator<Item = Vec<BasketItem<'a>>>,
    k: usize,
) -> Vec<SimilarItems> {
    let mut titles: BTreeMap<&str, (&str, Option<&str>)> = BTreeMap::new();
    let mut pairs: BTreeMap<&str, BTreeMap<&str, u32>> = BTreeMap::new();
    let mut orders_with: BTreeMap<&str, u32> = BTreeMap::new();
    for basket in baskets {
        let skus: BTreeSet<&str> = basket.iter().map(|i| i.sku).collect();
        for item in &basket {
            titles.insert(item.sku, (item.title, item.category));
        }
        for sku in &skus {
            *orders_with.entry(sku).or_default() += 1;
        }
        for a in &skus {
            for b in &skus {
                if a != b {
                    *pairs.entry(a).or_default().entry(b).or_default() += 1;
                }
            }
        }
    }
    pairs
        .into_iter()
        .map(|(sku, counts)| {
            let n_a = f64::from(orders_with[sku]);
            let mut ranked: Vec<(&str, f64)> = counts
                .into_iter()
                .map(|(other, together)| {
                    let together = f64::from(together);
                    let cosine = together / (n_a * f64::from(orders_with[other])).sqrt();
                    (other, cosine * together / (together + 2.0))
                })
                .collect();
            ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
            SimilarItems {
                sku: sku.to_string(),
                neighbours: ranked
                    .into_iter()
                    .take(k)
                    .map(|(n, score)| {
                        let (title, category) = titles[n];
                        Neighbour {
                            sku: n.to_string(),
                            title: title.to_string(),
                            category: category.map(str::to_string),
                            score,
                        }
                    })
                    .collect(),
            }
        })
        .collect()
}

/// `co_purchase` over whole orders, each order one basket.
pub fn co_purchase_of_orders(orders: &[crate::order::Order], k: usize) -> Vec<SimilarItems> {
    co_purchase(orders.iter().map(|o| basket(&o.lines)), k)
}

/// `co_purchase` over a merchant's purchase history as the ports page it, each past
/// order one basket: what the similarity builder runs.
pub fn co_purchase_of_history<'a>(
    orders: impl IntoIterator<Item = &'a crate::ports::CustomerOrder>,
    k: usize,
) -> Vec<SimilarItems> {
    co_purchase(orders.into_iter().map(|o| basket(&o.order.lines)), k)
}

fn basket(lines: &[crate::order::OrderLine]) -> Vec<BasketItem<'_>> {
    lines
        .iter()
        .map(|l| BasketItem {
            sku: &l.sku,
            title: &l.title,
            category: l.category.as_deref(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(sku: &str, score: f64) -> Neighbour {
        Neighbour {
            sku: sku.into(),
            title: format!("{sku} title"),
            category: None,
            score,
        }
    }

    #[test]
    fn co_purchase_prefers_true_companions_over_best_sellers() {
        let item = |sku| BasketItem {
            sku,
            title: sku,
            category: None,
        };
        let mut baskets = vec![
            vec![item("TEA"), item("HONEY")],
            vec![item("TEA"), item("HONEY"), item("WIPES")],
            vec![item("TEA"), item("HONEY"), item("TEA")],
            vec![item("TEA"), item("WIPES")],
            vec![item("TEA"), item("WIPES")],
            vec![item("TEA"), item("WIPES")],
            vec![item("CAKE")],
        ];
        // Wipes sell with everything: more shared orders with tea than honey has...
        baskets.extend((0..20).map(|_| vec![item("WIPES")]));
        let similar = co_purchase(baskets, 2);
        let tea = similar.iter().find(|s| s.sku == "TEA").unwrap();
        let order: Vec<&str> = tea.neighbours.iter().map(|n| n.sku.as_str()).collect();
        // ...but honey goes with tea far more than chance: it ranks first.
        assert_eq!(order, ["HONEY", "WIPES"]);
        assert!(
            similar.iter().all(|s| s.sku != "CAKE"),
            "no neighbours, no list"
        );
    }

    #[test]
    fn suggestions_skip_owned_items_and_name_their_reason() {
        let similar = vec![
            SimilarItems {
                sku: "TEA".into(),
                neighbours: vec![
                    n("MUG", 0.9),
                    n("HONEY", 0.5),
                    n("OLD", 0.99),
                    n("CAKE", 0.2),
                ],
            },
            SimilarItems {
                sku: "CAKE".into(),
                neighbours: vec![n("HONEY", 0.6), n("TEA", 0.8), n("GIFTCARD", 0.9)],
            },
        ];
        let bought = BTreeMap::from([("OLD".to_string(), 1)]);
        let recs = recommend(
            &[("TEA", "Mint Tea"), ("CAKE", "Lemon Cake")],
            &similar,
            &bought,
            &["GIFTCARD".to_string()],
            2,
        );
        let skus: Vec<&str> = recs.iter().map(|r| r.sku.as_str()).collect();
        assert_eq!(skus, ["HONEY", "MUG"]);
        assert_eq!(recs[0].reason, "often bought with Lemon Cake");
        assert_eq!(recs[1].reason, "often bought with Mint Tea");
    }

    #[test]
    fn history_gives_the_same_neighbours_as_the_orders_it_came_from() {
        let mut tea = crate::order::tests::sample();
        let mut both = tea.clone();
        both.order_id = "O-2".into();
        both.lines.push(crate::order::OrderLine {
            sku: "HONEY".into(),
            title: "Wild Honey".into(),
            category: Some("pantry".into()),
            quantity: 1,
            unit_price: rust_decimal::Decimal::new(750, 2),
        });
        tea.lines.truncate(1);
        let orders = vec![tea, both];
        let history: Vec<crate::ports::CustomerOrder> = orders
            .iter()
            .map(|o| crate::ports::CustomerOrder {
                customer: o.customer.id.clone(),
                order: crate::profile::OrderSummary::of(o),
            })
            .collect();
        let from_history = co_purchase_of_history(&history, 5);
        assert_eq!(from_history, co_purchase_of_orders(&orders, 5));
        let of_tea = from_history.iter().find(|s| s.sku == "TEA-1").unwrap();
        assert_eq!(of_tea.neighbours[0].title, "Wild Honey", "titles survive");
    }
}
