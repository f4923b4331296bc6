//! `/api/v1/auth/*`: register, login, refresh, logout.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;

use crate::server::accounts::service;
use crate::server::api_error::{ApiError, ApiJson};
use crate::server::app_state::AppState;
use crate::server::request_meta::RequestMeta;
use crate::wire::accounts::{Credentials, RefreshRequest, TokenPair, UserProfile};

pub async fn register(
    State(state): State<AppState>,
    meta: RequestMeta,
    ApiJson(body): ApiJson<Credentials>,
) -> Result<(StatusCode, Json<UserProfile>), ApiError> {
    let user = service::register(&state.db, &body.email, body.password, &meta).await?;
    Ok((StatusCode::CREATED, Json(user)))
}

pub async fn login(
    State(state): State<AppState>,
    meta: RequestMeta,
    ApiJson(body): ApiJson<Credentials>,
) -> Result<Json<TokenPair>, ApiError> {
    Ok(Json(
        service::login(&state, &body.email, body.password, &meta).await?,
    ))
}

pub async fn refresh(
    State(state): State<AppState>,
    meta: RequestMeta,
    ApiJson(body): ApiJson<RefreshRequest>,
) -> Result<Json<TokenPair>, ApiError> {
    Ok(Json(
        service::refresh(&state, &body.refresh_token, &meta).await?,
    ))
}

pub async fn logout(
    State(state): State<AppState>,
    meta: RequestMeta,
    ApiJson(body): ApiJson<RefreshRequest>,
) -> Result<StatusCode, ApiError> {
    service::logout(&state, &body.refresh_token, &meta).await?;
    Ok(StatusCode::NO_CONTENT)
}
