//! The decision: pure and deterministic. Same inputs, same instruction, byte for byte.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::campaign::{Actions, CapScope, CouponValue, InsertRule};
use crate::campaign_set::{CampaignSet, CompiledCampaign};
use crate::codes;
use crate::insert::{Insert, InsertKind};
use crate::instruction::*;
use crate::message::{self, MessageVars, template_name};
use crate::money::{Currency, Money};
use crate::order::Order;
use crate::profile::{CustomerProfile, Touch};
use crate::similar::{self, SimilarItems};
use crate::targeting::{self, Derived, Facts, Variables};

pub struct DecisionInput<'a> {
    pub order: &'a Order,
    /// The customer's profile before this order.
    pub profile: &'a CustomerProfile,
    pub set: &'a CampaignSet,
    /// Units on hand at the order's centre per insert SKU, read with the order.
    pub stock: &'a BTreeMap<String, i64>,
    /// Parcels each budgeted campaign has been applied to so far.
    pub issued: &'a BTreeMap<String, u64>,
    pub similar: &'a [SimilarItems],
    /// Whether to build `Decision::explanations` (for `explain` and previews).
    pub explain: bool,
    /// Decision time: schedules, expiries and caps are judged at this instant. The
    /// processor passes the order's `placed_at`, so a replay decides the same.
    pub now: DateTime<Utc>,
}

/// A coupon as stored for redemption.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct IssuedCoupon {
    pub code: String,
    pub merchant: String,
    pub campaign: String,
    pub order_id: String,
    pub customer_id: String,
    pub value: CouponValue,
    pub currency: Currency,
    pub issued_at: DateTime<Utc>,
    pub expires_on: NaiveDate,
    #[schemars(with = "Option<String>")]
    pub min_spend: Option<Decimal>,
    /// The order that redeemed it; a coupon is redeemed once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redeemed: Option<crate::redemption::Redemption>,
}

/// What committing the decision must change, besides the profile and history.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Effects {
    pub applied: Vec<String>,
    pub held_out: Vec<String>,
    pub suppressed: Vec<(String, &'static str)>,
    /// Insert SKUs taken from the order centre's stock, one unit each.
    pub stock_taken: Vec<String>,
    pub coupon: Option<IssuedCoupon>,
    pub touches: Vec<Touch>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Applied,
    HeldOut,
    Suppressed,
    NotMatched,
    NotRunning,
    Error,
}

/// Why each campaign did or did not apply; `explain` prints these.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Explanation {
    pub campaign: String,
    pub name: String,
    pub priority: i32,
    pub verdict: Verdict,
    pub detail: String,
}

pub struct Decision {
    pub instruction: PickPackInstruction,
    pub explanations: Vec<Explanation>,
    pub effects: Effects,
}

/// The parcel as campaigns fill it, in priority order.
struct Parcel {
    inserts: Vec<InsertToAdd>,
    weight: u32,
    stock_taken: Vec<String>,
    coupon: Option<CouponToPrint>,
    issued_coupon: Option<IssuedCoupon>,
    recommendations: Option<(String, Vec<Recommendation>)>,
    message: Option<(String, String)>,
    packaging: Option<PackagingChoice>,
    groups: BTreeMap<String, String>,
}

pub fn decide(input: &DecisionInput<'_>) -> Decision {
    let DecisionInput {
        order,
        profile,
        set,
        now,
        ..
    } = *input;
    let settings = &set.settings;
    let derived = derive(input);
    let facts = Facts {
        order,
        profile,
        derived: &derived,
        now,
    };
    let vars = Variables::build(&facts, set.needs);
    let forbids = settings.forbids_marketing(order.channel);
    let mut parcel = Parcel {
        inserts: Vec::new(),
        weight: 0,
        stock_taken: Vec::new(),
        coupon: None,
        issued_coupon: None,
        recommendations: None,
        message: None,
        packaging: None,
        groups: BTreeMap::new(),
    };
    let mut results = Vec::new();
    let mut explanations = Vec::new();
    let mut effects = Effects::default();

    for compiled in &set.campaigns {
        let c = &compiled.campaign;
        // Explanations are built only when asked for: formatting a reason for each of a
        // hundred campaigns is a good part of a decision's time.
        let mut explain = |verdict, detail: &dyn Fn() -> String| {
            if input.explain {
                explanations.push(Explanation {
                    campaign: c.id.clone(),
                    name: c.name.clone(),
                    priority: c.priority,
                    verdict,
                    detail: detail(),
                })
            }
        };
        if !c.is_running(now) {
            explain(Verdict::NotRunning, &|| {
                format!("status {:?}, schedule {:?}", c.status, c.schedule).to_lowercase()
            });
            continue;
        }
        match targeting::evaluate(&compiled.condition, &vars) {
            Ok(true) => {}
            Ok(false) => {
                explain(Verdict::NotMatched, &|| {
                    format!("condition false: {}", c.condition)
                });
                continue;
            }
            Err(e) => {
                explain(Verdict::Error, &|| e.to_string());
                continue;
            }
        }
        if codes::in_holdout(
            &set.secret,
            &order.merchant,
            &c.id,
            &profile.customer_id,
            c.holdout_percent,
        ) {
            explain(Verdict::HeldOut, &|| {
                format!("in the {}% holdout group", c.holdout_percent.normalize())
            });
            effects.held_out.push(c.id.clone());
            results.push(CampaignResult {
                campaign: c.id.clone(),
                outcome: Outcome::HeldOut,
                skipped: vec![],
            });
            continue;
        }
        let limit = campaign_limit(compiled, input, &parcel, forbids);
        if let Some(limit) = limit {
            explain(Verdict::Suppressed, &|| limit.describe());
            effects.suppressed.push((c.id.clone(), limit.name()));
            results.push(CampaignResult {
                campaign: c.id.clone(),
                outcome: Outcome::Suppressed { limit },
                skipped: vec![],
            });
            continue;
        }
        let (applied, skipped) = apply(compiled, input, &mut parcel);
        if applied == 0 {
            let limit = skipped
                .first()
                .map(|s| s.limit.clone())
                .unwrap_or(Limit::NoRecommendations);
            explain(Verdict::Suppressed, &|| {
                format!("nothing applied: {}", limit.describe())
            });
            effects.suppressed.push((c.id.clone(), limit.name()));
            results.push(CampaignResult {
                campaign: c.id.clone(),
                outcome: Outcome::Suppressed { limit },
                skipped,
            });
            continue;
        }
        explain(Verdict::Applied, &|| {
            if skipped.is_empty() {
                return "applied".to_string();
            }
            let reasons: Vec<String> = skipped
                .iter()
                .map(|s| format!("{}: {}", s.action, s.limit.describe()))
                .collect();
            format!("applied; skipped {}", reasons.join("; "))
        });
        if let Some(group) = &c.exclusive_group {
            parcel.groups.insert(group.clone(), c.id.clone());
        }
        effects.applied.push(c.id.clone());
        effects.touches.push(Touch {
            campaign: c.id.clone(),
            group: c.exclusive_group.clone(),
            at: now,
        });
        results.push(CampaignResult {
            campaign: c.id.clone(),
            outcome: Outcome::Applied,
            skipped,
        });
    }
    for (campaign, invalid) in set.broken.iter().filter(|_| input.explain) {
        explanations.push(Explanation {
            campaign: campaign.id.clone(),
            name: campaign.name.clone(),
            priority: campaign.priority,
            verdict: Verdict::Error,
            detail: format!("campaign no longer valid: {invalid}"),
        });
    }

    let locale = instruction_locale(order, profile, &settings.default_locale);
    let message = parcel.message.as_ref().and_then(|(campaign, template)| {
        let vars = message_vars(input, &derived, parcel.coupon.as_ref());
        match set.templates.render(template, &vars) {
            Ok(text) => Some(MessageToPrint {
                text,
                locale: template.rsplit('/').next().unwrap_or_default().to_string(),
                campaign: campaign.clone(),
            }),
            Err(e) => {
                tracing::warn!(campaign, error = %e, "message template failed to render");
                None
            }
        }
    });
    effects.stock_taken = parcel.stock_taken;
    effects.coupon = parcel.issued_coupon;
    let instruction = PickPackInstruction {
        schema: SCHEMA_V1.to_string(),
        merchant: order.merchant.clone(),
        order_id: order.order_id.clone(),
        customer_id: order.customer.id.clone(),
        fulfillment_centre: order.fulfillment_centre.clone(),
        placed_at: order.placed_at,
        channel: order.channel,
        locale,
        ship_to: order.ship_to.clone(),
        pick: order
            .lines
            .iter()
            .map(|l| PickLine {
                sku: l.sku.clone(),
                title: l.title.clone(),
                quantity: l.quantity,
            })
            .collect(),
        inserts: parcel.inserts,
        coupon: parcel.coupon,
        recommendations: parcel.recommendations.map(|(_, r)| r).unwrap_or_default(),
        message,
        packaging: parcel.packaging,
        campaigns: results,
        slip: None,
    };
    Decision {
        instruction,
        explanations,
        effects,
    }
}

fn derive(input: &DecisionInput<'_>) -> Derived {
    let order = input.order;
    let settings = &input.set.settings;
    let needs_guide = input.set.inserts.values().any(|ins| {
        ins.kind == InsertKind::HowToGuide
            && order.lines.iter().any(|l| ins.guides_skus.contains(&l.sku))
    });
    let free_shipping_gap = match settings.free_shipping_threshold {
        Some(threshold)
            if order.currency == settings.default_currency && order.totals.subtotal < threshold =>
        {
            threshold - order.totals.subtotal
        }
        _ => Decimal::ZERO,
    };
    Derived {
        needs_guide,
        free_shipping_gap,
    }
}

/// Limits that stop the whole campaign before any action is tried.
fn campaign_limit(
    compiled: &CompiledCampaign,
    input: &DecisionInput<'_>,
    parcel: &Parcel,
    forbids: bool,
) -> Option<Limit> {
    let c = &compiled.campaign;
    if let Some(group) = &c.exclusive_group
        && let Some(taken_by) = parcel.groups.get(group)
    {
        return Some(Limit::ExclusiveGroup {
            group: group.clone(),
            taken_by: taken_by.clone(),
        });
    }
    if forbids && c.actions.has_marketing() && c.actions.packaging.is_none() {
        return Some(Limit::ChannelForbidsMarketing {
            channel: input.order.channel,
        });
    }
    if let Some(budget) = c.budget
        && input.issued.get(&c.id).copied().unwrap_or(0) >= budget
    {
        return Some(Limit::Budget { budget });
    }
    if let Some(cap) = &c.frequency_cap {
        let group = match cap.scope {
            CapScope::Campaign => None,
            CapScope::Group => c.exclusive_group.as_deref(),
        };
        if input
            .profile
            .touches_within(&c.id, group, cap.window_days, input.now)
            >= cap.max
        {
            return Some(Limit::FrequencyCap {
                max: cap.max,
                window_days: cap.window_days,
            });
        }
    }
    None
}

/// Carries out a campaign's actions; returns how many applied and what was skipped.
fn apply(
    compiled: &CompiledCampaign,
    input: &DecisionInput<'_>,
    parcel: &mut Parcel,
) -> (usize, Vec<Skip>) {
    let c = &compiled.campaign;
    let Actions {
        inserts,
        coupon,
        recommend,
        message,
        packaging,
    } = &c.actions;
    let forbids = input.set.settings.forbids_marketing(input.order.channel);
    let mut applied = 0;
    let mut skipped = Vec::new();
    let mut skip = |action: &str, limit: Limit| {
        skipped.push(Skip {
            action: action.to_string(),
            limit,
        })
    };
    if forbids && c.actions.has_marketing() {
        skip(
            "marketing",
            Limit::ChannelForbidsMarketing {
                channel: input.order.channel,
            },
        );
    } else {
        for action in inserts {
            for wanted in resolve_inserts(action.sku.as_deref(), action.pick, input) {
                match wanted
                    .and_then(|sku| add_insert(&sku, action.fallback.as_deref(), c, input, parcel))
                {
                    Ok(()) => applied += 1,
                    Err(limit) => skip("insert", limit),
                }
            }
        }
        if let Some(coupon) = coupon {
            match issue_coupon(coupon, c, input, parcel) {
                Ok(()) => applied += 1,
                Err(limit) => skip("coupon", limit),
            }
        }
        if let Some(r) = recommend {
            if let Some((taken_by, _)) = &parcel.recommendations {
                skip("recommend", slot("recommendations", taken_by));
            } else {
                let recs = similar::suggest(&similar::Suggest {
                    basket: &input.order.lines,
                    lists: &input.similar,
                    history: &input.profile.affinity,
                    bought: &input.profile.skus,
                    excluded: &input.set.unrecommendable,
                    count: usize::from(r.count),
                    per_category: usize::from(r.max_per_category),
                });
                if recs.is_empty() {
                    skip("recommend", Limit::NoRecommendations);
                } else {
                    parcel.recommendations = Some((c.id.clone(), recs));
                    applied += 1;
                }
            }
        }
        if let Some(m) = message {
            if let Some((taken_by, _)) = &parcel.message {
                skip("message", slot("message", taken_by));
            } else {
                let wanted = [
                    input.order.customer.locale.as_deref(),
                    input.profile.locale.as_deref(),
                ];
                let wanted: Vec<&str> = wanted.into_iter().flatten().collect();
                let locale = crate::locale::negotiate(
                    &wanted,
                    &input.set.settings.default_locale,
                    m.templates.keys().map(String::as_str),
                )
                .expect("validated: at least one template");
                parcel.message = Some((c.id.clone(), template_name(&c.id, locale)));
                applied += 1;
            }
        }
    }
    if let Some(p) = packaging {
        if let Some(taken) = &parcel.packaging {
            skip("packaging", slot("packaging", &taken.campaign));
        } else {
            parcel.packaging = Some(PackagingChoice {
                box_type: p.box_type.clone(),
                gift_wrap: p.gift_wrap,
                campaign: c.id.clone(),
            });
            applied += 1;
        }
    }
    (applied, skipped)
}

fn slot(slot: &str, taken_by: &str) -> Limit {
    Limit::SlotTaken {
        slot: slot.to_string(),
        taken_by: taken_by.to_string(),
    }
}

fn resolve_inserts(
    sku: Option<&str>,
    rule: Option<InsertRule>,
    input: &DecisionInput<'_>,
) -> Vec<Result<String, Limit>> {
    let catalogue = &input.set.inserts;
    match (sku, rule) {
        (Some(sku), _) => vec![Ok(sku.to_string())],
        (None, Some(InsertRule::TopCategorySample)) => {
            let top = input.profile.top_category();
            let sample = catalogue.values().find(|i| {
                i.kind == InsertKind::Sample && top.is_some() && i.sample_category.as_deref() == top
            });
            vec![
                sample
                    .map(|i| i.sku.clone())
                    .ok_or(Limit::NoSampleForCategory),
            ]
        }
        (None, Some(InsertRule::BasketGuides)) => {
            let guides: Vec<Result<String, Limit>> = catalogue
                .values()
                .filter(|i| {
                    i.kind == InsertKind::HowToGuide
                        && input
                            .order
                            .lines
                            .iter()
                            .any(|l| i.guides_skus.contains(&l.sku))
                })
                .map(|i| Ok(i.sku.clone()))
                .collect();
            if guides.is_empty() {
                vec![Err(Limit::NoGuideForBasket)]
            } else {
                guides
            }
        }
        (None, None) => vec![],
    }
}

fn add_insert(
    sku: &str,
    fallback: Option<&str>,
    c: &crate::campaign::Campaign,
    input: &DecisionInput<'_>,
    parcel: &mut Parcel,
) -> Result<(), Limit> {
    let centre = &input.order.fulfillment_centre;
    let in_stock = |sku: &str, parcel: &Parcel| {
        let taken = parcel.stock_taken.iter().filter(|s| *s == sku).count() as i64;
        input.stock.get(sku).copied().unwrap_or(0) - taken > 0
    };
    let lookup = |sku: &str| -> Result<&Insert, Limit> {
        input
            .set
            .inserts
            .get(sku)
            .ok_or_else(|| Limit::UnknownInsert {
                sku: sku.to_string(),
            })
    };
    let mut chosen = lookup(sku)?;
    let mut reason = c.name.clone();
    if !in_stock(sku, parcel) {
        let out = Limit::OutOfStock {
            sku: sku.to_string(),
            centre: centre.clone(),
        };
        match fallback {
            Some(fb) if in_stock(fb, parcel) => {
                chosen = lookup(fb)?;
                reason = format!("{} (instead of {sku}, out of stock)", c.name);
            }
            _ => return Err(out),
        }
    }
    if parcel.inserts.iter().any(|i| i.sku == chosen.sku) {
        return Err(Limit::AlreadyInBox {
            sku: chosen.sku.clone(),
        });
    }
    let settings = &input.set.settings;
    if parcel.inserts.len() as u32 >= settings.max_inserts_per_package {
        return Err(Limit::MaxInserts {
            max: settings.max_inserts_per_package,
        });
    }
    if parcel.weight + chosen.weight_grams > settings.max_insert_weight_grams {
        return Err(Limit::MaxInsertWeight {
            max_grams: settings.max_insert_weight_grams,
        });
    }
    parcel.weight += chosen.weight_grams;
    parcel.stock_taken.push(chosen.sku.clone());
    parcel.inserts.push(InsertToAdd {
        sku: chosen.sku.clone(),
        name: chosen.name.clone(),
        kind: chosen.kind,
        format: chosen.format,
        campaign: c.id.clone(),
        reason,
    });
    Ok(())
}

fn issue_coupon(
    coupon: &crate::campaign::CouponAction,
    c: &crate::campaign::Campaign,
    input: &DecisionInput<'_>,
    parcel: &mut Parcel,
) -> Result<(), Limit> {
    if let Some(taken) = &parcel.coupon {
        return Err(slot("coupon", &taken.campaign));
    }
    let order = input.order;
    if let CouponValue::FixedAmount { currency, .. } = &coupon.value
        && *currency != order.currency
    {
        return Err(Limit::CurrencyMismatch {
            coupon: *currency,
            order: order.currency,
        });
    }
    let code = codes::coupon_code(
        &input.set.secret,
        &order.merchant,
        &c.id,
        &order.order_id,
        &coupon.prefix,
    );
    let expires_on =
        (input.now + chrono::Duration::days(i64::from(coupon.expires_in_days))).date_naive();
    let currency = order.currency;
    let text = message::coupon_text(&coupon.value, &code, expires_on, |a| {
        Money::new(a, currency).to_string()
    });
    parcel.issued_coupon = Some(IssuedCoupon {
        code: code.clone(),
        merchant: order.merchant.clone(),
        campaign: c.id.clone(),
        order_id: order.order_id.clone(),
        customer_id: order.customer.id.clone(),
        value: coupon.value.clone(),
        currency,
        issued_at: input.now,
        expires_on,
        min_spend: coupon.min_spend,
        redeemed: None,
    });
    parcel.coupon = Some(CouponToPrint {
        code,
        value: coupon.value.clone(),
        currency,
        expires_on,
        min_spend: coupon.min_spend,
        text,
        campaign: c.id.clone(),
    });
    Ok(())
}

fn instruction_locale(order: &Order, profile: &CustomerProfile, default: &str) -> String {
    order
        .customer
        .locale
        .as_deref()
        .or(profile.locale.as_deref())
        .unwrap_or(default)
        .to_string()
}

fn message_vars(
    input: &DecisionInput<'_>,
    derived: &Derived,
    coupon: Option<&CouponToPrint>,
) -> MessageVars {
    let order = input.order;
    let settings = &input.set.settings;
    let money = |a: Decimal| Money::new(a, order.currency).to_string();
    MessageVars {
        first_name: order.customer.first_name.clone().unwrap_or_default(),
        order_number: order.order_id.clone(),
        nth_order: input.profile.orders_count + 1,
        merchant_name: settings.name.clone(),
        free_shipping_gap: if derived.free_shipping_gap > Decimal::ZERO {
            money(derived.free_shipping_gap)
        } else {
            String::new()
        },
        free_shipping_threshold: settings
            .free_shipping_threshold
            .map(|t| Money::new(t, settings.default_currency).to_string())
            .unwrap_or_default(),
        top_category: input.profile.top_category().unwrap_or_default().to_string(),
        coupon_code: coupon.map(|c| c.code.clone()).unwrap_or_default(),
        coupon_value: coupon
            .map(|c| message::coupon_value_text(&c.value, money))
            .unwrap_or_default(),
    }
}

#[cfg(test)]
#[path = "decide_tests.rs"]
mod tests;
