//! `ALLOWED_HOSTS`, enforced in production: a request for another host (DNS
//! rebinding, host-header poisoning) gets 400 `INVALID_HOST`.

use axum::extract::Request;
use axum::http::header::HOST;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::error_catalog::ErrorCode;
use crate::server::api_error::ApiError;
use std::sync::Arc;

use crate::server::config::Config;
use crate::server::step::Step;

/// Whether `host` (a Host header, maybe with a port) is one of `allowed`
/// (entries are `name` for any port, or `name:port`).
pub fn is_allowed(host: &str, allowed: &[String]) -> bool {
    let host = host.trim().to_ascii_lowercase();
    let name = without_port(&host);
    allowed.iter().any(|entry| {
        let entry = entry.to_ascii_lowercase();
        entry == host || entry == name
    })
}

/// `example.com:443` → `example.com`, `[::1]:3000` → `[::1]`.
fn without_port(host: &str) -> &str {
    if host.starts_with('[') {
        return match host.find(']') {
            Some(end) => &host[..=end],
            None => host,
        };
    }
    match host.rsplit_once(':') {
        Some((name, port)) if !port.is_empty() && port.chars().all(|c| c.is_ascii_digit()) => name,
        _ => host,
    }
}

/// Refuses requests for hosts not in `ALLOWED_HOSTS` (staging and production only).
pub struct HostCheck(pub Arc<Config>);

impl Step for HostCheck {
    type Carry = ();

    fn before(&self, request: &mut Request) -> Result<(), Response> {
        refusal(&self.0, request).map_or(Ok(()), Err)
    }

    fn after(&self, _: (), _: &mut Response) {}
}

fn refusal(config: &Config, request: &Request) -> Option<Response> {
    // Liveness probes come by IP address; they reveal nothing.
    if !config.environment.is_strict() || request.uri().path() == "/healthz" {
        return None;
    }
    let host = request
        .headers()
        .get(HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| request.uri().authority().map(|a| a.to_string()))
        .unwrap_or_default();
    if is_allowed(&host, &config.allowed_hosts) {
        return None;
    }
    Some(
        ApiError::new(ErrorCode::InvalidHost)
            .with_details(json!({ "host": host.chars().take(255).collect::<String>() }))
            .into_response(),
    )
}

#[cfg(test)]
mod tests {
    use super::is_allowed;

    fn allowed() -> Vec<String> {
        vec![
            "app.example.com".into(),
            "127.0.0.1:8080".into(),
            "[::1]".into(),
        ]
    }

    #[test]
    fn accepts_listed_names_with_any_port_or_the_exact_pair() {
        assert!(is_allowed("app.example.com", &allowed()));
        assert!(is_allowed("APP.example.com:443", &allowed()));
        assert!(is_allowed("127.0.0.1:8080", &allowed()));
        assert!(is_allowed("[::1]:3000", &allowed()));
    }

    #[test]
    fn refuses_everything_else() {
        assert!(!is_allowed("evil.example.com", &allowed()));
        assert!(!is_allowed("app.example.com.evil.net", &allowed()));
        assert!(!is_allowed("127.0.0.1:9090", &allowed()));
        assert!(!is_allowed("", &allowed()));
    }
}
