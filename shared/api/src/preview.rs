//! `POST /v1/campaigns/{id}/preview` and `POST /v1/campaigns/preview`: a stored campaign,
//! or one not saved yet, decided again on the merchant's latest orders. Writes nothing.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use packwise_core::Campaign;
use packwise_core::preview::{MAX_ORDERS, Preview, PreviewError, preview};
use serde::Deserialize;

use crate::body::{JsonBody, QueryParams};
use crate::campaigns::find;
use crate::problem::{ApiResult, Problem};
use crate::{ApiStore, Merchant};

/// Orders a preview reads when the caller does not say.
const DEFAULT_ORDERS: usize = 200;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreviewQuery {
    /// How many of the latest orders to decide again.
    orders: Option<usize>,
}

fn orders(query: &PreviewQuery) -> ApiResult<usize> {
    let orders = query.orders.unwrap_or(DEFAULT_ORDERS);
    if !(1..=MAX_ORDERS).contains(&orders) {
        return Err(Problem::field(
            StatusCode::BAD_REQUEST,
            "invalid-query",
            "orders",
            format!("must be between 1 and {MAX_ORDERS}"),
        ));
    }
    Ok(orders)
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

pub async fn stored<S: ApiStore>(
    State(store): State<Arc<S>>,
    Extension(Merchant(merchant)): Extension<Merchant>,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<PreviewQuery>,
) -> ApiResult<Json<Preview>> {
    let orders = orders(&query)?;
    let campaign = find(&*store, &merchant, &id).await?;
    run(&*store, &merchant, &campaign, orders).await
}

pub async fn unsaved<S: ApiStore>(
    State(store): State<Arc<S>>,
    Extension(Merchant(merchant)): Extension<Merchant>,
    QueryParams(query): QueryParams<PreviewQuery>,
    JsonBody(campaign): JsonBody<Campaign>,
) -> ApiResult<Json<Preview>> {
    let orders = orders(&query)?;
    run(&*store, &merchant, &campaign, orders).await
}
