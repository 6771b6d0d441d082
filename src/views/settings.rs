//! Settings: the D.E.N. campaign deadline (reminder rules join it with the mail issue).

use maud::{Markup, html};

use super::den::date;
use super::layout::{Chrome, csrf_field, page as layout};
use crate::domain::den::{Campaign, DEFAULT_CAMPAIGN_TITLE};
use crate::domain::reminders::{ReminderRules, WEEKDAYS};

pub struct SettingsView<'a> {
    pub weekly: crate::domain::reminders::WeeklySchedule,
    pub campaign: Option<&'a Campaign>,
    pub rules: &'a ReminderRules,
    pub legal_email: Option<&'a str>,
    pub own_email: &'a str,
    /// The portal sync block, rendered by `views::portal`.
    pub portal: Markup,
    pub privacy: Markup,
}

pub fn page(chrome: &Chrome, view: SettingsView) -> Markup {
    let campaign = view.campaign;
    let rules = view.rules;
    let offsets = rules
        .offsets
        .iter()
        .map(|o| o.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let can_write = chrome.user.as_ref().is_some_and(|u| u.can_write);
    layout(
        chrome,
        "Setări",
        "/settings",
        html! {
            h1 { "Setări" }
            h2 { "Campania D.E.N." }
            @match campaign {
                Some(c) => p { "Campania activă: „" (c.title) "”, termen-limită " strong { (date(c.deadline)) } "." },
                None => p { "Nu există încă o campanie activă." },
            }
            @if can_write {
                form.narrow method="post" action="/settings/campaign" {
                    (csrf_field(chrome))
                    div.field {
                        label for="title" { "Titlul campaniei" }
                        input id="title" name="title" maxlength="200" value=(campaign.map_or(DEFAULT_CAMPAIGN_TITLE, |c| c.title.as_str()));
                    }
                    div.field {
                        label for="deadline" { "Termen-limită pentru constituirea contului D.E.N." }
                        input type="date" id="deadline" name="deadline" required value=(campaign.map(|c| c.deadline.format("%Y-%m-%d").to_string()).unwrap_or_default());
                    }
                    button type="submit" { "Salvează termenul" }
                }
                p.muted { "Schimbarea termenului se vede imediat în Panou și în lista unităților; prelungirile pe unitate rămân valabile dacă sunt după noul termen." }
            }
            h2 { "Memento-uri" }
            p { "Mesajele pleacă doar în zilele lucrătoare (fără sărbătorile legale), între 08:00 și 18:00, ora României; fiecare destinatar primește cel mult un rezumat pe zi. "
                "Unitățile fără dosare pe rol primesc doar cererea de confirmare a persoanei desemnate. "
                "Escaladările merg la " (view.legal_email.unwrap_or("— (ISJ_LEGAL_EMAIL nesetat)")) "." }
            @if can_write {
                form.narrow method="post" action="/settings/reminders" {
                    (csrf_field(chrome))
                    div.field { label for="offsets" { "Memento-uri cu atâtea zile înainte de termen (separate prin virgulă)" } input id="offsets" name="offsets" required value=(offsets); }
                    div.field { label for="overdue_every" { "După termen: o notificare la fiecare … zile lucrătoare" } input type="number" min="1" max="30" id="overdue_every" name="overdue_every" required value=(rules.overdue_every); }
                    div.field { label for="escalation_after" { "Escaladare la Compartimentul Juridic după … zile lucrătoare de întârziere" } input type="number" min="1" max="30" id="escalation_after" name="escalation_after" required value=(rules.escalation_after); }
                    div.field { label for="hearing_days" { "Memento pentru termenul de judecată cu … zile înainte" } input type="number" min="1" max="30" id="hearing_days" name="hearing_days" required value=(rules.hearing_days); }
                    button type="submit" { "Salvează regulile" }
                }
                form.narrow method="post" action="/settings/test-mail" {
                    (csrf_field(chrome))
                    p { "Verificați trimiterea e-mailurilor: un mesaj de test către " strong { (view.own_email) } "." }
                    button type="submit" { "Trimite un mesaj de test" }
                }
                h2 { "Raportul săptămânal" }
                form.narrow method="post" action="/settings/weekly-report" {
                    (csrf_field(chrome))
                    p { "Situația D.E.N. se scrie în dosarul de rapoarte și se trimite atașat la " (view.legal_email.unwrap_or("— (ISJ_LEGAL_EMAIL nesetat)")) "." }
                    div.field { label for="weekday" { "Ziua" } select id="weekday" name="weekday" {
                        @for (n, day) in WEEKDAYS.iter().enumerate() { option value=(n + 1) selected[view.weekly.weekday as usize == n + 1] { (day) } }
                    } }
                    div.field { label for="time" { "Ora (ora României)" } input type="time" id="time" name="time" required value=(format!("{:02}:{:02}", view.weekly.hour, view.weekly.minute)); }
                    button type="submit" { "Salvează programul" }
                }
            }
            (view.portal)
            (view.privacy)
            @if !can_write {
                p { "Zile înainte de termen: " (offsets) "; după termen, la fiecare " (rules.overdue_every) " zile lucrătoare; escaladare după " (rules.escalation_after) "; termene de judecată: cu " (rules.hearing_days) " zile înainte." }
            }
        },
    )
}
