//! `investment-system smoke` against a real test server: every check passes on a
//! healthy deployment, and a check that finds a fault fails.

use investment_system::domain::role::Role;
use investment_system::domain::tier::Tier;
use std::time::Duration;

use investment_system::server::accounts::users;
use investment_system::server::smoke::report::{Report, Status};
use investment_system::server::smoke::{run, Options};

use crate::common::{spawn_app, spawn_app_with, TestApp, STRONG_PASSWORD};

fn options(app: &TestApp, credentials: Option<(&str, &str)>) -> Options {
    Options {
        base_url: app.url(""),
        credentials: credentials.map(|(e, p)| (e.to_string(), p.to_string())),
        max_p95: Duration::from_millis(200),
    }
}

fn status_of(report: &Report, name: &str) -> Status {
    report
        .checks
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no {name} check in\n{}", report.lines()))
        .status
}

const ALL_CHECKS: [&str; 10] = [
    "health",
    "account",
    "rate_limit",
    "run",
    "export_csv",
    "sonar",
    "cors",
    "invalid_token",
    "invalid_json",
    "latency",
];

#[tokio::test]
async fn an_administrator_on_the_pro_tier_passes_every_check() {
    let app = spawn_app().await;
    app.register("ops@example.com", STRONG_PASSWORD).await;
    users::set_role_by_email(&app.db, "ops@example.com", Role::Admin, 0)
        .await
        .unwrap();
    let id: String = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind("ops@example.com")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    users::set_tier(app.db.pool(), &id, Tier::Pro, 0)
        .await
        .unwrap();

    let report = run(&options(&app, Some(("ops@example.com", STRONG_PASSWORD)))).await;
    assert!(report.succeeded(), "{}", report.lines());
    for name in ALL_CHECKS {
        assert_eq!(status_of(&report, name), Status::Pass, "{}", report.lines());
    }
    assert_eq!(report.checks.len(), ALL_CHECKS.len());
}

#[tokio::test]
async fn a_throw_away_free_account_skips_what_its_tier_cannot_afford() {
    let app = spawn_app().await;
    // In development the first account becomes an administrator: not the throw-away one.
    app.register("first@example.com", STRONG_PASSWORD).await;
    let report = run(&options(&app, None)).await;
    assert!(report.succeeded(), "{}", report.lines());
    let account = &report.checks[1];
    assert!(
        account
            .detail
            .starts_with("registered and logged in as smoke-"),
        "{}",
        account.detail
    );
    assert_eq!(status_of(&report, "sonar"), Status::Skip);
    assert_eq!(status_of(&report, "latency"), Status::Skip);
    for name in [
        "health",
        "rate_limit",
        "run",
        "export_csv",
        "cors",
        "invalid_token",
        "invalid_json",
    ] {
        assert_eq!(status_of(&report, name), Status::Pass, "{}", report.lines());
    }
}

#[tokio::test]
async fn faults_fail_their_checks() {
    // A CORS grant to any origin would be a fault; so would a wrong password.
    let app = spawn_app_with(
        None,
        &[("CORS_ALLOW_ORIGINS", "https://smoke-check.invalid")],
    )
    .await;
    let report = run(&options(
        &app,
        Some(("nobody@example.com", "Wrong-Pass-123!")),
    ))
    .await;
    assert!(!report.succeeded());
    assert_eq!(
        status_of(&report, "cors"),
        Status::Fail,
        "{}",
        report.lines()
    );
    assert_eq!(status_of(&report, "account"), Status::Fail);
    assert_eq!(status_of(&report, "run"), Status::Skip, "needs the account");
    assert_eq!(status_of(&report, "invalid_token"), Status::Pass);

    // Nothing listening: the health check fails with the reason.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = closed.local_addr().unwrap();
    drop(closed);
    let report = run(&Options {
        base_url: format!("http://{address}"),
        credentials: None,
        max_p95: Duration::from_millis(200),
    })
    .await;
    assert_eq!(report.checks[0].status, Status::Fail);
    assert!(
        report.checks[0].detail.contains("GET /health"),
        "{}",
        report.lines()
    );
}
