//! Sealed values: user secrets the service must read back (webhook signing secrets,
//! TOTP secrets, provider keys) stored encrypted with XChaCha20-Poly1305 under a key
//! derived from `ENCRYPTION_KEY`.
//!
//! Stored form: `sealed:v1:<key id>:<base64url(nonce ‖ ciphertext ‖ tag)>`. The key id
//! (a fingerprint derived apart from the key) says which key sealed a value, so during
//! a rotation values sealed with `ENCRYPTION_KEY_PREVIOUS` are still read. Each value
//! is bound to where it is stored (the `context`, e.g. `webhooks.secret:<id>`): a
//! sealed value copied into another row does not open.

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};

use super::keys;

const PREFIX: &str = "sealed:v1:";
const NONCE_LEN: usize = 24;

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("not a sealed value")]
    Malformed,
    #[error("sealed with key {0}, which is neither ENCRYPTION_KEY nor ENCRYPTION_KEY_PREVIOUS")]
    UnknownKey(String),
    #[error("the sealed value does not authenticate (altered, or moved from elsewhere)")]
    Tampered,
}

struct SealingKey {
    id: String,
    cipher: XChaCha20Poly1305,
}

impl SealingKey {
    fn derive(secret: &str) -> SealingKey {
        let key: [u8; 32] = keys::derive(secret, keys::SEALING);
        let id: [u8; 4] = keys::derive(secret, keys::SEALING_KEY_ID);
        SealingKey {
            id: hex::encode(id),
            cipher: XChaCha20Poly1305::new(&key.into()),
        }
    }
}

/// Seals with the current key; opens with the current or the previous one.
pub struct Sealer {
    current: SealingKey,
    previous: Option<SealingKey>,
}

/// A value opened by [`Sealer::open`], and whether it should be sealed again.
pub struct Opened {
    pub plaintext: SecretString,
    /// Sealed with the previous key: `rotate-encryption-key` rewrites it.
    pub stale: bool,
}

impl Sealer {
    pub fn new(encryption_key: &SecretString, previous: Option<&SecretString>) -> Sealer {
        Sealer {
            current: SealingKey::derive(encryption_key.expose_secret()),
            previous: previous.map(|key| SealingKey::derive(key.expose_secret())),
        }
    }

    /// The current key's fingerprint (safe to print: it is not derived into the key).
    pub fn key_id(&self) -> &str {
        &self.current.id
    }

    pub fn previous_key_id(&self) -> Option<&str> {
        self.previous.as_ref().map(|key| key.id.as_str())
    }

    pub fn seal(&self, plaintext: &str, context: &str) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let payload = Payload {
            msg: plaintext.as_bytes(),
            aad: &aad(&self.current.id, context),
        };
        let ciphertext = self
            .current
            .cipher
            .encrypt(XNonce::from_slice(&nonce), payload)
            .expect("XChaCha20-Poly1305 encrypts any length this service stores");
        let mut body = nonce.to_vec();
        body.extend_from_slice(&ciphertext);
        format!(
            "{PREFIX}{}:{}",
            self.current.id,
            URL_SAFE_NO_PAD.encode(body)
        )
    }

    pub fn open(&self, sealed: &str, context: &str) -> Result<Opened, SealError> {
        let rest = sealed.strip_prefix(PREFIX).ok_or(SealError::Malformed)?;
        let (key_id, body) = rest.split_once(':').ok_or(SealError::Malformed)?;
        let body = URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|_| SealError::Malformed)?;
        if body.len() < NONCE_LEN {
            return Err(SealError::Malformed);
        }
        let (key, stale) = if key_id == self.current.id {
            (&self.current, false)
        } else {
            match &self.previous {
                Some(previous) if previous.id == key_id => (previous, true),
                _ => return Err(SealError::UnknownKey(key_id.to_string())),
            }
        };
        let (nonce, ciphertext) = body.split_at(NONCE_LEN);
        let payload = Payload {
            msg: ciphertext,
            aad: &aad(key_id, context),
        };
        let plaintext = key
            .cipher
            .decrypt(XNonce::from_slice(nonce), payload)
            .map_err(|_| SealError::Tampered)?;
        let plaintext = String::from_utf8(plaintext).map_err(|_| SealError::Malformed)?;
        Ok(Opened {
            plaintext: SecretString::from(plaintext),
            stale,
        })
    }

    /// Whether `sealed` was written with another key than the current one.
    pub fn is_stale(&self, sealed: &str) -> bool {
        sealed
            .strip_prefix(PREFIX)
            .and_then(|rest| rest.split_once(':'))
            .is_none_or(|(key_id, _)| key_id != self.current.id)
    }
}

/// The associated data: the format version, the key id and where the value lives.
fn aad(key_id: &str, context: &str) -> Vec<u8> {
    format!("{PREFIX}{key_id}:{context}").into_bytes()
}

impl fmt::Debug for Sealer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sealer")
            .field("key_id", &self.current.id)
            .field("previous_key_id", &self.previous_key_id())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(value: &str) -> SecretString {
        SecretString::from(value.to_string())
    }

    fn sealer(current: &str, previous: Option<&str>) -> Sealer {
        Sealer::new(&secret(current), previous.map(secret).as_ref())
    }

    #[test]
    fn seals_and_opens_in_its_context_only() {
        let sealer = sealer("key-one-0123456789abcdef0123456789", None);
        let sealed = sealer.seal("whsec_topsecret", "webhooks.secret:42");
        assert!(sealed.starts_with("sealed:v1:"));
        assert!(!sealed.contains("topsecret"));
        let opened = sealer.open(&sealed, "webhooks.secret:42").unwrap();
        assert_eq!(opened.plaintext.expose_secret(), "whsec_topsecret");
        assert!(!opened.stale);
        assert_eq!(
            sealer.open(&sealed, "webhooks.secret:43").err(),
            Some(SealError::Tampered),
            "a value moved to another row does not open"
        );
        // Random nonces: the same secret never seals to the same text.
        assert_ne!(sealed, sealer.seal("whsec_topsecret", "webhooks.secret:42"));
    }

    #[test]
    fn detects_any_altered_byte() {
        let sealer = sealer("key-one-0123456789abcdef0123456789", None);
        let sealed = sealer.seal("value", "ctx");
        let (head, body) = sealed.rsplit_once(':').unwrap();
        let mut bytes = URL_SAFE_NO_PAD.decode(body).unwrap();
        for index in [0, NONCE_LEN, bytes.len() - 1] {
            bytes[index] ^= 1;
            let altered = format!("{head}:{}", URL_SAFE_NO_PAD.encode(&bytes));
            assert_eq!(
                sealer.open(&altered, "ctx").err(),
                Some(SealError::Tampered)
            );
            bytes[index] ^= 1;
        }
        assert_eq!(
            sealer.open("plain text", "ctx").err(),
            Some(SealError::Malformed)
        );
        assert_eq!(
            sealer.open("sealed:v1:abcd:!!", "ctx").err(),
            Some(SealError::Malformed)
        );
    }

    #[test]
    fn the_previous_key_still_opens_during_a_rotation() {
        let old = sealer("old-key-0123456789abcdef0123456789", None);
        let sealed = old.seal("totp-seed", "users.totp_secret:u1");
        let rotated = sealer(
            "new-key-0123456789abcdef0123456789",
            Some("old-key-0123456789abcdef0123456789"),
        );
        assert_eq!(rotated.previous_key_id(), Some(old.key_id()));
        assert!(rotated.is_stale(&sealed));
        let opened = rotated.open(&sealed, "users.totp_secret:u1").unwrap();
        assert_eq!(opened.plaintext.expose_secret(), "totp-seed");
        assert!(opened.stale);
        let resealed = rotated.seal("totp-seed", "users.totp_secret:u1");
        assert!(!rotated.is_stale(&resealed));

        let without_previous = sealer("new-key-0123456789abcdef0123456789", None);
        assert_eq!(
            without_previous.open(&sealed, "users.totp_secret:u1").err(),
            Some(SealError::UnknownKey(old.key_id().to_string()))
        );
    }

    #[test]
    fn debug_shows_key_ids_only() {
        let sealer = sealer("very-secret-key-material-0123456789", None);
        let debug = format!("{sealer:?}");
        assert!(debug.contains(sealer.key_id()));
        assert!(!debug.contains("very-secret"));
    }
}
