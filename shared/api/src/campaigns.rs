//! `/v1/campaigns`: create, read, list by pages, replace under optimistic concurrency
//! (`ETag` / `If-Match`), validate, and move through their lifecycle.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::{Extension, Json};
use packwise_core::CampaignSet;
use packwise_core::campaign::{Campaign, CampaignStatus};
use packwise_core::ports::Expect;
use serde::{Deserialize, Serialize};

use crate::body::{JsonBody, QueryParams};
use crate::etag;
use crate::problem::{ApiResult, Problem};
use crate::{ApiStore, Merchant};

/// Campaigns per page when the caller does not say; at most `MAX_PAGE`.
const PAGE: usize = 50;
const MAX_PAGE: usize = 200;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Page {
    limit: Option<usize>,
    cursor: Option<String>,
}

#[derive(Serialize)]
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

async fn find<S: ApiStore>(store: &S, merchant: &str, id: &str) -> ApiResult<Campaign> {
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

pub async fn create<S: ApiStore>(
    State(store): State<Arc<S>>,
    Extension(Merchant(merchant)): Extension<Merchant>,
    JsonBody(mut campaign): JsonBody<Campaign>,
) -> ApiResult<Response> {
    check(&*store, &merchant, &campaign).await?;
    campaign.version = 1;
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

pub async fn get<S: ApiStore>(
    State(store): State<Arc<S>>,
    Extension(Merchant(merchant)): Extension<Merchant>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    Ok(with_etag(
        StatusCode::OK,
        find(&*store, &merchant, &id).await?,
    ))
}

pub async fn list<S: ApiStore>(
    State(store): State<Arc<S>>,
    Extension(Merchant(merchant)): Extension<Merchant>,
    QueryParams(page): QueryParams<Page>,
) -> ApiResult<Json<CampaignPage>> {
    let limit = page.limit.unwrap_or(PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(Problem::field(
            StatusCode::BAD_REQUEST,
            "invalid-query",
            "limit",
            format!("must be between 1 and {MAX_PAGE}"),
        ));
    }
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

pub async fn replace<S: ApiStore>(
    State(store): State<Arc<S>>,
    Extension(Merchant(merchant)): Extension<Merchant>,
    Path(id): Path<String>,
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
    store
        .put_campaign(&merchant, &campaign, Expect::Version(expected))
        .await?;
    Ok(with_etag(StatusCode::OK, campaign))
}

pub async fn validate<S: ApiStore>(
    State(store): State<Arc<S>>,
    Extension(Merchant(merchant)): Extension<Merchant>,
    JsonBody(campaign): JsonBody<Campaign>,
) -> ApiResult<Json<serde_json::Value>> {
    check(&*store, &merchant, &campaign).await?;
    Ok(Json(serde_json::json!({ "valid": true })))
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
pub async fn delete<S: ApiStore>(
    State(store): State<Arc<S>>,
    Extension(Merchant(merchant)): Extension<Merchant>,
    Path(id): Path<String>,
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
    ($name:ident, $status:expr) => {
        pub async fn $name<S: ApiStore>(
            State(store): State<Arc<S>>,
            Extension(Merchant(merchant)): Extension<Merchant>,
            Path(id): Path<String>,
            headers: HeaderMap,
        ) -> ApiResult<Response> {
            set_status(&*store, &merchant, &id, &headers, $status).await
        }
    };
}

status_action!(activate, CampaignStatus::Active);
status_action!(pause, CampaignStatus::Paused);
status_action!(archive, CampaignStatus::Archived);
