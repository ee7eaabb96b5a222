//! Serving suggestions for one order (target: median ≤ 20 µs): a 10-line basket whose
//! lists hold 20 neighbours each over 8 categories, a profile remembering 16 history
//! neighbours and 40 bought items, the best-sellers' list, 50 excluded SKUs; 3 suggestions
//! at most 2 per category. And folding that order into the profile's history.

use std::collections::BTreeMap;

use criterion::{Criterion, criterion_group, criterion_main};
use packwise_core::order::OrderLine;
use packwise_core::similar::{Affinity, Basis, Neighbour, POPULAR, SimilarItems, SkuSet, Suggest};
use packwise_core::similar::{remember, suggest};

const CATEGORIES: [&str; 8] = [
    "tea", "coffee", "kitchen", "baby", "pets", "books", "beauty", "outdoor",
];

fn neighbour(i: usize, score: f64, basis: Basis) -> Neighbour {
    Neighbour {
        sku: format!("SKU-{i:05}"),
        title: format!("Product number {i} with a long enough title"),
        category: Some(CATEGORIES[i % CATEGORIES.len()].to_string()),
        score,
        basis,
    }
}

/// One order's worth of what serving reads.
struct Input {
    basket: Vec<OrderLine>,
    lists: Vec<SimilarItems>,
    history: Vec<Affinity>,
    bought: BTreeMap<String, u32>,
    excluded: SkuSet,
}

fn input() -> Input {
    let basket: Vec<OrderLine> = (0..10)
        .map(|i| OrderLine {
            sku: format!("SKU-{:05}", i * 37),
            title: format!("Basket item {i}"),
            category: Some(CATEGORIES[i % 8].to_string()),
            quantity: 1,
            unit_price: rust_decimal::Decimal::new(450, 2),
        })
        .collect();
    let mut lists: Vec<SimilarItems> = basket
        .iter()
        .enumerate()
        .map(|(b, line)| SimilarItems {
            sku: line.sku.clone(),
            neighbours: (0..20)
                .map(|j| {
                    neighbour(
                        1000 + (b * 7 + j * 13) % 400,
                        1.0 / (1.0 + j as f64),
                        Basis::CoPurchase,
                    )
                })
                .collect(),
        })
        .collect();
    lists.push(SimilarItems {
        sku: POPULAR.to_string(),
        neighbours: (0..20)
            .map(|j| neighbour(j, 1.0 - j as f64 / 20.0, Basis::Popular))
            .collect(),
    });
    let history = (0..16)
        .map(|j| {
            let n = neighbour(1200 + j * 5, 0.8 / (1.0 + j as f64), Basis::CoPurchase);
            Affinity {
                sku: n.sku,
                title: n.title,
                category: n.category,
                score: n.score,
                basis: Basis::CoPurchase,
                because: Some("An earlier purchase".into()),
            }
        })
        .collect();
    let bought = (0..40)
        .map(|j| (format!("SKU-{:05}", 1000 + j * 9), 1))
        .collect();
    let excluded = (0..50)
        .map(|j| format!("SKU-{:05}", 1001 + j * 11))
        .collect();
    Input {
        basket,
        lists,
        history,
        bought,
        excluded,
    }
}

fn bench(c: &mut Criterion) {
    let Input {
        basket,
        lists,
        history,
        bought,
        excluded,
    } = input();
    let request = Suggest {
        basket: &basket,
        lists: &lists,
        history: &history,
        bought: &bought,
        excluded: &excluded,
        count: 3,
        per_category: 2,
    };
    assert_eq!(suggest(&request).len(), 3);
    c.bench_function("suggest/10-line basket, 16 history neighbours", |b| {
        b.iter(|| suggest(std::hint::black_box(&request)))
    });
    c.bench_function("remember/10-line basket into 16 history neighbours", |b| {
        b.iter(|| {
            let mut h = history.clone();
            remember(&mut h, &basket, &lists, &bought);
            h
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
