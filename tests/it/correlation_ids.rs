//! Every response carries `x-correlation-id`: the client's when it sent a sane one.

use crate::common::spawn_app;

async fn correlation_of(headers: &[(&str, &str)]) -> String {
    let app = spawn_app().await;
    let mut request = app.client.get(app.url("/healthz"));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    response
        .headers()
        .get("x-correlation-id")
        .expect("x-correlation-id header")
        .to_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn echoes_the_clients_correlation_id() {
    assert_eq!(
        correlation_of(&[("x-correlation-id", "abc-123")]).await,
        "abc-123"
    );
}

#[tokio::test]
async fn accepts_x_request_id_too() {
    assert_eq!(
        correlation_of(&[("x-request-id", "req-42")]).await,
        "req-42"
    );
}

#[tokio::test]
async fn generates_a_uuid_when_none_is_sent() {
    let id = correlation_of(&[]).await;
    let parsed = uuid::Uuid::parse_str(&id).expect("a UUID");
    assert_eq!(parsed.get_version_num(), 4);
}

#[tokio::test]
async fn replaces_an_unsafe_id_with_a_generated_one() {
    let id = correlation_of(&[("x-correlation-id", "evil\"id with spaces")]).await;
    assert!(uuid::Uuid::parse_str(&id).is_ok(), "{id}");
}

#[tokio::test]
async fn page_responses_carry_it_as_well() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/"))
        .header("x-correlation-id", "page-1")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-correlation-id"], "page-1");
}
