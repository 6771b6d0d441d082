//! The two login steps and the session checks. A password opens a short "awaiting second
//! factor" session; a TOTP or recovery code turns it into a full session under a new id.

use chrono::{DateTime, Duration, Utc};
use sea_orm::DatabaseConnection;
use tokio::sync::Semaphore;

use super::accounts::AccountError;
use super::secret_key::SecretKey;
use super::{password, recovery, tokens, totp};
use crate::db::DbError;
use crate::db::audit;
use crate::db::staff::{self, Failure, Session, StaffUser};
use crate::domain::staff::normalise_email;

pub const PENDING_MINUTES: i64 = 5;
pub const MAX_CODE_TRIES: i32 = 5;
pub const IDLE_MINUTES: i64 = 30;
pub const ABSOLUTE_HOURS: i64 = 12;
/// Wrong second-factor codes allowed per account in 24 h (≈2 % chance a year for a guesser).
pub const MAX_CODE_FAILURES: i32 = 20;
pub const MAX_PASSWORD_FAILURES: i32 = 10;
pub const PASSWORD_LOCK_MINUTES: i64 = 15;

/// At most two Argon2 verifications at once (19 MiB and ~25 ms each).
static ARGON_GATE: Semaphore = Semaphore::const_new(2);

/// Verifies a password off the async threads, behind the shared gate; `None` (no account)
/// still costs one dummy verification.
pub async fn verify_password(stored: Option<String>, attempt: &str) -> Result<bool, DbError> {
    let _permit = ARGON_GATE
        .acquire()
        .await
        .map_err(|e| DbError::Worker(e.to_string()))?;
    let attempt = attempt.to_string();
    tokio::task::spawn_blocking(move || password::verify(&attempt, stored.as_deref()))
        .await
        .map_err(|e| DbError::Worker(e.to_string()))
}

/// A new session: the cookie value (never stored) and its CSRF token.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub cookie: String,
}

#[derive(Debug)]
pub enum PasswordOutcome {
    SecondFactor(NewSession),
    Rejected,
    Locked,
}

pub async fn check_password(
    db: &DatabaseConnection,
    email: &str,
    password: &str,
    now: DateTime<Utc>,
) -> Result<PasswordOutcome, AccountError> {
    let account = match normalise_email(email) {
        Some(email) => staff::find_by_email(db, &email).await?,
        None => None,
    };
    let usable = account
        .as_ref()
        .filter(|a| !a.disabled && a.totp_secret.is_some());
    let verified = verify_password(usable.and_then(|a| a.password_hash.clone()), password).await?;
    let Some(account) = usable else {
        audit::staff_event(
            db,
            now,
            email,
            "autentificare eșuată",
            None,
            "cont necunoscut sau inactiv",
        )
        .await?;
        return Ok(PasswordOutcome::Rejected);
    };
    if account.locked_until.is_some_and(|until| until > now) {
        audit::staff_event(
            db,
            now,
            &account.email,
            "autentificare refuzată",
            Some(account.id),
            "cont blocat temporar",
        )
        .await?;
        return Ok(PasswordOutcome::Locked);
    }
    if !verified {
        let failures = staff::record_failure(db, account, Failure::Password, now).await?;
        audit::staff_event(
            db,
            now,
            &account.email,
            "autentificare eșuată",
            Some(account.id),
            "parolă greșită",
        )
        .await?;
        if failures >= MAX_PASSWORD_FAILURES {
            staff::lock_until(
                db,
                account.id,
                now + Duration::minutes(PASSWORD_LOCK_MINUTES),
            )
            .await?;
            audit::staff_event(
                db,
                now,
                &account.email,
                "cont blocat",
                Some(account.id),
                "prea multe parole greșite",
            )
            .await?;
            let what = "Contul a fost blocat 15 minute după 10 parole greșite";
            crate::mail::security::notify(db, &account.email, what, now).await?;
        }
        return Ok(PasswordOutcome::Rejected);
    }
    let session = open_session(db, account.id, false, now).await?;
    audit::staff_event(
        db,
        now,
        &account.email,
        "parolă corectă",
        Some(account.id),
        "așteaptă al doilea factor",
    )
    .await?;
    Ok(PasswordOutcome::SecondFactor(session))
}

async fn open_session(
    db: &DatabaseConnection,
    user_id: i32,
    full: bool,
    now: DateTime<Utc>,
) -> Result<NewSession, DbError> {
    let cookie = tokens::new_token();
    staff::create_session(
        db,
        &tokens::token_hash(&cookie),
        user_id,
        full,
        &tokens::new_token(),
        now,
    )
    .await?;
    Ok(NewSession { cookie })
}

#[derive(Debug)]
pub enum CodeOutcome {
    LoggedIn {
        session: NewSession,
        must_reenrol: bool,
    },
    Wrong,
    /// Too many tries or too late: start again with the password.
    Restart,
    Locked,
}

pub async fn check_code(
    db: &DatabaseConnection,
    key: &SecretKey,
    pending: &Session,
    account: &StaffUser,
    code: &str,
    now: DateTime<Utc>,
) -> Result<CodeOutcome, AccountError> {
    if now - pending.created_at > Duration::minutes(PENDING_MINUTES) {
        staff::delete_session(db, &pending.id_hash).await?;
        return Ok(CodeOutcome::Restart);
    }
    if account.locked_until.is_some_and(|until| until > now) {
        return Ok(CodeOutcome::Locked);
    }
    if staff::count_code_try(db, pending).await? > MAX_CODE_TRIES {
        staff::delete_session(db, &pending.id_hash).await?;
        return Ok(CodeOutcome::Restart);
    }
    let (accepted, must_reenrol, how) = if recovery::looks_like_code(code) {
        (
            staff::burn_recovery_code(db, account, &recovery::hash(code), now).await?,
            true,
            "cod de rezervă",
        )
    } else {
        let secret = key.decrypt(account.totp_secret.as_deref().unwrap_or_default())?;
        let accepted = match totp::matched_step(&secret, code, now.timestamp().max(0) as u64) {
            Some(step) => {
                let fresh = staff::accept_totp_step(db, account.id, step).await?;
                if !fresh {
                    audit::staff_event(
                        db,
                        now,
                        &account.email,
                        "cod refolosit",
                        Some(account.id),
                        "cod TOTP deja folosit, respins",
                    )
                    .await?;
                }
                fresh
            }
            None => false,
        };
        (accepted, account.must_reenrol, "cod TOTP")
    };
    if !accepted {
        let failures = staff::record_failure(db, account, Failure::Code, now).await?;
        audit::staff_event(
            db,
            now,
            &account.email,
            "al doilea factor greșit",
            Some(account.id),
            how,
        )
        .await?;
        if failures >= MAX_CODE_FAILURES {
            staff::lock_until(db, account.id, now + Duration::hours(24)).await?;
            audit::staff_event(
                db,
                now,
                &account.email,
                "cont blocat",
                Some(account.id),
                "prea multe coduri greșite în 24 de ore",
            )
            .await?;
            let what =
                "Contul a fost blocat 24 de ore după prea multe coduri de verificare greșite";
            crate::mail::security::notify(db, &account.email, what, now).await?;
            return Ok(CodeOutcome::Locked);
        }
        if failures == crate::mail::security::CODE_FAILURES_WARNING {
            let what = "Parola contului a fost introdusă corect, dar codul de verificare a fost greșit de mai multe ori";
            crate::mail::security::notify(db, &account.email, what, now).await?;
        }
        return Ok(CodeOutcome::Wrong);
    }
    // A new id for the full session: the pending cookie dies here.
    staff::delete_session(db, &pending.id_hash).await?;
    let session = open_session(db, account.id, true, now).await?;
    audit::staff_event(
        db,
        now,
        &account.email,
        "autentificare reușită",
        Some(account.id),
        how,
    )
    .await?;
    Ok(CodeOutcome::LoggedIn {
        session,
        must_reenrol,
    })
}

/// The session behind a cookie, if still valid at `now`; expired ones are removed.
pub async fn current(
    db: &DatabaseConnection,
    cookie: &str,
    now: DateTime<Utc>,
) -> Result<Option<(Session, StaffUser)>, DbError> {
    let Some((session, account)) =
        staff::find_session_with_user(db, &tokens::token_hash(cookie)).await?
    else {
        return Ok(None);
    };
    let expired = if session.full {
        now - session.last_seen_at > Duration::minutes(IDLE_MINUTES)
            || now - session.created_at > Duration::hours(ABSOLUTE_HOURS)
    } else {
        now - session.created_at > Duration::minutes(PENDING_MINUTES)
    };
    match account {
        Some(account) if !expired && !account.disabled => {
            if session.full && now - session.last_seen_at > Duration::minutes(1) {
                staff::touch_session(db, &session.id_hash, now).await?;
            }
            Ok(Some((session, account)))
        }
        _ => {
            staff::delete_session(db, &session.id_hash).await?;
            Ok(None)
        }
    }
}

pub async fn logout(
    db: &DatabaseConnection,
    session: &Session,
    account: &StaffUser,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    staff::delete_session(db, &session.id_hash).await?;
    audit::staff_event(db, now, &account.email, "deconectare", Some(account.id), "").await
}
