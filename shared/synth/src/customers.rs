//! Synthetic customers: who they are, where they live, what they like to buy, and what
//! the merchant knows about them (tags, NPS answer, birthday).

use chrono::{Duration, NaiveDate, NaiveTime};
use packwise_core::order::{Address, Channel, OrderCustomer};
use packwise_core::ports::CustomerAttributes;
use packwise_core::profile::NpsAnswer;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::catalogue::{Catalogue, ITEMS};
use crate::generator::{Generator, Purpose, key_of, weighted};
use crate::{names, places};

/// How a customer buys over time; decides how many orders their history holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Segment {
    /// At most one order in their history.
    OneTimer,
    /// A few orders spread over the two years.
    Repeat,
    /// Many, larger orders: lifetime value in the hundreds or thousands.
    Vip,
    /// Ordered a few times, then not in the last 120 days.
    Lapsed,
}

/// A synthetic customer, with what their orders and the merchant's records say of them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CustomerSeed {
    /// `C00001` for generated customers, `N{yyyymmdd}-{nnnn}` for a day's newcomers.
    pub id: String,
    /// Given name, common in the customer's language.
    pub first_name: String,
    /// Family name, common in the customer's language.
    pub last_name: String,
    /// A unique address at `example.com`.
    pub email: String,
    /// BCP 47 tag: `en`, `de-DE`, `fr-FR`, `es-ES` or `id-ID`.
    pub locale: String,
    /// Always in a country that speaks `locale`.
    pub ship_to: Address,
    /// How they buy over time.
    pub segment: Segment,
    /// Merchant tags: `parent`, `student`, `retiree`, `gift`.
    pub tags: Vec<String>,
    /// Their last answer to the NPS survey, if they answered.
    pub nps: Option<NpsAnswer>,
    /// Known for most customers.
    pub birthday: Option<NaiveDate>,
    /// The two categories this customer buys most from, favourite first.
    pub favourite_categories: Vec<String>,
    /// Where this customer usually orders.
    pub channel: Channel,
}

impl CustomerSeed {
    /// What the merchant would tell packwise about this customer.
    pub fn attributes(&self) -> CustomerAttributes {
        CustomerAttributes {
            tags: Some(self.tags.clone()),
            nps: self.nps.clone(),
            birthday: self.birthday,
            locale: Some(self.locale.clone()),
        }
    }

    /// The fulfillment centre that ships to this customer.
    pub fn centre(&self) -> &'static str {
        places::centre_for(&self.ship_to.country)
    }

    /// The customer as an order names them; marketplaces pass on no e-mail or birthday.
    pub(crate) fn on_order(&self, channel: Channel) -> OrderCustomer {
        let direct = !channel.is_marketplace();
        OrderCustomer {
            id: self.id.clone(),
            first_name: Some(self.first_name.clone()),
            email: direct.then(|| self.email.clone()),
            locale: Some(self.locale.clone()),
            birthday: self.birthday.filter(|_| direct),
        }
    }

    /// Favourite categories as indices into the catalogue's categories.
    pub(crate) fn taste(&self) -> Vec<usize> {
        let catalogue = Catalogue::get();
        self.favourite_categories
            .iter()
            .filter_map(|c| catalogue.category_index(c))
            .collect()
    }

    /// The consumables this customer restocks, one per favourite category (popular ones
    /// more often), as indices into the catalogue. Derived from the id, so a customer
    /// restocks the same things in every generated order.
    pub(crate) fn staples(&self) -> Vec<usize> {
        let catalogue = Catalogue::get();
        self.taste()
            .into_iter()
            .filter_map(|c| {
                let consumables: Vec<usize> = catalogue.categories[c]
                    .items
                    .iter()
                    .copied()
                    .filter(|&i| ITEMS[i].consumable())
                    .collect();
                if consumables.is_empty() {
                    return None;
                }
                let mut rng = ChaCha8Rng::seed_from_u64(key_of(&self.id) ^ c as u64);
                Some(*weighted(&mut rng, &consumables, |&i| {
                    f64::from(ITEMS[i].popularity)
                }))
            })
            .collect()
    }
}

const LOCALES: &[(&str, u32)] = &[
    ("en", 30),
    ("de-DE", 30),
    ("fr-FR", 15),
    ("es-ES", 15),
    ("id-ID", 10),
];

const SEGMENTS: &[(Segment, u32)] = &[
    (Segment::OneTimer, 40),
    (Segment::Repeat, 35),
    (Segment::Vip, 10),
    (Segment::Lapsed, 15),
];

/// How customers usually order: mostly the shop itself, some marketplaces, a little in store.
pub(crate) const CHANNELS: &[(Channel, u32)] = &[
    (Channel::Web, 52),
    (Channel::Mobile, 26),
    (Channel::Amazon, 8),
    (Channel::Ebay, 5),
    (Channel::Walmart, 3),
    (Channel::Store, 6),
];

fn pick<T: Copy>(rng: &mut impl Rng, table: &[(T, u32)]) -> T {
    weighted(rng, table, |(_, w)| f64::from(*w)).0
}

impl Generator {
    /// `n` customers, `C00001` to `Cn`; the first `k` are the same whatever `n` is.
    pub fn customers(&self, n: usize) -> Vec<CustomerSeed> {
        (0..n as u64)
            .map(|i| {
                let mut rng = self.rng(Purpose::Customer, i);
                self.customer(&mut rng, format!("C{:05}", i + 1), None)
            })
            .collect()
    }

    /// One customer with the given id; `segment` forces one (new customers are one-timers).
    pub(crate) fn customer(
        &self,
        rng: &mut impl Rng,
        id: String,
        segment: Option<Segment>,
    ) -> CustomerSeed {
        let locale = pick(rng, LOCALES);
        let country = pick(rng, places::countries_for(locale));
        let language = locale.split('-').next().expect("a language");
        let (firsts, lasts) = names::names(language);
        let first_name = firsts.choose(rng).expect("names").to_string();
        let last_name = lasts.choose(rng).expect("names").to_string();
        let email = format!(
            "{}.{}.{}@example.com",
            names::email_part(&first_name),
            names::email_part(&last_name),
            id.to_ascii_lowercase()
        );
        let segment = segment.unwrap_or_else(|| pick(rng, SEGMENTS));
        let mut tags = Vec::new();
        let life_stage = rng.random_range(0..100);
        let birth_years = match life_stage {
            0..25 => {
                tags.push("parent".to_string());
                1982..=1996
            }
            25..35 => {
                tags.push("student".to_string());
                2000..=2007
            }
            35..45 => {
                tags.push("retiree".to_string());
                1945..=1960
            }
            _ => 1960..=2000,
        };
        if rng.random_bool(0.12) {
            tags.push("gift".to_string());
        }
        let birthday = rng.random_bool(0.85).then(|| {
            let year = rng.random_range(birth_years);
            NaiveDate::from_yo_opt(year, rng.random_range(1..=365)).expect("a day of the year")
        });
        let nps = self.nps(rng, segment);
        let favourite_categories = favourites(rng, tags.iter().any(|t| t == "parent"));
        let channel = pick(rng, CHANNELS);
        let ship_to = places::address(rng, country, format!("{first_name} {last_name}"));
        CustomerSeed {
            id,
            first_name,
            last_name,
            email,
            locale: locale.to_string(),
            ship_to,
            segment,
            tags,
            nps,
            birthday,
            favourite_categories,
            channel,
        }
    }

    /// About a third answered the survey; VIPs more often and happier, lapsed ones less so.
    fn nps(&self, rng: &mut impl Rng, segment: Segment) -> Option<NpsAnswer> {
        let (answered, detractor, passive) = match segment {
            Segment::Vip => (0.6, 0.08, 0.27),
            Segment::Lapsed => (0.35, 0.45, 0.3),
            Segment::Repeat => (0.35, 0.15, 0.35),
            Segment::OneTimer => (0.25, 0.25, 0.35),
        };
        if !rng.random_bool(answered) {
            return None;
        }
        let r: f64 = rng.random();
        let score = if r < detractor {
            rng.random_range(0..=6)
        } else if r < detractor + passive {
            rng.random_range(7..=8)
        } else {
            rng.random_range(9..=10)
        };
        let day = self.today - Duration::days(rng.random_range(1..=300));
        let time = NaiveTime::from_num_seconds_from_midnight_opt(rng.random_range(0..86_400), 0)
            .expect("a time of day");
        Some(NpsAnswer {
            score,
            at: day.and_time(time).and_utc(),
        })
    }
}

/// Two distinct favourite categories; parents favour baby products, the rest follow
/// what the shop sells most.
fn favourites(rng: &mut impl Rng, parent: bool) -> Vec<String> {
    let categories = &Catalogue::get().categories;
    let mut chosen: Vec<&str> = Vec::with_capacity(2);
    if parent && rng.random_bool(0.7) {
        chosen.push("baby");
    }
    while chosen.len() < 2 {
        let c = weighted(rng, categories, |c| {
            if chosen.contains(&c.name) {
                0.0
            } else {
                f64::from(c.popularity)
            }
        });
        chosen.push(c.name);
    }
    chosen.into_iter().map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use packwise_core::CustomerProfile;

    use super::*;
    use crate::generator::DEFAULT_TODAY;

    fn share<K: Ord>(counts: &BTreeMap<K, usize>, key: K, n: usize) -> f64 {
        counts.get(&key).copied().unwrap_or(0) as f64 / n as f64
    }

    #[test]
    fn customers_are_varied_and_consistent() {
        let customers = Generator::new(11).customers(2000);
        let mut segments = BTreeMap::new();
        let mut locales = BTreeMap::new();
        for c in &customers {
            *segments.entry(c.segment).or_insert(0) += 1;
            *locales.entry(c.locale.as_str()).or_insert(0) += 1;
            let countries = places::countries_for(&c.locale);
            assert!(
                countries.iter().any(|(code, _)| *code == c.ship_to.country),
                "{} ships to {} but speaks {}",
                c.id,
                c.ship_to.country,
                c.locale
            );
            assert!(packwise_core::locale::is_language_tag(&c.locale));
            assert_eq!(c.favourite_categories.len(), 2);
            assert_ne!(c.favourite_categories[0], c.favourite_categories[1]);
            assert!(c.email.is_ascii() && c.email.contains('@'));
            if let Some(nps) = &c.nps {
                assert!(nps.score <= 10);
                assert!(nps.at.date_naive() < DEFAULT_TODAY);
            }
        }
        let n = customers.len();
        for segment in [
            Segment::OneTimer,
            Segment::Repeat,
            Segment::Vip,
            Segment::Lapsed,
        ] {
            assert!(share(&segments, segment, n) > 0.05, "{segment:?}");
        }
        for locale in ["en", "de-DE", "fr-FR", "es-ES", "id-ID"] {
            assert!(share(&locales, locale, n) > 0.05, "{locale}");
        }
        let first_names: std::collections::BTreeSet<&str> =
            customers.iter().map(|c| c.first_name.as_str()).collect();
        assert!(first_names.len() > 50);
        let with = |f: &dyn Fn(&CustomerSeed) -> bool| {
            customers.iter().filter(|c| f(c)).count() as f64 / n as f64
        };
        assert!((0.75..0.95).contains(&with(&|c| c.birthday.is_some())));
        assert!((0.2..0.5).contains(&with(&|c| c.nps.is_some())));
        for tag in ["parent", "student", "retiree", "gift"] {
            let tagged = with(&|c| c.tags.iter().any(|t| t == tag));
            assert!((0.05..0.35).contains(&tagged), "{tag}: {tagged}");
        }
    }

    #[test]
    fn parents_lean_to_baby_products() {
        let customers = Generator::new(3).customers(1000);
        let baby_fans = |parent: bool| {
            let group: Vec<&CustomerSeed> = customers
                .iter()
                .filter(|c| c.tags.iter().any(|t| t == "parent") == parent)
                .collect();
            let fans = group
                .iter()
                .filter(|c| c.favourite_categories.iter().any(|f| f == "baby"))
                .count();
            fans as f64 / group.len() as f64
        };
        assert!(baby_fans(true) > 2.0 * baby_fans(false));
    }

    #[test]
    fn a_prefix_of_customers_does_not_depend_on_how_many_were_asked_for() {
        let g = Generator::new(5);
        assert_eq!(g.customers(10), g.customers(50)[..10]);
    }

    #[test]
    fn attributes_carry_what_the_merchant_knows() {
        let c = Generator::new(2)
            .customers(200)
            .into_iter()
            .find(|c| c.nps.is_some() && c.birthday.is_some() && !c.tags.is_empty())
            .expect("someone answered the survey");
        let mut profile = CustomerProfile::new(crate::demo::MERCHANT, &c.id);
        c.attributes().apply_to(&mut profile);
        assert_eq!(profile.tags, c.tags);
        assert_eq!(profile.nps, c.nps);
        assert_eq!(profile.birthday, c.birthday);
        assert_eq!(profile.locale.as_deref(), Some(c.locale.as_str()));
    }

    #[test]
    fn marketplaces_get_no_email_or_birthday() {
        let c = &Generator::new(9).customers(1)[0];
        let web = c.on_order(Channel::Web);
        assert_eq!(web.email.as_deref(), Some(c.email.as_str()));
        let amazon = c.on_order(Channel::Amazon);
        assert_eq!(amazon.email, None);
        assert_eq!(amazon.birthday, None);
        assert_eq!(amazon.first_name, web.first_name);
    }

    #[test]
    fn staples_are_consumables_of_the_favourite_categories() {
        for c in Generator::new(4).customers(100) {
            let staples = c.staples();
            assert!(!staples.is_empty(), "{}", c.id);
            for s in staples {
                assert!(ITEMS[s].consumable());
                assert!(
                    c.favourite_categories
                        .iter()
                        .any(|f| f == ITEMS[s].category)
                );
            }
        }
    }
}
