//! Sends one claimed mail: its link tokens unsealed, text and HTML alternatives, the
//! attachment; the outbox round around it is `app::outbox::deliver_due`.

use std::sync::Arc;

use chrono_tz::Tz;
use lettre::Message;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};

use super::MailError;
use super::transport::{SendFailure, Transport};
use crate::auth::secret_key::SecretKey;
use crate::domain::outbox::ClaimedMail;

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

/// Builds the message and hands it to the transport (SMTP or a `.eml` file); a mail that
/// cannot be built is a permanent failure.
pub async fn send(mailer: &Mailer, mail: &ClaimedMail) -> Result<(), SendFailure> {
    let message = build(mailer, mail).map_err(SendFailure::Permanent)?;
    mailer
        .transport
        .send(&message, &file_stem(&mail.message_id))
        .await
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
fn build(mailer: &Mailer, row: &ClaimedMail) -> Result<Message, String> {
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
