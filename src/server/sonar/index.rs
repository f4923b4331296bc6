//! Indexing a source tree into the database: files whose sha256 did not change keep
//! their stored outline (no parsing), changed and new files are parsed, files that
//! disappeared are removed; then the graph (nodes, edges) and the secret findings
//! are rebuilt and written in one transaction, with a record of the run.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::{Duration, Instant};

use sqlx::Row;

use super::scan::{scan, Limits, Scan};
use crate::server::clock::now_unix;
use crate::server::db::Database;
use crate::sonar::graph::{self, Graph, NodeKind};
use crate::sonar::outline::{outline, Language, Outline};
use crate::sonar::secrets::{self, Finding};

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

/// Indexes `root`. `progress(done, total)` is called as files are outlined.
pub async fn index(
    db: &Database,
    root: &Path,
    limits: Limits,
    progress: impl Fn(usize, usize) + Send + 'static,
) -> Result<Report, IndexError> {
    let started = Instant::now();
    let started_at = now_unix();
    let stored = stored_files(db).await?;
    let stored_paths: Vec<String> = stored.keys().cloned().collect();
    let root_label = root.display().to_string();
    let root = root.to_path_buf();
    let (scan, outlines, changed) = tokio::task::spawn_blocking(move || {
        let scan = scan(&root, &limits)?;
        let (outlines, changed) = outline_files(&scan, &stored, &progress);
        Ok::<_, std::io::Error>((scan, outlines, changed))
    })
    .await
    .map_err(|e| IndexError::Task(e.to_string()))??;
    let current: HashSet<&str> = scan.files.iter().map(|f| f.path.as_str()).collect();
    let removed: Vec<String> = stored_paths
        .into_iter()
        .filter(|path| !current.contains(path.as_str()))
        .collect();
    let graph = graph::build(&outlines);
    let findings: Vec<Finding> = scan
        .files
        .iter()
        .flat_map(|file| secrets::scan(&file.path, &file.text))
        .collect();

    let mut tx = db.begin().await?;
    for path in &removed {
        sqlx::query("DELETE FROM sonar_files WHERE path = $1")
            .bind(path)
            .execute(&mut *tx)
            .await?;
    }
    for (file, (_, _, outline)) in scan.files.iter().zip(&outlines) {
        if !changed.contains(&file.path) {
            continue;
        }
        let json = serde_json::to_string(outline).unwrap_or_else(|_| "{}".into());
        sqlx::query(
            "INSERT INTO sonar_files (path, language, sha256, size, lines, outline, indexed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (path) DO UPDATE SET language = excluded.language, sha256 = excluded.sha256, \
             size = excluded.size, lines = excluded.lines, outline = excluded.outline, indexed_at = excluded.indexed_at",
        )
        .bind(&file.path)
        .bind(file.language.as_str())
        .bind(&file.sha256)
        .bind(file.size as i64)
        .bind(file.lines as i64)
        .bind(json)
        .bind(started_at)
        .execute(&mut *tx)
        .await?;
    }
    write_graph(&mut tx, &graph).await?;
    sqlx::query("DELETE FROM sonar_findings")
        .execute(&mut *tx)
        .await?;
    for finding in &findings {
        sqlx::query(
            "INSERT INTO sonar_findings (fingerprint, rule, path, line, redacted) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&finding.fingerprint)
        .bind(finding.rule)
        .bind(&finding.path)
        .bind(finding.line as i64)
        .bind(&finding.redacted)
        .execute(&mut *tx)
        .await?;
    }
    let report = Report {
        files: scan.files.len(),
        changed: changed.len(),
        removed: removed.len(),
        nodes: graph.nodes.len(),
        edges: graph.edges.len(),
        findings: findings.len(),
        skipped_too_large: scan.skipped_too_large,
        skipped_not_text: scan.skipped_not_text,
        truncated: scan.truncated,
        duration: started.elapsed(),
    };
    sqlx::query(
        "INSERT INTO sonar_runs (id, root, started_at, finished_at, files, changed, removed, nodes, edges, findings, duration_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
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
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(report)
}

/// Stored outlines by path, with the sha256 they were made from.
async fn stored_files(db: &Database) -> Result<HashMap<String, (String, String)>, sqlx::Error> {
    let rows = sqlx::query("SELECT path, sha256, outline FROM sonar_files")
        .fetch_all(db.pool())
        .await?;
    rows.iter()
        .map(|row| Ok((row.try_get(0)?, (row.try_get(1)?, row.try_get(2)?))))
        .collect()
}

/// Every file's outline: stored when its sha256 is unchanged, parsed otherwise.
/// Also answers which paths were parsed.
fn outline_files(
    scan: &Scan,
    stored: &HashMap<String, (String, String)>,
    progress: &impl Fn(usize, usize),
) -> (Vec<(String, Language, Outline)>, Vec<String>) {
    let mut outlines = Vec::with_capacity(scan.files.len());
    let mut changed = Vec::new();
    for (done, file) in scan.files.iter().enumerate() {
        let kept = stored
            .get(&file.path)
            .filter(|(sha, _)| *sha == file.sha256)
            .and_then(|(_, json)| serde_json::from_str::<Outline>(json).ok());
        let outline = match kept {
            Some(outline) => outline,
            None => {
                changed.push(file.path.clone());
                outline(file.language, &file.text)
            }
        };
        outlines.push((file.path.clone(), file.language, outline));
        progress(done + 1, scan.files.len());
    }
    (outlines, changed)
}

async fn write_graph(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    graph: &Graph,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sonar_edges")
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM sonar_nodes")
        .execute(&mut **tx)
        .await?;
    for (id, node) in graph.nodes.iter().enumerate() {
        let kind = match &node.kind {
            NodeKind::File(_) => "file",
            NodeKind::Definition(kind) => kind.as_str(),
        };
        sqlx::query(
            "INSERT INTO sonar_nodes (id, kind, name, path, start_line, end_line, signature) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id as i64)
        .bind(kind)
        .bind(&node.name)
        .bind(&node.path)
        .bind(node.start_line as i64)
        .bind(node.end_line as i64)
        .bind(&node.signature)
        .execute(&mut **tx)
        .await?;
    }
    for edge in &graph.edges {
        sqlx::query(
            "INSERT INTO sonar_edges (source, target, kind, weight) VALUES ($1, $2, $3, $4)",
        )
        .bind(edge.from as i64)
        .bind(edge.to as i64)
        .bind(edge.kind.as_str())
        .bind(edge.weight)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
