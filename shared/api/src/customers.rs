//! `/v1/customers`: what the merchant tells us about customers (tags, NPS, birthday,
//! locale), one at a time or up to `MAX_ROWS` per request, and the profile the engine
//! targets on.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use chrono::{DateTime, NaiveDate, Utc};
use futures_util::{StreamExt, stream};
use packwise_core::order::Channel;
use packwise_core::ports::{CustomerAttributes, validate_customer_id};
use packwise_core::profile::NpsAnswer;
use packwise_core::validation::{FieldError, Invalid};
use packwise_core::{Currency, CustomerProfile};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::body::JsonBody;
use crate::problem::{ApiResult, Problem};
use crate::{ApiStore, Merchant};

/// Rows per bulk request: bounds one request's writes, so an import of many customers
/// is many short requests, each safe to send again, rather than one that times out.
pub const MAX_ROWS: usize = 1_000;

/// Profile writes in flight at once during a bulk request: each is a read and a
/// conditional write, so waiting on them one by one would dominate the request.
const WRITES_IN_FLIGHT: usize = 8;

/// What the merchant may see of a profile: the aggregates campaigns target on and what
/// they told us, without the engine's bookkeeping (campaign touches, suggestion
/// affinity, version).
#[derive(Serialize)]
pub struct CustomerView {
    id: String,
    orders_count: u32,
    first_order_at: Option<DateTime<Utc>>,
    last_order_at: Option<DateTime<Utc>>,
    lifetime_value: String,
    average_order_value: String,
    currency: Option<Currency>,
    top_category: Option<String>,
    preferred_channel: Option<Channel>,
    categories: BTreeMap<String, u32>,
    skus: BTreeMap<String, u32>,
    tags: Vec<String>,
    nps: Option<NpsAnswer>,
    birthday: Option<NaiveDate>,
    locale: Option<String>,
}

impl From<CustomerProfile> for CustomerView {
    fn from(p: CustomerProfile) -> Self {
        CustomerView {
            lifetime_value: p.lifetime_value.to_string(),
            average_order_value: p.average_order_value().to_string(),
            top_category: p.top_category().map(str::to_string),
            preferred_channel: p.preferred_channel(),
            id: p.customer_id,
            orders_count: p.orders_count,
            first_order_at: p.first_order_at,
            last_order_at: p.last_order_at,
            currency: p.currency,
            categories: p.categories,
            skus: p.skus,
            tags: p.tags,
            nps: p.nps,
            birthday: p.birthday,
            locale: p.locale,
        }
    }
}

pub async fn get<S: ApiStore>(
    State(store): State<Arc<S>>,
    Extension(Merchant(merchant)): Extension<Merchant>,
    Path(id): Path<String>,
) -> ApiResult<Json<CustomerView>> {
    validate_customer_id(&id).map_err(Problem::invalid)?;
    let profile = store
        .profile(&merchant, &id)
        .await?
        .ok_or_else(|| Problem::not_found(format_args!("customer `{id}`")))?;
    Ok(Json(profile.into()))
}

/// Sets the attributes given and leaves the others as they are; a customer without
/// orders yet gets a profile, so their first order is already targeted.
pub async fn put_attributes<S: ApiStore>(
    State(store): State<Arc<S>>,
    Extension(Merchant(merchant)): Extension<Merchant>,
    Path(id): Path<String>,
    JsonBody(attributes): JsonBody<CustomerAttributes>,
) -> ApiResult<Json<CustomerView>> {
    let errors = problems(&id, &attributes, Utc::now());
    if !errors.is_empty() {
        return Err(Problem::invalid(Invalid { errors }));
    }
    let profile = store
        .put_customer_attributes(&merchant, &id, &attributes)
        .await?;
    Ok(Json(profile.into()))
}

fn problems(id: &str, attributes: &CustomerAttributes, now: DateTime<Utc>) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for result in [validate_customer_id(id), attributes.validate(now)] {
        if let Err(invalid) = result {
            errors.extend(invalid.errors);
        }
    }
    errors
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bulk {
    /// Rows stay untyped until each is read on its own, so one bad row is reported
    /// with the others written rather than refusing the whole request.
    customers: Vec<Value>,
}

#[derive(Serialize)]
pub struct RowResult {
    id: Option<String>,
    status: RowStatus,
    errors: Vec<FieldError>,
}

#[derive(Clone, Copy, Serialize)]
#[serde(rename_all = "snake_case")]
enum RowStatus {
    Ok,
    Invalid,
}

#[derive(Serialize)]
pub struct BulkResult {
    written: usize,
    invalid: usize,
    /// One per row, in the order sent.
    results: Vec<RowResult>,
}

/// A row's id and attributes, or every problem of the row with paths from the body's
/// root (`customers[3].nps.score`).
fn read_row(
    index: usize,
    row: Value,
    now: DateTime<Utc>,
) -> (Option<String>, Result<CustomerAttributes, Vec<FieldError>>) {
    let at = format!("customers[{index}]");
    let Value::Object(mut fields) = row else {
        return (None, Err(vec![field_error(&at, "must be an object")]));
    };
    let id = match fields.remove("id") {
        Some(Value::String(id)) => Some(id),
        Some(_) => {
            return (
                None,
                Err(vec![field_error(&format!("{at}.id"), "must be a string")]),
            );
        }
        None => {
            return (
                None,
                Err(vec![field_error(&format!("{at}.id"), "is required")]),
            );
        }
    };
    let attributes = match crate::body::from_value::<CustomerAttributes>(Value::Object(fields)) {
        Ok(a) => a,
        Err(e) => {
            return (
                id,
                Err(vec![field_error(&format!("{at}.{}", e.field), &e.message)]),
            );
        }
    };
    let errors = problems(id.as_deref().unwrap_or_default(), &attributes, now);
    if errors.is_empty() {
        (id, Ok(attributes))
    } else {
        (id, Err(Invalid { errors }.under(&at).errors))
    }
}

fn field_error(field: &str, message: &str) -> FieldError {
    FieldError {
        field: field.to_string(),
        message: message.to_string(),
    }
}

/// Valid rows are written and invalid ones reported, each with its problems; a store
/// failure fails the request, and sending it again is safe: attributes are set, not
/// added.
pub async fn bulk<S: ApiStore>(
    State(store): State<Arc<S>>,
    Extension(Merchant(merchant)): Extension<Merchant>,
    JsonBody(Bulk { customers }): JsonBody<Bulk>,
) -> ApiResult<Json<BulkResult>> {
    if customers.len() > MAX_ROWS {
        return Err(Problem::field(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "customers",
            format!(
                "must hold at most {MAX_ROWS} customers, not {}: send the rest in another request",
                customers.len()
            ),
        ));
    }
    if customers.is_empty() {
        return Err(Problem::field(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "customers",
            "must hold at least one customer",
        ));
    }
    let now = Utc::now();
    let mut first_row_of: HashMap<String, usize> = HashMap::new();
    let mut results = Vec::with_capacity(customers.len());
    let mut writes = Vec::new();
    for (index, row) in customers.into_iter().enumerate() {
        let (id, read) = read_row(index, row, now);
        let read = read.and_then(|attributes| {
            let id = id.clone().unwrap_or_default();
            // Two rows of one customer would leave the result to whichever is written last.
            match first_row_of.get(&id) {
                Some(first) => Err(vec![field_error(
                    &format!("customers[{index}].id"),
                    &format!("repeats customers[{first}].id: send one row per customer"),
                )]),
                None => {
                    first_row_of.insert(id.clone(), index);
                    Ok((id, attributes))
                }
            }
        });
        match read {
            Ok(write) => {
                writes.push(write);
                results.push(RowResult {
                    id,
                    status: RowStatus::Ok,
                    errors: Vec::new(),
                });
            }
            Err(errors) => results.push(RowResult {
                id,
                status: RowStatus::Invalid,
                errors,
            }),
        }
    }
    let written = writes.len();
    // Each write owns what it needs: futures borrowing the rows trip the compiler's
    // lifetime inference for Send futures.
    let mut outcomes = stream::iter(writes.into_iter().map(|(id, attributes)| {
        let (store, merchant) = (store.clone(), merchant.clone());
        async move {
            store
                .put_customer_attributes(&merchant, &id, &attributes)
                .await
        }
    }))
    .buffer_unordered(WRITES_IN_FLIGHT);
    while let Some(outcome) = outcomes.next().await {
        outcome?;
    }
    Ok(Json(BulkResult {
        written,
        invalid: results.len() - written,
        results,
    }))
}
