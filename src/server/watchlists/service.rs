//! A user's watchlists: every change checks the tier's limits and the user's
//! ownership first and writes in one transaction; another user's watchlist answers
//! as a missing one (404), never as forbidden.

use std::sync::Arc;

use serde_json::json;
use sqlx::{Any, Transaction};

use super::store::{self, WatchlistRow};
use crate::domain::symbol::Symbol;
use crate::domain::watchlist::WatchlistName;
use crate::error_catalog::ErrorCode;
use crate::server::accounts::users;
use crate::server::api_error::ApiError;
use crate::server::auth::current_user::CurrentUser;
use crate::server::clock::{now_unix_ms, unix_ms_to_rfc3339};
use crate::server::db::Database;
use crate::server::market::parse_symbol;
use crate::server::market::service::MarketData;
use crate::wire::watchlists::{NewWatchlist, WatchlistUsage, WatchlistView, Watchlists};

fn view(row: &WatchlistRow, symbols: Vec<Symbol>) -> WatchlistView {
    WatchlistView {
        id: row.id.clone(),
        name: row.name.clone(),
        symbols: symbols.into_iter().map(String::from).collect(),
        created_at: unix_ms_to_rfc3339(row.created_at),
        updated_at: unix_ms_to_rfc3339(row.updated_at),
    }
}

fn parse_name(raw: &str) -> Result<WatchlistName, ApiError> {
    WatchlistName::parse(raw).map_err(|reason| ApiError::invalid_field("name", &reason))
}

fn not_found(id: &str) -> ApiError {
    ApiError::new(ErrorCode::WatchlistNotFound).with_details(json!({ "id": id }))
}

/// What the watchlist service uses: the database, and the series that say whether a
/// symbol has data.
#[derive(Clone)]
pub struct WatchlistDeps {
    pub db: Database,
    pub market: Arc<MarketData>,
}

/// A symbol that is well formed and has price data (the provider is asked if need be).
async fn known_symbol(
    deps: &WatchlistDeps,
    user: &CurrentUser,
    raw: &str,
) -> Result<Symbol, ApiError> {
    let symbol = parse_symbol(raw)?;
    deps.market
        .series(&deps.db, &symbol, Some(&user.id))
        .await?;
    Ok(symbol)
}

/// Refuses `extra` more symbols past the tier's allowance (of `used`).
fn check_symbol_room(user: &CurrentUser, used: i64, extra: usize) -> Result<(), ApiError> {
    if let Some(limit) = user.tier.limits().watchlist_symbols {
        if used as usize + extra > limit as usize {
            return Err(
                ApiError::new(ErrorCode::WatchlistSymbolLimit).with_details(json!({
                    "limit": limit,
                    "used": used,
                    "requested": extra,
                    "tier": user.tier.as_str(),
                })),
            );
        }
    }
    Ok(())
}

/// Refuses one more watchlist past the tier's allowance (of `lists`).
fn check_watchlist_room(user: &CurrentUser, lists: i64) -> Result<(), ApiError> {
    match user.tier.limits().watchlists {
        Some(limit) if lists >= i64::from(limit) => Err(ApiError::new(ErrorCode::WatchlistLimit)
            .with_details(json!({ "limit": limit, "used": lists, "tier": user.tier.as_str() }))),
        _ => Ok(()),
    }
}

/// A transaction holding the user's lock, once watchlist `id` is known to be theirs.
async fn begin_change(
    deps: &WatchlistDeps,
    user: &CurrentUser,
    id: &str,
) -> Result<Transaction<'static, Any>, ApiError> {
    let mut tx = deps.db.begin().await?;
    users::lock_for_limits(&mut tx, &user.id).await?;
    store::find(&mut *tx, &user.id, id)
        .await?
        .ok_or_else(|| not_found(id))?;
    Ok(tx)
}

pub async fn list(deps: &WatchlistDeps, user: &CurrentUser) -> Result<Watchlists, ApiError> {
    let rows = store::list(&deps.db, &user.id).await?;
    let symbols = store::symbols_of_user(&deps.db, &user.id).await?;
    let total = symbols.len();
    let watchlists = rows
        .iter()
        .map(|row| {
            let mine = symbols
                .iter()
                .filter(|(id, _)| *id == row.id)
                .map(|(_, symbol)| symbol.clone())
                .collect();
            view(row, mine)
        })
        .collect::<Vec<_>>();
    let limits = user.tier.limits();
    Ok(Watchlists {
        usage: WatchlistUsage {
            watchlists: watchlists.len() as u32,
            watchlists_limit: limits.watchlists,
            symbols: total as u32,
            symbols_limit: limits.watchlist_symbols,
        },
        watchlists,
    })
}

pub async fn get(
    deps: &WatchlistDeps,
    user: &CurrentUser,
    id: &str,
) -> Result<WatchlistView, ApiError> {
    let row = store::find(deps.db.pool(), &user.id, id)
        .await?
        .ok_or_else(|| not_found(id))?;
    let symbols = store::symbols(deps.db.pool(), id).await?;
    Ok(view(&row, symbols))
}

pub async fn create(
    deps: &WatchlistDeps,
    user: &CurrentUser,
    request: &NewWatchlist,
) -> Result<WatchlistView, ApiError> {
    let name = parse_name(&request.name)?;
    // The limits first: a user at their cap gets no provider lookups out of us.
    let (lists, used) = store::counts(deps.db.pool(), &user.id).await?;
    check_watchlist_room(user, lists)?;
    check_symbol_room(user, used, request.symbols.len())?;
    let mut symbols: Vec<Symbol> = Vec::with_capacity(request.symbols.len());
    for raw in &request.symbols {
        let symbol = known_symbol(deps, user, raw).await?;
        if symbols.contains(&symbol) {
            return Err(ApiError::new(ErrorCode::DuplicateSymbols)
                .with_details(json!({ "symbol": symbol.as_str() })));
        }
        symbols.push(symbol);
    }
    let now = now_unix_ms();
    let row = WatchlistRow {
        id: uuid::Uuid::now_v7().to_string(),
        name: name.as_str().to_string(),
        created_at: now,
        updated_at: now,
    };
    let mut tx = deps.db.begin().await?;
    users::lock_for_limits(&mut tx, &user.id).await?;
    let (lists, used) = store::counts(&mut *tx, &user.id).await?;
    check_watchlist_room(user, lists)?;
    check_symbol_room(user, used, symbols.len())?;
    if store::name_taken(&mut *tx, &user.id, &name.key(), "").await? {
        return Err(ApiError::new(ErrorCode::WatchlistNameTaken)
            .with_details(json!({ "name": name.as_str() })));
    }
    store::insert(&mut tx, &user.id, &row, &name.key()).await?;
    for symbol in &symbols {
        store::add_symbol(&mut tx, &row.id, symbol, now).await?;
    }
    tx.commit().await?;
    Ok(view(&row, symbols))
}

pub async fn rename(
    deps: &WatchlistDeps,
    user: &CurrentUser,
    id: &str,
    raw_name: &str,
) -> Result<WatchlistView, ApiError> {
    let name = parse_name(raw_name)?;
    let mut tx = begin_change(deps, user, id).await?;
    if store::name_taken(&mut *tx, &user.id, &name.key(), id).await? {
        return Err(ApiError::new(ErrorCode::WatchlistNameTaken)
            .with_details(json!({ "name": name.as_str() })));
    }
    store::rename(&mut tx, id, name.as_str(), &name.key(), now_unix_ms()).await?;
    tx.commit().await?;
    get(deps, user, id).await
}

pub async fn delete(deps: &WatchlistDeps, user: &CurrentUser, id: &str) -> Result<(), ApiError> {
    let mut tx = begin_change(deps, user, id).await?;
    store::delete(&mut tx, id).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn add_symbol(
    deps: &WatchlistDeps,
    user: &CurrentUser,
    id: &str,
    raw: &str,
) -> Result<WatchlistView, ApiError> {
    // Ownership first: someone else's watchlist is missing, whatever the symbol.
    get(deps, user, id).await?;
    // The limit first: a user at their cap gets no provider lookups out of us.
    let (_, used) = store::counts(deps.db.pool(), &user.id).await?;
    check_symbol_room(user, used, 1)?;
    let symbol = known_symbol(deps, user, raw).await?;
    let mut tx = begin_change(deps, user, id).await?;
    if store::symbols(&mut *tx, id).await?.contains(&symbol) {
        return Err(ApiError::new(ErrorCode::SymbolAlreadyInWatchlist)
            .with_details(json!({ "symbol": symbol.as_str() })));
    }
    let (_, used) = store::counts(&mut *tx, &user.id).await?;
    check_symbol_room(user, used, 1)?;
    let now = now_unix_ms();
    store::add_symbol(&mut tx, id, &symbol, now).await?;
    store::touch(&mut tx, id, now).await?;
    tx.commit().await?;
    get(deps, user, id).await
}

/// Adds every symbol not yet on the list (the screener's selected rows), in one
/// transaction: all of them or none. Answers the list and how many were new.
pub async fn add_symbols(
    deps: &WatchlistDeps,
    user: &CurrentUser,
    id: &str,
    raws: &[String],
) -> Result<(WatchlistView, usize), ApiError> {
    let current = get(deps, user, id).await?;
    if raws.is_empty() {
        return Err(ApiError::invalid_field(
            "symbols",
            "choose at least one symbol",
        ));
    }
    let mut new: Vec<Symbol> = Vec::new();
    for raw in raws {
        let symbol = parse_symbol(raw)?;
        if !current.symbols.iter().any(|s| s == symbol.as_str()) && !new.contains(&symbol) {
            new.push(symbol);
        }
    }
    // The limit before any lookup, as for one symbol.
    let (_, used) = store::counts(deps.db.pool(), &user.id).await?;
    check_symbol_room(user, used, new.len())?;
    for symbol in &new {
        known_symbol(deps, user, symbol.as_str()).await?;
    }
    let mut tx = begin_change(deps, user, id).await?;
    let present = store::symbols(&mut *tx, id).await?;
    new.retain(|symbol| !present.contains(symbol));
    let (_, used) = store::counts(&mut *tx, &user.id).await?;
    check_symbol_room(user, used, new.len())?;
    let now = now_unix_ms();
    for symbol in &new {
        store::add_symbol(&mut tx, id, symbol, now).await?;
    }
    store::touch(&mut tx, id, now).await?;
    tx.commit().await?;
    Ok((get(deps, user, id).await?, new.len()))
}

pub async fn remove_symbol(
    deps: &WatchlistDeps,
    user: &CurrentUser,
    id: &str,
    raw: &str,
) -> Result<WatchlistView, ApiError> {
    get(deps, user, id).await?;
    let symbol = parse_symbol(raw)?;
    let mut tx = deps.db.begin().await?;
    if !store::remove_symbol(&mut tx, id, &symbol).await? {
        return Err(ApiError::new(ErrorCode::SymbolNotInWatchlist)
            .with_details(json!({ "symbol": symbol.as_str() })));
    }
    store::touch(&mut tx, id, now_unix_ms()).await?;
    tx.commit().await?;
    get(deps, user, id).await
}
