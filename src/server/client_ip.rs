//! The client's address. Behind a reverse proxy or load balancer the socket peer is
//! the proxy; when the peer is one of `TRUSTED_PROXIES`, the client is the nearest
//! address in `X-Forwarded-For` that is not itself a trusted proxy. Headers from
//! anyone else are ignored, so a client cannot choose its own rate-limit bucket.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;

use super::app_state::AppState;

const FORWARDED_FOR: &str = "x-forwarded-for";

/// The resolved client address, stored in the request's extensions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

/// Resolves the client once per request, before anything counts or logs it.
pub async fn resolve(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    if let Some(ConnectInfo(peer)) = request.extensions().get::<ConnectInfo<SocketAddr>>() {
        let ip = client_ip(peer.ip(), request.headers(), &state.config.trusted_proxies);
        request.extensions_mut().insert(ClientIp(ip));
    }
    next.run(request).await
}

/// `peer` itself unless it is trusted; then the rightmost untrusted forwarded address.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all(FORWARDED_FOR)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map_while(|part| part.trim().parse::<IpAddr>().ok())
        .collect();
    forwarded
        .iter()
        .rev()
        .find(|ip| !trusted.contains(ip))
        .or(forwarded.first())
        .copied()
        .unwrap_or(peer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn forwarded(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(FORWARDED_FOR, value.parse().unwrap());
        headers
    }

    #[test]
    fn untrusted_peers_cannot_choose_their_address() {
        let headers = forwarded("203.0.113.9");
        assert_eq!(
            client_ip(ip("198.51.100.7"), &headers, &[]),
            ip("198.51.100.7")
        );
        assert_eq!(
            client_ip(ip("198.51.100.7"), &headers, &[ip("10.0.0.1")]),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn a_trusted_proxy_forwards_the_nearest_untrusted_address() {
        let trusted = [ip("10.0.0.1"), ip("10.0.0.2")];
        // The client spoofed the first entry; our two proxies appended the rest.
        let headers = forwarded("1.2.3.4, 203.0.113.9, 10.0.0.2");
        assert_eq!(
            client_ip(ip("10.0.0.1"), &headers, &trusted),
            ip("203.0.113.9")
        );
        // Nothing forwarded: the proxy itself.
        assert_eq!(
            client_ip(ip("10.0.0.1"), &HeaderMap::new(), &trusted),
            ip("10.0.0.1")
        );
        // Garbage stops the walk; IPv6 works.
        assert_eq!(
            client_ip(ip("10.0.0.1"), &forwarded("2001:db8::1"), &trusted),
            ip("2001:db8::1")
        );
        assert_eq!(
            client_ip(ip("10.0.0.1"), &forwarded("not-an-ip"), &trusted),
            ip("10.0.0.1")
        );
    }
}
