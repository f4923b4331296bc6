//! One shared connection to Redis, opened on first use and reopened after a failure.
//! Every exchange is bounded in time: a slow or stopped Redis costs a request at most
//! [`TIMEOUT`], and the callers (rate limiter, signal cache) fall back to memory.

use std::future::Future;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use redis::aio::MultiplexedConnection;
use tokio::sync::Mutex;

use crate::server::clock::now_unix;

/// How long one Redis round trip may take before the caller gives up on it.
pub const TIMEOUT: Duration = Duration::from_millis(500);
/// After a failure, how long to answer "unavailable" at once before trying again.
const RETRY_SECS: i64 = 5;

pub struct RedisLink {
    client: redis::Client,
    connection: Mutex<Option<MultiplexedConnection>>,
    retry_at: AtomicI64,
}

/// A client for `REDIS_URL`: `redis://` plain, `rediss://` over TLS, trusting the
/// system's CAs or, when `REDIS_CA_CERT` names one, that CA.
pub fn client(config: &crate::server::config::Config) -> Result<Option<redis::Client>, String> {
    use secrecy::ExposeSecret;
    let Some(url) = &config.redis_url else {
        return Ok(None);
    };
    let client = match &config.redis_ca_cert {
        None => redis::Client::open(url.expose_secret()),
        Some(path) => {
            let root_cert = std::fs::read(path)
                .map_err(|e| format!("REDIS_CA_CERT {}: {e}", path.display()))?;
            redis::Client::build_with_tls(
                url.expose_secret(),
                redis::TlsCertificates {
                    client_tls: None,
                    root_cert: Some(root_cert),
                },
            )
        }
    };
    client.map(Some).map_err(|e| format!("REDIS_URL: {e}"))
}

/// Whether Redis answers PING within `limit` (a fresh connection: for health checks).
pub async fn ping(client: &redis::Client, limit: Duration) -> Result<(), String> {
    let ping = async {
        let mut connection = client.get_multiplexed_async_connection().await?;
        redis::cmd("PING")
            .query_async::<String>(&mut connection)
            .await
    };
    match tokio::time::timeout(limit, ping).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err(format!("redis did not answer within {limit:?}")),
    }
}

impl RedisLink {
    pub fn new(client: redis::Client) -> RedisLink {
        RedisLink {
            client,
            connection: Mutex::new(None),
            retry_at: AtomicI64::new(0),
        }
    }

    /// Runs `exchange` on the shared connection within [`TIMEOUT`]; for a few
    /// seconds after a failure, fails at once instead of waiting on Redis again.
    pub async fn run<T, F, Fut>(&self, exchange: F) -> Result<T, String>
    where
        F: FnOnce(MultiplexedConnection) -> Fut,
        Fut: Future<Output = redis::RedisResult<T>>,
    {
        if now_unix() < self.retry_at.load(Ordering::Relaxed) {
            return Err("redis unavailable (retrying shortly)".to_string());
        }
        let attempt = async {
            let connection = self.connection().await?;
            exchange(connection).await.map_err(|e| e.to_string())
        };
        let result = match tokio::time::timeout(TIMEOUT, attempt).await {
            Ok(result) => result,
            Err(_) => Err("redis timed out".to_string()),
        };
        if result.is_err() {
            // Reconnect next time rather than reuse a connection that failed.
            *self.connection.lock().await = None;
            self.retry_at
                .store(now_unix() + RETRY_SECS, Ordering::Relaxed);
        }
        result
    }

    async fn connection(&self) -> Result<MultiplexedConnection, String> {
        let mut slot = self.connection.lock().await;
        if let Some(connection) = slot.as_ref() {
            return Ok(connection.clone());
        }
        let connection = self
            .client
            .get_multiplexed_async_connection()
            .await
            .map_err(|e| e.to_string())?;
        *slot = Some(connection.clone());
        Ok(connection)
    }
}
