//! Argon2id password hashes (OWASP parameters: m=19456 KiB, t=2, p=1) and the password policy
//! (at least 8 characters, long ones allowed, no composition rules, no common passwords).

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};

pub const MIN_LENGTH: usize = 8;
pub const MAX_LENGTH: usize = 256;

/// Common passwords, one per line, compared case-insensitively.
const COMMON: &str = include_str!("common-passwords.txt");

fn hasher() -> Argon2<'static> {
    let params = Params::new(19_456, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum PasswordError {
    #[error("parola trebuie să aibă cel puțin {MIN_LENGTH} caractere")]
    TooShort,
    #[error("parola poate avea cel mult {MAX_LENGTH} caractere")]
    TooLong,
    #[error("parola este prea des folosită; alegeți alta (de exemplu o frază)")]
    Common,
    #[error("parola nu a putut fi protejată: {0}")]
    Hashing(String),
}

/// Checks the policy; the same rules everywhere a password is set.
pub fn check_policy(password: &str) -> Result<(), PasswordError> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Err(PasswordError::TooShort);
    }
    if length > MAX_LENGTH {
        return Err(PasswordError::TooLong);
    }
    let lowered = password.to_lowercase();
    if COMMON.lines().any(|common| common.trim() == lowered) {
        return Err(PasswordError::Common);
    }
    Ok(())
}

/// A PHC string `$argon2id$v=19$m=19456,t=2,p=1$…`. CPU-heavy: call from a blocking task.
pub fn hash(password: &str) -> Result<String, PasswordError> {
    hasher()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| PasswordError::Hashing(e.to_string()))
}

/// Verifies against a stored hash; `None` (unknown user) still spends the same work on a
/// dummy hash so response times do not reveal which accounts exist.
pub fn verify(password: &str, stored: Option<&str>) -> bool {
    let (hash, real) = match stored {
        Some(hash) => (hash, true),
        None => (DUMMY_HASH, false),
    };
    let ok = hasher().verify_password(password.as_bytes(), hash).is_ok();
    ok && real
}

/// Hash of a random string nobody knows, with the production parameters.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$6Lw0Hpr0Bb4XR3vKG0T8Q3KkVvNhXA1o5CVdJ/mvqXE";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy() {
        assert_eq!(check_policy("1234567"), Err(PasswordError::TooShort));
        assert_eq!(check_policy("parola123"), Err(PasswordError::Common));
        assert_eq!(check_policy("Password1"), Err(PasswordError::Common));
        assert!(check_policy("cal verde pe câmpie").is_ok());
        assert!(check_policy(&"x".repeat(64)).is_ok());
        assert_eq!(check_policy(&"x".repeat(300)), Err(PasswordError::TooLong));
    }

    #[test]
    fn hash_and_verify() {
        let stored = hash("cal verde pe câmpie").unwrap();
        assert!(
            stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{stored}"
        );
        assert!(verify("cal verde pe câmpie", Some(&stored)));
        assert!(!verify("cal verde pe campie", Some(&stored)));
        assert!(!verify("orice", None));
    }
}
