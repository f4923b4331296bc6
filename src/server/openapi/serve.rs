//! `GET /openapi.json` and `GET /docs`: the document the REST routes registered
//! themselves into, and the Swagger UI page that reads it.

use axum::http::header::CONTENT_TYPE;
use axum::response::{Html, IntoResponse, Response};
use utoipa::openapi::OpenApi as Document;

/// The document, made with the REST routes (which register every operation into it).
pub fn document() -> &'static Document {
    &crate::server::rest::api().1
}

/// `GET /openapi.json`.
pub async fn openapi_json() -> Response {
    match document().to_json() {
        Ok(json) => ([(CONTENT_TYPE, "application/json")], json).into_response(),
        Err(error) => {
            crate::server::api_error::ApiError::internal("serialising the OpenAPI document", error)
                .into_response()
        }
    }
}

/// `GET /docs`: Swagger UI from `/vendor/swagger-ui/` (copied from the npm package
/// by `make`), started by our own script so the page needs no inline code.
pub async fn docs_page() -> Html<&'static str> {
    Html(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>investment_system API reference</title>
<link rel="stylesheet" href="/vendor/swagger-ui/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/docs-init.js"></script>
</body>
</html>
"#,
    )
}
