//! The client's address. Behind a reverse proxy or load balancer the socket peer is
//! the proxy; when the peer is one of `TRUSTED_PROXIES`, the client is the nearest
//! address in `X-Forwarded-For` that is not itself a trusted proxy. Headers from
//! anyone else are ignored, so a client cannot choose its own rate-limit bucket.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Request};
use axum::http::HeaderMap;
use axum::response::Response;

use std::sync::Arc;

use super::config::Config;
use super::step::Step;

const FORWARDED_FOR: &str = "x-forwarded-for";

/// The resolved client address, stored in the request's extensions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

/// Resolves the client once per request, before anything counts or logs it.
pub struct ClientAddress(pub Arc<Config>);

impl Step for ClientAddress {
    type Carry = ();

    fn before(&self, request: &mut Request) -> Result<(), Response> {
        if let Some(ConnectInfo(peer)) = request.extensions().get::<ConnectInfo<SocketAddr>>() {
            let ip = client_ip(peer.ip(), request.headers(), &self.0.trusted_proxies);
            request.extensions_mut().insert(ClientIp(ip));
        }
        Ok(())
    }

    fn after(&self, _: (), _: &mut Response) {}
}

/// `peer` itself unless it is trusted; then the right-most forwarded address that is
/// not a trusted proxy. Walking from the right, every hop is one our own proxies
/// appended until the first untrusted one: that is the client. An entry that is not an
/// address was written by the client itself (no proxy of ours writes garbage), so the
/// walk ends there with the nearest trusted hop, never with anything left of it.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let entries: Vec<&str> = headers
        .get_all(FORWARDED_FOR)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let mut nearest = peer;
    for entry in entries.iter().rev() {
        let Ok(ip) = entry.parse::<IpAddr>() else {
            return nearest;
        };
        if !trusted.contains(&ip) {
            return ip;
        }
        nearest = ip;
    }
    nearest
}

/// [`bucket`] of the address, or `unknown` when there is none.
pub fn bucket_or_unknown(ip: Option<IpAddr>) -> String {
    ip.map_or_else(|| "unknown".to_string(), bucket)
}

/// The rate-limit bucket of an address: IPv6 clients get a /64 each (one customer's
/// network, which hands out 2^64 addresses), IPv4 clients their own address.
pub fn bucket(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
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
        // IPv6 works; garbage ends the walk at the nearest trusted hop.
        assert_eq!(
            client_ip(ip("10.0.0.1"), &forwarded("2001:db8::1"), &trusted),
            ip("2001:db8::1")
        );
        assert_eq!(
            client_ip(ip("10.0.0.1"), &forwarded("not-an-ip"), &trusted),
            ip("10.0.0.1")
        );
    }

    #[test]
    fn a_spoofed_entry_behind_garbage_is_never_the_client() {
        let trusted = [ip("10.0.0.1"), ip("10.0.0.2")];
        let headers = forwarded("198.51.100.7, x, 203.0.113.9");
        assert_eq!(
            client_ip(ip("10.0.0.1"), &headers, &trusted),
            ip("203.0.113.9")
        );
        // Garbage right of the spoof, behind our own proxy: the proxy, not the spoof.
        let headers = forwarded("198.51.100.7, x, 10.0.0.2");
        assert_eq!(
            client_ip(ip("10.0.0.1"), &headers, &trusted),
            ip("10.0.0.2")
        );
    }

    #[test]
    fn ipv6_clients_share_a_bucket_per_64_network() {
        assert_eq!(
            bucket(ip("2001:db8:1:2:aaaa::1")),
            bucket(ip("2001:db8:1:2:ffff::9"))
        );
        assert_ne!(bucket(ip("2001:db8:1:2::1")), bucket(ip("2001:db8:1:3::1")));
        assert_eq!(bucket(ip("2001:db8:1:2::1")), "2001:db8:1:2::/64");
        assert_eq!(bucket(ip("203.0.113.9")), "203.0.113.9");
        assert_eq!(bucket(ip("::ffff:203.0.113.9")), "203.0.113.9");
    }
}
