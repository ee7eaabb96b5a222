//! The OpenAPI document: checked in as `shared/api/openapi.json` and held to the code
//! here, served without a key, and naming only routes the router serves. After a
//! deliberate change to the API, regenerate it with
//! `PACKWISE_UPDATE_OPENAPI=1 cargo test -p packwise-api --test openapi`.

use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use packwise_embedded::SqliteStore;
use serde_json::Value;
use tower::ServiceExt;

fn checked_in() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("openapi.json")
}

fn document() -> Value {
    serde_json::from_str(&packwise_api::openapi::json()).unwrap()
}

#[test]
fn the_checked_in_document_is_the_one_the_code_generates() {
    let fresh = packwise_api::openapi::json();
    if std::env::var_os("PACKWISE_UPDATE_OPENAPI").is_some() {
        std::fs::write(checked_in(), &fresh).unwrap();
        return;
    }
    let stored = std::fs::read_to_string(checked_in()).unwrap_or_default();
    assert!(
        stored == fresh,
        "shared/api/openapi.json differs from the document the code generates; after a \
         deliberate change to the API, regenerate it with \
         PACKWISE_UPDATE_OPENAPI=1 cargo test -p packwise-api --test openapi"
    );
}

#[test]
fn the_document_is_openapi_3_1_and_the_same_each_time() {
    let doc = document();
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(packwise_api::openapi::json(), packwise_api::openapi::json());
}

#[test]
fn documented_limits_are_the_enforced_ones() {
    let doc = document();
    let customers =
        &doc["components"]["schemas"]["CustomerAttributesBulk"]["properties"]["customers"];
    assert_eq!(customers["maxItems"], packwise_api::MAX_CUSTOMER_ROWS);
    assert_eq!(customers["minItems"], 1);
    let too_large = doc["components"]["responses"]["TooLarge"]["description"]
        .as_str()
        .unwrap();
    let kib = packwise_api::body::MAX_BODY_BYTES / 1024;
    assert!(too_large.contains(&format!("{kib} KiB")), "{too_large}");
}

#[test]
fn amounts_are_strings_and_currencies_the_standards_codes() {
    let doc = document();
    let schemas = &doc["components"]["schemas"];
    assert_eq!(
        schemas["Campaign"]["properties"]["holdout_percent"]["type"],
        "string"
    );
    let currencies = schemas["Currency"]["enum"].as_array().unwrap();
    for code in ["EUR", "USD", "JPY"] {
        assert!(currencies.iter().any(|c| c == code), "{code}");
    }
    assert!(!currencies.iter().any(|c| c == "ABC"));
}

async fn send(app: &axum::Router, method: Method, uri: &str) -> (StatusCode, String, Vec<u8>) {
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .body(Body::empty())
        .unwrap();
    let response = app.clone().oneshot(req).await.unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, content_type, body.to_vec())
}

fn app() -> (axum::Router, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("packwise.db")).unwrap();
    (packwise_api::router(Arc::new(store)), dir)
}

#[tokio::test]
async fn the_document_is_served_without_a_key() {
    let (app, _dir) = app();
    let (status, content_type, body) = send(&app, Method::GET, "/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type, "application/json");
    assert_eq!(
        String::from_utf8(body).unwrap(),
        packwise_api::openapi::json()
    );
}

/// Every documented operation reaches an authenticated route: without a key each is
/// refused with 401, where a path or method the router lacks would be 404 or 405.
#[tokio::test]
async fn every_documented_operation_is_routed_and_needs_a_key() {
    let (app, _dir) = app();
    let doc = document();
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        let uri: String = path
            .split('/')
            .map(|part| if part.starts_with('{') { "x" } else { part })
            .collect::<Vec<_>>()
            .join("/");
        for (method, operation) in item.as_object().unwrap() {
            let method: Method = method.to_uppercase().parse().unwrap();
            let (status, content_type, _) = send(&app, method.clone(), &uri).await;
            operations += 1;
            if path == "/openapi.json" {
                assert_eq!(operation["security"], serde_json::json!([{}]));
                assert_eq!(status, StatusCode::OK);
                continue;
            }
            assert!(operation.get("security").is_none(), "{method} {path}");
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path}");
            assert_eq!(content_type, "application/problem+json", "{method} {path}");
            assert!(
                operation["responses"]["401"].is_object(),
                "{method} {path} documents no 401"
            );
        }
    }
    assert!(operations >= 19, "{operations} operations documented");
}
