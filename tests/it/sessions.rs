//! Browser sessions through the dashboard's server functions, posted exactly as a
//! browser without JavaScript posts a form: cookie flags, id cycling, logout,
//! errors carried back to the form, and the sessions a password change ends.

use reqwest::header::{ACCEPT, COOKIE, LOCATION, REFERER, SET_COOKIE};
use reqwest::Response;
use serde_json::Value;

use crate::common::{error_of, spawn_app_with, TestApp, STRONG_PASSWORD};

on_both_backends!(
    login_form_opens_an_http_only_session,
    failed_forms_return_with_their_error_codes,
    login_cycles_the_session_id,
    logout_deletes_the_session,
    password_change_ends_other_sessions,
    deactivation_ends_sessions,
);

pub const COOKIE_NAME: &str = "investment_session";

/// Posts a form to a server function as a browser without JavaScript would.
pub async fn post_form(
    app: &TestApp,
    path: &str,
    from: &str,
    form: &[(&str, &str)],
    cookie: Option<&str>,
) -> Response {
    let mut request = app
        .client
        .post(app.url(path))
        .header(ACCEPT, "text/html,application/xhtml+xml")
        .header(REFERER, app.url(from))
        .header("sec-fetch-site", "same-origin")
        .form(form);
    if let Some(cookie) = cookie {
        request = request.header(COOKIE, cookie);
    }
    request.send().await.unwrap()
}

/// The `name=value` of the session cookie the response sets, if any.
pub fn session_cookie(response: &Response) -> Option<String> {
    set_cookie_line(response).map(|line| line.split(';').next().unwrap().to_string())
}

pub fn set_cookie_line(response: &Response) -> Option<String> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{COOKIE_NAME}=")))
        .map(str::to_string)
}

fn location(response: &Response) -> String {
    response.headers()[LOCATION].to_str().unwrap().to_string()
}

pub async fn log_in(app: &TestApp, email: &str, password: &str, cookie: Option<&str>) -> Response {
    post_form(
        app,
        "/api/login",
        "/login",
        &[("email", email), ("password", password), ("next", "")],
        cookie,
    )
    .await
}

/// Registers through the API and logs in through the form: the session cookie.
pub async fn session_for(app: &TestApp, email: &str) -> String {
    app.register(email, STRONG_PASSWORD).await;
    let response = log_in(app, email, STRONG_PASSWORD, None).await;
    assert_eq!(response.status(), 302);
    session_cookie(&response).expect("a session cookie")
}

/// The dashboard's `whoami` server function, called with the session cookie.
pub async fn whoami(app: &TestApp, cookie: &str) -> Response {
    app.client
        .post(app.url("/api/whoami"))
        .header(COOKIE, cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .send()
        .await
        .unwrap()
}

async fn me_with_cookie(app: &TestApp, cookie: &str) -> Response {
    app.client
        .get(app.url("/api/v1/me"))
        .header(COOKIE, cookie)
        .send()
        .await
        .unwrap()
}

/// A page as a browser asks for it; `path` may also be an absolute URL (a redirect).
async fn page(app: &TestApp, path: &str, cookie: Option<&str>) -> Response {
    let url = if path.starts_with("http") {
        path.to_string()
    } else {
        app.url(path)
    };
    let mut request = app.client.get(url).header(ACCEPT, "text/html");
    if let Some(cookie) = cookie {
        request = request.header(COOKIE, cookie);
    }
    request.send().await.unwrap()
}

async fn login_form_opens_an_http_only_session(app: &TestApp) {
    app.register("ada@example.com", STRONG_PASSWORD).await;
    let response = log_in(app, "Ada@Example.com", STRONG_PASSWORD, None).await;
    assert_eq!(response.status(), 302);
    assert_eq!(location(&response), "/dashboard");
    let line = set_cookie_line(&response).expect("Set-Cookie for the session");
    assert!(line.contains("HttpOnly"), "{line}");
    assert!(line.contains("SameSite=Lax"), "{line}");
    assert!(line.contains("Path=/"), "{line}");
    assert!(
        !line.contains("Secure"),
        "plain HTTP in development: {line}"
    );
    let cookie = session_cookie(&response).unwrap();

    let me = me_with_cookie(app, &cookie).await;
    assert_eq!(me.status(), 200);
    let me: Value = me.json().await.unwrap();
    assert_eq!(me["email"], "ada@example.com");

    let account = page(app, "/account", Some(&cookie)).await;
    assert_eq!(account.status(), 200);
    let html = account.text().await.unwrap();
    assert!(
        html.contains("ada@example.com"),
        "the account page shows who is signed in"
    );
    assert!(html.contains("API requests today"));

    let anonymous = page(app, "/account", None).await;
    assert_eq!(anonymous.status(), 302);
    assert_eq!(location(&anonymous), "/login?next=/account");

    // `next` brings the user back where they were; other sites are never a target.
    let back = post_form(
        app,
        "/api/login",
        "/login",
        &[
            ("email", "ada@example.com"),
            ("password", STRONG_PASSWORD),
            ("next", "/account?tab=keys"),
        ],
        None,
    )
    .await;
    assert_eq!(location(&back), "/account?tab=keys");
    let away = post_form(
        app,
        "/api/login",
        "/login",
        &[
            ("email", "ada@example.com"),
            ("password", STRONG_PASSWORD),
            ("next", "//evil.example/"),
        ],
        None,
    )
    .await;
    assert_eq!(location(&away), "/dashboard");
}

async fn failed_forms_return_with_their_error_codes(app: &TestApp) {
    app.register("bob@example.com", STRONG_PASSWORD).await;
    let wrong = log_in(app, "bob@example.com", "Wrong-Pass-123", None).await;
    assert_eq!(wrong.status(), 302);
    assert!(
        session_cookie(&wrong).is_none(),
        "no session for a failed login"
    );
    let back = location(&wrong);
    assert!(
        back.contains("/login?") && back.contains("__err="),
        "{back}"
    );
    let html = page(app, &back, None).await.text().await.unwrap();
    assert!(
        html.contains("INVALID_CREDENTIALS"),
        "the code is shown inline"
    );
    assert!(
        html.contains("bob@example.com"),
        "the email is filled in again"
    );
    assert!(!html.contains("Wrong-Pass-123"), "never the password");

    let weak = post_form(
        app,
        "/api/register",
        "/register",
        &[("email", "carol@example.com"), ("password", "short")],
        None,
    )
    .await;
    assert_eq!(weak.status(), 302);
    let html = page(app, &location(&weak), None)
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("WEAK_PASSWORD"));
    for rule in [
        "at least 8 characters",
        "an upper-case letter",
        "a digit",
        "a special character",
    ] {
        assert!(html.contains(rule), "failed rule {rule:?} listed");
    }

    let taken = post_form(
        app,
        "/api/register",
        "/register",
        &[("email", "bob@example.com"), ("password", STRONG_PASSWORD)],
        None,
    )
    .await;
    let html = page(app, &location(&taken), None)
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("EMAIL_ALREADY_EXISTS"));

    // With JavaScript the same failure is an error status and the app error as JSON.
    let scripted = app
        .client
        .post(app.url("/api/login"))
        .form(&[
            ("email", "bob@example.com"),
            ("password", "Wrong-Pass-123"),
            ("next", ""),
        ])
        .send()
        .await
        .unwrap();
    let (status, code, _) = error_of(scripted).await;
    assert_eq!((status, code.as_str()), (401, "INVALID_CREDENTIALS"));
}

async fn login_cycles_the_session_id(app: &TestApp) {
    let first = session_for(app, "dan@example.com").await;
    let again = log_in(app, "dan@example.com", STRONG_PASSWORD, Some(&first)).await;
    let second = session_cookie(&again).expect("a new session cookie");
    assert_ne!(
        first, second,
        "a login never keeps the session id it arrived with"
    );
    assert_eq!(me_with_cookie(app, &second).await.status(), 200);
    let (status, code, _) = error_of(me_with_cookie(app, &first).await).await;
    assert_eq!((status, code.as_str()), (401, "AUTHENTICATION_REQUIRED"));
}

async fn logout_deletes_the_session(app: &TestApp) {
    let cookie = session_for(app, "eve@example.com").await;
    let out = post_form(app, "/api/logout", "/account", &[], Some(&cookie)).await;
    assert_eq!(out.status(), 302);
    assert_eq!(location(&out), "/");
    let cleared = set_cookie_line(&out).expect("the cookie is cleared");
    assert!(
        cleared.contains("Max-Age=0") || cleared.contains("Expires="),
        "{cleared}"
    );
    assert_eq!(
        me_with_cookie(app, &cookie).await.status(),
        401,
        "the old id is gone from the store"
    );
    let home = page(app, "/", Some(&cookie)).await.text().await.unwrap();
    assert!(home.contains("Log in"));

    // A logout posted from another site is refused before it runs.
    let other = session_for(app, "frank@example.com").await;
    let forged = app
        .client
        .post(app.url("/api/logout"))
        .header(COOKIE, &other)
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    let (status, code, _) = error_of(forged).await;
    assert_eq!((status, code.as_str()), (403, "CSRF_REJECTED"));
    assert_eq!(me_with_cookie(app, &other).await.status(), 200);
}

async fn password_change_ends_other_sessions(app: &TestApp) {
    let laptop = session_for(app, "gus@example.com").await;
    let phone = log_in(app, "gus@example.com", STRONG_PASSWORD, None).await;
    let phone = session_cookie(&phone).unwrap();
    const NEW: &str = "An0ther-Strong-Pass!";

    // Changed from the laptop's dashboard: the laptop stays in, the phone is out.
    let changed = post_form(
        app,
        "/api/change_password",
        "/account",
        &[("current_password", STRONG_PASSWORD), ("new_password", NEW)],
        Some(&laptop),
    )
    .await;
    assert_eq!(changed.status(), 302);
    assert!(
        !location(&changed).contains("__err"),
        "{}",
        location(&changed)
    );
    assert_eq!(me_with_cookie(app, &laptop).await.status(), 200);
    assert_eq!(me_with_cookie(app, &phone).await.status(), 401);

    // Changed over the API: every browser session ends.
    let tokens = app.login("gus@example.com", NEW).await;
    let response = app
        .client
        .post(app.url("/api/v1/me/password"))
        .bearer_auth(tokens["access_token"].as_str().unwrap())
        .json(&serde_json::json!({ "current_password": NEW, "new_password": STRONG_PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    assert_eq!(me_with_cookie(app, &laptop).await.status(), 401);
}

async fn deactivation_ends_sessions(app: &TestApp) {
    let (_, admin) = app.signed_in_user("admin@example.com").await;
    let cookie = session_for(app, "hal@example.com").await;
    let me: Value = me_with_cookie(app, &cookie).await.json().await.unwrap();
    let response = app
        .client
        .patch(app.url(&format!(
            "/api/v1/admin/users/{}",
            me["id"].as_str().unwrap()
        )))
        .bearer_auth(&admin)
        .json(&serde_json::json!({ "is_active": false }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(me_with_cookie(app, &cookie).await.status(), 401);
}

#[tokio::test]
async fn production_session_cookies_are_secure() {
    let app = spawn_app_with(None, &crate::common::strict_vars("production")).await;
    app.register("ivy@example.com", STRONG_PASSWORD).await;
    let response = log_in(&app, "ivy@example.com", STRONG_PASSWORD, None).await;
    let line = set_cookie_line(&response).expect("a session cookie");
    assert!(
        line.contains("Secure") && line.contains("HttpOnly") && line.contains("SameSite=Lax"),
        "{line}"
    );
}

#[tokio::test]
async fn dashboard_calls_have_their_own_abuse_limit() {
    let app = spawn_app_with(
        None,
        &[
            ("SESSION_RATE_LIMIT_PER_MINUTE", "4"),
            ("AUTH_RATE_LIMIT_PER_MINUTE", "100"),
        ],
    )
    .await;
    let cookie = session_for(&app, "jay@example.com").await;
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(whoami(&app, &cookie).await.status().as_u16());
    }
    assert_eq!(statuses, vec![200, 200, 200, 200, 429]);
    // The API with a token is metered by the tier, not by the dashboard's guard.
    let tokens = app.login("jay@example.com", STRONG_PASSWORD).await;
    let api = app
        .get_with_token("/api/v1/me", tokens["access_token"].as_str().unwrap())
        .await;
    assert_eq!(api.status(), 200);
    assert_eq!(api.headers()["x-ratelimit-limit"], "10");
}

#[tokio::test]
async fn anonymous_login_forms_share_the_per_ip_auth_limit() {
    let app = spawn_app_with(None, &[("AUTH_RATE_LIMIT_PER_MINUTE", "3")]).await;
    let mut statuses = Vec::new();
    for _ in 0..2 {
        statuses.push(
            log_in(&app, "nobody@example.com", "Wrong-Pass-123", None)
                .await
                .status()
                .as_u16(),
        );
    }
    // The REST login counts against the same bucket.
    let rest = app
        .post_json(
            "/api/v1/auth/login",
            serde_json::json!({ "email": "x@example.com", "password": "y" }),
        )
        .await;
    statuses.push(rest.status().as_u16());
    statuses.push(
        log_in(&app, "nobody@example.com", "Wrong-Pass-123", None)
            .await
            .status()
            .as_u16(),
    );
    assert_eq!(statuses, vec![302, 302, 401, 429]);
}
