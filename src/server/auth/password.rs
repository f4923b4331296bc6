//! argon2id with OWASP's parameters (19 MiB, 2 iterations, 1 lane), run on the
//! blocking pool so hashing never stalls the async workers. Hashes run a few at a
//! time through their own gate: a flood of log-ins cannot take every core (or
//! 19 MiB per request without bound), and heavy requests, which go through the
//! compute pool's gate, cannot queue log-ins behind them.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use std::time::Duration;

use tokio::sync::Semaphore;

use crate::error_catalog::ErrorCode;
use crate::server::api_error::ApiError;

/// Hashes at once in this process. A process-wide resource bound, like a thread pool.
const MAX_CONCURRENT_HASHES: usize = 4;
static HASHING: Semaphore = Semaphore::const_new(MAX_CONCURRENT_HASHES);
/// A log-in that cannot start hashing within this long is told to retry (503).
const QUEUE_TIMEOUT: Duration = Duration::from_secs(10);

/// Runs one hash or verification through the gate, on the blocking pool.
async fn gated<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    let _permit = tokio::time::timeout(QUEUE_TIMEOUT, HASHING.acquire())
        .await
        .map_err(|_| {
            ApiError::new(ErrorCode::ServiceUnavailable)
                .with_details(serde_json::json!({ "reason": "password hashing is busy" }))
        })?
        .map_err(|e| ApiError::internal("password hashing gate closed", e))?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ApiError::internal("password hashing task failed", e))
}

fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash_blocking(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(hasher()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

pub async fn hash(password: String) -> Result<String, ApiError> {
    gated(move || hash_blocking(&password))
        .await?
        .map_err(|e| ApiError::internal("password hashing failed", e))
}

/// Whether `password` matches the PHC-format `hash`.
pub async fn verify(password: String, hash: String) -> Result<bool, ApiError> {
    gated(move || {
        let parsed = PasswordHash::new(&hash)?;
        Ok::<bool, argon2::password_hash::Error>(
            hasher()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok(),
        )
    })
    .await?
    .map_err(|e| ApiError::internal("stored password hash is malformed", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_with_argon2id_owasp_parameters_and_verifies() {
        let hash = hash("Correct-Horse-1".into()).await.unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify("Correct-Horse-1".into(), hash.clone())
            .await
            .unwrap());
        assert!(!verify("correct-horse-1".into(), hash).await.unwrap());
    }

    #[tokio::test]
    async fn same_password_gets_a_new_salt_each_time() {
        let a = hash("Same-Pass-1".into()).await.unwrap();
        let b = hash("Same-Pass-1".into()).await.unwrap();
        assert_ne!(a, b);
    }
}
