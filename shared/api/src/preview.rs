//! `POST /v1/campaigns/{id}/preview` and `POST /v1/campaigns/preview`: a stored campaign,
//! or one not saved yet, decided again on the merchant's latest orders. Writes nothing.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use packwise_core::Campaign;
use packwise_core::preview::{MAX_ORDERS, Preview, PreviewError, preview};
use serde::Deserialize;

use crate::body::{JsonBody, PathParam, QueryParams, count_param};
use crate::campaigns::find;
use crate::problem::{ApiResult, CONTENT_TYPE as PROBLEM, Problem};
use crate::{ApiStore, Merchant};

/// Orders a preview reads when the caller does not say.
const DEFAULT_ORDERS: usize = 200;

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PreviewQuery {
    /// How many of the latest orders to decide again (default 200).
    #[param(minimum = 1, maximum = 1000)]
    orders: Option<usize>,
}

fn orders(query: &PreviewQuery) -> ApiResult<usize> {
    count_param("orders", query.orders, DEFAULT_ORDERS, MAX_ORDERS)
}

async fn run<S: ApiStore>(
    store: &S,
    merchant: &str,
    campaign: &Campaign,
    orders: usize,
) -> ApiResult<Json<Preview>> {
    match preview(store, merchant, campaign, orders).await {
        Ok(preview) => Ok(Json(preview)),
        Err(PreviewError::Invalid(invalid)) => Err(Problem::invalid(invalid)),
        Err(PreviewError::Store(e)) => Err(e.into()),
        Err(e @ PreviewError::UnknownMerchant(_)) => Err(Problem::new(
            StatusCode::CONFLICT,
            "no-settings",
            e.to_string(),
        )),
    }
}

#[utoipa::path(
    post,
    path = "/v1/campaigns/{id}/preview",
    tag = "campaigns",
    operation_id = "preview_campaign",
    summary = "Dry-run a stored campaign on the latest orders",
    description = "Decides the campaign again, as if running, on the merchant's latest orders beside the campaigns running now. Writes nothing.",
    params(
        ("id" = String, Path, example = crate::openapi::examples::campaign_id, description = "The campaign's id"),
        PreviewQuery,
    ),
    responses(
        (status = 200, description = "What the campaign would have done", body = Preview),
        (status = 400, description = "An unknown or unreadable query parameter, or a malformed path", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such campaign", body = Problem, content_type = PROBLEM),
        (status = 409, description = "The merchant has no settings yet", body = Problem, content_type = PROBLEM),
        (status = 422, description = "Every problem of the stored campaign (an insert it names was removed)", body = Problem, content_type = PROBLEM),
    ),
)]
pub async fn stored<S: ApiStore>(
    State(store): State<Arc<S>>,
    Extension(Merchant(merchant)): Extension<Merchant>,
    PathParam(id): PathParam<String>,
    QueryParams(query): QueryParams<PreviewQuery>,
) -> ApiResult<Json<Preview>> {
    let orders = orders(&query)?;
    let campaign = find(&*store, &merchant, &id).await?;
    run(&*store, &merchant, &campaign, orders).await
}

#[utoipa::path(
    post,
    path = "/v1/campaigns/preview",
    tag = "campaigns",
    operation_id = "preview_unsaved_campaign",
    summary = "Dry-run a campaign not saved yet on the latest orders",
    description = "As the preview of a stored campaign, for the campaign in the body. Writes nothing.",
    params(PreviewQuery),
    request_body(content = Campaign, example = crate::openapi::examples::campaign),
    responses(
        (status = 200, description = "What the campaign would have done", body = Preview),
        (status = 400, description = "An unknown or unreadable query parameter, or a malformed body", body = Problem, content_type = PROBLEM),
        (status = 409, description = "The merchant has no settings yet", body = Problem, content_type = PROBLEM),
        (status = 422, description = "Every problem of the campaign", body = Problem, content_type = PROBLEM),
    ),
)]
pub async fn unsaved<S: ApiStore>(
    State(store): State<Arc<S>>,
    Extension(Merchant(merchant)): Extension<Merchant>,
    QueryParams(query): QueryParams<PreviewQuery>,
    JsonBody(campaign): JsonBody<Campaign>,
) -> ApiResult<Json<Preview>> {
    let orders = orders(&query)?;
    run(&*store, &merchant, &campaign, orders).await
}
