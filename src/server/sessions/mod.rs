//! Browser sessions: the dashboard's login state, kept server-side in the database
//! (tower-sessions). The cookie holds only a random id, signed with a key derived
//! from `SECRET_KEY` (an altered or foreign cookie is ignored): `HttpOnly`,
//! `SameSite=Lax`, `Secure` in production. A session records who signed in and when; it ends at
//! logout, on a password change made elsewhere, or when the account is deactivated.

pub mod store;

use serde::{Deserialize, Serialize};
use tower_sessions::cookie::time::Duration;
use tower_sessions::cookie::SameSite;
use tower_sessions::session_store::ExpiredDeletion;
use tower_sessions::{Expiry, Session, SessionManagerLayer};

use crate::error_catalog::ErrorCode;
use crate::server::accounts::users::{self, UserRow};
use crate::server::api_error::ApiError;
use crate::server::clock::now_unix_ms;
use crate::server::db::Database;
use store::DatabaseSessionStore;

pub const COOKIE_NAME: &str = "investment_session";
/// A session not used for this long is over.
const IDLE_DAYS: i64 = 7;
const CLEANUP_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);
const AUTH_KEY: &str = "auth";

/// What a signed-in session holds.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct SessionAuth {
    user_id: String,
    signed_in_ms: i64,
}

pub fn layer(
    db: &Database,
    production: bool,
    secret_key: &secrecy::SecretString,
) -> SessionManagerLayer<DatabaseSessionStore, tower_sessions::service::SignedCookie> {
    use secrecy::ExposeSecret;
    let key = crate::server::crypto::keys::session_cookie_key(secret_key.expose_secret());
    SessionManagerLayer::new(db.sessions().clone())
        .with_signed(key)
        .with_name(COOKIE_NAME)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(production)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(Duration::days(IDLE_DAYS)))
}

/// Deletes expired sessions every hour, for as long as the server runs.
pub fn spawn_cleanup(db: &Database) -> tokio::task::JoinHandle<()> {
    let store = db.sessions().clone();
    tokio::spawn(async move {
        if let Err(e) = store.continuously_delete_expired(CLEANUP_EVERY).await {
            tracing::warn!(error = %e, "expired-session cleanup stopped");
        }
    })
}

fn store_failed(error: tower_sessions::session::Error) -> ApiError {
    tracing::warn!(error = %error, "session store unavailable");
    ApiError::new(ErrorCode::DatabaseError)
}

/// Signs `user_id` in: a fresh session id (no fixation), then who and when.
pub async fn sign_in(session: &Session, user_id: &str) -> Result<(), ApiError> {
    session.cycle_id().await.map_err(store_failed)?;
    stamp(session, user_id, now_unix_ms()).await
}

/// Keeps this session valid after its own password change moved the mark to `at_ms`.
pub async fn stamp(session: &Session, user_id: &str, at_ms: i64) -> Result<(), ApiError> {
    let auth = SessionAuth {
        user_id: user_id.to_string(),
        signed_in_ms: at_ms,
    };
    session.insert(AUTH_KEY, auth).await.map_err(store_failed)
}

/// Deletes the session from the store and expires its cookie.
pub async fn sign_out(session: &Session) -> Result<(), ApiError> {
    session.flush().await.map_err(store_failed)
}

/// The signed-in user, if the session still stands; a session that no longer
/// does (password changed elsewhere, account deactivated or gone) is deleted.
pub async fn user(session: &Session, db: &Database) -> Result<Option<UserRow>, ApiError> {
    let Some(auth) = session
        .get::<SessionAuth>(AUTH_KEY)
        .await
        .map_err(store_failed)?
    else {
        return Ok(None);
    };
    let user = users::find_by_id(db, &auth.user_id).await?;
    match user {
        Some(user)
            if user.disabled_at.is_none() && auth.signed_in_ms >= user.sessions_valid_from_ms =>
        {
            Ok(Some(user))
        }
        _ => {
            sign_out(session).await?;
            Ok(None)
        }
    }
}
