//! Watchlists on the wire.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct WatchlistView {
    pub id: String,
    pub name: String,
    /// In the order they were added.
    pub symbols: Vec<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// `POST /api/v1/watchlists`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewWatchlist {
    pub name: String,
    /// Symbols to start with (all are checked; any bad one creates nothing).
    #[serde(default)]
    pub symbols: Vec<String>,
}

/// `PATCH /api/v1/watchlists/{id}`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RenameWatchlist {
    pub name: String,
}

/// `POST /api/v1/watchlists/{id}/symbols`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AddSymbol {
    pub symbol: String,
}

/// `GET /api/v1/watchlists`: the lists and how much of the tier's allowance they use.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Watchlists {
    pub watchlists: Vec<WatchlistView>,
    pub usage: WatchlistUsage,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct WatchlistUsage {
    pub watchlists: u32,
    /// `None`: unlimited.
    pub watchlists_limit: Option<u32>,
    /// Symbols over all the user's watchlists.
    pub symbols: u32,
    pub symbols_limit: Option<u32>,
}
