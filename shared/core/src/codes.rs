//! Values derived from the merchant's secret: coupon codes and holdout groups. Deriving
//! them (HMAC-SHA256) instead of drawing them at random makes a retried order reproduce
//! the same code, and keeps a customer in the same group for the life of a campaign.

use hmac::{Hmac, Mac};
use rust_decimal::Decimal;
use sha2::Sha256;

/// Code alphabet without look-alikes: no 0/O, 1/I/L, and no U (avoids accidental words).
const ALPHABET: &[u8; 30] = b"23456789ABCDEFGHJKMNPQRSTVWXYZ";
const CODE_CHARS: usize = 10;

/// The merchant's secret with its HMAC key schedule done once: keying costs two SHA-256
/// blocks, paid per campaign set instead of per code or holdout check.
#[derive(Clone)]
pub struct Secret(Hmac<Sha256>);

impl Secret {
    pub fn new(secret: &str) -> Self {
        Secret(
            Hmac::<Sha256>::new_from_slice(secret.as_bytes())
                .expect("HMAC accepts keys of any size"),
        )
    }
}

fn mac(secret: &Secret, parts: &[&str]) -> [u8; 32] {
    let mut mac = secret.0.clone();
    for part in parts {
        // Length-prefixed so that ("ab", "c") and ("a", "bc") differ.
        mac.update(&(part.len() as u32).to_be_bytes());
        mac.update(part.as_bytes());
    }
    mac.finalize().into_bytes().into()
}

/// `PREFIX-XXXXX-XXXXX`: 10 characters from a 30-letter alphabet (about 49 bits), unique
/// per merchant, campaign and order.
pub fn coupon_code(
    secret: &Secret,
    merchant: &str,
    campaign: &str,
    order: &str,
    prefix: &str,
) -> String {
    let digest = mac(secret, &["coupon", merchant, campaign, order]);
    let mut n = u128::from_be_bytes(digest[..16].try_into().expect("16 bytes"));
    let mut code = String::with_capacity(prefix.len() + CODE_CHARS + 2);
    code.push_str(prefix);
    for i in 0..CODE_CHARS {
        if i % 5 == 0 {
            code.push('-');
        }
        code.push(ALPHABET[(n % ALPHABET.len() as u128) as usize] as char);
        n /= ALPHABET.len() as u128;
    }
    code
}

/// Whether `code` has the shape `coupon_code` gives: a campaign's prefix (1 to 16 of
/// A–Z and 0–9), then two groups of five from the alphabet. Only such codes of an order are
/// looked up for redemption, so a shop's own codes (or junk) cost no read.
pub fn looks_issued(code: &str) -> bool {
    let Some(body_start) = code.len().checked_sub(CODE_CHARS + 2) else {
        return false;
    };
    let (prefix, body) = code.split_at_checked(body_start).unwrap_or(("", ""));
    let groups_ok = body.len() == CODE_CHARS + 2
        && body.bytes().enumerate().all(|(i, b)| match i {
            0 | 6 => b == b'-',
            _ => ALPHABET.contains(&b),
        });
    let prefix_ok = (1..=16).contains(&prefix.len())
        && prefix
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    groups_ok && prefix_ok
}

/// Whether the customer is in the campaign's holdout group: a stable bucket 0..10000
/// compared with the percentage in hundredths.
pub fn in_holdout(
    secret: &Secret,
    merchant: &str,
    campaign: &str,
    customer: &str,
    percent: Decimal,
) -> bool {
    if percent <= Decimal::ZERO {
        return false;
    }
    let digest = mac(secret, &["holdout", merchant, campaign, customer]);
    let bucket = u64::from_be_bytes(digest[..8].try_into().expect("8 bytes")) % 10_000;
    let threshold = (percent * Decimal::ONE_HUNDRED).trunc();
    Decimal::from(bucket) < threshold
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn secret() -> Secret {
        Secret::new("0123456789abcdef-test")
    }

    #[test]
    fn codes_are_stable_readable_and_distinct() {
        let a = coupon_code(&secret(), "acme", "welcome", "1001", "WELCOME");
        assert_eq!(
            a,
            coupon_code(&secret(), "acme", "welcome", "1001", "WELCOME")
        );
        assert_eq!(a.len(), "WELCOME".len() + 12);
        assert!(a.starts_with("WELCOME-"));
        let body: String = a["WELCOME-".len()..].replace('-', "");
        assert!(body.bytes().all(|b| ALPHABET.contains(&b)), "{a}");
        assert_ne!(
            a,
            coupon_code(&secret(), "acme", "welcome", "1002", "WELCOME")
        );
        assert_ne!(a, coupon_code(&secret(), "acme", "vip", "1001", "WELCOME"));
        assert_ne!(
            a,
            coupon_code(
                &Secret::new("another-secret-value"),
                "acme",
                "welcome",
                "1001",
                "WELCOME"
            )
        );
        let codes: std::collections::HashSet<String> = (0..20_000)
            .map(|i| coupon_code(&secret(), "acme", "welcome", &i.to_string(), "W"))
            .collect();
        assert_eq!(codes.len(), 20_000);
    }

    #[test]
    fn issued_codes_are_recognised_and_others_are_not() {
        for i in 0..200 {
            let code = coupon_code(&secret(), "acme", "welcome", &i.to_string(), "WELCOME");
            assert!(looks_issued(&code), "{code}");
        }
        assert!(looks_issued("A1-23456-789AB"));
        for other in [
            "",
            "SUMMER10",
            "-23456-789AB",
            "WELCOME-23456-789A",
            "WELCOME-23456-789AO",
            "WELCOME 23456-789AB",
            "welcome-23456-789ab",
            "SEVENTEENLETTERSX-23456-789AB",
            "A_1-23456-789AB",
            "WELCOME-23456_789AB",
            "WÉLCOME-23456-789AB",
        ] {
            assert!(!looks_issued(other), "{other}");
        }
    }

    #[test]
    fn holdout_share_matches_the_percentage() {
        let held = (0..20_000)
            .filter(|i| in_holdout(&secret(), "acme", "welcome", &format!("c{i}"), dec!(10)))
            .count();
        assert!(
            (1_800..2_200).contains(&held),
            "{held} of 20000 held out at 10%"
        );
        assert!(!in_holdout(&secret(), "acme", "welcome", "c1", dec!(0)));
        let always =
            (0..1000).all(|i| in_holdout(&secret(), "acme", "x", &i.to_string(), dec!(100)));
        assert!(always);
    }
}
