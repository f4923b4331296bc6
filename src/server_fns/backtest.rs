//! The backtest page's server function: the page's form (as its URL carries it) run
//! by the same service as `POST /api/v1/backtest`.

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
