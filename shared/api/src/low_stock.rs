//! `GET /v1/low-stock`: inserts to restock, per centre, at or below their threshold or
//! running out within a week at the last seven days' pace.

use std::sync::Arc;

use axum::extract::State;
use axum::{Extension, Json};
use chrono::Utc;
use packwise_core::stock_report::{StockReport, stock_report};

use crate::problem::ApiResult;
use crate::{ApiStore, Merchant};

#[utoipa::path(
    get,
    path = "/v1/low-stock",
    tag = "inserts",
    operation_id = "get_low_stock",
    summary = "Inserts to restock, per centre",
    description = "At or below their threshold, or out within 7 days at the pace parcels took them over the last 7.",
    responses((status = 200, description = "The inserts running low, fewest days left first", body = StockReport)),
)]
pub async fn get<S: ApiStore>(
    State(store): State<Arc<S>>,
    Extension(Merchant(merchant)): Extension<Merchant>,
) -> ApiResult<Json<StockReport>> {
    Ok(Json(stock_report(&*store, &merchant, Utc::now()).await?))
}
