//! Counters in Redis, shared by every instance: one Lua script increments all of a
//! request's windows atomically and sets their expiry.

use redis::aio::MultiplexedConnection;
use redis::Script;
use tokio::sync::Mutex;

const INCREMENT_WINDOWS: &str = r#"
local counts = {}
for i, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  if count == 1 then
    redis.call('EXPIREAT', key, ARGV[i])
  end
  counts[i] = count
end
return counts
"#;

/// How long one Redis round trip may take before we count in memory instead.
const TIMEOUT: std::time::Duration = std::time::Duration::from_millis(500);

pub struct RedisCounter {
    client: redis::Client,
    prefix: String,
    script: Script,
    connection: Mutex<Option<MultiplexedConnection>>,
}

impl RedisCounter {
    pub fn new(client: redis::Client, prefix: &str) -> RedisCounter {
        RedisCounter {
            client,
            prefix: format!("{prefix}:ratelimit:"),
            script: Script::new(INCREMENT_WINDOWS),
            connection: Mutex::new(None),
        }
    }

    pub async fn increment(&self, keys: &[(String, i64)]) -> Result<Vec<u64>, String> {
        let attempt = async {
            let mut connection = self.connection().await?;
            let mut invocation = self.script.prepare_invoke();
            for (key, expires_at) in keys {
                invocation
                    .key(format!("{}{key}", self.prefix))
                    .arg(*expires_at);
            }
            invocation
                .invoke_async::<Vec<u64>>(&mut connection)
                .await
                .map_err(|e| e.to_string())
        };
        let result = match tokio::time::timeout(TIMEOUT, attempt).await {
            Ok(result) => result,
            Err(_) => Err("redis timed out".to_string()),
        };
        if result.is_err() {
            // Reconnect next time rather than reuse a connection that failed.
            *self.connection.lock().await = None;
        }
        result
    }

    /// The current counts of `keys` without counting anything (missing keys are 0).
    pub async fn peek(&self, keys: &[(String, i64)]) -> Result<Vec<u64>, String> {
        let attempt = async {
            let mut connection = self.connection().await?;
            let names: Vec<String> = keys
                .iter()
                .map(|(key, _)| format!("{}{key}", self.prefix))
                .collect();
            redis::cmd("MGET")
                .arg(&names)
                .query_async::<Vec<Option<u64>>>(&mut connection)
                .await
                .map(|counts| counts.into_iter().map(Option::unwrap_or_default).collect())
                .map_err(|e| e.to_string())
        };
        match tokio::time::timeout(TIMEOUT, attempt).await {
            Ok(result) => result,
            Err(_) => Err("redis timed out".to_string()),
        }
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
