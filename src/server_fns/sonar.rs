//! The `/sonar` page's server functions, over the same service as `/sonar/*`.
//! Administrators only (`ADMIN_REQUIRED` otherwise).

use leptos::prelude::*;

use super::error::AppError;
use crate::wire::sonar::SonarOverview;

/// Files listed in the page's complexity table.
#[cfg(feature = "ssr")]
const COMPLEXITY_ROWS: usize = 25;

/// The index's metrics and findings, plus the ranked context for `symbols`/`query`
/// and the neighbours of `file` when asked (`None` when signed out).
#[server(endpoint = "sonar_page_data")]
pub async fn sonar_page_data(
    symbols: String,
    query: String,
    max_tokens: Option<usize>,
    file: String,
) -> Result<Option<SonarOverview>, AppError> {
    use crate::error_catalog::ErrorCode;
    use crate::server::sonar::service::{self, ContextQuestion, SonarDeps};
    use axum::extract::FromRef;

    let state = expect_context::<crate::server::app_state::AppState>();
    let Some(user) = super::session::session_user(&state).await? else {
        return Ok(None);
    };
    user.require_admin()?;
    let symbols = service::split_symbols(&symbols);
    let context = if symbols.is_empty() && query.trim().is_empty() {
        None
    } else {
        let question = ContextQuestion {
            symbols,
            query,
            max_tokens,
            ..ContextQuestion::default()
        };
        Some(service::context(&SonarDeps::from_ref(&state), question).await?)
    };
    let (file, file_missing) = if file.trim().is_empty() {
        (None, false)
    } else {
        match service::file_context(&SonarDeps::from_ref(&state), file.trim(), None).await {
            Ok(found) => (Some(found), false),
            Err(error) if error.code == ErrorCode::SonarFileNotFound => (None, true),
            Err(error) => return Err(error.into()),
        }
    };
    Ok(Some(SonarOverview {
        metrics: service::metrics(&SonarDeps::from_ref(&state), Some(COMPLEXITY_ROWS)).await?,
        security: service::security(&state.db).await?,
        run: state.sonar.latest(),
        context,
        file,
        file_missing,
    }))
}

/// Starts indexing `SONAR_ROOT` in the background (`SONAR_INDEX_RUNNING` while one runs).
#[server(endpoint = "sonar_start_index")]
pub async fn sonar_start_index() -> Result<(), AppError> {
    let (state, user) = super::session::signed_in().await?;
    user.require_admin()?;
    state.sonar.start(&state.db, &state.config.sonar_root)?;
    Ok(())
}
