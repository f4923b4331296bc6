//! argon2id with OWASP's parameters (19 MiB, 2 iterations, 1 lane), run on the
//! blocking pool so hashing never stalls the async workers.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::server::api_error::ApiError;

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
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .map_err(|e| ApiError::internal("password hashing task failed", e))?
        .map_err(|e| ApiError::internal("password hashing failed", e))
}

/// Whether `password` matches the PHC-format `hash`.
pub async fn verify(password: String, hash: String) -> Result<bool, ApiError> {
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&hash)?;
        Ok::<bool, argon2::password_hash::Error>(
            hasher()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok(),
        )
    })
    .await
    .map_err(|e| ApiError::internal("password verification task failed", e))?
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
