//! The `signals` table.

use sqlx::{Any, Executor, Transaction};

use crate::domain::symbol::Symbol;
use crate::server::db::Database;
use crate::signals::{Action, Model};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SignalRow {
    pub id: String,
    pub user_id: String,
    pub symbol: Symbol,
    pub ts: i64,
    pub signal: Action,
    pub confidence: f64,
    pub score: f64,
    pub price: f64,
    pub model: Model,
    pub indicators: String,
    pub reasons: String,
    pub is_stale: i64,
    pub created_at: i64,
}

const COLUMNS: &str = "id, user_id, symbol, ts, signal, confidence, score, price, model, \
                       indicators, reasons, is_stale, created_at";

pub async fn insert(
    tx: &mut Transaction<'_, Any>,
    row: &SignalRow,
    correlation_id: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO signals (id, user_id, symbol, ts, signal, confidence, score, price, model, \
         indicators, reasons, is_stale, correlation_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(&row.id)
    .bind(&row.user_id)
    .bind(&row.symbol)
    .bind(row.ts)
    .bind(row.signal)
    .bind(row.confidence)
    .bind(row.score)
    .bind(row.price)
    .bind(row.model)
    .bind(&row.indicators)
    .bind(&row.reasons)
    .bind(row.is_stale)
    .bind(correlation_id)
    .bind(row.created_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Signals the user generated since `since_ms` (for the daily quota).
pub async fn count_since<'e>(
    executor: impl Executor<'e, Database = Any>,
    user_id: &str,
    since_ms: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM signals WHERE user_id = $1 AND created_at >= $2")
        .bind(user_id)
        .bind(since_ms)
        .fetch_one(executor)
        .await
}

/// One of the user's signals; another user's id is simply not found.
pub async fn find(
    db: &Database,
    user_id: &str,
    id: &str,
) -> Result<Option<SignalRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM signals WHERE user_id = $1 AND id = $2"
    ))
    .bind(user_id)
    .bind(id)
    .fetch_optional(db.pool())
    .await
}

/// The user's newest signal of each of `symbols` (symbols without one are absent).
pub async fn latest_per_symbol(
    db: &Database,
    user_id: &str,
    symbols: &[String],
) -> Result<Vec<SignalRow>, sqlx::Error> {
    if symbols.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (0..symbols.len()).map(|i| format!("${}", i + 2)).collect();
    let sql = format!(
        "SELECT {COLUMNS} FROM signals s WHERE user_id = $1 AND symbol IN ({}) \
         AND created_at = (SELECT MAX(created_at) FROM signals t \
                           WHERE t.user_id = s.user_id AND t.symbol = s.symbol)",
        marks.join(", ")
    );
    let mut query = sqlx::query_as::<_, SignalRow>(&sql).bind(user_id);
    for symbol in symbols {
        query = query.bind(symbol);
    }
    query.fetch_all(db.pool()).await
}

/// Filters of a listing; every field optional.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub symbols: Vec<Symbol>,
    pub signal: Option<Action>,
    pub model: Option<Model>,
    /// Bar days, inclusive.
    pub from: Option<i64>,
    pub to: Option<i64>,
    /// Continue after this (created_at, id), newest first.
    pub after: Option<(i64, String)>,
}

enum Param {
    Text(String),
    Int(i64),
    Symbol(Symbol),
    Action(Action),
    Model(Model),
}

/// The user's signals matching `filter`, newest first, at most `limit`.
pub async fn list(
    db: &Database,
    user_id: &str,
    filter: &Filter,
    limit: i64,
) -> Result<Vec<SignalRow>, sqlx::Error> {
    let mut conditions = vec!["user_id = $1".to_string()];
    let mut params = vec![Param::Text(user_id.to_string())];
    let mut push = |condition: &str, values: Vec<Param>| {
        let mut text = condition.to_string();
        for value in values {
            params.push(value);
            text = text.replacen('?', &format!("${}", params.len()), 1);
        }
        conditions.push(text);
    };
    if !filter.symbols.is_empty() {
        let marks = vec!["?"; filter.symbols.len()].join(", ");
        push(
            &format!("symbol IN ({marks})"),
            filter.symbols.iter().cloned().map(Param::Symbol).collect(),
        );
    }
    if let Some(signal) = filter.signal {
        push("signal = ?", vec![Param::Action(signal)]);
    }
    if let Some(model) = filter.model {
        push("model = ?", vec![Param::Model(model)]);
    }
    if let Some(from) = filter.from {
        push("ts >= ?", vec![Param::Int(from)]);
    }
    if let Some(to) = filter.to {
        push("ts <= ?", vec![Param::Int(to)]);
    }
    if let Some((created_at, id)) = &filter.after {
        push(
            "(created_at < ? OR (created_at = ? AND id < ?))",
            vec![
                Param::Int(*created_at),
                Param::Int(*created_at),
                Param::Text(id.clone()),
            ],
        );
    }
    params.push(Param::Int(limit));
    let sql = format!(
        "SELECT {COLUMNS} FROM signals WHERE {} ORDER BY created_at DESC, id DESC LIMIT ${}",
        conditions.join(" AND "),
        params.len()
    );
    let mut query = sqlx::query_as::<_, SignalRow>(&sql);
    for param in params {
        query = match param {
            Param::Text(text) => query.bind(text),
            Param::Int(int) => query.bind(int),
            Param::Symbol(symbol) => query.bind(symbol),
            Param::Action(action) => query.bind(action),
            Param::Model(model) => query.bind(model),
        };
    }
    query.fetch_all(db.pool()).await
}
