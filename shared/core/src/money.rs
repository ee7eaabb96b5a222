//! Money is a decimal amount with its ISO 4217 currency; never a float.

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An ISO 4217 currency code such as `EUR`, checked against the standard's list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency(iso_currency::Currency);

impl Currency {
    pub fn code(&self) -> &'static str {
        self.0.code()
    }

    /// Digits after the decimal point in the currency's minor unit (2 for EUR, 0 for JPY).
    pub fn minor_digits(&self) -> u32 {
        self.0.exponent().map(u32::from).unwrap_or(2)
    }

    /// Rounds an amount to the currency's minor unit, half away from zero as tills do.
    pub fn round(&self, amount: Decimal) -> Decimal {
        amount.round_dp_with_strategy(self.minor_digits(), RoundingStrategy::MidpointAwayFromZero)
    }
}

impl FromStr for Currency {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        iso_currency::Currency::from_code(s)
            .map(Currency)
            .ok_or_else(|| format!("`{s}` is not an ISO 4217 currency code"))
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = String::deserialize(d)?;
        code.parse().map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Currency {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Currency".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[A-Z]{3}$",
            "description": "ISO 4217 currency code"
        })
    }
}

impl Currency {
    /// Every code the standard's list holds, alphabetically: the codes this type reads.
    pub fn all_codes() -> Vec<&'static str> {
        let letters = b'A'..=b'Z';
        let mut codes = Vec::new();
        for a in letters.clone() {
            for b in letters.clone() {
                for c in letters.clone() {
                    let code = [a, b, c];
                    let code = std::str::from_utf8(&code).expect("ASCII letters");
                    if let Some(currency) = iso_currency::Currency::from_code(code) {
                        codes.push(currency.code());
                    }
                }
            }
        }
        codes
    }
}

/// In the API's OpenAPI document every accepted code is listed, so clients (and the
/// tests generated from the document) know which ones the API reads.
impl utoipa::PartialSchema for Currency {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::Type::String)
            .enum_values(Some(Currency::all_codes()))
            .description(Some("ISO 4217 currency code"))
            .into()
    }
}

impl utoipa::ToSchema for Currency {}

/// The schema of decimal fields in the API's OpenAPI document (`#[schema(value_type =
/// DecimalString)]`): a string of digits with an optional fraction, as rust_decimal
/// writes them (`"12.50"`), so no reader turns an amount into a float.
pub struct DecimalString;

impl utoipa::PartialSchema for DecimalString {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::Type::String)
            .pattern(Some(r"^-?[0-9]+(\.[0-9]+)?$"))
            .description(Some(
                "A decimal number written as a string, such as `\"12.50\"`",
            ))
            .into()
    }
}

impl utoipa::ToSchema for DecimalString {
    fn name() -> std::borrow::Cow<'static, str> {
        "Decimal".into()
    }
}

/// A decimal amount in a currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Money {
    /// Decimal amount, written as a string (`"12.50"`) so no reader turns it into a float.
    #[schemars(with = "String")]
    pub amount: Decimal,
    pub currency: Currency,
}

impl Money {
    pub fn new(amount: Decimal, currency: Currency) -> Self {
        Money { amount, currency }
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.currency.minor_digits();
        let rounded = self.currency.round(self.amount);
        write!(f, "{:.*} {}", digits as usize, rounded, self.currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn unknown_currency_codes_are_rejected() {
        assert!("EUR".parse::<Currency>().is_ok());
        let err = "EUX".parse::<Currency>().unwrap_err();
        assert!(err.contains("EUX"), "{err}");
        assert!(serde_json::from_str::<Currency>("\"eur\"").is_err());
    }

    #[test]
    fn rounding_follows_the_minor_unit() {
        let jpy: Currency = "JPY".parse().unwrap();
        let eur: Currency = "EUR".parse().unwrap();
        assert_eq!(jpy.round(dec!(1234.5)), dec!(1235));
        assert_eq!(eur.round(dec!(2.345)), dec!(2.35));
        assert_eq!(Money::new(dec!(5), eur).to_string(), "5.00 EUR");
        assert_eq!(Money::new(dec!(500), jpy).to_string(), "500 JPY");
    }

    #[test]
    fn amounts_travel_as_strings() {
        let m = Money::new(dec!(19.99), "USD".parse().unwrap());
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json, r#"{"amount":"19.99","currency":"USD"}"#);
        assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), m);
    }
}
