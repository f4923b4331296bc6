//! The backtest page's server functions: the page's form (as its URL carries it) run
//! by the same services as `POST /api/v1/backtest` and `/api/v1/backtest/optimize`.

use leptos::prelude::*;

use super::error::AppError;
use crate::wire::backtest::BacktestReport;

/// `None` until the form names a symbol; signed out is `AUTHENTICATION_REQUIRED`.
#[server(endpoint = "run_backtest")]
pub async fn run_backtest(
    form: crate::wire::backtest_form::BacktestForm,
) -> Result<Option<BacktestReport>, AppError> {
    use crate::server::api_error::ApiError;
    let (state, user) = super::session::signed_in().await?;
    let request = form
        .to_request()
        .map_err(|(field, reason)| AppError::from(ApiError::invalid_field(field, &reason)))?;
    match request {
        Some(request) => Ok(Some(
            crate::server::backtests::run(
                &axum::extract::FromRef::from_ref(&state),
                &user,
                request,
            )
            .await?,
        )),
        None => Ok(None),
    }
}

/// The best runs the Optimise page lists.
pub const TOP_RUNS: usize = 10;

/// Optimise mode: the form's sweep by the same service as
/// `POST /api/v1/backtest/optimize`, cut down to what the page shows.
#[server(endpoint = "run_optimize")]
pub async fn run_optimize(
    form: crate::wire::backtest_form::BacktestForm,
) -> Result<Option<crate::wire::optimize::OptimizeView>, AppError> {
    use crate::server::api_error::ApiError;
    use crate::wire::optimize::OptimizeView;
    let (state, user) = super::session::signed_in().await?;
    let request = form
        .to_optimize_request()
        .map_err(|(field, reason)| AppError::from(ApiError::invalid_field(field, &reason)))?;
    let Some(request) = request else {
        return Ok(None);
    };
    let report = crate::server::optimize::optimize(
        &axum::extract::FromRef::from_ref(&state),
        &user,
        request,
    )
    .await?;
    let view = OptimizeView::of(report, TOP_RUNS)
        .map_err(|reason| AppError::from(ApiError::invalid_field("maximize", &reason)))?;
    Ok(Some(view))
}

/// Portfolio mode: the form's portfolio by the same service as
/// `POST /api/v1/backtest/portfolio`.
#[server(endpoint = "run_portfolio")]
pub async fn run_portfolio(
    form: crate::wire::portfolio_form::PortfolioForm,
) -> Result<Option<crate::wire::portfolio::PortfolioReport>, AppError> {
    use crate::server::api_error::ApiError;
    let (state, user) = super::session::signed_in().await?;
    let request = form
        .to_request()
        .map_err(|(field, reason)| AppError::from(ApiError::invalid_field(field, &reason)))?;
    let Some(request) = request else {
        return Ok(None);
    };
    let report =
        crate::server::portfolios::run(&axum::extract::FromRef::from_ref(&state), &user, request)
            .await?;
    Ok(Some(report))
}
