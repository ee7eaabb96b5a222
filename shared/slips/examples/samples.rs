//! Renders the sample slip in every language and paper size, as PDF and HTML, plus a long
//! order that runs over several pages, and a 120-order wave's pick list in every language
//! on A4 and Letter: `cargo run -p packwise-slips --example samples -- OUT_DIR`.
//! `scripts/render-samples` runs it and turns the PDFs into PNGs to look at.

use std::path::PathBuf;

use packwise_slips::pick_list::PickListInput;
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
    let list = sample::pick_list(120);
    for locale in ["en-US", "id-ID", "de-DE", "fr-FR", "es-ES"] {
        for paper in [PaperSize::A4, PaperSize::Letter] {
            let pdf = packwise_slips::pick_list::render_pdf(&PickListInput {
                list: &list,
                merchant_name: "Tea Shop",
                locale,
                paper,
            })?;
            let stem = format!("picklist-{locale}-{}", paper.name());
            std::fs::write(out.join(format!("{stem}.pdf")), &pdf)?;
            println!("{stem}.pdf {:>6} bytes", pdf.len());
        }
    }
    Ok(())
}
