//! The demo shop's printed inserts and samples, stocked at two fulfillment centres.

use std::collections::BTreeMap;

use packwise_core::Insert;
use packwise_core::insert::{InsertFormat, InsertKind};

use crate::catalogue::{self, Catalogue};

/// The demo shop's fulfillment centres: Berlin serves Germany, Amsterdam the rest.
pub const CENTRES: [&str; 2] = ["BER1", "AMS1"];

/// The welcome card: out of stock at `AMS1`, where the welcome campaign falls back to
/// the thank-you card.
pub const WELCOME_CARD: &str = "CARD-WELCOME";
/// The thank-you card, for VIPs and in place of the welcome card.
pub const THANK_YOU_CARD: &str = "CARD-THANKS";
/// The card for customers returning after months away.
pub const WELCOME_BACK_CARD: &str = "CARD-WELCOME-BACK";
/// The card asking repeat customers for a review.
pub const REVIEW_CARD: &str = "CARD-REVIEW";
/// The refer-a-friend card for promoters.
pub const REFERRAL_CARD: &str = "CARD-REFERRAL";
/// The apology card for detractors.
pub const APOLOGY_CARD: &str = "CARD-APOLOGY";
/// The birthday-month gift (bulky).
pub const BIRTHDAY_GIFT: &str = "GIFT-BIRTHDAY";

fn insert(sku: &str, name: &str, kind: InsertKind, grams: u32, stock: [i64; 2]) -> Insert {
    let format = match kind {
        InsertKind::Sample | InsertKind::Gift => InsertFormat::Bulky,
        _ => InsertFormat::Flat,
    };
    Insert {
        sku: sku.to_string(),
        name: name.to_string(),
        kind,
        weight_grams: grams,
        format,
        stock: CENTRES
            .iter()
            .zip(stock)
            .map(|(centre, units)| (centre.to_string(), units))
            .collect::<BTreeMap<_, _>>(),
        low_stock_threshold: if format == InsertFormat::Bulky {
            50
        } else {
            200
        },
        sample_category: None,
        guides_skus: Vec::new(),
        version: 0,
    }
}

/// What the sample of each category is: a small, cheap taste of the shop's best-sellers.
const SAMPLES: &[(&str, &str, u32)] = &[
    ("tea", "Tea sampler: three sachets", 25),
    ("coffee", "House Blend coffee sample 40 g", 45),
    ("kitchen", "Acacia honey sticks, 3 pcs", 30),
    ("baby", "Baby wipes travel pack", 60),
    ("beauty", "Face cream sample 5 ml", 20),
    ("books", "Sample chapter and bookmark", 35),
    ("outdoor", "Trail energy bar", 45),
    ("pets", "Dog and cat treat sample", 50),
];

/// The demo shop's inserts: cards, one how-to guide per product that needs one, a
/// sample per category and a birthday gift, each stocked at `BER1` and `AMS1`; the
/// welcome card is out of stock at `AMS1`.
pub fn inserts() -> Vec<Insert> {
    use InsertKind::*;
    let mut all = vec![
        insert(WELCOME_CARD, "Welcome card", WelcomeCard, 10, [2500, 0]),
        insert(
            THANK_YOU_CARD,
            "Thank-you card",
            ThankYouCard,
            10,
            [3000, 3000],
        ),
        insert(
            WELCOME_BACK_CARD,
            "We missed you card",
            WelcomeBack,
            10,
            [1500, 1500],
        ),
        insert(
            REVIEW_CARD,
            "Review request card",
            ReviewRequest,
            5,
            [4000, 4000],
        ),
        insert(
            REFERRAL_CARD,
            "Refer a friend card",
            ReferralCard,
            5,
            [2000, 2000],
        ),
        insert(APOLOGY_CARD, "Apology card", ApologyCard, 10, [800, 800]),
        insert(
            BIRTHDAY_GIFT,
            "Birthday chocolate and card",
            Gift,
            45,
            [600, 600],
        ),
    ];
    for product in catalogue::products().into_iter().filter(|p| p.needs_guide) {
        let mut guide = insert(
            &format!("GUIDE-{}", product.sku),
            &format!("How to: {}", product.title),
            HowToGuide,
            20,
            [400, 400],
        );
        guide.guides_skus = vec![product.sku];
        all.push(guide);
    }
    let categories = &Catalogue::get().categories;
    debug_assert_eq!(categories.len(), SAMPLES.len());
    for (category, name, grams) in SAMPLES {
        let mut sample = insert(
            &format!("SAMPLE-{}", category.to_uppercase()),
            name,
            Sample,
            *grams,
            [500, 500],
        );
        sample.sample_category = Some(category.to_string());
        all.push(sample);
    }
    all
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use packwise_core::validation::Problems;

    use super::*;

    #[test]
    fn every_insert_is_valid_and_unique() {
        let inserts = inserts();
        let mut p = Problems::default();
        for i in &inserts {
            i.validate_structure(&mut p);
        }
        p.finish().unwrap();
        let skus: BTreeSet<&str> = inserts.iter().map(|i| i.sku.as_str()).collect();
        assert_eq!(skus.len(), inserts.len());
    }

    #[test]
    fn every_guided_product_has_its_guide_and_every_category_its_sample() {
        let inserts = inserts();
        for p in catalogue::products() {
            let guides = inserts
                .iter()
                .filter(|i| i.kind == InsertKind::HowToGuide && i.guides_skus.contains(&p.sku))
                .count();
            assert_eq!(guides, usize::from(p.needs_guide), "{}", p.sku);
        }
        for category in catalogue::categories() {
            let sample = inserts
                .iter()
                .find(|i| i.sample_category.as_deref() == Some(category))
                .unwrap_or_else(|| panic!("no sample for {category}"));
            assert_eq!(sample.kind, InsertKind::Sample);
            assert_eq!(sample.format, InsertFormat::Bulky);
        }
    }

    #[test]
    fn only_the_welcome_card_is_out_of_stock_and_only_in_amsterdam() {
        let empty: Vec<(String, String)> = inserts()
            .into_iter()
            .flat_map(|i| {
                CENTRES
                    .iter()
                    .filter(|c| i.stock.get(**c).copied().unwrap_or(0) == 0)
                    .map(|c| (i.sku.clone(), c.to_string()))
                    .collect::<Vec<_>>()
            })
            .collect();
        assert_eq!(empty, [(WELCOME_CARD.to_string(), "AMS1".to_string())]);
    }
}
