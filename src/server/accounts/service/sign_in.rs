//! Signing in and out: passwords checked with lockout per address and per email,
//! refresh-token rotation with reuse detection, and logging out.

use serde_json::json;

use super::AccountDeps;

use crate::domain::email::Email;
use crate::error_catalog::ErrorCode;
use crate::server::accounts::audit::{self, AuditEvent};
use crate::server::accounts::users::{self, UserRow};
use crate::server::accounts::{login_failures, refresh_tokens};
use crate::server::api_error::ApiError;
use crate::server::auth::jwt::ACCESS_TOKEN_TTL_SECS;
use crate::server::auth::password;
use crate::server::clock::{now_unix, now_unix_ms, unix_to_rfc3339};
use crate::server::request_meta::RequestMeta;
use crate::wire::accounts::TokenPair;

/// Failed logins from one address before that address is locked out of the email.
pub const MAX_FAILED_LOGINS: i64 = 5;

pub const LOCKOUT_SECS: i64 = 15 * 60;

fn locked(until: i64) -> ApiError {
    ApiError::new(ErrorCode::AccountLocked)
        .with_details(json!({ "locked_until": unix_to_rfc3339(until) }))
}

/// Logs in for API use: checks the credentials, then issues an access token and
/// a refresh token of a new family.
pub async fn login(
    deps: &AccountDeps,
    email: &str,
    password_text: String,
    meta: &RequestMeta,
) -> Result<TokenPair, ApiError> {
    let user = authenticate(deps, email, password_text, meta).await?;
    let now = now_unix();
    let family = uuid::Uuid::new_v4().to_string();
    let mut tx = deps.db.begin().await?;
    let refresh_token = refresh_tokens::issue(&mut *tx, &user.id, &family, now).await?;
    audit::record(
        &mut *tx,
        Some(&user.id),
        AuditEvent::LoginSuccess,
        meta,
        json!({ "method": "password" }),
    )
    .await?;
    tx.commit().await?;
    token_pair(deps, &user, refresh_token)
}

/// Logs in for the dashboard: checks the credentials; the caller opens the session.
pub async fn login_for_session(
    deps: &AccountDeps,
    email: &str,
    password_text: String,
    meta: &RequestMeta,
) -> Result<UserRow, ApiError> {
    let user = authenticate(deps, email, password_text, meta).await?;
    audit::record(
        deps.db.pool(),
        Some(&user.id),
        AuditEvent::LoginSuccess,
        meta,
        json!({ "method": "session" }),
    )
    .await?;
    Ok(user)
}

/// Checks an email and password, counting failures towards the lockout.
///
/// Failures are counted per (email, client address): five from one address lock that
/// email from that address for 15 minutes, so a stranger's guesses do not lock the
/// owner out at home. Fifty from anywhere within the window lock the email everywhere
/// but the addresses its owner has signed in from before. Unknown emails are counted
/// and locked alike, and both get the same answers after the same work. The lock is
/// read again after the (slow) password check, inside the transaction that records
/// the outcome, so parallel guesses cannot slip a right password past a fresh lock.
async fn authenticate(
    deps: &AccountDeps,
    email: &str,
    password_text: String,
    meta: &RequestMeta,
) -> Result<UserRow, ApiError> {
    let now = now_unix();
    let parsed = Email::parse(email).ok();
    let email_key = login_key(email, parsed.as_ref());
    let address = meta.address_bucket();
    let user = match &parsed {
        Some(email) => users::find_by_email(&deps.db, email.as_str()).await?,
        None => None,
    };
    // Asked for unknown emails too (never true there), so both take the same work.
    let usual = login_failures::is_usual_address(
        &deps.db,
        user.as_ref().map_or("", |u| u.id.as_str()),
        meta.ip.as_deref().unwrap_or_default(),
        now - USUAL_ADDRESS_SECS,
    )
    .await?;
    let locks = login_failures::locks(deps.db.pool(), &email_key, &address, now).await?;
    if let Some(until) = lock_in_force(locks, usual) {
        return Err(locked(until));
    }
    let hash = user
        .as_ref()
        .map_or_else(|| deps.auth.dummy_hash.clone(), |u| u.password_hash.clone());
    let password_matches = password::verify(password_text, hash).await? && user.is_some();

    let mut tx = deps.db.begin().await?;
    let locks = login_failures::locks_for_update(&mut tx, &email_key, &address, now).await?;
    if let Some(until) = lock_in_force(locks, usual) {
        tx.commit().await?;
        return Err(locked(until));
    }
    let user_id = user.as_ref().map(|u| u.id.clone());
    let Some(user) = user.filter(|_| password_matches) else {
        let reason = if user_id.is_some() {
            "wrong_password"
        } else {
            "unknown_email"
        };
        let outcome = count_failure(&mut tx, &email_key, &address, now).await?;
        let event = match outcome {
            Some(_) => AuditEvent::AccountLocked,
            None => AuditEvent::LoginFailure,
        };
        let details = match outcome {
            Some(until) => json!({ "reason": reason, "locked_until": unix_to_rfc3339(until) }),
            None => json!({ "reason": reason }),
        };
        audit::record(&mut *tx, user_id.as_deref(), event, meta, details).await?;
        tx.commit().await?;
        return Err(outcome.map_or_else(|| ApiError::new(ErrorCode::InvalidCredentials), locked));
    };
    if user.disabled_at.is_some() {
        tx.commit().await?;
        return Err(ApiError::new(ErrorCode::AccountDisabled));
    }
    login_failures::clear(&mut tx, &email_key, &address).await?;
    tx.commit().await?;
    Ok(user)
}

/// Failed logins from all addresses together before the email is locked everywhere
/// but its owner's usual addresses.
pub const MAX_FAILED_LOGINS_PER_EMAIL: i64 = 50;

/// An address the owner signed in from within this many seconds is a usual one.
const USUAL_ADDRESS_SECS: i64 = 90 * 24 * 3600;

/// The lockout key of a typed email: its normalised form, or the raw text trimmed
/// and lower-cased when it does not parse (it still cannot be guessed forever).
fn login_key(typed: &str, parsed: Option<&Email>) -> String {
    parsed.map_or_else(
        || typed.trim().to_lowercase().chars().take(320).collect(),
        |e| e.as_str().to_string(),
    )
}

/// The end of the lock that applies to this attempt, if any. The email-wide lock
/// spares the owner's usual addresses.
fn lock_in_force(locks: login_failures::Locks, usual_address: bool) -> Option<i64> {
    locks.address.or(locks.email.filter(|_| !usual_address))
}

/// Counts a failure from this address and overall; returns the lock it set, if any.
async fn count_failure(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    email: &str,
    address: &str,
    now: i64,
) -> Result<Option<i64>, ApiError> {
    let until = now + LOCKOUT_SECS;
    let mut locked = None;
    for (key, threshold) in [
        (address, MAX_FAILED_LOGINS),
        (login_failures::EVERY_ADDRESS, MAX_FAILED_LOGINS_PER_EMAIL),
    ] {
        let failures = login_failures::count_failure(tx, email, key, now, LOCKOUT_SECS).await?;
        if failures >= threshold {
            login_failures::lock(tx, email, key, until).await?;
            locked = Some(until);
        }
    }
    Ok(locked)
}

fn token_pair(
    deps: &AccountDeps,
    user: &UserRow,
    refresh_token: String,
) -> Result<TokenPair, ApiError> {
    let access_token = deps
        .auth
        .jwt
        .issue(&user.id, user.tier.as_str(), now_unix_ms())
        .map_err(|e| ApiError::internal("signing the access token failed", e))?;
    Ok(TokenPair {
        access_token,
        refresh_token,
        token_type: "bearer".to_string(),
        expires_in: ACCESS_TOKEN_TTL_SECS,
    })
}

/// Rotates a refresh token. Presenting one that was already rotated revokes its whole family.
pub async fn refresh(
    deps: &AccountDeps,
    presented: &str,
    meta: &RequestMeta,
) -> Result<TokenPair, ApiError> {
    let now = now_unix();
    let Some(token) = refresh_tokens::find(&deps.db, presented).await? else {
        return Err(ApiError::new(ErrorCode::RefreshTokenInvalid));
    };
    if token.used_at.is_some() {
        return Err(reuse_detected(deps, &token.user_id, &token.family_id, meta, now).await);
    }
    if token.revoked_at.is_some() {
        return Err(ApiError::new(ErrorCode::RefreshTokenInvalid));
    }
    if token.expires_at <= now {
        return Err(ApiError::new(ErrorCode::RefreshTokenExpired));
    }
    let user = users::find_by_id(&deps.db, &token.user_id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::RefreshTokenInvalid))?;
    if user.disabled_at.is_some() {
        return Err(ApiError::new(ErrorCode::AccountDisabled));
    }

    let mut tx = deps.db.begin().await?;
    if !refresh_tokens::mark_used(&mut *tx, &token.id, now).await? {
        tx.rollback().await?;
        // Another request rotated it between our read and this write: the same token twice.
        return Err(reuse_detected(deps, &token.user_id, &token.family_id, meta, now).await);
    }
    let next = refresh_tokens::issue(&mut *tx, &user.id, &token.family_id, now).await?;
    tx.commit().await?;
    token_pair(deps, &user, next)
}

async fn reuse_detected(
    deps: &AccountDeps,
    user_id: &str,
    family: &str,
    meta: &RequestMeta,
    now: i64,
) -> ApiError {
    let revoked = async {
        refresh_tokens::revoke_family(&deps.db, family, now).await?;
        audit::record(
            deps.db.pool(),
            Some(user_id),
            AuditEvent::RefreshTokenReused,
            meta,
            json!({ "family": family }),
        )
        .await
    };
    match revoked.await {
        Ok(()) => ApiError::new(ErrorCode::RefreshTokenReused),
        Err(e) => ApiError::from(e),
    }
}

/// Revokes the token's family. Unknown tokens are ignored: logging out twice is fine.
pub async fn logout(
    deps: &AccountDeps,
    presented: &str,
    meta: &RequestMeta,
) -> Result<(), ApiError> {
    if let Some(token) = refresh_tokens::find(&deps.db, presented).await? {
        let now = now_unix();
        refresh_tokens::revoke_family(&deps.db, &token.family_id, now).await?;
        audit::record(
            deps.db.pool(),
            Some(&token.user_id),
            AuditEvent::Logout,
            meta,
            json!({}),
        )
        .await?;
    }
    Ok(())
}

/// Records a dashboard logout (the caller deletes the session).
pub async fn record_session_logout(
    deps: &AccountDeps,
    user_id: &str,
    meta: &RequestMeta,
) -> Result<(), ApiError> {
    audit::record(
        deps.db.pool(),
        Some(user_id),
        AuditEvent::Logout,
        meta,
        json!({ "method": "session" }),
    )
    .await?;
    Ok(())
}
