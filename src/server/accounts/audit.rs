//! The audit log: security-relevant events with who, from where, and which request.

use serde_json::Value;
use sqlx::{Any, Executor};

use crate::server::clock::now_unix;
use crate::server::correlation;
use crate::server::db::Database;
use crate::server::request_meta::RequestMeta;
use crate::server::telemetry::counters;
use crate::wire::accounts::AuditEventView;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuditEvent {
    Registered,
    LoginSuccess,
    LoginFailure,
    AccountLocked,
    Logout,
    PasswordChanged,
    ApiKeyCreated,
    ApiKeyRevoked,
    TierChanged,
    AccountDisabled,
    AccountEnabled,
    RefreshTokenReused,
}

impl AuditEvent {
    pub const ALL: [AuditEvent; 12] = [
        AuditEvent::Registered,
        AuditEvent::LoginSuccess,
        AuditEvent::LoginFailure,
        AuditEvent::AccountLocked,
        AuditEvent::Logout,
        AuditEvent::PasswordChanged,
        AuditEvent::ApiKeyCreated,
        AuditEvent::ApiKeyRevoked,
        AuditEvent::TierChanged,
        AuditEvent::AccountDisabled,
        AuditEvent::AccountEnabled,
        AuditEvent::RefreshTokenReused,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditEvent::Registered => "registered",
            AuditEvent::LoginSuccess => "login_success",
            AuditEvent::LoginFailure => "login_failure",
            AuditEvent::AccountLocked => "account_locked",
            AuditEvent::Logout => "logout",
            AuditEvent::PasswordChanged => "password_changed",
            AuditEvent::ApiKeyCreated => "api_key_created",
            AuditEvent::ApiKeyRevoked => "api_key_revoked",
            AuditEvent::TierChanged => "tier_changed",
            AuditEvent::AccountDisabled => "account_disabled",
            AuditEvent::AccountEnabled => "account_enabled",
            AuditEvent::RefreshTokenReused => "refresh_token_reused",
        }
    }

    /// Events an operator should notice: logged at WARN.
    fn is_security_warning(self) -> bool {
        matches!(
            self,
            AuditEvent::LoginFailure | AuditEvent::AccountLocked | AuditEvent::RefreshTokenReused
        )
    }
}

pub async fn record<'e>(
    executor: impl Executor<'e, Database = Any>,
    user_id: Option<&str>,
    event: AuditEvent,
    meta: &RequestMeta,
    details: Value,
) -> Result<(), sqlx::Error> {
    counters::auth_event(event.as_str());
    if event.is_security_warning() {
        tracing::warn!(
            security_event = event.as_str(),
            user_id,
            ip = meta.ip.as_deref(),
            "security event"
        );
    } else {
        tracing::info!(security_event = event.as_str(), user_id, "audit event");
    }
    sqlx::query(
        "INSERT INTO audit_events (id, user_id, event, ip, user_agent, correlation_id, details, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    // Time-ordered (v7) ids keep events of the same second in the order they happened.
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(user_id)
    .bind(event.as_str())
    .bind(meta.ip.as_deref())
    .bind(meta.user_agent.as_deref())
    .bind(correlation::current())
    .bind(details.to_string())
    .bind(now_unix())
    .execute(executor)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct AuditRow {
    id: String,
    user_id: Option<String>,
    event: String,
    ip: Option<String>,
    user_agent: Option<String>,
    correlation_id: Option<String>,
    details: String,
    created_at: i64,
}

const VIEW_COLUMNS: &str =
    "id, user_id, event, ip, user_agent, correlation_id, details, created_at";

/// A user's own events, newest first.
pub async fn for_user(
    db: &Database,
    user_id: &str,
    limit: i64,
) -> Result<Vec<AuditEventView>, sqlx::Error> {
    let rows: Vec<AuditRow> = sqlx::query_as(&format!(
        "SELECT {VIEW_COLUMNS} FROM audit_events WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2"
    ))
    .bind(user_id)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.into_iter().map(view).collect())
}

/// Everyone's events, newest first (administrators only).
pub async fn all(db: &Database, limit: i64) -> Result<Vec<AuditEventView>, sqlx::Error> {
    let rows: Vec<AuditRow> = sqlx::query_as(&format!(
        "SELECT {VIEW_COLUMNS} FROM audit_events ORDER BY created_at DESC, id DESC LIMIT $1"
    ))
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.into_iter().map(view).collect())
}

fn view(row: AuditRow) -> AuditEventView {
    AuditEventView {
        id: row.id,
        user_id: row.user_id,
        event: row.event,
        ip: row.ip,
        user_agent: row.user_agent,
        correlation_id: row.correlation_id,
        details: serde_json::from_str(&row.details).unwrap_or(Value::Null),
        created_at: crate::server::clock::unix_to_rfc3339(row.created_at),
    }
}
