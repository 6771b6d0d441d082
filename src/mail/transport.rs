//! Where mail goes: an SMTP relay, or `.eml` files when none is configured.

use std::path::PathBuf;
use std::time::Duration;

use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::MailError;

pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(PathBuf),
}

/// Why a try failed: transient failures are retried, permanent ones end the mail.
#[derive(Debug, Clone, PartialEq)]
pub enum SendFailure {
    Transient(String),
    Permanent(String),
}

impl Transport {
    /// `smtp://` uses STARTTLS when the server offers it (add `?tls=required` to insist);
    /// `smtps://` is TLS from the start. Credentials come from the URL.
    pub fn from_config(
        smtp_url: Option<&str>,
        outbox_dir: PathBuf,
        timeout_seconds: u64,
    ) -> Result<Transport, MailError> {
        let Some(url) = smtp_url.map(str::trim).filter(|u| !u.is_empty()) else {
            return Ok(Transport::Files(outbox_dir));
        };
        let url = if url.starts_with("smtp://") && !url.contains("tls=") {
            format!(
                "{url}{}tls=opportunistic",
                if url.contains('?') { "&" } else { "?" }
            )
        } else {
            url.to_string()
        };
        // The URL may carry a password: errors name neither.
        let builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(&url)
            .map_err(|e| MailError::SmtpUrl(without_secrets(&e.to_string())))?;
        Ok(Transport::Smtp(
            builder
                .timeout(Some(Duration::from_secs(timeout_seconds.max(1))))
                .build(),
        ))
    }

    pub async fn send(&self, message: &Message, file_stem: &str) -> Result<(), SendFailure> {
        match self {
            Transport::Smtp(smtp) => smtp.send(message.clone()).await.map(|_| ()).map_err(|e| {
                if e.is_permanent() {
                    SendFailure::Permanent(e.to_string())
                } else {
                    SendFailure::Transient(e.to_string())
                }
            }),
            Transport::Files(dir) => write_eml(dir, file_stem, &message.formatted())
                .await
                .map_err(|e| SendFailure::Transient(format!("{}: {e}", dir.display()))),
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Transport::Smtp(_) => "SMTP".into(),
            Transport::Files(dir) => format!("fișiere .eml în {}", dir.display()),
        }
    }
}

/// Writes to a temporary name, then renames: a half-written file never looks like a mail.
/// The name comes from the Message-ID, so a resent duplicate replaces the first copy.
async fn write_eml(dir: &std::path::Path, stem: &str, bytes: &[u8]) -> std::io::Result<()> {
    tokio::fs::create_dir_all(dir).await?;
    let path = dir.join(format!("{stem}.eml"));
    let partial = dir.join(format!(".{stem}.partial"));
    let (target, bytes) = (partial.clone(), bytes.to_vec());
    tokio::task::spawn_blocking(move || crate::files::write_private(&target, &bytes))
        .await
        .map_err(std::io::Error::other)??;
    tokio::fs::rename(&partial, &path).await
}

fn without_secrets(text: &str) -> String {
    text.split_whitespace()
        .map(|w| {
            if w.contains('@') && w.contains(':') {
                "[adresă ascunsă]"
            } else {
                w
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
