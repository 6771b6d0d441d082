//! Staff accounts, their sessions and enrolment links. Every check that must hold under
//! concurrency (TOTP step, recovery code, single-use link) is one conditional UPDATE.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use super::entities::{enrolment_link, staff_session, staff_user};
use super::{DbError, DbResult};
use crate::domain::staff::Role;

use crate::domain::staff::StaffUser;

fn user(m: staff_user::Model) -> DbResult<StaffUser> {
    let role = Role::parse(&m.role)
        .ok_or_else(|| DbError::Corrupt(format!("rol necunoscut: {}", m.role)))?;
    let recovery_hashes = match &m.recovery_hashes {
        Some(json) => serde_json::from_str(json).map_err(|e| DbError::Corrupt(e.to_string()))?,
        None => Vec::new(),
    };
    Ok(StaffUser {
        id: m.id,
        email: m.email,
        name: m.name,
        role,
        password_hash: m.password_hash,
        totp_secret: m.totp_secret,
        totp_pending_secret: m.totp_pending_secret,
        recovery_hashes,
        must_reenrol: m.must_reenrol,
        failed_passwords: m.failed_passwords,
        failed_codes: m.failed_codes,
        locked_until: m.locked_until,
        disabled: m.disabled,
    })
}

pub async fn count<C: ConnectionTrait>(db: &C) -> DbResult<u64> {
    Ok(staff_user::Entity::find().count(db).await?)
}

pub async fn all<C: ConnectionTrait>(db: &C) -> DbResult<Vec<StaffUser>> {
    staff_user::Entity::find()
        .order_by_asc(staff_user::Column::Email)
        .all(db)
        .await?
        .into_iter()
        .map(user)
        .collect()
}

/// One encrypted TOTP secret, if any account has one (to check a key against a database).
pub async fn any_sealed_secret<C: ConnectionTrait>(db: &C) -> DbResult<Option<String>> {
    let sealed: Option<Option<String>> = staff_user::Entity::find()
        .select_only()
        .column(staff_user::Column::TotpSecret)
        .filter(staff_user::Column::TotpSecret.is_not_null())
        .into_tuple()
        .one(db)
        .await?;
    Ok(sealed.flatten())
}

pub async fn find<C: ConnectionTrait>(db: &C, id: i32) -> DbResult<Option<StaffUser>> {
    staff_user::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(user)
        .transpose()
}

pub async fn find_by_email<C: ConnectionTrait>(db: &C, email: &str) -> DbResult<Option<StaffUser>> {
    let found = staff_user::Entity::find()
        .filter(staff_user::Column::Email.eq(email))
        .one(db)
        .await?;
    found.map(user).transpose()
}

pub struct NewUser<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub role: Role,
    pub password_hash: Option<String>,
    pub totp_secret: Option<String>,
    pub recovery_hashes: Vec<String>,
}

/// Creates an account; `None` when the e-mail is already taken.
pub async fn create<C: ConnectionTrait>(
    db: &C,
    new: NewUser<'_>,
    now: DateTime<Utc>,
) -> DbResult<Option<i32>> {
    if find_by_email(db, new.email).await?.is_some() {
        return Ok(None);
    }
    let model = staff_user::ActiveModel {
        email: Set(new.email.to_string()),
        name: Set(new.name.to_string()),
        role: Set(new.role.as_str().to_string()),
        password_hash: Set(new.password_hash),
        totp_secret: Set(new.totp_secret),
        totp_pending_secret: Set(None),
        totp_last_step: Set(0),
        recovery_hashes: Set(Some(json(&new.recovery_hashes)?)),
        must_reenrol: Set(false),
        failed_passwords: Set(0),
        failed_codes: Set(0),
        failure_window_start: Set(None),
        locked_until: Set(None),
        disabled: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    Ok(Some(
        staff_user::Entity::insert(model)
            .exec(db)
            .await?
            .last_insert_id,
    ))
}

fn json(hashes: &[String]) -> DbResult<String> {
    serde_json::to_string(hashes).map_err(|e| DbError::Corrupt(e.to_string()))
}

/// Completes an enrolment: password, confirmed TOTP secret and fresh recovery codes.
pub async fn complete_enrolment<C: ConnectionTrait>(
    db: &C,
    id: i32,
    password_hash: String,
    totp_secret: String,
    first_step: u64,
    recovery_hashes: &[String],
    now: DateTime<Utc>,
) -> DbResult<()> {
    update_user(
        db,
        id,
        vec![
            (staff_user::Column::PasswordHash, Expr::value(password_hash)),
            (staff_user::Column::TotpSecret, Expr::value(totp_secret)),
            (
                staff_user::Column::TotpPendingSecret,
                Expr::value(Option::<String>::None),
            ),
            (
                staff_user::Column::TotpLastStep,
                Expr::value(first_step as i64),
            ),
            (
                staff_user::Column::RecoveryHashes,
                Expr::value(json(recovery_hashes)?),
            ),
            (staff_user::Column::MustReenrol, Expr::value(false)),
            (staff_user::Column::UpdatedAt, Expr::value(now)),
        ],
    )
    .await?;
    Ok(())
}

/// Accepts a TOTP step only if it is later than the last one used: of two requests with the
/// same code, exactly one changes the row.
pub async fn accept_totp_step<C: ConnectionTrait>(db: &C, id: i32, step: u64) -> DbResult<bool> {
    let step = i64::try_from(step).unwrap_or(i64::MAX);
    let result = staff_user::Entity::update_many()
        .col_expr(staff_user::Column::TotpLastStep, Expr::value(step))
        .filter(staff_user::Column::Id.eq(id))
        .filter(staff_user::Column::TotpLastStep.lt(step))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Burns one recovery code (by hash) if it is still unused; the account must re-enrol TOTP.
pub async fn burn_recovery_code<C: ConnectionTrait>(
    db: &C,
    account: &StaffUser,
    code_hash: &str,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    if !account.recovery_hashes.iter().any(|h| h == code_hash) {
        return Ok(false);
    }
    let remaining: Vec<String> = account
        .recovery_hashes
        .iter()
        .filter(|h| *h != code_hash)
        .cloned()
        .collect();
    let result = staff_user::Entity::update_many()
        .col_expr(
            staff_user::Column::RecoveryHashes,
            Expr::value(json(&remaining)?),
        )
        .col_expr(staff_user::Column::MustReenrol, Expr::value(true))
        .col_expr(staff_user::Column::UpdatedAt, Expr::value(now))
        .filter(staff_user::Column::Id.eq(account.id))
        .filter(staff_user::Column::RecoveryHashes.eq(json(&account.recovery_hashes)?))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Failed attempts counted in the database (they survive a restart) over a 24 h window.
pub async fn set_disabled<C: ConnectionTrait>(
    db: &C,
    id: i32,
    disabled: bool,
    now: DateTime<Utc>,
) -> DbResult<()> {
    update_user(
        db,
        id,
        vec![
            (staff_user::Column::Disabled, Expr::value(disabled)),
            (staff_user::Column::UpdatedAt, Expr::value(now)),
        ],
    )
    .await?;
    Ok(())
}

/// Gives an account another role.
pub async fn set_role<C: ConnectionTrait>(
    db: &C,
    id: i32,
    role: crate::domain::staff::Role,
    now: DateTime<Utc>,
) -> DbResult<()> {
    update_user(
        db,
        id,
        vec![
            (staff_user::Column::Role, Expr::value(role.as_str())),
            (staff_user::Column::UpdatedAt, Expr::value(now)),
        ],
    )
    .await
}

/// Sets columns of one account.
async fn update_user<C: ConnectionTrait>(
    db: &C,
    id: i32,
    changes: Vec<(staff_user::Column, SimpleExpr)>,
) -> DbResult<()> {
    let mut update = staff_user::Entity::update_many();
    for (column, value) in changes {
        update = update.col_expr(column, value);
    }
    update
        .filter(staff_user::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

// ---- sessions ----

#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub id_hash: String,
    pub user_id: i32,
    pub full: bool,
    pub csrf_token: String,
    pub code_tries: i32,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

pub async fn create_session<C: ConnectionTrait>(
    db: &C,
    id_hash: &str,
    user_id: i32,
    full: bool,
    csrf: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
    let model = staff_session::ActiveModel {
        id_hash: Set(id_hash.to_string()),
        user_id: Set(user_id),
        state: Set(if full { "full" } else { "pending_2fa" }.to_string()),
        csrf_token: Set(csrf.to_string()),
        code_tries: Set(0),
        created_at: Set(now),
        last_seen_at: Set(now),
    };
    staff_session::Entity::insert(model)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

pub async fn find_session<C: ConnectionTrait>(db: &C, id_hash: &str) -> DbResult<Option<Session>> {
    let found = staff_session::Entity::find_by_id(id_hash.to_string())
        .one(db)
        .await?;
    Ok(found.map(session))
}

/// The session and its account in one query (every signed-in request asks for both).
pub async fn find_session_with_user<C: ConnectionTrait>(
    db: &C,
    id_hash: &str,
) -> DbResult<Option<(Session, Option<StaffUser>)>> {
    let found = staff_session::Entity::find_by_id(id_hash.to_string())
        .find_also_related(staff_user::Entity)
        .one(db)
        .await?;
    found
        .map(|(s, u)| Ok((session(s), u.map(user).transpose()?)))
        .transpose()
}

fn session(m: staff_session::Model) -> Session {
    Session {
        id_hash: m.id_hash,
        user_id: m.user_id,
        full: m.state == "full",
        csrf_token: m.csrf_token,
        code_tries: m.code_tries,
        created_at: m.created_at,
        last_seen_at: m.last_seen_at,
    }
}

pub async fn touch_session<C: ConnectionTrait>(
    db: &C,
    id_hash: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
    staff_session::Entity::update_many()
        .col_expr(staff_session::Column::LastSeenAt, Expr::value(now))
        .filter(staff_session::Column::IdHash.eq(id_hash))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn delete_session<C: ConnectionTrait>(db: &C, id_hash: &str) -> DbResult<()> {
    staff_session::Entity::delete_by_id(id_hash.to_string())
        .exec(db)
        .await?;
    Ok(())
}

// ---- enrolment links ----

pub async fn create_link<C: ConnectionTrait>(
    db: &C,
    token_hash: &str,
    user_id: Option<i32>,
    expires_at: DateTime<Utc>,
) -> DbResult<()> {
    // A newer link for the same person revokes the unused older ones.
    if let Some(user) = user_id {
        enrolment_link::Entity::update_many()
            .col_expr(
                enrolment_link::Column::ExpiresAt,
                Expr::value(DateTime::<Utc>::UNIX_EPOCH),
            )
            .filter(enrolment_link::Column::UserId.eq(user))
            .filter(enrolment_link::Column::UsedAt.is_null())
            .exec(db)
            .await?;
    }
    let model = enrolment_link::ActiveModel {
        token_hash: Set(token_hash.to_string()),
        user_id: Set(user_id),
        expires_at: Set(expires_at),
        used_at: Set(None),
    };
    enrolment_link::Entity::insert(model)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// A link that is neither used nor expired: `Some(user)` (`None` inside = first admin).
pub async fn valid_link<C: ConnectionTrait>(
    db: &C,
    token_hash: &str,
    now: DateTime<Utc>,
) -> DbResult<Option<Option<i32>>> {
    let link = enrolment_link::Entity::find_by_id(token_hash.to_string())
        .one(db)
        .await?;
    Ok(link
        .filter(|l| l.used_at.is_none() && l.expires_at > now)
        .map(|l| l.user_id))
}

/// Marks a link used; false if another request used it first or it expired.
pub async fn consume_link<C: ConnectionTrait>(
    db: &C,
    token_hash: &str,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    let result = enrolment_link::Entity::update_many()
        .col_expr(enrolment_link::Column::UsedAt, Expr::value(Some(now)))
        .filter(enrolment_link::Column::TokenHash.eq(token_hash))
        .filter(enrolment_link::Column::UsedAt.is_null())
        .filter(enrolment_link::Column::ExpiresAt.gt(now))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

// ---- account changes ----

/// Clears the second factor: the person enrols again through a new link.
pub async fn clear_second_factor<C: ConnectionTrait>(
    db: &C,
    id: i32,
    now: DateTime<Utc>,
) -> DbResult<()> {
    update_user(
        db,
        id,
        vec![
            (
                staff_user::Column::TotpSecret,
                Expr::value(Option::<String>::None),
            ),
            (staff_user::Column::RecoveryHashes, Expr::value(json(&[])?)),
            (staff_user::Column::MustReenrol, Expr::value(false)),
            (staff_user::Column::UpdatedAt, Expr::value(now)),
        ],
    )
    .await?;
    Ok(())
}

pub async fn set_password<C: ConnectionTrait>(
    db: &C,
    id: i32,
    hash: String,
    now: DateTime<Utc>,
) -> DbResult<()> {
    update_user(
        db,
        id,
        vec![
            (staff_user::Column::PasswordHash, Expr::value(hash)),
            (staff_user::Column::UpdatedAt, Expr::value(now)),
        ],
    )
    .await?;
    Ok(())
}

/// A new TOTP secret, confirmed by a code of `step` (which therefore counts as used).
pub async fn replace_totp<C: ConnectionTrait>(
    db: &C,
    id: i32,
    sealed: String,
    step: u64,
    now: DateTime<Utc>,
) -> DbResult<()> {
    update_user(
        db,
        id,
        vec![
            (staff_user::Column::TotpSecret, Expr::value(sealed)),
            (
                staff_user::Column::TotpLastStep,
                Expr::value(i64::try_from(step).unwrap_or(i64::MAX)),
            ),
            (staff_user::Column::MustReenrol, Expr::value(false)),
            (staff_user::Column::UpdatedAt, Expr::value(now)),
        ],
    )
    .await?;
    Ok(())
}

pub async fn replace_recovery<C: ConnectionTrait>(
    db: &C,
    id: i32,
    hashes: &[String],
    now: DateTime<Utc>,
) -> DbResult<()> {
    update_user(
        db,
        id,
        vec![
            (
                staff_user::Column::RecoveryHashes,
                Expr::value(json(hashes)?),
            ),
            (staff_user::Column::UpdatedAt, Expr::value(now)),
        ],
    )
    .await?;
    Ok(())
}

/// Ends every session of an account except, optionally, the one making the change.
pub async fn end_other_sessions<C: ConnectionTrait>(
    db: &C,
    user_id: i32,
    keep: Option<&str>,
) -> DbResult<()> {
    let mut query =
        staff_session::Entity::delete_many().filter(staff_session::Column::UserId.eq(user_id));
    if let Some(keep) = keep {
        query = query.filter(staff_session::Column::IdHash.ne(keep));
    }
    query.exec(db).await?;
    Ok(())
}

// ---- calendar feed ----

/// Stores a new calendar token (its hash and its sealed form); the old one stops working.
pub async fn set_calendar_token<C: ConnectionTrait>(
    db: &C,
    id: i32,
    token_hash: &str,
    sealed: &str,
) -> DbResult<()> {
    staff_user::Entity::update_many()
        .col_expr(
            staff_user::Column::CalendarTokenHash,
            Expr::value(token_hash),
        )
        .col_expr(staff_user::Column::CalendarTokenSealed, Expr::value(sealed))
        .filter(staff_user::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Forgets an account's calendar token: its old address never works again and the next
/// look at the security page makes a new one.
pub async fn clear_calendar_token<C: ConnectionTrait>(db: &C, id: i32) -> DbResult<()> {
    staff_user::Entity::update_many()
        .col_expr(
            staff_user::Column::CalendarTokenHash,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            staff_user::Column::CalendarTokenSealed,
            Expr::value(Option::<String>::None),
        )
        .filter(staff_user::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// The sealed calendar token of an account, if it has one.
pub async fn calendar_token<C: ConnectionTrait>(db: &C, id: i32) -> DbResult<Option<String>> {
    Ok(staff_user::Entity::find_by_id(id)
        .one(db)
        .await?
        .and_then(|m| m.calendar_token_sealed))
}

/// The enabled account whose calendar token has this hash.
pub async fn by_calendar_hash<C: ConnectionTrait>(
    db: &C,
    token_hash: &str,
) -> DbResult<Option<StaffUser>> {
    let found = staff_user::Entity::find()
        .filter(staff_user::Column::CalendarTokenHash.eq(token_hash))
        .filter(staff_user::Column::Disabled.eq(false))
        .one(db)
        .await?;
    found.map(user).transpose()
}
