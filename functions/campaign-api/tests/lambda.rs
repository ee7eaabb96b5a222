//! The built `campaign-api` binary run as Lambda runs it, on API Gateway HTTP API
//! (payload 2.0) events, over a real DynamoDB API on loopback.

use packwise_aws::testing::runtime_api::{self, Answer};
use packwise_aws::testing::{local_aws, unique_name};
use packwise_aws::{DynamoStore, RequestCounter, create_table};
use packwise_core::api_key;
use packwise_core::ports::{ConfigStore, Expect, KeyStore};
use serde_json::{Value, json};

/// An HTTP API request as API Gateway hands it to the function.
fn request(method: &str, path: &str, token: Option<&str>, body: Option<Value>) -> String {
    let mut headers = json!({"host": "api.example.com", "user-agent": "tests"});
    if let Some(token) = token {
        headers["authorization"] = json!(format!("Bearer {token}"));
    }
    if body.is_some() {
        headers["content-type"] = json!("application/json");
    }
    json!({
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": "",
        "headers": headers,
        "requestContext": {
            "accountId": "123456789012", "apiId": "api", "domainName": "api.example.com",
            "domainPrefix": "api", "requestId": "r-1", "routeKey": "$default",
            "stage": "$default", "time": "23/Nov/2026:12:00:00 +0000", "timeEpoch": 1795435200000u64,
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1",
                     "sourceIp": "192.0.2.1", "userAgent": "tests"}
        },
        "body": body.map(|b| b.to_string()),
        "isBase64Encoded": false
    })
    .to_string()
}

fn response(answer: &Option<Answer>) -> (u64, Value, Value) {
    let Some(Answer::Response(text)) = answer else {
        panic!("{answer:?}")
    };
    let r: Value = serde_json::from_str(text).unwrap();
    let body = r["body"]
        .as_str()
        .map(|b| serde_json::from_str(b).unwrap())
        .unwrap_or(Value::Null);
    (
        r["statusCode"].as_u64().unwrap(),
        r["headers"].clone(),
        body,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_function_answers_api_gateway_requests_with_the_merchant_api() {
    let clients = local_aws().clients(&RequestCounter::new());
    let table = unique_name("packwise-api-fn");
    create_table(&clients.dynamodb, &table).await.unwrap();
    let store = DynamoStore::new(clients.dynamodb, &table);
    let settings = serde_json::from_value(json!({
        "merchant": "alpha", "name": "Alpha", "default_locale": "en",
        "default_currency": "EUR", "coupon_secret": "a-secret-of-sixteen-chars"
    }))
    .unwrap();
    store.put_settings(&settings, Expect::Any).await.unwrap();
    let now = "2026-11-23T12:00:00Z".parse().unwrap();
    let issued = api_key::issue("alpha", None, [7; 32], now);
    store.put_api_key(&issued.key).await.unwrap();
    let key = issued.token.as_str();
    let campaign = json!({"id": "thanks", "name": "Thanks", "condition": "true",
                          "actions": {"recommend": {"count": 2}}});

    let events = vec![
        request("GET", "/v1/campaigns", None, None),
        request("POST", "/v1/campaigns", Some(key), Some(campaign)),
        request("GET", "/v1/campaigns/thanks", Some(key), None),
    ];
    let answers = runtime_api::answers(
        env!("CARGO_BIN_EXE_campaign-api"),
        "campaign-api",
        &[("PACKWISE_TABLE", &table)],
        events,
    );

    let (status, headers, body) = response(&answers[0]);
    assert_eq!(status, 401, "{body}");
    assert_eq!(headers["content-type"], "application/problem+json");
    let (status, headers, body) = response(&answers[1]);
    assert_eq!(status, 201, "{body}");
    assert_eq!(headers["location"], "/v1/campaigns/thanks");
    let (status, headers, body) = response(&answers[2]);
    assert_eq!(status, 200, "{body}");
    assert_eq!(headers["etag"], "\"1\"");
    assert_eq!(body["id"], "thanks");
    assert_eq!(body["status"], "draft");
}
