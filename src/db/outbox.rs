//! The mail outbox: rows written in the transaction that decides to send, claimed with a
//! lease by one sender, retried with backoff, never sent twice on purpose.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use sha2::{Digest, Sha256};

use super::DbResult;
use super::entities::{mail_item, outbox};

use crate::domain::outbox::{ClaimedMail, MailKind, NewMail, OutboxRow, OutboxStatus};

/// `<hash of the dedupe key@domain>`: a resent duplicate carries the same Message-ID.
pub fn message_id(dedupe_key: &str, domain: &str) -> String {
    let hash = hex::encode(Sha256::digest(dedupe_key.as_bytes()));
    format!("<{}@{domain}>", &hash[..32])
}

/// Inserts the mail unless its key exists; returns the new row's id.
pub async fn enqueue<C: ConnectionTrait>(
    db: &C,
    mail: NewMail,
    domain: &str,
    now: DateTime<Utc>,
) -> DbResult<Option<i32>> {
    if exists(db, &mail.dedupe_key).await? {
        return Ok(None);
    }
    let tokens = (!mail.sealed_tokens.is_empty())
        .then(|| serde_json::to_string(&mail.sealed_tokens).unwrap_or_default());
    let (attachment_path, attachment_name) = mail
        .attachment
        .map_or((None, None), |(p, n)| (Some(p), Some(n)));
    let model = outbox::ActiveModel {
        message_id: Set(message_id(&mail.dedupe_key, domain)),
        dedupe_key: Set(mail.dedupe_key),
        kind: Set(mail.kind.as_str().to_string()),
        recipient: Set(mail.recipient),
        subject: Set(mail.subject),
        body_text: Set(mail.body_text),
        body_html: Set(mail.body_html),
        sealed_tokens: Set(tokens),
        attachment_path: Set(attachment_path),
        attachment_name: Set(attachment_name),
        status: Set(OutboxStatus::Pending.as_str().into()),
        respect_window: Set(mail.respect_window),
        attempts: Set(0),
        next_attempt_at: Set(now),
        lease_until: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        sent_at: Set(None),
        ..Default::default()
    };
    Ok(Some(
        outbox::Entity::insert(model).exec(db).await?.last_insert_id,
    ))
}

/// Records which reminder items a mail carries (their keys are unique for good).
pub async fn record_items<C: ConnectionTrait>(
    db: &C,
    outbox_id: i32,
    items: &[(String, Option<String>, String)],
    now: DateTime<Utc>,
) -> DbResult<()> {
    for (key, school, kind) in items {
        let model = mail_item::ActiveModel {
            item_key: Set(key.clone()),
            outbox_id: Set(outbox_id),
            school_code: Set(school.clone()),
            kind: Set(kind.clone()),
            created_at: Set(now),
            ..Default::default()
        };
        mail_item::Entity::insert(model)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Which of these item keys were already mailed (or are queued).
pub async fn known_items<C: ConnectionTrait>(
    db: &C,
    keys: &[String],
) -> DbResult<std::collections::HashSet<String>> {
    let mut known = std::collections::HashSet::new();
    for chunk in keys.chunks(500) {
        let found: Vec<String> = mail_item::Entity::find()
            .select_only()
            .column(mail_item::Column::ItemKey)
            .filter(mail_item::Column::ItemKey.is_in(chunk.iter().cloned()))
            .into_tuple()
            .all(db)
            .await?;
        known.extend(found);
    }
    Ok(known)
}

/// How long a claimed row is ours; a sender that dies holding it frees it when it expires.
pub const LEASE: Duration = Duration::minutes(10);

/// Claims the next row due: pending and due, or sending with an expired lease. Mail that
/// respects the window is skipped outside it. The claim is a conditional UPDATE, so two
/// senders never hold the same row.
pub async fn claim_next(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    window_open: bool,
) -> DbResult<Option<ClaimedMail>> {
    loop {
        let mut query = outbox::Entity::find().filter(
            sea_orm::Condition::any()
                .add(
                    sea_orm::Condition::all()
                        .add(outbox::Column::Status.eq(OutboxStatus::Pending.as_str()))
                        .add(outbox::Column::NextAttemptAt.lte(now)),
                )
                .add(
                    sea_orm::Condition::all()
                        .add(outbox::Column::Status.eq(OutboxStatus::Sending.as_str()))
                        .add(outbox::Column::LeaseUntil.lt(now)),
                ),
        );
        if !window_open {
            query = query.filter(outbox::Column::RespectWindow.eq(false));
        }
        let Some(candidate) = query.order_by_asc(outbox::Column::Id).one(db).await? else {
            return Ok(None);
        };
        let claimed = outbox::Entity::update_many()
            .col_expr(
                outbox::Column::Status,
                Expr::value(OutboxStatus::Sending.as_str()),
            )
            .col_expr(outbox::Column::LeaseUntil, Expr::value(now + LEASE))
            .col_expr(
                outbox::Column::Attempts,
                Expr::col(outbox::Column::Attempts).add(1),
            )
            .filter(outbox::Column::Id.eq(candidate.id))
            .filter(outbox::Column::Status.eq(candidate.status.as_str()))
            .filter(outbox::Column::Attempts.eq(candidate.attempts))
            .exec(db)
            .await?;
        if claimed.rows_affected == 1 {
            return Ok(Some(ClaimedMail {
                id: candidate.id,
                recipient: candidate.recipient,
                subject: candidate.subject,
                body_text: candidate.body_text,
                body_html: candidate.body_html,
                sealed_tokens: candidate.sealed_tokens,
                attachment_path: candidate.attachment_path,
                attachment_name: candidate.attachment_name,
                message_id: candidate.message_id,
                attempts: candidate.attempts + 1,
                created_at: candidate.created_at,
            }));
        }
    }
}

pub async fn mark_sent(db: &DatabaseConnection, id: i32, now: DateTime<Utc>) -> DbResult<()> {
    set_status(db, id, OutboxStatus::Sent, None, None, Some(now)).await
}

/// A failed try to be retried at `next`.
pub async fn mark_retry(
    db: &DatabaseConnection,
    id: i32,
    error: &str,
    next: DateTime<Utc>,
) -> DbResult<()> {
    set_status(
        db,
        id,
        OutboxStatus::Pending,
        Some(error.to_string()),
        Some(next),
        None,
    )
    .await
}

/// A mail given up (refused for good, or tried too long).
pub async fn mark_dead(db: &DatabaseConnection, id: i32, error: &str) -> DbResult<()> {
    set_status(
        db,
        id,
        OutboxStatus::Dead,
        Some(error.to_string()),
        None,
        None,
    )
    .await
}

async fn set_status(
    db: &DatabaseConnection,
    id: i32,
    status: OutboxStatus,
    error: Option<String>,
    next: Option<DateTime<Utc>>,
    sent: Option<DateTime<Utc>>,
) -> DbResult<()> {
    let mut update = outbox::Entity::update_many()
        .col_expr(outbox::Column::Status, Expr::value(status.as_str()))
        .col_expr(
            outbox::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        );
    if let Some(error) = error {
        update = update.col_expr(outbox::Column::LastError, Expr::value(error));
    }
    if let Some(next) = next {
        update = update.col_expr(outbox::Column::NextAttemptAt, Expr::value(next));
    }
    if let Some(sent) = sent {
        update = update.col_expr(outbox::Column::SentAt, Expr::value(sent));
    }
    update.filter(outbox::Column::Id.eq(id)).exec(db).await?;
    Ok(())
}

/// Puts a dead mail back in the queue (staff asked for it).
pub async fn retry_dead<C: ConnectionTrait>(db: &C, id: i32, now: DateTime<Utc>) -> DbResult<bool> {
    let result = outbox::Entity::update_many()
        .col_expr(
            outbox::Column::Status,
            Expr::value(OutboxStatus::Pending.as_str()),
        )
        .col_expr(outbox::Column::NextAttemptAt, Expr::value(now))
        .col_expr(outbox::Column::CreatedAt, Expr::value(now))
        .col_expr(outbox::Column::Attempts, Expr::value(0))
        .filter(outbox::Column::Id.eq(id))
        .filter(outbox::Column::Status.eq(OutboxStatus::Dead.as_str()))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Cancels queued (not yet claimed) mail carrying an item whose key matches `key_like` (SQL
/// `LIKE`), and frees all its items so the next pass plans the others again. Returns how many
/// mails were cancelled.
pub async fn cancel_queued_items<C: ConnectionTrait>(db: &C, key_like: &str) -> DbResult<u64> {
    let ids: Vec<i32> = mail_item::Entity::find()
        .select_only()
        .column(mail_item::Column::OutboxId)
        .filter(mail_item::Column::ItemKey.like(key_like))
        .into_tuple()
        .all(db)
        .await?;
    cancel_pending(db, ids).await
}

/// Cancels those of these mails still waiting to be sent and frees their items.
async fn cancel_pending<C: ConnectionTrait>(db: &C, mut ids: Vec<i32>) -> DbResult<u64> {
    ids.sort_unstable();
    ids.dedup();
    let queued: Vec<i32> = outbox::Entity::find()
        .select_only()
        .column(outbox::Column::Id)
        .filter(outbox::Column::Id.is_in(ids))
        .filter(outbox::Column::Status.eq(OutboxStatus::Pending.as_str()))
        .into_tuple()
        .all(db)
        .await?;
    if queued.is_empty() {
        return Ok(0);
    }
    outbox::Entity::update_many()
        .col_expr(
            outbox::Column::Status,
            Expr::value(OutboxStatus::Cancelled.as_str()),
        )
        .filter(outbox::Column::Id.is_in(queued.clone()))
        .exec(db)
        .await?;
    mail_item::Entity::delete_many()
        .filter(mail_item::Column::OutboxId.is_in(queued.clone()))
        .exec(db)
        .await?;
    Ok(queued.len() as u64)
}

/// Cancels queued (not yet claimed) mail that carries items of this kind for these schools
/// (`None`: every school) and frees all its items, so the next pass plans them again with
/// the new deadline or designee. Returns how many mails were cancelled.
pub async fn cancel_queued<C: ConnectionTrait>(
    db: &C,
    schools: Option<&[String]>,
    kinds: &[&str],
) -> DbResult<u64> {
    let mut items = mail_item::Entity::find()
        .select_only()
        .column(mail_item::Column::OutboxId)
        .filter(mail_item::Column::Kind.is_in(kinds.iter().copied()));
    if let Some(schools) = schools {
        items = items.filter(mail_item::Column::SchoolCode.is_in(schools.iter().cloned()));
    }
    let ids: Vec<i32> = items.into_tuple().all(db).await?;
    cancel_pending(db, ids).await
}

/// The page's view of a stored mail.
/// The columns the lists show (the bodies stay in the database).
type ListRow = (
    i32,
    String,
    String,
    String,
    String,
    i32,
    DateTime<Utc>,
    Option<String>,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
);

/// The newest rows `query` selects (its order and limit choose them), newest first, each
/// as the list shows it: one JSON answer on SQLite instead of a value copy per cell.
async fn listed<C: ConnectionTrait>(
    db: &C,
    query: sea_orm::Select<outbox::Entity>,
) -> DbResult<Vec<OutboxRow>> {
    use outbox::Column;
    let columns = [
        Column::Id,
        Column::Kind,
        Column::Recipient,
        Column::Subject,
        Column::Status,
        Column::Attempts,
        Column::NextAttemptAt,
        Column::LastError,
        Column::CreatedAt,
        Column::SentAt,
    ];
    let mut rows: Vec<ListRow> = super::bulk::columns(db, query, &columns).await?;
    rows.sort_unstable_by_key(|r| std::cmp::Reverse(r.0));
    Ok(rows.into_iter().map(list_row).collect())
}

fn list_row(
    (
        id,
        kind,
        recipient,
        subject,
        status,
        attempts,
        next_attempt_at,
        last_error,
        created_at,
        sent_at,
    ): ListRow,
) -> OutboxRow {
    OutboxRow {
        id,
        kind: MailKind::parse(&kind),
        recipient,
        subject,
        status: OutboxStatus::parse(&status).unwrap_or(OutboxStatus::Pending),
        attempts,
        next_attempt_at,
        last_error,
        created_at,
        sent_at,
    }
}

fn row(m: outbox::Model) -> OutboxRow {
    OutboxRow {
        id: m.id,
        kind: MailKind::parse(&m.kind),
        recipient: m.recipient,
        subject: m.subject,
        // A status this version does not know is shown as pending rather than hidden.
        status: OutboxStatus::parse(&m.status).unwrap_or(OutboxStatus::Pending),
        attempts: m.attempts,
        next_attempt_at: m.next_attempt_at,
        last_error: m.last_error,
        created_at: m.created_at,
        sent_at: m.sent_at,
    }
}

/// Counts per status, for the outbox page and the overview.
pub async fn counts<C: ConnectionTrait>(db: &C) -> DbResult<Vec<(OutboxStatus, i64)>> {
    let rows: Vec<(String, i64)> = outbox::Entity::find()
        .select_only()
        .column(outbox::Column::Status)
        .column_as(outbox::Column::Id.count(), "n")
        .group_by(outbox::Column::Status)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(status, n)| OutboxStatus::parse(&status).map(|s| (s, n)))
        .collect())
}

/// The newest rows of one status (all when `None`), older than `before` when given (the next page).
pub async fn recent<C: ConnectionTrait>(
    db: &C,
    status: Option<OutboxStatus>,
    before: Option<i32>,
    limit: u64,
) -> DbResult<Vec<OutboxRow>> {
    let mut query = outbox::Entity::find();
    if let Some(status) = status {
        query = query.filter(outbox::Column::Status.eq(status.as_str()));
    }
    if let Some(before) = before {
        query = query.filter(outbox::Column::Id.lt(before));
    }
    listed(db, query.order_by_desc(outbox::Column::Id).limit(limit)).await
}

/// Mail sent about one school (its items), newest first.
pub async fn for_school<C: ConnectionTrait>(
    db: &C,
    school: &str,
    limit: u64,
) -> DbResult<Vec<OutboxRow>> {
    let items = sea_orm::sea_query::Query::select()
        .column(mail_item::Column::OutboxId)
        .from(mail_item::Entity)
        .and_where(mail_item::Column::SchoolCode.eq(school))
        .to_owned();
    let query = outbox::Entity::find()
        .filter(outbox::Column::Id.in_subquery(items))
        .order_by_desc(outbox::Column::Id)
        .limit(limit);
    listed(db, query).await
}

/// Every mail with the schools its items concern, newest first (for the mail log report).
pub async fn log<C: ConnectionTrait>(db: &C) -> DbResult<Vec<(OutboxRow, Vec<String>)>> {
    let rows = outbox::Entity::find()
        .order_by_desc(outbox::Column::Id)
        .all(db)
        .await?;
    let items: Vec<(i32, Option<String>)> = mail_item::Entity::find()
        .select_only()
        .column(mail_item::Column::OutboxId)
        .column(mail_item::Column::SchoolCode)
        .into_tuple()
        .all(db)
        .await?;
    let mut schools: std::collections::HashMap<i32, Vec<String>> = std::collections::HashMap::new();
    for (id, school) in items {
        if let Some(school) = school {
            let list = schools.entry(id).or_default();
            if !list.contains(&school) {
                list.push(school);
            }
        }
    }
    Ok(rows
        .into_iter()
        .map(|m| {
            let own = schools.remove(&m.id).unwrap_or_default();
            (row(m), own)
        })
        .collect())
}

pub async fn exists<C: ConnectionTrait>(db: &C, dedupe_key: &str) -> DbResult<bool> {
    Ok(outbox::Entity::find()
        .filter(outbox::Column::DedupeKey.eq(dedupe_key))
        .count(db)
        .await?
        > 0)
}

/// When the newest mail of this kind was queued, if any.
pub async fn last_of_kind<C: ConnectionTrait>(
    db: &C,
    kind: MailKind,
) -> DbResult<Option<DateTime<Utc>>> {
    let found: Option<DateTime<Utc>> = outbox::Entity::find()
        .select_only()
        .column(outbox::Column::CreatedAt)
        .filter(outbox::Column::Kind.eq(kind.as_str()))
        .order_by_desc(outbox::Column::Id)
        .into_tuple()
        .one(db)
        .await?;
    Ok(found)
}

/// Mail by status and kind, and the creation time of the oldest mail still waiting, for
/// the metrics page.
pub async fn gauges<C: ConnectionTrait>(
    db: &C,
) -> DbResult<(Vec<(String, String, i64)>, Option<DateTime<Utc>>)> {
    let by_kind: Vec<(String, String, i64)> = outbox::Entity::find()
        .select_only()
        .column(outbox::Column::Status)
        .column(outbox::Column::Kind)
        .column_as(outbox::Column::Id.count(), "n")
        .filter(outbox::Column::Status.is_in(["pending", "sending", "dead"]))
        .group_by(outbox::Column::Status)
        .group_by(outbox::Column::Kind)
        .into_tuple()
        .all(db)
        .await?;
    let oldest: Option<DateTime<Utc>> = outbox::Entity::find()
        .select_only()
        .column(outbox::Column::CreatedAt)
        .filter(outbox::Column::Status.is_in(["pending", "sending"]))
        .order_by_asc(outbox::Column::CreatedAt)
        .limit(1)
        .into_tuple()
        .one(db)
        .await?;
    Ok((by_kind, oldest))
}
