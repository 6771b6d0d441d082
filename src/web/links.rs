//! `/l/{token}`: what a director does from a mail without an account. GET only shows (mail
//! scanners that open links must not use them up); POST checks, uses the link and records
//! the change with its audit row in one transaction.

use std::collections::HashMap;

use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::Markup;

use super::{AppState, WebError};
use crate::db::links::{Link, Lookup, Purpose};
use crate::db::{self, DbError};
use crate::domain::den::DenStep;
use crate::domain::designee::{self, DesigneeFacts};
use crate::views::links as pages;

/// Link pages per address and minute: enough for a person, too few to guess tokens.
pub const LINK_REQUESTS_PER_MINUTE: u32 = 30;

/// Refuses with 429 an address that opens too many link pages.
pub struct LinkThrottled;

impl FromRequestParts<AppState> for LinkThrottled {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let message = "Prea multe cereri. Reîncercați peste un minut.";
        super::throttle::refuse_if_over(
            &state.link_throttle,
            parts,
            &state.config.trusted_proxies,
            message,
        )?;
        Ok(LinkThrottled)
    }
}

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
    match db::links::lookup(&state.db, &token, state.clock.now()).await? {
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
            let current = db::den::current_step(&state.db, &link.school_code).await?;
            let cases: Vec<_> = db::cases::of_school(&state.db, &link.school_code)
                .await?
                .into_iter()
                .filter(|(c, _)| c.active)
                .map(|(c, _)| c)
                .collect();
            let today = super::board::today(state);
            pages::progress_form(pages::ProgressFormView {
                inspectorate: &inspectorate,
                school_name: &name,
                current,
                cases: &cases,
                today,
                error,
            })
        }
        Purpose::OptOut => pages::opt_out_form(&inspectorate, link.email.as_deref().unwrap_or("")),
    })
}

/// Who the audit trail names for changes made through a link.
const LINK_ACTOR: &str = "unitate (link din e-mail)";

pub async fn act(
    State(state): State<AppState>,
    _limit: LinkThrottled,
    Path(token): Path<String>,
    axum::Form(fields): axum::Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let now = state.clock.now();
    let link = match db::links::lookup(&state.db, &token, now).await? {
        Lookup::Valid(link) => link,
        Lookup::Used => return Ok(page(pages::used(&inspectorate(&state)))),
        Lookup::Invalid => return Ok(page(pages::invalid(&inspectorate(&state)))),
    };
    let change = match parse(&state, &link, &fields) {
        Ok(change) => change,
        Err(message) => return Ok(page(form(&state, &link, Some(&message)).await?)),
    };
    let txn = db::begin_write(&state.db).await?;
    if !db::links::consume(&txn, link.id, now).await? {
        drop(txn);
        return Ok(page(pages::used(&inspectorate(&state))));
    }
    let recorded = match apply(&txn, &link, change, now).await {
        Ok(recorded) => recorded,
        Err(ApplyError::Refused(message)) => {
            drop(txn);
            return Ok(page(form(&state, &link, Some(&message)).await?));
        }
        Err(ApplyError::Db(e)) => return Err(e.into()),
    };
    txn.commit().await.map_err(DbError::from)?;
    let school = db::schools::find(&state.db, &link.school_code).await?;
    let name = school.as_ref().map_or(link.school_code.clone(), |s| {
        s.record.display_name().to_string()
    });
    Ok(page(pages::done(&inspectorate(&state), &name, &recorded)))
}

enum Change {
    Designee(DesigneeFacts),
    Step {
        step: DenStep,
        on: chrono::NaiveDate,
        case: Option<i32>,
    },
    OptOut(String),
}

enum ApplyError {
    Refused(String),
    Db(DbError),
}

impl From<DbError> for ApplyError {
    fn from(e: DbError) -> Self {
        ApplyError::Db(e)
    }
}

fn parse(
    state: &AppState,
    link: &Link,
    fields: &HashMap<String, String>,
) -> Result<Change, String> {
    let field = |name: &str| {
        fields
            .get(name)
            .map(|v| v.trim().chars().take(200).collect::<String>())
            .filter(|v| !v.is_empty())
    };
    match link.purpose {
        Purpose::Designee => {
            let decision_date = field("decision_date")
                .map(|d| crate::domain::dates::parse_text(&d))
                .transpose()?;
            let typed = DesigneeFacts {
                full_name: field("full_name").unwrap_or_default(),
                function: field("function").unwrap_or_default(),
                decision_number: field("decision_number"),
                decision_date,
                email: field("email"),
                phone: field("phone"),
            };
            if typed.email.is_none() || typed.phone.is_none() {
                return Err("E-mailul instituțional și telefonul mobil sunt necesare pentru cererile de acces.".into());
            }
            designee::check(typed)
                .map(|(facts, _)| Change::Designee(facts))
                .map_err(|errors| {
                    errors
                        .into_iter()
                        .map(|p| p.message)
                        .collect::<Vec<_>>()
                        .join("; ")
                })
        }
        Purpose::Progress => {
            let step = field("step")
                .and_then(|s| DenStep::parse(&s))
                .ok_or("Alegeți pasul.")?;
            let on = crate::domain::dates::parse_text(&field("on").unwrap_or_default())?;
            if on > super::board::today(state) {
                return Err("Data nu poate fi în viitor.".into());
            }
            Ok(Change::Step {
                step,
                on,
                case: field("case").and_then(|c| c.parse().ok()),
            })
        }
        Purpose::OptOut => Ok(Change::OptOut(link.email.clone().unwrap_or_default())),
    }
}

async fn apply(
    txn: &sea_orm::DatabaseTransaction,
    link: &Link,
    change: Change,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<String, ApplyError> {
    let school = link.school_code.as_str();
    match change {
        Change::Designee(facts) => {
            let recorder = db::designees::Recorder {
                actor: LINK_ACTOR,
                action: "persoană desemnată (link)",
                confirmed_by: Some("link"),
                now,
            };
            let outcome = db::designees::record(txn, school, &facts, &recorder, true).await?;
            if outcome == db::designees::Recorded::Unchanged {
                db::designees::confirm_current(txn, school, &recorder).await?;
            }
            Ok(format!(
                "persoana desemnată {} ({}), {}, {}.",
                facts.full_name,
                facts.function,
                facts.email.unwrap_or_default(),
                facts.phone.unwrap_or_default()
            ))
        }
        Change::Step { step, on, case } => {
            let new = db::den::NewStep {
                school,
                step,
                on,
                source: db::den::StepSource::DirectorLink,
                actor: LINK_ACTOR,
                note: None,
                now,
            };
            match db::den::record_step(txn, new).await {
                Ok(()) => {}
                Err(db::den::StepError::Db(e)) => return Err(e.into()),
                Err(refused) => return Err(ApplyError::Refused(refused.to_string())),
            }
            if let Some(case) = case {
                db::cases::record_access(txn, case, school, step, on, now).await?;
            }
            Ok(format!("{} la {}.", step.label(), on.format("%d.%m.%Y")))
        }
        Change::OptOut(email) => {
            db::settings::opt_out(txn, &email, now).await?;
            Ok(format!(
                "adresa {email} nu mai primește memento-uri despre termenele de judecată."
            ))
        }
    }
}
