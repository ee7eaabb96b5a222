//! First and last names per language, so that slips and messages read like real ones.

/// First and last names common among customers who speak `language`.
pub(crate) fn names(language: &str) -> (&'static [&'static str], &'static [&'static str]) {
    match language {
        "de" => (DE_FIRST, DE_LAST),
        "fr" => (FR_FIRST, FR_LAST),
        "es" => (ES_FIRST, ES_LAST),
        "id" => (ID_FIRST, ID_LAST),
        _ => (EN_FIRST, EN_LAST),
    }
}

const EN_FIRST: &[&str] = &[
    "Olivia", "James", "Amelia", "Oliver", "Isla", "Harry", "Grace", "Jack", "Chloe", "Noah",
    "Sophie", "Liam", "Aisha", "Priya", "Mohammed", "Siobhan", "Ciarán", "Emily", "Arjun", "Zara",
];
const EN_LAST: &[&str] = &[
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Evans", "Murphy", "O'Brien",
    "Patel", "Khan", "Walsh", "Thompson", "Byrne", "Clarke",
];
const DE_FIRST: &[&str] = &[
    "Lena",
    "Jonas",
    "Mia",
    "Lukas",
    "Hannah",
    "Felix",
    "Emma",
    "Paul",
    "Leonie",
    "Maximilian",
    "Emir",
    "Zeynep",
    "Jürgen",
    "Sabine",
    "Anja",
    "Tobias",
    "Özlem",
    "Katarzyna",
];
const DE_LAST: &[&str] = &[
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Hoffmann",
    "Schäfer",
    "Yılmaz",
    "Kowalski",
    "Koch",
    "Richter",
];
const FR_FIRST: &[&str] = &[
    "Chloé", "Louis", "Camille", "Hugo", "Léa", "Gabriel", "Manon", "Arthur", "Inès", "Jules",
    "Yasmine", "Mathis", "Élodie", "Karim", "Amandine",
];
const FR_LAST: &[&str] = &[
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Benali", "Lefèvre", "Garnier",
];
const ES_FIRST: &[&str] = &[
    "Lucía", "Hugo", "Martina", "Mateo", "Sofía", "Pablo", "Valeria", "Álvaro", "Carmen", "Javier",
    "Nerea", "Iñaki", "Paula", "Sergio", "Ainhoa",
];
const ES_LAST: &[&str] = &[
    "García",
    "Rodríguez",
    "González",
    "Fernández",
    "López",
    "Martínez",
    "Sánchez",
    "Pérez",
    "Gómez",
    "Ruiz",
    "Navarro",
    "Etxeberria",
];
const ID_FIRST: &[&str] = &[
    "Putri", "Budi", "Siti", "Agus", "Dewi", "Rizky", "Ayu", "Andi", "Nur", "Fajar", "Wayan",
    "Intan", "Bayu", "Ratna",
];
const ID_LAST: &[&str] = &[
    "Santoso", "Wijaya", "Saputra", "Hidayat", "Kusuma", "Pratama", "Lestari", "Nugroho",
    "Susanto", "Hartono", "Setiawan",
];

/// `name` in lower-case ASCII for an e-mail address: accents dropped, the rest removed.
pub(crate) fn email_part(name: &str) -> String {
    name.chars()
        .filter_map(|c| {
            let plain = match c {
                'á' | 'à' | 'â' | 'ä' | 'Á' | 'À' | 'Â' | 'Ä' => 'a',
                'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' => 'e',
                'í' | 'ì' | 'î' | 'ï' | 'ı' | 'Í' | 'Î' => 'i',
                'ó' | 'ò' | 'ô' | 'ö' | 'Ó' | 'Ö' => 'o',
                'ú' | 'ù' | 'û' | 'ü' | 'Ú' | 'Ü' => 'u',
                'ñ' | 'Ñ' => 'n',
                'ç' | 'Ç' => 'c',
                'ß' => 's',
                c if c.is_ascii_alphanumeric() => c.to_ascii_lowercase(),
                _ => return None,
            };
            Some(plain)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_parts_are_plain_ascii() {
        assert_eq!(email_part("Jürgen"), "jurgen");
        assert_eq!(email_part("O'Brien"), "obrien");
        assert_eq!(email_part("Álvaro"), "alvaro");
        assert_eq!(email_part("Yılmaz"), "yilmaz");
        for language in ["en", "de", "fr", "es", "id"] {
            let (first, last) = names(language);
            for name in first.iter().chain(last) {
                let part = email_part(name);
                assert!(part.len() >= 2, "{name} -> {part}");
            }
        }
    }
}
