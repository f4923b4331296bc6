//! Every API rejection answers in the error envelope: malformed JSON, wrong types,
//! missing fields, missing content type, oversized bodies.

use crate::common::{error_of, spawn_app};

async fn post_raw(
    body: impl Into<reqwest::Body>,
    content_type: Option<&str>,
) -> (u16, String, serde_json::Value) {
    let app = spawn_app().await;
    let mut request = app.client.post(app.url("/api/v1/auth/register")).body(body);
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    error_of(request.send().await.unwrap()).await
}

#[tokio::test]
async fn malformed_json_is_invalid_json() {
    let (status, code, details) = post_raw("{\"email\": ", Some("application/json")).await;
    assert_eq!((status, code.as_str()), (400, "INVALID_JSON"));
    assert!(details["reason"].is_string());
}

#[tokio::test]
async fn wrong_types_are_a_validation_error() {
    let (status, code, details) = post_raw(
        r#"{"email": 42, "password": true}"#,
        Some("application/json"),
    )
    .await;
    assert_eq!((status, code.as_str()), (422, "VALIDATION_ERROR"));
    assert!(details["reason"].as_str().unwrap().contains("email"));
}

#[tokio::test]
async fn missing_fields_are_a_validation_error() {
    let (status, code, details) =
        post_raw(r#"{"email": "a@example.com"}"#, Some("application/json")).await;
    assert_eq!((status, code.as_str()), (422, "VALIDATION_ERROR"));
    assert!(details["reason"].as_str().unwrap().contains("password"));
}

#[tokio::test]
async fn a_body_without_json_content_type_is_unsupported() {
    let (status, code, _) = post_raw(r#"{"email": "a@example.com"}"#, Some("text/plain")).await;
    assert_eq!((status, code.as_str()), (415, "UNSUPPORTED_MEDIA_TYPE"));
}

#[tokio::test]
async fn bodies_over_one_mebibyte_are_payload_too_large() {
    let big = format!(
        r#"{{"email": "a@example.com", "password": "{}"}}"#,
        "x".repeat(1024 * 1024)
    );
    let (status, code, _) = post_raw(big, Some("application/json")).await;
    assert_eq!((status, code.as_str()), (413, "PAYLOAD_TOO_LARGE"));
}
