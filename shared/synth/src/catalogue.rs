//! The demo shop's catalogue: about eighty products over eight categories, with the
//! structure real purchase histories have — best-sellers, consumables bought again and
//! again, and complements bought together (tea with honey, coffee beans with filters).

use std::sync::OnceLock;

use rust_decimal::Decimal;
use serde::Serialize;

/// A product the demo shop sells.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Product {
    /// Stock-keeping unit, such as `TEA-EARLGREY`.
    pub sku: String,
    /// Name as printed on the slip, with the pack size.
    pub title: String,
    /// One of `categories()`.
    pub category: String,
    /// Unit price in EUR, VAT included.
    pub price: Decimal,
    /// The shop has a printed how-to guide for it.
    pub needs_guide: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Bought once, kept for years.
    Durable,
    /// Used up and bought again.
    Consumable,
    /// Durable, and hard enough to use that it ships with a how-to guide.
    Guided,
}

pub(crate) struct Item {
    pub sku: &'static str,
    pub title: &'static str,
    pub category: &'static str,
    pub cents: i64,
    /// Relative sales weight; a handful of best-sellers outweigh the long tail.
    pub popularity: u32,
    pub kind: Kind,
}

impl Item {
    pub fn price(&self) -> Decimal {
        Decimal::new(self.cents, 2)
    }

    pub fn consumable(&self) -> bool {
        self.kind == Kind::Consumable
    }
}

const fn item(
    sku: &'static str,
    title: &'static str,
    category: &'static str,
    cents: i64,
    popularity: u32,
    kind: Kind,
) -> Item {
    Item {
        sku,
        title,
        category,
        cents,
        popularity,
        kind,
    }
}

use Kind::{Consumable as C, Durable as D, Guided as G};

pub(crate) const ITEMS: &[Item] = &[
    item(
        "TEA-BREAKFAST",
        "English Breakfast Tea 250 g",
        "tea",
        890,
        70,
        C,
    ),
    item(
        "TEA-EARLGREY",
        "Earl Grey Loose Leaf Tea 100 g",
        "tea",
        790,
        30,
        C,
    ),
    item(
        "TEA-SENCHA",
        "Japanese Sencha Green Tea 100 g",
        "tea",
        950,
        16,
        C,
    ),
    item(
        "TEA-CHAMOMILE",
        "Chamomile Herbal Tea 50 g",
        "tea",
        590,
        18,
        C,
    ),
    item("TEA-CHAI", "Masala Chai Blend 100 g", "tea", 840, 12, C),
    item("TEA-MATCHA", "Ceremonial Matcha 30 g", "tea", 1990, 7, C),
    item(
        "TEA-ROOIBOS",
        "Rooibos Vanilla Tea 100 g",
        "tea",
        690,
        10,
        C,
    ),
    item(
        "TEA-INFUSER",
        "Stainless Steel Tea Infuser",
        "tea",
        650,
        12,
        D,
    ),
    item("TEA-KYUSU", "Kyusu Clay Teapot 350 ml", "tea", 3400, 3, D),
    item("TEA-WHISK", "Bamboo Matcha Whisk Set", "tea", 1650, 4, D),
    item(
        "COF-HOUSE",
        "House Blend Coffee Beans 1 kg",
        "coffee",
        2490,
        90,
        C,
    ),
    item(
        "COF-ESPRESSO",
        "Espresso Roast Beans 500 g",
        "coffee",
        1390,
        28,
        C,
    ),
    item(
        "COF-DECAF",
        "Swiss Water Decaf Beans 250 g",
        "coffee",
        890,
        7,
        C,
    ),
    item(
        "COF-ETHIOPIA",
        "Ethiopia Yirgacheffe Beans 250 g",
        "coffee",
        1150,
        12,
        C,
    ),
    item(
        "COF-FILTERS",
        "Paper Coffee Filters No. 4, 100 pcs",
        "coffee",
        390,
        26,
        C,
    ),
    item(
        "COF-GRINDER",
        "Conical Burr Coffee Grinder",
        "coffee",
        8900,
        4,
        D,
    ),
    item(
        "COF-DRIPPER",
        "Ceramic Pour-Over Dripper",
        "coffee",
        2200,
        6,
        D,
    ),
    item("COF-KETTLE", "Gooseneck Kettle 1 l", "coffee", 3900, 3, D),
    item("COF-MACHINE", "Espresso Machine Duo", "coffee", 34900, 2, G),
    item("COF-TAMPER", "Espresso Tamper 58 mm", "coffee", 1900, 3, D),
    item(
        "COF-DESCALER",
        "Espresso Machine Descaler 2 x 250 ml",
        "coffee",
        990,
        5,
        C,
    ),
    item("KIT-HONEY", "Acacia Honey 500 g", "kitchen", 890, 24, C),
    item(
        "KIT-MANUKA",
        "Manuka Honey MGO 250+ 250 g",
        "kitchen",
        2900,
        4,
        C,
    ),
    item("KIT-MUG", "Stoneware Mug 350 ml", "kitchen", 1290, 16, D),
    item(
        "KIT-COOKER",
        "Electric Pressure Cooker 6 l",
        "kitchen",
        11900,
        2,
        G,
    ),
    item("KIT-KNIFE", "Chef's Knife 20 cm", "kitchen", 5900, 5, D),
    item(
        "KIT-BOARD",
        "Olive Wood Cutting Board",
        "kitchen",
        3400,
        5,
        D,
    ),
    item(
        "KIT-WHETSTONE",
        "Whetstone 1000/6000",
        "kitchen",
        2700,
        3,
        D,
    ),
    item(
        "KIT-OLIVEOIL",
        "Extra Virgin Olive Oil 750 ml",
        "kitchen",
        1450,
        20,
        C,
    ),
    item("KIT-SALT", "Fleur de Sel 125 g", "kitchen", 620, 8, C),
    item(
        "KIT-WRAPS",
        "Beeswax Food Wraps, set of 3",
        "kitchen",
        1590,
        8,
        D,
    ),
    item(
        "BABY-DIAPERS",
        "Eco Diapers Size 3, 52 pcs",
        "baby",
        1690,
        80,
        C,
    ),
    item(
        "BABY-WIPES",
        "Sensitive Baby Wipes 4 x 60",
        "baby",
        990,
        60,
        C,
    ),
    item("BABY-CREAM", "Zinc Nappy Cream 100 ml", "baby", 750, 12, C),
    item(
        "BABY-CARRIER",
        "Ergonomic Baby Carrier",
        "baby",
        12900,
        3,
        G,
    ),
    item(
        "BABY-BOTTLE",
        "Anti-Colic Bottles 260 ml, 2 pcs",
        "baby",
        1890,
        8,
        D,
    ),
    item("BABY-BRUSH", "Bottle and Teat Brush", "baby", 590, 5, C),
    item("BABY-SWADDLE", "Muslin Swaddles, 3 pcs", "baby", 2490, 7, D),
    item("BABY-TEETHER", "Natural Rubber Teether", "baby", 1290, 6, D),
    item("BABY-WASH", "Gentle Baby Wash 250 ml", "baby", 690, 10, C),
    item("BABY-TOWEL", "Hooded Baby Bath Towel", "baby", 1990, 4, D),
    item(
        "BEA-SHAMPOO",
        "Solid Shampoo Bar 60 g",
        "beauty",
        990,
        28,
        C,
    ),
    item(
        "BEA-CONDITIONER",
        "Solid Conditioner Bar 60 g",
        "beauty",
        1090,
        12,
        C,
    ),
    item("BEA-SOAPDISH", "Bamboo Soap Dish", "beauty", 690, 4, D),
    item(
        "BEA-FACECREAM",
        "Hydrating Face Cream 50 ml",
        "beauty",
        2490,
        14,
        C,
    ),
    item("BEA-SERUM", "Vitamin C Serum 30 ml", "beauty", 2990, 8, C),
    item(
        "BEA-CLEANSER",
        "Gentle Cleansing Gel 150 ml",
        "beauty",
        1290,
        9,
        C,
    ),
    item("BEA-LIPBALM", "Shea Lip Balm", "beauty", 390, 18, C),
    item("BEA-HANDCREAM", "Hand Cream 75 ml", "beauty", 890, 10, C),
    item(
        "BEA-SUNSCREEN",
        "Mineral Sunscreen SPF 50, 100 ml",
        "beauty",
        1790,
        9,
        C,
    ),
    item(
        "BEA-TOOTHBRUSH",
        "Bamboo Toothbrushes, 4 pcs",
        "beauty",
        950,
        8,
        C,
    ),
    item("BOOK-TEA", "The Tea Companion", "books", 2400, 3, D),
    item(
        "BOOK-COFFEE",
        "The World Atlas of Coffee",
        "books",
        3200,
        4,
        D,
    ),
    item(
        "BOOK-MEDITERRANEAN",
        "Mediterranean Kitchen",
        "books",
        2900,
        4,
        D,
    ),
    item(
        "BOOK-PRESSURE",
        "Pressure Cooker Every Day",
        "books",
        1990,
        2,
        D,
    ),
    item("BOOK-BABYSLEEP", "The Baby Sleep Book", "books", 1690, 5, D),
    item(
        "BOOK-FIRSTWORDS",
        "First Words Board Book",
        "books",
        990,
        7,
        D,
    ),
    item("BOOK-HIKES", "Great Hikes of the Alps", "books", 2600, 3, D),
    item(
        "BOOK-PUPPY",
        "Puppy Training Made Easy",
        "books",
        1490,
        5,
        D,
    ),
    item("BOOK-NOVEL", "The Lighthouse Keeper", "books", 1200, 12, D),
    item("BOOK-NOTEBOOK", "Dotted Notebook A5", "books", 1190, 9, C),
    item(
        "OUT-TENT",
        "Two-Person Trekking Tent",
        "outdoor",
        24900,
        2,
        G,
    ),
    item(
        "OUT-SLEEPINGBAG",
        "Down Sleeping Bag -5 °C",
        "outdoor",
        18900,
        2,
        D,
    ),
    item(
        "OUT-MAT",
        "Self-Inflating Sleeping Mat",
        "outdoor",
        6900,
        3,
        D,
    ),
    item("OUT-STOVE", "Compact Camping Stove", "outdoor", 4400, 3, G),
    item("OUT-GAS", "Gas Cartridge 230 g", "outdoor", 690, 8, C),
    item("OUT-POT", "Titanium Pot 750 ml", "outdoor", 3400, 3, D),
    item(
        "OUT-HEADLAMP",
        "Rechargeable Headlamp",
        "outdoor",
        3900,
        6,
        D,
    ),
    item(
        "OUT-BOTTLE",
        "Insulated Bottle 750 ml",
        "outdoor",
        2700,
        16,
        D,
    ),
    item("OUT-SOCKS", "Merino Hiking Socks", "outdoor", 1990, 10, C),
    item(
        "OUT-REPELLENT",
        "Insect Repellent 100 ml",
        "outdoor",
        890,
        7,
        C,
    ),
    item(
        "PET-DOGFOOD",
        "Grain-Free Dog Food 2 kg",
        "pets",
        2190,
        55,
        C,
    ),
    item(
        "PET-TREATS",
        "Dog Training Treats 200 g",
        "pets",
        590,
        30,
        C,
    ),
    item(
        "PET-CATFOOD",
        "Cat Food Salmon 12 x 85 g",
        "pets",
        1390,
        45,
        C,
    ),
    item(
        "PET-LITTER",
        "Clumping Cat Litter 10 l",
        "pets",
        1190,
        22,
        C,
    ),
    item("PET-LEASH", "Reflective Dog Leash", "pets", 1990, 5, D),
    item("PET-HARNESS", "No-Pull Dog Harness", "pets", 2990, 5, D),
    item("PET-BOWL", "Ceramic Pet Bowl", "pets", 1490, 4, D),
    item("PET-TOY", "Rope Chew Toy", "pets", 790, 10, D),
    item("PET-TRACKER", "GPS Pet Tracker", "pets", 5900, 2, G),
    item(
        "PET-BAGS",
        "Compostable Poop Bags, 120 pcs",
        "pets",
        690,
        16,
        C,
    ),
];

/// Pairs bought together far more often than chance; symmetric.
const COMPLEMENTS: &[(&str, &str)] = &[
    ("TEA-BREAKFAST", "KIT-HONEY"),
    ("TEA-BREAKFAST", "KIT-MUG"),
    ("TEA-EARLGREY", "KIT-HONEY"),
    ("TEA-EARLGREY", "TEA-INFUSER"),
    ("TEA-EARLGREY", "KIT-MUG"),
    ("TEA-SENCHA", "TEA-INFUSER"),
    ("TEA-SENCHA", "TEA-KYUSU"),
    ("TEA-CHAMOMILE", "KIT-HONEY"),
    ("TEA-CHAI", "KIT-MANUKA"),
    ("TEA-CHAI", "KIT-MUG"),
    ("TEA-MATCHA", "TEA-WHISK"),
    ("TEA-ROOIBOS", "TEA-INFUSER"),
    ("TEA-KYUSU", "BOOK-TEA"),
    ("COF-HOUSE", "COF-FILTERS"),
    ("COF-HOUSE", "COF-GRINDER"),
    ("COF-HOUSE", "KIT-MUG"),
    ("COF-ESPRESSO", "COF-MACHINE"),
    ("COF-ESPRESSO", "COF-TAMPER"),
    ("COF-MACHINE", "COF-DESCALER"),
    ("COF-MACHINE", "COF-TAMPER"),
    ("COF-ETHIOPIA", "COF-DRIPPER"),
    ("COF-ETHIOPIA", "COF-FILTERS"),
    ("COF-DRIPPER", "COF-FILTERS"),
    ("COF-DRIPPER", "COF-KETTLE"),
    ("COF-GRINDER", "BOOK-COFFEE"),
    ("KIT-KNIFE", "KIT-BOARD"),
    ("KIT-KNIFE", "KIT-WHETSTONE"),
    ("KIT-OLIVEOIL", "KIT-SALT"),
    ("KIT-OLIVEOIL", "BOOK-MEDITERRANEAN"),
    ("KIT-COOKER", "BOOK-PRESSURE"),
    ("BABY-DIAPERS", "BABY-WIPES"),
    ("BABY-DIAPERS", "BABY-CREAM"),
    ("BABY-WIPES", "BABY-CREAM"),
    ("BABY-BOTTLE", "BABY-BRUSH"),
    ("BABY-WASH", "BABY-TOWEL"),
    ("BABY-CARRIER", "BOOK-BABYSLEEP"),
    ("BABY-TEETHER", "BOOK-FIRSTWORDS"),
    ("BABY-SWADDLE", "BOOK-BABYSLEEP"),
    ("BEA-SHAMPOO", "BEA-CONDITIONER"),
    ("BEA-SHAMPOO", "BEA-SOAPDISH"),
    ("BEA-FACECREAM", "BEA-SERUM"),
    ("BEA-FACECREAM", "BEA-CLEANSER"),
    ("BEA-LIPBALM", "BEA-HANDCREAM"),
    ("BEA-SUNSCREEN", "OUT-REPELLENT"),
    ("OUT-TENT", "OUT-SLEEPINGBAG"),
    ("OUT-TENT", "OUT-MAT"),
    ("OUT-TENT", "OUT-HEADLAMP"),
    ("OUT-SLEEPINGBAG", "OUT-MAT"),
    ("OUT-STOVE", "OUT-GAS"),
    ("OUT-STOVE", "OUT-POT"),
    ("OUT-HEADLAMP", "OUT-BOTTLE"),
    ("OUT-SOCKS", "BOOK-HIKES"),
    ("PET-DOGFOOD", "PET-TREATS"),
    ("PET-DOGFOOD", "PET-BOWL"),
    ("PET-CATFOOD", "PET-LITTER"),
    ("PET-LEASH", "PET-HARNESS"),
    ("PET-LEASH", "PET-BAGS"),
    ("PET-HARNESS", "PET-TRACKER"),
    ("PET-TREATS", "BOOK-PUPPY"),
    ("PET-TREATS", "PET-TOY"),
];

/// Every product the demo shop sells, in catalogue order.
pub fn products() -> Vec<Product> {
    ITEMS
        .iter()
        .map(|i| Product {
            sku: i.sku.to_string(),
            title: i.title.to_string(),
            category: i.category.to_string(),
            price: i.price(),
            needs_guide: i.kind == Kind::Guided,
        })
        .collect()
}

/// The product categories, each once, in catalogue order.
pub fn categories() -> Vec<&'static str> {
    Catalogue::get().categories.iter().map(|c| c.name).collect()
}

/// The SKUs usually bought together with `sku` (the ground truth a similar-items
/// model should find); empty for an unknown SKU.
pub fn complements(sku: &str) -> Vec<&'static str> {
    COMPLEMENTS
        .iter()
        .filter_map(|&(a, b)| {
            if a == sku {
                Some(b)
            } else if b == sku {
                Some(a)
            } else {
                None
            }
        })
        .collect()
}

pub(crate) struct Category {
    pub name: &'static str,
    /// Indices into `ITEMS`.
    pub items: Vec<usize>,
    /// Sum of the items' popularity: how much of the shop's sales this category makes.
    pub popularity: u32,
}

/// The tables indexed for sampling, built once: the order stream draws from them
/// hundreds of thousands of times.
pub(crate) struct Catalogue {
    pub categories: Vec<Category>,
    /// Complements per item, as indices into `ITEMS`.
    pub complements: Vec<Vec<usize>>,
}

impl Catalogue {
    pub fn get() -> &'static Catalogue {
        static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
        CATALOGUE.get_or_init(Catalogue::build)
    }

    fn build() -> Catalogue {
        let mut categories: Vec<Category> = Vec::new();
        for (i, item) in ITEMS.iter().enumerate() {
            match categories.iter_mut().find(|c| c.name == item.category) {
                Some(c) => {
                    c.items.push(i);
                    c.popularity += item.popularity;
                }
                None => categories.push(Category {
                    name: item.category,
                    items: vec![i],
                    popularity: item.popularity,
                }),
            }
        }
        let position = |sku: &str| {
            ITEMS
                .iter()
                .position(|i| i.sku == sku)
                .unwrap_or_else(|| panic!("complement {sku} is not in the catalogue"))
        };
        let mut complements = vec![Vec::new(); ITEMS.len()];
        for &(a, b) in COMPLEMENTS {
            let (a, b) = (position(a), position(b));
            complements[a].push(b);
            complements[b].push(a);
        }
        Catalogue {
            categories,
            complements,
        }
    }

    pub fn category_index(&self, name: &str) -> Option<usize> {
        self.categories.iter().position(|c| c.name == name)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn a_shop_sized_catalogue_with_unique_skus() {
        let products = products();
        assert!((75..=90).contains(&products.len()), "{}", products.len());
        let skus: BTreeSet<&str> = products.iter().map(|p| p.sku.as_str()).collect();
        assert_eq!(skus.len(), products.len(), "SKUs are unique");
        assert_eq!(
            categories(),
            [
                "tea", "coffee", "kitchen", "baby", "beauty", "books", "outdoor", "pets"
            ]
        );
        for c in &Catalogue::get().categories {
            assert!(c.items.len() >= 8, "{} has {} items", c.name, c.items.len());
        }
        for p in &products {
            assert!(
                p.price > Decimal::ZERO && p.price < Decimal::from(500),
                "{}",
                p.sku
            );
        }
    }

    #[test]
    fn a_few_products_need_a_guide_and_they_are_the_expensive_kind() {
        let guided: Vec<Product> = products().into_iter().filter(|p| p.needs_guide).collect();
        assert!((4..=8).contains(&guided.len()));
        assert!(guided.iter().any(|p| p.sku == "COF-MACHINE"));
        assert!(guided.iter().all(|p| p.price >= Decimal::from(40)));
    }

    #[test]
    fn complements_are_symmetric_and_known() {
        assert!(complements("TEA-EARLGREY").contains(&"KIT-HONEY"));
        assert!(complements("KIT-HONEY").contains(&"TEA-EARLGREY"));
        assert!(complements("BABY-WIPES").contains(&"BABY-DIAPERS"));
        assert!(complements("NOPE").is_empty());
        // Building the index panics on a misspelt complement.
        let index = Catalogue::get();
        assert!(index.complements.iter().filter(|c| !c.is_empty()).count() > ITEMS.len() / 2);
    }

    #[test]
    fn a_few_best_sellers_carry_a_large_share() {
        let mut weights: Vec<u32> = ITEMS.iter().map(|i| i.popularity).collect();
        weights.sort_unstable_by(|a, b| b.cmp(a));
        let total: u32 = weights.iter().sum();
        let tenth = weights.len() / 10;
        let top: u32 = weights[..tenth].iter().sum();
        assert!(
            top * 10 > total * 4,
            "a tenth of the products sell over 40%: {top} of {total}"
        );
    }
}
