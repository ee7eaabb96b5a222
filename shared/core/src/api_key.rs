//! Merchant API keys: issued once as a bearer token, stored only as a hash.
//!
//! A token reads `pw_<id>_<secret>`: `pw_` marks it as ours (so a leaked one is easy to
//! recognise in logs and by secret scanners), `<id>` is the public key id the store looks
//! the key up by, and `<secret>` is what proves the caller holds it. Both parts are
//! lowercase base32 (RFC 4648 alphabet `a-z2-7`, no padding), so a token survives URLs,
//! headers and shell quoting and selects whole with a double click.
//!
//! Randomness comes from the caller, so everything here is pure and testable: of the 32
//! random bytes, the id takes 60 bits of the first 8 (12 characters) and the secret 190
//! bits of the other 24 (38 characters). The id's bits and the secret's never overlap, so
//! knowing an id says nothing about its secret.
//!
//! Why one SHA-256 and not a slow password hash (bcrypt, scrypt, Argon2): slow hashes exist
//! because people choose guessable passwords, and slowing each guess is all that stands
//! between a stolen hash and the password. A secret here is 190 uniformly random bits:
//! nobody can enumerate that space at any hash speed, and since every secret is unique no
//! salt is needed against precomputed tables. A slow hash would buy no security and cost
//! tens of milliseconds of CPU on every API request, a denial-of-service lever for anyone
//! sending garbage tokens.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::validation::{Invalid, Problems};

/// Marks a string as a packwise token.
const PREFIX: &str = "pw_";
const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
/// Characters of the public id: 60 bits, the most that 8 random bytes fill whole.
pub const ID_LEN: usize = 12;
/// Characters of the secret: 190 bits, the most that 24 random bytes fill whole.
pub const SECRET_LEN: usize = 38;
/// Longest label a key may carry: enough to say who or what uses it.
pub const MAX_LABEL: usize = 100;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKey {
    /// Public key id: [`ID_LEN`] lowercase base32 characters.
    pub id: String,
    pub merchant: String,
    /// Lowercase hex SHA-256 of the token's secret part.
    pub secret_sha256: String,
    pub label: Option<String>,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A key just issued, with the only copy of its token there will ever be.
pub struct IssuedKey {
    /// `pw_<id>_<secret>`: show it once, never store it.
    pub token: String,
    pub key: ApiKey,
}

/// Issues a key for `merchant`. `random` must come from a cryptographically secure source
/// (the operating system's): the id is made of the first 8 bytes, the secret of the other
/// 24, as the module documentation describes.
pub fn issue(
    merchant: &str,
    label: Option<&str>,
    random: [u8; 32],
    now: DateTime<Utc>,
) -> IssuedKey {
    let id = base32(&random[..8], ID_LEN);
    let secret = base32(&random[8..], SECRET_LEN);
    let token = format!("{PREFIX}{id}_{secret}");
    IssuedKey {
        token,
        key: ApiKey {
            id,
            merchant: merchant.to_string(),
            secret_sha256: sha256_hex(&secret),
            label: label.map(str::to_string),
            created_at: now,
            revoked_at: None,
        },
    }
}

/// Splits a bearer token into (id, secret); None when it is not a packwise token: the
/// prefix, both parts at their exact lengths and only base32 characters, nothing more.
pub fn parse_token(token: &str) -> Option<(&str, &str)> {
    let rest = token.strip_prefix(PREFIX)?;
    let (id, secret) = rest.split_once('_')?;
    let well_formed =
        |part: &str, len: usize| part.len() == len && part.bytes().all(|b| ALPHABET.contains(&b));
    (well_formed(id, ID_LEN) && well_formed(secret, SECRET_LEN)).then_some((id, secret))
}

/// Checks a label for a key: at most [`MAX_LABEL`] characters, no control characters, not
/// blank. Listings print it on one line, so a newline in it would forge a row.
pub fn validate_label(label: &str) -> Result<(), Invalid> {
    let mut p = Problems::default();
    if label.trim().is_empty() {
        p.add("label", "must not be blank (leave it out instead)");
    } else if label.chars().count() > MAX_LABEL {
        p.add("label", format!("must be at most {MAX_LABEL} characters"));
    } else if label.chars().any(char::is_control) {
        p.add("label", "must not contain control characters");
    }
    p.finish()
}

impl ApiKey {
    /// Whether `secret` is this key's secret. The comparison of the hashes takes the same
    /// time wherever they differ: a byte-by-byte early exit would let a caller measuring
    /// response times learn the stored hash a byte at a time. The hash alone does not give
    /// the secret away, but there is no reason to leak it, and `subtle` makes it free.
    pub fn matches(&self, secret: &str) -> bool {
        sha256_hex(secret)
            .as_bytes()
            .ct_eq(self.secret_sha256.as_bytes())
            .into()
    }

    /// A key authenticates until it is revoked; revocation takes effect at once.
    pub fn is_active(&self) -> bool {
        self.revoked_at.is_none()
    }
}

fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The first `chars * 5` bits of `bytes`, most significant first, as base32 characters.
fn base32(bytes: &[u8], chars: usize) -> String {
    debug_assert!(chars * 5 <= bytes.len() * 8, "not enough random bits");
    (0..chars)
        .map(|i| {
            let value = (0..5).fold(0usize, |value, j| {
                let bit = i * 5 + j;
                let set = bytes[bit / 8] >> (7 - bit % 8) & 1;
                value << 1 | usize::from(set)
            });
            char::from(ALPHABET[value])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-03-04T05:06:07Z".parse().unwrap()
    }

    fn random(seed: u8) -> [u8; 32] {
        std::array::from_fn(|i| seed.wrapping_mul(31).wrapping_add(i as u8 * 7))
    }

    #[test]
    fn an_issued_token_parses_back_and_matches_its_key() {
        let issued = issue("acme", Some("warehouse"), random(1), now());
        let (id, secret) = parse_token(&issued.token).expect("a well-formed token");
        assert_eq!(id, issued.key.id);
        assert_eq!(id.len(), ID_LEN);
        assert_eq!(secret.len(), SECRET_LEN);
        assert!(issued.key.matches(secret));
        assert!(issued.key.is_active());
        assert_eq!(issued.key.merchant, "acme");
        assert_eq!(issued.key.label.as_deref(), Some("warehouse"));
        assert_eq!(issued.key.created_at, now());
        assert!(!issued.token.contains(&issued.key.secret_sha256));
    }

    #[test]
    fn the_stored_hash_is_sha256_of_the_secret_and_not_the_secret() {
        let issued = issue("acme", None, random(2), now());
        let (_, secret) = parse_token(&issued.token).unwrap();
        assert_eq!(issued.key.secret_sha256.len(), 64);
        assert_ne!(issued.key.secret_sha256, secret);
        // The published SHA-256 of "abc", so a change of the hash is seen here.
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn the_bits_are_laid_out_as_documented() {
        let mut bytes = [0u8; 32];
        bytes[0] = 0b0000_1000; // the id's first five bits are 1 -> `b`
        bytes[8] = 0b1111_1000; // the secret's first character is 31 -> `7`
        let issued = issue("acme", None, bytes, now());
        assert_eq!(
            issued.token,
            format!("pw_baaaaaaaaaaa_7{}", "a".repeat(SECRET_LEN - 1))
        );
        // Different randomness gives a different id and secret.
        let other = issue("acme", None, random(3), now());
        assert_ne!(other.key.id, issued.key.id);
        assert_ne!(other.key.secret_sha256, issued.key.secret_sha256);
    }

    #[test]
    fn a_wrong_secret_does_not_match() {
        let issued = issue("acme", None, random(4), now());
        let other = issue("acme", None, random(5), now());
        let (_, other_secret) = parse_token(&other.token).unwrap();
        assert!(!issued.key.matches(other_secret));
        let (_, secret) = parse_token(&issued.token).unwrap();
        let mut changed = secret.to_string();
        changed.replace_range(0..1, if secret.starts_with('a') { "b" } else { "a" });
        assert!(!issued.key.matches(&changed));
        assert!(!issued.key.matches(""));
        assert!(!issued.key.matches(&issued.key.secret_sha256));
    }

    #[test]
    fn a_secret_presented_with_another_keys_id_is_refused() {
        let mine = issue("acme", None, random(6), now());
        let theirs = issue("globex", None, random(7), now());
        let (_, my_secret) = parse_token(&mine.token).unwrap();
        // The id picks the key the secret is checked against: swapping it for another
        // key's id must not let this secret in as that key.
        let tampered = format!("pw_{}_{my_secret}", theirs.key.id);
        let (id, secret) = parse_token(&tampered).expect("well-formed, just not genuine");
        assert_eq!(id, theirs.key.id);
        assert!(!theirs.key.matches(secret));
    }

    #[test]
    fn malformed_tokens_are_refused() {
        let good = issue("acme", None, random(8), now()).token;
        let (id, secret) = parse_token(&good).unwrap();
        let refused = [
            String::new(),
            "pw_".to_string(),
            "pw__".to_string(),
            format!("sk_{id}_{secret}"),
            format!("PW_{id}_{secret}"),
            format!("{id}_{secret}"),
            format!("pw_{id}{secret}"),
            format!("pw_{id}_{secret}_"),
            format!("pw_{id}_{secret}_x"),
            format!("pw_{id}__{secret}"),
            format!("pw__{id}_{secret}"),
            format!("pw_{}_{secret}", id.to_uppercase()),
            format!("pw_{id}_{}", secret.to_uppercase()),
            format!("pw_{}1_{secret}", &id[1..]),
            format!("pw_{id}_{}8", &secret[1..]),
            format!("pw_{}_{secret}", &id[1..]),
            format!("pw_{id}_{secret}a"),
            format!(" pw_{id}_{secret}"),
            format!("pw_{id}_{secret} "),
            format!("pw_{}é_{secret}", &id[2..]),
        ];
        for token in refused {
            assert_eq!(parse_token(&token), None, "{token:?}");
        }
        assert_eq!(parse_token(&good), Some((id, secret)));
    }

    #[test]
    fn a_revoked_key_is_inactive_but_still_knows_its_secret() {
        let issued = issue("acme", None, random(9), now());
        let mut key = issued.key;
        key.revoked_at = Some(now());
        assert!(!key.is_active());
        // Revocation is checked apart from the secret, so the caller can say which failed.
        let (_, secret) = parse_token(&issued.token).unwrap();
        assert!(key.matches(secret));
    }

    #[test]
    fn labels_are_short_printable_and_not_blank() {
        assert!(validate_label("warehouse scanner 2").is_ok());
        assert!(validate_label(&"x".repeat(MAX_LABEL)).is_ok());
        for (label, reason) in [
            ("", "must not be blank"),
            ("  ", "must not be blank"),
            ("two\nlines", "control characters"),
            (&"x".repeat(MAX_LABEL + 1), "at most 100 characters"),
        ] {
            let err = validate_label(label).unwrap_err().to_string();
            assert!(err.starts_with("label: "), "{err}");
            assert!(err.contains(reason), "{label:?}: {err}");
        }
    }
}
