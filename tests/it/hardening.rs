//! The audit's attacks, each performed over real HTTP and shown to fail (see
//! docs/SECURITY.md for the threat, the rule that stops it and the test that proves
//! it). Storage-bound attacks run on SQLite and on PostgreSQL.

use std::time::Duration;

use futures_util::future::join_all;
use futures_util::{SinkExt, StreamExt};
use reqwest::header::COOKIE;
use serde_json::{json, Value};

use crate::common::{
    error_of, postgres::TestPostgres, spawn_app_with, strict_vars, TestApp, STRONG_PASSWORD,
    TEST_JWT_SECRET,
};
use crate::sessions::{log_in, post_form, session_for, whoami};

/// A server on `backend` ("sqlite" or "postgres") with `vars`; the PostgreSQL
/// database lives as long as the returned guard.
async fn app_on(backend: &str, vars: &[(&str, &str)]) -> (TestApp, Option<TestPostgres>) {
    let mut all = vec![("JWT_SECRET_KEY", TEST_JWT_SECRET)];
    all.extend_from_slice(vars);
    match backend {
        "postgres" => {
            let pg = TestPostgres::create().await;
            (spawn_app_with(Some(&pg.url), &all).await, Some(pg))
        }
        _ => (spawn_app_with(None, &all).await, None),
    }
}

/// Runs `async fn scenario(backend: &str)` on SQLite and on PostgreSQL.
macro_rules! on_both {
    ($($scenario:ident),* $(,)?) => {
        $(
            mod $scenario {
                #[tokio::test]
                async fn sqlite() {
                    super::$scenario("sqlite").await;
                }
                #[tokio::test]
                async fn postgres() {
                    super::$scenario("postgres").await;
                }
            }
        )*
    };
}

on_both!(
    parallel_runs_cannot_exceed_the_daily_signal_quota,
    parallel_key_creation_cannot_exceed_the_tiers_api_keys,
    guesses_from_elsewhere_do_not_lock_the_owner_out,
    unknown_and_known_emails_lock_alike,
    old_access_tokens_die_with_a_password_change_or_deactivation,
    concurrent_first_registrations_make_one_administrator,
    imports_are_capped_per_series_and_dates_start_in_1900,
);

fn user_id(me: &Value) -> String {
    me["id"].as_str().unwrap().to_string()
}

async fn me(app: &TestApp, token: &str) -> Value {
    app.get_with_token("/api/v1/me", token)
        .await
        .json()
        .await
        .unwrap()
}

// ---------------------------------------------------------------- tier limits

#[tokio::test]
async fn the_session_cookie_is_metered_like_any_api_caller() {
    let app = spawn_app_with(None, &[]).await;
    let cookie = session_for(&app, "cookie@example.com").await;
    let mut statuses = Vec::new();
    let mut last = None;
    for _ in 0..11 {
        let response = app
            .client
            .get(app.url("/api/v1/me"))
            .header(COOKIE, &cookie)
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
        last = Some(response);
    }
    assert_eq!(statuses[..10], [200; 10], "the free tier's ten a minute");
    let refused = last.unwrap();
    assert_eq!(refused.headers()["x-ratelimit-limit"], "10");
    assert_eq!(refused.headers()["x-ratelimit-remaining"], "0");
    let (status, code, _) = error_of(refused).await;
    assert_eq!((status, code.as_str()), (429, "RATE_LIMIT_EXCEEDED"));
    // The dashboard's own server functions keep their separate budget.
    assert_eq!(whoami(&app, &cookie).await.status(), 200);
}

#[tokio::test]
async fn credentials_routes_stay_per_address_whatever_cookie_or_token_comes_along() {
    let app = spawn_app_with(None, &[("AUTH_RATE_LIMIT_PER_MINUTE", "4")]).await;
    // A throw-away account's session and token, as a password sprayer would carry.
    let cookie = session_for(&app, "spray@example.com").await;
    let token = app.login("spray@example.com", STRONG_PASSWORD).await["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let mut statuses = Vec::new();
    for victim in ["a@example.com", "b@example.com", "c@example.com"] {
        let response = app
            .client
            .post(app.url("/api/v1/auth/login"))
            .header(COOKIE, &cookie)
            .bearer_auth(&token)
            .json(&json!({ "email": victim, "password": "Guess-Pass-123!" }))
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
    }
    // The dashboard's log-in form with the cookie draws from the same bucket.
    let form = log_in(&app, "d@example.com", "Guess-Pass-123!", Some(&cookie)).await;
    statuses.push(form.status().as_u16());
    let refresh = app
        .post_json("/api/v1/auth/refresh", json!({ "refresh_token": "x" }))
        .await;
    statuses.push(refresh.status().as_u16());
    // Registering, the form log-in and app.login used 3 of the 4: one guess fits, no more.
    assert_eq!(statuses, [401, 429, 429, 429, 429]);
}

async fn parallel_runs_cannot_exceed_the_daily_signal_quota(backend: &str) {
    let (app, _pg) = app_on(backend, &[]).await;
    let (_, token) = app.signed_in_user("quota@example.com").await;
    let body = json!({ "symbols": ["AAPL", "MSFT", "NVDA", "GOOG", "AMZN"], "model": "classic" });
    let runs = (0..20).map(|_| {
        app.client
            .post(app.url("/api/v1/run"))
            .bearer_auth(&token)
            .json(&body)
            .send()
    });
    let statuses: Vec<u16> = join_all(runs)
        .await
        .into_iter()
        .map(|r| r.unwrap().status().as_u16())
        .collect();
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM signals")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert!(stored <= 10, "{stored} signals stored past the quota of 10");
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count() as i64 * 5,
        stored
    );
    assert!(statuses.contains(&429), "{statuses:?}");
    app.db.close().await;
}

async fn parallel_key_creation_cannot_exceed_the_tiers_api_keys(backend: &str) {
    let (app, _pg) = app_on(backend, &[]).await;
    let token = app.user_on_tier("keymaker@example.com", "pro").await;
    // A pro user's 300 calls a minute leave room for 120 parallel requests; the cap is 100.
    let names: Vec<String> = (0..120).map(|i| format!("key {i}")).collect();
    let creations = names.iter().map(|name| app.post_api_key(&token, name));
    let statuses: Vec<u16> = join_all(creations)
        .await
        .into_iter()
        .map(|r| r.status().as_u16())
        .collect();
    let live: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM api_keys WHERE revoked_at IS NULL")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(live, 100, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 100);
    assert_eq!(statuses.iter().filter(|s| **s == 402).count(), 20);
    app.db.close().await;
}

// ---------------------------------------------------------------- client addresses

/// Wrong log-ins from each `X-Forwarded-For` value in turn, behind our trusted
/// proxy with two attempts a minute per client: the statuses.
async fn statuses_forwarded_for(forwarded: &[String]) -> Vec<u16> {
    let app = spawn_app_with(
        None,
        &[
            ("AUTH_RATE_LIMIT_PER_MINUTE", "2"),
            ("TRUSTED_PROXIES", "127.0.0.1"),
        ],
    )
    .await;
    let mut statuses = Vec::new();
    for value in forwarded {
        let response = app
            .client
            .post(app.url("/api/v1/auth/login"))
            .header("x-forwarded-for", value)
            .json(&json!({ "email": "x@example.com", "password": "Wrong-Pass-1!" }))
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
    }
    statuses
}

#[tokio::test]
async fn a_spoofed_forwarded_prefix_cannot_pick_a_fresh_bucket() {
    let spoofed: Vec<String> = ["198.51.100.7", "198.51.100.8", "198.51.100.9"]
        .iter()
        .map(|spoof| format!("{spoof}, x, 203.0.113.9"))
        .collect();
    let statuses = statuses_forwarded_for(&spoofed).await;
    assert_eq!(statuses, [401, 401, 429], "one real client, one bucket");
}

#[tokio::test]
async fn ipv6_clients_are_counted_per_64_network() {
    let clients: Vec<String> = [
        "2001:db8:1:2::1",
        "2001:db8:1:2::2",
        "2001:db8:1:2:ffff::3",
        // Another /64 is another client.
        "2001:db8:1:3::1",
    ]
    .iter()
    .map(|c| c.to_string())
    .collect();
    assert_eq!(statuses_forwarded_for(&clients).await, [401, 401, 429, 401]);
}

// ---------------------------------------------------------------- lockout

/// Logs in from `client` (behind the trusted proxy): the response.
async fn login_from(app: &TestApp, client: &str, email: &str, password: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/auth/login"))
        .header("x-forwarded-for", client)
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .unwrap()
}

const PROXIED: [(&str, &str); 2] = [
    ("TRUSTED_PROXIES", "127.0.0.1"),
    ("AUTH_RATE_LIMIT_PER_MINUTE", "1000"),
];

async fn guesses_from_elsewhere_do_not_lock_the_owner_out(backend: &str) {
    let (app, _pg) = app_on(backend, &PROXIED).await;
    app.register("owner@example.com", STRONG_PASSWORD).await;
    let home = "198.51.100.20";
    assert_eq!(
        login_from(&app, home, "owner@example.com", STRONG_PASSWORD)
            .await
            .status(),
        200
    );
    for _ in 0..5 {
        login_from(&app, "203.0.113.66", "owner@example.com", "Wrong-Pass-1!").await;
    }
    let (status, code, _) =
        error_of(login_from(&app, "203.0.113.66", "owner@example.com", STRONG_PASSWORD).await)
            .await;
    assert_eq!(
        (status, code.as_str()),
        (423, "ACCOUNT_LOCKED"),
        "the guessing address is locked"
    );
    // The owner, at home and from a new address, still gets in.
    for owner in [home, "198.51.100.21"] {
        let response = login_from(&app, owner, "owner@example.com", STRONG_PASSWORD).await;
        assert_eq!(response.status(), 200, "from {owner}");
    }

    // Fifty guesses from fifty addresses lock the email everywhere but at home.
    for i in 0..50 {
        login_from(
            &app,
            &format!("203.0.114.{i}"),
            "owner@example.com",
            "Wrong-Pass-1!",
        )
        .await;
    }
    let (status, code, _) =
        error_of(login_from(&app, "192.0.2.1", "owner@example.com", STRONG_PASSWORD).await).await;
    assert_eq!((status, code.as_str()), (423, "ACCOUNT_LOCKED"));
    let at_home = login_from(&app, home, "owner@example.com", STRONG_PASSWORD).await;
    assert_eq!(at_home.status(), 200, "the owner's usual address is spared");
    app.db.close().await;
}

async fn unknown_and_known_emails_lock_alike(backend: &str) {
    let (app, _pg) = app_on(backend, &PROXIED).await;
    app.register("known@example.com", STRONG_PASSWORD).await;
    let mut answers = Vec::new();
    for email in ["known@example.com", "unknown@example.com"] {
        let mut statuses = Vec::new();
        let mut last = Value::Null;
        for _ in 0..6 {
            let response = login_from(&app, "203.0.113.5", email, "Wrong-Pass-1!").await;
            statuses.push(response.status().as_u16());
            last = response.json().await.unwrap();
        }
        let error = &last["error"];
        answers.push((
            statuses,
            error["code"].clone(),
            error["message"].clone(),
            error["details"]
                .as_object()
                .unwrap()
                .keys()
                .cloned()
                .collect::<Vec<_>>(),
        ));
    }
    assert_eq!(answers[0], answers[1]);
    assert_eq!(answers[0].0, [401, 401, 401, 401, 423, 423]);
    app.db.close().await;
}

// ---------------------------------------------------------------- credentials end

async fn old_access_tokens_die_with_a_password_change_or_deactivation(backend: &str) {
    let (app, _pg) = app_on(backend, &[]).await;
    let (_, admin) = app.signed_in_user("admin@example.com").await;
    let (_, old) = app.signed_in_user("changer@example.com").await;
    let changed = app
        .client
        .post(app.url("/api/v1/me/password"))
        .bearer_auth(&old)
        .json(
            &json!({ "current_password": STRONG_PASSWORD, "new_password": "An0ther-Secret-Pass!" }),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 204);
    let (status, code, _) = error_of(app.get_with_token("/api/v1/me", &old).await).await;
    assert_eq!((status, code.as_str()), (401, "TOKEN_REVOKED"));
    let fresh = app
        .login("changer@example.com", "An0ther-Secret-Pass!")
        .await;
    let fresh = fresh["access_token"].as_str().unwrap().to_string();
    let id = user_id(&me(&app, &fresh).await);

    // Deactivated and reactivated: tokens from before stay dead.
    for active in [false, true] {
        let response = app
            .client
            .patch(app.url(&format!("/api/v1/admin/users/{id}")))
            .bearer_auth(&admin)
            .json(&json!({ "is_active": active }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
    }
    let (status, code, _) = error_of(app.get_with_token("/api/v1/me", &fresh).await).await;
    assert_eq!((status, code.as_str()), (401, "TOKEN_REVOKED"));
    let newest = app
        .login("changer@example.com", "An0ther-Secret-Pass!")
        .await;
    let newest = newest["access_token"].as_str().unwrap();
    assert_eq!(app.get_with_token("/api/v1/me", newest).await.status(), 200);
    app.db.close().await;
}

#[tokio::test]
async fn cross_site_log_in_and_registration_forms_are_refused_without_a_cookie() {
    let app = spawn_app_with(None, &[]).await;
    app.register("victim-login@example.com", STRONG_PASSWORD)
        .await;
    for (path, form) in [
        (
            "/api/login",
            [
                ("email", "victim-login@example.com"),
                ("password", STRONG_PASSWORD),
                ("next", ""),
            ],
        ),
        (
            "/api/register",
            [
                ("email", "planted@example.com"),
                ("password", STRONG_PASSWORD),
                ("next", ""),
            ],
        ),
    ] {
        let response = app
            .client
            .post(app.url(path))
            .header("origin", "https://evil.example")
            .header("sec-fetch-site", "cross-site")
            .form(&form)
            .send()
            .await
            .unwrap();
        assert!(
            crate::sessions::set_cookie_line(&response).is_none(),
            "{path} set a session"
        );
        let (status, code, _) = error_of(response).await;
        assert_eq!((status, code.as_str()), (403, "CSRF_REJECTED"), "{path}");
    }
    // The same forms from our own pages still work.
    let ours = post_form(
        &app,
        "/api/login",
        "/login",
        &[
            ("email", "victim-login@example.com"),
            ("password", STRONG_PASSWORD),
            ("next", ""),
        ],
        None,
    )
    .await;
    assert_eq!(ours.status(), 302);
}

// ---------------------------------------------------------------- administrators

#[tokio::test]
async fn in_staging_nobody_becomes_administrator_by_registering_first() {
    let mut vars = strict_vars("staging");
    vars.push(("ADMIN_EMAILS", "Boss@Example.com"));
    let app = spawn_app_with(None, &vars).await;
    let first = app.register("first@example.com", STRONG_PASSWORD).await;
    assert_eq!(first["role"], "user");
    let boss = app.register("boss@example.com", STRONG_PASSWORD).await;
    assert_eq!(boss["role"], "admin", "named in ADMIN_EMAILS");
}

#[tokio::test]
async fn staging_is_as_strict_as_production() {
    let app = spawn_app_with(None, &strict_vars("staging")).await;
    let health = app.client.get(app.url("/health")).send().await.unwrap();
    assert!(health.headers().contains_key("strict-transport-security"));
    let foreign = app
        .client
        .get(app.url("/health"))
        .header("host", "evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), 400, "ALLOWED_HOSTS is enforced");
    app.register("strict@example.com", STRONG_PASSWORD).await;
    let response = log_in(&app, "strict@example.com", STRONG_PASSWORD, None).await;
    let line = crate::sessions::set_cookie_line(&response).expect("a session cookie");
    assert!(line.contains("Secure"), "{line}");
}

async fn concurrent_first_registrations_make_one_administrator(backend: &str) {
    let (app, _pg) = app_on(backend, &[("AUTH_RATE_LIMIT_PER_MINUTE", "1000")]).await;
    let registrations = (0..8).map(|i| {
        app.post_json(
            "/api/v1/auth/register",
            json!({ "email": format!("racer{i}@example.com"), "password": STRONG_PASSWORD }),
        )
    });
    let results = join_all(registrations).await;
    assert!(results.iter().all(|r| r.status() == 201));
    let admins: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'admin'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(admins, 1);
    app.db.close().await;
}

// ---------------------------------------------------------------- exhaustion

/// A CSV of `days` consecutive daily bars starting on `first` (a chrono date).
fn csv_of(first: chrono::NaiveDate, days: usize) -> String {
    let mut csv = String::from("Date,Open,High,Low,Close,Volume\n");
    for i in 0..days {
        let date = first + chrono::Duration::days(i as i64);
        csv.push_str(&format!("{date},10,11,9,10.5,1000\n"));
    }
    csv
}

async fn import(app: &TestApp, token: &str, symbol: &str, csv: String) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/api/v1/prices/{symbol}/import")))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap()
}

async fn imports_are_capped_per_series_and_dates_start_in_1900(backend: &str) {
    let (app, _pg) = app_on(backend, &[]).await;
    let (_, token) = app.signed_in_user("hoarder@example.com").await;
    let start = chrono::NaiveDate::from_ymd_opt(1950, 1, 1).unwrap();
    let (status, code, details) =
        error_of(import(&app, &token, "BIG", csv_of(start, 20_001)).await).await;
    assert_eq!((status, code.as_str()), (422, "IMPORT_TOO_LARGE"));
    assert_eq!(details["limit"], 20_000);
    assert_eq!(details["applies_to"], "import");

    // Two imports that each fit, but not together in one series.
    assert_eq!(
        import(&app, &token, "BIG", csv_of(start, 15_000))
            .await
            .status(),
        200
    );
    let later = start + chrono::Duration::days(15_000);
    let (status, code, details) =
        error_of(import(&app, &token, "BIG", csv_of(later, 6_000)).await).await;
    assert_eq!((status, code.as_str()), (422, "IMPORT_TOO_LARGE"));
    assert_eq!(
        (details["applies_to"].as_str(), details["bars"].as_i64()),
        (Some("series"), Some(21_000))
    );
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM bars WHERE symbol = 'BIG'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(stored, 15_000, "the refused import wrote nothing");

    let ancient = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap();
    let (status, code, details) =
        error_of(import(&app, &token, "OLD", csv_of(ancient, 3)).await).await;
    assert_eq!((status, code.as_str()), (422, "INVALID_CSV"));
    assert_eq!(details["errors"][0]["reason"], "date is before 1900-01-01");
    app.db.close().await;
}

/// A walk-forward model backtest of the demo AAPL series that costs some 30 million
/// bar evaluations (folds of 1 000 + 15 bars).
fn heavy_backtest() -> Value {
    json!({
        "symbol": "AAPL",
        "strategy": { "type": "model", "model": "ensemble" },
        "walk_forward": { "train": 1000, "test": 15 },
    })
}

#[tokio::test]
async fn backtests_over_the_compute_budget_are_refused_before_the_work() {
    let app = spawn_app_with(None, &[]).await;
    let (_, token) = app.signed_in_user("miner@example.com").await;
    let response = app
        .client
        .post(app.url("/api/v1/backtest"))
        .bearer_auth(&token)
        .json(&heavy_backtest())
        .send()
        .await
        .unwrap();
    let (status, code, details) = error_of(response).await;
    assert_eq!((status, code.as_str()), (422, "COMPUTE_BUDGET_EXCEEDED"));
    assert_eq!(details["limit"], 20_000_000);
    assert!(
        details["estimate"].as_u64().unwrap() > 20_000_000,
        "{details}"
    );
    assert_eq!(app.state.compute.running(), 0, "nothing was started");
}

#[tokio::test]
async fn a_timed_out_backtest_stops_its_work() {
    let app = spawn_app_with(None, &[("REQUEST_TIMEOUT_MS", "2000")]).await;
    let token = app.user_on_tier("whale@example.com", "enterprise").await;
    // The series is loaded (and stored) first, so the time goes to the backtest itself.
    assert_eq!(
        app.get_with_token("/api/v1/prices/AAPL", &token)
            .await
            .status(),
        200
    );
    let request = app
        .client
        .post(app.url("/api/v1/backtest"))
        .bearer_auth(&token)
        .json(&heavy_backtest())
        .send();
    let watch = async {
        let mut started = false;
        for _ in 0..200 {
            started |= app.state.compute.running() > 0;
            if started {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        started
    };
    let (response, started) = tokio::join!(request, watch);
    assert!(started, "the backtest began computing");
    let (status, code, _) = error_of(response.unwrap()).await;
    assert_eq!((status, code.as_str()), (504, "REQUEST_TIMEOUT"));
    // Uncancelled, the computation would run on for a long while yet.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(3);
    while app.state.compute.running() > 0 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(app.state.compute.running(), 0, "the work was cancelled");
}

#[tokio::test]
async fn made_up_methods_add_no_metric_series() {
    let app = spawn_app_with(None, &[("ENABLE_METRICS", "true")]).await;
    for method in ["XYZZY", "FOOBAR"] {
        app.client
            .request(
                reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
                app.url("/healthz"),
            )
            .send()
            .await
            .unwrap();
    }
    let text = app.get_text("/metrics").await;
    assert!(!text.contains("XYZZY") && !text.contains("FOOBAR"));
    assert!(text.contains("method=\"other\""), "{text}");
}

#[tokio::test]
async fn watchlist_limits_are_checked_before_any_symbol_lookup() {
    let app = spawn_app_with(None, &[]).await;
    let (_, token) = app.signed_in_user("lister@example.com").await;
    let symbols = [
        "AAPL", "MSFT", "NVDA", "GOOG", "AMZN", "META", "TSLA", "JPM", "V", "KO",
    ];
    let created = app
        .client
        .post(app.url("/api/v1/watchlists"))
        .bearer_auth(&token)
        .json(&json!({ "name": "full", "symbols": symbols }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let id = created.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    // At the cap, a symbol nobody has is refused for the cap, not looked up.
    let response = app
        .client
        .post(app.url(&format!("/api/v1/watchlists/{id}/symbols")))
        .bearer_auth(&token)
        .json(&json!({ "symbol": "NOSUCH" }))
        .send()
        .await
        .unwrap();
    let (status, code, _) = error_of(response).await;
    assert_eq!((status, code.as_str()), (402, "WATCHLIST_SYMBOL_LIMIT"));
}

// ---------------------------------------------------------------- live feed

#[tokio::test]
async fn live_connections_are_capped_per_user_and_per_address() {
    use crate::live_feed::{connect_as, refused_status};
    let app = crate::live_feed::live_app_with(&[("LIVE_CONNECTIONS_PER_ADDRESS", "4")]).await;
    let (_, free) = app.signed_in_user("streamer@example.com").await;
    let mut open = Vec::new();
    for _ in 0..3 {
        open.push(connect_as(&app, &free).await);
    }
    let bearer = format!("Bearer {free}");
    let (status, body) =
        refused_status(crate::live_feed::connect(&app, &[("authorization", &bearer)]).await);
    assert_eq!(status, 429);
    assert!(
        body.contains("LIVE_CONNECTION_LIMIT") && body.contains("\"user\""),
        "{body}"
    );
    // Closing one gives its place back.
    drop(open.pop());
    tokio::time::sleep(Duration::from_millis(200)).await;
    open.push(connect_as(&app, &free).await);

    // Another account from the same address fills the address's fourth place, no more.
    let (_, other) = app.signed_in_user("sidekick@example.com").await;
    open.push(connect_as(&app, &other).await);
    let bearer = format!("Bearer {other}");
    let (status, body) =
        refused_status(crate::live_feed::connect(&app, &[("authorization", &bearer)]).await);
    assert_eq!(status, 429);
    assert!(body.contains("\"address\""), "{body}");
}

#[tokio::test]
async fn live_symbols_count_across_connections_and_floods_are_cut() {
    use crate::live_feed::{connect_as, first_of, send};
    let app = crate::live_feed::live_app_with(&[]).await;
    let (_, free) = app.signed_in_user("tabs@example.com").await;
    let mut first = connect_as(&app, &free).await;
    let mut second = connect_as(&app, &free).await;
    let six = ["AAPL", "MSFT", "NVDA", "GOOG", "AMZN", "META"];
    send(&mut first, json!({ "type": "subscribe", "symbols": six })).await;
    let subscribed = first_of(&mut first, "subscribed", Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(subscribed["symbols"].as_array().unwrap().len(), 6);
    let five = ["TSLA", "JPM", "V", "KO", "DIS"];
    send(&mut second, json!({ "type": "subscribe", "symbols": five })).await;
    let refused = first_of(&mut second, "error", Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(refused["code"], "LIVE_SYMBOL_LIMIT");
    assert_eq!(refused["details"]["following"], 6);

    // Forty frames at once: refused past ten, then the connection is closed.
    for _ in 0..40 {
        if first
            .send(tokio_tungstenite::tungstenite::Message::Text(
                json!({ "type": "unsubscribe", "symbols": ["ZZZ"] })
                    .to_string()
                    .into(),
            ))
            .await
            .is_err()
        {
            break;
        }
    }
    let mut saw_rate_limit = false;
    let closed = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(frame) = first.next().await {
            match frame {
                Ok(tokio_tungstenite::tungstenite::Message::Text(text)) => {
                    saw_rate_limit |= text.contains("RATE_LIMIT_EXCEEDED");
                }
                Ok(tokio_tungstenite::tungstenite::Message::Close(Some(frame))) => {
                    return Some(u16::from(frame.code));
                }
                Ok(_) => {}
                Err(_) => return None,
            }
        }
        None
    })
    .await
    .unwrap();
    assert!(saw_rate_limit);
    assert_eq!(closed, Some(1008));
}

#[tokio::test]
async fn idle_login_failure_counts_are_pruned_but_live_locks_kept() {
    use investment_system::server::accounts::login_failures;
    let app = spawn_app_with(None, &[]).await;
    let insert = |email: &'static str, locked_until: Option<i64>, updated_at: i64| {
        sqlx::query(
            "INSERT INTO login_failures (email, address, failures, locked_until, updated_at) \
             VALUES ($1, '203.0.113.1', 3, $2, $3)",
        )
        .bind(email)
        .bind(locked_until)
        .bind(updated_at)
        .execute(app.db.pool())
    };
    let now = investment_system::server::clock::now_unix();
    insert("idle@example.com", None, now - 3_600).await.unwrap();
    insert("locked@example.com", Some(now + 600), now - 3_600)
        .await
        .unwrap();
    insert("recent@example.com", None, now - 60).await.unwrap();
    let pruned = login_failures::prune(&app.db, now - 900, now)
        .await
        .unwrap();
    assert_eq!(pruned, 1);
    let left: Vec<String> = sqlx::query_scalar("SELECT email FROM login_failures ORDER BY email")
        .fetch_all(app.db.pool())
        .await
        .unwrap();
    assert_eq!(left, ["locked@example.com", "recent@example.com"]);
}
