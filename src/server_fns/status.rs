//! The service's health, for the home page's status card. Same report as `GET /health`.

use leptos::prelude::*;

use crate::health::HealthReport;

#[server(endpoint = "system_status")]
pub async fn system_status() -> Result<HealthReport, ServerFnError> {
    let state = expect_context::<crate::server::app_state::AppState>();
    Ok(crate::server::health::report(&state).await)
}

/// Whether prices come from the synthetic demo market (the banner on every page).
#[server(endpoint = "demo_data_in_use")]
pub async fn demo_data_in_use() -> Result<bool, ServerFnError> {
    let state = expect_context::<crate::server::app_state::AppState>();
    Ok(state.market.is_demo())
}
