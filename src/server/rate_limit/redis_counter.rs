//! Counters in Redis, shared by every instance: one Lua script increments all of a
//! request's windows atomically and sets their expiry.

use redis::Script;

use crate::server::redis_link::RedisLink;

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

pub struct RedisCounter {
    link: RedisLink,
    prefix: String,
    script: Script,
}

impl RedisCounter {
    pub fn new(client: redis::Client, prefix: &str) -> RedisCounter {
        RedisCounter {
            link: RedisLink::new(client),
            prefix: format!("{prefix}:ratelimit:"),
            script: Script::new(INCREMENT_WINDOWS),
        }
    }

    pub async fn increment(&self, keys: &[(String, i64)]) -> Result<Vec<u64>, String> {
        let mut invocation = self.script.prepare_invoke();
        for (key, expires_at) in keys {
            invocation
                .key(format!("{}{key}", self.prefix))
                .arg(*expires_at);
        }
        self.link
            .run(|mut connection| async move {
                invocation.invoke_async::<Vec<u64>>(&mut connection).await
            })
            .await
    }

    /// The current counts of `keys` without counting anything (missing keys are 0).
    pub async fn peek(&self, keys: &[(String, i64)]) -> Result<Vec<u64>, String> {
        let names: Vec<String> = keys
            .iter()
            .map(|(key, _)| format!("{}{key}", self.prefix))
            .collect();
        let counts = self
            .link
            .run(|mut connection| async move {
                redis::cmd("MGET")
                    .arg(&names)
                    .query_async::<Vec<Option<u64>>>(&mut connection)
                    .await
            })
            .await?;
        Ok(counts.into_iter().map(Option::unwrap_or_default).collect())
    }
}
