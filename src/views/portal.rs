//! The courts' portal in the interface: discovery's suggestions, the sync's settings and the
//! last check of a case.

use chrono_tz::Tz;
use maud::{Markup, html};

use super::den::optional_date;
use super::layout::{Chrome, csrf_field, page};
use crate::domain::case_kinds::{STAGES, label};
use crate::domain::courts;
use crate::domain::portal::{CheckState, PortalCheck, RunRecord, StoredSuggestion};

/// `/cases/suggestions`: cases the portal lists with a school as a party, not in the register.
pub fn suggestions(chrome: &Chrome, list: &[StoredSuggestion]) -> Markup {
    let can_write = chrome.user.as_ref().is_some_and(|u| u.can_write);
    page(
        chrome,
        "Dosare găsite pe portal",
        "/cases",
        html! {
            p { a href="/cases" { "‹ Toate dosarele" } }
            h1 { "Dosare găsite pe portal.just.ro" }
            p { "Dosare în care o unitate a județului sau inspectoratul apare ca parte (cu denumirea exactă) și care nu sunt în registru. "
                "Acceptați-le pentru a le urmări sau respingeți-le; o sugestie respinsă nu mai revine. "
                "Căutarea rulează în prima zi lucrătoare a săptămânii, cu sincronizarea pornită (sau cu " code { "isj-tracker portal discover" } ")." }
            @if list.is_empty() {
                p.summary { "Nicio sugestie deschisă." }
            } @else {
                p.summary { @if list.len() == 1 { "1 sugestie" } @else { (list.len()) " sugestii" } }
                div.table-wrap { table {
                    caption.visually-hidden { "Sugestii de dosare" }
                    thead { tr {
                        th scope="col" { "Dosar" } th scope="col" { "Instanța" } th scope="col" { "Unitatea" }
                        th scope="col" { "Calitate" } th scope="col" { "Stadiu" } th scope="col" { "Termen următor" }
                        @if can_write { th scope="col" { "Decizie" } }
                    } }
                    tbody { @for s in list { tr {
                        td { (s.suggestion.number) br; span.muted { (s.suggestion.object.as_deref().unwrap_or("")) } }
                        td { (courts::display_name(&s.suggestion.court)) }
                        td {
                            @if s.suggestion.school_code.is_empty() {
                                "Inspectoratul (parte în dosar)"
                            } @else {
                                a href={ "/schools/" (s.suggestion.school_code) } { (s.school_name) }
                            }
                        }
                        td { (s.suggestion.role.as_deref().unwrap_or("—")) }
                        td { (s.suggestion.stage.as_deref().map(|v| label(STAGES, v)).unwrap_or_default()) }
                        td { (optional_date(s.suggestion.next_hearing)) }
                        @if can_write { td.row-actions {
                            form method="post" action={ "/cases/suggestions/" (s.id) "/accept" } {
                                (csrf_field(chrome))
                                @if s.suggestion.school_code.is_empty() {
                                    label for={ "school-" (s.id) } { "Unitatea vizată (cod SIIIR)" }
                                    input id={ "school-" (s.id) } name="school" inputmode="numeric" maxlength="10" required;
                                }
                                button type="submit" { "Acceptă" }
                            }
                            form method="post" action={ "/cases/suggestions/" (s.id) "/dismiss" } {
                                (csrf_field(chrome)) button.secondary type="submit" { "Respinge" }
                            }
                        } }
                    } } }
                } }
            }
        },
    )
}

/// The portal block of Setări.
pub fn settings_section(
    chrome: &Chrome,
    enabled: bool,
    endpoint: &str,
    last: Option<&RunRecord>,
    timezone: Tz,
) -> Markup {
    let can_write = chrome.user.as_ref().is_some_and(|u| u.can_write);
    html! {
        h2 id="portal" { "Sincronizare cu portal.just.ro" }
        p { "În fiecare zi lucrătoare la 06:30 (ora României) aplicația întreabă portalul instanțelor despre fiecare dosar pe rol: "
            "termene noi, soluții, schimbări de stadiu. Schimbările intră în rezumatul zilnic al Compartimentului Juridic. "
            "Se trimit doar numărul dosarului și instanța (iar la căutarea săptămânală, denumirea unităților)." }
        p { "Stare: " @if enabled { span.badge.badge-ok { "pornită" } } @else { span.badge.badge-muted { "oprită" } }
            " · adresa serviciului: " code { (endpoint) } }
        @match last {
            Some(run) => p {
                "Ultima rulare: " (run.started_at.with_timezone(&timezone).format("%d.%m.%Y %H:%M"))
                @if run.finished_at.is_none() { " (în curs sau întreruptă)" } @else {
                    " — verificate " (run.summary.checked) ", cu schimbări " (run.summary.changed)
                    ", negăsite " (run.summary.not_found) ", eșuate " (run.summary.failed) "."
                }
            },
            None => p { "Nu a rulat încă." },
        }
        @if let Some(run) = last { @if !run.summary.errors.is_empty() {
            ul { @for e in run.summary.errors.iter().take(10) { li { (e.case) ": " (e.error) } } }
        } }
        @if can_write {
            form.narrow method="post" action="/settings/portal" {
                (csrf_field(chrome))
                @if enabled {
                    input type="hidden" name="enabled" value="nu";
                    button.secondary type="submit" { "Oprește sincronizarea" }
                } @else {
                    input type="hidden" name="enabled" value="da";
                    button type="submit" { "Pornește sincronizarea zilnică" }
                }
            }
        }
    }
}

/// The case page's line about the portal.
pub fn check_line(check: Option<&PortalCheck>, covered: bool, timezone: Tz) -> Markup {
    html! {
        @match check {
            _ if !covered => "Instanța nu este în serviciul portal.just.ro; termenele se introduc de mână.",
            None => "Neverificat încă.",
            Some(c) => {
                "Verificat la " (c.at.with_timezone(&timezone).format("%d.%m.%Y %H:%M")) ": " (c.note)
                @if c.flagged() { " " span.badge.badge-bad { "negăsit pe portal" } }
                @else if c.state == CheckState::Failed { " " span.badge.badge-warn { "eroare la verificare" } }
            }
        }
    }
}
