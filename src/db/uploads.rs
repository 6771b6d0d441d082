//! Uploads checked but not yet applied. Taking one is a `DELETE` that must remove exactly
//! that row, so two clicks (on one replica or two) apply it once.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::DbResult;
use super::entities::pending_upload::{self, Column, Entity as PendingUpload};

/// How long a checked upload may wait for its "apply".
pub const KEPT_FOR_MINUTES: i64 = 60;

pub struct NewUpload<'a> {
    pub id: &'a str,
    pub staff_id: i32,
    pub kind: &'a str,
    pub county: Option<&'a str>,
    pub file_name: &'a str,
    pub content: &'a [u8],
}

/// Keeps an upload, dropping those that waited too long.
pub async fn put<C: ConnectionTrait>(
    db: &C,
    upload: NewUpload<'_>,
    now: DateTime<Utc>,
) -> DbResult<()> {
    PendingUpload::delete_many()
        .filter(Column::CreatedAt.lt(now - Duration::minutes(KEPT_FOR_MINUTES)))
        .exec(db)
        .await?;
    let row = pending_upload::ActiveModel {
        id: Set(upload.id.to_string()),
        staff_id: Set(upload.staff_id),
        kind: Set(upload.kind.to_string()),
        county: Set(upload.county.map(str::to_string)),
        file_name: Set(upload.file_name.to_string()),
        content: Set(upload.content.to_vec()),
        created_at: Set(now),
    };
    PendingUpload::insert(row)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Takes this person's upload out if it is still there and fresh; `None` when it expired, was
/// applied already (here or on another replica) or is someone else's.
pub async fn take<C: ConnectionTrait>(
    db: &C,
    id: &str,
    staff_id: i32,
    now: DateTime<Utc>,
) -> DbResult<Option<pending_upload::Model>> {
    let Some(found) = PendingUpload::find_by_id(id.to_string())
        .filter(Column::StaffId.eq(staff_id))
        .filter(Column::CreatedAt.gte(now - Duration::minutes(KEPT_FOR_MINUTES)))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let removed = PendingUpload::delete_many()
        .filter(Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok((removed.rows_affected == 1).then_some(found))
}
