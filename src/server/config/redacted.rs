//! How the configuration shows itself in logs and `check-config`: every secret
//! replaced, URLs without their password.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};

use super::Config;

/// Hides a URL's password (e.g. `postgres://app:secret@db/x` → `postgres://app:***@db/x`).
pub fn redact_url(value: &str) -> String {
    match url::Url::parse(value) {
        Ok(mut url) if url.password().is_some() => {
            let _ = url.set_password(Some("***"));
            url.to_string()
        }
        Ok(_) => value.to_string(),
        Err(_) => "[unparseable URL]".to_string(),
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redacted = |s: &Option<SecretString>| s.as_ref().map(|_| "[REDACTED]");
        f.debug_struct("Config")
            .field("environment", &self.environment)
            .field("database_url", &redact_url(&self.database_url))
            .field("secret_key", &"[REDACTED]")
            .field("jwt_secret_key", &"[REDACTED]")
            .field("encryption_key", &"[REDACTED]")
            .field(
                "encryption_key_previous",
                &redacted(&self.encryption_key_previous),
            )
            .field(
                "redis_url",
                &self
                    .redis_url
                    .as_ref()
                    .map(|u| redact_url(u.expose_secret())),
            )
            .field(
                "alpha_vantage_api_key",
                &redacted(&self.alpha_vantage_api_key),
            )
            .field("cors_allow_origins", &self.cors_allow_origins)
            .field("allowed_hosts", &self.allowed_hosts)
            .field("log_level", &self.log_level)
            .field("log_format", &self.log_format)
            .field("enable_metrics", &self.enable_metrics)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("admin_emails", &self.admin_emails)
            .field("slow_request", &self.slow_request)
            .field("request_timeout", &self.request_timeout)
            .field("shutdown_grace", &self.shutdown_grace)
            .field("metrics_token", &redacted(&self.metrics_token))
            .field("redis_key_prefix", &self.redis_key_prefix)
            .field(
                "auth_rate_limit_per_minute",
                &self.auth_rate_limit_per_minute,
            )
            .field(
                "session_rate_limit_per_minute",
                &self.session_rate_limit_per_minute,
            )
            .field("market", &self.market)
            .field("data_dir", &self.data_dir)
            .field("sonar_root", &self.sonar_root)
            .finish()
    }
}
