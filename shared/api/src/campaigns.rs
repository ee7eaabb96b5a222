//! `/v1/campaigns`: create, read, list by pages, replace under optimistic concurrency
//! (`ETag` / `If-Match`), validate, and move through their lifecycle.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::{Extension, Json};
use chrono::Utc;
use packwise_core::CampaignSet;
use packwise_core::campaign::{Campaign, CampaignStatus};
use packwise_core::ports::Expect;
use serde::{Deserialize, Serialize};

use crate::body::{JsonBody, PathParam, QueryParams, count_param};
use crate::etag;
use crate::problem::{ApiResult, CONTENT_TYPE as PROBLEM, Problem};
use crate::{ApiStore, Merchant};

/// Campaigns per page when the caller does not say; at most `MAX_PAGE`.
const PAGE: usize = 50;
const MAX_PAGE: usize = 200;

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct Page {
    /// Campaigns per page; 50 when left out.
    #[param(minimum = 1, maximum = 200)] // `MAX_PAGE`, which a test holds it to
    limit: Option<usize>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// A page of campaigns, by id.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CampaignPage {
    items: Vec<Campaign>,
    /// Pass as `cursor` for the next page; absent on the last.
    #[serde(skip_serializing_if = "Option::is_none")]
    next_cursor: Option<String>,
}

/// A campaign with its version as the entity tag.
fn with_etag(status: StatusCode, campaign: Campaign) -> Response {
    etag::with_etag(status, campaign.version, campaign)
}

pub(crate) async fn find<S: ApiStore>(store: &S, merchant: &str, id: &str) -> ApiResult<Campaign> {
    let campaigns = store.campaigns(merchant).await?;
    campaigns
        .into_iter()
        .find(|c| c.id == id)
        .ok_or_else(|| Problem::not_found(format_args!("campaign `{id}`")))
}

/// Every problem of the campaign at once: its structure, its condition, and the inserts
/// and templates it names.
async fn check<S: ApiStore>(store: &S, merchant: &str, campaign: &Campaign) -> ApiResult<()> {
    let inserts = store.inserts(merchant).await?;
    CampaignSet::validate(campaign, &inserts).map_err(Problem::invalid)
}

#[utoipa::path(
    post,
    path = "/v1/campaigns",
    tag = "campaigns",
    operation_id = "create_campaign",
    summary = "Create a campaign",
    description = "Validated like `validate`; saved at version 1. `version` in the body is ignored.",
    request_body(content = Campaign, example = crate::openapi::examples::campaign),
    responses(
        (status = 201, description = "Created", body = Campaign, headers(
            ("ETag" = String, description = "The campaign's version, quoted (`\"1\"`)"),
            ("Location" = String, description = "The campaign's URL"),
        )),
        (status = 409, description = "A campaign with this id exists", body = Problem, content_type = PROBLEM),
        (status = 422, description = "Every problem of the campaign", body = Problem, content_type = PROBLEM),
    ),
)]
pub async fn create<S: ApiStore>(
    State(store): State<Arc<S>>,
    Extension(Merchant(merchant)): Extension<Merchant>,
    JsonBody(mut campaign): JsonBody<Campaign>,
) -> ApiResult<Response> {
    check(&*store, &merchant, &campaign).await?;
    campaign.version = 1;
    campaign.keep_start(None, Utc::now());
    store
        .put_campaign(&merchant, &campaign, Expect::Absent)
        .await?;
    let location =
        HeaderValue::from_str(&format!("/v1/campaigns/{}", campaign.id)).map_err(|_| {
            Problem::field(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                "id",
                "cannot be part of a URL",
            )
        })?;
    let mut response = with_etag(StatusCode::CREATED, campaign);
    response.headers_mut().insert(header::LOCATION, location);
    Ok(response)
}

#[utoipa::path(
    get,
    path = "/v1/campaigns/{id}",
    tag = "campaigns",
    operation_id = "get_campaign",
    summary = "Read a campaign",
    params(("id" = String, Path, example = crate::openapi::examples::campaign_id, description = "The campaign's id")),
    responses(
        (status = 200, description = "The campaign", body = Campaign, headers(
            ("ETag" = String, description = "The campaign's version, quoted: send it as `If-Match` to change it"),
        )),
        (status = 404, description = "No such campaign", body = Problem, content_type = PROBLEM),
    ),
)]
pub async fn get<S: ApiStore>(
    State(store): State<Arc<S>>,
    Extension(Merchant(merchant)): Extension<Merchant>,
    PathParam(id): PathParam<String>,
) -> ApiResult<Response> {
    Ok(with_etag(
        StatusCode::OK,
        find(&*store, &merchant, &id).await?,
    ))
}

#[utoipa::path(
    get,
    path = "/v1/campaigns",
    tag = "campaigns",
    operation_id = "list_campaigns",
    summary = "List campaigns by id, a page at a time",
    params(Page),
    responses(
        (status = 200, description = "A page of campaigns", body = CampaignPage),
        (status = 400, description = "An unknown or unreadable query parameter", body = Problem, content_type = PROBLEM),
    ),
)]
pub async fn list<S: ApiStore>(
    State(store): State<Arc<S>>,
    Extension(Merchant(merchant)): Extension<Merchant>,
    QueryParams(page): QueryParams<Page>,
) -> ApiResult<Json<CampaignPage>> {
    let limit = count_param("limit", page.limit, PAGE, MAX_PAGE)?;
    let mut campaigns = store.campaigns(&merchant).await?;
    campaigns.sort_by(|a, b| a.id.cmp(&b.id));
    // The cursor is the last id of the previous page: pages stay right when campaigns
    // are added or removed between requests.
    let start = match &page.cursor {
        Some(after) => campaigns.partition_point(|c| c.id.as_str() <= after.as_str()),
        None => 0,
    };
    let items: Vec<Campaign> = campaigns.into_iter().skip(start).take(limit + 1).collect();
    let (items, next_cursor) = if items.len() > limit {
        let items: Vec<Campaign> = items.into_iter().take(limit).collect();
        let last = items.last().map(|c| c.id.clone());
        (items, last)
    } else {
        (items, None)
    };
    Ok(Json(CampaignPage { items, next_cursor }))
}

#[utoipa::path(
    put,
    path = "/v1/campaigns/{id}",
    tag = "campaigns",
    operation_id = "replace_campaign",
    summary = "Replace a campaign at the version read",
    description = "The body's `id` must be the path's; `version` in the body is ignored.",
    params(
        ("id" = String, Path, example = crate::openapi::examples::campaign_id, description = "The campaign's id"),
        ("If-Match" = String, Header, example = "\"1\"", description = "The `ETag` of the campaign as read"),
    ),
    request_body(content = Campaign, example = crate::openapi::examples::campaign),
    responses(
        (status = 200, description = "Replaced", body = Campaign, headers(
            ("ETag" = String, description = "The campaign's new version, quoted"),
        )),
        (status = 400, description = "A malformed body, path or `If-Match`", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such campaign", body = Problem, content_type = PROBLEM),
        (status = 412, description = "The campaign changed since it was read", body = Problem, content_type = PROBLEM),
        (status = 422, description = "Every problem of the campaign", body = Problem, content_type = PROBLEM),
        (status = 428, description = "No `If-Match`", body = Problem, content_type = PROBLEM),
    ),
)]
pub async fn replace<S: ApiStore>(
    State(store): State<Arc<S>>,
    Extension(Merchant(merchant)): Extension<Merchant>,
    PathParam(id): PathParam<String>,
    headers: HeaderMap,
    JsonBody(mut campaign): JsonBody<Campaign>,
) -> ApiResult<Response> {
    let expected = etag::required_if_match(&headers, "campaign")?;
    if campaign.id != id {
        return Err(Problem::field(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "id",
            format!("must be `{id}`, the campaign in the path"),
        ));
    }
    let current = find(&*store, &merchant, &id).await?;
    if current.version != expected {
        return Err(etag::stale(
            &format_args!("campaign `{id}`"),
            expected,
            Some(current.version),
        ));
    }
    check(&*store, &merchant, &campaign).await?;
    campaign.version = expected + 1;
    campaign.keep_start(current.started_at, Utc::now());
    store
        .put_campaign(&merchant, &campaign, Expect::Version(expected))
        .await?;
    Ok(with_etag(StatusCode::OK, campaign))
}

/// What `validate` answers for a campaign without problems.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Valid {
    /// Always `true`: a campaign with problems is answered `422`.
    valid: bool,
}

#[utoipa::path(
    post,
    path = "/v1/campaigns/validate",
    tag = "campaigns",
    operation_id = "validate_campaign",
    summary = "Check a campaign without saving it",
    request_body(content = Campaign, example = crate::openapi::examples::campaign),
    responses(
        (status = 200, description = "No problems", body = Valid),
        (status = 422, description = "Every problem of the campaign", body = Problem, content_type = PROBLEM),
    ),
)]
pub async fn validate<S: ApiStore>(
    State(store): State<Arc<S>>,
    Extension(Merchant(merchant)): Extension<Merchant>,
    JsonBody(campaign): JsonBody<Campaign>,
) -> ApiResult<Json<Valid>> {
    check(&*store, &merchant, &campaign).await?;
    Ok(Json(Valid { valid: true }))
}

/// Pause, resume and archive: a new version with the new status, if the move is allowed
/// and nobody changed the campaign meanwhile.
async fn set_status<S: ApiStore>(
    store: &S,
    merchant: &str,
    id: &str,
    headers: &HeaderMap,
    next: CampaignStatus,
) -> ApiResult<Response> {
    let mut campaign = find(store, merchant, id).await?;
    etag::optional_if_match(
        headers,
        &format_args!("campaign `{id}`"),
        Some(campaign.version),
    )?;
    if !campaign.status.can_become(next) {
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "invalid-transition",
            format!(
                "campaign `{id}` is {}; it cannot become {}",
                status_name(campaign.status),
                status_name(next)
            ),
        ));
    }
    let expected = campaign.version;
    campaign.status = next;
    campaign.version += 1;
    campaign.keep_start(campaign.started_at, Utc::now());
    store
        .put_campaign(merchant, &campaign, Expect::Version(expected))
        .await?;
    Ok(with_etag(StatusCode::OK, campaign))
}

fn status_name(s: CampaignStatus) -> &'static str {
    match s {
        CampaignStatus::Draft => "a draft",
        CampaignStatus::Active => "active",
        CampaignStatus::Paused => "paused",
        CampaignStatus::Archived => "archived",
    }
}

/// Deletes a draft, at the version `If-Match` names if sent; anything that ever ran is
/// archived instead.
#[utoipa::path(
    delete,
    path = "/v1/campaigns/{id}",
    tag = "campaigns",
    operation_id = "delete_campaign",
    summary = "Delete a draft",
    description = "A campaign that ever ran is archived instead.",
    params(
        ("id" = String, Path, example = crate::openapi::examples::campaign_id, description = "The campaign's id"),
        ("If-Match" = Option<String>, Header, nullable = false, description = "The `ETag` read; when sent, it must be the current one"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "A malformed path or `If-Match`", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such campaign", body = Problem, content_type = PROBLEM),
        (status = 409, description = "The campaign is not a draft", body = Problem, content_type = PROBLEM),
        (status = 412, description = "The campaign changed since it was read", body = Problem, content_type = PROBLEM),
    ),
)]
pub async fn delete<S: ApiStore>(
    State(store): State<Arc<S>>,
    Extension(Merchant(merchant)): Extension<Merchant>,
    PathParam(id): PathParam<String>,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    let campaign = find(&*store, &merchant, &id).await?;
    etag::optional_if_match(
        &headers,
        &format_args!("campaign `{id}`"),
        Some(campaign.version),
    )?;
    if !campaign.status.can_be_deleted() {
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "not-deletable",
            format!(
                "campaign `{id}` is {}: only drafts are deleted; archive it instead",
                status_name(campaign.status)
            ),
        ));
    }
    store
        .delete_campaign(&merchant, &id, campaign.version)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

macro_rules! status_action {
    ($name:ident, $status:expr, $path:literal, $operation:literal, $summary:literal) => {
        #[utoipa::path(
            post,
            path = $path,
            tag = "campaigns",
            operation_id = $operation,
            summary = $summary,
            description = "Draft → active ⇄ paused → archived; an archived campaign stays archived.",
            params(
                ("id" = String, Path, example = crate::openapi::examples::campaign_id, description = "The campaign's id"),
                ("If-Match" = Option<String>, Header, nullable = false, description = "The `ETag` read; when sent, it must be the current one"),
            ),
            responses(
                (status = 200, description = "The campaign at its new version", body = Campaign, headers(
                    ("ETag" = String, description = "The campaign's new version, quoted"),
                )),
                (status = 400, description = "A malformed path or `If-Match`", body = Problem, content_type = PROBLEM),
                (status = 404, description = "No such campaign", body = Problem, content_type = PROBLEM),
                (status = 409, description = "The campaign cannot make this move from its status", body = Problem, content_type = PROBLEM),
                (status = 412, description = "The campaign changed since it was read", body = Problem, content_type = PROBLEM),
            ),
        )]
        pub async fn $name<S: ApiStore>(
            State(store): State<Arc<S>>,
            Extension(Merchant(merchant)): Extension<Merchant>,
            PathParam(id): PathParam<String>,
            headers: HeaderMap,
        ) -> ApiResult<Response> {
            set_status(&*store, &merchant, &id, &headers, $status).await
        }
    };
}

status_action!(
    activate,
    CampaignStatus::Active,
    "/v1/campaigns/{id}/activate",
    "activate_campaign",
    "Start a draft, or resume a paused campaign"
);
status_action!(
    resume,
    CampaignStatus::Active,
    "/v1/campaigns/{id}/resume",
    "resume_campaign",
    "Resume a paused campaign (the same move as activate)"
);
status_action!(
    pause,
    CampaignStatus::Paused,
    "/v1/campaigns/{id}/pause",
    "pause_campaign",
    "Pause a running campaign"
);
status_action!(
    archive,
    CampaignStatus::Archived,
    "/v1/campaigns/{id}/archive",
    "archive_campaign",
    "Archive a campaign for good"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_page_sizes_are_the_ones_served() {
        let params = <Page as utoipa::IntoParams>::into_params(|| None);
        let limit = params.iter().find(|p| p.name == "limit").expect("limit");
        let limit = serde_json::to_value(limit).unwrap();
        assert_eq!(limit["schema"]["maximum"], MAX_PAGE);
        assert_eq!(limit["schema"]["minimum"], 1);
        assert!(
            limit["description"]
                .as_str()
                .unwrap()
                .contains(&PAGE.to_string())
        );
    }
}
