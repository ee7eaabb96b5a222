//! `/v1/inserts`: the merchant's printed inserts and samples with their stock per
//! centre, listed (or only those running low), read, and created or replaced whole.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use packwise_core::Insert;
use serde::{Deserialize, Serialize};

use crate::body::{JsonBody, PathParam, QueryParams};
use crate::problem::{ApiResult, CONTENT_TYPE as PROBLEM, Problem};
use crate::{ApiStore, Merchant};

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct Filter {
    /// Only inserts at or below their threshold at some centre.
    #[serde(default)]
    low_stock: bool,
}

/// The merchant's inserts, by SKU.
#[derive(Serialize, utoipa::ToSchema)]
pub struct InsertList {
    items: Vec<Insert>,
}

#[utoipa::path(
    get,
    path = "/v1/inserts",
    tag = "inserts",
    operation_id = "list_inserts",
    summary = "List inserts, or only those running low",
    params(Filter),
    responses(
        (status = 200, description = "The inserts", body = InsertList),
        (status = 400, description = "An unknown or unreadable query parameter", body = Problem, content_type = PROBLEM),
    ),
)]
pub async fn list<S: ApiStore>(
    State(store): State<Arc<S>>,
    Extension(Merchant(merchant)): Extension<Merchant>,
    QueryParams(filter): QueryParams<Filter>,
) -> ApiResult<Json<InsertList>> {
    let mut items = store.inserts(&merchant).await?;
    if filter.low_stock {
        items.retain(|i| !i.low_stock_centres().is_empty());
    }
    items.sort_by(|a, b| a.sku.cmp(&b.sku));
    Ok(Json(InsertList { items }))
}

async fn find<S: ApiStore>(store: &S, merchant: &str, sku: &str) -> ApiResult<Option<Insert>> {
    Ok(store
        .inserts(merchant)
        .await?
        .into_iter()
        .find(|i| i.sku == sku))
}

#[utoipa::path(
    get,
    path = "/v1/inserts/{sku}",
    tag = "inserts",
    operation_id = "get_insert",
    summary = "Read an insert with its stock per centre",
    params(("sku" = String, Path, example = crate::openapi::examples::insert_sku, description = "The insert's SKU")),
    responses(
        (status = 200, description = "The insert", body = Insert),
        (status = 404, description = "No such insert", body = Problem, content_type = PROBLEM),
    ),
)]
pub async fn get<S: ApiStore>(
    State(store): State<Arc<S>>,
    Extension(Merchant(merchant)): Extension<Merchant>,
    PathParam(sku): PathParam<String>,
) -> ApiResult<Json<Insert>> {
    find(&*store, &merchant, &sku)
        .await?
        .map(Json)
        .ok_or_else(|| Problem::not_found(format_args!("insert `{sku}`")))
}

/// Creates the insert (`201`) or replaces its definition and stock (`200`). Stock is set
/// as given, not adjusted: units taken by parcels since the client read it are
/// overwritten, as a stock count is meant to be.
#[utoipa::path(
    put,
    path = "/v1/inserts/{sku}",
    tag = "inserts",
    operation_id = "put_insert",
    summary = "Create or replace an insert and its stock",
    description = "Stock is set as given. The body's `sku` must be the path's.",
    params(("sku" = String, Path, example = crate::openapi::examples::insert_sku, description = "The insert's SKU")),
    request_body(content = Insert, example = crate::openapi::examples::insert),
    responses(
        (status = 200, description = "Replaced", body = Insert),
        (status = 201, description = "Created", body = Insert, headers(
            ("Location" = String, description = "The insert's URL"),
        )),
        (status = 422, description = "Every problem of the insert", body = Problem, content_type = PROBLEM),
    ),
)]
pub async fn put<S: ApiStore>(
    State(store): State<Arc<S>>,
    Extension(Merchant(merchant)): Extension<Merchant>,
    PathParam(sku): PathParam<String>,
    JsonBody(insert): JsonBody<Insert>,
) -> ApiResult<Response> {
    if insert.sku != sku {
        return Err(Problem::field(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "sku",
            format!("must be `{sku}`, the insert in the path"),
        ));
    }
    insert.validate().map_err(Problem::invalid)?;
    // Validation keeps out what a header cannot carry; checked before writing all the same.
    let location = HeaderValue::from_str(&format!("/v1/inserts/{sku}")).map_err(|_| {
        Problem::field(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "sku",
            "cannot be part of a URL",
        )
    })?;
    let existed = find(&*store, &merchant, &sku).await?.is_some();
    store.put_insert(&merchant, &insert).await?;
    if existed {
        return Ok(Json(insert).into_response());
    }
    let mut response = (StatusCode::CREATED, Json(insert)).into_response();
    response.headers_mut().insert(header::LOCATION, location);
    Ok(response)
}
