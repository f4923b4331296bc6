//! Indexing a source tree into the database. Files whose size and modification time
//! did not change are not read, files whose sha256 did not change keep their outline
//! (no parsing), changed and new files are parsed, files that disappeared are
//! removed. The edges that changed are found from the changed files and the files
//! using names whose definitions changed (`tree`), and only the rows that differ are
//! written (nodes and findings of changed files, edges that appeared, vanished or
//! changed weight), all in one transaction with a record of the run. A first run, a
//! run after the index format changed, or one where most files changed writes
//! everything anew with multi-row inserts. An `Indexer` keeps the indexed tree in
//! memory between its runs; a one-off run reads the previous one back from the
//! database.

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use sqlx::Row;

use super::graph_rows::{self, Cell};
use super::indexed_tree::IndexedTree;
use super::scan::{scan, Known, Limits};
use crate::server::clock::now_unix;
use crate::server::db::Database;
use crate::sonar::outline::{Language, Outline};

mod outlining;
mod writing;

use outlining::{outline_files, EdgeWrites, Outlined};
use writing::{rewrite, update};

/// The version of the outline and graph rules the stored rows were made by: a run
/// with a different format re-parses every file and rewrites every row.
pub const FORMAT: i64 = 3;

/// When more files than this changed or disappeared, and more than half of them,
/// writing every row anew with multi-row inserts beats row-by-row updates.
const REWRITE_ALL_CHURN: usize = 1_000;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    pub files: usize,
    /// Parsed this run: new or changed since the last.
    pub changed: usize,
    pub removed: usize,
    pub nodes: usize,
    pub edges: usize,
    pub findings: usize,
    pub skipped_too_large: usize,
    pub skipped_not_text: usize,
    pub truncated: bool,
    /// Every row was written anew (first run, new format, or most files changed).
    pub rewrote_all: bool,
    /// The run's number: one more than the previous run's.
    pub version: i64,
    pub duration: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("cannot read {0}")]
    Read(#[from] std::io::Error),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error("the indexing task failed: {0}")]
    Task(String),
}

/// What the last run left, as this process keeps it between runs: valid while the
/// database's latest run is that run (another process may have indexed since).
struct Indexed {
    version: i64,
    tree: IndexedTree,
    known: HashMap<String, Known>,
    edges: usize,
}

/// Runs indexes one at a time and keeps the indexed tree in memory between them, so a
/// re-index costs what changed rather than reading the whole index back.
#[derive(Default)]
pub struct Indexer {
    last: tokio::sync::Mutex<Option<Indexed>>,
}

/// Indexes `root` once (the command line): the previous run is read back from the
/// database. `progress(done, total)` is called as files are outlined.
pub async fn index(
    db: &Database,
    root: &Path,
    limits: Limits,
    progress: impl Fn(usize, usize) + Send + 'static,
) -> Result<Report, IndexError> {
    Indexer::default().run(db, root, limits, progress).await
}

impl Indexer {
    /// Indexes `root`. `progress(done, total)` is called as files are outlined.
    pub async fn run(
        &self,
        db: &Database,
        root: &Path,
        limits: Limits,
        progress: impl Fn(usize, usize) + Send + 'static,
    ) -> Result<Report, IndexError> {
        let started = Instant::now();
        let mut last = self.last.lock().await;
        let latest = latest_run(db).await?;
        let kept = last
            .take()
            .filter(|kept| latest == Some((kept.version, FORMAT)));
        let from_memory = kept.is_some();
        let previous = match (kept, latest) {
            (Some(kept), _) => Some(kept),
            (None, Some((version, FORMAT))) => stored(db, version).await?,
            (None, _) => None,
        };
        tracing::debug!(
            elapsed_ms = started.elapsed().as_millis() as u64,
            from_memory,
            "SONAR: previous run ready"
        );
        // On failure nothing is kept: the next run reads the database again.
        let (report, indexed) = run(db, root, limits, progress, previous, started).await?;
        *last = Some(indexed);
        Ok(report)
    }
}

/// The latest run's version and format; `None` before the first.
async fn latest_run(db: &Database) -> Result<Option<(i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT version, format FROM sonar_runs ORDER BY version DESC, started_at DESC LIMIT 1",
    )
    .fetch_optional(db.pool())
    .await
}

/// The run `version` as stored; `None` when an outline cannot be read back (then
/// nothing stored is trusted and everything is rewritten).
async fn stored(db: &Database, version: i64) -> Result<Option<Indexed>, IndexError> {
    let rows =
        sqlx::query("SELECT path, sha256, size, lines, modified_ns, outline FROM sonar_files")
            .fetch_all(db.pool())
            .await?;
    let edges: i64 = sqlx::query_scalar("SELECT edges FROM sonar_runs WHERE version = $1")
        .bind(version)
        .fetch_one(db.pool())
        .await?;
    let mut known = HashMap::with_capacity(rows.len());
    let mut outlines = Vec::with_capacity(rows.len());
    for row in &rows {
        let path: String = row.try_get(0)?;
        known.insert(
            path.clone(),
            Known {
                sha256: row.try_get(1)?,
                size: row.try_get::<i64, _>(2)? as u64,
                lines: row.try_get::<i64, _>(3)? as usize,
                modified_ns: row.try_get(4)?,
            },
        );
        outlines.push((path, row.try_get::<String, _>(5)?));
    }
    drop(rows);
    tokio::task::spawn_blocking(move || {
        let files = outlines
            .into_iter()
            .map(|(path, json)| {
                let language = Language::of_path(&path)?;
                let outline = serde_json::from_str::<Outline>(&json).ok()?;
                Some((path, language, outline))
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Indexed {
            version,
            tree: IndexedTree::new(files),
            known,
            edges: edges as usize,
        })
    })
    .await
    .map_err(|e| IndexError::Task(e.to_string()))
}

async fn run(
    db: &Database,
    root: &Path,
    limits: Limits,
    progress: impl Fn(usize, usize) + Send + 'static,
    previous: Option<Indexed>,
    started: Instant,
) -> Result<(Report, Indexed), IndexError> {
    let started_at = now_unix();
    let trusted = previous.is_some();
    let root_label = std::fs::canonicalize(root)
        .unwrap_or_else(|_| root.to_path_buf())
        .display()
        .to_string();
    let root = root.to_path_buf();
    let outlined = tokio::task::spawn_blocking(move || {
        let previous = previous.unwrap_or(Indexed {
            version: 0,
            tree: IndexedTree::default(),
            known: HashMap::new(),
            edges: 0,
        });
        let scan = scan(&root, &limits, &previous.known)?;
        Ok::<_, std::io::Error>(outline_files(scan, previous, trusted, &progress))
    })
    .await
    .map_err(|e| IndexError::Task(e.to_string()))??;
    tracing::debug!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        changed = outlined.changed.len(),
        "SONAR: files read and outlined, edges compared"
    );
    let mut tx = db.begin().await?;
    let rewrite_all = match &outlined.edges {
        EdgeWrites::All(edges) => {
            rewrite(&mut tx, &outlined, edges, started_at).await?;
            true
        }
        EdgeWrites::Changes(changes) => {
            update(&mut tx, &outlined, changes, started_at).await?;
            false
        }
    };
    // Without trusted stored rows every file was read and parsed: all findings are new.
    let gone = outlined.removed.iter().chain(&outlined.changed);
    if !trusted {
        sqlx::query("DELETE FROM sonar_findings")
            .execute(&mut *tx)
            .await?;
    } else {
        for path in gone {
            sqlx::query("DELETE FROM sonar_findings WHERE path = $1")
                .bind(path)
                .execute(&mut *tx)
                .await?;
        }
    }
    let finding_rows: Vec<Vec<Cell<'_>>> = outlined
        .findings
        .iter()
        .map(|f| {
            vec![
                Cell::Text(&f.fingerprint),
                Cell::Text(f.rule),
                Cell::Text(&f.path),
                Cell::Int(f.line as i64),
                Cell::Text(&f.redacted),
            ]
        })
        .collect();
    graph_rows::insert_rows(
        &mut tx,
        "sonar_findings (fingerprint, rule, path, line, redacted)",
        5,
        &finding_rows,
    )
    .await?;
    let total_findings: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sonar_findings")
        .fetch_one(&mut *tx)
        .await?;
    let version: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) + 1 FROM sonar_runs")
        .fetch_one(&mut *tx)
        .await?;
    let Outlined {
        scan,
        changed,
        removed,
        mut indexed,
        ..
    } = outlined;
    indexed.version = version;
    let report = Report {
        files: scan.files.len(),
        changed: changed.len(),
        removed: removed.len(),
        nodes: indexed.tree.nodes(),
        edges: indexed.edges,
        findings: total_findings as usize,
        skipped_too_large: scan.skipped_too_large,
        skipped_not_text: scan.skipped_not_text,
        truncated: scan.truncated,
        rewrote_all: rewrite_all,
        version,
        duration: started.elapsed(),
    };
    sqlx::query(
        "INSERT INTO sonar_runs (id, root, started_at, finished_at, files, changed, removed, nodes, edges, findings, duration_ms, format, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(&root_label)
    .bind(started_at)
    .bind(now_unix())
    .bind(report.files as i64)
    .bind(report.changed as i64)
    .bind(report.removed as i64)
    .bind(report.nodes as i64)
    .bind(report.edges as i64)
    .bind(report.findings as i64)
    .bind(report.duration.as_millis() as i64)
    .bind(FORMAT)
    .bind(version)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    tracing::debug!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        "SONAR: written"
    );
    Ok((report, indexed))
}
