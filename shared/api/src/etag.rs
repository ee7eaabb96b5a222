//! Entity tags: every versioned resource (campaigns, inserts, settings) shows its version
//! as a strong `ETag` (`"3"`) and takes it back in `If-Match`, so that a write can name
//! the state it changes and is refused (`412`) when that state is gone.

use axum::Json;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use packwise_core::ports::Expect;
use serde::Serialize;

use crate::problem::{ApiResult, Problem};

/// `body` with `version` as its entity tag.
pub fn with_etag(status: StatusCode, version: u64, body: impl Serialize) -> Response {
    let etag = HeaderValue::from_str(&format!("\"{version}\"")).expect("digits");
    let mut response = (status, Json(body)).into_response();
    response.headers_mut().insert(header::ETAG, etag);
    response
}

/// The version an `If-Match` header names, if one is sent, for a write whose store call
/// checks it itself.
pub fn if_match(headers: &HeaderMap) -> ApiResult<Option<u64>> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or_default().trim();
    let text = text.strip_prefix("W/").unwrap_or(text);
    text.trim_matches('"').parse().map(Some).map_err(|_| {
        Problem::field(
            StatusCode::BAD_REQUEST,
            "invalid-header",
            "If-Match",
            format!("`{text}` is not an ETag of this API (a quoted version such as \"3\")"),
        )
    })
}

/// The version a write that must name one sends (a campaign's replace): refused without,
/// so no merchant overwrites a change they have not seen.
pub fn required_if_match(headers: &HeaderMap, what: &str) -> ApiResult<u64> {
    if_match(headers)?.ok_or_else(|| {
        Problem::new(
            StatusCode::PRECONDITION_REQUIRED,
            "if-match-required",
            format!("send If-Match with the ETag of the {what} you changed"),
        )
    })
}

/// For writes that may be sent blind: without `If-Match`, `Expect::Any`; with it, the
/// version it names must be the current one (`current`, `None` when there is no such
/// resource yet), and the write is to expect it, so that one changed meanwhile is still
/// refused by the store. `what` names the resource in the refusal.
pub fn optional_if_match(
    headers: &HeaderMap,
    what: &dyn std::fmt::Display,
    current: Option<u64>,
) -> ApiResult<Expect> {
    let Some(sent) = if_match(headers)? else {
        return Ok(Expect::Any);
    };
    if current != Some(sent) {
        return Err(stale(what, sent, current));
    }
    Ok(Expect::Version(sent))
}

/// `412`: the version the caller names is not the current one. Worded so that `what`
/// may be singular (an insert) or plural (the settings).
pub fn stale(what: &dyn std::fmt::Display, sent: u64, current: Option<u64>) -> Problem {
    let detail = match current {
        Some(current) => format!(
            "version {sent} of {what} is not the current one ({current}): read again and reapply your change"
        ),
        None => format!("{what}: none exists, so version {sent} cannot be current"),
    };
    Problem::new(StatusCode::PRECONDITION_FAILED, "stale", detail)
}
