//! `GET /v1/campaigns/{id}/stats`: what the campaign issued, what limits kept it out of,
//! what its coupons brought back, and whether it lifted repeat purchases against its
//! holdout.

use std::sync::Arc;

use axum::extract::State;
use axum::{Extension, Json};
use chrono::{Duration, Utc};
use packwise_core::campaign_stats::{CampaignStats, MAX_WINDOW_DAYS, campaign_stats};
use serde::Deserialize;

use crate::body::{PathParam, QueryParams, count_param};
use crate::campaigns::find;
use crate::problem::{ApiResult, CONTENT_TYPE as PROBLEM, Problem};
use crate::{ApiStore, Merchant};

/// The repeat-purchase window when the caller does not name one.
const DEFAULT_WINDOW_DAYS: u32 = 30;

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// Days after a customer's first exposure in which a further order counts as a
    /// repeat purchase (default 30).
    #[param(minimum = 1, maximum = 365)]
    window_days: Option<u32>,
}

#[utoipa::path(
    get,
    path = "/v1/campaigns/{id}/stats",
    tag = "campaigns",
    operation_id = "get_campaign_stats",
    summary = "What a campaign issued and brought back, and its lift against the holdout",
    params(
        ("id" = String, Path, example = crate::openapi::examples::campaign_id, description = "The campaign's id"),
        StatsQuery,
    ),
    responses(
        (status = 200, description = "The campaign's stats", body = CampaignStats),
        (status = 400, description = "An unknown or unreadable query parameter, or a malformed path", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such campaign", body = Problem, content_type = PROBLEM),
    ),
)]
pub async fn get<S: ApiStore>(
    State(store): State<Arc<S>>,
    Extension(Merchant(merchant)): Extension<Merchant>,
    PathParam(id): PathParam<String>,
    QueryParams(query): QueryParams<StatsQuery>,
) -> ApiResult<Json<CampaignStats>> {
    let days = count_param(
        "window_days",
        query.window_days,
        DEFAULT_WINDOW_DAYS,
        MAX_WINDOW_DAYS,
    )?;
    let campaign = find(&*store, &merchant, &id).await?;
    let window = Duration::days(i64::from(days));
    let stats = campaign_stats(&*store, &merchant, &campaign, window, Utc::now()).await?;
    Ok(Json(stats))
}
