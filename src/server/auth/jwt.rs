//! Access tokens: JWT HS256 signed with `JWT_SECRET_KEY`, valid 30 minutes,
//! claims `sub`, `exp`, `iat`, `jti`, `tier`, and `iat_ms` (the issue time in
//! milliseconds, compared with the user's sessions-valid-from mark on every request,
//! so a password change or deactivation ends every token issued before it).

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::error_catalog::ErrorCode;

pub const ACCESS_TOKEN_TTL_SECS: i64 = 30 * 60;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub exp: i64,
    pub iat: i64,
    pub jti: String,
    pub tier: String,
    #[serde(default)]
    pub iat_ms: i64,
}

pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl JwtKeys {
    pub fn new(secret: &[u8]) -> JwtKeys {
        JwtKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
        }
    }

    /// Signs a token for `user_id` issued at `now_ms` (Unix milliseconds).
    pub fn issue(
        &self,
        user_id: &str,
        tier: &str,
        now_ms: i64,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        let now = now_ms.div_euclid(1000);
        let claims = Claims {
            sub: user_id.to_string(),
            exp: now + ACCESS_TOKEN_TTL_SECS,
            iat: now,
            jti: uuid::Uuid::new_v4().to_string(),
            tier: tier.to_string(),
            iat_ms: now_ms,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
    }

    /// Checks signature, algorithm and expiry (no leeway).
    pub fn verify(&self, token: &str) -> Result<Claims, ErrorCode> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "sub", "iat"]);
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation)
            .map(|data| data.claims)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => ErrorCode::TokenExpired,
                _ => ErrorCode::TokenInvalid,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::clock::now_unix_ms;

    const SECRET: &[u8] = b"a-test-secret-of-at-least-32-characters!";

    #[test]
    fn issued_token_verifies_with_its_claims() {
        let keys = JwtKeys::new(SECRET);
        let now_ms = now_unix_ms();
        let now = now_ms / 1000;
        let token = keys.issue("user-1", "pro", now_ms).unwrap();
        let claims = keys.verify(&token).unwrap();
        assert_eq!(claims.sub, "user-1");
        assert_eq!(claims.tier, "pro");
        assert_eq!(claims.iat, now);
        assert_eq!(claims.exp, now + 1800);
        assert_eq!(claims.iat_ms, now_ms);
        assert!(uuid::Uuid::parse_str(&claims.jti).is_ok());
    }

    #[test]
    fn expired_token_is_token_expired() {
        let keys = JwtKeys::new(SECRET);
        let token = keys
            .issue("user-1", "free", now_unix_ms() - 3_600_000)
            .unwrap();
        assert_eq!(keys.verify(&token), Err(ErrorCode::TokenExpired));
    }

    #[test]
    fn other_key_or_tampering_is_token_invalid() {
        let keys = JwtKeys::new(SECRET);
        let token = keys.issue("user-1", "free", now_unix_ms()).unwrap();
        let other = JwtKeys::new(b"another-secret-of-at-least-32-characters");
        assert_eq!(other.verify(&token), Err(ErrorCode::TokenInvalid));
        let mut tampered = token.clone();
        tampered.pop();
        assert_eq!(keys.verify(&tampered), Err(ErrorCode::TokenInvalid));
        assert_eq!(keys.verify("not.a.jwt"), Err(ErrorCode::TokenInvalid));
    }

    #[test]
    fn unsigned_tokens_are_refused() {
        let keys = JwtKeys::new(SECRET);
        // {"alg":"none"} header with valid-looking claims and no signature.
        let header = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0";
        let claims = "eyJzdWIiOiJ1c2VyLTEiLCJleHAiOjk5OTk5OTk5OTksImlhdCI6MCwianRpIjoieCIsInRpZXIiOiJwcm8ifQ";
        assert_eq!(
            keys.verify(&format!("{header}.{claims}.")),
            Err(ErrorCode::TokenInvalid)
        );
    }
}
