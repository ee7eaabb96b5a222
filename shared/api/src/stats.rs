//! `GET /v1/campaigns/{id}/stats`: what the campaign issued, what limits kept it out of,
//! what its coupons brought back, and whether it lifted repeat purchases against its
//! holdout.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use chrono::{Duration, Utc};
use packwise_core::campaign_stats::{CampaignStats, MAX_WINDOW_DAYS, campaign_stats};
use serde::Deserialize;

use crate::body::QueryParams;
use crate::campaigns::find;
use crate::problem::{ApiResult, Problem};
use crate::{ApiStore, Merchant};

/// The repeat-purchase window when the caller does not name one.
const DEFAULT_WINDOW_DAYS: u32 = 30;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatsQuery {
    /// Days after a customer's first exposure in which a further order counts as a
    /// repeat purchase.
    window_days: Option<u32>,
}

pub async fn get<S: ApiStore>(
    State(store): State<Arc<S>>,
    Extension(Merchant(merchant)): Extension<Merchant>,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<StatsQuery>,
) -> ApiResult<Json<CampaignStats>> {
    let days = query.window_days.unwrap_or(DEFAULT_WINDOW_DAYS);
    if !(1..=MAX_WINDOW_DAYS).contains(&days) {
        return Err(Problem::field(
            StatusCode::BAD_REQUEST,
            "invalid-query",
            "window_days",
            format!("must be between 1 and {MAX_WINDOW_DAYS}"),
        ));
    }
    let campaign = find(&*store, &merchant, &id).await?;
    let window = Duration::days(i64::from(days));
    let stats = campaign_stats(&*store, &merchant, &campaign, window, Utc::now()).await?;
    Ok(Json(stats))
}
