//! The two login steps and the session checks. A password opens a short "awaiting second
//! factor" session; a TOTP or recovery code turns it into a full session under a new id.

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};
use sea_orm::DatabaseConnection;
use tokio::sync::Semaphore;

use super::throttle as attempts;
use super::{AppError, AppResult, Ctx};
use crate::auth::secret_key::SecretKey;
use crate::auth::{password, recovery, throttle, tokens, totp};
use crate::db::audit;
use crate::db::staff::{self, Session};
use crate::domain::staff::StaffUser;
use crate::domain::staff::normalise_email;

pub const PENDING_MINUTES: i64 = 5;
pub const IDLE_MINUTES: i64 = 30;
pub const ABSOLUTE_HOURS: i64 = 12;

/// At most two Argon2 verifications at once (19 MiB and ~25 ms each).
static ARGON_GATE: Semaphore = Semaphore::const_new(2);

/// Verifies a password off the async threads, behind the shared gate; `None` (no account)
/// still costs one dummy verification.
pub async fn verify_password(stored: Option<String>, attempt: &str) -> AppResult<bool> {
    let _permit = ARGON_GATE
        .acquire()
        .await
        .map_err(|e| AppError::unexpected("verificarea parolei", e))?;
    let attempt = attempt.to_string();
    tokio::task::spawn_blocking(move || password::verify(&attempt, stored.as_deref()))
        .await
        .map_err(|e| AppError::unexpected("verificarea parolei", e))
}

/// A new session: the cookie value (never stored) and its CSRF token.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub cookie: String,
}

/// What a sign-in password leads to. Unknown account, wrong password and a throttled
/// address are one answer: the page and the time tell nothing of which it was.
#[derive(Debug)]
pub enum PasswordOutcome {
    SecondFactor(NewSession),
    Rejected,
}

pub async fn check_password(
    ctx: Ctx<'_>,
    email: &str,
    password: &str,
    address: IpAddr,
) -> AppResult<PasswordOutcome> {
    let (db, now) = (ctx.db, ctx.now());
    let typed = normalise_email(email)
        .unwrap_or_else(|| email.trim().to_lowercase().chars().take(200).collect());
    let over = attempts::take(db, &throttle::password_limits(address, &typed), now).await?;
    let account_key = throttle::password_account_key(&typed);
    let attempts = crate::db::throttle::record_attempt(db, &account_key, 24 * 3600, now).await?;
    let failures = throttle::password_failures(address);
    let wait = attempts::address_wait(db, &failures, now).await?;
    tokio::time::sleep(throttle::password_delay(attempts).max(wait)).await;
    let account = match normalise_email(email) {
        Some(email) => staff::find_by_email(db, &email).await?,
        None => None,
    };
    let usable = account
        .as_ref()
        .filter(|a| !a.disabled && a.totp_secret.is_some());
    // Always one verification, so a refused attempt costs the same time as a wrong password.
    let verified = verify_password(usable.and_then(|a| a.password_hash.clone()), password).await?;
    if let Some(over) = over {
        refused_by_limit(db, &typed, usable, &over, address, now).await?;
        return Ok(PasswordOutcome::Rejected);
    }
    let account = match usable {
        Some(account) if verified => account,
        _ => {
            password_failed(db, email, usable, &failures, address, now).await?;
            return Ok(PasswordOutcome::Rejected);
        }
    };
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

/// A wrong password or an unknown account: audited and counted against the address.
async fn password_failed(
    db: &DatabaseConnection,
    typed: &str,
    account: Option<&StaffUser>,
    failures: &throttle::Limit,
    address: IpAddr,
    now: DateTime<Utc>,
) -> AppResult<()> {
    match account {
        Some(account) => {
            let detail = format!("parolă greșită, de la {address}");
            let id = Some(account.id);
            audit::staff_event(db, now, &account.email, "autentificare eșuată", id, &detail)
                .await?;
        }
        None => {
            let detail = "cont necunoscut sau inactiv";
            audit::staff_event(db, now, typed, "autentificare eșuată", None, detail).await?;
        }
    }
    address_failed(db, failures, address, now).await
}

/// Counts a failure of the address; audits the one that starts slowing it down.
async fn address_failed(
    db: &DatabaseConnection,
    failures: &throttle::Limit,
    address: IpAddr,
    now: DateTime<Utc>,
) -> AppResult<()> {
    if attempts::failed(db, failures, now).await? {
        let detail = format!("{}, de la {address}", failures.what);
        let who = address.to_string();
        audit::staff_event(db, now, &who, "autentificare încetinită", None, &detail).await?;
    }
    Ok(())
}

/// A sign-in refused by a limit: audited each time; the holder is mailed when it is crossed.
async fn refused_by_limit(
    db: &DatabaseConnection,
    typed: &str,
    account: Option<&StaffUser>,
    over: &throttle::Over,
    address: IpAddr,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let who = account.map_or(typed, |a| a.email.as_str());
    let detail = format!("{}, de la {address}", over.limit.what);
    let id = account.map(|a| a.id);
    audit::staff_event(db, now, who, "autentificare refuzată", id, &detail).await?;
    if let (true, Some(account)) = (over.just_crossed, account) {
        let what = format!(
            "Adresa {address} nu mai poate încerca parola contului timp de {} minute, după {} încercări greșite; din altă rețea puteți intra în continuare",
            throttle::SHORT_WINDOW_MINUTES,
            over.limit.max
        );
        super::outbox::queue_security_notice(db, &account.email, &what, now).await?;
    }
    Ok(())
}

async fn open_session(
    db: &DatabaseConnection,
    user_id: i32,
    full: bool,
    now: DateTime<Utc>,
) -> AppResult<NewSession> {
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
    ctx: Ctx<'_>,
    key: &SecretKey,
    pending: &Session,
    account: &StaffUser,
    code: &str,
    address: IpAddr,
) -> AppResult<CodeOutcome> {
    let (db, now) = (ctx.db, ctx.now());
    if now - pending.created_at > Duration::minutes(PENDING_MINUTES) {
        staff::delete_session(db, &pending.id_hash).await?;
        return Ok(CodeOutcome::Restart);
    }
    let limits = throttle::code_limits(&pending.id_hash, account.id);
    if let Some(over) = attempts::take(db, &limits, now).await? {
        return code_refused(db, pending, account, &over, now).await;
    }
    let failures = throttle::code_failures(address);
    tokio::time::sleep(attempts::address_wait(db, &failures, now).await?).await;
    let (accepted, must_reenrol, how) = match second_factor(db, key, account, code, now).await? {
        Some(how) => (true, account.must_reenrol || how == RECOVERY, how),
        None => (false, false, "cod greșit"),
    };
    if !accepted {
        audit::staff_event(
            db,
            now,
            &account.email,
            "al doilea factor greșit",
            Some(account.id),
            &format!("{how}, de la {address}"),
        )
        .await?;
        address_failed(db, &failures, address, now).await?;
        return Ok(CodeOutcome::Wrong);
    }
    // A new id for the full session: the pending cookie dies here.
    staff::delete_session(db, &pending.id_hash).await?;
    let session = open_session(db, account.id, true, now).await?;
    let typed = normalise_email(&account.email).unwrap_or_else(|| account.email.clone());
    crate::db::throttle::reset(
        db,
        &throttle::cleared_by_sign_in(address, &typed, account.id),
    )
    .await?;
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

const RECOVERY: &str = "cod de rezervă";

/// Checks a code of the account's authenticator, or burns an unused recovery code; returns
/// which one it was. A TOTP step is accepted once (a replayed code is audited).
pub async fn second_factor(
    db: &DatabaseConnection,
    key: &SecretKey,
    account: &StaffUser,
    code: &str,
    now: DateTime<Utc>,
) -> AppResult<Option<&'static str>> {
    if recovery::looks_like_code(code) {
        let burned = staff::burn_recovery_code(db, account, &recovery::hash(code), now).await?;
        return Ok(burned.then_some(RECOVERY));
    }
    let Some(sealed) = account.totp_secret.as_deref() else {
        return Ok(None);
    };
    let secret = key.decrypt(sealed)?;
    let Some(step) = totp::matched_step(&secret, code, now.timestamp().max(0) as u64) else {
        return Ok(None);
    };
    if staff::accept_totp_step(db, account.id, step).await? {
        return Ok(Some("cod TOTP"));
    }
    let detail = "cod TOTP deja folosit, respins";
    audit::staff_event(
        db,
        now,
        &account.email,
        "cod refolosit",
        Some(account.id),
        detail,
    )
    .await?;
    Ok(None)
}

/// A code refused by a limit: a pending sign-in over its tries starts again; the account's
/// daily limit closes second factors for the day and tells the holder (the password is known).
async fn code_refused(
    db: &DatabaseConnection,
    pending: &Session,
    account: &StaffUser,
    over: &throttle::Over,
    now: DateTime<Utc>,
) -> AppResult<CodeOutcome> {
    if over.just_crossed {
        let id = Some(account.id);
        audit::staff_event(
            db,
            now,
            &account.email,
            "al doilea factor blocat",
            id,
            over.limit.what,
        )
        .await?;
        if over.limit.max == throttle::CODES_PER_ACCOUNT_A_DAY {
            let what = "Parola contului a fost introdusă corect, dar codul de verificare a fost greșit de prea multe ori; autentificarea este oprită 24 de ore. Schimbați parola";
            super::outbox::queue_security_notice(db, &account.email, what, now).await?;
        }
    }
    if over.limit.max == throttle::CODES_PER_PENDING_SESSION {
        staff::delete_session(db, &pending.id_hash).await?;
        return Ok(CodeOutcome::Restart);
    }
    Ok(CodeOutcome::Locked)
}

/// The session behind a cookie, if still valid at `now`; expired ones are removed.
pub async fn current(ctx: Ctx<'_>, cookie: &str) -> AppResult<Option<(Session, StaffUser)>> {
    let (db, now) = (ctx.db, ctx.now());
    let Some((session, account)) =
        staff::find_session_with_user(db, &tokens::token_hash(cookie)).await?
    else {
        return Ok(None);
    };
    let expired = is_expired(&session, now);
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

/// Whether a session is past its idle or absolute limit (a pending one, its short limit).
pub fn is_expired(session: &Session, now: DateTime<Utc>) -> bool {
    if session.full {
        now - session.last_seen_at > Duration::minutes(IDLE_MINUTES)
            || now - session.created_at > Duration::hours(ABSOLUTE_HOURS)
    } else {
        now - session.created_at > Duration::minutes(PENDING_MINUTES)
    }
}

pub async fn logout(ctx: Ctx<'_>, session: &Session, account: &StaffUser) -> AppResult<()> {
    let (db, now) = (ctx.db, ctx.now());
    staff::delete_session(db, &session.id_hash).await?;
    audit::staff_event(db, now, &account.email, "deconectare", Some(account.id), "").await?;
    Ok(())
}
