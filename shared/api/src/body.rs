//! The JSON request body, refused as a problem with the path of the field at fault.
//!
//! axum's own `Json` extractor answers bad bodies in plain text and names no field;
//! `serde_path_to_error` gives the path (`actions.coupon.value.percent`) and the types'
//! `deny_unknown_fields` reject fields the API does not know.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use packwise_core::validation::FieldError;
use serde::de::DeserializeOwned;

use crate::problem::Problem;

/// Request bodies larger than this are refused before they are read whole.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let essence = content_type.split(';').next().unwrap_or_default().trim();
        if !essence.eq_ignore_ascii_case("application/json") {
            return Err(Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                format!("the body must be application/json, not `{content_type}`"),
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            let status = e.status();
            let detail = if status == StatusCode::PAYLOAD_TOO_LARGE {
                format!("the body must be at most {MAX_BODY_BYTES} bytes")
            } else {
                e.body_text()
            };
            Problem::new(status, "unreadable-body", detail)
        })?;
        decode(&bytes).map(JsonBody)
    }
}

/// A whole request body read as `T`, or a problem naming the field at fault. What
/// `JsonBody` does once it has the bytes; public so the fuzz targets run it.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Problem> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let e = path_error(e);
        Problem::field(StatusCode::BAD_REQUEST, "malformed", &e.field, e.message)
    })?;
    de.end().map_err(|e| {
        Problem::field(
            StatusCode::BAD_REQUEST,
            "malformed",
            "(body)",
            e.to_string(),
        )
    })?;
    Ok(value)
}

/// A part of a body read on its own, with the path of the field at fault within it.
pub fn from_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, FieldError> {
    serde_path_to_error::deserialize(value).map_err(path_error)
}

fn path_error<E: std::fmt::Display>(e: serde_path_to_error::Error<E>) -> FieldError {
    let path = e.path().to_string();
    FieldError {
        // "." is the body itself; a blank path, an unknown field with a blank name at
        // its top, which the message quotes.
        field: if path == "." || path.trim().is_empty() {
            "(body)".to_string()
        } else {
            path
        },
        message: e.inner().to_string(),
    }
}

/// A counting query parameter (a page size, a window in days): `default` when left
/// out, else between 1 and `max`, or a problem naming the parameter.
pub fn count_param<T>(name: &str, value: Option<T>, default: T, max: T) -> Result<T, Problem>
where
    T: PartialOrd + From<u8> + std::fmt::Display + Copy,
{
    let value = value.unwrap_or(default);
    if value < T::from(1) || value > max {
        return Err(Problem::field(
            StatusCode::BAD_REQUEST,
            "invalid-query",
            name,
            format!("must be between 1 and {max}"),
        ));
    }
    Ok(value)
}

/// Query parameters, refused as a problem naming the parameter at fault (axum's own
/// `Query` answers in plain text and names none).
pub struct QueryParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for QueryParams<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Problem> {
        let query = parts.uri.query().unwrap_or_default();
        let pairs = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(pairs)
            .map(QueryParams)
            .map_err(|e| {
                let path = e.path().to_string();
                let field = if path == "." {
                    "(query)".to_string()
                } else {
                    path
                };
                Problem::field(
                    StatusCode::BAD_REQUEST,
                    "invalid-query",
                    &field,
                    e.inner().to_string(),
                )
            })
    }
}

/// A path parameter, refused as a problem naming the parameter at fault: axum's own
/// `Path` answers in plain text (`/v1/campaigns/%FF` is not UTF-8).
pub struct PathParam<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for PathParam<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(value)| PathParam(value))
            .map_err(|e| Problem::new(StatusCode::BAD_REQUEST, "invalid-path", e.body_text()))
    }
}

#[cfg(test)]
mod tests {
    use packwise_core::Campaign;

    use super::decode;

    /// Found by fuzzing: an unknown field named "" or " " at the top of a body was
    /// reported on a blank field, which names nothing a client can find.
    #[test]
    fn an_unknown_field_with_a_blank_name_is_reported_on_the_body() {
        for (body, quoted) in [(r#"{"": 1}"#, "``"), (r#"{" ": 1}"#, "` `")] {
            let problem = decode::<Campaign>(body.as_bytes()).unwrap_err();
            assert_eq!(problem.status, 400);
            assert_eq!(problem.errors[0].field, "(body)", "{body}");
            assert!(
                problem.errors[0]
                    .message
                    .contains(&format!("unknown field {quoted}")),
                "{problem:?}"
            );
        }
    }

    #[test]
    fn a_field_at_fault_is_named_by_its_path() {
        let problem = decode::<Campaign>(br#"{"id": "a", "name": "b", "actions": {"coupon": 1}}"#)
            .unwrap_err();
        assert_eq!(problem.errors[0].field, "actions.coupon");
    }
}
