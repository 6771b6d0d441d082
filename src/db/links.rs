//! Directors' links as stored: the token's SHA-256, the school, the purpose, the address it
//! was mailed to, and when it expires, was used or revoked. The rules are in `domain::links`.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::DbResult;
use super::entities::action_link;
use crate::domain::links::{Purpose, StoredLink};

/// Revokes the open links of a school for a purpose (to one address, when given).
pub async fn revoke_open<C: ConnectionTrait>(
    db: &C,
    school: &str,
    purpose: Purpose,
    email: Option<&str>,
    now: DateTime<Utc>,
) -> DbResult<()> {
    let mut open = action_link::Entity::update_many()
        .col_expr(action_link::Column::RevokedAt, Expr::value(now))
        .filter(action_link::Column::SchoolCode.eq(school))
        .filter(action_link::Column::Purpose.eq(purpose.as_str()))
        .filter(action_link::Column::ConsumedAt.is_null())
        .filter(action_link::Column::RevokedAt.is_null());
    if let Some(email) = email {
        open = open.filter(action_link::Column::Email.eq(email));
    }
    open.exec(db).await?;
    Ok(())
}

/// What a new link stores.
pub struct NewLink<'a> {
    pub token_hash: String,
    pub school: &'a str,
    pub purpose: Purpose,
    pub email: Option<&'a str>,
    pub expires_at: DateTime<Utc>,
}

pub async fn insert<C: ConnectionTrait>(
    db: &C,
    link: NewLink<'_>,
    now: DateTime<Utc>,
) -> DbResult<()> {
    let model = action_link::ActiveModel {
        token_hash: Set(link.token_hash),
        school_code: Set(link.school.to_string()),
        purpose: Set(link.purpose.as_str().to_string()),
        email: Set(link.email.map(str::to_string)),
        expires_at: Set(link.expires_at),
        consumed_at: Set(None),
        revoked_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    };
    action_link::Entity::insert(model)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The link whose token has this hash.
pub async fn by_token_hash<C: ConnectionTrait>(
    db: &C,
    token_hash: &str,
) -> DbResult<Option<StoredLink>> {
    Ok(action_link::Entity::find()
        .filter(action_link::Column::TokenHash.eq(token_hash))
        .one(db)
        .await?
        .map(|found| StoredLink {
            id: found.id,
            school_code: found.school_code,
            purpose: found.purpose,
            email: found.email,
            expires_at: found.expires_at,
            consumed_at: found.consumed_at,
            revoked_at: found.revoked_at,
        }))
}

/// Marks the link used; false when someone else used it first (the caller rolls back).
pub async fn consume<C: ConnectionTrait>(db: &C, id: i32, now: DateTime<Utc>) -> DbResult<bool> {
    let result = action_link::Entity::update_many()
        .col_expr(action_link::Column::ConsumedAt, Expr::value(now))
        .filter(action_link::Column::Id.eq(id))
        .filter(action_link::Column::ConsumedAt.is_null())
        .filter(action_link::Column::RevokedAt.is_null())
        .filter(action_link::Column::ExpiresAt.gt(now))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}
