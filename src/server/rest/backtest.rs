//! `POST /api/v1/backtest`, `/api/v1/backtest/optimize` and `/api/v1/backtest/portfolio`.

use axum::extract::State;
use axum::Json;

use crate::server::api_error::{ApiError, ApiJson};
use crate::server::auth::current_user::CurrentUser;
use crate::server::backtests::{self, BacktestDeps};
use crate::server::openapi::errors::{CommonErrors, SignedInErrors};
use crate::server::optimize;
use crate::server::portfolios;
use crate::wire::backtest::{BacktestReport, BacktestRequest};
use crate::wire::optimize::{OptimizeReport, OptimizeRequest};
use crate::wire::portfolio::{PortfolioReport, PortfolioRequest};

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

/// Backtests every combination of the strategy's parameter grid (each numeric
/// parameter a number, a list or `{"start","stop","step"}`) with full statistics and
/// ranks them by `maximize`; with `walk_forward`, optimises each train window and
/// tests its choice on the window after it.
#[utoipa::path(post, path = "/backtest/optimize", tag = "backtest", security(("bearer" = []), ("api_key" = [])),
    request_body = OptimizeRequest,
    responses((status = 200, description = "Every run, the best, the heatmap", body = OptimizeReport),
        SignedInErrors, CommonErrors))]
pub async fn optimize(
    State(deps): State<BacktestDeps>,
    user: CurrentUser,
    ApiJson(request): ApiJson<OptimizeRequest>,
) -> Result<Json<OptimizeReport>, ApiError> {
    Ok(Json(optimize::optimize(&deps, &user, request).await?))
}

/// Backtests a portfolio with shared cash: on the first bar and each new period's
/// first bar every holding is brought to its target weight at the close (sells
/// before buys, commission on each order), as vectorbt's `from_orders` with
/// `targetpercent` and `cash_sharing` does; weights equal, by inverse volatility,
/// explicit, or following a signal model's BUYs.
#[utoipa::path(post, path = "/backtest/portfolio", tag = "backtest", security(("bearer" = []), ("api_key" = [])),
    request_body = PortfolioRequest,
    responses((status = 200, description = "Statistics, equity against the benchmark, rebalances, contributions", body = PortfolioReport),
        SignedInErrors, CommonErrors))]
pub async fn portfolio(
    State(deps): State<BacktestDeps>,
    user: CurrentUser,
    ApiJson(request): ApiJson<PortfolioRequest>,
) -> Result<Json<PortfolioReport>, ApiError> {
    Ok(Json(portfolios::run(&deps, &user, request).await?))
}
