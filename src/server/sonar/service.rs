//! SONAR's queries, shared by the REST routes and the `/sonar` page: ranked context,
//! a file's neighbours, secret findings and index metrics.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use sqlx::Row;

use super::loaded_index::{LoadedIndex, LoadedIndexCache};
use crate::error_catalog::ErrorCode;
use crate::server::api_error::ApiError;
use crate::server::clock::unix_to_rfc3339;
use crate::server::db::Database;
use crate::sonar::context::{self, Request};
use crate::sonar::graph::NodeKind;
use crate::sonar::neighbours::{self, Direction};
use crate::wire::sonar::{
    ContextItem, ContextResponse, DefinitionSummary, FileComplexity, FileContext, FileNeighbour,
    KindCount, SecretFinding, SecurityReport, SonarMetrics,
};

pub const DEFAULT_MAX_TOKENS: usize = 8_000;
pub const MAX_MAX_TOKENS: usize = 100_000;
pub const DEFAULT_MAX_FILES: usize = 20;
pub const MAX_MAX_FILES: usize = 500;
pub const DEFAULT_DEPTH: usize = 3;
pub const MAX_DEPTH: usize = 6;
pub const MAX_SYMBOLS: usize = 50;
const MAX_SYMBOL_CHARS: usize = 200;
const MAX_QUERY_CHARS: usize = 1_000;

/// A context question as the routes receive it (absent numbers take the defaults).
#[derive(Clone, Debug, Default)]
pub struct ContextQuestion {
    pub symbols: Vec<String>,
    pub query: String,
    pub max_tokens: Option<usize>,
    pub max_files: Option<usize>,
    pub depth: Option<usize>,
}

/// What the SONAR queries use: the database and the index loaded from it.
#[derive(Clone)]
pub struct SonarDeps {
    pub db: Database,
    pub loaded: Arc<LoadedIndexCache>,
}

/// Splits `AAPL,SignalService` into identifiers, dropping empty ones.
pub fn split_symbols(symbols: &str) -> Vec<String> {
    crate::domain::comma_list::entries(symbols)
        .map(str::to_string)
        .collect()
}

fn within(
    field: &str,
    value: Option<usize>,
    default: usize,
    range: std::ops::RangeInclusive<usize>,
) -> Result<usize, ApiError> {
    let value = value.unwrap_or(default);
    if range.contains(&value) {
        Ok(value)
    } else {
        Err(ApiError::invalid_field(
            field,
            &format!("must be {} to {}", range.start(), range.end()),
        ))
    }
}

pub async fn context(
    deps: &SonarDeps,
    question: ContextQuestion,
) -> Result<ContextResponse, ApiError> {
    let max_tokens = within(
        "max_tokens",
        question.max_tokens,
        DEFAULT_MAX_TOKENS,
        1..=MAX_MAX_TOKENS,
    )?;
    let max_files = within(
        "max_files",
        question.max_files,
        DEFAULT_MAX_FILES,
        1..=MAX_MAX_FILES,
    )?;
    let depth = within("depth", question.depth, DEFAULT_DEPTH, 0..=MAX_DEPTH)?;
    if question.symbols.len() > MAX_SYMBOLS {
        return Err(ApiError::invalid_field("symbols", "at most 50 identifiers"));
    }
    if question
        .symbols
        .iter()
        .any(|s| s.chars().count() > MAX_SYMBOL_CHARS)
    {
        return Err(ApiError::invalid_field(
            "symbols",
            "identifiers are at most 200 characters",
        ));
    }
    if question.query.chars().count() > MAX_QUERY_CHARS {
        return Err(ApiError::invalid_field("query", "at most 1000 characters"));
    }
    if question.symbols.is_empty() && question.query.trim().is_empty() {
        return Err(ApiError::invalid_field(
            "symbols",
            "give identifiers or a query",
        ));
    }
    let snapshot = deps.loaded.latest(&deps.db).await?;
    let ContextQuestion { symbols, query, .. } = question;
    // Ranking and reading the chosen files are CPU and disk work.
    tokio::task::spawn_blocking(move || {
        let request = Request {
            symbols: &symbols,
            query: &query,
            max_tokens,
            max_files,
            depth,
        };
        let found = context::build(&snapshot.index, &|path| snapshot.source(path), &request);
        let hint = match (snapshot.version, found.hint) {
            (0, _) => Some(
                "nothing is indexed yet: run `investment-system sonar index` or POST /sonar/index"
                    .to_string(),
            ),
            (_, hint) => hint,
        };
        ContextResponse {
            items: found
                .items
                .into_iter()
                .map(|item| ContextItem {
                    path: item.path,
                    kind: item.kind.to_string(),
                    name: item.name,
                    lines: [item.lines.0, item.lines.1],
                    score: item.score,
                    text: item.text,
                })
                .collect(),
            tokens_used: found.tokens_used,
            max_tokens,
            truncated: found.truncated,
            index_version: snapshot.version,
            hint,
            symbols,
            query,
        }
    })
    .await
    .map_err(|e| ApiError::internal("SONAR context", e))
}

pub const DEFAULT_FILE_DEPTH: usize = 1;

pub async fn file_context(
    deps: &SonarDeps,
    path: &str,
    depth: Option<usize>,
) -> Result<FileContext, ApiError> {
    let depth = within("depth", depth, DEFAULT_FILE_DEPTH, 1..=MAX_DEPTH)?;
    let snapshot = deps.loaded.latest(&deps.db).await?;
    let path = path.trim_start_matches("./");
    let (Some(&node), Some(record)) = (snapshot.file_nodes.get(path), snapshot.files.get(path))
    else {
        return Err(ApiError::new(ErrorCode::SonarFileNotFound)
            .with_details(serde_json::json!({ "path": path })));
    };
    let index = &snapshot.index;
    let definitions = index
        .edges_of(node)
        .iter()
        .filter(|a| a.forward && a.kind == crate::sonar::graph::EdgeKind::Contains)
        .map(|a| {
            let definition = &index.graph.nodes[a.node];
            DefinitionSummary {
                name: definition.name.clone(),
                kind: kind_name(&definition.kind).to_string(),
                lines: [definition.start_line, definition.end_line],
                signature: definition.signature.clone(),
            }
        })
        .collect();
    let neighbours = |direction| -> Vec<FileNeighbour> {
        neighbours::of_file(index, node, depth, direction)
            .into_iter()
            .map(|n| {
                let path = &index.graph.nodes[n.file].path;
                FileNeighbour {
                    path: path.clone(),
                    language: language_of(&snapshot, path),
                    distance: n.distance,
                    via: n.via.iter().map(|k| k.as_str().to_string()).collect(),
                }
            })
            .collect()
    };
    Ok(FileContext {
        path: path.to_string(),
        language: record.language.as_str().to_string(),
        lines: record.lines,
        definitions,
        dependencies: neighbours(Direction::Dependencies),
        dependents: neighbours(Direction::Dependents),
        depth,
        index_version: snapshot.version,
    })
}

fn kind_name(kind: &NodeKind) -> &'static str {
    match kind {
        NodeKind::File(_) => "file",
        NodeKind::Definition(kind) => kind.as_str(),
    }
}

fn language_of(snapshot: &LoadedIndex, path: &str) -> String {
    snapshot
        .files
        .get(path)
        .map(|f| f.language.as_str().to_string())
        .unwrap_or_default()
}

/// The latest run: (version, finished_at, duration_ms, nodes, edges); `None` before the first.
pub async fn latest_run(db: &Database) -> Result<Option<(i64, i64, i64, i64, i64)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT version, finished_at, duration_ms, nodes, edges FROM sonar_runs ORDER BY version DESC LIMIT 1",
    )
    .fetch_optional(db.pool())
    .await?;
    row.map(|r| {
        Ok((
            r.try_get(0)?,
            r.try_get(1)?,
            r.try_get(2)?,
            r.try_get(3)?,
            r.try_get(4)?,
        ))
    })
    .transpose()
}

pub async fn security(db: &Database) -> Result<SecurityReport, ApiError> {
    let rows = sqlx::query(
        "SELECT rule, path, line, redacted, fingerprint FROM sonar_findings ORDER BY path, line, rule",
    )
    .fetch_all(db.pool())
    .await?;
    let findings = rows
        .iter()
        .map(|row| {
            Ok(SecretFinding {
                rule: row.try_get(0)?,
                path: row.try_get(1)?,
                line: row.try_get::<i64, _>(2)? as usize,
                redacted: row.try_get(3)?,
                fingerprint: row.try_get(4)?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let run = latest_run(db).await?;
    Ok(SecurityReport {
        total: findings.len(),
        findings,
        index_version: run.map(|r| r.0).unwrap_or(0),
        last_indexed: run.map(|r| unix_to_rfc3339(r.1)),
    })
}

pub const DEFAULT_COMPLEXITY_LIMIT: usize = 100;
pub const MAX_COMPLEXITY_LIMIT: usize = 20_000;

pub async fn metrics(deps: &SonarDeps, limit: Option<usize>) -> Result<SonarMetrics, ApiError> {
    let limit = within(
        "limit",
        limit,
        DEFAULT_COMPLEXITY_LIMIT,
        0..=MAX_COMPLEXITY_LIMIT,
    )?;
    let db = &deps.db;
    let files_by_language = counts(
        db,
        "SELECT language, COUNT(*) FROM sonar_files GROUP BY language",
    )
    .await?;
    let nodes_by_kind = counts(db, "SELECT kind, COUNT(*) FROM sonar_nodes GROUP BY kind").await?;
    let edges_by_kind = counts(db, "SELECT kind, COUNT(*) FROM sonar_edges GROUP BY kind").await?;
    let secrets_found: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sonar_findings")
        .fetch_one(db.pool())
        .await?;
    let run = latest_run(db).await?;
    let snapshot = deps.loaded.latest(db).await?;
    let complexity = tokio::task::spawn_blocking(move || {
        let all = snapshot.complexity.get_or_init(|| complexity(&snapshot));
        all[..limit.min(all.len())].to_vec()
    })
    .await
    .map_err(|e| ApiError::internal("SONAR metrics", e))?;
    let total = |counts: &[KindCount]| counts.iter().map(|c| c.count).sum();
    Ok(SonarMetrics {
        files: total(&files_by_language),
        nodes: total(&nodes_by_kind),
        edges: total(&edges_by_kind),
        files_by_language,
        nodes_by_kind,
        edges_by_kind,
        index_duration_ms: run.map(|r| r.2.max(0) as u64).unwrap_or(0),
        last_indexed: run.map(|r| unix_to_rfc3339(r.1)),
        index_version: run.map(|r| r.0).unwrap_or(0),
        secrets_found: secrets_found.max(0) as u64,
        complexity,
    })
}

async fn counts(db: &Database, sql: &str) -> Result<Vec<KindCount>, sqlx::Error> {
    let rows = sqlx::query(sql).fetch_all(db.pool()).await?;
    let mut counts = rows
        .iter()
        .map(|row| {
            Ok(KindCount {
                kind: row.try_get(0)?,
                count: row.try_get::<i64, _>(1)?.max(0) as u64,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    counts.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.kind.cmp(&b.kind)));
    Ok(counts)
}

/// Every file's lines, definitions, fan-in and fan-out (distinct other files linked
/// by any edge but `contains`), most coupled first. Computed once per snapshot.
fn complexity(snapshot: &Arc<LoadedIndex>) -> Vec<FileComplexity> {
    let graph = &snapshot.index.graph;
    let mut definitions: HashMap<&str, usize> = HashMap::new();
    let mut outgoing: HashMap<&str, HashSet<&str>> = HashMap::new();
    let mut incoming: HashMap<&str, HashSet<&str>> = HashMap::new();
    for node in &graph.nodes {
        if matches!(node.kind, NodeKind::Definition(_)) {
            *definitions.entry(node.path.as_str()).or_default() += 1;
        }
    }
    for edge in &graph.edges {
        let (from, to) = (
            graph.nodes[edge.from].path.as_str(),
            graph.nodes[edge.to].path.as_str(),
        );
        if from != to {
            outgoing.entry(from).or_default().insert(to);
            incoming.entry(to).or_default().insert(from);
        }
    }
    let mut files: Vec<FileComplexity> = snapshot
        .files
        .iter()
        .map(|(path, record)| FileComplexity {
            path: path.clone(),
            language: record.language.as_str().to_string(),
            lines: record.lines,
            definitions: definitions.get(path.as_str()).copied().unwrap_or(0),
            fan_in: incoming.get(path.as_str()).map_or(0, HashSet::len),
            fan_out: outgoing.get(path.as_str()).map_or(0, HashSet::len),
        })
        .collect();
    files.sort_by(|a, b| {
        b.fan_in
            .cmp(&a.fan_in)
            .then(b.fan_out.cmp(&a.fan_out))
            .then(b.lines.cmp(&a.lines))
            .then_with(|| a.path.cmp(&b.path))
    });
    files
}
