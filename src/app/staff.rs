//! Changes to accounts after enrolment: by the person (password, authenticator, recovery
//! codes) and by an administrator (add, disable, reset someone's second factor). Each proof
//! asked again (password, code) goes through the re-authentication limits, and every failed
//! one is audited; a factor is only replaced by someone who holds the current ones.

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};
use sea_orm::DatabaseConnection;

use super::{Actor, AppResult, Ctx};

use crate::app::enrolment::{AccountError, ENROLMENT_LINK_HOURS, hash_blocking};
use crate::auth::secret_key::SecretKey;

use super::sign_in;
use super::throttle as attempts;
use crate::auth::{password, recovery, throttle, tokens, totp};
use crate::db::audit;
use crate::db::staff::{self, Session};
use crate::domain::change::Change;
use crate::domain::staff::Role;
use crate::domain::staff::StaffUser;

/// What a person shows again before a sensitive change.
#[derive(Debug, Clone, Copy, Default)]
pub struct Proof<'a> {
    pub password: Option<&'a str>,
    /// A current code of the authenticator, or an unused recovery code.
    pub code: Option<&'a str>,
}

impl Proof<'_> {
    /// Changes of a factor ask for both the password and a code.
    fn require_both(&self) -> Result<(), AccountError> {
        if self.password.is_none() || self.code.is_none() {
            return Err(AccountError::WrongCode);
        }
        Ok(())
    }
}

/// Where the request comes from and when: the limits count per address.
#[derive(Debug, Clone, Copy)]
pub struct Origin {
    pub address: IpAddr,
}

/// Checks a proof under the re-authentication limits (counted before the check, so parallel
/// guesses cannot pass them). A failure is audited; crossing a limit is audited and mailed to
/// the holder. Success clears the account's counter.
async fn reauthenticate(
    db: &DatabaseConnection,
    key: &SecretKey,
    account: &StaffUser,
    proof: Proof<'_>,
    origin: Origin,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let address = origin.address;
    let limits = throttle::reauth_limits(address, account.id);
    if let Some(over) = attempts::take(db, &limits, now).await? {
        let detail = format!("{}, de la {address}", over.limit.what);
        let id = Some(account.id);
        audit::staff_event(
            db,
            now,
            &account.email,
            "re-autentificare refuzată",
            id,
            &detail,
        )
        .await?;
        if over.just_crossed {
            let what = "Confirmarea parolei sau a codului a greșit de prea multe ori într-o sesiune deschisă; schimbările contului sunt oprite 15 minute";
            super::outbox::queue_security_notice(db, &account.email, what, now).await?;
        }
        return Err(AccountError::TooManyTries.into());
    }
    let failed = match (proof.password, proof.code) {
        (Some(attempt), _)
            if !sign_in::verify_password(account.password_hash.clone(), attempt).await? =>
        {
            Some(AccountError::WrongPassword)
        }
        (_, Some(code))
            if sign_in::second_factor(db, key, account, code, now)
                .await?
                .is_none() =>
        {
            Some(AccountError::WrongCode)
        }
        _ => None,
    };
    if let Some(error) = failed {
        let detail = format!("{error}, de la {address}");
        let id = Some(account.id);
        audit::staff_event(
            db,
            now,
            &account.email,
            "re-autentificare eșuată",
            id,
            &detail,
        )
        .await?;
        return Err(error.into());
    }
    let cleared = [throttle::reauth_account_key(account.id)];
    crate::db::throttle::reset(db, &cleared).await?;
    Ok(())
}

/// A new password, typed twice.
pub struct NewPassword<'a> {
    pub password: &'a str,
    pub again: &'a str,
}

pub async fn change_password(
    ctx: Ctx<'_>,
    key: &SecretKey,
    session: &Session,
    account: &StaffUser,
    current: &str,
    new: NewPassword<'_>,
    origin: Origin,
) -> AppResult<()> {
    let now = ctx.now();
    let (new, again) = (new.password, new.again);
    let proof = Proof {
        password: Some(current),
        code: None,
    };
    reauthenticate(ctx.db, key, account, proof, origin, now).await?;
    password::check_policy_for(new, &account.email, &account.name)?;
    if new != again {
        return Err(AccountError::PasswordMismatch.into());
    }
    let hash = hash_blocking(new.to_string()).await?;
    let tx = ctx.begin().await?;
    staff::set_password(tx.db(), account.id, hash, now).await?;
    staff::end_other_sessions(tx.db(), account.id, Some(&session.id_hash)).await?;
    audit::staff_event(
        tx.db(),
        now,
        &account.email,
        "parolă schimbată",
        Some(account.id),
        "",
    )
    .await?;
    ctx.commit(tx, &Actor::Staff(account.email.clone())).await?;
    Ok(())
}

/// The new authenticator's secret (sealed in the form) and a code from it.
pub struct NewAuthenticator<'a> {
    pub sealed_secret: &'a str,
    pub code: &'a str,
}

/// Replaces the authenticator: the person proves the password and a code of the *current*
/// authenticator (or an unused recovery code), and the new secret is confirmed by its code.
pub async fn replace_authenticator(
    ctx: Ctx<'_>,
    key: &SecretKey,
    session: &Session,
    account: &StaffUser,
    proof: Proof<'_>,
    new: NewAuthenticator<'_>,
    origin: Origin,
) -> AppResult<()> {
    let now = ctx.now();
    proof.require_both()?;
    reauthenticate(ctx.db, key, account, proof, origin, now).await?;
    let (sealed_secret, code) = (new.sealed_secret, new.code);
    let secret = key.decrypt(sealed_secret)?;
    let step = totp::matched_step(&secret, code, now.timestamp().max(0) as u64)
        .ok_or(AccountError::WrongCode)?;
    let tx = ctx.begin().await?;
    staff::replace_totp(tx.db(), account.id, key.encrypt(&secret)?, step, now).await?;
    staff::end_other_sessions(tx.db(), account.id, Some(&session.id_hash)).await?;
    audit::staff_event(
        tx.db(),
        now,
        &account.email,
        "autentificator înlocuit",
        Some(account.id),
        "",
    )
    .await?;
    ctx.commit(tx, &Actor::Staff(account.email.clone())).await?;
    Ok(())
}

/// A new set of recovery codes, after the password and a current code; the old ones stop
/// working.
pub async fn regenerate_recovery(
    ctx: Ctx<'_>,
    key: &SecretKey,
    account: &StaffUser,
    proof: Proof<'_>,
    origin: Origin,
) -> AppResult<Vec<String>> {
    let now = ctx.now();
    proof.require_both()?;
    reauthenticate(ctx.db, key, account, proof, origin, now).await?;
    let (codes, hashes) = recovery::new_set();
    staff::replace_recovery(ctx.db, account.id, &hashes, now).await?;
    audit::staff_event(
        ctx.db,
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
    ctx: Ctx<'_>,
    admin: &StaffUser,
    email: &str,
    name: &str,
    role: Role,
) -> AppResult<String> {
    let now = ctx.now();
    let email = crate::domain::email::parse(email).map_err(AccountError::from)?;
    let name =
        crate::domain::staff::display_name(Some(name), &email).map_err(AccountError::from)?;
    let mut tx = ctx.begin().await?;
    let new = staff::NewUser {
        email: &email,
        name: &name,
        role,
        password_hash: None,
        totp_secret: None,
        recovery_hashes: Vec::new(),
    };
    let id = staff::create(tx.db(), new, now)
        .await?
        .ok_or(AccountError::Taken)?;
    let token = tokens::new_token();
    staff::create_link(
        tx.db(),
        &tokens::token_hash(&token),
        Some(id),
        now + Duration::hours(ENROLMENT_LINK_HOURS),
    )
    .await?;
    let change = Change::StaffAdded {
        email: email.clone(),
        role,
    };
    tx.record(change);
    ctx.commit(tx, &Actor::Staff(admin.email.clone())).await?;
    Ok(token)
}

pub async fn set_disabled(
    ctx: Ctx<'_>,
    admin: &StaffUser,
    target: i32,
    disabled: bool,
) -> AppResult<()> {
    let now = ctx.now();
    if admin.id == target {
        return Err(AccountError::OwnAccount.into());
    }
    let Some(holder) = staff::find(ctx.db, target).await? else {
        return Err(AccountError::NoSuchAccount.into());
    };
    let mut tx = ctx.begin().await?;
    staff::set_disabled(tx.db(), target, disabled, now).await?;
    // Disabled or enabled again, the account's old calendar address is dead for good (an
    // account disabled before this rule loses it when enabled).
    staff::clear_calendar_token(tx.db(), target).await?;
    if disabled {
        staff::end_other_sessions(tx.db(), target, None).await?;
    }
    let email = holder.email;
    let change = if disabled {
        Change::StaffDisabled { email }
    } else {
        Change::StaffEnabled { email }
    };
    tx.record(change);
    ctx.commit(tx, &Actor::Staff(admin.email.clone())).await?;
    Ok(())
}

/// An administrator changes another person's role (never their own); the holder is mailed.
pub async fn change_role(
    ctx: Ctx<'_>,
    admin: &StaffUser,
    target: i32,
    role: Role,
) -> AppResult<()> {
    let now = ctx.now();
    if admin.id == target {
        return Err(AccountError::OwnAccount.into());
    }
    let holder = staff::find(ctx.db, target)
        .await?
        .ok_or(AccountError::NoSuchAccount)?;
    if holder.role == role {
        return Ok(());
    }
    let mut tx = ctx.begin().await?;
    staff::set_role(tx.db(), target, role, now).await?;
    let change = Change::StaffRoleChanged {
        email: holder.email.clone(),
        before: holder.role,
        after: role,
    };
    tx.record(change);
    let what = format!(
        "Administratorul {} v-a schimbat rolul din „{}” în „{}”. Drepturile noi se aplică de la următoarea pagină deschisă",
        admin.email,
        holder.role.label(),
        role.label()
    );
    super::outbox::queue_security_notice(tx.db(), &holder.email, &what, now).await?;
    ctx.commit(tx, &Actor::Staff(admin.email.clone())).await?;
    Ok(())
}

/// Resets another account's second factor after the administrator proves it is them again
/// (password and a current code); the account's sessions end, older links die, and the
/// holder is mailed at once. An administrator cannot reset their own. Returns the new
/// enrolment link token.
pub async fn reset_second_factor(
    ctx: Ctx<'_>,
    key: &SecretKey,
    admin: &StaffUser,
    target: i32,
    proof: Proof<'_>,
    origin: Origin,
) -> AppResult<String> {
    let now = ctx.now();
    if admin.id == target {
        return Err(AccountError::OwnSecondFactor.into());
    }
    let holder = staff::find(ctx.db, target)
        .await?
        .ok_or(AccountError::NoSuchAccount)?;
    proof.require_both()?;
    reauthenticate(ctx.db, key, admin, proof, origin, now).await?;
    let token = tokens::new_token();
    let mut tx = ctx.begin().await?;
    staff::clear_second_factor(tx.db(), target, now).await?;
    staff::end_other_sessions(tx.db(), target, None).await?;
    staff::create_link(
        tx.db(),
        &tokens::token_hash(&token),
        Some(target),
        now + Duration::hours(ENROLMENT_LINK_HOURS),
    )
    .await?;
    let change = Change::StaffSecondFactorReset {
        email: holder.email.clone(),
    };
    tx.record(change);
    let what = format!(
        "Administratorul {} a resetat autentificarea în doi pași a contului dumneavoastră; veți primi de la el un link de reînrolare. Sesiunile deschise au fost închise",
        admin.email
    );
    super::outbox::queue_security_notice(tx.db(), &holder.email, &what, now).await?;
    ctx.commit(tx, &Actor::Staff(admin.email.clone())).await?;
    Ok(token)
}

/// The person's private calendar token: the stored one, or a new one when there is none or
/// `renew` is asked (the old link then stops working, audited).
pub async fn calendar_token(
    ctx: Ctx<'_>,
    key: &SecretKey,
    account: &StaffUser,
    renew: bool,
) -> AppResult<String> {
    let now = ctx.now();
    if !renew && let Some(sealed) = staff::calendar_token(ctx.db, account.id).await? {
        let token = key.decrypt(&sealed)?;
        return Ok(String::from_utf8_lossy(&token).into_owned());
    }
    let token = tokens::new_token();
    let tx = ctx.begin().await?;
    let sealed = key.encrypt(token.as_bytes())?;
    staff::set_calendar_token(tx.db(), account.id, &tokens::token_hash(&token), &sealed).await?;
    let action = if renew {
        "link calendar reînnoit"
    } else {
        "link calendar creat"
    };
    audit::staff_event(tx.db(), now, &account.email, action, Some(account.id), "").await?;
    ctx.commit(tx, &Actor::Staff(account.email.clone())).await?;
    Ok(token)
}
