//! The extractor that finds the caller of a request: `Authorization: Bearer <jwt>`,
//! `X-API-Key: ik_<id>:sk_<secret>`, or else the dashboard's session cookie.
//! Anything else is a 401 in the envelope. Apart from [`CurrentUser`] itself, so
//! services can name the caller without knowing the application state.

use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use axum::http::request::Parts;
use axum::http::HeaderValue;
use tower_sessions::Session;

use super::current_user::{AuthMethod, CurrentUser, API_KEY_HEADER};
use crate::error_catalog::ErrorCode;
use crate::server::accounts::api_keys;
use crate::server::accounts::users::{self, UserRow};
use crate::server::api_error::ApiError;
use crate::server::app_state::AppState;
use crate::server::sessions;

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(cached) = parts.extensions.get::<CurrentUser>() {
            return Ok(cached.clone());
        }
        // `issued_ms`: when the credential was issued (API keys live until revoked).
        let (user_id, method, issued_ms) = if let Some(header) = parts.headers.get(AUTHORIZATION) {
            let token = header
                .to_str()
                .ok()
                .and_then(|v| {
                    v.strip_prefix("Bearer ")
                        .or_else(|| v.strip_prefix("bearer "))
                })
                .ok_or_else(|| ApiError::new(ErrorCode::TokenInvalid))?;
            let claims = state.auth.jwt.verify(token.trim()).map_err(ApiError::new)?;
            (claims.sub, AuthMethod::AccessToken, claims.iat_ms)
        } else if let Some(header) = parts.headers.get(API_KEY_HEADER) {
            let key = header.to_str().unwrap_or_default();
            let user_id = api_keys::authenticate(&state.db, key)
                .await?
                .ok_or_else(|| ApiError::new(ErrorCode::ApiKeyInvalid))?;
            (user_id, AuthMethod::ApiKey, i64::MAX)
        } else {
            let session = parts.extensions.get::<Session>().cloned();
            let user = match session {
                Some(session) => sessions::user(&session, &state.db).await?,
                None => None,
            };
            let user = user.ok_or_else(|| {
                ApiError::new(ErrorCode::AuthenticationRequired)
                    .with_header(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"))
            })?;
            return Ok(remember(parts, user, AuthMethod::Session));
        };

        let invalid = if method == AuthMethod::ApiKey {
            ErrorCode::ApiKeyInvalid
        } else {
            ErrorCode::TokenInvalid
        };
        let user = users::find_by_id(&state.db, &user_id)
            .await?
            .ok_or_else(|| ApiError::new(invalid))?;
        if user.disabled_at.is_some() {
            return Err(ApiError::new(ErrorCode::AccountDisabled));
        }
        // A password change (or deactivation) since the token was issued ends it.
        if issued_ms < user.sessions_valid_from_ms {
            return Err(ApiError::new(ErrorCode::TokenRevoked));
        }
        Ok(remember(parts, user, method))
    }
}

/// Caches the caller in the request, so later extractors do not look them up again,
/// and names them for the request's log lines (every later line carries `user_id`).
fn remember(parts: &mut Parts, user: UserRow, method: AuthMethod) -> CurrentUser {
    let current = CurrentUser::from_row(user, method);
    crate::server::correlation::set_user(&current.id);
    parts.extensions.insert(current.clone());
    current
}
