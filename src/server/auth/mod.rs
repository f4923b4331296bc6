//! Authentication: password hashing, access tokens (JWT), opaque tokens, and the
//! extractor that turns a bearer token or an API key into the current user.

pub mod current_user;
pub mod extractor;
pub mod jwt;
pub mod password;
pub mod tokens;

use secrecy::ExposeSecret;

use super::config::Config;

/// Keys and constants the auth code needs, built once at start-up.
pub struct AuthKeys {
    pub jwt: jwt::JwtKeys,
    /// A real argon2id hash of a random password: unknown emails are verified
    /// against it so they take as long as wrong passwords.
    pub dummy_hash: String,
}

impl AuthKeys {
    pub fn new(config: &Config) -> Result<AuthKeys, argon2::password_hash::Error> {
        Ok(AuthKeys {
            jwt: jwt::JwtKeys::new(config.jwt_secret_key.expose_secret().as_bytes()),
            dummy_hash: password::hash_blocking(&tokens::random_hex(16))?,
        })
    }
}
