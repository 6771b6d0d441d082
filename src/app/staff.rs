//! Changes to accounts after enrolment: by the person (password, authenticator, recovery
//! codes; each needs the current password) and by an administrator (add, disable, reset the
//! second factor; a reset needs the administrator's own password and code again).

use chrono::{DateTime, Duration, Utc};
use sea_orm::DatabaseConnection;

use crate::auth::accounts::{AccountError, ENROLMENT_LINK_HOURS, hash_blocking};
use crate::auth::secret_key::SecretKey;
use crate::auth::{password, recovery, tokens, totp};
use crate::db::audit;
use crate::db::staff::{self, Session, StaffUser};
use crate::db::{self, DbError};
use crate::domain::staff::{Role, normalise_email};

async fn require_password(account: &StaffUser, attempt: &str) -> Result<(), AccountError> {
    let matches =
        crate::auth::login::verify_password(account.password_hash.clone(), attempt).await?;
    if matches {
        Ok(())
    } else {
        Err(AccountError::WrongPassword)
    }
}

pub async fn change_password(
    db: &DatabaseConnection,
    session: &Session,
    account: &StaffUser,
    current: &str,
    new: &str,
    again: &str,
    now: DateTime<Utc>,
) -> Result<(), AccountError> {
    require_password(account, current).await?;
    password::check_policy(new)?;
    if new != again {
        return Err(AccountError::PasswordMismatch);
    }
    let hash = hash_blocking(new.to_string()).await?;
    let txn = db::begin_write(db).await?;
    staff::set_password(&txn, account.id, hash, now).await?;
    staff::end_other_sessions(&txn, account.id, Some(&session.id_hash)).await?;
    audit::staff_event(
        &txn,
        now,
        &account.email,
        "parolă schimbată",
        Some(account.id),
        "",
    )
    .await?;
    txn.commit().await.map_err(DbError::from)?;
    Ok(())
}

/// Replaces the authenticator: the new secret is confirmed by a code from it.
pub async fn replace_authenticator(
    db: &DatabaseConnection,
    key: &SecretKey,
    session: &Session,
    account: &StaffUser,
    current_password: &str,
    sealed_secret: &str,
    code: &str,
    now: DateTime<Utc>,
) -> Result<(), AccountError> {
    require_password(account, current_password).await?;
    let secret = key.decrypt(sealed_secret)?;
    let step = totp::matched_step(&secret, code, now.timestamp().max(0) as u64)
        .ok_or(AccountError::WrongCode)?;
    let txn = db::begin_write(db).await?;
    staff::replace_totp(&txn, account.id, key.encrypt(&secret)?, step, now).await?;
    staff::end_other_sessions(&txn, account.id, Some(&session.id_hash)).await?;
    audit::staff_event(
        &txn,
        now,
        &account.email,
        "autentificator înlocuit",
        Some(account.id),
        "",
    )
    .await?;
    txn.commit().await.map_err(DbError::from)?;
    Ok(())
}

/// A new set of recovery codes; the old ones stop working.
pub async fn regenerate_recovery(
    db: &DatabaseConnection,
    account: &StaffUser,
    current_password: &str,
    now: DateTime<Utc>,
) -> Result<Vec<String>, AccountError> {
    require_password(account, current_password).await?;
    let (codes, hashes) = recovery::new_set();
    staff::replace_recovery(db, account.id, &hashes, now).await?;
    audit::staff_event(
        db,
        now,
        &account.email,
        "coduri de rezervă regenerate",
        Some(account.id),
        "",
    )
    .await?;
    Ok(codes)
}

/// An administrator adds an account; returns the enrolment link token.
pub async fn add(
    db: &DatabaseConnection,
    admin: &StaffUser,
    email: &str,
    name: &str,
    role: Role,
    now: DateTime<Utc>,
) -> Result<String, AccountError> {
    let email = normalise_email(email).ok_or(AccountError::BadEmail)?;
    let name = if name.trim().is_empty() {
        email.clone()
    } else {
        name.trim().to_string()
    };
    let txn = db::begin_write(db).await?;
    let new = staff::NewUser {
        email: &email,
        name: &name,
        role,
        password_hash: None,
        totp_secret: None,
        recovery_hashes: Vec::new(),
    };
    let id = staff::create(&txn, new, now)
        .await?
        .ok_or(AccountError::Taken)?;
    let token = tokens::new_token();
    staff::create_link(
        &txn,
        &tokens::token_hash(&token),
        Some(id),
        now + Duration::hours(ENROLMENT_LINK_HOURS),
    )
    .await?;
    audit::staff_event(
        &txn,
        now,
        &admin.email,
        "cont creat",
        Some(id),
        &format!("{email} ({})", role.as_str()),
    )
    .await?;
    txn.commit().await.map_err(DbError::from)?;
    Ok(token)
}

pub async fn set_disabled(
    db: &DatabaseConnection,
    admin: &StaffUser,
    target: i32,
    disabled: bool,
    now: DateTime<Utc>,
) -> Result<(), AccountError> {
    if admin.id == target {
        return Err(AccountError::OwnAccount);
    }
    let txn = db::begin_write(db).await?;
    staff::set_disabled(&txn, target, disabled, now).await?;
    if disabled {
        staff::end_other_sessions(&txn, target, None).await?;
    }
    let action = if disabled {
        "cont dezactivat"
    } else {
        "cont reactivat"
    };
    audit::staff_event(&txn, now, &admin.email, action, Some(target), "").await?;
    txn.commit().await.map_err(DbError::from)?;
    Ok(())
}

/// Resets another account's second factor after the administrator proves it is them (password
/// and a fresh code); the account's sessions end. Returns the new enrolment link token.
pub async fn reset_second_factor(
    db: &DatabaseConnection,
    key: &SecretKey,
    admin: &StaffUser,
    target: i32,
    admin_password: &str,
    admin_code: &str,
    now: DateTime<Utc>,
) -> Result<String, AccountError> {
    require_password(admin, admin_password).await?;
    let secret = key.decrypt(admin.totp_secret.as_deref().unwrap_or_default())?;
    let step = totp::matched_step(&secret, admin_code, now.timestamp().max(0) as u64)
        .ok_or(AccountError::WrongCode)?;
    if !staff::accept_totp_step(db, admin.id, step).await? {
        return Err(AccountError::WrongCode);
    }
    let token = tokens::new_token();
    let txn = db::begin_write(db).await?;
    staff::clear_second_factor(&txn, target, now).await?;
    staff::end_other_sessions(&txn, target, None).await?;
    staff::create_link(
        &txn,
        &tokens::token_hash(&token),
        Some(target),
        now + Duration::hours(ENROLMENT_LINK_HOURS),
    )
    .await?;
    audit::staff_event(
        &txn,
        now,
        &admin.email,
        "autentificare în doi pași resetată",
        Some(target),
        "",
    )
    .await?;
    txn.commit().await.map_err(DbError::from)?;
    Ok(token)
}
