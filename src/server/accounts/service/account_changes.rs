//! Changes to an account after sign-up: a new password (ending every session), and
//! an administrator's tier change or (de)activation. Each is announced on the event bus.

use serde_json::json;

use super::{profile, weak_password, AccountDeps};

use crate::domain::email::Email;
use crate::domain::password_policy::{self};
use crate::domain::tier::Tier;
use crate::error_catalog::ErrorCode;
use crate::server::accounts::audit::{self, AuditEvent};
use crate::server::accounts::refresh_tokens;
use crate::server::accounts::users::{self};
use crate::server::api_error::ApiError;
use crate::server::auth::password;
use crate::server::clock::{now_unix, now_unix_ms};
use crate::server::events::{Event, UserChange};
use crate::server::request_meta::RequestMeta;
use crate::wire::accounts::UserProfile;

/// Changes the caller's password and ends all their sessions: refresh-token families
/// and browser sessions signed in before the returned instant (Unix ms).
pub async fn change_password(
    deps: &AccountDeps,
    user_id: &str,
    current: String,
    new: String,
    meta: &RequestMeta,
) -> Result<i64, ApiError> {
    let user = users::find_by_id(&deps.db, user_id)
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
    let mut tx = deps.db.begin().await?;
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
    deps.events.publish(Event::UserChanged {
        user_id: user_id.to_string(),
        change: UserChange::PasswordChanged,
    });
    Ok(now_ms)
}

/// An administrator changes a user's tier and/or deactivates or reactivates them.
pub async fn update_user(
    deps: &AccountDeps,
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
    let user = users::find_by_id(&deps.db, user_id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::UserNotFound))?;
    let now = now_unix();
    let mut changes = Vec::new();
    let mut tx = deps.db.begin().await?;
    if let Some(tier) = tier.filter(|t| *t != user.tier) {
        changes.push(UserChange::Tier {
            from: user.tier,
            to: tier,
        });
        users::set_tier(&mut *tx, user_id, tier, now).await?;
        let details = json!({ "from": user.tier.as_str(), "to": tier.as_str(), "by": admin_id });
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
        let (event, change) = if disabled {
            (AuditEvent::AccountDisabled, UserChange::Deactivated)
        } else {
            (AuditEvent::AccountEnabled, UserChange::Reactivated)
        };
        changes.push(change);
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
    for change in changes {
        deps.events.publish(Event::UserChanged {
            user_id: user_id.to_string(),
            change,
        });
    }
    let updated = users::find_by_id(&deps.db, user_id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::UserNotFound))?;
    Ok(profile(&updated))
}
