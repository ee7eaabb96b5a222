//! `/v1/settings`: the caller's own merchant settings, read with their version as `ETag`
//! and replaced (with `If-Match`, only if unchanged since read). The coupon secret is
//! never shown; a replace may leave it out to keep it.

use std::sync::Arc;

use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use packwise_core::settings::SettingsUpdate;

use crate::body::JsonBody;
use crate::etag;
use crate::problem::{ApiResult, Problem};
use crate::{ApiStore, Merchant};

/// The caller's settings, the secret masked, their version as the entity tag.
pub async fn get<S: ApiStore>(
    State(store): State<Arc<S>>,
    Extension(Merchant(merchant)): Extension<Merchant>,
) -> ApiResult<Response> {
    let settings = store
        .settings(&merchant)
        .await?
        .ok_or_else(|| Problem::not_found(format_args!("settings for merchant `{merchant}`")))?;
    Ok(etag::with_etag(
        StatusCode::OK,
        settings.version,
        settings.masked(),
    ))
}

/// Replaces the settings; with the ETag read in `If-Match`, only if nobody changed them
/// meanwhile (`412` otherwise).
pub async fn replace<S: ApiStore>(
    State(store): State<Arc<S>>,
    Extension(Merchant(merchant)): Extension<Merchant>,
    headers: HeaderMap,
    JsonBody(update): JsonBody<SettingsUpdate>,
) -> ApiResult<Response> {
    let stored = store.settings(&merchant).await?;
    let expect = etag::optional_if_match(
        &headers,
        &format_args!("the settings of merchant `{merchant}`"),
        stored.as_ref().map(|s| s.version),
    )?;
    let mut settings = update
        .resolve(&merchant, stored.as_ref())
        .map_err(Problem::invalid)?;
    settings.version = store.put_settings(&settings, expect).await?;
    Ok(etag::with_etag(
        StatusCode::OK,
        settings.version,
        settings.masked(),
    ))
}
