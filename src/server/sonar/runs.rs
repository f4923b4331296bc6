//! Background index runs (`POST /sonar/index`): one at a time per instance, its
//! progress readable while it runs and its outcome kept until the next one starts.

use std::sync::{Arc, Mutex, PoisonError};

use super::index::{Indexer, Report};
use super::loaded_index::LoadedIndexCache;
use super::scan::Limits;
use crate::error_catalog::ErrorCode;
use crate::server::api_error::ApiError;
use crate::server::clock::now_rfc3339;
use crate::server::db::Database;
use crate::wire::sonar::{IndexReport, IndexRun};

/// SONAR's share of the application state.
#[derive(Default)]
pub struct SonarState {
    pub loaded: Arc<LoadedIndexCache>,
    /// Keeps the indexed tree between runs, so a re-index costs what changed.
    indexer: Arc<Indexer>,
    latest_run: Mutex<Option<Arc<Mutex<IndexRun>>>>,
}

impl SonarState {
    /// Starts indexing `root` in the background; 409 `SONAR_INDEX_RUNNING` while a
    /// run of this instance is still going.
    pub fn start(&self, db: &Database, root: &std::path::Path) -> Result<IndexRun, ApiError> {
        let mut latest = self
            .latest_run
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(running) = latest
            .as_ref()
            .map(|run| read(run))
            .filter(|run| run.state == "running")
        {
            return Err(ApiError::new(ErrorCode::SonarIndexRunning)
                .with_details(serde_json::json!({ "id": running.id })));
        }
        let run = Arc::new(Mutex::new(IndexRun {
            id: uuid::Uuid::now_v7().to_string(),
            state: "running".into(),
            root: root.display().to_string(),
            files_done: 0,
            files_total: 0,
            started_at: now_rfc3339(),
            finished_at: None,
            report: None,
            error: None,
        }));
        *latest = Some(run.clone());
        let started = read(&run);
        let (db, root, progress) = (db.clone(), root.to_path_buf(), run.clone());
        let (snapshots, indexer) = (self.loaded.clone(), self.indexer.clone());
        tokio::spawn(async move {
            let outcome = indexer
                .run(&db, &root, Limits::default(), move |done, total| {
                    let mut run = progress.lock().unwrap_or_else(PoisonError::into_inner);
                    run.files_done = done;
                    run.files_total = total;
                })
                .await;
            if outcome.is_ok() {
                // Load the new index now, so the next question does not wait for it.
                if let Err(error) = snapshots.load_latest(&db).await {
                    tracing::warn!(%error, "SONAR: loading the new index failed");
                }
            }
            let mut run = run.lock().unwrap_or_else(PoisonError::into_inner);
            run.finished_at = Some(now_rfc3339());
            match outcome {
                Ok(report) => {
                    tracing::info!(
                        files = report.files,
                        changed = report.changed,
                        duration_ms = report.duration.as_millis() as u64,
                        "SONAR index run finished"
                    );
                    run.state = "succeeded".into();
                    run.files_done = report.files;
                    run.files_total = report.files;
                    run.report = Some(summary(&report));
                }
                Err(error) => {
                    tracing::warn!(%error, "SONAR index run failed");
                    run.state = "failed".into();
                    run.error = Some(error.to_string());
                }
            }
        });
        Ok(started)
    }

    /// The run with this id, if it is this instance's latest.
    pub fn run(&self, id: &str) -> Result<IndexRun, ApiError> {
        self.latest()
            .filter(|run| run.id == id)
            .ok_or_else(|| ApiError::new(ErrorCode::SonarRunNotFound))
    }

    pub fn latest(&self) -> Option<IndexRun> {
        let latest = self
            .latest_run
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        latest.as_ref().map(|run| read(run))
    }
}

fn read(run: &Mutex<IndexRun>) -> IndexRun {
    run.lock().unwrap_or_else(PoisonError::into_inner).clone()
}

fn summary(report: &Report) -> IndexReport {
    IndexReport {
        files: report.files,
        changed: report.changed,
        removed: report.removed,
        nodes: report.nodes,
        edges: report.edges,
        findings: report.findings,
        duration_ms: report.duration.as_millis() as u64,
        index_version: report.version,
    }
}
