//! Errors as RFC 9457 problem details (`application/problem+json`): a stable `type` per
//! kind of problem, the HTTP status, a sentence for people and, for bad input, every
//! field at fault with its path.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use packwise_core::ports::StoreError;
use packwise_core::validation::{FieldError, Invalid};
use serde::Serialize;

pub const CONTENT_TYPE: &str = "application/problem+json";

/// A problem detail (RFC 9457), sent as `application/problem+json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A relative URI naming the kind of problem, resolved against the API's base: the
    /// README lists them.
    #[serde(rename = "type")]
    pub kind: String,
    /// The HTTP status's reason phrase.
    pub title: String,
    /// The HTTP status code, as sent.
    pub status: u16,
    /// What went wrong, for people.
    pub detail: String,
    /// For bad input: every field at fault, by its path in the request.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

impl Problem {
    pub fn new(status: StatusCode, slug: &str, detail: impl Into<String>) -> Self {
        Problem {
            kind: format!("/problems/{slug}"),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail: detail.into(),
            errors: Vec::new(),
        }
    }

    /// Every problem of a document at once, each with its field.
    pub fn invalid(invalid: Invalid) -> Self {
        let mut p = Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            format!("{} problem(s) in the request", invalid.errors.len()),
        );
        p.errors = invalid.errors;
        p
    }

    pub fn field(status: StatusCode, slug: &str, field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        let mut p = Problem::new(status, slug, format!("{field}: {message}"));
        p.errors.push(FieldError {
            field: field.to_string(),
            message,
        });
        p
    }

    pub fn not_found(what: impl std::fmt::Display) -> Self {
        Problem::new(StatusCode::NOT_FOUND, "not-found", format!("no {what}"))
    }
}

impl From<StoreError> for Problem {
    fn from(e: StoreError) -> Self {
        match &e {
            StoreError::Unavailable(_) => Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                e.to_string(),
            ),
            StoreError::VersionConflict { expected: None, .. } => {
                Problem::new(StatusCode::CONFLICT, "exists", e.to_string())
            }
            StoreError::VersionConflict { .. } => {
                Problem::new(StatusCode::PRECONDITION_FAILED, "stale", e.to_string())
            }
            StoreError::Conflict(_) => Problem::new(StatusCode::CONFLICT, "exists", e.to_string()),
            StoreError::NotFound(what) => Problem::not_found(what),
            // The request is sound; the stock it would change cannot take it.
            StoreError::StockOutOfRange { .. } => {
                Problem::new(StatusCode::CONFLICT, "stock-out-of-range", e.to_string())
            }
            StoreError::Corrupt { .. } => {
                // The key names the record; the caller needs only to know it is ours.
                tracing::error!(error = %e, "corrupt record");
                Problem::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "a stored record could not be read; it has been logged",
                )
            }
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self).expect("a problem serializes");
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
        if status == StatusCode::SERVICE_UNAVAILABLE {
            headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"packwise\""),
            );
        }
        response
    }
}

pub type ApiResult<T> = Result<T, Problem>;
