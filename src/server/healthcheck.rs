//! `investment-system healthcheck`: asks the server running on this machine (the
//! site address of Leptos.toml / `LEPTOS_SITE_ADDR`) for `GET /healthz` and exits
//! non-zero unless it answers 200 within a few seconds. A container's HEALTHCHECK
//! runs it, so the image needs no curl.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::site::{load_site_options, SITE_CONFIG_FILE};

const TIMEOUT: Duration = Duration::from_secs(3);

/// The address to probe: the listening address, with an unspecified IP (0.0.0.0,
/// ::) replaced by loopback.
fn probe_address(listening: SocketAddr) -> SocketAddr {
    match listening.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), listening.port())
        }
        IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), listening.port())
        }
        _ => listening,
    }
}

/// Whether an HTTP response starts with a 200 status line.
fn is_ok_status(response: &[u8]) -> bool {
    let line = response.split(|b| *b == b'\n').next().unwrap_or_default();
    let mut parts = line.split(|b| *b == b' ');
    let version = parts.next().unwrap_or_default();
    version.starts_with(b"HTTP/1.") && parts.next() == Some(b"200".as_slice())
}

async fn probe(address: SocketAddr) -> Result<(), String> {
    let mut stream = TcpStream::connect(address)
        .await
        .map_err(|e| format!("{address}: {e}"))?;
    let request = format!(
        "GET /healthz HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        address.ip()
    );
    stream
        .write_all(request.as_bytes())
        .await
        .map_err(|e| format!("{address}: {e}"))?;
    let mut head = vec![0; 64];
    let read = stream
        .read(&mut head)
        .await
        .map_err(|e| format!("{address}: {e}"))?;
    if is_ok_status(&head[..read]) {
        Ok(())
    } else {
        let line = String::from_utf8_lossy(&head[..read]);
        Err(format!(
            "{address}/healthz answered {:?}",
            line.lines().next().unwrap_or_default()
        ))
    }
}

pub async fn run() -> Result<(), String> {
    let site = load_site_options(SITE_CONFIG_FILE)?;
    let address = probe_address(site.site_addr);
    match tokio::time::timeout(TIMEOUT, probe(address)).await {
        Ok(Ok(())) => {
            println!("healthy: {address}/healthz answered 200");
            Ok(())
        }
        Ok(Err(reason)) => Err(format!("unhealthy: {reason}")),
        Err(_) => Err(format!(
            "unhealthy: {address}/healthz did not answer within 3 s"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probes_loopback_when_listening_everywhere() {
        let any: SocketAddr = "0.0.0.0:3000".parse().unwrap();
        assert_eq!(probe_address(any), "127.0.0.1:3000".parse().unwrap());
        let any6: SocketAddr = "[::]:3000".parse().unwrap();
        assert_eq!(probe_address(any6), "[::1]:3000".parse().unwrap());
        let fixed: SocketAddr = "10.1.2.3:8080".parse().unwrap();
        assert_eq!(probe_address(fixed), fixed);
    }

    #[test]
    fn only_a_200_status_line_is_healthy() {
        assert!(is_ok_status(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n"));
        assert!(!is_ok_status(b"HTTP/1.1 503 Service Unavailable\r\n"));
        assert!(!is_ok_status(b"HTTP/1.1 2000 Odd\r\n"));
        assert!(!is_ok_status(b"garbage"));
        assert!(!is_ok_status(b""));
    }
}
