//! Coupon redemption: an order that carries a code packwise issued redeems it, once, and
//! its revenue is attributed to the campaign that issued the code.
//!
//! The shop's checkout decides whether a code is accepted (expiry, minimum spend); an
//! order that arrives carrying the code was accepted, so it is counted as it is. What is
//! refused here is only what cannot be a redemption: a code redeemed before, a code
//! printed on this very order, and an order placed before the code existed (history
//! imported out of order).

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::codes::looks_issued;
use crate::decide::IssuedCoupon;
use crate::money::Currency;
use crate::order::Order;

/// Codes looked up per order: a basket rarely carries more than one or two, and each is
/// one more key in the order's read.
pub const MAX_CODES_LOOKED_UP: usize = 5;

/// Which order redeemed a coupon, and when it was placed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Redemption {
    pub order_id: String,
    pub at: DateTime<Utc>,
}

/// One coupon an order redeems: the coupon is marked with `redemption` (only if no order
/// marked it before) and the order's total is counted for `campaign`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CouponRedeemed {
    pub code: String,
    pub campaign: String,
    pub redemption: Redemption,
    pub currency: Currency,
    pub revenue: Decimal,
}

/// The order's codes worth looking up, as codes are stored: trimmed, upper case (shops
/// differ in how they echo what the customer typed), shaped like an issued code, each
/// once, at most `MAX_CODES_LOOKED_UP`.
pub fn candidate_codes(order: &Order) -> Vec<String> {
    let mut codes: Vec<String> = Vec::new();
    for code in &order.discount_codes {
        let code = code.trim().to_ascii_uppercase();
        if looks_issued(&code) && !codes.contains(&code) {
            codes.push(code);
            if codes.len() == MAX_CODES_LOOKED_UP {
                break;
            }
        }
    }
    codes
}

/// What the order redeems of `found`, the coupons its candidate codes found.
pub fn redemptions(order: &Order, found: &[IssuedCoupon]) -> Vec<CouponRedeemed> {
    found
        .iter()
        .filter(|c| c.merchant == order.merchant)
        .filter(|c| c.redeemed.is_none())
        .filter(|c| c.order_id != order.order_id)
        .filter(|c| c.issued_at <= order.placed_at)
        .map(|c| CouponRedeemed {
            code: c.code.clone(),
            campaign: c.campaign.clone(),
            redemption: Redemption {
                order_id: order.order_id.clone(),
                at: order.placed_at,
            },
            currency: order.currency,
            revenue: order.totals.total,
        })
        .collect()
}

/// The counter a campaign's attributed revenue in `currency` adds up in, in the
/// currency's minor units (cents), so counters stay integers on every store.
pub fn revenue_counter(currency: Currency) -> String {
    format!("{REVENUE_PREFIX}{}", currency.code())
}

const REVENUE_PREFIX: &str = "revenue.";

/// The currency a counter adds revenue up in, if it is a revenue counter.
pub fn revenue_currency(counter: &str) -> Option<Currency> {
    counter.strip_prefix(REVENUE_PREFIX)?.parse().ok()
}

/// An amount in minor units, as the revenue counter adds it; a negative total counts 0.
pub fn minor_units(amount: Decimal, currency: Currency) -> u64 {
    let scaled = currency.round(amount) * Decimal::from(10u64.pow(currency.minor_digits()));
    u64::try_from(scaled.trunc()).unwrap_or(0)
}

/// Minor units back to an amount with the currency's digits (`375.00`), for reports.
pub fn from_minor_units(units: u64, currency: Currency) -> Decimal {
    Decimal::from_i128_with_scale(i128::from(units), currency.minor_digits())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::{Secret, coupon_code};
    use crate::samples::ORDER_JSON;

    fn order(id: &str, codes: &[&str]) -> Order {
        let mut order: Order = serde_json::from_str(ORDER_JSON).unwrap();
        order.order_id = id.to_string();
        order.discount_codes = codes.iter().map(|c| c.to_string()).collect();
        order
    }

    fn issued(by: &Order, campaign: &str) -> IssuedCoupon {
        let code = coupon_code(
            &Secret::new("secret"),
            &by.merchant,
            campaign,
            &by.order_id,
            "THANKS",
        );
        IssuedCoupon {
            code,
            merchant: by.merchant.clone(),
            campaign: campaign.to_string(),
            order_id: by.order_id.clone(),
            customer_id: by.customer.id.clone(),
            value: crate::campaign::CouponValue::Percent {
                percent: Decimal::TEN,
            },
            currency: by.currency,
            issued_at: by.placed_at - chrono::Duration::days(3),
            expires_on: by.placed_at.date_naive(),
            min_spend: None,
            redeemed: None,
        }
    }

    #[test]
    fn only_codes_shaped_like_ours_are_looked_up_once_each() {
        let first = order("1", &[]);
        let ours = issued(&first, "thanks").code;
        let typed = format!("  {}  ", ours.to_lowercase());
        let o = order("2", &["SUMMER10", &typed, &ours, "x".repeat(5000).as_str()]);
        assert_eq!(candidate_codes(&o), [ours]);
        let many: Vec<String> = (0..9)
            .map(|i| issued(&order(&i.to_string(), &[]), "thanks").code)
            .collect();
        let refs: Vec<&str> = many.iter().map(String::as_str).collect();
        assert_eq!(candidate_codes(&order("3", &refs)), many[..5]);
    }

    #[test]
    fn an_order_redeems_an_issued_code_and_carries_its_total() {
        let first = order("1", &[]);
        let coupon = issued(&first, "thanks");
        let second = order("2", &[&coupon.code]);
        let redeemed = redemptions(&second, std::slice::from_ref(&coupon));
        assert_eq!(
            redeemed,
            [CouponRedeemed {
                code: coupon.code.clone(),
                campaign: "thanks".into(),
                redemption: Redemption {
                    order_id: "2".into(),
                    at: second.placed_at
                },
                currency: second.currency,
                revenue: second.totals.total,
            }]
        );
    }

    #[test]
    fn what_cannot_be_a_redemption_is_refused() {
        let first = order("1", &[]);
        let coupon = issued(&first, "thanks");
        let mut used = coupon.clone();
        used.redeemed = Some(Redemption {
            order_id: "9".into(),
            at: first.placed_at,
        });
        let second = order("2", &[&coupon.code]);
        assert!(redemptions(&second, &[used]).is_empty(), "redeemed before");
        let own = order("1", &[&coupon.code]);
        assert!(redemptions(&own, std::slice::from_ref(&coupon)).is_empty());
        let mut early = second.clone();
        early.placed_at = coupon.issued_at - chrono::Duration::seconds(1);
        assert!(redemptions(&early, std::slice::from_ref(&coupon)).is_empty());
        let mut elsewhere = coupon.clone();
        elsewhere.merchant = "globex".into();
        assert!(redemptions(&second, &[elsewhere]).is_empty());
    }

    #[test]
    fn revenue_counts_in_minor_units_of_the_currency() {
        let eur: Currency = "EUR".parse().unwrap();
        let jpy: Currency = "JPY".parse().unwrap();
        assert_eq!(minor_units(Decimal::new(12_345, 2), eur), 12_345);
        assert_eq!(minor_units(Decimal::new(12_345, 1), jpy), 1_235);
        assert_eq!(minor_units(Decimal::new(-5, 0), eur), 0);
        assert_eq!(from_minor_units(12_345, eur).to_string(), "123.45");
        assert_eq!(from_minor_units(37_500, eur).to_string(), "375.00");
        assert_eq!(from_minor_units(1_235, jpy).to_string(), "1235");
        assert_eq!(revenue_counter(eur), "revenue.EUR");
    }
}
