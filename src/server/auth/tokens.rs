//! Opaque random tokens and their stored form (SHA-256): refresh tokens and API
//! key secrets carry 256 bits of randomness, so a fast hash is enough.

use rand::RngCore;
use sha2::{Digest, Sha256};

/// `bytes` random bytes as lower-case hex.
pub fn random_hex(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buffer);
    hex::encode(buffer)
}

/// A random password with an upper-case letter, a digit and a special character.
pub fn generated_password() -> String {
    format!("Is-{}-9Z!", random_hex(12))
}

pub fn sha256_hex(value: &str) -> String {
    hex::encode(Sha256::digest(value.as_bytes()))
}

/// Compares two secrets' hashes without leaking where they differ.
pub fn hashes_match(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_tokens_are_hex_of_the_asked_length_and_differ() {
        let a = random_hex(32);
        assert_eq!(a.len(), 64);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, random_hex(32));
    }

    #[test]
    fn generated_passwords_meet_the_policy() {
        let email = crate::domain::email::Email::parse("someone@example.com").unwrap();
        let password = generated_password();
        assert!(crate::domain::password_policy::failed_rules(&password, &email).is_empty());
        assert_ne!(password, generated_password());
    }

    #[test]
    fn sha256_matches_the_known_vector() {
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn hash_comparison() {
        assert!(hashes_match("abcd", "abcd"));
        assert!(!hashes_match("abcd", "abce"));
        assert!(!hashes_match("abcd", "abc"));
    }
}
