//! Renders the sample slip in every language and paper size, as PDF and HTML, plus a long
//! order that runs over several pages: `cargo run -p packwise-slips --example samples -- OUT_DIR`.
//! `scripts/render-samples` runs it and turns the PDFs into PNGs to look at.

use std::path::PathBuf;

use packwise_slips::sample::{self, SampleSize};
use packwise_slips::{PaperSize, SlipInput, render_html, render_pdf};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = PathBuf::from(std::env::args().nth(1).ok_or("usage: samples OUT_DIR")?);
    std::fs::create_dir_all(&out)?;
    let long = SampleSize {
        lines: 60,
        title_chars: 120,
        ..SampleSize::TYPICAL
    };
    let sets = [
        ("en-US", SampleSize::TYPICAL, ""),
        ("id-ID", SampleSize::TYPICAL, ""),
        ("de-DE", SampleSize::TYPICAL, ""),
        ("fr-FR", SampleSize::TYPICAL, ""),
        ("es-ES", SampleSize::TYPICAL, ""),
        ("de-DE", long, "-long"),
    ];
    for (locale, size, suffix) in sets {
        let instruction = sample::instruction(locale, size);
        for paper in PaperSize::ALL {
            let input = SlipInput::new(
                &instruction,
                "Tea Shop",
                paper,
                sample::PRODUCT_URL,
                sample::RETURNS,
            );
            let stem = format!("slip-{locale}-{}{suffix}", paper.name());
            let pdf = render_pdf(&input)?;
            std::fs::write(out.join(format!("{stem}.pdf")), &pdf)?;
            std::fs::write(out.join(format!("{stem}.html")), render_html(&input)?)?;
            println!("{stem}.pdf {:>6} bytes", pdf.len());
        }
    }
    Ok(())
}
