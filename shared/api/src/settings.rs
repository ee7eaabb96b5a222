//! `/v1/settings`: the caller's own merchant settings, read and replaced. The coupon
//! secret is never shown; a replace may leave it out to keep it.

use std::sync::Arc;

use axum::extract::State;
use axum::{Extension, Json};
use packwise_core::MerchantSettings;
use packwise_core::ports::Expect;
use packwise_core::settings::SettingsUpdate;

use crate::body::JsonBody;
use crate::problem::{ApiResult, Problem};
use crate::{ApiStore, Merchant};

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

pub async fn replace<S: ApiStore>(
    State(store): State<Arc<S>>,
    Extension(Merchant(merchant)): Extension<Merchant>,
    JsonBody(update): JsonBody<SettingsUpdate>,
) -> ApiResult<Json<MerchantSettings>> {
    let stored = store.settings(&merchant).await?;
    let mut settings = update
        .resolve(&merchant, stored.as_ref())
        .map_err(Problem::invalid)?;
    settings.version = store.put_settings(&settings, Expect::Any).await?;
    Ok(Json(settings.masked()))
}
