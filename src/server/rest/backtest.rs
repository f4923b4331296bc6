//! `POST /api/v1/backtest`.

use axum::extract::State;
use axum::Json;

use crate::server::api_error::{ApiError, ApiJson};
use crate::server::app_state::AppState;
use crate::server::auth::current_user::CurrentUser;
use crate::server::backtests;
use crate::wire::backtest::{BacktestReport, BacktestRequest};

pub async fn run(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(request): ApiJson<BacktestRequest>,
) -> Result<Json<BacktestReport>, ApiError> {
    Ok(Json(backtests::run(&state, &user, request).await?))
}
