//! What server functions learn from the request: its session, its metadata, and the
//! signed-in user (as the REST extractor would see them, authenticated by the cookie).

use super::error::AppError;
use crate::error_catalog::ErrorCode;
use crate::server::api_error::ApiError;
use crate::server::app_state::AppState;
use crate::server::auth::current_user::{AuthMethod, CurrentUser};
use crate::server::request_meta::RequestMeta;
use leptos::prelude::expect_context;

pub async fn request_meta() -> Result<RequestMeta, AppError> {
    Ok(leptos_axum::extract().await?)
}

pub async fn session() -> Result<tower_sessions::Session, AppError> {
    Ok(leptos_axum::extract().await?)
}

/// The session's user, or `None` when nobody is signed in.
pub async fn session_user(state: &AppState) -> Result<Option<CurrentUser>, AppError> {
    let session = session().await?;
    let user = crate::server::sessions::user(&session, &state.db).await?;
    Ok(user.map(|row| CurrentUser::from_row(row, AuthMethod::Session)))
}

/// The state and the signed-in user, or `AUTHENTICATION_REQUIRED`.
pub async fn signed_in() -> Result<(AppState, CurrentUser), AppError> {
    let state = expect_context::<AppState>();
    let user = session_user(&state)
        .await?
        .ok_or_else(|| AppError::from(ApiError::new(ErrorCode::AuthenticationRequired)))?;
    Ok((state, user))
}
