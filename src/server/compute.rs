//! Heavy computations (backtests) run here: on the blocking pool, at most one per
//! core at a time (more would only slow every one of them and starve log-ins), and
//! cancelled when the request that asked goes away (a timeout drops its future), so
//! no thread runs on for an answer nobody will read.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::Semaphore;

use crate::backtest::Cancel;
use crate::error_catalog::ErrorCode;
use crate::server::api_error::ApiError;

pub struct ComputePool {
    /// Threads one computation may spread over (a sweep uses them all).
    pub threads: usize,
    permits: Arc<Semaphore>,
    running: Arc<AtomicUsize>,
}

impl Default for ComputePool {
    fn default() -> ComputePool {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        ComputePool::new(cores)
    }
}

/// Sets the flag when the awaiting future is dropped before the work finished.
struct CancelOnDrop(Arc<Cancel>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

/// Counts a computation while its thread works on it.
struct Running(Arc<AtomicUsize>);

impl Drop for Running {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl ComputePool {
    pub fn new(max_parallel: usize) -> ComputePool {
        ComputePool {
            threads: std::thread::available_parallelism().map_or(2, usize::from),
            permits: Arc::new(Semaphore::new(max_parallel.max(1))),
            running: Arc::default(),
        }
    }

    /// Computations whose thread is working now (cancelled ones stop at their next check).
    pub fn running(&self) -> usize {
        self.running.load(Ordering::Relaxed)
    }

    /// Runs `work` on the blocking pool once a slot is free. `work` returns `None`
    /// when it saw the flag set (its caller is gone; answered as a timeout).
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Cancel) -> Option<T> + Send + 'static,
    ) -> Result<T, ApiError> {
        let permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| ApiError::internal("compute pool closed", e))?;
        let cancel = Arc::new(Cancel::default());
        let _cancel_on_drop = CancelOnDrop(cancel.clone());
        self.running.fetch_add(1, Ordering::Relaxed);
        let running = Running(self.running.clone());
        let outcome = tokio::task::spawn_blocking(move || {
            // The slot is held until the thread is done, not just until the caller left.
            let _permit = permit;
            let _running = running;
            work(&cancel)
        })
        .await
        .map_err(|e| ApiError::internal("computation task failed", e))?;
        outcome.ok_or_else(|| ApiError::new(ErrorCode::RequestTimeout))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn a_dropped_caller_cancels_the_work() {
        let pool = Arc::new(ComputePool::new(1));
        let (started_tx, started_rx) = std::sync::mpsc::channel();
        let caller = {
            let pool = pool.clone();
            tokio::spawn(async move {
                pool.run(move |cancel| {
                    started_tx.send(()).unwrap();
                    while !cancel.is_cancelled() {
                        std::thread::sleep(Duration::from_millis(1));
                    }
                    None::<()>
                })
                .await
            })
        };
        tokio::task::spawn_blocking(move || started_rx.recv().unwrap())
            .await
            .unwrap();
        assert_eq!(pool.running(), 1);
        caller.abort();
        for _ in 0..500 {
            if pool.running() == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        assert_eq!(pool.running(), 0, "the work stopped once its caller left");
        // And its slot is free again.
        let answer = pool.run(|_| Some(42)).await.unwrap();
        assert_eq!(answer, 42);
    }
}
