//! The key that encrypts TOTP secrets at rest (AES-256-GCM). It lives in a file outside the
//! database (`ISJ_SECRET_KEY_FILE`), created with mode 0600 on first run.

use std::io::Write;
use std::path::Path;

use aes_gcm::aead::{Aead, Generate, KeyInit};
use aes_gcm::{Aes256Gcm, Key, Nonce};

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("nu pot citi sau crea cheia {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("cheia din {0} nu are 32 de octeți (64 de caractere hex)")]
    Malformed(String),
    #[error("datele criptate nu pot fi citite cu această cheie")]
    Decrypt,
}

pub struct SecretKey(Aes256Gcm);

const NONCE_LEN: usize = 12;

impl SecretKey {
    /// Reads the hex key from `path`, creating it (and its folder) if it does not exist.
    pub fn load_or_create(path: &Path) -> Result<SecretKey, KeyError> {
        let io = |source| KeyError::Io {
            path: path.display().to_string(),
            source,
        };
        if !path.exists() {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent).map_err(io)?;
            }
            let key = Key::<Aes256Gcm>::generate();
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut file = options.open(path).map_err(io)?;
            file.write_all(hex::encode(key.as_slice()).as_bytes())
                .map_err(io)?;
        }
        let text = std::fs::read_to_string(path).map_err(io)?;
        let bytes = hex::decode(text.trim())
            .map_err(|_| KeyError::Malformed(path.display().to_string()))?;
        let key = Key::<Aes256Gcm>::try_from(bytes.as_slice())
            .map_err(|_| KeyError::Malformed(path.display().to_string()))?;
        Ok(SecretKey(Aes256Gcm::new(&key)))
    }

    /// nonce ‖ ciphertext, as hex.
    pub fn encrypt(&self, plaintext: &[u8]) -> Result<String, KeyError> {
        let nonce = Nonce::generate();
        let sealed = self
            .0
            .encrypt(&nonce, plaintext)
            .map_err(|_| KeyError::Decrypt)?;
        Ok(hex::encode([nonce.as_slice(), &sealed].concat()))
    }

    pub fn decrypt(&self, stored: &str) -> Result<Vec<u8>, KeyError> {
        let bytes = hex::decode(stored).map_err(|_| KeyError::Decrypt)?;
        if bytes.len() <= NONCE_LEN {
            return Err(KeyError::Decrypt);
        }
        let (nonce, sealed) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_from(nonce).map_err(|_| KeyError::Decrypt)?;
        self.0
            .decrypt(&nonce, sealed)
            .map_err(|_| KeyError::Decrypt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_private_and_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys/secret.key");
        let key = SecretKey::load_or_create(&path).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        let sealed = key.encrypt(b"totp secret").unwrap();
        assert!(!sealed.contains(&hex::encode(b"totp secret")));
        let again = SecretKey::load_or_create(&path).unwrap();
        assert_eq!(again.decrypt(&sealed).unwrap(), b"totp secret");
        let other = SecretKey::load_or_create(&dir.path().join("other.key")).unwrap();
        assert!(other.decrypt(&sealed).is_err());
    }
}
