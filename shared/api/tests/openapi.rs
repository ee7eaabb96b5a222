//! The OpenAPI document: checked in as `shared/api/openapi.json` and held to the code
//! here, served without a key, and naming only routes the router serves. After a
//! deliberate change to the API, regenerate it with
//! `PACKWISE_UPDATE_OPENAPI=1 cargo test -p packwise-api --test openapi`.

use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use packwise_core::api_key;
use packwise_core::ports::{ConfigStore, Expect, KeyStore};
use packwise_embedded::SqliteStore;
use serde_json::{Value, json};
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
        schemas["Campaign"]["properties"]["holdout_percent"]["$ref"],
        "#/components/schemas/Decimal"
    );
    assert_eq!(schemas["Decimal"]["type"], "string");
    assert_eq!(schemas["Decimal"]["pattern"], r"^-?[0-9]+(\.[0-9]+)?$");
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
    answer(app, req).await
}

async fn answer(app: &axum::Router, req: Request<Body>) -> (StatusCode, String, Vec<u8>) {
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

/// The request body example of an operation, and the example of each of its parameters.
fn examples(doc: &Value, path: &str, method: &str) -> (Value, Vec<(String, String)>) {
    let operation = &doc["paths"][path][method];
    let body = operation["requestBody"]["content"]["application/json"]["example"].clone();
    let params = operation["parameters"]
        .as_array()
        .map(|params| {
            params
                .iter()
                .filter_map(|p| {
                    let example = p["example"].as_str()?;
                    Some((p["name"].as_str().unwrap().to_string(), example.to_string()))
                })
                .collect()
        })
        .unwrap_or_default();
    (body, params)
}

/// The document's examples are requests the API accepts, sent in the order a merchant
/// would: settings, the insert, the campaign that gives it, then customers.
#[tokio::test]
async fn the_documents_examples_are_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("packwise.db")).unwrap();
    let settings = serde_json::from_value(json!({
        "merchant": "tea", "name": "Tea", "default_locale": "en",
        "default_currency": "EUR", "coupon_secret": "a-secret-of-sixteen-chars"
    }))
    .unwrap();
    store.put_settings(&settings, Expect::Any).await.unwrap();
    let issued = api_key::issue("tea", None, [7; 32], chrono::Utc::now());
    store.put_api_key(&issued.key).await.unwrap();
    let app = packwise_api::router(Arc::new(store));
    let doc = document();
    let steps = [
        ("/v1/settings", "put", StatusCode::OK),
        ("/v1/inserts/{sku}", "put", StatusCode::CREATED),
        ("/v1/inserts/{sku}", "get", StatusCode::OK),
        ("/v1/campaigns/validate", "post", StatusCode::OK),
        ("/v1/campaigns", "post", StatusCode::CREATED),
        ("/v1/campaigns/{id}", "get", StatusCode::OK),
        ("/v1/campaigns/{id}", "put", StatusCode::OK),
        ("/v1/campaigns/{id}/activate", "post", StatusCode::OK),
        ("/v1/customers/{id}/attributes", "put", StatusCode::OK),
        ("/v1/customers/attributes:bulk", "post", StatusCode::OK),
        ("/v1/customers/{id}", "get", StatusCode::OK),
    ];
    for (path, method, expected) in steps {
        let (body, params) = examples(&doc, path, method);
        let mut uri = path.to_string();
        let mut req = Request::builder()
            .method(method.to_uppercase().as_str())
            .header(header::AUTHORIZATION, format!("Bearer {}", issued.token));
        for (name, example) in params {
            if uri.contains(&format!("{{{name}}}")) {
                uri = uri.replace(&format!("{{{name}}}"), &example);
            } else {
                req = req.header(name.as_str(), example);
            }
        }
        let req = if body.is_null() {
            req.uri(&uri).body(Body::empty())
        } else {
            req.uri(&uri)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
        }
        .unwrap();
        let (status, _, answer) = answer(&app, req).await;
        assert_eq!(
            status,
            expected,
            "{method} {uri}: {}",
            String::from_utf8_lossy(&answer)
        );
        if path == "/v1/customers/attributes:bulk" {
            let result: Value = serde_json::from_slice(&answer).unwrap();
            assert_eq!(result["invalid"], 0, "{result}");
        }
    }
}
