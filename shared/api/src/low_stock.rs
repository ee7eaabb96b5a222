//! `GET /v1/low-stock`: inserts to restock, per centre, at or below their threshold or
//! running out within a week at the last seven days' pace.

use std::sync::Arc;

use axum::extract::State;
use axum::{Extension, Json};
use chrono::Utc;
use packwise_core::stock_report::{StockReport, stock_report};

use crate::problem::ApiResult;
use crate::{ApiStore, Merchant};

pub async fn get<S: ApiStore>(
    State(store): State<Arc<S>>,
    Extension(Merchant(merchant)): Extension<Merchant>,
) -> ApiResult<Json<StockReport>> {
    Ok(Json(stock_report(&*store, &merchant, Utc::now()).await?))
}
