use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use super::chrome::render;
use super::flash::outcome;
use super::session::{CheckedForm, Editor, NoFields, Staff};
use super::{AppState, WebError};
use crate::app::{self, Actor, AppError};
use crate::db;
use crate::views::layout::Chrome;

pub async fn page(
    State(state): State<AppState>,
    staff: Staff,
    chrome: Chrome,
) -> Result<Response, WebError> {
    let chrome = chrome.signed_in(staff.chrome_user());
    let snapshot = super::register_view::snapshot(&state).await?;
    let settings = db::settings::all(&state.db).await?;
    let view = crate::views::settings::SettingsView {
        weekly: settings.weekly,
        campaign: snapshot.campaign.as_ref(),
        rules: &settings.rules,
        legal_email: state.config.legal_email.as_deref(),
        own_email: &staff.account.email,
        privacy: crate::views::privacy::settings_section(
            &chrome,
            &settings.privacy,
            settings.retention_last_run,
            staff.account.role == crate::domain::staff::Role::Admin,
        ),
        portal: crate::views::portal::settings_section(
            &chrome,
            settings.portal.enabled,
            &state.config.portal.url,
            settings.portal_last_run.as_ref(),
            state.config.timezone,
        ),
    };
    Ok(render(&chrome, crate::views::settings::page(&chrome, view)))
}

#[derive(Deserialize)]
pub struct CampaignForm {
    deadline: String,
    #[serde(default)]
    title: String,
}

/// Sets the campaign deadline (and title); creates the campaign the first time.
pub async fn set_campaign(
    State(state): State<AppState>,
    CheckedForm(Editor(staff), form): CheckedForm<Editor, CampaignForm>,
) -> Result<Response, WebError> {
    let result = match crate::domain::dates::parse_text(&form.deadline) {
        Ok(deadline) => {
            let actor = Actor::Staff(staff.account.email.clone());
            app::campaign::set_deadline(state.ctx(), &actor, deadline, Some(&form.title)).await
        }
        Err(e) => Err(AppError::invalid(
            "deadline",
            format!("termenul-limită: {e}"),
        )),
    };
    let text = result.map(|c| {
        format!(
            "Termenul-limită al campaniei este acum {}.",
            c.deadline.format("%d.%m.%Y")
        )
    });
    outcome(text, "/settings")
}

#[derive(Deserialize)]
pub struct RulesForm {
    offsets: String,
    overdue_every: String,
    escalation_after: String,
    hearing_days: String,
}

/// Saves the reminder rules; queued reminders are not touched (they follow the rules that
/// decided them).
pub async fn set_reminders(
    State(state): State<AppState>,
    CheckedForm(Editor(staff), form): CheckedForm<Editor, RulesForm>,
) -> Result<Response, WebError> {
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
    let actor = Actor::Staff(staff.account.email.clone());
    let result = app::settings::set_reminder_rules(state.ctx(), &actor, rules).await;
    outcome(
        result.map(|_| "Regulile pentru memento-uri au fost salvate.".into()),
        "/settings",
    )
}

/// Queues a test mail to the signed-in person (sent at the next heartbeat, at any hour).
pub async fn test_mail(
    State(state): State<AppState>,
    CheckedForm(Editor(staff), NoFields {}): CheckedForm<Editor, NoFields>,
) -> Result<Response, WebError> {
    let inspectorate = crate::domain::county::inspectorate_name(&state.config.county);
    let domain = crate::mail::sender::sender_domain(&state.config.mail_from);
    let email = &staff.account.email;
    let result = app::outbox::queue_test_mail(state.ctx(), email, &inspectorate, &domain).await;
    let text = result.map(|()| {
        format!("Mesaj de test pus în coadă pentru {email}; pleacă în cel mult un minut (vedeți Mesaje).")
    });
    outcome(text, "/settings")
}

#[derive(Deserialize)]
pub struct WeeklyForm {
    weekday: String,
    time: String,
}

/// Changes when the weekly report goes out (local time).
pub async fn set_weekly(
    State(state): State<AppState>,
    CheckedForm(Editor(staff), form): CheckedForm<Editor, WeeklyForm>,
) -> Result<Response, WebError> {
    let weekday = form.weekday.trim().parse::<u32>().unwrap_or(0);
    let result = match chrono::NaiveTime::parse_from_str(form.time.trim(), "%H:%M") {
        Ok(time) => {
            let schedule = crate::domain::reminders::WeeklySchedule {
                weekday,
                hour: chrono::Timelike::hour(&time),
                minute: chrono::Timelike::minute(&time),
            };
            let actor = Actor::Staff(staff.account.email.clone());
            app::settings::set_weekly_schedule(state.ctx(), &actor, schedule).await
        }
        Err(_) => Err(AppError::invalid("time", "alegeți ziua și ora (HH:MM)")),
    };
    outcome(
        result.map(|_| "Programul raportului săptămânal a fost salvat.".into()),
        "/settings",
    )
}

#[derive(Deserialize)]
pub struct PortalForm {
    enabled: String,
}

/// Turns the daily portal sync on or off.
pub async fn set_portal(
    State(state): State<AppState>,
    CheckedForm(Editor(staff), form): CheckedForm<Editor, PortalForm>,
) -> Result<Response, WebError> {
    let actor = Actor::Staff(staff.account.email.clone());
    let enabled = form.enabled == "da";
    let result = app::portal::set_enabled(state.ctx(), &actor, enabled).await;
    let text = result.map(|s| {
        if s.enabled {
            "Sincronizarea cu portal.just.ro este pornită: rulează în fiecare zi lucrătoare la 06:30.".to_string()
        } else {
            "Sincronizarea cu portal.just.ro este oprită.".to_string()
        }
    });
    outcome(text, "/settings")
}
