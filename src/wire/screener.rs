//! `POST /api/v1/screen`, saved screens (`/api/v1/screens`) and the long-CSV import
//! (`POST /api/v1/prices/import`) on the wire.

use serde::{Deserialize, Serialize};

/// Which symbols a screen scans.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum Universe {
    /// `"all"`: the shared catalog and the caller's own imports.
    Named(String),
    Watchlist {
        watchlist_id: String,
    },
    Symbols(Vec<String>),
}

impl Default for Universe {
    fn default() -> Universe {
        Universe::Named("all".into())
    }
}

/// A number, or the name of another line (`"sma:200"`, `"close"`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum Operand {
    Number(f64),
    Line(String),
}

/// `{"indicator":"rsi:14","op":"<","value":30}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct WhereClause {
    /// A line: `close`, `open`, `high`, `low`, `volume`, `rsi:14`, `macd:12:26:9.hist`, …
    pub indicator: String,
    /// `<`, `<=`, `>`, `>=`, `crosses_above` or `crosses_below`.
    pub op: String,
    pub value: Operand,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ScreenRequest {
    #[serde(default)]
    pub universe: Universe,
    /// classic, momentum or ensemble (the default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Lines each row shows (`rsi:14`, `sma:200`; `macd:12:26:9` shows every part).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indicators: Vec<String>,
    /// Conditions every row meets, on the latest bar.
    #[serde(default, rename = "where", skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<WhereClause>,
    /// Only rows whose verdict is this: BUY, SELL or HOLD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signal: Option<String>,
    /// `symbol`, `confidence`, `change_pct`, `price` or a line's name; `-` first for
    /// largest first. Default `symbol`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort: Option<String>,
    /// Rows per page (default 50, at most the tier's universe cap).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// `next_cursor` of the page before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// Also give each row its last closes (for a sparkline).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sparkline: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ScreenRow {
    pub symbol: String,
    /// The latest bar's day, `YYYY-MM-DD`.
    pub ts: String,
    pub price: f64,
    /// The latest close over the one before, in percent.
    pub change_pct: Option<f64>,
    /// The model's verdict on the latest bar (`null`: too little history).
    pub signal: Option<String>,
    pub confidence: Option<f64>,
    /// Each requested or compared line's latest value (`null` in warm-up); a
    /// multi-part indicator named without a part is an object of its parts.
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub indicators: serde_json::Map<String, serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sparkline: Option<Vec<f64>>,
}

impl ScreenRow {
    /// Each line's latest value as `(name, value)`, a multi-part indicator named
    /// without a part flattened by part (`macd:12:26:9.hist`), in the row's order.
    pub fn lines(&self) -> Vec<(String, Option<f64>)> {
        let mut cells = Vec::new();
        for (name, value) in &self.indicators {
            match value {
                serde_json::Value::Object(parts) => {
                    for (part, value) in parts {
                        cells.push((format!("{name}.{part}"), value.as_f64()));
                    }
                }
                other => cells.push((name.clone(), other.as_f64())),
            }
        }
        cells
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ScreenAnswer {
    pub rows: Vec<ScreenRow>,
    /// Symbols that met every condition (over all pages).
    pub matched: usize,
    /// Symbols scanned.
    pub scanned: usize,
    /// Give it as `cursor` for the next page; `null` on the last.
    pub next_cursor: Option<String>,
    pub elapsed_ms: u64,
    /// The newest bar's day among the symbols scanned.
    pub as_of: Option<String>,
}

/// `POST /api/v1/screens`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SaveScreen {
    pub name: String,
    pub request: ScreenRequest,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SavedScreen {
    pub id: String,
    pub name: String,
    pub request: ScreenRequest,
    /// RFC 3339.
    pub created_at: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SavedScreens {
    pub screens: Vec<SavedScreen>,
}

/// One symbol of a long-CSV import.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SymbolImport {
    pub symbol: String,
    #[serde(flatten)]
    pub stored: super::market::ImportSummary,
}

/// `POST /api/v1/prices/import`: every symbol stored, or none.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BulkImportSummary {
    pub symbols: usize,
    pub imported: usize,
    pub updated: usize,
    pub series: Vec<SymbolImport>,
}
