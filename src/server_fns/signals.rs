//! The signals page's server function, over the same services (and the same query
//! checks) as `/api/v1/signals` and `/api/v1/signals/track-record`.

use leptos::prelude::*;

use super::error::AppError;
use crate::wire::signals::SignalsPage;

/// Rows per page on the signals page.
pub const PAGE_SIZE: i64 = 25;

/// `None` when nobody is signed in (the page then sends the visitor to log in).
/// The filters travel as separate fields: a form or a URL may leave any of them out.
#[server(endpoint = "signal_listing")]
pub async fn signal_listing(
    symbol: Option<String>,
    signal: Option<String>,
    model: Option<String>,
    from: Option<String>,
    to: Option<String>,
    cursor: Option<String>,
) -> Result<Option<SignalsPage>, AppError> {
    use crate::server::signals::query::filter;
    use crate::server::signals::service::{self, SignalDeps};
    use crate::wire::signals::SignalQuery;
    use axum::extract::FromRef;
    let query = SignalQuery {
        symbol,
        signal,
        model,
        from,
        to,
        limit: None,
        cursor,
    };
    let state = expect_context::<crate::server::app_state::AppState>();
    let Some(user) = super::session::session_user(&state).await? else {
        return Ok(None);
    };
    let deps = SignalDeps::from_ref(&state);
    let (signals, next_cursor) = service::list(&deps, &user, &filter(&query)?, PAGE_SIZE).await?;
    let scope = SignalQuery {
        symbol: query.symbol.clone(),
        model: query.model.clone(),
        ..SignalQuery::default()
    };
    let track_record = service::track_record(&deps, &user, &filter(&scope)?).await?;
    Ok(Some(SignalsPage {
        signals,
        next_cursor,
        track_record,
    }))
}
