//! Security headers. Pages get a Content-Security-Policy with the nonce Leptos put
//! on its hydration scripts (no `unsafe-inline` for scripts); everything else gets
//! a policy that allows nothing to run.

use axum::extract::Request;
use axum::http::header::{
    HeaderName, HeaderValue, CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY,
    STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::response::Response;
use leptos::config::LeptosOptions;

use crate::server::step::Step;

/// For JSON, assets and anything that is not a page.
const DEFAULT_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";
const PERMISSIONS_POLICY: &str =
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()";
const HSTS: &str = "max-age=63072000; includeSubDomains";

/// The policy of a rendered page whose scripts carry `nonce`. WebAssembly needs
/// `'wasm-unsafe-eval'`; styles allow inline attributes (charts set them).
pub fn page_csp(nonce: &str, reload_socket: Option<&str>) -> String {
    let connect = match reload_socket {
        Some(socket) => format!("'self' {socket}"),
        None => "'self'".to_string(),
    };
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; \
         connect-src {connect}; object-src 'none'; base-uri 'self'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

/// The nonce of this request's page scripts, made by [`HeaderPolicy`]'s step before the
/// page renders (pages use it through [`provide_page_nonce`]), so the policy sent
/// always matches the scripts, however the render sets its headers.
#[derive(Clone)]
pub struct PageNonce(pub String);

/// Leptos context for every page render: the request's [`PageNonce`] as the nonce.
pub fn provide_page_nonce() {
    use leptos::prelude::{provide_context, use_context};
    let nonce = use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<PageNonce>().cloned());
    if let Some(PageNonce(nonce)) = nonce {
        provide_context(leptos::nonce::Nonce::from_value(nonce));
    }
}

/// The page policy for `nonce`; development builds also reach the reload socket.
fn page_policy(options: &LeptosOptions, nonce: &str) -> String {
    let reload = (options.env == leptos::config::Env::DEV)
        .then(|| format!("ws://{}:{}", options.site_addr.ip(), options.reload_port));
    page_csp(nonce, reload.as_deref())
}

/// Called while rendering a page: sends the CSP that matches this render's nonce
/// (pages rendered outside the routes, such as the 404 fallback, have their own).
pub fn set_page_csp(options: &LeptosOptions) {
    use leptos::prelude::use_context;
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    if let Ok(value) = HeaderValue::from_str(&page_policy(options, &nonce)) {
        response.insert_header(CONTENT_SECURITY_POLICY, value);
    }
}

/// What the header middleware needs, made once; the step that sets the headers.
pub struct HeaderPolicy {
    pub leptos_options: LeptosOptions,
    /// Staging and production: HSTS too.
    pub strict: bool,
}

/// Paths that never render a page: no nonce is made for them (a page that shows up
/// anyway still gets a policy with a nonce of its own below).
fn never_a_page(path: &str) -> bool {
    path.starts_with("/api/")
        || path.starts_with("/pkg/")
        || matches!(
            path,
            "/healthz" | "/health" | "/metrics" | "/openapi.json" | "/ws"
        )
}

impl Step for HeaderPolicy {
    /// The nonce made for a page, if the path can be one.
    type Carry = Option<String>;

    fn before(&self, request: &mut Request) -> Result<Option<String>, Response> {
        if never_a_page(request.uri().path()) {
            return Ok(None);
        }
        let nonce = leptos::nonce::Nonce::new().to_string();
        request.extensions_mut().insert(PageNonce(nonce.clone()));
        Ok(Some(nonce))
    }

    fn after(&self, nonce: Option<String>, response: &mut Response) {
        let is_page = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
        let headers = response.headers_mut();
        headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
        headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        headers.insert(
            REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        );
        headers.insert(
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static(PERMISSIONS_POLICY),
        );
        headers.insert(
            HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        );
        if !headers.contains_key(CONTENT_SECURITY_POLICY) {
            // A page whose render did not set its policy still gets the one for its nonce.
            let policy = if is_page {
                let nonce = nonce.unwrap_or_else(|| leptos::nonce::Nonce::new().to_string());
                HeaderValue::from_str(&page_policy(&self.leptos_options, &nonce)).ok()
            } else {
                None
            };
            headers.insert(
                CONTENT_SECURITY_POLICY,
                policy.unwrap_or(HeaderValue::from_static(DEFAULT_CSP)),
            );
        }
        if self.strict {
            headers.insert(STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_policy_allows_only_nonced_scripts_and_wasm() {
        let csp = page_csp("abc123", None);
        assert!(csp.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval';"));
        let script_src = csp
            .split(';')
            .find(|d| d.trim().starts_with("script-src"))
            .unwrap();
        assert!(!script_src.contains("unsafe-inline"));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(csp.contains("connect-src 'self';"));
    }

    #[test]
    fn only_api_health_metrics_and_asset_paths_go_without_a_nonce() {
        for path in [
            "/api/v1/signals",
            "/api/login",
            "/healthz",
            "/pkg/app.wasm",
            "/ws",
        ] {
            assert!(never_a_page(path), "{path}");
        }
        for path in ["/", "/dashboard", "/docs", "/markets/AAPL", "/nowhere"] {
            assert!(!never_a_page(path), "{path}");
        }
    }

    #[test]
    fn development_policy_allows_the_reload_socket() {
        let csp = page_csp("n", Some("ws://127.0.0.1:3001"));
        assert!(csp.contains("connect-src 'self' ws://127.0.0.1:3001;"));
    }
}
