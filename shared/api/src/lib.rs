//! The merchant HTTP API as one axum router: served by the `campaign-api` function on
//! AWS (behind an API Gateway HTTP API) and by `packwise serve` on the embedded store.
//! Handlers parse, call the stores and the core's rules, and map errors to problem
//! details; no business rule lives here.

mod auth;
pub mod body;
mod campaigns;
mod customers;
mod etag;
mod inserts;
mod low_stock;
pub mod openapi;
mod preview;
pub mod problem;
mod settings;
mod stats;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post, put};
use packwise_core::ports::{ConfigStore, KeyStore, OrderStore};

pub use problem::Problem;

/// What the API needs of a store.
pub trait ApiStore: ConfigStore + KeyStore + OrderStore + 'static {}

impl<S: ConfigStore + KeyStore + OrderStore + 'static> ApiStore for S {}

pub use customers::MAX_ROWS as MAX_CUSTOMER_ROWS;

/// The merchant the request's API key belongs to: the only source of the tenant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Merchant(pub String);

/// Every route, authenticated but for the OpenAPI document, with the body size limit.
pub fn router<S: ApiStore>(store: Arc<S>) -> Router {
    let v1 = Router::new()
        .route(
            "/v1/campaigns",
            get(campaigns::list::<S>).post(campaigns::create::<S>),
        )
        .route("/v1/campaigns/validate", post(campaigns::validate::<S>))
        .route("/v1/campaigns/preview", post(preview::unsaved::<S>))
        .route(
            "/v1/campaigns/{id}",
            get(campaigns::get::<S>)
                .put(campaigns::replace::<S>)
                .delete(campaigns::delete::<S>),
        )
        .route(
            "/v1/campaigns/{id}/activate",
            post(campaigns::activate::<S>),
        )
        .route("/v1/campaigns/{id}/resume", post(campaigns::resume::<S>))
        .route("/v1/campaigns/{id}/pause", post(campaigns::pause::<S>))
        .route("/v1/campaigns/{id}/archive", post(campaigns::archive::<S>))
        .route("/v1/campaigns/{id}/stats", get(stats::get::<S>))
        .route("/v1/campaigns/{id}/preview", post(preview::stored::<S>))
        .route(
            "/v1/settings",
            get(settings::get::<S>).put(settings::replace::<S>),
        )
        .route("/v1/inserts", get(inserts::list::<S>))
        .route("/v1/low-stock", get(low_stock::get::<S>))
        .route(
            "/v1/inserts/{sku}",
            get(inserts::get::<S>)
                .put(inserts::put::<S>)
                .delete(inserts::delete::<S>),
        )
        .route("/v1/inserts/{sku}/stock", post(inserts::adjust_stock::<S>))
        .route(
            "/v1/inserts/{sku}/stock/{centre}",
            put(inserts::count_stock::<S>),
        )
        .route("/v1/customers/attributes:bulk", post(customers::bulk::<S>))
        .route("/v1/customers/{id}", get(customers::get::<S>))
        .route(
            "/v1/customers/{id}/attributes",
            put(customers::put_attributes::<S>),
        )
        .route_layer(axum::middleware::from_fn_with_state(
            store.clone(),
            auth::authenticate::<S>,
        ));
    // The document needs no key: it is added after the authentication layer.
    v1.route("/openapi.json", get(openapi::serve))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(body::MAX_BODY_BYTES))
        .with_state(store)
}

async fn not_found(uri: axum::http::Uri) -> Problem {
    Problem::new(
        axum::http::StatusCode::NOT_FOUND,
        "not-found",
        format!("no route for {}", uri.path()),
    )
}
