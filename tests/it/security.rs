//! Security headers, CSP nonces, CORS, ALLOWED_HOSTS and CSRF over real HTTP.

use crate::common::{error_of, spawn_app, spawn_app_with, strict_vars, STRONG_PASSWORD};
use serde_json::json;

fn production_vars(allowed_hosts: &'static str) -> Vec<(&'static str, &'static str)> {
    let mut vars = strict_vars("production");
    vars.retain(|(name, _)| *name != "ALLOWED_HOSTS");
    vars.push(("ALLOWED_HOSTS", allowed_hosts));
    vars
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = spawn_app().await;
    for path in ["/", "/healthz", "/api/v1/nope", "/no-such-page"] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        assert_eq!(
            headers["referrer-policy"], "strict-origin-when-cross-origin",
            "{path}"
        );
        assert!(
            headers["permissions-policy"]
                .to_str()
                .unwrap()
                .contains("camera=()"),
            "{path}"
        );
        assert!(headers.contains_key("content-security-policy"), "{path}");
        assert!(
            !headers.contains_key("strict-transport-security"),
            "no HSTS in development"
        );
    }
}

#[tokio::test]
async fn pages_allow_exactly_their_own_nonced_scripts() {
    let app = spawn_app().await;
    let response = app.client.get(app.url("/")).send().await.unwrap();
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    let html = response.text().await.unwrap();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in script-src");
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "scripts carry the header's nonce"
    );
    assert!(csp.contains("'wasm-unsafe-eval'"));
    let script_src = csp
        .split(';')
        .find(|d| d.trim().starts_with("script-src"))
        .unwrap();
    assert!(!script_src.contains("unsafe-inline"), "{csp}");

    let again = app.client.get(app.url("/")).send().await.unwrap();
    let other = again.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert_ne!(csp, other, "a fresh nonce for every page");

    let api = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert!(api.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .starts_with("default-src 'none'"));
}

#[tokio::test]
async fn production_sends_hsts_and_enforces_allowed_hosts() {
    let app = spawn_app_with(None, &production_vars("app.example.com,127.0.0.1")).await;
    let ok = app.client.get(app.url("/health")).send().await.unwrap();
    assert_eq!(ok.status(), 200);
    assert!(ok.headers()["strict-transport-security"]
        .to_str()
        .unwrap()
        .contains("max-age="));

    let spoofed = app
        .client
        .get(app.url("/health"))
        .header("host", "evil.example")
        .send()
        .await
        .unwrap();
    let (status, code, details) = error_of(spoofed).await;
    assert_eq!((status, code.as_str()), (400, "INVALID_HOST"));
    assert_eq!(details["host"], "evil.example");

    let named = app
        .client
        .get(app.url("/api/v1/nope"))
        .header("host", "app.example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(named.status(), 404, "a listed host passes");
    let liveness = app
        .client
        .get(app.url("/healthz"))
        .header("host", "10.0.0.7:3000")
        .send()
        .await
        .unwrap();
    assert_eq!(liveness.status(), 200, "liveness probes by IP still answer");
}

#[tokio::test]
async fn development_does_not_enforce_allowed_hosts() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/health"))
        .header("host", "anything.example")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn cors_answers_configured_origins_only() {
    let app = spawn_app_with(None, &[("CORS_ALLOW_ORIGINS", "https://app.example.com")]).await;
    let allowed = app
        .client
        .get(app.url("/healthz"))
        .header("origin", "https://app.example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://app.example.com"
    );
    let exposed = allowed.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(exposed.contains("x-correlation-id") && exposed.contains("x-ratelimit-remaining"));

    let other = app
        .client
        .get(app.url("/healthz"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert!(!other.headers().contains_key("access-control-allow-origin"));

    let preflight = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/api/v1/me"))
        .header("origin", "https://app.example.com")
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", "authorization")
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success());
    assert_eq!(
        preflight.headers()["access-control-allow-origin"],
        "https://app.example.com"
    );
}

#[tokio::test]
async fn without_configured_origins_no_cors_header_is_sent() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/healthz"))
        .header("origin", "https://app.example.com")
        .send()
        .await
        .unwrap();
    assert!(!response
        .headers()
        .contains_key("access-control-allow-origin"));
}

#[tokio::test]
async fn cookie_authenticated_changes_from_other_sites_are_refused() {
    let app = spawn_app().await;
    app.register("csrf@example.com", STRONG_PASSWORD).await;
    let tokens = app.login("csrf@example.com", STRONG_PASSWORD).await;
    let body = json!({ "refresh_token": tokens["refresh_token"] });
    let post = |headers: &[(&str, &str)]| {
        let mut request = app
            .client
            .post(app.url("/api/v1/auth/logout"))
            .header("cookie", "id=abc")
            .json(&body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send()
    };

    let (status, code, _) =
        error_of(post(&[("sec-fetch-site", "cross-site")]).await.unwrap()).await;
    assert_eq!((status, code.as_str()), (403, "CSRF_REJECTED"));
    let (status, code, _) =
        error_of(post(&[("origin", "https://evil.example")]).await.unwrap()).await;
    assert_eq!((status, code.as_str()), (403, "CSRF_REJECTED"));

    let own_origin = format!("http://{}", app.address);
    assert_eq!(
        post(&[("origin", own_origin.as_str())])
            .await
            .unwrap()
            .status(),
        204
    );
    assert_eq!(
        post(&[("sec-fetch-site", "same-origin")])
            .await
            .unwrap()
            .status(),
        204
    );
    // A bearer token is not sent by browsers on their own: no CSRF risk, no check.
    let (_, token) = app.signed_in_user("bearer@example.com").await;
    let with_token = app
        .client
        .post(app.url("/api/v1/api-keys"))
        .header("cookie", "id=abc")
        .header("sec-fetch-site", "cross-site")
        .bearer_auth(token)
        .json(&json!({ "name": "ci" }))
        .send()
        .await
        .unwrap();
    assert_eq!(with_token.status(), 201);
}
