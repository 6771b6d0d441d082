//! Mail to a staff member about their own account: locked, or someone failing the second
//! factor repeatedly. Sent at any hour; it names no password, code or address of the attempt.

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use super::content::{Block, MailContent};
use crate::db::DbResult;
use crate::db::outbox::{NewMail, enqueue};

/// Repeated wrong second-factor codes that trigger a warning (before the 24-hour lock).
pub const CODE_FAILURES_WARNING: i32 = 5;

pub async fn notify<C: ConnectionTrait>(
    db: &C,
    email: &str,
    what: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
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
    let mail = NewMail::plain(
        key,
        crate::domain::outbox::MailKind::Security,
        email,
        &content,
        false,
    );
    enqueue(db, mail, "isj-tracker.local", now).await?;
    Ok(())
}
