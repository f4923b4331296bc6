//! SONAR over HTTP, on both backends: a background index run polled to its end, ranked
//! context within the budget with secrets redacted, a file's neighbours, findings,
//! metrics and the Prometheus gauges; administrators only (metrics: everyone in
//! development).

use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use crate::common::{error_of, spawn_app_with, TestApp, TEST_JWT_SECRET};

fn write(root: &Path, path: &str, text: &str) {
    let full = root.join(path);
    std::fs::create_dir_all(full.parent().unwrap()).unwrap();
    std::fs::write(full, text).unwrap();
}

/// A small project: a service using a model, an unrelated footer, and a leaked key.
fn project() -> tempfile::TempDir {
    let tree = tempfile::tempdir().unwrap();
    let root = tree.path();
    write(
        root,
        "src/model.rs",
        "pub trait Model {\n    fn evaluate(&self) -> Snapshot;\n}\n\npub struct Snapshot {\n    pub rsi: f64,\n}\n",
    );
    let token = ["ghp_", "aB3dE5fG7hJ9kL1mN3pQ5rS7tV9wX1yZ3a5c"].concat();
    write(
        root,
        "src/service.rs",
        &format!(
            "use crate::model::{{Model, Snapshot}};\n\npub struct SignalService {{\n    model: Box<dyn Model>,\n}}\n\nimpl SignalService {{\n    pub fn run(&self) -> Vec<Snapshot> {{\n        let token = \"{token}\";\n        Vec::new()\n    }}\n}}\n"
        ),
    );
    write(
        root,
        "src/footer.rs",
        "pub fn render_footer() -> String {\n    String::new()\n}\n",
    );
    tree
}

async fn get(app: &TestApp, path: &str, token: &str) -> (u16, Value) {
    let response = app.get_with_token(path, token).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Starts a run and polls it until it ends.
async fn index_now(app: &TestApp, admin: &str) -> Value {
    let started = app
        .client
        .post(app.url("/sonar/index"))
        .bearer_auth(admin)
        .send()
        .await
        .unwrap();
    assert_eq!(started.status(), 202);
    let location = started.headers()["location"].to_str().unwrap().to_string();
    let run: Value = started.json().await.unwrap();
    assert_eq!(
        location,
        format!("/sonar/index/{}", run["id"].as_str().unwrap())
    );
    for _ in 0..200 {
        let (status, run) = get(app, &location, admin).await;
        assert_eq!(status, 200);
        if run["state"] != "running" {
            assert_eq!(run["state"], "succeeded", "{run}");
            return run;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the index run did not finish in 10 s");
}

on_both_backends!(sonar_routes_serve_the_index_to_administrators);

async fn sonar_routes_serve_the_index_to_administrators(app: &TestApp) {
    let tree = project();
    // The backends' shared test server indexes SONAR_ROOT; point this one at the tree.
    let app = &spawn_app_with(
        Some(&app.state.config.database_url),
        &[
            ("JWT_SECRET_KEY", TEST_JWT_SECRET),
            ("SONAR_ROOT", tree.path().to_str().unwrap()),
            ("ENABLE_METRICS", "true"),
        ],
    )
    .await;
    // Enterprise: the free tier's 10 calls a minute would not cover this test.
    let admin = app
        .user_on_tier("sonar-root@example.com", "enterprise")
        .await;
    let (_, member) = app.signed_in_user("sonar-member@example.com").await;

    // Before any run: an empty answer with a hint, not an error.
    let (status, empty) = get(app, "/sonar/context?symbols=SignalService", &admin).await;
    assert_eq!(status, 200);
    assert_eq!(empty["items"], serde_json::json!([]));
    assert_eq!(empty["index_version"], 0);
    assert!(empty["hint"].as_str().unwrap().contains("sonar index"));

    let run = index_now(app, &admin).await;
    let report = &run["report"];
    assert_eq!(
        (report["files"].as_u64(), report["changed"].as_u64()),
        (Some(3), Some(3))
    );
    assert_eq!(report["findings"], 1);
    let version = report["index_version"].as_i64().unwrap();
    let (status, latest) = get(app, "/sonar/index", &admin).await;
    assert_eq!((status, &latest["id"]), (200, &run["id"]));

    // Context: the match first and whole, its neighbours after, the footer left out.
    let (status, context) = get(
        app,
        "/sonar/context?symbols=SignalService&max_tokens=8000&max_files=20&depth=3",
        &admin,
    )
    .await;
    assert_eq!(status, 200, "{context}");
    assert_eq!(context["symbols"], serde_json::json!(["SignalService"]));
    assert_eq!(context["index_version"], version);
    assert_eq!(context["max_tokens"], 8000);
    let items = context["items"].as_array().unwrap();
    assert_eq!(items[0]["name"], "SignalService");
    assert_eq!(items[0]["path"], "src/service.rs");
    assert_eq!(items[0]["lines"], serde_json::json!([3, 5]));
    assert_eq!(
        items[0]["text"],
        "pub struct SignalService {\n    model: Box<dyn Model>,\n}"
    );
    let names: Vec<&str> = items.iter().map(|i| i["name"].as_str().unwrap()).collect();
    assert!(
        names.contains(&"Model") && names.contains(&"Snapshot"),
        "{names:?}"
    );
    assert!(!names.contains(&"render_footer"), "{names:?}");
    let used: u64 = items
        .iter()
        .map(|i| (i["text"].as_str().unwrap().chars().count() as u64).div_ceil(4))
        .sum();
    assert_eq!(context["tokens_used"].as_u64(), Some(used));
    let run_item = items.iter().find(|i| i["name"] == "run").unwrap();
    let text = run_item["text"].as_str().unwrap();
    assert!(
        text.contains("[REDACTED:github-token]") && !text.contains("ghp_aB3"),
        "{text}"
    );

    // A tight budget: signatures only, within it, and said to be truncated.
    let (_, tight) = get(
        app,
        "/sonar/context?symbols=SignalService&max_tokens=12",
        &admin,
    )
    .await;
    assert!(tight["tokens_used"].as_u64().unwrap() <= 12);
    assert_eq!(tight["truncated"], true);
    // Unknown identifiers: empty items and a hint naming them.
    let (status, none) = get(app, "/sonar/context?symbols=NoSuchThing", &admin).await;
    assert_eq!(status, 200);
    assert_eq!(none["items"], serde_json::json!([]));
    assert!(none["hint"].as_str().unwrap().contains("NoSuchThing"));
    // Bad numbers are a 422 naming the field.
    let (status, code, details) = error_of(
        app.get_with_token("/sonar/context?symbols=x&max_tokens=0", &admin)
            .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (422, "VALIDATION_ERROR"));
    assert!(details["fields"]["max_tokens"].is_string(), "{details}");

    // A file's neighbours, with the path's slashes plain or encoded.
    for path in [
        "/sonar/files/src/service.rs/context",
        "/sonar/files/src%2Fservice.rs/context",
    ] {
        let (status, file) = get(app, path, &admin).await;
        assert_eq!(status, 200, "{path}: {file}");
        assert_eq!(file["dependencies"][0]["path"], "src/model.rs");
        assert!(file["dependencies"][0]["via"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v == "imports"));
        assert_eq!(file["dependents"], serde_json::json!([]));
        assert!(file["definitions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["name"] == "run"));
    }
    let (_, model) = get(app, "/sonar/files/src/model.rs/context", &admin).await;
    assert_eq!(model["dependents"][0]["path"], "src/service.rs");
    let (status, code, _) = error_of(
        app.get_with_token("/sonar/files/src/nope.rs/context", &admin)
            .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (404, "SONAR_FILE_NOT_FOUND"));

    // Findings: redacted, never the secret.
    let (status, security) = get(app, "/sonar/security", &admin).await;
    assert_eq!(status, 200);
    assert_eq!(security["total"], 1);
    let finding = &security["findings"][0];
    assert_eq!(
        (
            finding["rule"].as_str(),
            finding["path"].as_str(),
            finding["line"].as_u64()
        ),
        (Some("github-token"), Some("src/service.rs"), Some(9))
    );
    assert!(!security.to_string().contains("aB3dE5fG7h"));

    // Metrics, and the Prometheus gauges from the same run.
    let (status, metrics) = get(app, "/sonar/metrics", &admin).await;
    assert_eq!(status, 200);
    assert_eq!(
        (metrics["files"].as_u64(), metrics["secrets_found"].as_u64()),
        (Some(3), Some(1))
    );
    assert_eq!(metrics["index_version"], version);
    let kinds = |field: &str| -> Vec<String> {
        metrics[field]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["kind"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(kinds("edges_by_kind").contains(&"imports".to_string()));
    assert!(kinds("nodes_by_kind").contains(&"file".to_string()));
    let model_row = metrics["complexity"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "src/model.rs")
        .unwrap();
    assert_eq!(
        (model_row["fan_in"].as_u64(), model_row["fan_out"].as_u64()),
        (Some(1), Some(0))
    );
    assert_eq!(model_row["definitions"], 3, "Model, evaluate, Snapshot");
    // The recorder is process-wide and other tests scrape their own databases into
    // it at the same time: accept the first scrape that shows this run's numbers.
    let mut seen = Vec::new();
    for _ in 0..20 {
        let prometheus = app.get_text("/metrics").await;
        let gauge = |name: &str| -> f64 {
            prometheus
                .lines()
                .find_map(|l| l.strip_prefix(&format!("{name} ")))
                .unwrap_or_else(|| panic!("{name} missing"))
                .parse()
                .unwrap()
        };
        let now = (
            gauge("sonar_nodes"),
            gauge("sonar_edges"),
            gauge("sonar_index_duration_seconds"),
        );
        if (now.0, now.1)
            == (
                metrics["nodes"].as_f64().unwrap(),
                metrics["edges"].as_f64().unwrap(),
            )
        {
            assert!(now.2 >= 0.0);
            seen.clear();
            break;
        }
        seen.push(now);
    }
    assert!(
        seen.is_empty(),
        "the gauges never showed this run: {seen:?}"
    );

    // Members are refused everywhere but metrics (development).
    for path in [
        "/sonar/context?symbols=SignalService",
        "/sonar/files/src/model.rs/context",
        "/sonar/security",
        "/sonar/index",
    ] {
        let (status, code, _) = error_of(app.get_with_token(path, &member).await).await;
        assert_eq!((status, code.as_str()), (403, "ADMIN_REQUIRED"), "{path}");
    }
    let refused = app
        .client
        .post(app.url("/sonar/index"))
        .bearer_auth(&member)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    let anonymous = app
        .client
        .get(app.url("/sonar/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        anonymous.status(),
        200,
        "development lets everyone read metrics"
    );

    // A run made elsewhere (the command line, another instance) is picked up: queries
    // go on being answered, from the index loaded before until the new one is in.
    std::fs::write(
        tree.path().join("src/footer.rs"),
        "pub fn render_footer() -> String {\n    String::new()\n}\n\npub struct FooterTheme;\n",
    )
    .unwrap();
    let elsewhere = investment_system::server::sonar::index::index(
        &app.db,
        tree.path(),
        investment_system::server::sonar::scan::Limits::default(),
        |_, _| {},
    )
    .await
    .unwrap();
    assert_eq!(elsewhere.version, version + 1);
    let mut answered = Vec::new();
    for _ in 0..100 {
        let (status, context) = get(app, "/sonar/context?symbols=FooterTheme", &admin).await;
        assert_eq!(status, 200, "{context}");
        answered.push(context["index_version"].as_i64().unwrap());
        if context["index_version"] == elsewhere.version {
            assert_eq!(context["items"][0]["name"], "FooterTheme");
            break;
        }
        assert_eq!(context["items"], serde_json::json!([]), "the old index");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(answered.last(), Some(&elsewhere.version), "{answered:?}");
}

#[tokio::test]
async fn outside_development_metrics_are_for_administrators() {
    let mut vars = crate::common::strict_vars("staging");
    // Outside development, registering first makes nobody an administrator.
    vars.push(("ADMIN_EMAILS", "sonar-staging-root@example.com"));
    let app = spawn_app_with(None, &vars).await;
    let (status, code, _) = error_of(
        app.client
            .get(app.url("/sonar/metrics"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, code.as_str()), (401, "AUTHENTICATION_REQUIRED"));
    let admin = app
        .user_on_tier("sonar-staging-root@example.com", "enterprise")
        .await;
    let (_, member) = app.signed_in_user("sonar-staging-member@example.com").await;
    let (status, code, _) = error_of(app.get_with_token("/sonar/metrics", &member).await).await;
    assert_eq!((status, code.as_str()), (403, "ADMIN_REQUIRED"));
    assert_eq!(
        app.get_with_token("/sonar/metrics", &admin).await.status(),
        200
    );
}

#[tokio::test]
async fn a_second_run_while_one_is_going_is_refused() {
    let tree = project();
    for n in 0..1000 {
        write(
            tree.path(),
            &format!("src/gen/m{n}.rs"),
            &format!("pub fn f{n}() {{ crate::model::Model; }}\n"),
        );
    }
    let app = spawn_app_with(
        None,
        &[
            ("JWT_SECRET_KEY", TEST_JWT_SECRET),
            ("SONAR_ROOT", tree.path().to_str().unwrap()),
        ],
    )
    .await;
    let admin = app
        .user_on_tier("sonar-busy@example.com", "enterprise")
        .await;
    let post = || {
        app.client
            .post(app.url("/sonar/index"))
            .bearer_auth(&admin)
            .send()
    };
    assert_eq!(post().await.unwrap().status(), 202);
    let second = post().await.unwrap();
    let (status, code, details) = error_of(second).await;
    assert_eq!((status, code.as_str()), (409, "SONAR_INDEX_RUNNING"));
    assert!(details["id"].is_string());
    let run = index_after_current(&app, &admin).await;
    assert_eq!(run["report"]["files"], 1003, "{run}");
}

/// Waits for the current run to end, then returns it.
async fn index_after_current(app: &TestApp, admin: &str) -> Value {
    for _ in 0..400 {
        let (_, run) = get(app, "/sonar/index", admin).await;
        if run["state"] != "running" {
            return run;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the index run did not finish in 20 s");
}
