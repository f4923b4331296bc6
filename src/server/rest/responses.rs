//! The REST answers that wrap a list or add bookkeeping around wire types, typed so
//! the OpenAPI document describes exactly what is sent.

use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::signals::track_record::Group;
use crate::wire::accounts::{ApiKeySummary, AuditEventView, UserProfile};
use crate::wire::signals::SignalView;

/// A CSV body as a download named `{stem}_YYYYMMDD_HHMM.csv`.
pub fn csv_download(stem: &str, body: String) -> Response {
    let name = chrono::Utc::now().format("%Y%m%d_%H%M");
    (
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{stem}_{name}.csv\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// `POST /api/v1/run`: one signal per symbol, stored together.
#[derive(Debug, Serialize, ToSchema)]
pub struct RunResponse {
    /// Always `success` (failures answer in the error envelope).
    pub status: &'static str,
    pub correlation_id: Option<String>,
    pub symbols_processed: usize,
    pub signals_generated: usize,
    pub signals: Vec<SignalView>,
    pub timestamp: String,
}

/// `GET /api/v1/signals`: newest first; pass `next_cursor` as `cursor` for the next page.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignalPage {
    pub signals: Vec<SignalView>,
    pub count: usize,
    pub next_cursor: Option<String>,
    pub timestamp: String,
}

/// `GET /api/v1/signals/track-record`: how past signals fared after 1, 5 and 20 bars.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrackRecord {
    pub horizons: Vec<usize>,
    /// A HOLD counts as a hit when the price moved less than this fraction.
    pub hold_band: f64,
    pub groups: Vec<Group>,
    pub timestamp: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEvents {
    pub events: Vec<AuditEventView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeys {
    pub api_keys: Vec<ApiKeySummary>,
}

/// `GET /api/v1/admin/users`: one page of users and how many match.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserPage {
    pub users: Vec<UserProfile>,
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
}
