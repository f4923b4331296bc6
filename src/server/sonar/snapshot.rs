//! The latest index in memory, for queries: the graph rebuilt from the stored outlines
//! (the same function that wrote the stored rows) with its lookups. Every query asks
//! the database for the latest run's version and reloads when it moved, so runs made
//! by the command line or another instance are seen at once.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use sha2::{Digest, Sha256};
use sqlx::Row;
use tokio::sync::Mutex;

use crate::server::db::Database;
use crate::sonar::context::Index;
use crate::sonar::graph;
use crate::sonar::outline::{Language, Outline};

/// What the latest run recorded of a file.
#[derive(Clone, Debug, PartialEq)]
pub struct FileRecord {
    pub language: Language,
    pub sha256: String,
    pub lines: usize,
}

#[derive(Debug, Default)]
pub struct Snapshot {
    /// The run's version; 0 when nothing has been indexed.
    pub version: i64,
    /// The indexed root, as the run recorded it.
    pub root: PathBuf,
    /// Unix seconds.
    pub finished_at: Option<i64>,
    pub duration_ms: i64,
    pub index: Index,
    /// The graph's node of each file.
    pub file_nodes: HashMap<String, usize>,
    pub files: HashMap<String, FileRecord>,
    /// Per-file complexity, most coupled first: made on first use (`/sonar/metrics`).
    pub complexity: std::sync::OnceLock<Vec<crate::wire::sonar::FileComplexity>>,
}

impl Snapshot {
    /// The file's text as it was indexed: read from the root and checked against the
    /// stored sha256 (a file edited since would not match its stored line numbers).
    pub fn source(&self, path: &str) -> Option<String> {
        let record = self.files.get(path)?;
        let text = std::fs::read_to_string(self.root.join(path)).ok()?;
        (hex::encode(Sha256::digest(text.as_bytes())) == record.sha256).then_some(text)
    }
}

/// The loaded snapshot, shared by every request of this instance.
#[derive(Default)]
pub struct SnapshotCache {
    current: Mutex<Arc<Snapshot>>,
}

impl SnapshotCache {
    /// The snapshot of the latest run, loading it when a newer run exists. The load
    /// runs in a task of its own that stores what it loaded: a caller that gives up
    /// (a request timeout) neither wastes it nor makes the next caller start again,
    /// and loads never run side by side (they wait for the lock, then find it done).
    pub async fn latest(self: &Arc<Self>, db: &Database) -> Result<Arc<Snapshot>, sqlx::Error> {
        let version = latest_version(db).await?;
        {
            let current = self.current.lock().await;
            if current.version == version {
                return Ok(current.clone());
            }
        }
        let (cache, db) = (self.clone(), db.clone());
        tokio::spawn(async move {
            let mut current = cache.current.lock().await;
            if current.version != version {
                *current = Arc::new(load(&db, version).await?);
            }
            Ok(current.clone())
        })
        .await
        .map_err(|e| sqlx::Error::Protocol(format!("loading the SONAR index: {e}")))?
    }
}

pub async fn latest_version(db: &Database) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM sonar_runs")
        .fetch_one(db.pool())
        .await
}

async fn load(db: &Database, version: i64) -> Result<Snapshot, sqlx::Error> {
    if version == 0 {
        return Ok(Snapshot::default());
    }
    let run =
        sqlx::query("SELECT root, finished_at, duration_ms FROM sonar_runs WHERE version = $1")
            .bind(version)
            .fetch_one(db.pool())
            .await?;
    let rows = sqlx::query("SELECT path, sha256, lines, outline FROM sonar_files ORDER BY path")
        .fetch_all(db.pool())
        .await?;
    let mut files = HashMap::with_capacity(rows.len());
    let mut stored = Vec::with_capacity(rows.len());
    for row in &rows {
        let path: String = row.try_get(0)?;
        let Some(language) = Language::of_path(&path) else {
            continue;
        };
        let json: String = row.try_get(3)?;
        stored.push((path.clone(), language, json));
        files.insert(
            path,
            FileRecord {
                language,
                sha256: row.try_get(1)?,
                lines: row.try_get::<i64, _>(2)? as usize,
            },
        );
    }
    let root = PathBuf::from(run.try_get::<String, _>(0)?);
    let finished_at = Some(run.try_get(1)?);
    let duration_ms = run.try_get(2)?;
    // Parsing thousands of outlines and building the graph is CPU work.
    let (index, file_nodes) = tokio::task::spawn_blocking(move || {
        let outlines: Vec<(String, Language, Outline)> = stored
            .into_iter()
            .map(|(path, language, json)| {
                let outline = serde_json::from_str(&json).unwrap_or_default();
                (path, language, outline)
            })
            .collect();
        let index = Index::new(graph::build(&outlines));
        let file_nodes = index
            .graph
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| matches!(n.kind, graph::NodeKind::File(_)))
            .map(|(i, n)| (n.path.clone(), i))
            .collect();
        (index, file_nodes)
    })
    .await
    .map_err(|e| sqlx::Error::Protocol(format!("loading the SONAR index: {e}")))?;
    Ok(Snapshot {
        version,
        root,
        finished_at,
        duration_ms,
        index,
        file_nodes,
        files,
        complexity: Default::default(),
    })
}
