//! Who is calling, as far as the audit log and the limiter care: client IP and user agent.

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::USER_AGENT;
use axum::http::request::Parts;
use axum::http::Extensions;

use super::client_ip::ClientIp;

const MAX_USER_AGENT: usize = 256;

#[derive(Clone, Debug, Default)]
pub struct RequestMeta {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// The client's address: resolved through TRUSTED_PROXIES by the `ClientAddress` step,
/// else the socket peer.
pub fn client_addr(extensions: &Extensions) -> Option<IpAddr> {
    match extensions.get::<ClientIp>() {
        Some(ClientIp(ip)) => Some(*ip),
        None => extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip()),
    }
}

impl RequestMeta {
    /// The client's per-address bucket (IPv6: its /64) for limits and lockout.
    pub fn address_bucket(&self) -> String {
        super::client_ip::bucket_or_unknown(self.ip.as_deref().and_then(|ip| ip.parse().ok()))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for RequestMeta {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let ip = client_addr(&parts.extensions).map(|ip| ip.to_string());
        let user_agent = parts
            .headers
            .get(USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|ua| ua.chars().take(MAX_USER_AGENT).collect());
        Ok(RequestMeta { ip, user_agent })
    }
}
