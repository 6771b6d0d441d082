//! Account pages: users (administrators), one's own security settings, the audit trail.

use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;

use super::chrome::{no_referrer, render};
use super::flash::outcome;
use super::session::{Admin, CheckedForm, NoFields, Staff};
use super::throttle::ClientAddress;
use super::{AppState, WebError};
use crate::app::staff::{self as manage, Proof};
use crate::auth::totp;
use crate::db;
use crate::domain::staff::Role;
use crate::views::layout::Chrome;
use crate::views::staff::{SecurityView, UserRow};

/// Errors the person can fix come back as a message; the rest are internal errors.
fn origin(address: std::net::IpAddr) -> manage::Origin {
    manage::Origin { address }
}

async fn users_page(
    state: &AppState,
    chrome: &Chrome,
    me: i32,
    new_link: Option<&str>,
) -> Result<Response, WebError> {
    let users = db::staff::all(&state.db).await?;
    let now = state.clock.now();
    let mut rows: Vec<UserRow> = Vec::with_capacity(users.len());
    for user in &users {
        let day = 24 * 3600;
        let account_key = crate::auth::throttle::password_account_key(&user.email);
        let code_key = crate::auth::throttle::code_account_key(user.id);
        let code_attempts = db::throttle::attempts(&state.db, &code_key, day, now).await?;
        rows.push(UserRow {
            user,
            is_me: user.id == me,
            password_attempts: db::throttle::attempts(&state.db, &account_key, day, now).await?,
            code_attempts,
            codes_stopped: code_attempts > crate::auth::throttle::CODES_PER_ACCOUNT_A_DAY,
        });
    }
    let link = new_link.map(|token| format!("{}/setup/{token}", state.config.base_url()));
    let mut response = render(
        chrome,
        crate::views::staff::users(chrome, &rows, link.as_deref()),
    );
    no_referrer(&mut response);
    Ok(response)
}

pub async fn users(
    State(state): State<AppState>,
    Admin(admin): Admin,
    chrome: Chrome,
) -> Result<Response, WebError> {
    users_page(
        &state,
        &chrome.signed_in(admin.chrome_user()),
        admin.account.id,
        None,
    )
    .await
}

#[derive(Deserialize)]
pub struct NewUserForm {
    email: String,
    name: String,
    role: String,
}

pub async fn add_user(
    State(state): State<AppState>,
    chrome: Chrome,
    CheckedForm(Admin(admin), form): CheckedForm<Admin, NewUserForm>,
) -> Result<Response, WebError> {
    let role =
        Role::parse(&form.role).ok_or_else(|| WebError::BadRequest("Rol necunoscut.".into()))?;
    match manage::add(state.ctx(), &admin.account, &form.email, &form.name, role).await {
        Ok(token) => {
            users_page(
                &state,
                &chrome.signed_in(admin.chrome_user()),
                admin.account.id,
                Some(&token),
            )
            .await
        }
        Err(e) => outcome(Err(e), "/users"),
    }
}

pub async fn disable(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    CheckedForm(Admin(admin), NoFields {}): CheckedForm<Admin, NoFields>,
) -> Result<Response, WebError> {
    let result = manage::set_disabled(state.ctx(), &admin.account, id, true).await;
    outcome(
        result.map(|()| "Contul a fost dezactivat; sesiunile lui s-au închis.".to_string()),
        "/users",
    )
}

pub async fn enable(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    CheckedForm(Admin(admin), NoFields {}): CheckedForm<Admin, NoFields>,
) -> Result<Response, WebError> {
    let result = manage::set_disabled(state.ctx(), &admin.account, id, false).await;
    outcome(
        result.map(|()| "Contul a fost reactivat.".to_string()),
        "/users",
    )
}

#[derive(Deserialize)]
pub struct RoleForm {
    role: String,
}

/// An administrator changes someone else's role; the holder is mailed.
pub async fn change_role(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    CheckedForm(Admin(admin), form): CheckedForm<Admin, RoleForm>,
) -> Result<Response, WebError> {
    let Some(role) = crate::domain::staff::Role::parse(&form.role) else {
        return Err(WebError::BadRequest("Alegeți rolul din listă.".into()));
    };
    let result = manage::change_role(state.ctx(), &admin.account, id, role).await;
    outcome(
        result.map(|()| {
            format!(
                "Rolul a devenit „{}”; titularul a primit un e-mail.",
                role.label()
            )
        }),
        "/users",
    )
}

#[derive(Deserialize)]
pub struct ReauthForm {
    password: String,
    code: String,
}

pub async fn reset_second_factor(
    State(state): State<AppState>,
    chrome: Chrome,
    Path(id): Path<i32>,
    ClientAddress(address): ClientAddress,
    CheckedForm(Admin(admin), form): CheckedForm<Admin, ReauthForm>,
) -> Result<Response, WebError> {
    let proof = Proof {
        password: Some(&form.password),
        code: Some(&form.code),
    };
    let origin = origin(address);
    match manage::reset_second_factor(state.ctx(), &state.key, &admin.account, id, proof, origin)
        .await
    {
        Ok(token) => {
            users_page(
                &state,
                &chrome.signed_in(admin.chrome_user()),
                admin.account.id,
                Some(&token),
            )
            .await
        }
        Err(e) => outcome(Err(e), "/users"),
    }
}

pub async fn security(
    State(state): State<AppState>,
    staff: Staff,
    chrome: Chrome,
) -> Result<Response, WebError> {
    security_page(&state, &chrome.signed_in(staff.chrome_user()), &staff, None).await
}

async fn security_page(
    state: &AppState,
    chrome: &Chrome,
    staff: &Staff,
    new_codes: Option<&[String]>,
) -> Result<Response, WebError> {
    let setup = super::auth::authenticator_setup(state, &totp::new_secret(), &staff.account.email)?;
    let token = manage::calendar_token(state.ctx(), &state.key, &staff.account, false)
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let calendar_url = calendar_url(&state.config.base_url(), &token);
    let view = SecurityView {
        must_reenrol: staff.account.must_reenrol,
        authenticator: &setup,
        recovery_left: staff.account.recovery_hashes.len(),
        new_codes,
        calendar_url: &calendar_url,
    };
    let mut response = render(chrome, crate::views::staff::security(chrome, view));
    no_referrer(&mut response);
    Ok(response)
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current: String,
    new: String,
    again: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    CheckedForm(staff, form): CheckedForm<Staff, PasswordForm>,
) -> Result<Response, WebError> {
    let result = manage::change_password(
        state.ctx(),
        &state.key,
        &staff.session,
        &staff.account,
        &form.current,
        manage::NewPassword {
            password: &form.new,
            again: &form.again,
        },
        origin(address),
    )
    .await;
    outcome(
        result.map(|()| "Parola a fost schimbată; celelalte sesiuni s-au închis.".to_string()),
        "/account/security",
    )
}

#[derive(Deserialize)]
pub struct TotpForm {
    sealed_secret: String,
    password: String,
    /// A code of the current authenticator, or an unused recovery code.
    #[serde(default)]
    current_code: String,
    code: String,
}

pub async fn replace_totp(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    CheckedForm(staff, form): CheckedForm<Staff, TotpForm>,
) -> Result<Response, WebError> {
    let proof = Proof {
        password: Some(&form.password),
        code: Some(form.current_code.trim()).filter(|c| !c.is_empty()),
    };
    let new = manage::NewAuthenticator {
        sealed_secret: &form.sealed_secret,
        code: &form.code,
    };
    let result = manage::replace_authenticator(
        state.ctx(),
        &state.key,
        &staff.session,
        &staff.account,
        proof,
        new,
        origin(address),
    )
    .await;
    outcome(
        result.map(|()| "Aplicația de autentificare a fost înlocuită.".to_string()),
        "/account/security",
    )
}

#[derive(Deserialize)]
pub struct RecoveryForm {
    password: String,
    #[serde(default)]
    code: String,
}

pub async fn regenerate_recovery(
    State(state): State<AppState>,
    chrome: Chrome,
    ClientAddress(address): ClientAddress,
    CheckedForm(staff, form): CheckedForm<Staff, RecoveryForm>,
) -> Result<Response, WebError> {
    let proof = Proof {
        password: Some(&form.password),
        code: Some(form.code.trim()).filter(|c| !c.is_empty()),
    };
    let origin = origin(address);
    match manage::regenerate_recovery(state.ctx(), &state.key, &staff.account, proof, origin).await
    {
        Ok(codes) => {
            security_page(
                &state,
                &chrome.signed_in(staff.chrome_user()),
                &staff,
                Some(&codes),
            )
            .await
        }
        Err(e) => outcome(Err(e), "/account/security"),
    }
}

/// The feed's address, built from the public base URL (never the Host header).
pub fn calendar_url(base: &str, token: &str) -> String {
    format!("{base}/calendar/{token}.ics")
}

/// Renews the person's calendar address; the old one stops working.
pub async fn renew_calendar(
    State(state): State<AppState>,
    CheckedForm(staff, NoFields {}): CheckedForm<Staff, NoFields>,
) -> Result<Response, WebError> {
    let result = manage::calendar_token(state.ctx(), &state.key, &staff.account, true).await;
    outcome(
        result.map(|_| "Adresa calendarului a fost reînnoită; actualizați abonamentul.".into()),
        "/account/security",
    )
}

/// `/calendar/{token}.ics`: the person's feed; an unknown or renewed token is 404.
pub async fn calendar_feed(
    State(state): State<AppState>,
    _limit: super::throttle::Limited<super::throttle::Calendars>,
    Path(file): Path<String>,
) -> Result<Response, WebError> {
    let token = file.strip_suffix(".ics").ok_or(WebError::NotFound)?;
    let hash = crate::auth::tokens::token_hash(token);
    db::staff::by_calendar_hash(&state.db, &hash)
        .await?
        .ok_or(WebError::NotFound)?;
    let today = super::register_view::today(&state);
    let hearings = db::cases::hearings_between(
        &state.db,
        today - chrono::Duration::days(30),
        today + chrono::Duration::days(365),
        10_000,
    )
    .await?;
    let cancelled = db::cases::removed_hearings_between(
        &state.db,
        today - chrono::Duration::days(30),
        today + chrono::Duration::days(365),
    )
    .await?;
    let campaign = db::den::active_campaign(&state.db).await?;
    let mut extensions = Vec::new();
    if let Some(campaign) = &campaign {
        for (code, until) in db::den::extensions(&state.db, campaign.id).await? {
            let name = db::schools::find(&state.db, &code)
                .await?
                .map_or(code.clone(), |s| s.record.display_name().to_string());
            extensions.push(crate::views::calendar::ExtendedDeadline {
                school_code: code,
                school_name: name,
                until,
            });
        }
    }
    extensions.sort_by(|a, b| a.school_code.cmp(&b.school_code));
    let inspectorate = crate::domain::county::inspectorate_name(&state.config.county);
    let base = state.config.base_url();
    let body = crate::views::calendar::feed(crate::views::calendar::FeedView {
        inspectorate: &inspectorate,
        hearings: &hearings,
        cancelled: &cancelled,
        campaign: campaign.as_ref(),
        extensions: &extensions,
        timezone: state.config.timezone,
        base_url: &base,
    });
    let headers = [
        (
            axum::http::header::CONTENT_TYPE,
            "text/calendar; charset=utf-8",
        ),
        (axum::http::header::CACHE_CONTROL, "private, max-age=300"),
    ];
    let mut response = axum::response::IntoResponse::into_response((headers, body));
    super::chrome::no_referrer(&mut response);
    Ok(response)
}
