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

/// Top `k` neighbours per SKU by plain co-purchase count (orders that hold both).
/// A simple stand-in until the evaluated similarity model replaces it; enough to give
/// the demo and new merchants sensible suggestions.
pub fn co_purchase<'a>(
    baskets: impl IntoIterator<Item = Vec<BasketItem<'a>>>,
    k: usize,
) -> Vec<SimilarItems> {
    let mut titles: BTreeMap<&str, (&str, Option<&str>)> = BTreeMap::new();
    let mut pairs: BTreeMap<&str, BTreeMap<&str, u32>> = BTreeMap::new();
    for basket in baskets {
        let skus: BTreeSet<&str> = basket.iter().map(|i| i.sku).collect();
        for item in &basket {
            titles.insert(item.sku, (item.title, item.category));
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
            let mut ranked: Vec<(&str, u32)> = counts.into_iter().collect();
            ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            SimilarItems {
                sku: sku.to_string(),
                neighbours: ranked
                    .into_iter()
                    .take(k)
                    .map(|(n, count)| {
                        let (title, category) = titles[n];
                        Neighbour {
                            sku: n.to_string(),
                            title: title.to_string(),
                            category: category.map(str::to_string),
                            score: f64::from(count),
                        }
                    })
                    .collect(),
            }
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
    fn co_purchase_ranks_by_shared_orders() {
        let item = |sku| BasketItem {
            sku,
            title: sku,
            category: None,
        };
        let baskets = vec![
            vec![item("TEA"), item("MUG")],
            vec![item("TEA"), item("MUG"), item("HONEY")],
            vec![item("TEA"), item("HONEY"), item("TEA")],
            vec![item("CAKE")],
        ];
        let similar = co_purchase(baskets, 1);
        let tea = similar.iter().find(|s| s.sku == "TEA").unwrap();
        assert_eq!(tea.neighbours.len(), 1);
        assert_eq!(
            (tea.neighbours[0].sku.as_str(), tea.neighbours[0].score),
            ("HONEY", 2.0)
        );
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
}
