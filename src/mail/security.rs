//! Mail to a staff member about their own account: locked, or someone failing the second
//! factor repeatedly. Sent at any hour; it names no password, code or address of the attempt.

use chrono::{DateTime, Utc};

use super::content::{Block, MailContent};
use crate::domain::outbox::{MailKind, NewMail};

/// Repeated wrong second-factor codes that trigger a warning (before the 24-hour lock).
pub const CODE_FAILURES_WARNING: i32 = 5;

/// The mail to the account holder, ready for the outbox (one per account, event and hour).
pub fn notice(email: &str, what: &str, now: DateTime<Utc>) -> NewMail {
    let content = MailContent {
        subject: "isj-tracker: activitate neobișnuită la contul dumneavoastră".into(),
        greeting: "Bună ziua,".into(),
        blocks: vec![
            Block::Paragraph(format!("{what} ({} UTC).", now.format("%d.%m.%Y %H:%M"))),
            Block::Paragraph("Dacă nu ați fost dumneavoastră, anunțați administratorul aplicației; după deblocare, schimbați parola din pagina Securitate.".into()),
        ],
        signature: "isj-tracker".into(),
        opt_out: None,
        privacy: None,
    };
    let key = format!("security:{email}:{what}:{}", now.format("%Y-%m-%dT%H"));
    content.to_mail(key, MailKind::Security, email, false)
}

/// The Message-ID domain of security mail (it leaves before the sender is configured).
pub const DOMAIN: &str = "isj-tracker.local";
