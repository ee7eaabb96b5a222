//! `/v1/inserts`: the merchant's printed inserts and samples with their stock per
//! centre, listed (or only those running low), read with their version as `ETag`,
//! created or replaced whole (with `If-Match`, only if unchanged since read), and one
//! centre's stock changed by a delta or set to a count.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::{Extension, Json};
use packwise_core::Insert;
use packwise_core::campaign::CampaignStatus;
use packwise_core::insert::{StockChange, StockCount, StockDelta};
use packwise_core::ports::{Expect, StoreError};
use serde::{Deserialize, Serialize};

use crate::body::{JsonBody, PathParam, QueryParams};
use crate::etag;
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

/// One insert, its version as the entity tag: a parcel taking stock changes it too.
#[utoipa::path(
    get,
    path = "/v1/inserts/{sku}",
    tag = "inserts",
    operation_id = "get_insert",
    summary = "Read an insert with its stock per centre",
    params(("sku" = String, Path, example = crate::openapi::examples::insert_sku, description = "The insert's SKU")),
    responses(
        (status = 200, description = "The insert", body = Insert, headers(
            ("ETag" = String, description = "The insert's version, quoted; parcels taking stock change it too"),
        )),
        (status = 404, description = "No such insert", body = Problem, content_type = PROBLEM),
    ),
)]
pub async fn get<S: ApiStore>(
    State(store): State<Arc<S>>,
    Extension(Merchant(merchant)): Extension<Merchant>,
    PathParam(sku): PathParam<String>,
) -> ApiResult<Response> {
    let insert = find(&*store, &merchant, &sku)
        .await?
        .ok_or_else(|| Problem::not_found(format_args!("insert `{sku}`")))?;
    Ok(etag::with_etag(StatusCode::OK, insert.version, insert))
}

/// Creates the insert (`201`) or replaces its definition and stock (`200`). Stock is set
/// as given, not adjusted: without `If-Match`, units taken by parcels since the client
/// read it are overwritten, as a stock count is meant to be; with the ETag read in
/// `If-Match`, the write is refused (`412`) if anything changed meanwhile.
#[utoipa::path(
    put,
    path = "/v1/inserts/{sku}",
    tag = "inserts",
    operation_id = "put_insert",
    summary = "Create or replace an insert and its stock",
    description = "Stock is set as given. The body's `sku` must be the path's.",
    params(
        ("sku" = String, Path, example = crate::openapi::examples::insert_sku, description = "The insert's SKU"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` read: the write happens only if nothing changed since"),
    ),
    request_body(content = Insert, example = crate::openapi::examples::insert),
    responses(
        (status = 200, description = "Replaced", body = Insert, headers(
            ("ETag" = String, description = "The insert's new version, quoted"),
        )),
        (status = 201, description = "Created", body = Insert, headers(
            ("Location" = String, description = "The insert's URL"),
            ("ETag" = String, description = "The insert's version, quoted"),
        )),
        (status = 400, description = "A malformed body, path or `If-Match`", body = Problem, content_type = PROBLEM),
        (status = 412, description = "The insert changed since it was read, or does not exist", body = Problem, content_type = PROBLEM),
        (status = 422, description = "Every problem of the insert", body = Problem, content_type = PROBLEM),
    ),
)]
pub async fn put<S: ApiStore>(
    State(store): State<Arc<S>>,
    Extension(Merchant(merchant)): Extension<Merchant>,
    PathParam(sku): PathParam<String>,
    headers: HeaderMap,
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
    let current = find(&*store, &merchant, &sku).await?;
    let expect = etag::optional_if_match(
        &headers,
        &format_args!("insert `{sku}`"),
        current.as_ref().map(|i| i.version),
    )?;
    insert.version = store.put_insert(&merchant, &insert, expect).await?;
    if current.is_some() {
        return Ok(etag::with_etag(StatusCode::OK, insert.version, insert));
    }
    let mut response = etag::with_etag(StatusCode::CREATED, insert.version, insert);
    response.headers_mut().insert(header::LOCATION, location);
    Ok(response)
}

/// `POST /v1/inserts/{sku}/stock` with `{"centre", "delta"}`: adds units to one centre's
/// stock, or takes them when negative. Not idempotent, as a delivery is not: a client
/// that may send it twice sends the ETag it read in `If-Match`, and the second is `412`.
#[utoipa::path(
    delete,
    path = "/v1/inserts/{sku}",
    tag = "inserts",
    operation_id = "delete_insert",
    summary = "Delete an insert and its stock",
    description = "Refused while a campaign that is not archived names it (to add, or as a fallback): that campaign would stop.",
    params(
        ("sku" = String, Path, example = crate::openapi::examples::insert_sku, description = "The insert's SKU"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` read: the delete happens only if nothing changed since"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "A malformed path or `If-Match`", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such insert", body = Problem, content_type = PROBLEM),
        (status = 409, description = "Campaigns that are not archived name it; the problem lists them", body = Problem, content_type = PROBLEM),
        (status = 412, description = "The insert changed since it was read", body = Problem, content_type = PROBLEM),
    ),
)]
pub async fn delete<S: ApiStore>(
    State(store): State<Arc<S>>,
    Extension(Merchant(merchant)): Extension<Merchant>,
    PathParam(sku): PathParam<String>,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    let current = find(&*store, &merchant, &sku)
        .await?
        .ok_or_else(|| Problem::not_found(format_args!("insert `{sku}`")))?;
    let expect = etag::optional_if_match(
        &headers,
        &format_args!("insert `{sku}`"),
        Some(current.version),
    )?;
    let mut users: Vec<String> = store
        .campaigns(&merchant)
        .await?
        .into_iter()
        .filter(|c| c.status != CampaignStatus::Archived && c.actions.names_insert(&sku))
        .map(|c| c.id)
        .collect();
    if !users.is_empty() {
        users.sort();
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "insert-in-use",
            format!(
                "insert `{sku}` is named by campaign(s) {}: change or archive them first",
                users.join(", ")
            ),
        ));
    }
    let if_version = match expect {
        Expect::Version(v) => Some(v),
        Expect::Any | Expect::Absent => None,
    };
    store.delete_insert(&merchant, &sku, if_version).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    post,
    path = "/v1/inserts/{sku}/stock",
    tag = "inserts",
    operation_id = "adjust_insert_stock",
    summary = "Add units to one centre's stock, or take them",
    description = "A centre not listed starts from 0. Not idempotent: send the `ETag` read in `If-Match` so that a resend is refused rather than counted twice.",
    params(
        ("sku" = String, Path, example = crate::openapi::examples::insert_sku, description = "The insert's SKU"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` read: the write happens only if nothing changed since"),
    ),
    request_body(content = StockDelta, example = json!({"centre": "BER1", "delta": 250})),
    responses(
        (status = 200, description = "The insert as changed", body = Insert, headers(
            ("ETag" = String, description = "The insert's new version, quoted"),
            ("Content-Location" = String, description = "The insert's URL"),
        )),
        (status = 400, description = "A malformed body, path or `If-Match`", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such insert", body = Problem, content_type = PROBLEM),
        (status = 409, description = "The stock would go below zero or over the most a centre may hold; nothing changed", body = Problem, content_type = PROBLEM),
        (status = 412, description = "The insert changed since it was read", body = Problem, content_type = PROBLEM),
        (status = 422, description = "Every problem of the change", body = Problem, content_type = PROBLEM),
    ),
)]
pub async fn adjust_stock<S: ApiStore>(
    State(store): State<Arc<S>>,
    Extension(Merchant(merchant)): Extension<Merchant>,
    PathParam(sku): PathParam<String>,
    headers: HeaderMap,
    JsonBody(delta): JsonBody<StockDelta>,
) -> ApiResult<Response> {
    delta.validate().map_err(Problem::invalid)?;
    change_stock(
        &*store,
        &merchant,
        &sku,
        &delta.centre,
        delta.change(),
        &headers,
    )
    .await
}

/// `PUT /v1/inserts/{sku}/stock/{centre}` with `{"units"}`: sets one centre's count,
/// leaving the other centres as they are (a stock take); sending it again changes
/// nothing more.
#[utoipa::path(
    put,
    path = "/v1/inserts/{sku}/stock/{centre}",
    tag = "inserts",
    operation_id = "count_insert_stock",
    summary = "Set one centre's stock to a count",
    description = "A stock take: the other centres stay as they are; sending it again changes nothing more.",
    params(
        ("sku" = String, Path, example = crate::openapi::examples::insert_sku, description = "The insert's SKU"),
        ("centre" = String, Path, example = "BER1", description = "The fulfillment centre"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` read: the write happens only if nothing changed since"),
    ),
    request_body(content = StockCount, example = json!({"units": 120})),
    responses(
        (status = 200, description = "The insert as changed", body = Insert, headers(
            ("ETag" = String, description = "The insert's new version, quoted"),
            ("Content-Location" = String, description = "The insert's URL"),
        )),
        (status = 400, description = "A malformed body, path or `If-Match`", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such insert", body = Problem, content_type = PROBLEM),
        (status = 409, description = "The count is over the most a centre may hold; nothing changed", body = Problem, content_type = PROBLEM),
        (status = 412, description = "The insert changed since it was read", body = Problem, content_type = PROBLEM),
        (status = 422, description = "Every problem of the count", body = Problem, content_type = PROBLEM),
    ),
)]
pub async fn count_stock<S: ApiStore>(
    State(store): State<Arc<S>>,
    Extension(Merchant(merchant)): Extension<Merchant>,
    PathParam((sku, centre)): PathParam<(String, String)>,
    headers: HeaderMap,
    JsonBody(count): JsonBody<StockCount>,
) -> ApiResult<Response> {
    count.validate(&centre).map_err(Problem::invalid)?;
    change_stock(&*store, &merchant, &sku, &centre, count.change(), &headers).await
}

/// One store call, which checks the insert, its version if `If-Match` names one, and the
/// range at once; answers the insert as changed, which `Content-Location` says the body
/// and the `ETag` are of.
async fn change_stock<S: ApiStore>(
    store: &S,
    merchant: &str,
    sku: &str,
    centre: &str,
    change: StockChange,
    headers: &HeaderMap,
) -> ApiResult<Response> {
    let if_version = etag::if_match(headers)?;
    let insert = store
        .adjust_stock(merchant, sku, centre, change, if_version)
        .await
        .map_err(|e| match e {
            StoreError::NotFound(_) => Problem::not_found(format_args!("insert `{sku}`")),
            e => Problem::from(e),
        })?;
    let mut response = etag::with_etag(StatusCode::OK, insert.version, insert);
    if let Ok(location) = HeaderValue::from_str(&format!("/v1/inserts/{sku}")) {
        response
            .headers_mut()
            .insert(header::CONTENT_LOCATION, location);
    }
    Ok(response)
}
