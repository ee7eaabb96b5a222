//! Rendering a typical slip (10 lines, 3 inserts, a coupon, a message, 4 recommendations):
//! PDF on 4x6 in and A4, and HTML (target: median ≤ 5 ms per slip). And a wave's pick
//! list of 500 orders as PDF and CSV.

use criterion::{Criterion, criterion_group, criterion_main};
use packwise_slips::pick_list::PickListInput;
use packwise_slips::pick_list_csv::{manifest_csv, totals_csv};
use packwise_slips::sample::{self, SampleSize};
use packwise_slips::{PaperSize, SlipInput, SlipView, render_html, render_pdf};

fn bench(c: &mut Criterion) {
    let instruction = sample::instruction("de-DE", SampleSize::TYPICAL);
    let input = |paper| {
        SlipInput::new(
            &instruction,
            "Tea Shop",
            paper,
            sample::PRODUCT_URL,
            sample::RETURNS,
        )
    };
    for paper in [PaperSize::FourBySix, PaperSize::A4] {
        let input = input(paper);
        let bytes = render_pdf(&input).expect("renders").len();
        println!("pdf {}: {bytes} bytes", paper.name());
        c.bench_function(&format!("slip pdf {}", paper.name()), |b| {
            b.iter(|| render_pdf(std::hint::black_box(&input)).expect("renders"))
        });
    }
    let html = input(PaperSize::A4);
    // The part both outputs share: labels, formats, barcode and QR codes.
    c.bench_function("slip view", |b| {
        b.iter(|| SlipView::build(std::hint::black_box(&html)).expect("builds"))
    });
    c.bench_function("slip html", |b| {
        b.iter(|| render_html(std::hint::black_box(&html)).expect("renders"))
    });

    let list = sample::pick_list(500);
    let pick = PickListInput {
        list: &list,
        merchant_name: "Tea Shop",
        locale: "de-DE",
        paper: PaperSize::A4,
    };
    let pdf = packwise_slips::pick_list::render_pdf(&pick).expect("renders");
    println!("pick list pdf a4, 500 orders: {} bytes", pdf.len());
    c.bench_function("pick list pdf a4 500 orders", |b| {
        b.iter(|| {
            packwise_slips::pick_list::render_pdf(std::hint::black_box(&pick)).expect("renders")
        })
    });
    c.bench_function("pick list csv 500 orders", |b| {
        b.iter(|| {
            let list = std::hint::black_box(&list);
            (totals_csv(list), manifest_csv(list))
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
