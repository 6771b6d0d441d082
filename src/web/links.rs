//! `/l/{token}`: what a director does from a mail without an account. GET only shows (mail
//! scanners that open links must not use them up); POST checks, uses the link and records
//! the change with its audit row in one transaction.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::Markup;

use super::{AppState, WebError};
use crate::app::{self, AppError, links::LinkChange, links::LinkOutcome};
use crate::db::{self, DbError};
use crate::domain::links::{Link, Lookup, Purpose};
use crate::views::links as pages;

/// Refuses with 429 an address that opens too many link pages.
pub type LinkThrottled = super::throttle::Limited<super::throttle::Links>;

fn page(markup: Markup) -> Response {
    let mut response = (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        markup.into_string(),
    )
        .into_response();
    super::chrome::no_referrer(&mut response);
    response
}

fn inspectorate(state: &AppState) -> String {
    crate::domain::county::inspectorate_name(&state.config.county)
}

pub async fn show(
    State(state): State<AppState>,
    _limit: LinkThrottled,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    match app::links::lookup(&state.db, &token, state.clock.now()).await? {
        Lookup::Valid(link) => Ok(page(form(&state, &link, None).await?)),
        Lookup::Used => Ok(page(pages::used(&inspectorate(&state)))),
        Lookup::Invalid => Ok(page(pages::invalid(&inspectorate(&state)))),
    }
}

async fn form(state: &AppState, link: &Link, error: Option<&str>) -> Result<Markup, DbError> {
    let inspectorate = inspectorate(state);
    let school = db::schools::find(&state.db, &link.school_code).await?;
    let name = school.as_ref().map_or(link.school_code.clone(), |s| {
        s.record.display_name().to_string()
    });
    Ok(match link.purpose {
        Purpose::Designee => {
            let current = db::designees::current(&state.db, &link.school_code).await?;
            pages::designee_form(pages::DesigneeFormView {
                inspectorate: &inspectorate,
                school_name: &name,
                current: current.as_ref().map(|c| &c.facts),
                error,
            })
        }
        Purpose::Progress => {
            let current = db::den::procedure_of(&state.db, &link.school_code)
                .await?
                .effective_step();
            let today = super::register_view::today(state);
            let cases: Vec<_> = db::cases::of_school(&state.db, &link.school_code, today)
                .await?
                .into_iter()
                .filter(|(c, _)| c.active)
                .collect();
            let designee = db::designees::current(&state.db, &link.school_code).await?;
            pages::progress_form(pages::ProgressFormView {
                inspectorate: &inspectorate,
                school_name: &name,
                current,
                cases: &cases,
                designee: designee.as_ref().map(|d| &d.facts),
                today,
                error,
            })
        }
        Purpose::OptOut => pages::opt_out_form(&inspectorate, link.email.as_deref().unwrap_or("")),
    })
}

pub async fn act(
    State(state): State<AppState>,
    _limit: LinkThrottled,
    Path(token): Path<String>,
    axum::Form(fields): axum::Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let link = match app::links::lookup(&state.db, &token, state.clock.now()).await? {
        Lookup::Valid(link) => link,
        Lookup::Used => return Ok(page(pages::used(&inspectorate(&state)))),
        Lookup::Invalid => return Ok(page(pages::invalid(&inspectorate(&state)))),
    };
    let typed = super::session::typed_form::<HashMap<String, String>>(fields)
        .map_err(|e| AppError::invalid("form", e.to_string()));
    let result = match typed.and_then(|fields| parse(&link, &fields)) {
        Ok(change) => app::links::act(state.ctx(), &token, change).await,
        Err(e) => Err(e),
    };
    let recorded = match result {
        Ok(LinkOutcome::Done(recorded)) => recorded,
        Ok(LinkOutcome::Used) => return Ok(page(pages::used(&inspectorate(&state)))),
        Ok(LinkOutcome::Invalid) => return Ok(page(pages::invalid(&inspectorate(&state)))),
        Err(AppError::Invalid { message, .. } | AppError::Conflict(message)) => {
            return Ok(page(form(&state, &link, Some(&message)).await?));
        }
        Err(other) => return Err(other.into()),
    };
    let school = db::schools::find(&state.db, &link.school_code).await?;
    let name = school.as_ref().map_or(link.school_code.clone(), |s| {
        s.record.display_name().to_string()
    });
    let done = page(pages::done(&inspectorate(&state), &name, &recorded));
    Ok(done)
}

/// The form's fields as the change the link's purpose allows.
fn parse(link: &Link, fields: &HashMap<String, String>) -> Result<LinkChange, AppError> {
    let field = |name: &str| fields.get(name).map(String::as_str).unwrap_or_default();
    match link.purpose {
        Purpose::Designee => {
            let form = super::schools::DesigneeForm::from_fields(&field);
            Ok(LinkChange::Designee(form.facts()?))
        }
        Purpose::Progress => {
            let claim = super::schools::parse_claim(field("step"), field("on"), field("case"))?;
            let contact =
                super::schools::parse_contact(field("access_email"), field("access_phone"))?;
            Ok(LinkChange::Step {
                step: claim.step,
                on: claim.on,
                case: claim.case,
                contact: Some(contact),
            })
        }
        Purpose::OptOut => Ok(LinkChange::OptOut),
    }
}
