//! Where customers live: countries that match their language, real cities and postcodes,
//! street addresses written the local way, and the centre that ships there.

use packwise_core::order::Address;
use rand::Rng;
use rand::seq::IndexedRandom;

struct Country {
    code: &'static str,
    cities: &'static [(&'static str, &'static str)],
    streets: &'static [&'static str],
    /// How a street and house number are written there.
    house_number_first: bool,
}

const COUNTRIES: &[Country] = &[
    Country {
        code: "DE",
        cities: &[
            ("Berlin", "10115"),
            ("Hamburg", "20095"),
            ("München", "80331"),
            ("Köln", "50667"),
            ("Leipzig", "04109"),
            ("Freiburg im Breisgau", "79098"),
        ],
        streets: &[
            "Hauptstraße",
            "Gartenweg",
            "Schillerstraße",
            "Lindenallee",
            "Bahnhofstraße",
        ],
        house_number_first: false,
    },
    Country {
        code: "GB",
        cities: &[
            ("London", "E1 6AN"),
            ("Manchester", "M1 1AE"),
            ("Bristol", "BS1 4DJ"),
            ("Edinburgh", "EH1 1YZ"),
            ("Leeds", "LS1 4AP"),
        ],
        streets: &[
            "High Street",
            "Station Road",
            "Church Lane",
            "Victoria Road",
            "Mill Lane",
        ],
        house_number_first: true,
    },
    Country {
        code: "IE",
        cities: &[
            ("Dublin", "D02 X285"),
            ("Cork", "T12 K8AF"),
            ("Galway", "H91 E2K3"),
        ],
        streets: &[
            "Main Street",
            "Grafton Street",
            "Patrick Street",
            "Shop Street",
        ],
        house_number_first: true,
    },
    Country {
        code: "FR",
        cities: &[
            ("Paris", "75011"),
            ("Lyon", "69002"),
            ("Marseille", "13001"),
            ("Bordeaux", "33000"),
            ("Lille", "59000"),
        ],
        streets: &[
            "rue de la République",
            "avenue Victor Hugo",
            "rue des Lilas",
            "boulevard Voltaire",
        ],
        house_number_first: true,
    },
    Country {
        code: "ES",
        cities: &[
            ("Madrid", "28013"),
            ("Barcelona", "08001"),
            ("Valencia", "46001"),
            ("Sevilla", "41001"),
            ("Bilbao", "48001"),
        ],
        streets: &[
            "Calle Mayor",
            "Avenida de la Constitución",
            "Calle del Sol",
            "Gran Vía",
        ],
        house_number_first: false,
    },
    Country {
        code: "ID",
        cities: &[
            ("Jakarta", "10110"),
            ("Bandung", "40111"),
            ("Surabaya", "60119"),
            ("Denpasar", "80361"),
            ("Yogyakarta", "55211"),
        ],
        streets: &[
            "Jl. Sudirman",
            "Jl. Merdeka",
            "Jl. Diponegoro",
            "Jl. Gajah Mada",
        ],
        house_number_first: false,
    },
];

/// The countries a customer speaking `locale` lives in, with relative weights.
pub(crate) fn countries_for(locale: &str) -> &'static [(&'static str, u32)] {
    match locale {
        "de-DE" => &[("DE", 1)],
        "fr-FR" => &[("FR", 1)],
        "es-ES" => &[("ES", 1)],
        "id-ID" => &[("ID", 1)],
        _ => &[("GB", 3), ("IE", 1)],
    }
}

/// The fulfillment centre that ships to `country`: Berlin for Germany, Amsterdam for the rest.
pub fn centre_for(country: &str) -> &'static str {
    if country == "DE" { "BER1" } else { "AMS1" }
}

/// A plausible street address in `country` for `name`.
pub(crate) fn address(rng: &mut impl Rng, country: &str, name: String) -> Address {
    let c = COUNTRIES
        .iter()
        .find(|c| c.code == country)
        .unwrap_or_else(|| panic!("no addresses for {country}"));
    let (city, postal_code) = *c.cities.choose(rng).expect("cities");
    let street = *c.streets.choose(rng).expect("streets");
    let number = rng.random_range(1..=120);
    let line1 = if c.house_number_first {
        format!("{number} {street}")
    } else if country == "ID" {
        format!("{street} No. {number}")
    } else {
        format!("{street} {number}")
    };
    let line2 = rng
        .random_bool(0.15)
        .then(|| format!("Apt {}", rng.random_range(1..=40)));
    Address {
        name,
        line1,
        line2,
        city: city.to_string(),
        region: None,
        postal_code: postal_code.to_string(),
        country: country.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    use super::*;
    use crate::demo::CENTRES;

    #[test]
    fn every_locale_maps_to_countries_with_addresses_and_a_centre() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for locale in ["en", "de-DE", "fr-FR", "es-ES", "id-ID"] {
            for (country, _) in countries_for(locale) {
                let a = address(&mut rng, country, "Ana Test".into());
                assert_eq!(a.country, *country);
                assert!(CENTRES.contains(&centre_for(country)));
            }
        }
        assert_eq!(centre_for("DE"), "BER1");
        assert_eq!(centre_for("FR"), "AMS1");
    }
}
