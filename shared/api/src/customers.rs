//! `/v1/customers`: what the merchant tells us about customers (tags, NPS, birthday,
//! locale), one at a time or up to `MAX_ROWS` per request, and the profile the engine
//! targets on.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use chrono::{DateTime, NaiveDate, Utc};
use futures_util::{StreamExt, stream};
use packwise_core::money::DecimalString;
use packwise_core::order::Channel;
use packwise_core::ports::{CustomerAttributes, validate_customer_id};
use packwise_core::profile::NpsAnswer;
use packwise_core::validation::{FieldError, Invalid};
use packwise_core::{Currency, CustomerProfile};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

use crate::body::{JsonBody, PathParam};
use crate::problem::{ApiResult, CONTENT_TYPE as PROBLEM, Problem};
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
///
/// Every field is always sent; those without a value are `null`.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Customer)]
pub struct CustomerView {
    id: String,
    /// Orders placed.
    orders_count: u32,
    #[schema(required = true)]
    first_order_at: Option<DateTime<Utc>>,
    #[schema(required = true)]
    last_order_at: Option<DateTime<Utc>>,
    /// Sum of order totals in `currency`.
    #[schema(value_type = DecimalString)]
    lifetime_value: String,
    #[schema(value_type = DecimalString)]
    average_order_value: String,
    #[schema(required = true)]
    currency: Option<Currency>,
    /// The category of most units bought.
    #[schema(required = true)]
    top_category: Option<String>,
    /// The channel of most orders.
    #[schema(required = true)]
    preferred_channel: Option<Channel>,
    /// Units bought per category.
    categories: BTreeMap<String, u32>,
    /// Units bought per SKU.
    skus: BTreeMap<String, u32>,
    tags: Vec<String>,
    #[schema(required = true)]
    nps: Option<NpsAnswer>,
    #[schema(required = true)]
    birthday: Option<NaiveDate>,
    #[schema(required = true)]
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

#[utoipa::path(
    get,
    path = "/v1/customers/{id}",
    tag = "customers",
    operation_id = "get_customer",
    summary = "Read the profile campaigns target on",
    params(("id" = String, Path, example = crate::openapi::examples::customer_id, description = "The customer's id, as orders carry it")),
    responses(
        (status = 200, description = "The profile", body = CustomerView),
        (status = 404, description = "No such customer", body = Problem, content_type = PROBLEM),
        (status = 422, description = "The id is not a valid customer id", body = Problem, content_type = PROBLEM),
    ),
)]
pub async fn get<S: ApiStore>(
    State(store): State<Arc<S>>,
    Extension(Merchant(merchant)): Extension<Merchant>,
    PathParam(id): PathParam<String>,
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
#[utoipa::path(
    put,
    path = "/v1/customers/{id}/attributes",
    tag = "customers",
    operation_id = "put_customer_attributes",
    summary = "Set a customer's attributes",
    description = "Attributes left out stay as they are; a customer without orders yet gets a profile.",
    params(("id" = String, Path, example = crate::openapi::examples::customer_id, description = "The customer's id, as orders carry it")),
    request_body(content = CustomerAttributes, example = crate::openapi::examples::attributes),
    responses(
        (status = 200, description = "The profile with the attributes set", body = CustomerView),
        (status = 422, description = "Every problem of the id and the attributes", body = Problem, content_type = PROBLEM),
    ),
)]
pub async fn put_attributes<S: ApiStore>(
    State(store): State<Arc<S>>,
    Extension(Merchant(merchant)): Extension<Merchant>,
    PathParam(id): PathParam<String>,
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

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = CustomerAttributesBulk)]
pub struct Bulk {
    /// Rows stay untyped until each is read on its own, so one bad row is reported
    /// with the others written rather than refusing the whole request.
    #[schema(value_type = Vec<CustomerRow>, min_items = 1, max_items = 1000)] // `MAX_ROWS`
    customers: Vec<Value>,
}

/// One row of a bulk request, as the document describes it: the customer's `id` and the
/// attributes to set, as `PUT /v1/customers/{id}/attributes` takes them. Built from
/// `CustomerAttributes`'s own schema, so the two cannot drift apart.
pub struct CustomerRow;

impl utoipa::PartialSchema for CustomerRow {
    fn schema() -> RefOr<Schema> {
        let RefOr::T(Schema::Object(attributes)) = CustomerAttributes::schema() else {
            unreachable!("a struct's schema is an object")
        };
        let id = ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("The customer's id, as orders carry it"));
        let mut row = ObjectBuilder::new()
            .schema_type(Type::Object)
            .description(Some(
                "A customer's id and the attributes to set; those left out stay as they are.",
            ))
            .property("id", id)
            .required("id")
            .additional_properties(attributes.additional_properties.clone().map(|a| *a))
            .build();
        row.properties.extend(attributes.properties);
        row.required.extend(attributes.required);
        row.into()
    }
}

impl utoipa::ToSchema for CustomerRow {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        <CustomerAttributes as utoipa::ToSchema>::schemas(schemas);
    }
}

/// What became of one row.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = CustomerRowResult)]
pub struct RowResult {
    /// The row's id; `null` when the row had none that could be read.
    #[schema(required = true)]
    id: Option<String>,
    status: RowStatus,
    /// The row's problems, by their paths in the request; empty when written.
    errors: Vec<FieldError>,
}

#[derive(Clone, Copy, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = CustomerRowStatus)]
enum RowStatus {
    Ok,
    Invalid,
}

/// How many rows were written and how many refused, and what became of each.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = CustomerAttributesBulkResult)]
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
#[utoipa::path(
    post,
    path = "/v1/customers/attributes:bulk",
    tag = "customers",
    operation_id = "put_customer_attributes_in_bulk",
    summary = "Set the attributes of many customers at once",
    description = "Valid rows are written and invalid ones (and repeats of a customer) reported, each with its problems. Sending a request again is safe: attributes are set, not added.",
    request_body(content = Bulk, example = crate::openapi::examples::attributes_in_bulk),
    responses(
        (status = 200, description = "One result per row, in the order sent", body = BulkResult),
        (status = 422, description = "No rows, or more than 1,000: nothing written", body = Problem, content_type = PROBLEM),
    ),
)]
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
