//! Argon2id password hashes (OWASP parameters: m=19456 KiB, t=2, p=1) and the password policy:
//! 8 to 256 characters, no composition rules, and strong enough by the zxcvbn estimator
//! (score 3 of 4), told about the person and the words an ISJ password leans on.

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};

pub const MIN_LENGTH: usize = 8;
pub const MAX_LENGTH: usize = 256;

/// Words a guesser of an inspectorate's password tries first (besides the county names and
/// the person's own name and address).
const CONTEXT_WORDS: &[&str] = &[
    "isj",
    "inspectorat",
    "inspectoratul",
    "scolar",
    "școlar",
    "judetean",
    "județean",
    "juridic",
    "parola",
    "parolă",
    "romania",
    "românia",
    "den",
    "dosar",
    "dosarul",
    "electronic",
    "tracker",
    "scoala",
    "școala",
    "liceu",
    "director",
    "secretar",
];

/// The lowest zxcvbn score accepted: "safely unguessable" (about 10^8 guesses or more).
const MIN_SCORE: u8 = 3;
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
    #[error(
        "parola se ghicește ușor (cuvinte sau date cunoscute, numele, adresa); alegeți o frază de câteva cuvinte"
    )]
    Weak,
    #[error("parola nu a putut fi protejată: {0}")]
    Hashing(String),
}

/// Checks the policy for the person with this e-mail and name; the same rule everywhere a
/// password is set (enrolment, `user add`, password change).
pub fn check_policy_for(password: &str, email: &str, name: &str) -> Result<(), PasswordError> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Err(PasswordError::TooShort);
    }
    if length > MAX_LENGTH {
        return Err(PasswordError::TooLong);
    }
    let inputs = context_words(email, name);
    let refs: Vec<&str> = inputs.iter().map(String::as_str).collect();
    // Diacritics are no strength: judge the folded password too and keep the weaker score.
    let folded = crate::domain::text::fold(password);
    let score = [password, folded.as_str()]
        .into_iter()
        .map(|p| u8::from(zxcvbn::zxcvbn(p, &refs).score()))
        .min()
        .unwrap_or(0);
    if score < MIN_SCORE {
        return Err(PasswordError::Weak);
    }
    Ok(())
}

fn context_words(email: &str, name: &str) -> Vec<String> {
    let mut words: Vec<String> = CONTEXT_WORDS.iter().map(|w| w.to_string()).collect();
    words.extend(crate::domain::county::all_names().map(str::to_lowercase));
    words.push(email.to_lowercase());
    let parts = email
        .split(['@', '.', '_', '-', '+'])
        .chain(name.split_whitespace())
        .filter(|p| p.chars().count() >= 3)
        .map(str::to_lowercase);
    words.extend(parts);
    let folded: Vec<String> = words.iter().map(|w| crate::domain::text::fold(w)).collect();
    words.extend(folded);
    words.sort();
    words.dedup();
    words
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
        let check = |p: &str| check_policy_for(p, "maria.pop@isj.hd.edu.ro", "Maria Pop");
        assert_eq!(check("1234567"), Err(PasswordError::TooShort));
        assert_eq!(check("parola123"), Err(PasswordError::Weak));
        assert_eq!(check("Password1"), Err(PasswordError::Weak));
        assert_eq!(check("mariapop1"), Err(PasswordError::Weak), "her own name");
        assert_eq!(check("maria.pop"), Err(PasswordError::Weak), "her address");
        assert_eq!(
            check("Hunedoara2026!"),
            Err(PasswordError::Weak),
            "the county"
        );
        assert_eq!(check(&"x".repeat(64)), Err(PasswordError::Weak), "repeats");
        assert!(check("cal verde pe câmpie").is_ok());
        assert!(check("tramvaiul albastru zboară").is_ok());
        assert_eq!(check(&"x".repeat(300)), Err(PasswordError::TooLong));
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
