//! Login, second factor, logout and enrolment links.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::chrome::{no_referrer, render};
use super::session::{self, CheckedForm, NoFields, Pending, Staff};
use super::throttle::ClientAddress;
use super::{AppState, WebError};
use crate::app::AppError;
use crate::app::enrolment::{self, EnrolmentForm};
use crate::app::sign_in::{self, CodeOutcome, PasswordOutcome};
use crate::auth::{tokens, totp};
use crate::views::auth::{AuthenticatorSetup, EnrolmentView};
use crate::views::layout::{Chrome, Flash, FlashKind};

pub async fn login_page(State(state): State<AppState>, chrome: Chrome) -> Response {
    login_form(&state, &chrome, None, StatusCode::OK)
}

/// The login form with a fresh pre-session CSRF token (double-submitted in a cookie).
fn login_form(
    state: &AppState,
    chrome: &Chrome,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    let token = tokens::new_token();
    let mut response = render(chrome, crate::views::auth::login(chrome, &token, error));
    *response.status_mut() = status;
    let name = session::login_csrf_cookie_name(state.secure_cookies);
    response.headers_mut().append(
        header::SET_COOKIE,
        session::set_cookie(name, &token, state.secure_cookies),
    );
    response
}

#[derive(Deserialize)]
pub struct LoginForm {
    csrf: String,
    email: String,
    password: String,
}

pub async fn login_submit(
    State(state): State<AppState>,
    chrome: Chrome,
    ClientAddress(address): ClientAddress,
    headers: axum::http::HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, WebError> {
    let expected = session::cookie(
        &headers,
        session::login_csrf_cookie_name(state.secure_cookies),
    )
    .unwrap_or_default();
    if expected.is_empty() || !tokens::constant_time_eq(&expected, &form.csrf) {
        return Err(WebError::Forbidden);
    }
    match sign_in::check_password(state.ctx(), &form.email, &form.password, address).await? {
        PasswordOutcome::SecondFactor(new) => {
            let mut response = Redirect::to("/login/totp").into_response();
            set_session(&state, &mut response, &new.cookie);
            Ok(response)
        }
        PasswordOutcome::Rejected => Ok(login_form(
            &state,
            &chrome,
            Some("Adresa de e-mail sau parola nu sunt corecte."),
            StatusCode::UNAUTHORIZED,
        )),
    }
}

fn set_session(state: &AppState, response: &mut Response, value: &str) {
    let name = session::session_cookie_name(state.secure_cookies);
    response.headers_mut().append(
        header::SET_COOKIE,
        session::set_cookie(name, value, state.secure_cookies),
    );
}

fn clear_session(state: &AppState, response: &mut Response) {
    let name = session::session_cookie_name(state.secure_cookies);
    response.headers_mut().append(
        header::SET_COOKIE,
        session::clear_cookie(name, state.secure_cookies),
    );
}

pub async fn code_page(chrome: Chrome, pending: Pending) -> Response {
    render(
        &chrome,
        crate::views::auth::second_factor(&chrome, &pending.session.csrf_token, None),
    )
}

#[derive(Deserialize)]
pub struct CodeForm {
    csrf: String,
    code: String,
}

pub async fn code_submit(
    State(state): State<AppState>,
    chrome: Chrome,
    ClientAddress(address): ClientAddress,
    pending: Pending,
    Form(form): Form<CodeForm>,
) -> Result<Response, WebError> {
    if !tokens::constant_time_eq(&form.csrf, &pending.session.csrf_token) {
        return Err(WebError::Forbidden);
    }
    let outcome = sign_in::check_code(
        state.ctx(),
        &state.key,
        &pending.session,
        &pending.account,
        &form.code,
        address,
    )
    .await?;
    match outcome {
        CodeOutcome::LoggedIn {
            session,
            must_reenrol,
        } => {
            let mut response = if must_reenrol {
                let text = "Ați folosit un cod de rezervă. Configurați din nou aplicația de autentificare din pagina Securitate.";
                super::flash::redirect_with(
                    &Flash {
                        kind: FlashKind::Error,
                        text: text.into(),
                    },
                    "/",
                )
            } else {
                Redirect::to("/").into_response()
            };
            set_session(&state, &mut response, &session.cookie);
            Ok(response)
        }
        // A day's limit reached looks like a wrong code; the holder learns it by mail.
        CodeOutcome::Wrong | CodeOutcome::Locked => {
            let page = crate::views::auth::second_factor(
                &chrome,
                &pending.session.csrf_token,
                Some("Codul nu este corect sau a fost deja folosit."),
            );
            Ok((StatusCode::UNAUTHORIZED, render(&chrome, page)).into_response())
        }
        CodeOutcome::Restart => {
            let mut response = Redirect::to("/login").into_response();
            clear_session(&state, &mut response);
            Ok(response)
        }
    }
}

pub async fn logout(
    State(state): State<AppState>,
    CheckedForm(staff, NoFields {}): CheckedForm<Staff, NoFields>,
) -> Result<Response, WebError> {
    sign_in::logout(state.ctx(), &staff.session, &staff.account).await?;
    let mut response = Redirect::to("/login").into_response();
    clear_session(&state, &mut response);
    Ok(response)
}

pub async fn enrolment_page(
    State(state): State<AppState>,
    chrome: Chrome,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    let target = enrolment::link_target(state.ctx(), &token).await?;
    let email = target.user.as_ref().map(|u| u.email.clone());
    let setup = authenticator_setup(
        &state,
        &totp::new_secret(),
        email.as_deref().unwrap_or("administrator"),
    )?;
    enrolment_form(
        &chrome,
        &token,
        email.as_deref(),
        &setup,
        None,
        StatusCode::OK,
    )
}

/// What a page needs to show a TOTP secret for `account`.
pub(super) fn authenticator_setup(
    state: &AppState,
    secret: &[u8],
    account: &str,
) -> Result<AuthenticatorSetup, WebError> {
    let uri = totp::provisioning_uri(secret, account)
        .ok_or_else(|| WebError::Internal("otpauth".into()))?;
    Ok(AuthenticatorSetup {
        qr_svg: totp::qr_svg(&uri).ok_or_else(|| WebError::Internal("QR".into()))?,
        secret_base32: totp::secret_base32(secret),
        sealed_secret: state
            .key
            .encrypt(secret)
            .map_err(|e| WebError::Internal(e.to_string()))?,
    })
}

fn enrolment_form(
    chrome: &Chrome,
    token: &str,
    email: Option<&str>,
    setup: &AuthenticatorSetup,
    error: Option<&str>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let view = EnrolmentView {
        token,
        email,
        authenticator: setup,
        error,
    };
    let mut response = render(chrome, crate::views::auth::enrolment(chrome, view));
    *response.status_mut() = status;
    no_referrer(&mut response);
    Ok(response)
}

#[derive(Deserialize)]
pub struct EnrolmentFields {
    email: Option<String>,
    name: Option<String>,
    password: String,
    password_again: String,
    sealed_secret: String,
    code: String,
}

pub async fn enrolment_submit(
    State(state): State<AppState>,
    chrome: Chrome,
    _: super::throttle::Limited<super::throttle::Enrolments>,
    Path(token): Path<String>,
    Form(fields): Form<EnrolmentFields>,
) -> Result<Response, WebError> {
    let sealed = fields.sealed_secret.clone();
    let form = EnrolmentForm {
        email: fields.email,
        name: fields.name,
        password: fields.password,
        password_again: fields.password_again,
        sealed_secret: fields.sealed_secret,
        code: fields.code,
    };
    match enrolment::complete(state.ctx(), &state.key, &token, form).await {
        Ok(codes) => Ok(render(
            &chrome,
            crate::views::auth::recovery_codes(&chrome, &codes),
        )),
        Err(e @ (AppError::NotFound(_) | AppError::Unexpected { .. })) => Err(e.into()),
        Err(e) => {
            let target = enrolment::link_target(state.ctx(), &token).await?;
            let secret = state.key.decrypt(&sealed).map_err(|_| {
                WebError::BadRequest("Formular modificat; reîncărcați pagina.".into())
            })?;
            let email = target.user.as_ref().map(|u| u.email.clone());
            let setup =
                authenticator_setup(&state, &secret, email.as_deref().unwrap_or("administrator"))?;
            enrolment_form(
                &chrome,
                &token,
                email.as_deref(),
                &setup,
                Some(&e.to_string()),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
    }
}
