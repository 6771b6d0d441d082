//! Mail the staff acts on: retrying what was given up on, queuing a test message.

use super::{Actor, AppError, AppResult, Ctx, audit};
use crate::db;
use crate::db::outbox::NewMail;
use crate::domain::outbox::MailKind;

/// Queues a mail given up on again; only dead mail can be retried.
pub async fn retry(ctx: Ctx<'_>, actor: &Actor, id: i32) -> AppResult<()> {
    let now = ctx.now();
    let txn = ctx.begin().await?;
    if !db::outbox::retry_dead(&txn, id, now).await? {
        return Err(AppError::Conflict(
            "Doar mesajele nelivrate pot fi reîncercate.".into(),
        ));
    }
    let key = id.to_string();
    audit(
        &txn,
        now,
        actor,
        "reîncercare mesaj",
        ("outbox", &key),
        None::<&()>,
        None::<&()>,
    )
    .await?;
    txn.commit().await?;
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
    let txn = ctx.begin().await?;
    db::outbox::enqueue(&txn, mail, mail_domain, now).await?;
    txn.commit().await?;
    Ok(())
}
