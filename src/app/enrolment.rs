//! Creating staff accounts and enrolling them: the first-administrator setup link, the
//! `user add` command, and the enrolment form (password + TOTP confirmed by a first code).

use chrono::Duration;

use super::{Actor, AppResult, Ctx};

use crate::auth::secret_key::SecretKey;
use crate::auth::{password, recovery, tokens, totp};
use crate::db::audit;
use crate::db::{self, DbError};
use crate::domain::staff::Role;

pub const SETUP_LINK_HOURS: i64 = 1;
pub const ENROLMENT_LINK_HOURS: i64 = 72;

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("există deja un cont cu această adresă de e-mail")]
    Taken,
    #[error("{0}")]
    Password(#[from] password::PasswordError),
    #[error("parolele nu coincid")]
    PasswordMismatch,
    #[error("parola actuală nu este corectă")]
    WrongPassword,
    #[error("nu vă puteți dezactiva propriul cont")]
    OwnAccount,
    #[error(
        "nu vă puteți reseta propria autentificare în doi pași; folosiți pagina Securitate sau cereți altui administrator"
    )]
    OwnSecondFactor,
    #[error("contul nu există")]
    NoSuchAccount,
    #[error("prea multe confirmări greșite; reîncercați peste 15 minute")]
    TooManyTries,
    #[error("codul de verificare nu este corect; verificați ora telefonului și încercați din nou")]
    WrongCode,
    #[error("linkul nu mai este valabil (a expirat sau a fost deja folosit)")]
    LinkInvalid,
    #[error("adresa de e-mail: {0}")]
    Email(#[from] crate::domain::email::EmailError),
    #[error("numele: {0}")]
    Text(#[from] crate::domain::text::TypedTextError),
    #[error("cheia de criptare: {0}")]
    Key(#[from] crate::auth::secret_key::KeyError),
    #[error("{0}")]
    Db(#[from] DbError),
}

/// Issues a one-time setup link when no staff account exists yet; returns its token.
pub async fn setup_link_if_empty(ctx: Ctx<'_>) -> AppResult<Option<String>> {
    let (db, now) = (ctx.db, ctx.now());
    if db::staff::count(db).await? > 0 {
        return Ok(None);
    }
    let token = tokens::new_token();
    db::staff::create_link(
        db,
        &tokens::token_hash(&token),
        None,
        now + Duration::hours(SETUP_LINK_HOURS),
    )
    .await?;
    Ok(Some(token))
}

/// What `user add` prints.
pub enum AddedUser {
    /// The person finishes enrolment through this link token.
    Link(String),
    /// Scripted set-up: password set, TOTP ready to be added to an app.
    Ready {
        otpauth_uri: String,
        recovery_codes: Vec<String>,
    },
}

pub async fn add_user(
    ctx: Ctx<'_>,
    actor: &Actor,
    key: &SecretKey,
    account: NewAccount<'_>,
) -> AppResult<AddedUser> {
    let NewAccount {
        email,
        name,
        role,
        password,
    } = account;
    let now = ctx.now();
    let email = crate::domain::email::parse(email).map_err(AccountError::from)?;
    let name = crate::domain::staff::display_name(name, &email).map_err(AccountError::from)?;
    let (password_hash, secret, codes, hashes) = match password {
        Some(password) => {
            password::check_policy_for(password, &email, &name)?;
            let hash = hash_blocking(password.to_string()).await?;
            let (codes, hashes) = recovery::new_set();
            (Some(hash), Some(totp::new_secret()), codes, hashes)
        }
        None => (None, None, Vec::new(), Vec::new()),
    };
    let sealed = secret.as_deref().map(|s| key.encrypt(s)).transpose()?;
    let new = db::staff::NewUser {
        email: &email,
        name: &name,
        role,
        password_hash,
        totp_secret: sealed,
        recovery_hashes: hashes,
    };
    let mut tx = ctx.begin().await?;
    let id = db::staff::create(tx.db(), new, now)
        .await?
        .ok_or(AccountError::Taken)?;
    tx.record(crate::domain::change::Change::StaffAdded {
        email: email.clone(),
        role,
    });
    let added = match secret {
        Some(secret) => {
            let otpauth_uri = totp::provisioning_uri(&secret, &email).unwrap_or_default();
            AddedUser::Ready {
                otpauth_uri,
                recovery_codes: codes,
            }
        }
        None => {
            let token = tokens::new_token();
            db::staff::create_link(
                tx.db(),
                &tokens::token_hash(&token),
                Some(id),
                now + Duration::hours(ENROLMENT_LINK_HOURS),
            )
            .await?;
            AddedUser::Link(token)
        }
    };
    ctx.commit(tx, actor).await?;
    Ok(added)
}

/// The account `user add` creates; with a password, the authenticator is made at once.
pub struct NewAccount<'a> {
    pub email: &'a str,
    pub name: Option<&'a str>,
    pub role: Role,
    pub password: Option<&'a str>,
}

/// Argon2 runs off the async threads.
pub async fn hash_blocking(password: String) -> Result<String, AccountError> {
    tokio::task::spawn_blocking(move || password::hash(&password))
        .await
        .map_err(|e| AccountError::Password(password::PasswordError::Hashing(e.to_string())))?
        .map_err(AccountError::from)
}

/// Whom an enrolment link is for.
pub struct LinkTarget {
    /// `None` for the first administrator (the form asks for e-mail and name).
    pub user: Option<crate::domain::staff::StaffUser>,
}

pub async fn link_target(ctx: Ctx<'_>, token: &str) -> AppResult<LinkTarget> {
    let (db, now) = (ctx.db, ctx.now());
    let user_id = db::staff::valid_link(db, &tokens::token_hash(token), now)
        .await?
        .ok_or(AccountError::LinkInvalid)?;
    let user = match user_id {
        Some(id) => Some(
            db::staff::find(db, id)
                .await?
                .ok_or(AccountError::LinkInvalid)?,
        ),
        None => None,
    };
    Ok(LinkTarget { user })
}

/// What the enrolment form sends back.
pub struct EnrolmentForm {
    pub email: Option<String>,
    pub name: Option<String>,
    pub password: String,
    pub password_again: String,
    /// The TOTP secret shown on the form, sealed with the server key.
    pub sealed_secret: String,
    pub code: String,
}

/// Finishes an enrolment; returns the recovery codes to show once.
pub async fn complete(
    ctx: Ctx<'_>,
    key: &SecretKey,
    token: &str,
    form: EnrolmentForm,
) -> AppResult<Vec<String>> {
    let (db, now) = (ctx.db, ctx.now());
    let target = link_target(ctx, token).await?;
    let (email, name) = match &target.user {
        Some(user) => (user.email.clone(), user.name.clone()),
        None => (
            form.email.clone().unwrap_or_default(),
            form.name.clone().unwrap_or_default(),
        ),
    };
    password::check_policy_for(&form.password, &email, &name)?;
    if form.password != form.password_again {
        return Err(AccountError::PasswordMismatch.into());
    }
    let secret = key.decrypt(&form.sealed_secret)?;
    let step = totp::matched_step(&secret, &form.code, now.timestamp().max(0) as u64)
        .ok_or(AccountError::WrongCode)?;
    let hash = hash_blocking(form.password).await?;
    let (codes, hashes) = recovery::new_set();
    let sealed = key.encrypt(&secret)?;
    let txn = db::begin_write(db).await?;
    if !db::staff::consume_link(&txn, &tokens::token_hash(token), now).await? {
        return Err(AccountError::LinkInvalid.into());
    }
    let id = match target.user {
        Some(user) => user.id,
        None => {
            let email = crate::domain::email::parse(form.email.as_deref().unwrap_or_default())
                .map_err(AccountError::from)?;
            let name = crate::domain::staff::display_name(form.name.as_deref(), &email)
                .map_err(AccountError::from)?;
            let new = db::staff::NewUser {
                email: &email,
                name: &name,
                role: Role::Admin,
                password_hash: None,
                totp_secret: None,
                recovery_hashes: Vec::new(),
            };
            db::staff::create(&txn, new, now)
                .await?
                .ok_or(AccountError::Taken)?
        }
    };
    // The enrolment code's step counts as used, so it cannot open the first login.
    db::staff::complete_enrolment(&txn, id, hash, sealed, step, &hashes, now).await?;
    audit::staff_event(
        &txn,
        now,
        "înrolare",
        "autentificare în doi pași activată",
        Some(id),
        "",
    )
    .await?;
    txn.commit().await.map_err(DbError::from)?;
    Ok(codes)
}

/// Refusals come back to the form as the same words; a missing account or link is a missing
/// page; the key and the database are the system failing.
impl From<AccountError> for super::AppError {
    fn from(e: AccountError) -> Self {
        use super::AppError;
        let invalid = |field: &'static str, e: &AccountError| AppError::Invalid {
            field,
            message: e.to_string(),
        };
        match e {
            AccountError::NoSuchAccount => AppError::NotFound("contul"),
            AccountError::LinkInvalid => AppError::NotFound("linkul"),
            AccountError::Key(e) => AppError::unexpected("cheia de criptare", e),
            AccountError::Db(e) => AppError::unexpected("baza de date", e),
            AccountError::Password(_) | AccountError::PasswordMismatch => invalid("password", &e),
            AccountError::WrongPassword => invalid("current", &e),
            AccountError::WrongCode => invalid("code", &e),
            AccountError::Email(_) => invalid("email", &e),
            AccountError::Text(_) => invalid("name", &e),
            other => AppError::Conflict(other.to_string()),
        }
    }
}

impl From<password::PasswordError> for super::AppError {
    fn from(e: password::PasswordError) -> Self {
        AccountError::Password(e).into()
    }
}

impl From<crate::auth::secret_key::KeyError> for super::AppError {
    fn from(e: crate::auth::secret_key::KeyError) -> Self {
        super::AppError::unexpected("cheia de criptare", e)
    }
}
