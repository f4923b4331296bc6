//! `/api/v1/auth/*`: register, login, refresh, logout.

use axum::extract::FromRef;

use crate::server::accounts::service::AccountDeps;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;

use crate::server::accounts::service;
use crate::server::api_error::{ApiError, ApiJson};
use crate::server::app_state::AppState;
use crate::server::openapi::errors::{CommonErrors, ErrorEnvelope};
use crate::server::request_meta::RequestMeta;
use crate::wire::accounts::{Credentials, RefreshRequest, TokenPair, UserProfile};

/// Creates an account on the free tier. The password must satisfy the policy
/// (details name each failed rule).
#[utoipa::path(post, path = "/auth/register", tag = "auth",
    request_body = Credentials,
    responses((status = 201, description = "The new account", body = UserProfile),
        (status = 409, description = "EMAIL_ALREADY_EXISTS", body = ErrorEnvelope),
        CommonErrors))]
pub async fn register(
    State(state): State<AppState>,
    meta: RequestMeta,
    ApiJson(body): ApiJson<Credentials>,
) -> Result<(StatusCode, Json<UserProfile>), ApiError> {
    let user = service::register(
        &state.db,
        &body.email,
        body.password,
        &meta,
        service::AdminRule::of(&state.config),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(user)))
}

/// Exchanges email and password for an access token (15 minutes) and a refresh token.
#[utoipa::path(post, path = "/auth/login", tag = "auth",
    request_body = Credentials,
    responses((status = 200, description = "Tokens", body = TokenPair),
        (status = 401, description = "INVALID_CREDENTIALS", body = ErrorEnvelope),
        (status = 423, description = "ACCOUNT_LOCKED after repeated failures", body = ErrorEnvelope),
        CommonErrors))]
pub async fn login(
    State(state): State<AppState>,
    meta: RequestMeta,
    ApiJson(body): ApiJson<Credentials>,
) -> Result<Json<TokenPair>, ApiError> {
    Ok(Json(
        service::login(
            &AccountDeps::from_ref(&state),
            &body.email,
            body.password,
            &meta,
        )
        .await?,
    ))
}

/// Rotates a refresh token: the old one stops working; reusing it revokes the session.
#[utoipa::path(post, path = "/auth/refresh", tag = "auth",
    request_body = RefreshRequest,
    responses((status = 200, description = "New tokens", body = TokenPair),
        (status = 401, description = "REFRESH_TOKEN_INVALID, _EXPIRED or _REUSED", body = ErrorEnvelope),
        CommonErrors))]
pub async fn refresh(
    State(state): State<AppState>,
    meta: RequestMeta,
    ApiJson(body): ApiJson<RefreshRequest>,
) -> Result<Json<TokenPair>, ApiError> {
    Ok(Json(
        service::refresh(&AccountDeps::from_ref(&state), &body.refresh_token, &meta).await?,
    ))
}

/// Revokes a refresh token.
#[utoipa::path(post, path = "/auth/logout", tag = "auth",
    request_body = RefreshRequest,
    responses((status = 204, description = "Logged out"),
        (status = 401, description = "REFRESH_TOKEN_INVALID", body = ErrorEnvelope),
        CommonErrors))]
pub async fn logout(
    State(state): State<AppState>,
    meta: RequestMeta,
    ApiJson(body): ApiJson<RefreshRequest>,
) -> Result<StatusCode, ApiError> {
    service::logout(&AccountDeps::from_ref(&state), &body.refresh_token, &meta).await?;
    Ok(StatusCode::NO_CONTENT)
}
