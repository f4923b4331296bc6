//! Creating and revoking API keys, within the tier's cap, audited.

use serde_json::json;

use super::AccountDeps;

use crate::error_catalog::ErrorCode;
use crate::server::accounts::api_keys;
use crate::server::accounts::audit::{self, AuditEvent};
use crate::server::accounts::users::{self};
use crate::server::api_error::ApiError;
use crate::server::request_meta::RequestMeta;
use crate::wire::accounts::CreatedApiKey;

/// Creates an API key, within the tier's number of live keys (checked and taken under
/// the user's lock, so parallel requests cannot pass the cap together).
pub async fn create_api_key(
    deps: &AccountDeps,
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
    let mut tx = deps.db.begin().await?;
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
    deps: &AccountDeps,
    user_id: &str,
    id: &str,
    meta: &RequestMeta,
) -> Result<(), ApiError> {
    if !api_keys::revoke(&deps.db, user_id, id).await? {
        return Err(ApiError::new(ErrorCode::ApiKeyNotFound));
    }
    audit::record(
        deps.db.pool(),
        Some(user_id),
        AuditEvent::ApiKeyRevoked,
        meta,
        json!({ "api_key_id": id }),
    )
    .await?;
    Ok(())
}
