//! `/v1/inserts`: the merchant's printed inserts and samples with their stock per
//! centre, listed (or only those running low), read, and created or replaced whole.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use packwise_core::Insert;
use packwise_core::ports::Expect;
use serde::{Deserialize, Serialize};

use crate::body::{JsonBody, QueryParams};
use crate::problem::{ApiResult, Problem};
use crate::{ApiStore, Merchant};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Filter {
    /// Only inserts at or below their threshold at some centre.
    #[serde(default)]
    low_stock: bool,
}

#[derive(Serialize)]
pub struct InsertList {
    items: Vec<Insert>,
}

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

pub async fn get<S: ApiStore>(
    State(store): State<Arc<S>>,
    Extension(Merchant(merchant)): Extension<Merchant>,
    Path(sku): Path<String>,
) -> ApiResult<Json<Insert>> {
    find(&*store, &merchant, &sku)
        .await?
        .map(Json)
        .ok_or_else(|| Problem::not_found(format_args!("insert `{sku}`")))
}

/// Creates the insert (`201`) or replaces its definition and stock (`200`). Stock is set
/// as given, not adjusted: units taken by parcels since the client read it are
/// overwritten, as a stock count is meant to be.
pub async fn put<S: ApiStore>(
    State(store): State<Arc<S>>,
    Extension(Merchant(merchant)): Extension<Merchant>,
    Path(sku): Path<String>,
    JsonBody(mut insert): JsonBody<Insert>,
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
    insert.version = store.put_insert(&merchant, &insert, Expect::Any).await?;
    if existed {
        return Ok(Json(insert).into_response());
    }
    let mut response = (StatusCode::CREATED, Json(insert)).into_response();
    response.headers_mut().insert(header::LOCATION, location);
    Ok(response)
}
