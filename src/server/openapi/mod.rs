//! The OpenAPI 3.1 document of `/api/v1`, generated from the handlers' own
//! `#[utoipa::path]` annotations (utoipa), served at `/openapi.json`, and an
//! interactive reference at `/docs` whose Swagger UI assets we serve ourselves.
//!
//! The REST router is built only through utoipa-axum's `routes!`, which takes each
//! route's method and path from its documentation: a handler without
//! documentation cannot be routed, and `tests/it/openapi.rs` fails on a plain
//! `.route(` in `src/server/rest/` and on any documented operation that is not served.

pub mod errors;
pub mod serve;

use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::OpenApi as Document;
use utoipa::{Modify, OpenApi};

use crate::server::auth::current_user::API_KEY_HEADER;

/// Names of the security schemes, as handlers' `security(...)` refer to them.
pub const BEARER: &str = "bearer";
pub const API_KEY: &str = "api_key";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "investment_system API",
        description = "Investment signals with their reasons, price history, indicators, backtests, \
                       watchlists and accounts. Every error answers in one envelope: \
                       `{\"error\":{\"code\",\"message\",\"details\",\"correlation_id\",\"timestamp\"}}` \
                       (codes in docs/ERRORS.md). Authenticate with `Authorization: Bearer <access token>` \
                       from `/api/v1/auth/login`, or `X-API-Key`. Rate limits depend on the tier and are \
                       reported in `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset`."
    ),
    servers((url = "/", description = "This server")),
    modifiers(&SecuritySchemes),
    components(schemas(errors::ErrorEnvelope, errors::ErrorBody)),
    tags(
        (name = "auth", description = "Accounts and tokens"),
        (name = "me", description = "The caller's profile, password and audit trail"),
        (name = "api-keys", description = "Keys for scripts and servers"),
        (name = "market", description = "Daily prices, CSV imports and indicators"),
        (name = "signals", description = "BUY/SELL/HOLD signals with confidence and reasons"),
        (name = "backtest", description = "Strategies replayed on history"),
        (name = "watchlists", description = "Named lists of symbols"),
        (name = "screener", description = "Every symbol screened by indicator conditions and model verdicts; saved screens"),
        (name = "admin", description = "Administrators only"),
        (name = "sonar", description = "SONAR, the code index: ranked context for assistants, file neighbours, secrets, metrics")
    )
)]
pub struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut Document) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            BEARER,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "An access token from POST /api/v1/auth/login (15 minutes).",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            API_KEY,
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                API_KEY_HEADER,
                "A key from POST /api/v1/api-keys: `ik_<id>:sk_<secret>`.",
            ))),
        );
    }
}
