//! The layering ARCHITECTURE.md describes, checked on the source: pure modules never
//! reach the server, services never reach the HTTP layer or the whole application
//! state, infrastructure never reaches services.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Files under `paths` (folders or files, relative to `src/`) that mention one of
/// `forbidden` outside comments, except `allowed` (relative paths).
fn offenders(paths: &[&str], forbidden: &[&str], allowed: &[&str]) -> Vec<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    for path in paths {
        let full = src.join(path);
        if full.is_dir() {
            rust_files(&full, &mut files);
        } else {
            files.push(full);
        }
    }
    let mut found = Vec::new();
    for file in files {
        let relative = file.strip_prefix(&src).unwrap().display().to_string();
        // Test modules quote source code as fixtures.
        if allowed.contains(&relative.as_str()) || relative.ends_with("tests.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for (number, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            if let Some(hit) = forbidden.iter().find(|f| code.contains(*f)) {
                found.push(format!("{relative}:{}: {hit}", number + 1));
            }
        }
    }
    found
}

#[test]
fn pure_modules_know_nothing_of_the_server_or_the_pages() {
    let pure = [
        "domain",
        "indicators",
        "market",
        "signals",
        "backtest",
        "screener",
        "sonar",
        "wire",
        "error_catalog.rs",
    ];
    let found = offenders(
        &pure,
        &[
            "crate::server",
            "crate::pages",
            "crate::components",
            "crate::server_fns",
            "sqlx",
            "axum::",
        ],
        &[],
    );
    assert!(
        found.is_empty(),
        "pure modules importing upwards: {found:#?}"
    );
}

#[test]
fn services_take_their_own_handles_and_never_the_http_layer() {
    let services = [
        "server/accounts",
        "server/signals",
        "server/watchlists",
        "server/market",
        "server/screener",
        "server/sonar",
        "server/backtests.rs",
        "server/dashboard.rs",
        "server/live/hub.rs",
        "server/live/admission.rs",
    ];
    let found = offenders(
        &services,
        &[
            "AppState",
            "crate::server::rest",
            "crate::server_fns",
            "crate::pages",
            "crate::server::router",
        ],
        &[],
    );
    assert!(found.is_empty(), "services reaching up: {found:#?}");
}

#[test]
fn infrastructure_knows_no_service() {
    let infrastructure = [
        "server/db",
        "server/config",
        "server/crypto",
        "server/events.rs",
        "server/clock.rs",
        "server/compute.rs",
        "server/redis_link.rs",
        "server/telemetry",
    ];
    let services = [
        "crate::server::accounts",
        "crate::server::signals::service",
        "crate::server::watchlists",
        "crate::server::market::service",
        "crate::server::screener",
        "crate::server::sonar",
        "crate::server::backtests",
        "crate::server::live",
        "crate::server::rest",
        "AppState",
    ];
    let found = offenders(&infrastructure, &services, &[]);
    assert!(found.is_empty(), "infrastructure reaching up: {found:#?}");
}

#[test]
fn the_checks_see_an_offence_when_there_is_one() {
    // The scanner itself: the REST layer does use AppState.
    assert!(!offenders(&["server/rest"], &["AppState"], &[]).is_empty());
}
