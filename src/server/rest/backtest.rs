//! `POST /api/v1/backtest`.

use axum::extract::State;
use axum::Json;

use crate::server::api_error::{ApiError, ApiJson};
use crate::server::auth::current_user::CurrentUser;
use crate::server::backtests::{self, BacktestDeps};
use crate::server::openapi::errors::{CommonErrors, SignedInErrors};
use crate::wire::backtest::{BacktestReport, BacktestRequest};

/// Replays a strategy on a symbol's history (fills at the next bar's open,
/// commission on both sides, as backtesting.py does) and reports its statistics.
#[utoipa::path(post, path = "/backtest", tag = "backtest", security(("bearer" = []), ("api_key" = [])),
    request_body = BacktestRequest,
    responses((status = 200, description = "Statistics, equity curve and trades", body = BacktestReport),
        SignedInErrors, CommonErrors))]
pub async fn run(
    State(deps): State<BacktestDeps>,
    user: CurrentUser,
    ApiJson(request): ApiJson<BacktestRequest>,
) -> Result<Json<BacktestReport>, ApiError> {
    Ok(Json(backtests::run(&deps, &user, request).await?))
}
