//! Recovery codes: ten single-use codes of 125 random bits, shown once, stored as SHA-256.

use rand::RngExt;

const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
pub const COUNT: usize = 10;

/// `XXXXX-XXXXX-XXXXX-XXXXX-XXXXX` (25 symbols of 5 bits).
pub fn new_code() -> String {
    let mut rng = rand::rng();
    let symbols: Vec<char> = (0..25)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect();
    symbols
        .chunks(5)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// Case, spaces and dashes do not matter when a code is typed back.
pub fn normalise(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

pub fn hash(code: &str) -> String {
    super::tokens::token_hash(&normalise(code))
}

/// A fresh set: the codes to show and the hashes to store.
pub fn new_set() -> (Vec<String>, Vec<String>) {
    let codes: Vec<String> = (0..COUNT).map(|_| new_code()).collect();
    let hashes = codes.iter().map(|c| hash(c)).collect();
    (codes, hashes)
}

/// Whether typed input looks like a recovery code rather than a 6-digit TOTP code.
pub fn looks_like_code(typed: &str) -> bool {
    normalise(typed).len() == 25
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        let (codes, hashes) = new_set();
        assert_eq!(codes.len(), 10);
        assert_eq!(codes[0].len(), 29);
        assert_eq!(hash(&codes[0].to_lowercase().replace('-', " ")), hashes[0]);
        assert!(looks_like_code(&codes[3]));
        assert!(!looks_like_code("123456"));
        let unique: std::collections::HashSet<_> = hashes.iter().collect();
        assert_eq!(unique.len(), 10);
    }
}
