//! Server-rendered pages, the styled 404 page, and JSON errors for the API.

use std::time::Duration;

use crate::common::{spawn_app, spawn_app_with};
use investment_system::server::router;
use serde_json::Value;

#[tokio::test]
async fn unknown_api_route_answers_the_json_error_envelope() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/api/v1/no-such-thing"))
        .header("x-correlation-id", "corr-404")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let body: Value = response.json().await.unwrap();
    let error = &body["error"];
    assert_eq!(error["code"], "NOT_FOUND");
    assert!(!error["message"].as_str().unwrap().is_empty());
    assert_eq!(error["details"]["path"], "/api/v1/no-such-thing");
    assert_eq!(error["correlation_id"], "corr-404");
    chrono::DateTime::parse_from_rfc3339(error["timestamp"].as_str().unwrap()).unwrap();
}

#[tokio::test]
async fn unknown_api_route_is_json_for_every_method() {
    let app = spawn_app().await;
    for request in [
        app.client.post(app.url("/api/v1/widgets")),
        app.client.delete(app.url("/api")),
    ] {
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 404);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "NOT_FOUND");
    }
}

#[tokio::test]
async fn wrong_method_gets_a_json_405() {
    let app = spawn_app().await;
    let response = app.client.post(app.url("/healthz")).send().await.unwrap();
    assert_eq!(response.status(), 405);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "METHOD_NOT_ALLOWED");
}

#[tokio::test]
async fn unknown_page_renders_the_styled_404_page() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/no/such/page"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let html = response.text().await.unwrap();
    assert!(html.contains("Page not found"), "{html}");
    assert!(html.contains("data-testid=\"not-found\""));
    assert!(
        html.contains("/pkg/investment-system.css"),
        "stylesheet linked"
    );
    assert!(html.contains("investment_system"), "app shell rendered");
}

#[tokio::test]
async fn home_page_is_rendered_on_the_server() {
    let app = spawn_app().await;
    let response = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("Investment signals you can verify"));
    for label in ["Dashboard", "Markets", "Signals", "Backtest", "Account"] {
        assert!(html.contains(label), "nav item {label} missing");
    }
    assert!(
        html.contains(&format!("v{}", env!("CARGO_PKG_VERSION"))),
        "version in footer: {html}"
    );
    assert!(
        html.contains("/pkg/investment-system.js"),
        "hydration script"
    );
    // The status card is resolved on the server, not left as a loading state.
    assert!(html.contains("data-testid=\"system-status\""), "{html}");
}

#[tokio::test]
async fn theme_cookie_decides_the_first_paint() {
    let app = spawn_app().await;
    for (cookie, expected) in [
        (None, "system"),
        (Some("theme=dark"), "dark"),
        (Some("other=1; theme=light"), "light"),
        (Some("theme=neon"), "system"),
    ] {
        let mut request = app.client.get(app.url("/"));
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        let html = request.send().await.unwrap().text().await.unwrap();
        assert!(
            html.contains(&format!("<html lang=\"en\" data-theme=\"{expected}\"")),
            "cookie {cookie:?}: expected {expected}"
        );
    }
}

/// Building a router while another renders a page with a server-side resource must not
/// stall that page (leptos parks resources polled during route generation; the route
/// list is therefore generated once per process). Before the fix this hung within a
/// few rounds; each page now has 10 s to finish.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn building_routers_never_stalls_pages_being_rendered() {
    // Hundreds of page loads from one address: above the anonymous per-IP guard.
    let app = spawn_app_with(None, &[("SESSION_RATE_LIMIT_PER_MINUTE", "1000000")]).await;
    let state = app.state.clone();
    // Another test's server being built: its own thread and runtime, as in `cargo test`.
    let builder = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let _context = runtime.enter();
        for _ in 0..200 {
            drop(router::build(state.clone()));
        }
    });
    let mut rendered = 0;
    while !builder.is_finished() || rendered < 20 {
        let page = tokio::time::timeout(Duration::from_secs(10), async {
            let response = app.client.get(app.url("/")).send().await.unwrap();
            response.text().await.unwrap()
        })
        .await
        .expect("the home page finished rendering");
        assert!(page.contains("data-testid=\"system-status\""), "{page}");
        rendered += 1;
    }
    builder.join().unwrap();
}
