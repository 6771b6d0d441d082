//! Mail the staff acts on: retrying what was given up on, queuing a test message.

use super::{Actor, AppError, AppResult, Ctx};
use crate::db;
use crate::domain::outbox::MailKind;
use crate::domain::outbox::NewMail;

/// Queues a mail given up on again; only dead mail can be retried.
pub async fn retry(ctx: Ctx<'_>, actor: &Actor, id: i32) -> AppResult<()> {
    let now = ctx.now();
    let tx = ctx.begin().await?;
    if !db::outbox::retry_dead(tx.db(), id, now).await? {
        return Err(AppError::Conflict(
            "Doar mesajele nelivrate pot fi reîncercate.".into(),
        ));
    }
    // Mail is not part of the register: an event in the security log, not a change.
    let entry = crate::domain::audit::AuditEntry {
        at: now,
        actor: actor.name(),
        action: "reîncercare mesaj".into(),
        entity: "outbox".into(),
        entity_id: Some(id.to_string()),
        details: None,
        before: None,
        after: None,
    };
    db::audit::record(tx.db(), entry).await?;
    ctx.commit(tx, actor).await?;
    Ok(())
}

/// Queues a test mail to `recipient`, sent at the next heartbeat at any hour.
pub async fn queue_test_mail(
    ctx: Ctx<'_>,
    recipient: &str,
    inspectorate: &str,
    mail_domain: &str,
) -> AppResult<()> {
    let now = ctx.now();
    let content = crate::mail::content::test_mail(inspectorate);
    let key = format!("test:{recipient}:{}", now.timestamp_millis());
    let mail = content.to_mail(key, MailKind::Test, recipient, false);
    enqueue(ctx, mail, mail_domain).await
}

/// Queues a mail a job decided on (the weekly report); a key already queued is left alone.
pub async fn enqueue(ctx: Ctx<'_>, mail: NewMail, mail_domain: &str) -> AppResult<()> {
    let now = ctx.now();
    let tx = ctx.begin().await?;
    db::outbox::enqueue(tx.db(), mail, mail_domain, now).await?;
    tx.txn.commit().await?;
    Ok(())
}

/// What one outbox round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delivery {
    pub sent: u32,
    pub retried: u32,
    pub dead: u32,
}

/// Drains the outbox: claim a row (short write, committed), talk to the relay with no
/// transaction open, then record the outcome. At-least-once: a crash between the relay's
/// "250" and the record sends that one mail again, with the same Message-ID. Database
/// errors stop the round (the next heartbeat tries again); a bad row is marked and the
/// round goes on.
pub async fn deliver_due(ctx: Ctx<'_>, mailer: &crate::mail::Mailer) -> AppResult<Delivery> {
    use crate::domain::calendar::in_send_window;
    use crate::mail::SendFailure;
    let db = ctx.db;
    let mut delivery = Delivery::default();
    loop {
        let now = ctx.now();
        let window = in_send_window(now, mailer.timezone);
        let Some(mail) = db::outbox::claim_next(db, now, window).await? else {
            return Ok(delivery);
        };
        let outcome = crate::mail::sender::send(mailer, &mail).await;
        let now = ctx.now();
        let (error, permanent) = match outcome {
            Ok(()) => {
                db::outbox::mark_sent(db, mail.id, now).await?;
                delivery.sent += 1;
                continue;
            }
            Err(SendFailure::Transient(e)) => (e, false),
            Err(SendFailure::Permanent(e)) => (e, true),
        };
        tracing::warn!(
            outbox_id = mail.id,
            attempts = mail.attempts,
            permanent,
            "mail not delivered: {error}"
        );
        let error: String = error.chars().take(500).collect();
        match crate::domain::outbox::next_try(mail.attempts, permanent, mail.created_at, now) {
            Some(next) => {
                db::outbox::mark_retry(db, mail.id, &error, next).await?;
                delivery.retried += 1;
                // A relay that fails now fails for the next rows too: wait for the next round.
                return Ok(delivery);
            }
            None => {
                db::outbox::mark_dead(db, mail.id, &error).await?;
                delivery.dead += 1;
            }
        }
    }
}

/// Queues the security notice to an account holder (sent at any hour), in the caller's
/// transaction.
pub async fn queue_security_notice<C: sea_orm::ConnectionTrait>(
    db: &C,
    email: &str,
    what: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), crate::db::DbError> {
    let notice = crate::mail::security::notice(email, what, now);
    db::outbox::enqueue(db, notice, crate::mail::security::DOMAIN, now).await?;
    Ok(())
}
