//! Who is calling: the merchant of a valid, unrevoked API key sent as
//! `Authorization: Bearer pw_<id>_<secret>`. Every resource is the caller's merchant's;
//! no path or body ever names the merchant.
//!
//! In-app rather than an API Gateway Lambda authorizer: one implementation serves
//! `packwise serve` and the function alike and is tested once, it costs no second
//! invocation per request, and the key is checked against the same store the request
//! then reads.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use packwise_core::api_key::parse_token;

use crate::problem::Problem;
use crate::{ApiStore, Merchant};

fn unauthorized(detail: &str) -> Problem {
    Problem::new(StatusCode::UNAUTHORIZED, "unauthorized", detail)
}

pub async fn authenticate<S: ApiStore>(
    State(store): State<Arc<S>>,
    mut req: Request,
    next: Next,
) -> Result<Response, Problem> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Err(unauthorized(
            "send an API key as `Authorization: Bearer <key>`",
        ));
    };
    let text = value.to_str().unwrap_or_default();
    let token = text
        .strip_prefix("Bearer ")
        .or_else(|| text.strip_prefix("bearer "))
        .map(str::trim)
        .ok_or_else(|| unauthorized("the Authorization header must be `Bearer <key>`"))?;
    // One answer for every wrong key, so a caller learns nothing about which keys exist.
    let refused = || unauthorized("the API key is not valid or was revoked");
    let (id, secret) = parse_token(token).ok_or_else(refused)?;
    let key = store.api_key(id).await?.ok_or_else(refused)?;
    if !key.is_active() || !key.matches(secret) {
        return Err(refused());
    }
    req.extensions_mut().insert(Merchant(key.merchant));
    Ok(next.run(req).await)
}
