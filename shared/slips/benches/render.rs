//! Rendering a typical slip (10 lines, 3 inserts, a coupon, a message, 4 recommendations):
//! PDF on 4x6 in and A4, and HTML (target: median ≤ 5 ms per slip).

use criterion::{Criterion, criterion_group, criterion_main};
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
}

criterion_group!(benches, bench);
criterion_main!(benches);
