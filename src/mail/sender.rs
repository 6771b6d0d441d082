//! Drains the outbox: claim a row (short write, committed), talk to the relay with no
//! transaction open, then record the outcome. At-least-once: a crash between the relay's
//! "250" and the record sends that one mail again, with the same Message-ID.

use std::sync::Arc;

use chrono_tz::Tz;
use lettre::Message;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use sea_orm::DatabaseConnection;

use super::MailError;
use super::transport::{SendFailure, Transport};
use crate::auth::secret_key::SecretKey;
use crate::clock::Clock;
use crate::db::outbox::{self, StoredMail};
use crate::domain::calendar::in_send_window;

pub struct Mailer {
    pub transport: Transport,
    pub from: Mailbox,
    /// Domain of the sender, used in Message-IDs.
    pub domain: String,
    pub key: Arc<SecretKey>,
    pub timezone: Tz,
}

impl Mailer {
    pub fn new(config: &crate::config::Config, key: Arc<SecretKey>) -> Result<Mailer, MailError> {
        let from: Mailbox = config
            .mail_from
            .parse()
            .map_err(|e: lettre::address::AddressError| MailError::From(e.to_string()))?;
        let domain = from.email.domain().to_string();
        let transport = Transport::from_config(
            config.smtp_url.as_deref(),
            config.outbox_dir.clone(),
            config.smtp_timeout,
        )?;
        Ok(Mailer {
            transport,
            from,
            domain,
            key,
            timezone: config.timezone,
        })
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delivery {
    pub sent: u32,
    pub retried: u32,
    pub dead: u32,
}

/// Sends every row that is due now; returns what happened. Database errors stop the round
/// (the next heartbeat tries again); a bad row is marked and the round goes on.
pub async fn deliver_due(
    db: &DatabaseConnection,
    mailer: &Mailer,
    clock: &dyn Clock,
) -> Result<Delivery, crate::db::DbError> {
    let mut delivery = Delivery::default();
    loop {
        let now = clock.now();
        let Some(row) = outbox::claim_next(db, now, in_send_window(now, mailer.timezone)).await?
        else {
            return Ok(delivery);
        };
        let outcome = match build(mailer, &row) {
            Ok(message) => {
                mailer
                    .transport
                    .send(&message, &file_stem(&row.message_id))
                    .await
            }
            Err(reason) => Err(SendFailure::Permanent(reason)),
        };
        let now = clock.now();
        match outcome {
            Ok(()) => {
                outbox::mark_sent(db, row.id, now).await?;
                delivery.sent += 1;
            }
            Err(failure) => {
                let (error, permanent) = match failure {
                    SendFailure::Transient(e) => (e, false),
                    SendFailure::Permanent(e) => (e, true),
                };
                tracing::warn!(
                    outbox_id = row.id,
                    attempts = row.attempts,
                    permanent,
                    "mail not delivered: {error}"
                );
                if outbox::mark_failed(db, &row, &error, permanent, now).await? {
                    delivery.dead += 1;
                } else {
                    delivery.retried += 1;
                    // A relay that fails now fails for the next rows too: wait for the next round.
                    return Ok(delivery);
                }
            }
        }
    }
}

fn file_stem(message_id: &str) -> String {
    message_id
        .trim_matches(['<', '>'])
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The message as sent: link tokens unsealed into the bodies, text and HTML alternatives,
/// the attachment if any.
fn build(mailer: &Mailer, row: &StoredMail) -> Result<Message, String> {
    let tokens: Vec<String> = match &row.sealed_tokens {
        Some(json) => serde_json::from_str::<Vec<String>>(json)
            .map_err(|e| format!("jetoane ilizibile: {e}"))?,
        None => Vec::new(),
    };
    let mut text = row.body_text.clone();
    let mut html = row.body_html.clone();
    for (i, sealed) in tokens.iter().enumerate() {
        let token = mailer
            .key
            .decrypt(sealed)
            .map_err(|e| format!("jeton nedecriptabil: {e}"))?;
        let token = String::from_utf8(token).map_err(|_| "jeton invalid".to_string())?;
        let placeholder = token_placeholder(i);
        text = text.replace(&placeholder, &token);
        html = html.replace(&placeholder, &token);
    }
    let to: Mailbox = row
        .recipient
        .parse()
        .map_err(|e| format!("destinatar invalid: {e}"))?;
    let alternative = MultiPart::alternative()
        .singlepart(SinglePart::plain(text))
        .singlepart(SinglePart::html(html));
    let body = match (&row.attachment_path, &row.attachment_name) {
        (Some(path), Some(name)) => {
            let bytes =
                std::fs::read(path).map_err(|e| format!("atașamentul {name} lipsește: {e}"))?;
            let kind = ContentType::parse(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            .map_err(|e| e.to_string())?;
            MultiPart::mixed()
                .multipart(alternative)
                .singlepart(Attachment::new(name.clone()).body(bytes, kind))
        }
        _ => alternative,
    };
    Message::builder()
        .from(mailer.from.clone())
        .to(to)
        .subject(row.subject.clone())
        .message_id(Some(row.message_id.clone()))
        .date(row.created_at.into())
        .multipart(body)
        .map_err(|e| format!("mesaj invalid: {e}"))
}

/// The domain of the configured sender, for Message-IDs (`localhost` when unreadable).
pub fn sender_domain(mail_from: &str) -> String {
    mail_from.parse::<Mailbox>().map_or_else(
        |_| "localhost".to_string(),
        |m| m.email.domain().to_string(),
    )
}

/// Where the `i`-th link token goes in a stored body.
pub fn token_placeholder(i: usize) -> String {
    format!("[[token:{i}]]")
}
