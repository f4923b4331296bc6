//! Account operations: register, log in (with lockout), rotate and revoke refresh
//! tokens, manage API keys. REST handlers and server functions both call these.

use std::sync::Arc;

use serde_json::json;

use crate::server::auth::AuthKeys;
use crate::server::events::EventBus;
use crate::server::rate_limit::RateLimiter;

use super::audit::{self, AuditEvent};
use super::users::{self, UserRow};
use crate::domain::email::Email;
use crate::domain::error::DomainError;
use crate::domain::password_policy::{self, PasswordRule};
use crate::error_catalog::ErrorCode;
use crate::server::api_error::ApiError;
use crate::server::auth::password;
use crate::server::clock::{day_start_ms, now_unix, now_unix_ms, unix_to_rfc3339};
use crate::server::db::Database;
use crate::server::rate_limit::user_subject;
use crate::server::request_meta::RequestMeta;
use crate::wire::accounts::{Me, Usage, UserProfile};

/// What the account services use: the database, the token keys, the limiter (for
/// `/me`'s usage) and the event bus they announce account changes on.
#[derive(Clone)]
pub struct AccountDeps {
    pub db: Database,
    pub auth: Arc<AuthKeys>,
    pub limiter: Arc<RateLimiter>,
    pub events: EventBus,
}

mod account_changes;
mod key_management;
mod sign_in;

pub use account_changes::{change_password, update_user};
pub use key_management::{create_api_key, revoke_api_key};
pub use sign_in::*;

pub fn profile(user: &UserRow) -> UserProfile {
    UserProfile {
        id: user.id.clone(),
        email: user.email.clone(),
        tier: user.tier.as_str().to_string(),
        role: user.role.as_str().to_string(),
        is_active: user.disabled_at.is_none(),
        created_at: unix_to_rfc3339(user.created_at),
    }
}

pub async fn me(deps: &AccountDeps, user: &UserRow) -> Result<Me, ApiError> {
    let (requests_this_minute, requests_today) = deps.limiter.usage(&user_subject(&user.id)).await;
    let today = day_start_ms(now_unix_ms());
    let signals_today =
        crate::server::signals::store::count_since(deps.db.pool(), &user.id, today).await?;
    Ok(Me {
        user: profile(user),
        limits: user.tier.limits(),
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
    DomainError::WeakPassword(failed.to_vec()).into()
}
