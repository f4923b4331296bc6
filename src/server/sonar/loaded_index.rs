//! The latest index in memory, for queries: the graph rebuilt from the stored outlines
//! (the same function that wrote the stored rows) with its lookups. Every query asks
//! the database for the latest run's version and starts a reload when it moved, so
//! runs made by the command line or another instance are picked up; until the reload
//! is done, queries are answered from the index loaded before (on a tree of 20 000
//! files a load takes seconds).

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
    pub size: u64,
    /// Nanoseconds since the epoch, as the run saw it.
    pub modified_ns: i64,
}

#[derive(Debug, Default)]
pub struct LoadedIndex {
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

impl LoadedIndex {
    /// The file's text as it was indexed (a file edited since would not match its
    /// stored line numbers): a file with the recorded size and modification time is
    /// taken as it is, as the indexer does; another is checked against the sha256.
    pub fn source(&self, path: &str) -> Option<String> {
        let record = self.files.get(path)?;
        let full = self.root.join(path);
        let unchanged = std::fs::metadata(&full).ok().is_some_and(|m| {
            let modified_ns = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos() as i64);
            m.len() == record.size && modified_ns != 0 && modified_ns == record.modified_ns
        });
        let text = std::fs::read_to_string(full).ok()?;
        (unchanged || hex::encode(Sha256::digest(text.as_bytes())) == record.sha256).then_some(text)
    }
}

/// The loaded snapshot, shared by every request of this instance.
#[derive(Default)]
pub struct LoadedIndexCache {
    current: std::sync::Mutex<Arc<LoadedIndex>>,
    /// Held by the one load running; loads never run side by side.
    loading: Arc<Mutex<()>>,
}

impl LoadedIndexCache {
    /// The snapshot to answer from now: the latest run's, or, while a newer run is
    /// being loaded, the one loaded before it (its `version` says which). Only before
    /// anything is loaded does a caller wait for the load.
    pub async fn latest(self: &Arc<Self>, db: &Database) -> Result<Arc<LoadedIndex>, sqlx::Error> {
        let version = latest_version(db).await?;
        let current = self.current();
        if current.version == version {
            return Ok(current);
        }
        let Ok(guard) = self.loading.clone().try_lock_owned() else {
            // Someone is loading it already.
            return if current.version == 0 {
                self.load_latest(db).await
            } else {
                Ok(current)
            };
        };
        let load = self.spawn_load(db, version, guard);
        if current.version == 0 {
            load.await
                .map_err(|e| sqlx::Error::Protocol(format!("loading the SONAR index: {e}")))?
        } else {
            Ok(current)
        }
    }

    /// The latest run's snapshot, waiting for its load (after a run, at start-up).
    pub async fn load_latest(
        self: &Arc<Self>,
        db: &Database,
    ) -> Result<Arc<LoadedIndex>, sqlx::Error> {
        let version = latest_version(db).await?;
        let guard = self.loading.clone().lock_owned().await;
        self.spawn_load(db, version, guard)
            .await
            .map_err(|e| sqlx::Error::Protocol(format!("loading the SONAR index: {e}")))?
    }

    fn current(&self) -> Arc<LoadedIndex> {
        self.current
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Loads `version` unless it is loaded already, in a task of its own: a caller that
    /// gives up (a request timeout) neither wastes the load nor restarts it.
    fn spawn_load(
        self: &Arc<Self>,
        db: &Database,
        version: i64,
        guard: tokio::sync::OwnedMutexGuard<()>,
    ) -> tokio::task::JoinHandle<Result<Arc<LoadedIndex>, sqlx::Error>> {
        let (cache, db) = (self.clone(), db.clone());
        tokio::spawn(async move {
            let _loading = guard;
            if cache.current().version < version {
                let loaded = Arc::new(load(&db, version).await?);
                *cache
                    .current
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) = loaded;
            }
            Ok(cache.current())
        })
    }
}

pub async fn latest_version(db: &Database) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM sonar_runs")
        .fetch_one(db.pool())
        .await
}

async fn load(db: &Database, version: i64) -> Result<LoadedIndex, sqlx::Error> {
    if version == 0 {
        return Ok(LoadedIndex::default());
    }
    let run =
        sqlx::query("SELECT root, finished_at, duration_ms FROM sonar_runs WHERE version = $1")
            .bind(version)
            .fetch_one(db.pool())
            .await?;
    let rows = sqlx::query(
        "SELECT path, sha256, lines, outline, size, modified_ns FROM sonar_files ORDER BY path",
    )
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
                size: row.try_get::<i64, _>(4)? as u64,
                modified_ns: row.try_get(5)?,
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
    Ok(LoadedIndex {
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
