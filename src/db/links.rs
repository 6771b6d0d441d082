//! Directors' one-time links: 256-bit tokens of which only the SHA-256 is stored, bound to a
//! school and a purpose, valid 72 hours, used once; a new link for the same school and
//! purpose revokes the older ones.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::DbResult;
use super::entities::action_link;
use crate::auth::tokens::{new_token, token_hash};

pub const VALID_FOR: Duration = Duration::hours(72);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Confirm or change the designee.
    Designee,
    /// Report a step towards the D.E.N. account.
    Progress,
    /// Stop non-critical mail to one address.
    OptOut,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Designee => "designee",
            Purpose::Progress => "progress",
            Purpose::OptOut => "optout",
        }
    }

    fn parse(text: &str) -> Option<Purpose> {
        [Purpose::Designee, Purpose::Progress, Purpose::OptOut]
            .into_iter()
            .find(|p| p.as_str() == text)
    }
}

/// Issues a link and returns its token (to put in a mail, never to store).
pub async fn issue<C: ConnectionTrait>(
    db: &C,
    school: &str,
    purpose: Purpose,
    email: Option<&str>,
    now: DateTime<Utc>,
) -> DbResult<String> {
    let mut older = action_link::Entity::update_many()
        .col_expr(action_link::Column::RevokedAt, Expr::value(now))
        .filter(action_link::Column::SchoolCode.eq(school))
        .filter(action_link::Column::Purpose.eq(purpose.as_str()))
        .filter(action_link::Column::ConsumedAt.is_null())
        .filter(action_link::Column::RevokedAt.is_null());
    if let Some(email) = email {
        older = older.filter(action_link::Column::Email.eq(email));
    }
    older.exec(db).await?;
    let token = new_token();
    let model = action_link::ActiveModel {
        token_hash: Set(token_hash(&token)),
        school_code: Set(school.to_string()),
        purpose: Set(purpose.as_str().to_string()),
        email: Set(email.map(str::to_string)),
        expires_at: Set(now + VALID_FOR),
        consumed_at: Set(None),
        revoked_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    };
    action_link::Entity::insert(model)
        .exec_without_returning(db)
        .await?;
    Ok(token)
}

#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub id: i32,
    pub school_code: String,
    pub purpose: Purpose,
    pub email: Option<String>,
}

/// What a token turns out to be.
#[derive(Debug, Clone, PartialEq)]
pub enum Lookup {
    Valid(Link),
    /// Used already: the director is told so.
    Used,
    /// Unknown, altered, expired or revoked: one generic answer for all.
    Invalid,
}

pub async fn lookup<C: ConnectionTrait>(
    db: &C,
    token: &str,
    now: DateTime<Utc>,
) -> DbResult<Lookup> {
    let Some(found) = action_link::Entity::find()
        .filter(action_link::Column::TokenHash.eq(token_hash(token)))
        .one(db)
        .await?
    else {
        return Ok(Lookup::Invalid);
    };
    if found.consumed_at.is_some() {
        return Ok(Lookup::Used);
    }
    let Some(purpose) = Purpose::parse(&found.purpose) else {
        return Ok(Lookup::Invalid);
    };
    if found.revoked_at.is_some() || found.expires_at <= now {
        return Ok(Lookup::Invalid);
    }
    Ok(Lookup::Valid(Link {
        id: found.id,
        school_code: found.school_code,
        purpose,
        email: found.email,
    }))
}

/// Uses the link; false when someone else used it first (the caller rolls back).
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
