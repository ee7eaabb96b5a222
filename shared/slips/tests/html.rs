//! HTML slips: the default template's content, escaping, print sizes and merchant templates.

mod common;

use common::*;
use packwise_slips::{HtmlTemplate, PaperSize, SlipInput, render_html};

#[test]
fn the_default_template_shows_the_whole_slip_with_print_sizes() {
    let instruction = typical("de-DE");
    for (paper, size) in [
        (PaperSize::FourBySix, "size: 4in 6in"),
        (PaperSize::A4, "size: A4"),
        (PaperSize::Letter, "size: letter"),
    ] {
        let html = render_html(&input(&instruction, paper)).expect("renders");
        assert!(html.contains(size), "{paper:?}");
        for expected in [
            "<html lang=\"de\">",
            "Tea Shop Gänseblümchen",
            "Bestellung TS-100234",
            "Lieferadresse",
            "15 % Rabatt auf Ihre nächste Bestellung",
            "Mindestbestellwert 1.234,50\u{a0}€",
            "gültig bis 30.06.2026",
            "WELCOME-7QX4-KD2M",
            "Willkommenskarte",
            "Danke für Ihre Bestellung, Anna!",
            "Passt zu Sencha green tea",
            "https:&#x2f;&#x2f;shop.example&#x2f;p&#x2f;REC-204",
            "Tea Shop Returns, Hafenweg 3",
            "<svg class=\"barcode\"",
            "<svg class=\"qr\"",
        ] {
            assert!(html.contains(expected), "{paper:?}: {expected}");
        }
        for line in &instruction.pick {
            assert!(html.contains(&format!("{} ×", line.quantity)));
            assert!(html.contains(&line.title));
        }
        assert_eq!(html.matches("<svg class=\"qr\"").count(), 4);
    }
}

#[test]
fn text_from_the_order_is_escaped() {
    let mut instruction = typical("en");
    instruction.pick[0].title = "<script>alert(1)</script> & \"tea\"".into();
    let html = render_html(&input(&instruction, PaperSize::A4)).expect("renders");
    assert!(!html.contains("<script>"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt; &amp; &quot;tea&quot;"));
}

#[test]
fn html_is_deterministic() {
    let instruction = typical("fr-CA");
    let a = render_html(&input(&instruction, PaperSize::Letter)).expect("renders");
    let b = render_html(&input(&instruction, PaperSize::Letter)).expect("renders");
    assert_eq!(a, b);
}

#[test]
fn a_merchant_template_renders_the_slip() {
    let template = HtmlTemplate::parse(
        "<h1>{{ merchant }}</h1><p>{{ labels['order'] }} {{ order_id }}</p>{{ barcode_svg }}\
         {% for i in items %}<p>{{ i.quantity }} {{ i.title }}</p>{% endfor %}",
    )
    .expect("a valid template");
    let instruction = typical("es");
    let input = SlipInput {
        html_template: Some(&template),
        ..input(&instruction, PaperSize::A4)
    };
    let html = render_html(&input).expect("renders");
    assert!(html.starts_with("<h1>Tea Shop Gänseblümchen</h1><p>Pedido TS-100234</p><svg"));
    assert!(html.contains(&instruction.pick[9].title));
}

#[test]
fn a_broken_merchant_template_is_refused_at_load_with_its_line() {
    let err = HtmlTemplate::parse("<h1>{{ merchant }}</h1>\n<p>\n{% for i in items %}\n")
        .expect_err("unclosed for");
    assert_eq!(err.line, Some(3), "{err}");

    let err = HtmlTemplate::parse("<h1>{{ merchant }}</h1>\n<p>{{ order_number }}</p>")
        .expect_err("unknown variable");
    assert_eq!(err.line, Some(2), "{err}");
    assert!(err.to_string().contains("line 2"), "{err}");

    let err = HtmlTemplate::parse("{{ merchant | no_such_filter }}").expect_err("unknown filter");
    assert_eq!(err.line, Some(1), "{err}");
}
