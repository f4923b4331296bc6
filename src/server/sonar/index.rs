//! Indexing a source tree into the database. Files whose size and modification time
//! did not change are not read, files whose sha256 did not change keep their stored
//! outline (no parsing), changed and new files are parsed, files that disappeared are
//! removed. The new graph is compared with the one the stored outlines make, and only
//! the rows that differ are written (nodes and findings of changed files, edges that
//! appeared, vanished or changed weight), all in one transaction with a record of the
//! run. A first run, a run after the index format changed, or one where most files
//! changed writes everything anew with multi-row inserts.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::{Duration, Instant};

use sqlx::Row;

use super::rows::{self, Cell, EdgeRows, NodeRow};
use super::scan::{scan, Known, Limits, Scan};
use crate::server::clock::now_unix;
use crate::server::db::Database;
use crate::sonar::graph;
use crate::sonar::outline::{outline, Language, Outline};
use crate::sonar::secrets::{self, Finding};

/// The version of the outline and graph rules the stored rows were made by: a run
/// with a different format re-parses every file and rewrites every row.
pub const FORMAT: i64 = 2;

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

/// A file as the last run stored it.
struct StoredFile {
    known: Known,
    outline: String,
}

/// Files read, outlined and compared with what was stored.
struct Outlined {
    scan: Scan,
    /// (path, language, outline) of every current file, sorted by path.
    outlines: Vec<(String, Language, Outline)>,
    /// Parsed this run.
    changed: HashSet<String>,
    /// Read again (modification time changed) but with the same content.
    touched: Vec<usize>,
    /// The stored outlines, as the previous graph is built from them.
    previous: Vec<(String, Language, Outline)>,
}

/// Indexes `root`. `progress(done, total)` is called as files are outlined.
pub async fn index(
    db: &Database,
    root: &Path,
    limits: Limits,
    progress: impl Fn(usize, usize) + Send + 'static,
) -> Result<Report, IndexError> {
    let started = Instant::now();
    let started_at = now_unix();
    let stored_paths = all_paths(db).await?;
    let mut stored = if latest_format(db).await? == Some(FORMAT) {
        stored_files(db).await?
    } else {
        HashMap::new()
    };
    let root_label = std::fs::canonicalize(root)
        .unwrap_or_else(|_| root.to_path_buf())
        .display()
        .to_string();
    let root = root.to_path_buf();
    let (outlined, trusted) = tokio::task::spawn_blocking(move || {
        let previous = stored_outlines(&stored);
        let trusted = previous.is_some() && !stored.is_empty();
        if previous.is_none() {
            stored.clear();
        }
        let known: HashMap<String, Known> = stored
            .iter()
            .map(|(path, file)| (path.clone(), file.known.clone()))
            .collect();
        let scan = scan(&root, &limits, &known)?;
        let outlined = outline_files(scan, &stored, previous.unwrap_or_default(), &progress);
        Ok::<_, std::io::Error>((outlined, trusted))
    })
    .await
    .map_err(|e| IndexError::Task(e.to_string()))??;
    let elapsed_ms = |started: Instant| started.elapsed().as_millis() as u64;
    tracing::debug!(
        elapsed_ms = elapsed_ms(started),
        "SONAR: files read and outlined"
    );
    let current: HashSet<&str> = outlined
        .scan
        .files
        .iter()
        .map(|f| f.path.as_str())
        .collect();
    let removed: Vec<String> = stored_paths
        .into_iter()
        .filter(|path| !current.contains(path.as_str()))
        .collect();
    let graph = graph::build(&outlined.outlines);
    let nodes = rows::node_rows(&graph);
    let edges = rows::edge_rows(&graph, &nodes);
    let churn = outlined.changed.len() + removed.len();
    let rewrite_all = !trusted || (churn > REWRITE_ALL_CHURN && churn > current.len() / 2);
    let findings: Vec<Finding> = outlined
        .scan
        .files
        .iter()
        .filter(|file| outlined.changed.contains(&file.path))
        .filter_map(|file| Some(secrets::scan(&file.path, file.text.as_deref()?)))
        .flatten()
        .collect();
    tracing::debug!(
        elapsed_ms = elapsed_ms(started),
        "SONAR: graph built, secrets scanned"
    );

    let mut tx = db.begin().await?;
    for path in &removed {
        sqlx::query("DELETE FROM sonar_files WHERE path = $1")
            .bind(path)
            .execute(&mut *tx)
            .await?;
    }
    write_files(&mut tx, &outlined, rewrite_all, started_at).await?;
    let gone: Vec<&str> = removed
        .iter()
        .map(String::as_str)
        .chain(outlined.changed.iter().map(String::as_str))
        .collect();
    if rewrite_all {
        rewrite_graph(&mut tx, &nodes, &edges).await?;
    } else if churn > 0 {
        // Edges depend only on the files' outlines and paths: with none changed or
        // removed, the stored graph is already the new one.
        let previous = graph::build(&outlined.previous);
        let previous_nodes = rows::node_rows(&previous);
        let previous_edges = rows::edge_rows(&previous, &previous_nodes);
        update_graph(
            &mut tx,
            &gone,
            &outlined.changed,
            &nodes,
            &previous_edges,
            &edges,
        )
        .await?;
    }
    // Without trusted stored rows every file was read and parsed: all findings are new.
    if !trusted {
        sqlx::query("DELETE FROM sonar_findings")
            .execute(&mut *tx)
            .await?;
    } else {
        for path in &gone {
            sqlx::query("DELETE FROM sonar_findings WHERE path = $1")
                .bind(*path)
                .execute(&mut *tx)
                .await?;
        }
    }
    let finding_rows: Vec<Vec<Cell<'_>>> = findings
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
    rows::insert_rows(
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
    let report = Report {
        files: outlined.scan.files.len(),
        changed: outlined.changed.len(),
        removed: removed.len(),
        nodes: nodes.len(),
        edges: edges.len(),
        findings: total_findings as usize,
        skipped_too_large: outlined.scan.skipped_too_large,
        skipped_not_text: outlined.scan.skipped_not_text,
        truncated: outlined.scan.truncated,
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
    tracing::debug!(elapsed_ms = elapsed_ms(started), "SONAR: written");
    Ok(report)
}

/// The format of the latest run; `None` before the first.
async fn latest_format(db: &Database) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT format FROM sonar_runs ORDER BY version DESC, started_at DESC LIMIT 1",
    )
    .fetch_optional(db.pool())
    .await
}

async fn all_paths(db: &Database) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT path FROM sonar_files")
        .fetch_all(db.pool())
        .await
}

/// The stored files by path.
async fn stored_files(db: &Database) -> Result<HashMap<String, StoredFile>, sqlx::Error> {
    let rows =
        sqlx::query("SELECT path, sha256, size, lines, modified_ns, outline FROM sonar_files")
            .fetch_all(db.pool())
            .await?;
    rows.iter()
        .map(|row| {
            let known = Known {
                sha256: row.try_get(1)?,
                size: row.try_get::<i64, _>(2)? as u64,
                lines: row.try_get::<i64, _>(3)? as usize,
                modified_ns: row.try_get(4)?,
            };
            let outline = row.try_get(5)?;
            Ok((row.try_get(0)?, StoredFile { known, outline }))
        })
        .collect()
}

/// The stored outlines, sorted by path; `None` when one of them cannot be read back
/// (then nothing stored is trusted and everything is rewritten).
fn stored_outlines(
    stored: &HashMap<String, StoredFile>,
) -> Option<Vec<(String, Language, Outline)>> {
    let mut previous = stored
        .iter()
        .map(|(path, file)| {
            let outline = serde_json::from_str::<Outline>(&file.outline).ok()?;
            Some((path.clone(), Language::of_path(path)?, outline))
        })
        .collect::<Option<Vec<_>>>()?;
    previous.sort_by(|a, b| a.0.cmp(&b.0));
    Some(previous)
}

/// Every file's outline: the stored one when its sha256 is unchanged (files not read
/// again always are: they come from stored records), parsed otherwise.
fn outline_files(
    scan: Scan,
    stored: &HashMap<String, StoredFile>,
    previous: Vec<(String, Language, Outline)>,
    progress: &impl Fn(usize, usize),
) -> Outlined {
    let by_path: HashMap<&str, &Outline> =
        previous.iter().map(|(p, _, o)| (p.as_str(), o)).collect();
    let mut outlines = Vec::with_capacity(scan.files.len());
    let mut changed = HashSet::new();
    let mut touched = Vec::new();
    for (index, file) in scan.files.iter().enumerate() {
        let kept = stored
            .get(&file.path)
            .filter(|stored| stored.known.sha256 == file.sha256)
            .and_then(|_| by_path.get(file.path.as_str()));
        let outline = match kept {
            Some(&kept) => {
                if file.text.is_some() {
                    touched.push(index);
                }
                kept.clone()
            }
            None => {
                changed.insert(file.path.clone());
                outline(file.language, file.text.as_deref().unwrap_or_default())
            }
        };
        outlines.push((file.path.clone(), file.language, outline));
        progress(index + 1, scan.files.len());
    }
    drop(by_path);
    Outlined {
        scan,
        outlines,
        changed,
        touched,
        previous,
    }
}

/// Upserts changed files with their outline; records new modification times of files
/// read again with the same content. Everything when `all`.
async fn write_files(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    outlined: &Outlined,
    all: bool,
    indexed_at: i64,
) -> Result<(), sqlx::Error> {
    for (index, file) in outlined.scan.files.iter().enumerate() {
        if all || outlined.changed.contains(&file.path) {
            let json =
                serde_json::to_string(&outlined.outlines[index].2).unwrap_or_else(|_| "{}".into());
            sqlx::query(
                "INSERT INTO sonar_files (path, language, sha256, size, lines, outline, indexed_at, modified_ns) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                 ON CONFLICT (path) DO UPDATE SET language = excluded.language, sha256 = excluded.sha256, \
                 size = excluded.size, lines = excluded.lines, outline = excluded.outline, \
                 indexed_at = excluded.indexed_at, modified_ns = excluded.modified_ns",
            )
            .bind(&file.path)
            .bind(file.language.as_str())
            .bind(&file.sha256)
            .bind(file.size as i64)
            .bind(file.lines as i64)
            .bind(json)
            .bind(indexed_at)
            .bind(file.modified_ns)
            .execute(&mut **tx)
            .await?;
        }
    }
    if !all {
        for &index in &outlined.touched {
            let file = &outlined.scan.files[index];
            sqlx::query("UPDATE sonar_files SET modified_ns = $1 WHERE path = $2")
                .bind(file.modified_ns)
                .bind(&file.path)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}

async fn rewrite_graph(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    nodes: &[NodeRow<'_>],
    edges: &EdgeRows,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sonar_edges")
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM sonar_nodes")
        .execute(&mut **tx)
        .await?;
    let node_cells: Vec<_> = nodes.iter().map(rows::node_cells).collect();
    rows::insert_rows(tx, rows::NODE_COLUMNS, 7, &node_cells).await?;
    let edge_cells: Vec<_> = edges
        .iter()
        .map(|(key, w)| rows::edge_cells(key, *w))
        .collect();
    rows::insert_rows(tx, rows::EDGE_COLUMNS, 4, &edge_cells).await
}

/// Replaces the nodes of `gone` files (changed or removed) with those of the `changed`
/// ones, and applies the difference between the previous and the new edges.
async fn update_graph(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    gone: &[&str],
    changed: &HashSet<String>,
    nodes: &[NodeRow<'_>],
    previous_edges: &EdgeRows,
    edges: &EdgeRows,
) -> Result<(), sqlx::Error> {
    for path in gone {
        sqlx::query("DELETE FROM sonar_nodes WHERE path = $1")
            .bind(*path)
            .execute(&mut **tx)
            .await?;
    }
    let node_cells: Vec<_> = nodes
        .iter()
        .filter(|n| changed.contains(n.path))
        .map(rows::node_cells)
        .collect();
    rows::insert_rows(tx, rows::NODE_COLUMNS, 7, &node_cells).await?;
    let changes = rows::edge_changes(previous_edges, edges);
    for (source, target, kind) in &changes.removed {
        sqlx::query("DELETE FROM sonar_edges WHERE source = $1 AND target = $2 AND kind = $3")
            .bind(source)
            .bind(target)
            .bind(*kind)
            .execute(&mut **tx)
            .await?;
    }
    for ((source, target, kind), weight) in &changes.reweighted {
        sqlx::query(
            "UPDATE sonar_edges SET weight = $1 WHERE source = $2 AND target = $3 AND kind = $4",
        )
        .bind(weight)
        .bind(source)
        .bind(target)
        .bind(*kind)
        .execute(&mut **tx)
        .await?;
    }
    let added: Vec<_> = changes
        .added
        .iter()
        .map(|(key, w)| rows::edge_cells(key, *w))
        .collect();
    rows::insert_rows(tx, rows::EDGE_COLUMNS, 4, &added).await
}
