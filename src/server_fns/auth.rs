//! Signing in and out of the dashboard: server functions over the same account
//! services as `/api/v1/auth`. They work as plain HTML form posts (no JavaScript):
//! success redirects, and a failure returns to the form with the error in the URL.

use leptos::prelude::*;

use super::error::AppError;
#[cfg(feature = "ssr")]
use super::session::{request_meta, session};
#[cfg(feature = "ssr")]
use crate::server::accounts::service::AccountDeps;
use crate::wire::accounts::UserProfile;
#[cfg(feature = "ssr")]
use axum::extract::FromRef;

/// Where to go after signing in when the form names no page.
pub const AFTER_LOGIN: &str = "/dashboard";

/// `next` when it is a path on this site, else [`AFTER_LOGIN`] (no open redirects).
pub fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.contains('\\')
                && !path.chars().any(char::is_control) =>
        {
            path
        }
        _ => AFTER_LOGIN,
    }
}

#[server(endpoint = "login")]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    use crate::server::{accounts::service, sessions};
    let state = expect_context::<crate::server::app_state::AppState>();
    let meta = request_meta().await?;
    let session = session().await?;
    let user = service::login_for_session(&AccountDeps::from_ref(&state), &email, password, &meta)
        .await
        .map_err(|error| AppError::from(error).remember_email(&email))?;
    sessions::sign_in(&session, &user.id).await?;
    leptos_axum::redirect(safe_next(next.as_deref()));
    Ok(())
}

#[server(endpoint = "register")]
pub async fn register(email: String, password: String) -> Result<(), AppError> {
    use crate::server::{accounts::service, sessions};
    let state = expect_context::<crate::server::app_state::AppState>();
    let meta = request_meta().await?;
    let session = session().await?;
    let user = service::register(
        &state.db,
        &email,
        password,
        &meta,
        service::AdminRule::of(&state.config),
    )
    .await
    .map_err(|error| AppError::from(error).remember_email(&email))?;
    sessions::sign_in(&session, &user.id).await?;
    leptos_axum::redirect(AFTER_LOGIN);
    Ok(())
}

#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::server::{accounts::service, sessions};
    let state = expect_context::<crate::server::app_state::AppState>();
    let meta = request_meta().await?;
    let session = session().await?;
    if let Some(user) = sessions::user(&session, &state.db).await? {
        service::record_session_logout(&AccountDeps::from_ref(&state), &user.id, &meta).await?;
    }
    sessions::sign_out(&session).await?;
    leptos_axum::redirect("/");
    Ok(())
}

/// The signed-in user, or `None`.
#[server(endpoint = "whoami")]
pub async fn whoami() -> Result<Option<UserProfile>, AppError> {
    use crate::server::{accounts::service, sessions};
    let state = expect_context::<crate::server::app_state::AppState>();
    let session = session().await?;
    let user = sessions::user(&session, &state.db).await?;
    Ok(user.as_ref().map(service::profile))
}

/// Changes the password: every other session and refresh token ends, this one stays.
#[server(endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), AppError> {
    use crate::server::{accounts::service, sessions};
    let (state, user) = super::session::signed_in().await?;
    let meta = request_meta().await?;
    let session = session().await?;
    let changed_at = service::change_password(
        &AccountDeps::from_ref(&state),
        &user.id,
        current_password,
        new_password,
        &meta,
    )
    .await?;
    sessions::stamp(&session, &user.id, changed_at).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_login() {
        assert_eq!(
            safe_next(Some("/markets/AAPL?range=1Y")),
            "/markets/AAPL?range=1Y"
        );
        for hostile in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "javascript:alert(1)",
            "",
            "/\nSet-Cookie: x",
        ] {
            assert_eq!(safe_next(Some(hostile)), AFTER_LOGIN, "{hostile:?}");
        }
        assert_eq!(safe_next(None), AFTER_LOGIN);
    }
}
