//! Mail the staff acts on: retrying what was given up on, queuing a test message.

use super::{Actor, AppError, AppResult, Ctx};
use crate::db;
use crate::db::outbox::NewMail;
use crate::domain::outbox::MailKind;

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
    let mail = NewMail::plain(key, MailKind::Test, recipient, &content, false);
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
