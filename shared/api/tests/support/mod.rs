//! A shop of two merchants behind the router, and requests sent to it in process.

/// Hands every scenario's name to a macro that makes it a test on one store, so both
/// stores run the same list.
macro_rules! every_scenario {
    ($on_store:ident) => {
        $on_store!(
            requests_without_a_valid_key_are_refused,
            a_campaign_is_created_read_and_refused_twice,
            bad_campaigns_are_refused_with_every_problem_and_nothing_is_saved,
            campaigns_are_listed_in_pages,
            a_replace_needs_the_version_it_read,
            campaigns_move_through_their_lifecycle,
            one_merchant_never_sees_or_changes_another_merchants_campaigns,
            settings_are_shown_without_the_secret_and_replaced_keeping_it,
            bad_settings_are_refused_with_every_field_and_change_nothing,
            inserts_are_created_replaced_read_and_listed,
            inserts_at_or_below_their_threshold_are_listed_as_low,
            bad_inserts_are_refused_with_every_field_and_change_nothing,
            inserts_carry_their_version_as_an_etag_and_writes_may_name_it,
            a_parcel_taking_stock_changes_the_inserts_etag,
            settings_carry_their_version_as_an_etag_and_writes_may_name_it,
            stock_is_adjusted_by_a_delta_and_set_to_a_count,
            bad_stock_changes_are_refused_with_every_field_and_change_nothing,
            stock_changes_may_name_the_version_they_change,
            one_merchant_never_changes_another_merchants_stock,
            customer_attributes_are_set_one_by_one_and_the_profile_read,
            bad_customer_attributes_are_refused_with_every_field,
            customer_attributes_in_bulk_write_the_valid_rows_and_report_the_others,
            a_bulk_request_holds_at_most_a_thousand_customers,
            settings_are_always_the_callers_own,
            one_merchant_never_sees_or_changes_another_merchants_inserts,
            one_merchant_never_sees_or_changes_another_merchants_customers,
            campaign_stats_count_exposures_redemptions_and_the_lift,
            stats_refuse_a_bad_window_and_another_merchants_campaign,
            a_draft_is_previewed_on_the_latest_orders_and_nothing_is_written,
            previews_refuse_bad_input_and_see_only_the_callers_orders,
            inserts_running_low_are_reported_from_the_last_week_of_parcels,
            an_insert_no_running_campaign_names_is_deleted,
            paths_that_are_not_utf8_are_refused_as_problems,
        );
    };
}

mod results;
pub use results::*;

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use chrono::{DateTime, Utc};
use http_body_util::BodyExt;
use packwise_core::api_key;
use packwise_core::ports::{Expect, KeyStore};
use serde_json::{Value, json};
use tower::ServiceExt;

pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Answer {
    pub fn header(&self, name: header::HeaderName) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    /// The problem's field paths, for bad input.
    pub fn fields(&self) -> Vec<&str> {
        self.body["errors"]
            .as_array()
            .map(|e| e.iter().filter_map(|x| x["field"].as_str()).collect())
            .unwrap_or_default()
    }
}

pub struct Shop<S> {
    pub store: Arc<S>,
    pub app: Router,
    /// A valid key of merchant `alpha`, and one of merchant `beta`.
    pub alpha: String,
    pub beta: String,
}

fn now() -> DateTime<Utc> {
    "2026-11-23T12:00:00Z".parse().unwrap()
}

pub async fn issue<S: KeyStore>(store: &S, merchant: &str, seed: u8) -> String {
    let issued = api_key::issue(merchant, Some("tests"), [seed; 32], now());
    store.put_api_key(&issued.key).await.unwrap();
    issued.token
}

impl<S: packwise_api::ApiStore> Shop<S> {
    pub async fn open(store: S) -> Shop<S> {
        for merchant in ["alpha", "beta"] {
            let settings = serde_json::from_value(json!({
                "merchant": merchant, "name": merchant, "default_locale": "en",
                "default_currency": "EUR", "coupon_secret": "a-secret-of-sixteen-chars"
            }))
            .unwrap();
            store.put_settings(&settings, Expect::Any).await.unwrap();
            let insert = serde_json::from_value(json!({
                "sku": "CARD-THANKS", "name": "Thank-you card", "kind": "thank_you_card",
                "weight_grams": 10, "format": "flat", "stock": {"BER1": 100}
            }))
            .unwrap();
            store
                .put_insert(merchant, &insert, Expect::Any)
                .await
                .unwrap();
        }
        let alpha = issue(&store, "alpha", 1).await;
        let beta = issue(&store, "beta", 2).await;
        let store = Arc::new(store);
        Shop {
            app: packwise_api::router(store.clone()),
            store,
            alpha,
            beta,
        }
    }

    pub async fn send(
        &self,
        method: Method,
        uri: &str,
        key: Option<&str>,
        body: Option<Value>,
        extra: &[(header::HeaderName, &str)],
    ) -> Answer {
        let mut req = Request::builder().method(method).uri(uri);
        if let Some(key) = key {
            req = req.header(header::AUTHORIZATION, format!("Bearer {key}"));
        }
        for (name, value) in extra {
            req = req.header(name, *value);
        }
        let req = match body {
            Some(b) => req
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(b.to_string())),
            None => req.body(Body::empty()),
        }
        .unwrap();
        self.raw(req).await
    }

    pub async fn raw(&self, req: Request<Body>) -> Answer {
        let response = self.app.clone().oneshot(req).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or_else(|_| {
                panic!("{status}: not JSON: {}", String::from_utf8_lossy(&bytes))
            })
        };
        if !status.is_success() {
            assert_eq!(
                headers[header::CONTENT_TYPE],
                "application/problem+json",
                "{status}: {body}"
            );
            assert_eq!(body["status"], status.as_u16(), "{body}");
        }
        Answer {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, uri: &str, key: &str) -> Answer {
        self.send(Method::GET, uri, Some(key), None, &[]).await
    }

    pub async fn post(&self, uri: &str, key: &str, body: Value) -> Answer {
        self.send(Method::POST, uri, Some(key), Some(body), &[])
            .await
    }

    pub async fn action(&self, uri: &str, key: &str) -> Answer {
        self.send(Method::POST, uri, Some(key), None, &[]).await
    }

    pub async fn put(&self, uri: &str, key: &str, body: Value, etag: Option<&str>) -> Answer {
        let extra: Vec<(header::HeaderName, &str)> =
            etag.map(|e| (header::IF_MATCH, e)).into_iter().collect();
        self.send(Method::PUT, uri, Some(key), Some(body), &extra)
            .await
    }
}

pub fn campaign(id: &str) -> Value {
    json!({
        "id": id, "name": format!("Campaign {id}"), "priority": 10,
        "condition": "customer.orders_before >= 1",
        "actions": {"inserts": [{"sku": "CARD-THANKS"}]}
    })
}

pub async fn requests_without_a_valid_key_are_refused<S: packwise_api::ApiStore>(shop: Shop<S>) {
    let none = shop
        .send(Method::GET, "/v1/campaigns", None, None, &[])
        .await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        none.header(header::WWW_AUTHENTICATE),
        "Bearer realm=\"packwise\""
    );
    assert_eq!(none.body["type"], "/problems/unauthorized");
    let forged = format!("{}x", shop.alpha);
    for key in ["nonsense", forged.as_str(), "pw_aaaaaaaaaaaa_bbbb"] {
        let answer = shop.get("/v1/campaigns", key).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{key}");
        assert_eq!(
            answer.body["detail"],
            "the API key is not valid or was revoked"
        );
    }
    let (id, _) = api_key::parse_token(&shop.beta).unwrap();
    assert!(shop.store.revoke_api_key("beta", id, now()).await.unwrap());
    let revoked = shop.get("/v1/campaigns", &shop.beta).await;
    assert_eq!(revoked.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        shop.get("/v1/campaigns", &shop.alpha).await.status,
        StatusCode::OK
    );
}

pub async fn a_campaign_is_created_read_and_refused_twice<S: packwise_api::ApiStore>(
    shop: Shop<S>,
) {
    let created = shop
        .post("/v1/campaigns", &shop.alpha, campaign("thanks"))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(created.header(header::LOCATION), "/v1/campaigns/thanks");
    assert_eq!(created.header(header::ETAG), "\"1\"");
    assert_eq!(created.body["status"], "draft");
    let read = shop.get("/v1/campaigns/thanks", &shop.alpha).await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read.body, created.body);
    let again = shop
        .post("/v1/campaigns", &shop.alpha, campaign("thanks"))
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.body["type"], "/problems/exists");
    let missing = shop.get("/v1/campaigns/nope", &shop.alpha).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.body["detail"], "no campaign `nope`");
}

pub async fn bad_campaigns_are_refused_with_every_problem_and_nothing_is_saved<
    S: packwise_api::ApiStore,
>(
    shop: Shop<S>,
) {
    let mut bad = campaign("broken");
    bad["condition"] = json!("customer.orders_before >=");
    bad["actions"]["inserts"] = json!([{"sku": "NO-SUCH-CARD"}]);
    bad["holdout_percent"] = json!("150");
    let refused = shop.post("/v1/campaigns", &shop.alpha, bad.clone()).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    let fields = refused.fields();
    for field in ["condition", "actions.inserts[0].sku", "holdout_percent"] {
        assert!(fields.contains(&field), "{field} in {fields:?}");
    }
    let validated = shop.post("/v1/campaigns/validate", &shop.alpha, bad).await;
    assert_eq!(validated.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(validated.fields(), fields);
    let fine = shop
        .post("/v1/campaigns/validate", &shop.alpha, campaign("fine"))
        .await;
    assert_eq!(fine.body, json!({"valid": true}));

    let mut unknown = campaign("typo");
    unknown["actions"]["coupn"] = json!({});
    let typo = shop.post("/v1/campaigns", &shop.alpha, unknown).await;
    assert_eq!(typo.status, StatusCode::BAD_REQUEST);
    assert_eq!(typo.fields(), ["actions.coupn"]);
    assert!(
        typo.body["detail"]
            .as_str()
            .unwrap()
            .contains("unknown field `coupn`"),
        "{}",
        typo.body
    );

    let mut wrong_type = campaign("typed");
    wrong_type["priority"] = json!("high");
    let typed = shop.post("/v1/campaigns", &shop.alpha, wrong_type).await;
    assert_eq!(typed.fields(), ["priority"]);

    let text = Request::post("/v1/campaigns")
        .header(header::AUTHORIZATION, format!("Bearer {}", shop.alpha))
        .header(header::CONTENT_TYPE, "text/plain")
        .body(Body::from("{}"))
        .unwrap();
    assert_eq!(
        shop.raw(text).await.status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    let mut huge = campaign("huge");
    huge["name"] = json!("x".repeat(packwise_api::body::MAX_BODY_BYTES));
    let too_big = shop.post("/v1/campaigns", &shop.alpha, huge).await;
    assert_eq!(too_big.status, StatusCode::PAYLOAD_TOO_LARGE);

    let listed = shop.get("/v1/campaigns", &shop.alpha).await;
    assert_eq!(listed.body["items"], json!([]), "nothing was saved");
}

pub async fn campaigns_are_listed_in_pages<S: packwise_api::ApiStore>(shop: Shop<S>) {
    for id in ["e", "a", "d", "b", "c"] {
        let created = shop.post("/v1/campaigns", &shop.alpha, campaign(id)).await;
        assert_eq!(created.status, StatusCode::CREATED);
    }
    let mut seen = Vec::new();
    let mut uri = "/v1/campaigns?limit=2".to_string();
    loop {
        let page = shop.get(&uri, &shop.alpha).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let items = page.body["items"].as_array().unwrap();
        assert!(items.len() <= 2);
        seen.extend(items.iter().map(|c| c["id"].as_str().unwrap().to_string()));
        match page.body["next_cursor"].as_str() {
            Some(cursor) => uri = format!("/v1/campaigns?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen, ["a", "b", "c", "d", "e"]);
    for bad in ["limit=0", "limit=abc", "limt=2"] {
        let refused = shop.get(&format!("/v1/campaigns?{bad}"), &shop.alpha).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(refused.body["type"], "/problems/invalid-query", "{bad}");
        assert!(!refused.fields().is_empty(), "{bad}: {}", refused.body);
    }
}

pub async fn a_replace_needs_the_version_it_read<S: packwise_api::ApiStore>(shop: Shop<S>) {
    shop.post("/v1/campaigns", &shop.alpha, campaign("spring"))
        .await;
    let mut changed = campaign("spring");
    changed["priority"] = json!(90);
    let blind = shop
        .put("/v1/campaigns/spring", &shop.alpha, changed.clone(), None)
        .await;
    assert_eq!(blind.status, StatusCode::PRECONDITION_REQUIRED);
    let ok = shop
        .put(
            "/v1/campaigns/spring",
            &shop.alpha,
            changed.clone(),
            Some("\"1\""),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_eq!(ok.header(header::ETAG), "\"2\"");
    assert_eq!(ok.body["priority"], 90);
    changed["priority"] = json!(5);
    let stale = shop
        .put(
            "/v1/campaigns/spring",
            &shop.alpha,
            changed.clone(),
            Some("\"1\""),
        )
        .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(stale.body["type"], "/problems/stale");
    let other_id = shop
        .put(
            "/v1/campaigns/spring",
            &shop.alpha,
            campaign("summer"),
            Some("\"2\""),
        )
        .await;
    assert_eq!(other_id.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(other_id.fields(), ["id"]);
    let read = shop.get("/v1/campaigns/spring", &shop.alpha).await;
    assert_eq!(read.body["priority"], 90, "the stale write changed nothing");
}

pub async fn campaigns_move_through_their_lifecycle<S: packwise_api::ApiStore>(shop: Shop<S>) {
    shop.post("/v1/campaigns", &shop.alpha, campaign("c")).await;
    let steps = [
        ("activate", "active", "\"2\""),
        ("pause", "paused", "\"3\""),
        ("resume", "active", "\"4\""),
        ("archive", "archived", "\"5\""),
    ];
    for (action, status, etag) in steps {
        let moved = shop
            .action(&format!("/v1/campaigns/c/{action}"), &shop.alpha)
            .await;
        assert_eq!(moved.status, StatusCode::OK, "{action}: {}", moved.body);
        assert_eq!(moved.body["status"], status);
        assert_eq!(moved.header(header::ETAG), etag);
    }
    let back = shop.action("/v1/campaigns/c/activate", &shop.alpha).await;
    assert_eq!(back.status, StatusCode::CONFLICT);
    assert_eq!(
        back.body["detail"],
        "campaign `c` is archived; it cannot become active"
    );
    let ran = shop
        .send(
            Method::DELETE,
            "/v1/campaigns/c",
            Some(&shop.alpha),
            None,
            &[],
        )
        .await;
    assert_eq!(ran.status, StatusCode::CONFLICT);
    assert_eq!(ran.body["type"], "/problems/not-deletable");

    shop.post("/v1/campaigns", &shop.alpha, campaign("draft"))
        .await;
    let stale = [(header::IF_MATCH, "\"7\"")];
    let refused = shop
        .send(
            Method::DELETE,
            "/v1/campaigns/draft",
            Some(&shop.alpha),
            None,
            &stale,
        )
        .await;
    assert_eq!(refused.status, StatusCode::PRECONDITION_FAILED);
    let current = [(header::IF_MATCH, "\"1\"")];
    let deleted = shop
        .send(
            Method::DELETE,
            "/v1/campaigns/draft",
            Some(&shop.alpha),
            None,
            &current,
        )
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert_eq!(
        shop.get("/v1/campaigns/draft", &shop.alpha).await.status,
        StatusCode::NOT_FOUND
    );
}

/// Every campaign route, called with merchant B's key on merchant A's campaign: not
/// found, and nothing of A's changes.
pub async fn one_merchant_never_sees_or_changes_another_merchants_campaigns<
    S: packwise_api::ApiStore,
>(
    shop: Shop<S>,
) {
    shop.post("/v1/campaigns", &shop.alpha, campaign("mine"))
        .await;
    let before = shop.get("/v1/campaigns/mine", &shop.alpha).await.body;
    let theirs = &shop.beta;
    assert_eq!(
        shop.get("/v1/campaigns/mine", theirs).await.status,
        StatusCode::NOT_FOUND
    );
    let mut changed = campaign("mine");
    changed["name"] = json!("taken over");
    let put = shop
        .put("/v1/campaigns/mine", theirs, changed, Some("\"1\""))
        .await;
    assert_eq!(put.status, StatusCode::NOT_FOUND);
    for action in ["activate", "resume", "pause", "archive"] {
        let moved = shop
            .action(&format!("/v1/campaigns/mine/{action}"), theirs)
            .await;
        assert_eq!(moved.status, StatusCode::NOT_FOUND, "{action}");
    }
    let deleted = shop
        .send(
            Method::DELETE,
            "/v1/campaigns/mine",
            Some(theirs),
            None,
            &[],
        )
        .await;
    assert_eq!(deleted.status, StatusCode::NOT_FOUND);
    let listed = shop.get("/v1/campaigns", theirs).await;
    assert_eq!(listed.body["items"], json!([]));
    // The same id is theirs to use, separately.
    let own = shop.post("/v1/campaigns", theirs, campaign("mine")).await;
    assert_eq!(own.status, StatusCode::CREATED);
    assert_eq!(
        shop.get("/v1/campaigns/mine", &shop.alpha).await.body,
        before
    );
}

pub fn insert(sku: &str, stock: Value, low_stock_threshold: u32) -> Value {
    json!({
        "sku": sku, "name": format!("Insert {sku}"), "kind": "sample",
        "weight_grams": 20, "format": "bulky", "stock": stock,
        "low_stock_threshold": low_stock_threshold, "sample_category": "tea"
    })
}

/// The settings a client sends back after reading them: what it was shown, changed.
fn settings_body(merchant: &str, name: &str) -> Value {
    json!({
        "merchant": merchant, "name": name, "default_locale": "de",
        "default_currency": "EUR", "free_shipping_threshold": "40",
        "max_inserts_per_package": 2, "not_recommendable": ["GIFTCARD-50"]
    })
}

async fn stored_settings<S: packwise_api::ApiStore>(shop: &Shop<S>, merchant: &str) -> Value {
    serde_json::to_value(shop.store.settings(merchant).await.unwrap().unwrap()).unwrap()
}

pub async fn settings_are_shown_without_the_secret_and_replaced_keeping_it<
    S: packwise_api::ApiStore,
>(
    shop: Shop<S>,
) {
    let shown = shop.get("/v1/settings", &shop.alpha).await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
    assert_eq!(shown.body["merchant"], "alpha");
    assert_eq!(shown.body["coupon_secret"], "********");

    // What was read, changed and sent back as it is: the masked secret keeps the stored one.
    let mut round_trip = shown.body.clone();
    round_trip["name"] = json!("Alpha Tea");
    let replaced = shop
        .put("/v1/settings", &shop.alpha, round_trip, None)
        .await;
    assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.body);
    assert_eq!(replaced.body["name"], "Alpha Tea");
    assert_eq!(replaced.body["coupon_secret"], "********");
    let stored = stored_settings(&shop, "alpha").await;
    assert_eq!(stored["name"], "Alpha Tea");
    assert_eq!(stored["coupon_secret"], "a-secret-of-sixteen-chars");

    // The merchant and the secret may be left out.
    let mut body = settings_body("alpha", "Alpha Shop");
    body.as_object_mut().unwrap().remove("merchant");
    let replaced = shop.put("/v1/settings", &shop.alpha, body, None).await;
    assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.body);
    let stored = stored_settings(&shop, "alpha").await;
    assert_eq!(stored["merchant"], "alpha");
    assert_eq!(stored["default_locale"], "de");
    assert_eq!(stored["max_inserts_per_package"], 2);
    assert_eq!(stored["not_recommendable"], json!(["GIFTCARD-50"]));
    assert_eq!(stored["coupon_secret"], "a-secret-of-sixteen-chars");
    assert_eq!(
        shop.get("/v1/settings", &shop.alpha).await.body,
        replaced.body
    );

    // A new secret replaces the old one and is not shown either.
    let mut rotated = settings_body("alpha", "Alpha Shop");
    rotated["coupon_secret"] = json!("a brand new secret of the shop");
    let replaced = shop.put("/v1/settings", &shop.alpha, rotated, None).await;
    assert_eq!(replaced.body["coupon_secret"], "********");
    let stored = stored_settings(&shop, "alpha").await;
    assert_eq!(stored["coupon_secret"], "a brand new secret of the shop");

    // Slips: the paper, the product address, the return text and an own HTML template.
    let mut slips = settings_body("alpha", "Alpha Shop");
    let slip = json!({
        "paper": "letter",
        "product_url_template": "https://alpha.example/p/{sku}",
        "returns": {"en": "30 days to return.\nalpha.example/returns", "de": "30 Tage Rückgabe."},
        "html_template": "<h1>{{ merchant }}</h1><p>{{ order_id }}</p>"
    });
    slips["slip"] = slip.clone();
    let replaced = shop.put("/v1/settings", &shop.alpha, slips, None).await;
    assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.body);
    assert_eq!(replaced.body["slip"], slip);
    assert_eq!(stored_settings(&shop, "alpha").await["slip"], slip);
}

pub async fn bad_settings_are_refused_with_every_field_and_change_nothing<
    S: packwise_api::ApiStore,
>(
    shop: Shop<S>,
) {
    let before = stored_settings(&shop, "alpha").await;
    let mut bad = settings_body("alpha", " ");
    bad["default_locale"] = json!("german");
    bad["coupon_secret"] = json!("too short");
    bad["max_inserts_per_package"] = json!(21);
    bad["free_shipping_threshold"] = json!("0");
    bad["not_recommendable"] = json!(["OK", "A#1"]);
    let refused = shop.put("/v1/settings", &shop.alpha, bad, None).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert_eq!(refused.body["type"], "/problems/invalid");
    assert_eq!(
        refused.fields(),
        [
            "name",
            "max_inserts_per_package",
            "default_locale",
            "coupon_secret",
            "not_recommendable[1]",
            "free_shipping_threshold"
        ]
    );

    let other = shop
        .put(
            "/v1/settings",
            &shop.alpha,
            settings_body("beta", "Alpha"),
            None,
        )
        .await;
    assert_eq!(other.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(other.fields(), ["merchant"]);
    assert_eq!(
        other.body["errors"][0]["message"],
        "must be `alpha`, the merchant of the API key, or left out"
    );

    let mut typo = settings_body("alpha", "Alpha");
    typo["coupon_secrt"] = json!("a-secret-of-sixteen-chars");
    let typo = shop.put("/v1/settings", &shop.alpha, typo, None).await;
    assert_eq!(typo.status, StatusCode::BAD_REQUEST);
    assert_eq!(typo.fields(), ["coupon_secrt"]);
    let mut typed = settings_body("alpha", "Alpha");
    typed["forbidden_insert_channels"] = json!(["telegraph"]);
    let typed = shop.put("/v1/settings", &shop.alpha, typed, None).await;
    assert_eq!(typed.status, StatusCode::BAD_REQUEST);
    assert_eq!(typed.fields(), ["forbidden_insert_channels[0]"]);
    let mut paper = settings_body("alpha", "Alpha");
    paper["slip"] = json!({"paper": "a5"});
    let paper = shop.put("/v1/settings", &shop.alpha, paper, None).await;
    assert_eq!(paper.status, StatusCode::BAD_REQUEST, "{}", paper.body);
    assert_eq!(paper.fields(), ["slip.paper"]);

    // A template that does not render is refused with its line, beside the other problems.
    let mut template = settings_body("alpha", " ");
    template["slip"] = json!({
        "product_url_template": "https://alpha.example/p/",
        "html_template": "<h1>{{ merchant }}</h1>\n<p>{{ order_number }}</p>"
    });
    let template = shop.put("/v1/settings", &shop.alpha, template, None).await;
    assert_eq!(template.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        template.fields(),
        ["name", "slip.product_url_template", "slip.html_template"]
    );
    let message = template.body["errors"][2]["message"].as_str().unwrap();
    assert!(message.starts_with("line 2: undefined value"), "{message}");

    assert_eq!(stored_settings(&shop, "alpha").await, before);
}

pub async fn inserts_are_created_replaced_read_and_listed<S: packwise_api::ApiStore>(
    shop: Shop<S>,
) {
    let sample = insert("SAMPLE-TEA", json!({"BER1": 3, "HAM1": 40}), 5);
    let created = shop
        .put("/v1/inserts/SAMPLE-TEA", &shop.alpha, sample.clone(), None)
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(created.header(header::LOCATION), "/v1/inserts/SAMPLE-TEA");
    let mut stored = sample.clone();
    stored["version"] = json!(1);
    assert_eq!(created.body, stored);
    let read = shop.get("/v1/inserts/SAMPLE-TEA", &shop.alpha).await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read.body, stored);

    let restocked = insert("SAMPLE-TEA", json!({"BER1": 200}), 5);
    let replaced = shop
        .put(
            "/v1/inserts/SAMPLE-TEA",
            &shop.alpha,
            restocked.clone(),
            None,
        )
        .await;
    assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.body);
    assert_eq!(replaced.header(header::LOCATION), "");
    assert_eq!(replaced.body["version"], 2);
    let read = shop.get("/v1/inserts/SAMPLE-TEA", &shop.alpha).await;
    assert_eq!(
        read.body["stock"],
        json!({"BER1": 200}),
        "stock is set as given"
    );

    let listed = shop.get("/v1/inserts", &shop.alpha).await;
    let skus: Vec<&str> = listed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["sku"].as_str().unwrap())
        .collect();
    assert_eq!(skus, ["CARD-THANKS", "SAMPLE-TEA"]);

    let missing = shop.get("/v1/inserts/NOPE", &shop.alpha).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.body["detail"], "no insert `NOPE`");
}

pub async fn inserts_at_or_below_their_threshold_are_listed_as_low<S: packwise_api::ApiStore>(
    shop: Shop<S>,
) {
    for (sku, stock, threshold) in [
        ("AT-THRESHOLD", json!({"BER1": 500, "HAM1": 5}), 5),
        ("BELOW", json!({"BER1": 0}), 1),
        ("ABOVE", json!({"BER1": 6, "HAM1": 60}), 5),
        ("NOWHERE", json!({}), 5),
    ] {
        let put = shop
            .put(
                &format!("/v1/inserts/{sku}"),
                &shop.alpha,
                insert(sku, stock, threshold),
                None,
            )
            .await;
        assert_eq!(put.status, StatusCode::CREATED, "{}", put.body);
    }
    let skus = |answer: &Answer| -> Vec<String> {
        answer.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["sku"].as_str().unwrap().to_string())
            .collect()
    };
    let low = shop.get("/v1/inserts?low_stock=true", &shop.alpha).await;
    assert_eq!(low.status, StatusCode::OK, "{}", low.body);
    assert_eq!(skus(&low), ["AT-THRESHOLD", "BELOW"]);
    let all = shop.get("/v1/inserts?low_stock=false", &shop.alpha).await;
    assert_eq!(skus(&all).len(), 5);

    let unclear = shop.get("/v1/inserts?low_stock=maybe", &shop.alpha).await;
    assert_eq!(unclear.status, StatusCode::BAD_REQUEST);
    assert_eq!(unclear.body["type"], "/problems/invalid-query");
    let unknown = shop.get("/v1/inserts?lowstock=true", &shop.alpha).await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert!(
        unknown.body["detail"]
            .as_str()
            .unwrap()
            .contains("lowstock"),
        "{}",
        unknown.body
    );
}

pub async fn bad_inserts_are_refused_with_every_field_and_change_nothing<
    S: packwise_api::ApiStore,
>(
    shop: Shop<S>,
) {
    let before = shop.get("/v1/inserts", &shop.alpha).await.body;
    let other_sku = shop
        .put(
            "/v1/inserts/CARD-THANKS",
            &shop.alpha,
            insert("SAMPLE-TEA", json!({}), 0),
            None,
        )
        .await;
    assert_eq!(other_sku.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(other_sku.fields(), ["sku"]);

    let mut bad = insert("CARD-THANKS", json!({"BER1": -1, "HAM1": 5}), 0);
    bad["name"] = json!("");
    bad["weight_grams"] = json!(5001);
    bad["sample_category"] = json!(" ");
    bad["guides_skus"] = json!(["KETTLE", "A/B"]);
    let refused = shop
        .put("/v1/inserts/CARD-THANKS", &shop.alpha, bad, None)
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert_eq!(
        refused.fields(),
        [
            "name",
            "weight_grams",
            "stock.BER1",
            "sample_category",
            "guides_skus[1]"
        ]
    );

    let mut kind = insert("NEW-ONE", json!({}), 0);
    kind["kind"] = json!("poster");
    let kind = shop
        .put("/v1/inserts/NEW-ONE", &shop.alpha, kind, None)
        .await;
    assert_eq!(kind.status, StatusCode::BAD_REQUEST);
    assert_eq!(kind.fields(), ["kind"]);
    let mut typo = insert("NEW-ONE", json!({}), 0);
    typo["stok"] = json!({});
    let typo = shop
        .put("/v1/inserts/NEW-ONE", &shop.alpha, typo, None)
        .await;
    assert_eq!(typo.status, StatusCode::BAD_REQUEST);
    assert_eq!(typo.fields(), ["stok"]);
    let mut negative = insert("NEW-ONE", json!({}), 0);
    negative["low_stock_threshold"] = json!(-1);
    let negative = shop
        .put("/v1/inserts/NEW-ONE", &shop.alpha, negative, None)
        .await;
    assert_eq!(negative.fields(), ["low_stock_threshold"]);

    assert_eq!(shop.get("/v1/inserts", &shop.alpha).await.body, before);
}

/// An insert's version is its ETag: every write moves it, a write may name it in
/// `If-Match` and is refused while it names an older one, and without `If-Match` a write
/// goes through as before.
pub async fn inserts_carry_their_version_as_an_etag_and_writes_may_name_it<
    S: packwise_api::ApiStore,
>(
    shop: Shop<S>,
) {
    let uri = "/v1/inserts/CARD-THANKS";
    let read = shop.get(uri, &shop.alpha).await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read.header(header::ETAG), "\"1\"");
    assert_eq!(read.body["version"], 1);

    let mut body = insert("CARD-THANKS", json!({"BER1": 80}), 5);
    body["version"] = json!(99);
    let blind = shop.put(uri, &shop.alpha, body.clone(), None).await;
    assert_eq!(blind.status, StatusCode::OK, "{}", blind.body);
    assert_eq!(blind.header(header::ETAG), "\"2\"");
    assert_eq!(blind.body["version"], 2, "the version sent is ignored");

    body["stock"] = json!({"BER1": 0});
    let stale = shop
        .put(uri, &shop.alpha, body.clone(), Some("\"1\""))
        .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(stale.body["type"], "/problems/stale");
    assert_eq!(
        stale.body["detail"],
        "version 1 of insert `CARD-THANKS` is not the current one (2): read again and reapply your change"
    );
    let after = shop.get(uri, &shop.alpha).await;
    assert_eq!(after.body, blind.body, "the stale write changed nothing");

    let current = shop
        .put(uri, &shop.alpha, body.clone(), Some("\"2\""))
        .await;
    assert_eq!(current.status, StatusCode::OK, "{}", current.body);
    assert_eq!(current.header(header::ETAG), "\"3\"");
    assert_eq!(current.body["stock"], json!({"BER1": 0}));
    assert_eq!(shop.get(uri, &shop.alpha).await.body, current.body);

    let unreadable = shop.put(uri, &shop.alpha, body, Some("version 3")).await;
    assert_eq!(unreadable.status, StatusCode::BAD_REQUEST);
    assert_eq!(unreadable.body["type"], "/problems/invalid-header");
    assert_eq!(unreadable.fields(), ["If-Match"]);

    // If-Match on an insert that does not exist cannot hold: nothing is created.
    let new = insert("SAMPLE-NEW", json!({"BER1": 5}), 0);
    let absent = shop
        .put(
            "/v1/inserts/SAMPLE-NEW",
            &shop.alpha,
            new.clone(),
            Some("\"1\""),
        )
        .await;
    assert_eq!(absent.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(
        absent.body["detail"],
        "insert `SAMPLE-NEW`: none exists, so version 1 cannot be current"
    );
    assert_eq!(
        shop.get("/v1/inserts/SAMPLE-NEW", &shop.alpha).await.status,
        StatusCode::NOT_FOUND
    );
    let created = shop
        .put("/v1/inserts/SAMPLE-NEW", &shop.alpha, new, None)
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    assert_eq!(created.header(header::ETAG), "\"1\"");
    assert_eq!(created.header(header::LOCATION), "/v1/inserts/SAMPLE-NEW");

    let listed = shop.get("/v1/inserts", &shop.alpha).await;
    assert_eq!(listed.header(header::ETAG), "", "a list has no version");
    assert_eq!(listed.body["items"][0]["version"], 3);
}

/// A parcel that takes a unit changes the insert's stock, so its ETag changes too, and a
/// write naming the ETag read before the parcel is refused rather than undoing it.
pub async fn a_parcel_taking_stock_changes_the_inserts_etag<S: packwise_api::ApiStore>(
    shop: Shop<S>,
) {
    let uri = "/v1/inserts/CARD-THANKS";
    let before = shop.get(uri, &shop.alpha).await;
    let etag = before.header(header::ETAG).to_string();

    let mut order: packwise_core::Order =
        serde_json::from_str(packwise_core::samples::ORDER_JSON).unwrap();
    order.merchant = "alpha".to_string();
    order.fulfillment_centre = "BER1".to_string();
    let key =
        packwise_core::ports::instruction_key("alpha", "BER1", order.placed_at, &order.order_id);
    let mut commit = packwise_core::ports::Commit::for_order(&order, None, key, "{}".to_string());
    commit.stock_taken = vec!["CARD-THANKS".to_string()];
    assert_eq!(
        shop.store.commit(&commit).await.unwrap(),
        packwise_core::ports::CommitOutcome::Committed
    );

    let after = shop.get(uri, &shop.alpha).await;
    assert_eq!(after.body["stock"], json!({"BER1": 99}));
    assert_ne!(after.header(header::ETAG), etag);
    let mut recount = before.body.clone();
    recount["stock"] = json!({"BER1": 100, "HAM1": 20});
    let stale = shop.put(uri, &shop.alpha, recount, Some(&etag)).await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(shop.get(uri, &shop.alpha).await.body, after.body);
}

/// The settings' version is their ETag, in the same way as an insert's.
pub async fn settings_carry_their_version_as_an_etag_and_writes_may_name_it<
    S: packwise_api::ApiStore,
>(
    shop: Shop<S>,
) {
    let read = shop.get("/v1/settings", &shop.alpha).await;
    assert_eq!(read.header(header::ETAG), "\"1\"");
    assert_eq!(read.body["version"], 1);

    // What was read, sent back with a change and its ETag.
    let mut changed = read.body.clone();
    changed["name"] = json!("Alpha Tea");
    let replaced = shop
        .put("/v1/settings", &shop.alpha, changed.clone(), Some("\"1\""))
        .await;
    assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.body);
    assert_eq!(replaced.header(header::ETAG), "\"2\"");
    assert_eq!(replaced.body["version"], 2);
    assert_eq!(replaced.body["coupon_secret"], "********");

    changed["name"] = json!("Alpha from an old tab");
    let stale = shop
        .put("/v1/settings", &shop.alpha, changed.clone(), Some("\"1\""))
        .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(stale.body["type"], "/problems/stale");
    assert_eq!(
        stale.body["detail"],
        "version 1 of the settings of merchant `alpha` is not the current one (2): read again and reapply your change"
    );
    assert_eq!(stored_settings(&shop, "alpha").await["name"], "Alpha Tea");

    let blind = shop.put("/v1/settings", &shop.alpha, changed, None).await;
    assert_eq!(blind.status, StatusCode::OK);
    assert_eq!(blind.header(header::ETAG), "\"3\"");
    assert_eq!(
        shop.get("/v1/settings", &shop.alpha)
            .await
            .header(header::ETAG),
        "\"3\""
    );
    assert_eq!(
        shop.get("/v1/settings", &shop.beta)
            .await
            .header(header::ETAG),
        "\"1\"",
        "another merchant's settings have versions of their own"
    );
}

/// A delivery, a loss and a stock take at one centre each: the other centres stay as they
/// are, the insert comes back as changed with its new ETag, and stock never goes below
/// zero.
pub async fn stock_is_adjusted_by_a_delta_and_set_to_a_count<S: packwise_api::ApiStore>(
    shop: Shop<S>,
) {
    let stock = "/v1/inserts/CARD-THANKS/stock";
    let taken = shop
        .post(stock, &shop.alpha, json!({"centre": "BER1", "delta": -5}))
        .await;
    assert_eq!(taken.status, StatusCode::OK, "{}", taken.body);
    assert_eq!(taken.body["stock"], json!({"BER1": 95}));
    assert_eq!(taken.body["version"], 2);
    assert_eq!(taken.header(header::ETAG), "\"2\"");
    assert_eq!(
        taken.header(header::CONTENT_LOCATION),
        "/v1/inserts/CARD-THANKS"
    );
    let delivered = shop
        .post(stock, &shop.alpha, json!({"centre": "HAM1", "delta": 40}))
        .await;
    assert_eq!(delivered.status, StatusCode::OK, "{}", delivered.body);
    assert_eq!(
        delivered.body["stock"],
        json!({"BER1": 95, "HAM1": 40}),
        "a centre not listed starts from none"
    );
    assert_eq!(delivered.header(header::ETAG), "\"3\"");
    let read = shop.get("/v1/inserts/CARD-THANKS", &shop.alpha).await;
    assert_eq!(read.body, delivered.body);
    assert_eq!(read.header(header::ETAG), "\"3\"");

    let counted = shop
        .put(
            &format!("{stock}/BER1"),
            &shop.alpha,
            json!({"units": 120}),
            None,
        )
        .await;
    assert_eq!(counted.status, StatusCode::OK, "{}", counted.body);
    assert_eq!(counted.body["stock"], json!({"BER1": 120, "HAM1": 40}));
    assert_eq!(counted.header(header::ETAG), "\"4\"");
    let emptied = shop
        .put(
            &format!("{stock}/HAM1"),
            &shop.alpha,
            json!({"units": 0}),
            None,
        )
        .await;
    assert_eq!(emptied.body["stock"], json!({"BER1": 120, "HAM1": 0}));
    let low = shop.get("/v1/inserts?low_stock=true", &shop.alpha).await;
    assert_eq!(low.body["items"][0]["sku"], "CARD-THANKS");

    // More than there is: refused with what there is, and nothing changes.
    let before = shop.get("/v1/inserts/CARD-THANKS", &shop.alpha).await;
    let over = shop
        .post(stock, &shop.alpha, json!({"centre": "BER1", "delta": -121}))
        .await;
    assert_eq!(over.status, StatusCode::CONFLICT, "{}", over.body);
    assert_eq!(over.body["type"], "/problems/stock-out-of-range");
    assert_eq!(
        over.body["detail"],
        "insert CARD-THANKS has 120 unit(s) at centre BER1, fewer than the 121 to take"
    );
    let nowhere = shop
        .post(stock, &shop.alpha, json!({"centre": "MUC1", "delta": -1}))
        .await;
    assert_eq!(nowhere.status, StatusCode::CONFLICT);
    assert_eq!(
        nowhere.body["detail"],
        "insert CARD-THANKS has 0 unit(s) at centre MUC1, fewer than the 1 to take"
    );
    let after = shop.get("/v1/inserts/CARD-THANKS", &shop.alpha).await;
    assert_eq!(after.body, before.body);
    assert_eq!(after.header(header::ETAG), before.header(header::ETAG));

    let missing = shop
        .post(
            "/v1/inserts/NOPE/stock",
            &shop.alpha,
            json!({"centre": "BER1", "delta": 5}),
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.body["detail"], "no insert `NOPE`");
    let missing = shop
        .put(
            "/v1/inserts/NOPE/stock/BER1",
            &shop.alpha,
            json!({"units": 5}),
            None,
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(
        shop.get("/v1/inserts/NOPE", &shop.alpha).await.status,
        StatusCode::NOT_FOUND,
        "no insert is created"
    );
}

pub async fn bad_stock_changes_are_refused_with_every_field_and_change_nothing<
    S: packwise_api::ApiStore,
>(
    shop: Shop<S>,
) {
    let stock = "/v1/inserts/CARD-THANKS/stock";
    let before = shop.get("/v1/inserts/CARD-THANKS", &shop.alpha).await;
    let refused = |answer: &Answer, status: StatusCode, fields: &[&str]| {
        assert_eq!(answer.status, status, "{}", answer.body);
        assert_eq!(answer.fields(), fields, "{}", answer.body);
    };
    let nothing = shop
        .post(stock, &shop.alpha, json!({"centre": "BER#1", "delta": 0}))
        .await;
    refused(
        &nothing,
        StatusCode::UNPROCESSABLE_ENTITY,
        &["centre", "delta"],
    );
    assert_eq!(nothing.body["type"], "/problems/invalid");
    let huge = shop
        .post(
            stock,
            &shop.alpha,
            json!({"centre": "BER1", "delta": 1_000_000_001}),
        )
        .await;
    refused(&huge, StatusCode::UNPROCESSABLE_ENTITY, &["delta"]);
    let typo = shop
        .post(
            stock,
            &shop.alpha,
            json!({"centre": "BER1", "delta": 5, "reason": "delivery"}),
        )
        .await;
    refused(&typo, StatusCode::BAD_REQUEST, &["reason"]);
    let words = shop
        .post(
            stock,
            &shop.alpha,
            json!({"centre": "BER1", "delta": "five"}),
        )
        .await;
    refused(&words, StatusCode::BAD_REQUEST, &["delta"]);
    let fraction = shop
        .post(stock, &shop.alpha, json!({"centre": "BER1", "delta": 1.5}))
        .await;
    refused(&fraction, StatusCode::BAD_REQUEST, &["delta"]);

    let negative = shop
        .put(
            &format!("{stock}/BER1"),
            &shop.alpha,
            json!({"units": -1}),
            None,
        )
        .await;
    refused(&negative, StatusCode::UNPROCESSABLE_ENTITY, &["units"]);
    let centre = shop
        .put(
            &format!("{stock}/BER%231"),
            &shop.alpha,
            json!({"units": 1}),
            None,
        )
        .await;
    refused(&centre, StatusCode::UNPROCESSABLE_ENTITY, &["centre"]);
    let typo = shop
        .put(
            &format!("{stock}/BER1"),
            &shop.alpha,
            json!({"count": 1}),
            None,
        )
        .await;
    assert_eq!(typo.status, StatusCode::BAD_REQUEST, "{}", typo.body);

    let after = shop.get("/v1/inserts/CARD-THANKS", &shop.alpha).await;
    assert_eq!(after.body, before.body);
    assert_eq!(after.header(header::ETAG), before.header(header::ETAG));
}

/// A stock change may name the ETag it was decided on: a retry of a delivery whose answer
/// was lost is then refused instead of counted twice.
pub async fn stock_changes_may_name_the_version_they_change<S: packwise_api::ApiStore>(
    shop: Shop<S>,
) {
    let stock = "/v1/inserts/CARD-THANKS/stock";
    let read = shop.get("/v1/inserts/CARD-THANKS", &shop.alpha).await;
    let etag = read.header(header::ETAG).to_string();
    let send = |etag: &str| {
        let etag = etag.to_string();
        let shop = &shop;
        async move {
            shop.send(
                Method::POST,
                stock,
                Some(&shop.alpha),
                Some(json!({"centre": "BER1", "delta": 25})),
                &[(header::IF_MATCH, &etag)],
            )
            .await
        }
    };
    let first = send(&etag).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!(first.body["stock"], json!({"BER1": 125}));
    let again = send(&etag).await;
    assert_eq!(
        again.status,
        StatusCode::PRECONDITION_FAILED,
        "{}",
        again.body
    );
    assert_eq!(again.body["type"], "/problems/stale");
    let unreadable = send("soon").await;
    assert_eq!(unreadable.status, StatusCode::BAD_REQUEST);
    assert_eq!(unreadable.fields(), ["If-Match"]);
    assert_eq!(
        shop.get("/v1/inserts/CARD-THANKS", &shop.alpha).await.body,
        first.body,
        "counted once"
    );

    let current = first.header(header::ETAG).to_string();
    let counted = shop
        .put(
            &format!("{stock}/BER1"),
            &shop.alpha,
            json!({"units": 7}),
            Some(&current),
        )
        .await;
    assert_eq!(counted.status, StatusCode::OK, "{}", counted.body);
    let stale = shop
        .put(
            &format!("{stock}/BER1"),
            &shop.alpha,
            json!({"units": 8}),
            Some(&current),
        )
        .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    // The whole insert, sent back with the ETag read before the stock moved, is stale too.
    let replace = shop
        .put(
            "/v1/inserts/CARD-THANKS",
            &shop.alpha,
            read.body,
            Some(&etag),
        )
        .await;
    assert_eq!(replace.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(
        shop.get("/v1/inserts/CARD-THANKS", &shop.alpha).await.body["stock"],
        json!({"BER1": 7})
    );
}

/// Merchant beta's key on alpha's insert: not found on both stock routes, and alpha's
/// stock and ETag stay as they were; the SKU both have is each one's own.
pub async fn one_merchant_never_changes_another_merchants_stock<S: packwise_api::ApiStore>(
    shop: Shop<S>,
) {
    let theirs = &shop.beta;
    let created = shop
        .put(
            "/v1/inserts/ALPHA-ONLY",
            &shop.alpha,
            insert("ALPHA-ONLY", json!({"BER1": 1}), 0),
            None,
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let alpha_only = shop.get("/v1/inserts/ALPHA-ONLY", &shop.alpha).await;
    let alpha_card = shop.get("/v1/inserts/CARD-THANKS", &shop.alpha).await;

    let adjusted = shop
        .post(
            "/v1/inserts/ALPHA-ONLY/stock",
            theirs,
            json!({"centre": "BER1", "delta": 10}),
        )
        .await;
    assert_eq!(adjusted.status, StatusCode::NOT_FOUND, "{}", adjusted.body);
    assert_eq!(adjusted.body["detail"], "no insert `ALPHA-ONLY`");
    let counted = shop
        .put(
            "/v1/inserts/ALPHA-ONLY/stock/BER1",
            theirs,
            json!({"units": 500}),
            None,
        )
        .await;
    assert_eq!(counted.status, StatusCode::NOT_FOUND);
    let named = shop
        .send(
            Method::POST,
            "/v1/inserts/ALPHA-ONLY/stock",
            Some(theirs),
            Some(json!({"centre": "BER1", "delta": 10})),
            &[(header::IF_MATCH, alpha_only.header(header::ETAG))],
        )
        .await;
    assert_eq!(
        named.status,
        StatusCode::NOT_FOUND,
        "alpha's ETag opens nothing"
    );

    let own = shop
        .post(
            "/v1/inserts/CARD-THANKS/stock",
            theirs,
            json!({"centre": "BER1", "delta": -10}),
        )
        .await;
    assert_eq!(own.status, StatusCode::OK, "beta's own card");
    assert_eq!(own.body["stock"], json!({"BER1": 90}));

    for (uri, before) in [
        ("/v1/inserts/ALPHA-ONLY", &alpha_only),
        ("/v1/inserts/CARD-THANKS", &alpha_card),
    ] {
        let after = shop.get(uri, &shop.alpha).await;
        assert_eq!(after.body, before.body, "{uri}");
        assert_eq!(
            after.header(header::ETAG),
            before.header(header::ETAG),
            "{uri}"
        );
    }
}

/// A past order of `customer` (two mint teas, 12.90 EUR), folded into their profile.
async fn import_order<S: packwise_api::ApiStore>(shop: &Shop<S>, merchant: &str, customer: &str) {
    let mut order: packwise_core::Order =
        serde_json::from_str(packwise_core::samples::ORDER_JSON).unwrap();
    order.merchant = merchant.to_string();
    order.customer.id = customer.to_string();
    assert!(shop.store.import_history(&order).await.unwrap());
}

pub async fn customer_attributes_are_set_one_by_one_and_the_profile_read<
    S: packwise_api::ApiStore,
>(
    shop: Shop<S>,
) {
    import_order(&shop, "alpha", "c1").await;
    let attributes = json!({
        "tags": ["parent"], "nps": {"score": 9, "at": "2026-10-01T08:00:00Z"},
        "birthday": "1990-05-17", "locale": "de-DE"
    });
    let set = shop
        .put("/v1/customers/c1/attributes", &shop.alpha, attributes, None)
        .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);
    let read = shop.get("/v1/customers/c1", &shop.alpha).await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read.body, set.body);
    assert_eq!(
        read.body,
        json!({
            "id": "c1", "orders_count": 1,
            "first_order_at": "2026-01-15T12:00:00Z", "last_order_at": "2026-01-15T12:00:00Z",
            "lifetime_value": "12.90", "average_order_value": "12.90", "currency": "EUR",
            "top_category": "tea", "preferred_channel": "web",
            "categories": {"tea": 2}, "skus": {"TEA-1": 2},
            "tags": ["parent"], "nps": {"score": 9, "at": "2026-10-01T08:00:00Z"},
            "birthday": "1990-05-17", "locale": "de-DE"
        }),
        "the engine's bookkeeping (touches, affinity, version) stays inside"
    );

    // Attributes left out stay as they were.
    let locale = shop
        .put(
            "/v1/customers/c1/attributes",
            &shop.alpha,
            json!({"locale": "fr"}),
            None,
        )
        .await;
    assert_eq!(locale.body["locale"], "fr");
    assert_eq!(locale.body["tags"], json!(["parent"]));
    assert_eq!(locale.body["nps"]["score"], 9);

    // A customer without orders gets a profile, so their first order is targeted.
    let fresh = shop
        .put(
            "/v1/customers/new/attributes",
            &shop.alpha,
            json!({"tags": ["student"]}),
            None,
        )
        .await;
    assert_eq!(fresh.status, StatusCode::OK);
    assert_eq!(fresh.body["orders_count"], 0);
    assert_eq!(
        shop.store
            .profile("alpha", "new")
            .await
            .unwrap()
            .unwrap()
            .tags,
        ["student"]
    );

    let missing = shop.get("/v1/customers/nobody", &shop.alpha).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.body["detail"], "no customer `nobody`");
}

pub async fn bad_customer_attributes_are_refused_with_every_field<S: packwise_api::ApiStore>(
    shop: Shop<S>,
) {
    let bad = json!({
        "tags": ["ok", ""], "nps": {"score": 11, "at": "2999-01-01T00:00:00Z"},
        "birthday": "2999-01-01", "locale": "german"
    });
    let refused = shop
        .put("/v1/customers/c1/attributes", &shop.alpha, bad, None)
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert_eq!(
        refused.fields(),
        ["tags[1]", "nps.score", "nps.at", "birthday", "locale"]
    );
    let bad_id = shop
        .put(
            "/v1/customers/a%23b/attributes",
            &shop.alpha,
            json!({"locale": "en"}),
            None,
        )
        .await;
    assert_eq!(bad_id.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad_id.fields(), ["id"]);
    let typo = shop
        .put(
            "/v1/customers/c1/attributes",
            &shop.alpha,
            json!({"tag": ["x"]}),
            None,
        )
        .await;
    assert_eq!(typo.status, StatusCode::BAD_REQUEST);
    assert_eq!(typo.fields(), ["tag"]);
    let typed = shop
        .put(
            "/v1/customers/c1/attributes",
            &shop.alpha,
            json!({"nps": {"score": 300, "at": "2026-01-01T00:00:00Z"}}),
            None,
        )
        .await;
    assert_eq!(typed.status, StatusCode::BAD_REQUEST);
    assert_eq!(typed.fields(), ["nps.score"]);

    assert!(
        shop.store.profile("alpha", "c1").await.unwrap().is_none(),
        "nothing written"
    );
}

pub async fn customer_attributes_in_bulk_write_the_valid_rows_and_report_the_others<
    S: packwise_api::ApiStore,
>(
    shop: Shop<S>,
) {
    let rows = json!({"customers": [
        {"id": "c1", "tags": ["vip"], "locale": "en"},
        {"id": "c2", "nps": {"score": 11, "at": "2026-01-01T00:00:00Z"}, "locale": "english"},
        {"id": "c3", "birthday": "1985-02-01"},
        {"tags": ["no id"]},
        {"id": "c1", "locale": "de"},
        {"id": "c4", "nps": "ten"},
        {"id": "c5", "colour": "blue"},
        "c6",
        {"id": "a/b", "locale": "en"}
    ]});
    let answer = shop
        .post("/v1/customers/attributes:bulk", &shop.alpha, rows)
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(answer.body["written"], 2);
    assert_eq!(answer.body["invalid"], 7);
    let results = answer.body["results"].as_array().unwrap();
    let summary: Vec<(Value, &str, Vec<&str>)> = results
        .iter()
        .map(|r| {
            let fields = r["errors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["field"].as_str().unwrap())
                .collect();
            (r["id"].clone(), r["status"].as_str().unwrap(), fields)
        })
        .collect();
    assert_eq!(
        summary,
        [
            (json!("c1"), "ok", vec![]),
            (
                json!("c2"),
                "invalid",
                vec!["customers[1].nps.score", "customers[1].locale"]
            ),
            (json!("c3"), "ok", vec![]),
            (Value::Null, "invalid", vec!["customers[3].id"]),
            (json!("c1"), "invalid", vec!["customers[4].id"]),
            (json!("c4"), "invalid", vec!["customers[5].nps"]),
            (json!("c5"), "invalid", vec!["customers[6].colour"]),
            (Value::Null, "invalid", vec!["customers[7]"]),
            (json!("a/b"), "invalid", vec!["customers[8].id"]),
        ]
    );
    assert_eq!(
        results[4]["errors"][0]["message"],
        "repeats customers[0].id: send one row per customer"
    );

    let profile = |id: &'static str| {
        let store = shop.store.clone();
        async move { store.profile("alpha", id).await.unwrap() }
    };
    let c1 = profile("c1").await.unwrap();
    assert_eq!(
        (c1.tags, c1.locale.as_deref()),
        (vec!["vip".to_string()], Some("en"))
    );
    assert!(profile("c3").await.unwrap().birthday.is_some());
    for id in ["c2", "c4", "c5", "c6"] {
        assert!(profile(id).await.is_none(), "{id} was not written");
    }
}

pub async fn a_bulk_request_holds_at_most_a_thousand_customers<S: packwise_api::ApiStore>(
    shop: Shop<S>,
) {
    let rows = |n: usize, locale: &str| {
        let customers: Vec<Value> = (0..n)
            .map(|i| json!({"id": format!("c{i}"), "locale": locale}))
            .collect();
        json!({ "customers": customers })
    };
    let too_many = shop
        .post(
            "/v1/customers/attributes:bulk",
            &shop.alpha,
            rows(1_001, "en"),
        )
        .await;
    assert_eq!(too_many.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(too_many.fields(), ["customers"]);
    assert_eq!(
        too_many.body["errors"][0]["message"],
        "must hold at most 1000 customers, not 1001: send the rest in another request"
    );
    assert!(shop.store.profile("alpha", "c0").await.unwrap().is_none());

    // The limit itself is allowed; invalid rows keep the check cheap, writing nothing.
    let at_limit = shop
        .post(
            "/v1/customers/attributes:bulk",
            &shop.alpha,
            rows(packwise_api::MAX_CUSTOMER_ROWS, "not a tag"),
        )
        .await;
    assert_eq!(at_limit.status, StatusCode::OK, "{}", at_limit.body);
    assert_eq!(at_limit.body["invalid"], 1_000);

    let empty = shop
        .post(
            "/v1/customers/attributes:bulk",
            &shop.alpha,
            json!({"customers": []}),
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(empty.fields(), ["customers"]);
}

/// Settings have no id to guess: beta reads and changes only its own, and cannot name
/// alpha in the body.
pub async fn settings_are_always_the_callers_own<S: packwise_api::ApiStore>(shop: Shop<S>) {
    let theirs = &shop.beta;
    let alpha_settings = stored_settings(&shop, "alpha").await;
    assert_eq!(
        shop.get("/v1/settings", theirs).await.body["merchant"],
        "beta"
    );
    let as_alpha = shop
        .put(
            "/v1/settings",
            theirs,
            settings_body("alpha", "Taken over"),
            None,
        )
        .await;
    assert_eq!(as_alpha.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(as_alpha.fields(), ["merchant"]);
    let own = shop
        .put(
            "/v1/settings",
            theirs,
            settings_body("beta", "Beta Shop"),
            None,
        )
        .await;
    assert_eq!(own.status, StatusCode::OK);
    assert_eq!(stored_settings(&shop, "beta").await["name"], "Beta Shop");
    assert_eq!(stored_settings(&shop, "alpha").await, alpha_settings);
}

/// Every insert route called with merchant beta's key: alpha's inserts are not found and
/// stay as they were; beta's writes make beta's own inserts.
pub async fn one_merchant_never_sees_or_changes_another_merchants_inserts<
    S: packwise_api::ApiStore,
>(
    shop: Shop<S>,
) {
    let theirs = &shop.beta;
    let sample = insert("ALPHA-ONLY", json!({"BER1": 1}), 5);
    let created = shop
        .put("/v1/inserts/ALPHA-ONLY", &shop.alpha, sample, None)
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let alpha_inserts = shop.get("/v1/inserts", &shop.alpha).await.body;
    assert_eq!(
        shop.get("/v1/inserts/ALPHA-ONLY", theirs).await.status,
        StatusCode::NOT_FOUND
    );
    for uri in ["/v1/inserts", "/v1/inserts?low_stock=true"] {
        let listed = shop.get(uri, theirs).await;
        assert_eq!(listed.status, StatusCode::OK);
        assert!(
            !listed.body.to_string().contains("ALPHA-ONLY"),
            "{uri}: {}",
            listed.body
        );
    }
    let written = shop
        .put(
            "/v1/inserts/ALPHA-ONLY",
            theirs,
            insert("ALPHA-ONLY", json!({"BER1": 999}), 0),
            None,
        )
        .await;
    assert_eq!(
        written.status,
        StatusCode::CREATED,
        "a new insert of beta's"
    );
    let shared_sku = shop
        .put(
            "/v1/inserts/CARD-THANKS",
            theirs,
            insert("CARD-THANKS", json!({}), 0),
            None,
        )
        .await;
    assert_eq!(shared_sku.status, StatusCode::OK, "beta's own card");
    assert_eq!(
        shop.get("/v1/inserts", &shop.alpha).await.body,
        alpha_inserts
    );
}

/// Every customer route called with merchant beta's key: alpha's customer is not found
/// and stays as it was; beta's writes make beta's own customer of the same id.
pub async fn one_merchant_never_sees_or_changes_another_merchants_customers<
    S: packwise_api::ApiStore,
>(
    shop: Shop<S>,
) {
    let theirs = &shop.beta;
    import_order(&shop, "alpha", "c1").await;
    let set = shop
        .put(
            "/v1/customers/c1/attributes",
            &shop.alpha,
            json!({"tags": ["alpha"]}),
            None,
        )
        .await;
    assert_eq!(set.status, StatusCode::OK);
    let alpha_c1 = shop.get("/v1/customers/c1", &shop.alpha).await.body;
    assert_eq!(
        shop.get("/v1/customers/c1", theirs).await.status,
        StatusCode::NOT_FOUND
    );
    let single = shop
        .put(
            "/v1/customers/c1/attributes",
            theirs,
            json!({"tags": ["beta"]}),
            None,
        )
        .await;
    assert_eq!(single.status, StatusCode::OK);
    assert_eq!(single.body["orders_count"], 0, "beta's own, new customer");
    let bulk = shop
        .post(
            "/v1/customers/attributes:bulk",
            theirs,
            json!({"customers": [{"id": "c1", "locale": "fr"}]}),
        )
        .await;
    assert_eq!(bulk.body["written"], 1);
    assert_eq!(
        shop.get("/v1/customers/c1", &shop.alpha).await.body,
        alpha_c1
    );
    let beta_c1 = shop.get("/v1/customers/c1", theirs).await.body;
    assert_eq!(
        (&beta_c1["tags"], &beta_c1["locale"]),
        (&json!(["beta"]), &json!("fr"))
    );
}

/// A path parameter that is not UTF-8 is refused as a problem naming it, on every route
/// with one, rather than in plain text (as schemathesis' content-type check would flag).
pub async fn paths_that_are_not_utf8_are_refused_as_problems<S: packwise_api::ApiStore>(
    shop: Shop<S>,
) {
    for (method, uri) in [
        (Method::GET, "/v1/campaigns/%FF"),
        (Method::PUT, "/v1/campaigns/%FF"),
        (Method::DELETE, "/v1/campaigns/%FF"),
        (Method::POST, "/v1/campaigns/%FF/pause"),
        (Method::GET, "/v1/inserts/%C0%AF"),
        (Method::PUT, "/v1/inserts/%C0%AF"),
        (Method::GET, "/v1/customers/%FF"),
        (Method::PUT, "/v1/customers/%FF/attributes"),
    ] {
        let answer = shop
            .send(method.clone(), uri, Some(&shop.alpha), None, &[])
            .await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{method} {uri}");
        assert_eq!(
            answer.body["type"], "/problems/invalid-path",
            "{method} {uri}"
        );
        let detail = answer.body["detail"].as_str().unwrap();
        assert!(detail.contains("UTF-8"), "{method} {uri}: {detail}");
    }
}
