//! `/sonar/*`: the code index. Administrators only, except `/sonar/metrics`, which
//! everyone may read in development (as the original system specified).

use axum::extract::{FromRequestParts, Path, State};
use axum::http::header::LOCATION;
use axum::http::{request::Parts, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

use crate::error_catalog::ErrorCode;
use crate::server::api_error::{ApiError, ApiQuery};
use crate::server::app_state::AppState;
use crate::server::auth::current_user::CurrentUser;
use crate::server::config::Environment;
use crate::server::openapi::errors::{CommonErrors, ErrorEnvelope, SignedInErrors};
use crate::server::sonar::service::{self, ContextQuestion, SonarDeps};
use crate::wire::sonar::{ContextResponse, FileContext, IndexRun, SecurityReport, SonarMetrics};
use axum::extract::FromRef;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContextParams {
    /// Identifiers, comma-separated (`AAPL,SignalService`): matched exactly, else ignoring case.
    #[serde(default)]
    symbols: String,
    /// Free words (3+ letters) matched inside names and paths.
    #[serde(default)]
    query: String,
    /// Token budget, 1 to 100 000 (default 8 000). Tokens = characters / 4, rounded up.
    max_tokens: Option<usize>,
    /// At most this many files, 1 to 500 (default 20).
    max_files: Option<usize>,
    /// How many edges from a match a neighbour may be, 0 to 6 (default 3).
    depth: Option<usize>,
}

/// The code most relevant to some identifiers or words, ranked and within a token budget.
#[utoipa::path(get, path = "/sonar/context", tag = "sonar", security(("bearer" = []), ("api_key" = [])),
    params(ContextParams),
    responses((status = 200, description = "Ranked context (empty `items` with a `hint` when nothing matches)", body = ContextResponse),
        SignedInErrors, CommonErrors))]
pub async fn context(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(params): ApiQuery<ContextParams>,
) -> Result<Json<ContextResponse>, ApiError> {
    user.require_admin()?;
    let question = ContextQuestion {
        symbols: service::split_symbols(&params.symbols),
        query: params.query,
        max_tokens: params.max_tokens,
        max_files: params.max_files,
        depth: params.depth,
    };
    Ok(Json(
        service::context(&SonarDeps::from_ref(&state), question).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DepthParam {
    /// Steps to follow, 1 to 6 (default 1: direct neighbours only).
    depth: Option<usize>,
}

/// A file's definitions, dependencies and dependents. The path may be sent with its
/// slashes as they are (`/sonar/files/src/main.rs/context`) or encoded (`src%2Fmain.rs`).
#[utoipa::path(get, path = "/sonar/files/{path}/context", tag = "sonar", security(("bearer" = []), ("api_key" = [])),
    params(("path" = String, Path, description = "The file's path relative to the indexed root"), DepthParam),
    responses((status = 200, description = "The file's neighbours", body = FileContext),
        (status = 404, description = "SONAR_FILE_NOT_FOUND", body = ErrorEnvelope),
        SignedInErrors, CommonErrors))]
pub async fn file_context(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(rest): Path<String>,
    ApiQuery(params): ApiQuery<DepthParam>,
) -> Result<Json<FileContext>, ApiError> {
    user.require_admin()?;
    let Some(path) = rest.strip_suffix("/context") else {
        return Err(ApiError::new(ErrorCode::NotFound));
    };
    Ok(Json(
        service::file_context(&SonarDeps::from_ref(&state), path, params.depth).await?,
    ))
}

/// Secrets found in the indexed tree (redacted).
#[utoipa::path(get, path = "/sonar/security", tag = "sonar", security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, description = "Findings by file and line", body = SecurityReport), SignedInErrors, CommonErrors))]
pub async fn security(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<SecurityReport>, ApiError> {
    user.require_admin()?;
    Ok(Json(service::security(&state.db).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MetricsParams {
    /// Files listed under `complexity`, 0 to 20 000 (default 100).
    limit: Option<usize>,
}

/// Files, nodes and edges by kind, the latest run, secrets found and per-file
/// complexity. Administrators; everyone when `ENVIRONMENT=development`.
#[utoipa::path(get, path = "/sonar/metrics", tag = "sonar", security((), ("bearer" = []), ("api_key" = [])),
    params(MetricsParams),
    responses((status = 200, description = "The index's metrics", body = SonarMetrics), SignedInErrors, CommonErrors))]
pub async fn metrics(
    State(state): State<AppState>,
    mut parts: Parts,
    ApiQuery(params): ApiQuery<MetricsParams>,
) -> Result<Json<SonarMetrics>, ApiError> {
    if state.config.environment != Environment::Development {
        CurrentUser::from_request_parts(&mut parts, &state)
            .await?
            .require_admin()?;
    }
    Ok(Json(
        service::metrics(&SonarDeps::from_ref(&state), params.limit).await?,
    ))
}

/// Starts indexing `SONAR_ROOT` in the background; poll the run at its `Location`.
#[utoipa::path(post, path = "/sonar/index", tag = "sonar", security(("bearer" = []), ("api_key" = [])),
    responses((status = 202, description = "The run, started", body = IndexRun),
        (status = 409, description = "SONAR_INDEX_RUNNING", body = ErrorEnvelope),
        SignedInErrors, CommonErrors))]
pub async fn start_index(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Response, ApiError> {
    user.require_admin()?;
    let run = state.sonar.start(&state.db, &state.config.sonar_root)?;
    let location = HeaderValue::from_str(&format!("/sonar/index/{}", run.id))
        .map_err(|e| ApiError::internal("SONAR run location", e))?;
    Ok((StatusCode::ACCEPTED, [(LOCATION, location)], Json(run)).into_response())
}

/// This server's latest index run: its progress while running, then its outcome.
#[utoipa::path(get, path = "/sonar/index", tag = "sonar", security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, description = "The latest run", body = IndexRun),
        (status = 404, description = "SONAR_RUN_NOT_FOUND", body = ErrorEnvelope),
        SignedInErrors, CommonErrors))]
pub async fn latest_index(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<IndexRun>, ApiError> {
    user.require_admin()?;
    state
        .sonar
        .latest()
        .map(Json)
        .ok_or_else(|| ApiError::new(ErrorCode::SonarRunNotFound))
}

/// One index run of this server, by id.
#[utoipa::path(get, path = "/sonar/index/{id}", tag = "sonar", security(("bearer" = []), ("api_key" = [])),
    params(("id" = String, Path, description = "The run's id")),
    responses((status = 200, description = "The run", body = IndexRun),
        (status = 404, description = "SONAR_RUN_NOT_FOUND", body = ErrorEnvelope),
        SignedInErrors, CommonErrors))]
pub async fn index_run(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<IndexRun>, ApiError> {
    user.require_admin()?;
    Ok(Json(state.sonar.run(&id)?))
}
