//! The OpenAPI document at `/openapi.json` and the reference at `/docs`: every
//! `/api/v1` route is documented, and every documented operation is served.

use std::path::Path;

use serde_json::Value;

use crate::common::{error_of, spawn_app_with, TestApp, TEST_JWT_SECRET};

async fn document(app: &TestApp) -> Value {
    let response = app
        .client
        .get(app.url("/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    response.json().await.unwrap()
}

#[tokio::test]
async fn the_document_is_openapi_3_1_with_schemas_errors_and_security() {
    let app = spawn_app_with(None, &[]).await;
    let doc = document(&app).await;
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    assert_eq!(schemes["api_key"]["in"], "header");
    assert_eq!(schemes["api_key"]["name"], "x-api-key");
    let envelope = &doc["components"]["schemas"]["ErrorBody"]["required"];
    for field in ["code", "message", "details", "timestamp"] {
        assert!(
            envelope.as_array().unwrap().iter().any(|f| f == field),
            "{field} not required in {envelope}"
        );
    }

    let run = &doc["paths"]["/api/v1/run"]["post"];
    assert_eq!(
        run["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/RunRequest"
    );
    assert_eq!(
        run["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/RunResponse"
    );
    assert_eq!(
        run["responses"]["401"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/ErrorEnvelope"
    );
    assert!(run["security"].as_array().unwrap().len() >= 2);
    let login = &doc["paths"]["/api/v1/auth/login"]["post"];
    assert!(
        login.get("security").is_none(),
        "login needs no credentials"
    );
    let signal = &doc["components"]["schemas"]["SignalView"]["properties"];
    for field in ["signal", "confidence", "reasons", "indicators"] {
        assert!(signal.get(field).is_some(), "SignalView lacks {field}");
    }
}

/// Every documented operation reaches a handler: the router never answers it with
/// its own "no such route" (404 `NOT_FOUND`) or 405.
#[tokio::test]
async fn every_documented_operation_is_served() {
    // POST /sonar/index starts a run: give it a tree of one file.
    let tree = tempfile::tempdir().unwrap();
    std::fs::write(tree.path().join("main.rs"), "fn main() {}\n").unwrap();
    let root = tree.path().to_str().unwrap();
    let app = spawn_app_with(
        None,
        &[("JWT_SECRET_KEY", TEST_JWT_SECRET), ("SONAR_ROOT", root)],
    )
    .await;
    let (_, token) = app.signed_in_user("openapi-walker@example.com").await;
    let doc = document(&app).await;
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 20, "{} paths", paths.len());
    let mut operations = 0;
    for (path, item) in paths {
        assert!(
            path.starts_with("/api/v1/") || path.starts_with("/sonar/"),
            "{path}"
        );
        let concrete = path
            .replace("{symbol}", "AAPL")
            .replace("{path}", "src%2Fmain.rs")
            .replace("{id}", "00000000-0000-0000-0000-000000000000");
        for (method, _) in item.as_object().unwrap() {
            let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let response = app
                .client
                .request(method.clone(), app.url(&concrete))
                .bearer_auth(&token)
                .json(&serde_json::json!({}))
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            assert_ne!(status, 405, "{method} {path}");
            if status == 404 {
                let (_, code, _) = error_of(response).await;
                assert_ne!(code, "NOT_FOUND", "{method} {path} has no route");
            }
            operations += 1;
        }
    }
    assert!(operations >= 30, "{operations} operations");
}

/// The other direction: `/api/v1` routes are only made by utoipa-axum's `routes!`,
/// which takes method and path from each handler's `#[utoipa::path]` (an
/// undocumented handler cannot be routed); a plain axum `.route(` would bypass it.
#[test]
fn no_api_route_is_added_outside_the_documented_router() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for entry in std::fs::read_dir(root.join("src/server/rest")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        // The one exception: SONAR's catch-all file route (documented as
        // /sonar/files/{path}/context, which the walk of documented operations serves).
        let text = text.replace(".route(SONAR_FILE_ROUTE", "");
        assert!(
            !text.contains(".route("),
            "{} adds a route that bypasses the OpenAPI document",
            path.display()
        );
        // Every handler the REST modules define is documented.
        let handlers = text.matches("pub async fn ").count();
        let documented = text.matches("#[utoipa::path(").count();
        assert_eq!(
            handlers,
            documented,
            "{}: undocumented handler",
            path.display()
        );
    }
    let app_router = std::fs::read_to_string(root.join("src/server/router.rs")).unwrap();
    assert!(
        !app_router.contains("\"/api/v1"),
        "src/server/router.rs routes /api/v1 paths itself"
    );
}

#[tokio::test]
async fn the_reference_page_loads_our_own_swagger_ui() {
    let app = spawn_app_with(None, &[]).await;
    let response = app.client.get(app.url("/docs")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    let html = response.text().await.unwrap();
    for asset in [
        "/vendor/swagger-ui/swagger-ui-bundle.js",
        "/vendor/swagger-ui/swagger-ui.css",
        "/docs-init.js",
    ] {
        assert!(html.contains(&format!("\"{asset}\"")), "{asset} missing");
    }
    assert!(!html.contains("https://"), "no asset from a CDN");
    let init =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("public/docs-init.js"))
            .unwrap();
    assert!(init.contains("url: \"/openapi.json\""));
}

/// The document is part of the contract: a change to any route, body or schema shows
/// here and is made on purpose (`UPDATE_OPENAPI_SNAPSHOT=1 cargo test --features ssr
/// --test it openapi` rewrites the snapshot, to be reviewed in the diff).
#[tokio::test]
async fn the_document_equals_the_committed_snapshot() {
    let app = spawn_app_with(None, &[]).await;
    let served = document(&app).await;
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/openapi.json");
    if std::env::var_os("UPDATE_OPENAPI_SNAPSHOT").is_some() {
        let pretty = serde_json::to_string_pretty(&served).unwrap();
        std::fs::write(&path, pretty + "\n").unwrap();
    }
    let committed: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert!(
        served == committed,
        "the OpenAPI document changed; if on purpose, rewrite tests/fixtures/openapi.json"
    );
}
