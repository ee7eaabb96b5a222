//! Choosing the language a customer is addressed in.

/// A loose BCP 47 check: a 2–3 letter language, then alphanumeric subtags of 2–8.
pub fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split(['-', '_']);
    let lang_ok = parts
        .next()
        .is_some_and(|l| (2..=3).contains(&l.len()) && l.chars().all(|c| c.is_ascii_alphabetic()));
    lang_ok
        && parts.all(|p| (2..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// Picks the best key of `available` for `wanted`: exact tag, then its language, then
/// `fallback` and its language, then English, then the first one.
pub fn negotiate<'a, I>(wanted: &[&str], fallback: &str, available: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str> + Clone,
{
    let norm = |t: &str| t.replace('_', "-").to_ascii_lowercase();
    let lang = |t: &str| norm(t).split('-').next().unwrap_or_default().to_string();
    for w in wanted.iter().copied().chain([fallback, "en"]) {
        let (exact, language) = (norm(w), lang(w));
        let hit = available
            .clone()
            .into_iter()
            .find(|a| norm(a) == exact)
            .or_else(|| available.clone().into_iter().find(|a| norm(a) == language))
            .or_else(|| available.clone().into_iter().find(|a| lang(a) == language));
        if hit.is_some() {
            return hit;
        }
    }
    available.into_iter().next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags() {
        assert!(is_language_tag("de"));
        assert!(is_language_tag("pt-BR"));
        assert!(is_language_tag("zh-Hant-TW"));
        assert!(!is_language_tag("german"));
        assert!(!is_language_tag(""));
    }

    #[test]
    fn negotiation_prefers_exact_then_language_then_fallback() {
        let keys = ["en", "de", "fr-CA"];
        assert_eq!(negotiate(&["de-AT"], "en", keys), Some("de"));
        assert_eq!(negotiate(&["fr-FR"], "en", keys), Some("fr-CA"));
        assert_eq!(negotiate(&["es"], "de", keys), Some("de"));
        assert_eq!(negotiate(&["es"], "it", keys), Some("en"));
        assert_eq!(negotiate(&["es"], "it", ["nl"]), Some("nl"));
    }
}
