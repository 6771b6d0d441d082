use axum::Form;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use super::chrome::render;
use super::flash::redirect_with;
use super::session::{Editor, Staff};
use super::{AppState, WebError};
use crate::db::{self, DbError};
use crate::views::layout::{Chrome, Flash, FlashKind};

pub async fn page(
    State(state): State<AppState>,
    staff: Staff,
    chrome: Chrome,
) -> Result<Response, WebError> {
    let chrome = chrome.signed_in(staff.chrome_user());
    let campaign = db::den::active_campaign(&state.db).await?;
    let rules = db::settings::reminder_rules(&state.db).await?;
    let weekly = db::settings::weekly_schedule(&state.db).await?;
    let view = crate::views::settings::SettingsView {
        weekly,
        campaign: campaign.as_ref(),
        rules: &rules,
        legal_email: state.config.legal_email.as_deref(),
        own_email: &staff.account.email,
    };
    Ok(render(&chrome, crate::views::settings::page(&chrome, view)))
}

#[derive(Deserialize)]
pub struct CampaignForm {
    csrf: String,
    deadline: String,
    #[serde(default)]
    title: String,
}

/// Sets the campaign deadline (and title); creates the campaign the first time.
pub async fn set_campaign(
    State(state): State<AppState>,
    Editor(staff): Editor,
    Form(form): Form<CampaignForm>,
) -> Result<Response, WebError> {
    staff.check_csrf(&form.csrf)?;
    let error = |text: String| {
        redirect_with(
            &Flash {
                kind: FlashKind::Error,
                text,
            },
            "/settings",
        )
    };
    let deadline = match crate::domain::dates::parse_text(&form.deadline) {
        Ok(deadline) => deadline,
        Err(e) => return Ok(error(format!("Termenul-limită: {e}"))),
    };
    if deadline < super::board::today(&state) {
        return Ok(error("Termenul-limită nu poate fi în trecut.".into()));
    }
    let title: String = form.title.trim().chars().take(200).collect();
    let txn = db::begin_write(&state.db).await?;
    let campaign = db::den::set_campaign(
        &txn,
        deadline,
        Some(&title),
        &staff.account.email,
        state.clock.now(),
    )
    .await?;
    txn.commit().await.map_err(DbError::from)?;
    let text = format!(
        "Termenul-limită al campaniei este acum {}.",
        campaign.deadline.format("%d.%m.%Y")
    );
    Ok(redirect_with(
        &Flash {
            kind: FlashKind::Success,
            text,
        },
        "/settings",
    ))
}

#[derive(Deserialize)]
pub struct RulesForm {
    csrf: String,
    offsets: String,
    overdue_every: String,
    escalation_after: String,
    hearing_days: String,
}

/// Saves the reminder rules; queued reminders are not touched (they follow the rules that
/// decided them).
pub async fn set_reminders(
    State(state): State<AppState>,
    Editor(staff): Editor,
    Form(form): Form<RulesForm>,
) -> Result<Response, WebError> {
    staff.check_csrf(&form.csrf)?;
    let number = |text: &str| text.trim().parse::<i64>().unwrap_or(0);
    let offsets: Result<Vec<i64>, _> = form
        .offsets
        .split([',', ';', ' '])
        .filter(|p| !p.trim().is_empty())
        .map(|p| p.trim().parse::<i64>())
        .collect();
    let rules = crate::domain::reminders::ReminderRules {
        offsets: offsets.unwrap_or_default(),
        overdue_every: number(&form.overdue_every),
        escalation_after: number(&form.escalation_after),
        hearing_days: number(&form.hearing_days),
    };
    let rules = match rules.validated() {
        Ok(rules) => rules,
        Err(message) => {
            return Ok(redirect_with(
                &Flash {
                    kind: FlashKind::Error,
                    text: format!("Regulile nu au fost salvate: {message}."),
                },
                "/settings",
            ));
        }
    };
    let txn = db::begin_write(&state.db).await?;
    db::settings::set_reminder_rules(&txn, &rules, &staff.account.email, state.clock.now()).await?;
    txn.commit().await.map_err(DbError::from)?;
    Ok(redirect_with(
        &Flash {
            kind: FlashKind::Success,
            text: "Regulile pentru memento-uri au fost salvate.".into(),
        },
        "/settings",
    ))
}

/// Queues a test mail to the signed-in person (sent at the next heartbeat, at any hour).
pub async fn test_mail(
    State(state): State<AppState>,
    Editor(staff): Editor,
    Form(form): Form<super::session::CsrfForm>,
) -> Result<Response, WebError> {
    staff.check_csrf(&form.csrf)?;
    let now = state.clock.now();
    let content = crate::mail::content::test_mail(&crate::domain::county::inspectorate_name(
        &state.config.county,
    ));
    let key = format!("test:{}:{}", staff.account.email, now.timestamp_millis());
    let mail = db::outbox::NewMail::plain(key, "test", &staff.account.email, &content, false);
    let domain = crate::mail::sender::sender_domain(&state.config.mail_from);
    db::outbox::enqueue(&state.db, mail, &domain, now).await?;
    let text = format!(
        "Mesaj de test pus în coadă pentru {}; pleacă în cel mult un minut (vedeți Mesaje).",
        staff.account.email
    );
    Ok(redirect_with(
        &Flash {
            kind: FlashKind::Success,
            text,
        },
        "/settings",
    ))
}

#[derive(Deserialize)]
pub struct WeeklyForm {
    csrf: String,
    weekday: String,
    time: String,
}

/// Changes when the weekly report goes out (local time).
pub async fn set_weekly(
    State(state): State<AppState>,
    Editor(staff): Editor,
    Form(form): Form<WeeklyForm>,
) -> Result<Response, WebError> {
    staff.check_csrf(&form.csrf)?;
    let weekday = form
        .weekday
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|d| (1..=7).contains(d));
    let time = chrono::NaiveTime::parse_from_str(form.time.trim(), "%H:%M").ok();
    let (Some(weekday), Some(time)) = (weekday, time) else {
        return Ok(redirect_with(
            &Flash {
                kind: FlashKind::Error,
                text: "Alegeți ziua și ora (HH:MM).".into(),
            },
            "/settings",
        ));
    };
    let schedule = db::settings::WeeklySchedule {
        weekday,
        hour: chrono::Timelike::hour(&time),
        minute: chrono::Timelike::minute(&time),
    };
    let txn = db::begin_write(&state.db).await?;
    db::settings::set_weekly_schedule(&txn, &schedule, &staff.account.email, state.clock.now())
        .await?;
    txn.commit().await.map_err(DbError::from)?;
    Ok(redirect_with(
        &Flash {
            kind: FlashKind::Success,
            text: "Programul raportului săptămânal a fost salvat.".into(),
        },
        "/settings",
    ))
}
