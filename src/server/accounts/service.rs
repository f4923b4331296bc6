//! Account operations: register, log in (with lockout), rotate and revoke refresh
//! tokens, manage API keys. REST handlers and server functions both call these.

use serde_json::json;

use super::audit::{self, AuditEvent};
use super::users::{self, UserRow};
use super::{api_keys, login_failures, refresh_tokens};
use crate::domain::email::Email;
use crate::domain::password_policy::{self, PasswordRule};
use crate::domain::tier::Tier;
use crate::error_catalog::ErrorCode;
use crate::server::api_error::ApiError;
use crate::server::app_state::AppState;
use crate::server::auth::jwt::ACCESS_TOKEN_TTL_SECS;
use crate::server::auth::password;
use crate::server::clock::{day_start_ms, now_unix, now_unix_ms, unix_to_rfc3339};
use crate::server::db::Database;
use crate::server::rate_limit::user_subject;
use crate::server::request_meta::RequestMeta;
use crate::wire::accounts::{CreatedApiKey, Me, TokenPair, Usage, UserProfile};

/// Failed logins from one address before that address is locked out of the email.
pub const MAX_FAILED_LOGINS: i64 = 5;
pub const LOCKOUT_SECS: i64 = 15 * 60;

pub fn profile(user: &UserRow) -> UserProfile {
    UserProfile {
        id: user.id.clone(),
        email: user.email.clone(),
        tier: user.tier.clone(),
        role: user.role.clone(),
        is_active: user.disabled_at.is_none(),
        created_at: unix_to_rfc3339(user.created_at),
    }
}

pub async fn me(state: &AppState, user: &UserRow) -> Result<Me, ApiError> {
    let (requests_this_minute, requests_today) = state.limiter.usage(&user_subject(&user.id)).await;
    let today = day_start_ms(now_unix_ms());
    let signals_today =
        crate::server::signals::store::count_since(state.db.pool(), &user.id, today).await?;
    Ok(Me {
        user: profile(user),
        limits: Tier::parse(&user.tier).unwrap_or_default().limits(),
        usage: Usage {
            requests_this_minute,
            requests_today,
            signals_today: signals_today.max(0) as u64,
        },
    })
}

/// Who becomes an administrator by registering.
#[derive(Clone, Copy, Debug, Default)]
pub struct AdminRule<'a> {
    /// The installation's first account (development only: elsewhere administrators
    /// are made with `investment-system admin grant EMAIL`).
    pub first_account: bool,
    /// `ADMIN_EMAILS`, normalised.
    pub emails: &'a [String],
}

impl AdminRule<'_> {
    pub fn of(config: &crate::server::config::Config) -> AdminRule<'_> {
        AdminRule {
            first_account: !config.environment.is_strict(),
            emails: &config.admin_emails,
        }
    }
}

pub async fn register(
    db: &Database,
    email: &str,
    password_text: String,
    meta: &RequestMeta,
    admins: AdminRule<'_>,
) -> Result<UserProfile, ApiError> {
    let email = Email::parse(email).map_err(|reason| {
        ApiError::new(ErrorCode::InvalidEmail)
            .with_details(json!({ "fields": { "email": reason } }))
    })?;
    let failed = password_policy::failed_rules(&password_text, &email);
    if !failed.is_empty() {
        return Err(weak_password(&failed));
    }
    let hash = password::hash(password_text).await?;
    let id = uuid::Uuid::new_v4().to_string();
    let now = now_unix();

    let named_admin = admins.emails.iter().any(|e| e == email.as_str());
    let mut tx = db.begin().await?;
    if admins.first_account {
        // Two first registrations at once must not both see an empty table.
        users::serialise_first_account(&mut tx, db.backend()).await?;
    }
    let new_user = users::NewUser {
        id: &id,
        email: email.as_str(),
        password_hash: &hash,
        named_admin,
        first_account_is_admin: admins.first_account,
    };
    match users::insert(&mut *tx, &new_user, now).await {
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            return Err(ApiError::new(ErrorCode::EmailAlreadyExists));
        }
        other => other?,
    }
    audit::record(&mut *tx, Some(&id), AuditEvent::Registered, meta, json!({})).await?;
    tx.commit().await?;

    let user = users::find_by_id(db, &id)
        .await?
        .ok_or_else(|| ApiError::internal("registered user vanished", &id))?;
    Ok(profile(&user))
}

fn weak_password(failed: &[PasswordRule]) -> ApiError {
    let rules: Vec<_> = failed
        .iter()
        .map(|rule| json!({ "rule": rule, "message": rule.description() }))
        .collect();
    ApiError::new(ErrorCode::WeakPassword).with_details(json!({ "failed_rules": rules }))
}

fn locked(until: i64) -> ApiError {
    ApiError::new(ErrorCode::AccountLocked)
        .with_details(json!({ "locked_until": unix_to_rfc3339(until) }))
}

/// Logs in for API use: checks the credentials, then issues an access token and
/// a refresh token of a new family.
pub async fn login(
    state: &AppState,
    email: &str,
    password_text: String,
    meta: &RequestMeta,
) -> Result<TokenPair, ApiError> {
    let user = authenticate(state, email, password_text, meta).await?;
    let now = now_unix();
    let family = uuid::Uuid::new_v4().to_string();
    let mut tx = state.db.begin().await?;
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
    token_pair(state, &user, refresh_token)
}

/// Logs in for the dashboard: checks the credentials; the caller opens the session.
pub async fn login_for_session(
    state: &AppState,
    email: &str,
    password_text: String,
    meta: &RequestMeta,
) -> Result<UserRow, ApiError> {
    let user = authenticate(state, email, password_text, meta).await?;
    audit::record(
        state.db.pool(),
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
    state: &AppState,
    email: &str,
    password_text: String,
    meta: &RequestMeta,
) -> Result<UserRow, ApiError> {
    let now = now_unix();
    let parsed = Email::parse(email).ok();
    let email_key = login_key(email, parsed.as_ref());
    let address = meta.address_bucket();
    let user = match &parsed {
        Some(email) => users::find_by_email(&state.db, email.as_str()).await?,
        None => None,
    };
    // Asked for unknown emails too (never true there), so both take the same work.
    let usual = login_failures::is_usual_address(
        &state.db,
        user.as_ref().map_or("", |u| u.id.as_str()),
        meta.ip.as_deref().unwrap_or_default(),
        now - USUAL_ADDRESS_SECS,
    )
    .await?;
    let locks = login_failures::locks(state.db.pool(), &email_key, &address, now).await?;
    if let Some(until) = lock_in_force(locks, usual) {
        return Err(locked(until));
    }
    let hash = user.as_ref().map_or_else(
        || state.auth.dummy_hash.clone(),
        |u| u.password_hash.clone(),
    );
    let password_matches = password::verify(password_text, hash).await? && user.is_some();

    let mut tx = state.db.begin().await?;
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
    state: &AppState,
    user: &UserRow,
    refresh_token: String,
) -> Result<TokenPair, ApiError> {
    let access_token = state
        .auth
        .jwt
        .issue(&user.id, &user.tier, now_unix_ms())
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
    state: &AppState,
    presented: &str,
    meta: &RequestMeta,
) -> Result<TokenPair, ApiError> {
    let now = now_unix();
    let Some(token) = refresh_tokens::find(&state.db, presented).await? else {
        return Err(ApiError::new(ErrorCode::RefreshTokenInvalid));
    };
    if token.used_at.is_some() {
        return Err(reuse_detected(state, &token.user_id, &token.family_id, meta, now).await);
    }
    if token.revoked_at.is_some() {
        return Err(ApiError::new(ErrorCode::RefreshTokenInvalid));
    }
    if token.expires_at <= now {
        return Err(ApiError::new(ErrorCode::RefreshTokenExpired));
    }
    let user = users::find_by_id(&state.db, &token.user_id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::RefreshTokenInvalid))?;
    if user.disabled_at.is_some() {
        return Err(ApiError::new(ErrorCode::AccountDisabled));
    }

    let mut tx = state.db.begin().await?;
    if !refresh_tokens::mark_used(&mut *tx, &token.id, now).await? {
        tx.rollback().await?;
        // Another request rotated it between our read and this write: the same token twice.
        return Err(reuse_detected(state, &token.user_id, &token.family_id, meta, now).await);
    }
    let next = refresh_tokens::issue(&mut *tx, &user.id, &token.family_id, now).await?;
    tx.commit().await?;
    token_pair(state, &user, next)
}

async fn reuse_detected(
    state: &AppState,
    user_id: &str,
    family: &str,
    meta: &RequestMeta,
    now: i64,
) -> ApiError {
    let revoked = async {
        refresh_tokens::revoke_family(&state.db, family, now).await?;
        audit::record(
            state.db.pool(),
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
pub async fn logout(state: &AppState, presented: &str, meta: &RequestMeta) -> Result<(), ApiError> {
    if let Some(token) = refresh_tokens::find(&state.db, presented).await? {
        let now = now_unix();
        refresh_tokens::revoke_family(&state.db, &token.family_id, now).await?;
        audit::record(
            state.db.pool(),
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
    state: &AppState,
    user_id: &str,
    meta: &RequestMeta,
) -> Result<(), ApiError> {
    audit::record(
        state.db.pool(),
        Some(user_id),
        AuditEvent::Logout,
        meta,
        json!({ "method": "session" }),
    )
    .await?;
    Ok(())
}

/// Creates an API key, within the tier's number of live keys (checked and taken under
/// the user's lock, so parallel requests cannot pass the cap together).
pub async fn create_api_key(
    state: &AppState,
    user: &crate::server::auth::current_user::CurrentUser,
    name: &str,
    meta: &RequestMeta,
) -> Result<CreatedApiKey, ApiError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > api_keys::MAX_NAME_LEN {
        return Err(ApiError::invalid_field(
            "name",
            "must be 1 to 100 characters",
        ));
    }
    let limit = user.tier.limits().api_keys;
    let mut tx = state.db.begin().await?;
    users::lock_for_limits(&mut tx, &user.id).await?;
    let live = api_keys::count_active(&mut tx, &user.id).await?;
    if live >= i64::from(limit) {
        return Err(ApiError::new(ErrorCode::ApiKeyLimit)
            .with_details(json!({ "limit": limit, "used": live, "tier": user.tier.as_str() })));
    }
    let created = api_keys::create(&mut tx, &user.id, name).await?;
    audit::record(
        &mut *tx,
        Some(&user.id),
        AuditEvent::ApiKeyCreated,
        meta,
        json!({ "api_key_id": created.id }),
    )
    .await?;
    tx.commit().await?;
    Ok(created)
}

pub async fn revoke_api_key(
    state: &AppState,
    user_id: &str,
    id: &str,
    meta: &RequestMeta,
) -> Result<(), ApiError> {
    if !api_keys::revoke(&state.db, user_id, id).await? {
        return Err(ApiError::new(ErrorCode::ApiKeyNotFound));
    }
    audit::record(
        state.db.pool(),
        Some(user_id),
        AuditEvent::ApiKeyRevoked,
        meta,
        json!({ "api_key_id": id }),
    )
    .await?;
    Ok(())
}

/// Changes the caller's password and ends all their sessions: refresh-token families
/// and browser sessions signed in before the returned instant (Unix ms).
pub async fn change_password(
    state: &AppState,
    user_id: &str,
    current: String,
    new: String,
    meta: &RequestMeta,
) -> Result<i64, ApiError> {
    let user = users::find_by_id(&state.db, user_id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::UserNotFound))?;
    if !password::verify(current.clone(), user.password_hash.clone()).await? {
        return Err(ApiError::new(ErrorCode::WrongCurrentPassword));
    }
    if new == current {
        return Err(ApiError::new(ErrorCode::PasswordUnchanged));
    }
    let email = Email::parse(&user.email)
        .map_err(|reason| ApiError::internal("stored email no longer parses", reason))?;
    let failed = password_policy::failed_rules(&new, &email);
    if !failed.is_empty() {
        return Err(weak_password(&failed));
    }
    let hash = password::hash(new).await?;
    let now_ms = now_unix_ms();
    let now = now_ms / 1000;
    let mut tx = state.db.begin().await?;
    users::set_password_hash(&mut *tx, user_id, &hash, now_ms).await?;
    refresh_tokens::revoke_all_for_user(&mut *tx, user_id, now).await?;
    audit::record(
        &mut *tx,
        Some(user_id),
        AuditEvent::PasswordChanged,
        meta,
        json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(now_ms)
}

/// An administrator changes a user's tier and/or deactivates or reactivates them.
pub async fn update_user(
    state: &AppState,
    admin_id: &str,
    user_id: &str,
    tier: Option<&str>,
    is_active: Option<bool>,
    meta: &RequestMeta,
) -> Result<UserProfile, ApiError> {
    let tier = tier
        .map(|t| Tier::parse(t).ok_or_else(|| ApiError::new(ErrorCode::InvalidTier)))
        .transpose()?;
    // An administrator locking themself out could leave nobody able to undo it.
    if is_active == Some(false) && user_id == admin_id {
        return Err(ApiError::invalid_field(
            "is_active",
            "administrators cannot deactivate their own account",
        ));
    }
    let user = users::find_by_id(&state.db, user_id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::UserNotFound))?;
    let now = now_unix();
    let mut tx = state.db.begin().await?;
    if let Some(tier) = tier.filter(|t| t.as_str() != user.tier) {
        users::set_tier(&mut *tx, user_id, tier.as_str(), now).await?;
        let details = json!({ "from": user.tier, "to": tier.as_str(), "by": admin_id });
        audit::record(
            &mut *tx,
            Some(user_id),
            AuditEvent::TierChanged,
            meta,
            details,
        )
        .await?;
    }
    let disabled = is_active.map(|active| !active);
    if let Some(disabled) = disabled.filter(|d| *d != user.disabled_at.is_some()) {
        users::set_disabled_at(&mut *tx, user_id, disabled.then_some(now), now).await?;
        if disabled {
            refresh_tokens::revoke_all_for_user(&mut *tx, user_id, now).await?;
            // Reactivation must not bring old access tokens and sessions back.
            users::end_sessions(&mut *tx, user_id, now_unix_ms()).await?;
        }
        let event = if disabled {
            AuditEvent::AccountDisabled
        } else {
            AuditEvent::AccountEnabled
        };
        audit::record(
            &mut *tx,
            Some(user_id),
            event,
            meta,
            json!({ "by": admin_id }),
        )
        .await?;
    }
    tx.commit().await?;
    let updated = users::find_by_id(&state.db, user_id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::UserNotFound))?;
    Ok(profile(&updated))
}
