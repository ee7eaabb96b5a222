//! The merchant API's OpenAPI 3.1 document, generated from the handlers' `#[utoipa::path]`
//! annotations and the types they read and write: served at `GET /openapi.json` and
//! checked in as `shared/api/openapi.json`, which a test holds to the code.
//!
//! A new route is listed in `ApiDoc`'s `paths` below, with `#[utoipa::path]` on its
//! handler naming the responses that are its own. The ones every authenticated route can
//! give (401, 500, 503), every route with a JSON body (400, 413, 415) and every route with
//! a path parameter (400) are added to each operation by `CommonResponses`.

use std::sync::LazyLock;

use axum::http::header;
use axum::response::IntoResponse;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::Operation;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ComponentsBuilder, ContentBuilder, Ref, RefOr, Response, ResponseBuilder};
use utoipa::{Modify, OpenApi, ToSchema};

use crate::problem::{CONTENT_TYPE as PROBLEM, Problem};
use crate::{campaigns, customers, inserts, low_stock, preview, settings, stats};

/// The security scheme every route but this document's requires (`security` below).
const API_KEY: &str = "api_key";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "packwise merchant API",
        description = "Campaigns, settings, inserts and customer attributes of the merchant \
            whose API key is sent. Errors are RFC 9457 problem details \
            (`application/problem+json`), and for bad input they name every field at fault \
            by its path. Decimal amounts are strings (`\"12.50\"`).",
    ),
    paths(
        campaigns::list,
        campaigns::create,
        campaigns::validate,
        campaigns::get,
        campaigns::replace,
        campaigns::delete,
        campaigns::activate,
        campaigns::resume,
        campaigns::pause,
        campaigns::archive,
        stats::get,
        preview::stored,
        preview::unsaved,
        settings::get,
        settings::replace,
        inserts::list,
        inserts::get,
        inserts::put,
        inserts::delete,
        inserts::adjust_stock,
        inserts::count_stock,
        low_stock::get,
        customers::bulk,
        customers::get,
        customers::put_attributes,
        serve,
    ),
    // The common responses refer to `Problem` even where no handler names it.
    components(schemas(Problem)),
    security(("api_key" = [])),
    modifiers(&ApiKey, &CommonResponses),
    tags(
        (name = "campaigns", description = "Who gets what in their parcel, and their lifecycle"),
        (name = "settings", description = "The rules every decision obeys"),
        (name = "inserts", description = "Printed inserts and samples, with their stock per centre"),
        (name = "customers", description = "What the merchant tells us about customers, and their profiles"),
        (name = "document", description = "This document"),
    ),
)]
pub struct ApiDoc;

/// The document as checked in and served: pretty-printed, with a trailing newline.
pub fn json() -> String {
    let mut text = ApiDoc::openapi()
        .to_pretty_json()
        .expect("the document serializes");
    text.push('\n');
    text
}

static DOCUMENT: LazyLock<String> = LazyLock::new(json);

#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "document",
    operation_id = "get_openapi_document",
    summary = "This document",
    description = "Needs no API key.",
    security(()),
    responses((status = 200, description = "The OpenAPI document", body = Object, content_type = "application/json")),
)]
pub async fn serve() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        DOCUMENT.as_str(),
    )
}

/// API keys are sent as bearer tokens.
struct ApiKey;

impl Modify for ApiKey {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .bearer_format("pw_<id>_<secret>")
            .description(Some(
                "An API key from `packwise key create --merchant M`, as `Authorization: Bearer pw_<id>_<secret>`.",
            ))
            .build();
        openapi
            .components
            .get_or_insert_with(|| ComponentsBuilder::new().build())
            .add_security_scheme(API_KEY, SecurityScheme::Http(scheme));
    }
}

/// A problem any route of a kind can answer, as a response component referenced from
/// every operation that can give it.
struct Common {
    status: &'static str,
    name: &'static str,
    description: &'static str,
    /// (name, description) of a header it carries.
    header: Option<(&'static str, &'static str)>,
    given_by: GivenBy,
}

/// The operations that can give a common response.
#[derive(Clone, Copy, PartialEq)]
enum GivenBy {
    /// Those that need an API key.
    Authenticated,
    /// Those with a request body.
    Body,
    /// Those with a request body or a parameter in the path.
    BodyOrPath,
}

const COMMON: &[Common] = &[
    Common {
        status: "400",
        name: "Malformed",
        description: "The body is not JSON of the expected shape, or a path parameter is not \
            UTF-8: the problem names the part at fault",
        header: None,
        given_by: GivenBy::BodyOrPath,
    },
    Common {
        status: "401",
        name: "Unauthorized",
        description: "No API key, or one that is not valid or was revoked",
        header: Some(("WWW-Authenticate", "`Bearer realm=\"packwise\"`")),
        given_by: GivenBy::Authenticated,
    },
    Common {
        status: "413",
        name: "TooLarge",
        description: "The body is over 256 KiB",
        header: None,
        given_by: GivenBy::Body,
    },
    Common {
        status: "415",
        name: "NotJson",
        description: "The body is not `application/json`",
        header: None,
        given_by: GivenBy::Body,
    },
    Common {
        status: "500",
        name: "Internal",
        description: "A stored record could not be read; it has been logged",
        header: None,
        given_by: GivenBy::Authenticated,
    },
    Common {
        status: "503",
        name: "Unavailable",
        description: "The store is unavailable for now: send the request again",
        header: Some(("Retry-After", "Seconds to wait before sending it again")),
        given_by: GivenBy::Authenticated,
    },
];

/// Adds the responses of `COMMON` to every operation that can give them: 401, 500 and
/// 503 to those that need an API key, 413 and 415 to those with a body, 400 to those
/// with a body or a path parameter. An operation's own response for a status (a 400
/// that names more causes) is kept.
struct CommonResponses;

impl Modify for CommonResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi
            .components
            .get_or_insert_with(|| ComponentsBuilder::new().build());
        for common in COMMON {
            components.responses.insert(
                common.name.to_string(),
                RefOr::T(problem_response(common.description, common.header)),
            );
        }
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                let authenticated = operation.security.is_none();
                let with_body = operation.request_body.is_some();
                let with_path = operation
                    .parameters
                    .iter()
                    .flatten()
                    .any(|p| p.parameter_in == utoipa::openapi::path::ParameterIn::Path);
                for common in COMMON {
                    let applies = match common.given_by {
                        GivenBy::Authenticated => authenticated,
                        GivenBy::Body => with_body,
                        GivenBy::BodyOrPath => with_body || with_path,
                    };
                    if applies {
                        add(operation, common.status, common.name);
                    }
                }
            }
        }
    }
}

fn add(operation: &mut Operation, status: &str, component: &str) {
    operation
        .responses
        .responses
        .entry(status.to_string())
        .or_insert_with(|| RefOr::Ref(Ref::from_response_name(component)));
}

fn problem_response(description: &str, header: Option<(&str, &str)>) -> Response {
    let content = ContentBuilder::new()
        .schema(Some(RefOr::Ref(Ref::from_schema_name(Problem::name()))))
        .build();
    let mut response = ResponseBuilder::new()
        .description(description)
        .content(PROBLEM, content);
    if let Some((name, description)) = header {
        let header = HeaderBuilder::new()
            .schema(ObjectBuilder::new().schema_type(Type::String))
            .description(Some(description))
            .build();
        response = response.header(name, header);
    }
    response.build()
}

/// The examples the document shows: a campaign that gives the example insert, that
/// insert, settings and a customer's attributes. Each is accepted as it stands (a test
/// sends them), and `scripts/schemathesis` stores them first, so requests generated from
/// the document reach a stored campaign, insert and customer.
pub mod examples {
    use serde_json::{Value, json};

    const CAMPAIGN: &str = "thank-you";
    const INSERT: &str = "CARD-THANKS";
    const CUSTOMER: &str = "c-1001";

    pub fn campaign_id() -> &'static str {
        CAMPAIGN
    }

    pub fn insert_sku() -> &'static str {
        INSERT
    }

    pub fn customer_id() -> &'static str {
        CUSTOMER
    }

    pub fn campaign() -> Value {
        json!({
            "id": CAMPAIGN,
            "name": "Thank-you card and 10 % off from 50 EUR",
            "priority": 10,
            "condition": "order.total >= 50.0",
            "actions": {
                "inserts": [{"sku": INSERT}],
                "coupon": {
                    "value": {"kind": "percent", "percent": "10"},
                    "expires_in_days": 30,
                    "prefix": "THANKS",
                },
            },
            "holdout_percent": "5",
        })
    }

    pub fn insert() -> Value {
        json!({
            "sku": INSERT,
            "name": "Thank-you card",
            "kind": "thank_you_card",
            "weight_grams": 10,
            "format": "flat",
            "stock": {"BER1": 500, "LEJ1": 40},
            "low_stock_threshold": 50,
        })
    }

    pub fn settings() -> Value {
        json!({
            "name": "Tea Shop",
            "default_locale": "en",
            "default_currency": "EUR",
            "max_inserts_per_package": 3,
            "free_shipping_threshold": "49.00",
        })
    }

    pub fn attributes() -> Value {
        json!({
            "tags": ["vip", "tea-lover"],
            "nps": {"score": 9, "at": "2026-01-15T10:00:00Z"},
            "birthday": "1990-05-17",
            "locale": "de-DE",
        })
    }

    pub fn attributes_in_bulk() -> Value {
        json!({
            "customers": [
                {"id": CUSTOMER, "tags": ["vip"]},
                {"id": "c-1002", "locale": "en", "birthday": "1985-11-02"},
            ]
        })
    }
}
