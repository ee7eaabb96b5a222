//! `/v1/settings`: the caller's own merchant settings, read and replaced. The coupon
//! secret is never shown; a replace may leave it out to keep it.

use std::sync::Arc;

use axum::extract::State;
use axum::{Extension, Json};
use packwise_core::MerchantSettings;
use packwise_core::settings::SettingsUpdate;

use crate::body::JsonBody;
use crate::problem::{ApiResult, CONTENT_TYPE as PROBLEM, Problem};
use crate::{ApiStore, Merchant};

#[utoipa::path(
    get,
    path = "/v1/settings",
    tag = "settings",
    operation_id = "get_settings",
    summary = "Read the caller's merchant settings",
    description = "`coupon_secret` always reads `********`.",
    responses(
        (status = 200, description = "The settings", body = MerchantSettings),
        (status = 404, description = "The merchant has no settings", body = Problem, content_type = PROBLEM),
    ),
)]
pub async fn get<S: ApiStore>(
    State(store): State<Arc<S>>,
    Extension(Merchant(merchant)): Extension<Merchant>,
) -> ApiResult<Json<MerchantSettings>> {
    let settings = store
        .settings(&merchant)
        .await?
        .ok_or_else(|| Problem::not_found(format_args!("settings for merchant `{merchant}`")))?;
    Ok(Json(settings.masked()))
}

#[utoipa::path(
    put,
    path = "/v1/settings",
    tag = "settings",
    operation_id = "replace_settings",
    summary = "Replace the caller's merchant settings",
    description = "`coupon_secret` left out or sent back as `********` keeps the stored one. `merchant` may be left out; any other merchant than the caller's is refused.",
    request_body(content = SettingsUpdate, example = crate::openapi::examples::settings),
    responses(
        (status = 200, description = "The settings as stored", body = MerchantSettings),
        (status = 422, description = "Every problem of the settings", body = Problem, content_type = PROBLEM),
    ),
)]
pub async fn replace<S: ApiStore>(
    State(store): State<Arc<S>>,
    Extension(Merchant(merchant)): Extension<Merchant>,
    JsonBody(update): JsonBody<SettingsUpdate>,
) -> ApiResult<Json<MerchantSettings>> {
    let stored = store.settings(&merchant).await?;
    let settings = update
        .resolve(&merchant, stored.as_ref())
        .map_err(Problem::invalid)?;
    store.put_settings(&settings).await?;
    Ok(Json(settings.masked()))
}
