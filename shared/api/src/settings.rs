//! `/v1/settings`: the caller's own merchant settings, read with their version as `ETag`
//! and replaced (with `If-Match`, only if unchanged since read). The coupon secret is
//! never shown; a replace may leave it out to keep it.

use std::sync::Arc;

use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use packwise_core::MerchantSettings;
use packwise_core::settings::SettingsUpdate;
use packwise_core::validation::Invalid;

use crate::body::JsonBody;
use crate::etag;
use crate::problem::{ApiResult, CONTENT_TYPE as PROBLEM, Problem};
use crate::{ApiStore, Merchant};

/// The caller's settings, the secret masked, their version as the entity tag.
#[utoipa::path(
    get,
    path = "/v1/settings",
    tag = "settings",
    operation_id = "get_settings",
    summary = "Read the caller's merchant settings",
    description = "`coupon_secret` always reads `********`.",
    responses(
        (status = 200, description = "The settings", body = MerchantSettings, headers(
            ("ETag" = String, description = "The settings' version, quoted"),
        )),
        (status = 404, description = "The merchant has no settings", body = Problem, content_type = PROBLEM),
    ),
)]
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
#[utoipa::path(
    put,
    path = "/v1/settings",
    tag = "settings",
    operation_id = "replace_settings",
    summary = "Replace the caller's merchant settings",
    description = "`coupon_secret` left out or sent back as `********` keeps the stored one. `merchant` may be left out; any other merchant than the caller's is refused.",
    params(("If-Match" = Option<String>, Header, description = "The `ETag` read: the write happens only if nothing changed since"),),
    request_body(content = SettingsUpdate, example = crate::openapi::examples::settings),
    responses(
        (status = 200, description = "The settings as stored", body = MerchantSettings, headers(
            ("ETag" = String, description = "The settings' new version, quoted"),
        )),
        (status = 400, description = "A malformed body or `If-Match`", body = Problem, content_type = PROBLEM),
        (status = 412, description = "The settings changed since they were read", body = Problem, content_type = PROBLEM),
        (status = 422, description = "Every problem of the settings", body = Problem, content_type = PROBLEM),
    ),
)]
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
    // The template is checked beside the other fields, so that every problem is
    // reported at once.
    let template = packwise_slips::template_problems(&update.slip);
    let mut settings = update
        .resolve(&merchant, stored.as_ref())
        .map_err(|mut invalid| {
            invalid.errors.extend(template.iter().cloned());
            Problem::invalid(invalid)
        })?;
    if !template.is_empty() {
        return Err(Problem::invalid(Invalid { errors: template }));
    }
    settings.version = store.put_settings(&settings, expect).await?;
    Ok(etag::with_etag(
        StatusCode::OK,
        settings.version,
        settings.masked(),
    ))
}
