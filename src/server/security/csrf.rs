//! Cookie-authenticated changes must come from our own pages. A POST, PUT, PATCH
//! or DELETE that carries cookies but no bearer token or API key is refused with
//! 403 `CSRF_REJECTED` when the browser says it came from another site. The log-in
//! and registration forms are refused cross-site even without a cookie: a foreign
//! page must not sign a visitor into the attacker's account (login CSRF).

use axum::extract::Request;
use axum::http::header::{AUTHORIZATION, COOKIE, HOST, ORIGIN};
use axum::http::{HeaderMap, Method};
use axum::response::{IntoResponse, Response};

use crate::error_catalog::ErrorCode;
use crate::server::api_error::ApiError;
use crate::server::auth::current_user::API_KEY_HEADER;
use crate::server::step::Step;

/// Whether the browser's own headers show a cross-site request.
pub fn is_cross_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    let origin = headers.get(ORIGIN).and_then(|v| v.to_str().ok());
    let host = headers.get(HOST).and_then(|v| v.to_str().ok());
    match (origin, host) {
        (Some("null"), _) => true,
        (Some(origin), Some(host)) => match url::Url::parse(origin) {
            Ok(url) => {
                let origin_host = match url.port() {
                    Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
                    None => url.host_str().unwrap_or_default().to_string(),
                };
                !origin_host.eq_ignore_ascii_case(host)
            }
            Err(_) => true,
        },
        // Old browsers and non-browser clients send neither header.
        _ => false,
    }
}

/// The dashboard's server functions that sign a browser in.
pub const SIGN_IN_FORMS: [&str; 2] = ["/api/login", "/api/register"];

/// Refuses cross-site changes made with cookies, and cross-site sign-ins.
pub struct CrossSiteGuard;

impl Step for CrossSiteGuard {
    type Carry = ();

    fn before(&self, request: &mut Request) -> Result<(), Response> {
        refusal(request).map_or(Ok(()), Err)
    }

    fn after(&self, _: (), _: &mut Response) {}
}

fn refusal(request: &Request) -> Option<Response> {
    let signs_in = SIGN_IN_FORMS.contains(&request.uri().path());
    let changes_state = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let headers = request.headers();
    let cookie_authenticated = headers.contains_key(COOKIE)
        && !headers.contains_key(AUTHORIZATION)
        && !headers.contains_key(API_KEY_HEADER);
    if changes_state && (cookie_authenticated || signs_in) && is_cross_site(headers) {
        tracing::warn!(security_event = "csrf_rejected", path = %request.uri().path(), "cross-site request refused");
        return Some(ApiError::new(ErrorCode::CsrfRejected).into_response());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn fetch_metadata_decides_when_present() {
        assert!(!is_cross_site(&headers(&[(
            "sec-fetch-site",
            "same-origin"
        )])));
        assert!(!is_cross_site(&headers(&[("sec-fetch-site", "none")])));
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "same-site")])));
    }

    #[test]
    fn otherwise_origin_must_match_host() {
        assert!(!is_cross_site(&headers(&[
            ("origin", "http://127.0.0.1:3000"),
            ("host", "127.0.0.1:3000")
        ])));
        assert!(is_cross_site(&headers(&[
            ("origin", "https://evil.example"),
            ("host", "127.0.0.1:3000")
        ])));
        assert!(is_cross_site(&headers(&[
            ("origin", "null"),
            ("host", "127.0.0.1:3000")
        ])));
        assert!(!is_cross_site(&headers(&[("host", "127.0.0.1:3000")])));
    }
}
