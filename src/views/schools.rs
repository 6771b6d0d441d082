use maud::{Markup, html};

use super::layout::{Chrome, page};
use chrono::NaiveDate;
use chrono_tz::Tz;

use super::changes::ChangeLine;
use super::den::{date, optional_date, status_badge};
use super::format_datetime;
use super::layout::csrf_field;
use crate::domain::board::BoardRow;
use crate::domain::case_import::{LinkFacts, side};
use crate::domain::case_kinds::{STAGES, label};
use crate::domain::cases::StoredCase;
use crate::domain::courts;
use crate::domain::den::{Campaign, Extension, StepRecord};
use crate::domain::den::{DenStatus, StatusKind};
use crate::domain::den::{DenStep, StepRefusal};
use crate::domain::designee::StoredDesignee;
use crate::domain::designee::{DesigneeFacts, FUNCTIONS, OTHER_FUNCTION};
use crate::domain::register::SchoolEntry;
use crate::domain::school::SchoolRecord;
use crate::domain::school::{ActiveFilter, SchoolFilter, StoredSchool, UnitStatus};

/// One line of the school list, from the database or from the campaign board.
pub struct SchoolListRow {
    pub code: String,
    pub name: String,
    pub unit_status: String,
    pub locality: Option<String>,
    pub area: Option<String>,
    pub active: bool,
    /// PJ only: the D.E.N. status (`None` inside while no campaign is set) and the designee.
    pub den: Option<(Option<DenStatus>, Option<String>)>,
}

pub struct SchoolListView<'a> {
    pub rows: &'a [SchoolListRow],
    pub total: u64,
    pub page: u64,
    pub pages: u64,
    pub filter: &'a SchoolListFilter,
    pub localities: &'a [String],
}

/// The list's filters as the form and the links carry them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SchoolListFilter {
    pub schools: SchoolFilter,
    pub den_status: Option<StatusKind>,
    pub with_cases: bool,
}

pub fn list(chrome: &Chrome, view: SchoolListView) -> Markup {
    let filter = view.filter;
    page(
        chrome,
        "Unități de învățământ",
        "/schools",
        html! {
            h1 { "Unități de învățământ" }
            (status_chips(filter))
            (filter_form(filter, view.localities))
            p.summary {
                (super::format_count(view.total)) " unități găsite"
                @if filter.den_status.is_some() || filter.with_cases { " · " a href={ "/reports/den-status.xlsx?" (query_string(filter, 1)) } { "descarcă situația D.E.N. a acestor unități (xlsx)" } }
            }
            @if view.rows.is_empty() {
                p { "Nicio unitate nu corespunde căutării. Importați rețeaua școlară din pagina " a href="/imports" { "Importuri" } "." }
            } @else {
                div.table-wrap {
                    table {
                        caption.visually-hidden { "Lista unităților" }
                        thead { tr {
                            th scope="col" { "Cod SIIIR" }
                            th scope="col" { "Denumire" }
                            th.optional scope="col" { "Statut" }
                            th scope="col" { "Localitate" }
                            th.optional scope="col" { "Mediu" }
                            th scope="col" { "Situație D.E.N." }
                            th.optional scope="col" { "Persoana desemnată" }
                        } }
                        tbody {
                            @for school in view.rows { (row(school)) }
                        }
                    }
                }
                (pagination(&view, filter))
            }
        },
    )
}

fn row(school: &SchoolListRow) -> Markup {
    html! {
        tr {
            td { code { (school.code) } }
            td { a href={ "/schools/" (school.code) } { (school.name) } " " @if !school.active { (active_badge(false)) } }
            td.optional { (status_label(&school.unit_status)) }
            td { (school.locality.as_deref().unwrap_or("")) }
            td.optional { (school.area.as_deref().unwrap_or("")) }
            td { @if let Some((status, _)) = &school.den { (status_badge(*status)) } @else { span.muted { "vezi unitatea PJ" } } }
            td.optional { @if let Some((_, Some(designee))) = &school.den { (designee) } }
        }
    }
}

fn status_chips(filter: &SchoolListFilter) -> Markup {
    html! {
        nav aria-label="Situație D.E.N." {
            ul.chips {
                li { a href="/schools" aria-current=(filter.den_status.is_none() && !filter.with_cases) { "Toate" } }
                li { a href="/schools?dosare=da" aria-current=(filter.with_cases && filter.den_status.is_none()) { "Cu dosare pe rol" } }
                @for kind in StatusKind::ALL {
                    li { a class={ "st-" (kind.slug()) } href={ "/schools?stare=" (kind.slug()) } aria-current=(filter.den_status == Some(kind)) { (kind.label()) } }
                }
            }
        }
    }
}

fn status_label(status: &str) -> &'static str {
    if UnitStatus::parse(status) == Some(UnitStatus::Pj) {
        "PJ (personalitate juridică)"
    } else {
        "AR (structură arondată)"
    }
}

fn active_badge(active: bool) -> Markup {
    html! {
        @if active { span.badge.badge-ok { "activă" } } @else { span.badge.badge-muted { "inactivă" } }
    }
}

fn filter_form(list_filter: &SchoolListFilter, localities: &[String]) -> Markup {
    let filter = &list_filter.schools;
    let den_options: Vec<(&str, &str)> = std::iter::once(("", "oricare"))
        .chain(StatusKind::ALL.iter().map(|k| (k.slug(), k.label())))
        .collect();
    let locality_options: Vec<(&str, &str)> = std::iter::once(("", "toate"))
        .chain(localities.iter().map(|l| (l.as_str(), l.as_str())))
        .collect();
    html! {
        form.filters method="get" action="/schools" role="search" {
            div.field.field-wide {
                label for="q" { "Caută (denumire, localitate sau cod; diacriticele sunt opționale)" }
                input type="search" id="q" name="q" value=(filter.query.as_deref().unwrap_or(""));
            }
            @if localities.len() <= MAX_LOCALITY_OPTIONS {
                (select_field("locality", "Localitate", &locality_options, filter.locality.as_deref().unwrap_or("")))
            } @else {
                div.field {
                    label for="locality" { "Localitate (exact, ca în SIIIR)" }
                    input type="text" id="locality" name="locality" value=(filter.locality.as_deref().unwrap_or(""));
                }
            }
            (select_field("area", "Mediu", &[("", "oricare"), ("URBAN", "urban"), ("RURAL", "rural")], filter.area.as_deref().unwrap_or("")))
            (select_field("status", "Statut", &[("", "PJ și AR"), ("PJ", "doar PJ"), ("AR", "doar AR")], filter.status.as_deref().unwrap_or("")))
            (select_field("active", "În rețea", &[("activ", "active"), ("inactiv", "inactive"), ("toate", "toate")], active_param(filter.active)))
            (select_field("stare", "Situație D.E.N.", &den_options, list_filter.den_status.map_or("", StatusKind::slug)))
            (select_field("dosare", "Dosare", &[("", "cu sau fără"), ("da", "doar cu dosare pe rol")], if list_filter.with_cases { "da" } else { "" }))
            button type="submit" { "Filtrează" }
        }
    }
}

/// A county has under a hundred localities; a national base has thousands, too many for a
/// drop-down sent with every page.
const MAX_LOCALITY_OPTIONS: usize = 400;

/// A labelled drop-down; `options` are (value, label).
fn select_field(name: &str, label: &str, options: &[(&str, &str)], current: &str) -> Markup {
    html! {
        div.field {
            label for=(name) { (label) }
            select id=(name) name=(name) {
                @for (value, text) in options {
                    option value=(value) selected[*value == current] { (text) }
                }
            }
        }
    }
}

fn active_param(active: ActiveFilter) -> &'static str {
    match active {
        ActiveFilter::Active => "activ",
        ActiveFilter::Inactive => "inactiv",
        ActiveFilter::All => "toate",
    }
}

/// Query string of a filter, for pagination links.
fn query_string(list_filter: &SchoolListFilter, page: u64) -> String {
    let filter = &list_filter.schools;
    let mut pairs: Vec<(&str, String)> = Vec::new();
    if let Some(kind) = list_filter.den_status {
        pairs.push(("stare", kind.slug().to_string()));
    }
    if list_filter.with_cases {
        pairs.push(("dosare", "da".to_string()));
    }
    let optional = [
        ("q", &filter.query),
        ("locality", &filter.locality),
        ("area", &filter.area),
        ("status", &filter.status),
    ];
    for (key, value) in optional {
        if let Some(value) = value {
            pairs.push((key, value.clone()));
        }
    }
    pairs.push(("active", active_param(filter.active).into()));
    pairs.push(("page", page.to_string()));
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", super::percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn pagination(result: &SchoolListView, filter: &SchoolListFilter) -> Markup {
    html! {
        @if result.pages > 1 {
            nav.pagination aria-label="Pagini" {
                @if result.page > 1 {
                    a rel="prev" href={ "/schools?" (query_string(filter, result.page - 1)) } { "‹ Pagina anterioară" }
                }
                span { "Pagina " (result.page) " din " (result.pages) }
                @if result.page < result.pages {
                    a rel="next" href={ "/schools?" (query_string(filter, result.page + 1)) } { "Pagina următoare ›" }
                }
            }
        }
    }
}

pub struct SchoolDetailView<'a> {
    pub school: &'a StoredSchool,
    pub parent: Option<&'a SchoolEntry>,
    pub units: &'a [&'a SchoolEntry],
    pub updated_at: String,
    pub board: Option<&'a BoardRow>,
    pub campaign: Option<&'a Campaign>,
    pub extension: Option<&'a Extension>,
    /// Newest first; the current one has no end date.
    pub designees: &'a [StoredDesignee],
    pub steps: &'a [StepRecord],
    /// Recorded steps whose premise is missing, with what is missing.
    pub gaps: &'a [(DenStep, StepRefusal)],
    /// The current designee's criminal-record certificate, if recorded.
    pub cazier: Option<&'a crate::domain::designee::CazierEvidence>,
    pub cases: &'a [(StoredCase, LinkFacts)],
    pub history: &'a [ChangeLine],
    /// Mail about this school, newest first.
    pub mails: &'a [crate::domain::outbox::OutboxRow],
    pub today: NaiveDate,
    pub timezone: Tz,
}

pub fn detail(chrome: &Chrome, view: SchoolDetailView) -> Markup {
    let r = &view.school.record;
    let can_write = chrome.user.as_ref().is_some_and(|u| u.can_write);
    page(
        chrome,
        r.display_name(),
        "/schools",
        html! {
            p { a href="/schools" { "‹ Toate unitățile" } }
            h1 { (r.display_name()) " " (active_badge(view.school.active)) }
            @if let Some(parent) = view.parent {
                p { "Structură arondată la "
                    a href={ "/schools/" (parent.code) } { (parent.name) } " (" (parent.code) "). "
                    "Dosarele, persoana desemnată și contul D.E.N. se țin la unitatea PJ." }
            }
            @if let Some(row) = view.board {
                (den_summary(&view, row))
                (designee_section(&view))
                (timeline(&view))
                (cases_section(view.cases))
                @if can_write { (action_forms(chrome, &view, row)) }
            }
            h2 { "Date de identificare" }
            (identity_card(r, &view.updated_at))
            @if r.is_pj() {
                h2 { "Structuri arondate (" (view.units.len()) ")" }
                @if view.units.is_empty() {
                    p { "Unitatea nu are structuri arondate." }
                } @else {
                    ul.units {
                        @for unit in view.units {
                            li {
                                a href={ "/schools/" (unit.code) } { (unit.name) }
                                " — " (unit.locality.as_deref().unwrap_or("")) " "
                                @if !unit.active { (active_badge(false)) }
                            }
                        }
                    }
                }
            }
            @if !view.mails.is_empty() {
                h2 { "Mesaje trimise (" (view.mails.len()) ")" }
                div.table-wrap { table {
                    thead { tr { th scope="col" { "Creat" } th scope="col" { "Către" } th scope="col" { "Subiect" } th scope="col" { "Stare" } } }
                    tbody { @for mail in view.mails { tr {
                        td { (format_datetime(mail.created_at, view.timezone)) }
                        td { (mail.recipient) }
                        td { (mail.subject) }
                        td { (mail.status.label()) }
                    } } }
                } }
            }
            (super::changes::history(view.history, &format!("/audit?unitate={}", view.school.record.code)))
        },
    )
}

fn den_summary(view: &SchoolDetailView, row: &BoardRow) -> Markup {
    let active: Vec<&(StoredCase, LinkFacts)> =
        view.cases.iter().filter(|(c, _)| c.active).collect();
    // The D.E.N. rules' own reading: a refused request does not stand.
    let requested = active
        .iter()
        .filter(|(c, l)| c.access(l).requested())
        .count();
    let approved = active
        .iter()
        .filter(|(c, l)| c.access(l).approved().is_some())
        .count();
    let designee = view
        .designees
        .iter()
        .find(|d| d.valid_to.is_none())
        .map(|d| &d.facts);
    let mismatches: Vec<(&str, String)> = view
        .cases
        .iter()
        .filter_map(|(case, link)| {
            crate::domain::designee::contact_mismatch(&link.declared(), designee)
                .map(|m| (case.number.as_str(), m))
        })
        .collect();
    html! {
        h2 { "Situația contului D.E.N." }
        dl.card {
            dt { "Situație" } dd { (status_badge(row.status)) }
            dt { "Pas curent" } dd { (row.school.step.label()) @if let Some(on) = row.school.step_on { " (" (date(on)) ")" } }
            dt { "Dosare pe rol" } dd { (row.school.active_cases) }
            dt { "Acces electronic" } dd { (requested) " din " (active.len()) " dosare pe rol cu cerere de acces, " (approved) " cu acces aprobat" }
            @if let Some(due) = row.due { dt { "Termen" } dd { (date(due)) } }
            @if let Some(extension) = view.extension {
                dt { "Prelungire" } dd { "până la " (date(extension.until)) " — " (extension.reason) " (" (extension.recorded_by) ")" }
            }
            @if view.campaign.is_none() { dt { "Campanie" } dd { "nicio campanie activă" } }
        }
        @for (number, mismatch) in &mismatches {
            p.flash.flash-error role="note" { "Dosarul " (number) ": " (mismatch) "." }
        }
        @for (step, missing) in view.gaps {
            p.flash.flash-error role="note" {
                "Pasul „" (step.label()) "” este înregistrat, dar nu contează: " (missing) "."
            }
        }
    }
}

fn designee_section(view: &SchoolDetailView) -> Markup {
    let current = view.designees.iter().find(|d| d.valid_to.is_none());
    let previous = view
        .designees
        .iter()
        .filter(|d| d.valid_to.is_some())
        .count();
    let tz = view.timezone;
    html! {
        h2 { "Persoana desemnată" }
        @match current {
            Some(d) => dl.card {
                dt { "Nume" } dd { (d.facts.full_name) }
                dt { "Funcția" } dd { (d.facts.function) }
                dt { "Decizie internă" } dd { (decision(&d.facts)) }
                dt { "E-mail" } dd { (d.facts.email.as_deref().unwrap_or("—")) }
                dt { "Telefon mobil" } dd { (d.facts.phone.as_deref().unwrap_or("—")) }
                dt { "Confirmare" } dd {
                    @match (d.confirmed_at, d.confirmed_by.as_deref()) {
                        (Some(at), Some("link")) => { "confirmată de unitate la " (format_datetime(at, tz)) }
                        (Some(at), _) => { "înregistrată de " (d.recorded_by) " la " (format_datetime(at, tz)) }
                        _ => span.badge.badge-bad { "neconfirmată de unitate" },
                    }
                }
                dt { "Cazier judiciar" } dd {
                    @match view.cazier {
                        Some(c) => {
                            "nr. " (c.number) ", eliberat la " (date(c.issued_on)) ", valabil până la " (date(c.valid_until))
                            @if c.valid_until < view.today { " " span.badge.badge-bad { "expirat" } }
                            @else if (c.valid_until - view.today).num_days() <= crate::domain::designee::CAZIER_REMINDER_DAYS { " " span.badge.badge-bad { "expiră curând" } }
                        }
                        None => span.muted { "neînregistrat (opțional)" },
                    }
                }
            },
            None => p { "Unitatea nu a comunicat încă persoana desemnată." },
        }
        @if let Some(at) = view.designees.iter().filter_map(|d| d.anonymised_at).max() {
            p.muted { "Date anonimizate la " (date(crate::domain::calendar::local_date(at, tz))) " (după regula de păstrare din Setări sau la cererea persoanei; detalii în Istoric modificări)." }
        }
        @if previous > 0 {
            details {
                summary { "Persoane desemnate anterior (" (previous) ")" }
                div.table-wrap { table {
                    thead { tr { th scope="col" { "Nume" } th scope="col" { "Funcția" } th scope="col" { "Decizie" } th scope="col" { "Între" } } }
                    tbody { @for d in view.designees.iter().filter(|d| d.valid_to.is_some()) { tr {
                        @match d.anonymised_at {
                            Some(at) => td colspan="3" { span.muted { "date anonimizate la " (date(crate::domain::calendar::local_date(at, tz))) } },
                            None => { td { (d.facts.full_name) } td { (d.facts.function) } td { (decision(&d.facts)) } },
                        }
                        td { (format_datetime(d.valid_from, tz)) " – " (d.valid_to.map(|t| format_datetime(t, tz)).unwrap_or_default()) }
                    } } }
                } }
            }
        }
    }
}

fn decision(facts: &DesigneeFacts) -> String {
    match (&facts.decision_number, facts.decision_date) {
        (Some(n), Some(d)) => format!("nr. {n} din {}", date(d)),
        (Some(n), None) => format!("nr. {n}"),
        (None, Some(d)) => format!("din {}", date(d)),
        (None, None) => "—".into(),
    }
}

fn timeline(view: &SchoolDetailView) -> Markup {
    html! {
        h2 { "Pașii spre contul D.E.N." }
        @if view.steps.is_empty() {
            p { "Niciun pas înregistrat." }
        } @else {
            ol.timeline {
                @for step in view.steps {
                    li {
                        strong { (date(step.on)) " — " (step.step.label()) }
                        br;
                        span.muted { "înregistrat de " (step.recorded_by) " (" (step.source.label()) "), " (format_datetime(step.recorded_at, view.timezone)) }
                        @if let Some(note) = &step.note { br; (note) }
                    }
                }
            }
        }
    }
}

fn cases_section(cases: &[(StoredCase, LinkFacts)]) -> Markup {
    html! {
        h2 { "Dosare (" (cases.len()) ")" }
        @if cases.is_empty() {
            p { "Niciun dosar înregistrat pentru unitate." }
        } @else {
            div.table-wrap { table {
                thead { tr {
                    th scope="col" { "Dosar" } th scope="col" { "Instanța" } th scope="col" { "Calitate procesuală" } th scope="col" { "Stadiu" }
                    th scope="col" { "Termen următor" } th scope="col" { "Cerere acces" } th scope="col" { "Acces aprobat" }
                } }
                tbody { @for (case, link) in cases { tr {
                    td { a href={ "/cases/" (case.id) } { (case.number) } @if !case.active { " " span.badge.badge-muted { "închis" } } }
                    td { (courts::display_name(&case.court)) }
                    td { (link.role.as_deref().unwrap_or("—")) @if let Some(side) = link.role.as_deref().and_then(side) { span.muted { " (" (side) ")" } } }
                    td { (case.facts.stage.as_deref().map(|s| label(STAGES, s)).unwrap_or_default()) }
                    td { (optional_date(case.facts.next_hearing)) }
                    td { (optional_date(link.access_requested_on)) }
                    td { (optional_date(link.access_approved_on)) }
                } } }
            } }
        }
    }
}

fn action_forms(chrome: &Chrome, view: &SchoolDetailView, row: &BoardRow) -> Markup {
    let code = &view.school.record.code;
    let access: Vec<_> = view.cases.iter().map(|(c, l)| c.access(l)).collect();
    let next_steps = crate::domain::den::offered_steps(row.school.step, &access);
    let today = view.today.format("%Y-%m-%d").to_string();
    let current = view
        .designees
        .iter()
        .find(|d| d.valid_to.is_none())
        .map(|d| &d.facts);
    let value = |f: fn(&DesigneeFacts) -> Option<String>| current.and_then(f).unwrap_or_default();
    html! {
        h2 { "Acțiuni" }
        div.actions {
            @if !next_steps.is_empty() {
                form method="post" action={ "/schools/" (code) "/step" } {
                    h3 { "Înregistrează un pas" }
                    (csrf_field(chrome))
                    label for="step" { "Pasul" }
                    select id="step" name="step" { @for step in &next_steps { option value=(step.as_str()) { (step.label()) } } }
                    @if !view.cases.is_empty() {
                        label for="case" { "Dosarul (pentru cererea sau aprobarea accesului)" }
                        select id="case" name="case" {
                            option value="" { "—" }
                            @for (case, _) in view.cases { option value=(case.id) { (case.number) " — " (courts::display_name(&case.court)) } }
                        }
                        label for="access_email" { "E-mail declarat în cererea de acces" }
                        input type="email" id="access_email" name="access_email" maxlength="200" value=(value(|f| f.email.clone()));
                        label for="access_phone" { "Telefon mobil declarat în cerere" }
                        input type="tel" id="access_phone" name="access_phone" maxlength="30" value=(value(|f| f.phone.clone()));
                    }
                    label for="on" { "Data" }
                    input type="date" id="on" name="on" value=(today) max=(today) required;
                    label for="note" { "Notă (dovadă, număr de înregistrare)" }
                    textarea id="note" name="note" rows="2" maxlength="1000" {}
                    button type="submit" { "Înregistrează pasul" }
                }
            }
            form method="post" action={ "/schools/" (code) "/designee" } {
                h3 { @if current.is_some() { "Înlocuiește persoana desemnată" } @else { "Persoana desemnată" } }
                (csrf_field(chrome))
                label for="full_name" { "Nume și prenume" }
                input id="full_name" name="full_name" required maxlength="200" value=(value(|f| Some(f.full_name.clone())));
                label for="function" { "Funcția" }
                select id="function" name="function" {
                    @for function in FUNCTIONS { option value=(function) selected[current.is_some_and(|f| f.function == *function || (*function == OTHER_FUNCTION && f.function.starts_with(OTHER_FUNCTION)))] { (function) } }
                }
                label for="function_other" { "Dacă «altă funcție», care anume" }
                input id="function_other" name="function_other" maxlength="100" value=(current.and_then(|f| f.function.strip_prefix("altă funcție: ")).unwrap_or(""));
                label for="decision_number" { "Decizie internă nr." }
                input id="decision_number" name="decision_number" maxlength="50" value=(value(|f| f.decision_number.clone()));
                label for="decision_date" { "din data" }
                input type="date" id="decision_date" name="decision_date" value=(value(|f| f.decision_date.map(|d| d.format("%Y-%m-%d").to_string())));
                label for="email" { "E-mail instituțional" }
                input type="email" id="email" name="email" required maxlength="200" value=(value(|f| f.email.clone()));
                label for="phone" { "Telefon mobil" }
                input type="tel" id="phone" name="phone" required maxlength="30" value=(value(|f| f.phone.clone()));
                button type="submit" { "Salvează persoana desemnată" }
            }
            @if current.is_some() {
                form method="post" action={ "/schools/" (code) "/cazier" } {
                    h3 { "Cazierul judiciar al persoanei desemnate" }
                    (csrf_field(chrome))
                    p.muted { "Doar numărul certificatului și data eliberării (valabil 6 luni). Nu se păstrează CNP-ul și nici documentul." }
                    label for="certificate_number" { "Numărul certificatului" }
                    input id="certificate_number" name="certificate_number" required maxlength="40" autocomplete="off";
                    label for="issued_on" { "Eliberat la" }
                    input type="date" id="issued_on" name="issued_on" required max=(today);
                    button type="submit" { "Salvează" }
                }
            }
            @if let Some(campaign) = view.campaign {
                form method="post" action={ "/schools/" (code) "/extension" } {
                    h3 { "Prelungește termenul" }
                    (csrf_field(chrome))
                    p.muted { "Termenul campaniei: " (date(campaign.deadline)) }
                    label for="until" { "Noul termen" }
                    input type="date" id="until" name="until" required min=((campaign.deadline + chrono::Duration::days(1)).format("%Y-%m-%d").to_string());
                    label for="reason" { "Motivul" }
                    textarea id="reason" name="reason" rows="2" required maxlength="1000" {}
                    button type="submit" { "Prelungește" }
                }
                @if let Some(extension) = view.extension {
                    form method="post" action={ "/schools/" (code) "/extension/withdraw" } {
                        h3 { "Retrage prelungirea" }
                        (csrf_field(chrome))
                        p.muted { "Prelungirea până la " (date(extension.until)) " se retrage; se aplică din nou termenul campaniei." }
                        button.danger type="submit" { "Retrage prelungirea" }
                    }
                }
            }
        }
    }
}

fn identity_card(r: &SchoolRecord, updated_at: &str) -> Markup {
    let address = [
        r.street.as_deref(),
        r.street_number.as_deref(),
        r.locality.as_deref(),
        r.postal_code.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ");
    let rows: Vec<(&str, String)> = vec![
        ("Cod SIIIR", r.code.clone()),
        ("Statut", status_label(&r.status).to_string()),
        ("Cod SIIIR PJ", r.pj_code.clone()),
        ("Denumire scurtă", r.short_name.clone().unwrap_or_default()),
        ("Tip unitate", r.unit_type.clone().unwrap_or_default()),
        (
            "Județ",
            r.county
                .as_deref()
                .map(|c| {
                    crate::domain::county::county_name(c)
                        .unwrap_or(c)
                        .to_string()
                })
                .unwrap_or_default(),
        ),
        ("Localitate", r.locality.clone().unwrap_or_default()),
        ("Mediu", r.area.clone().unwrap_or_default()),
        ("Cod SIRUTA", r.siruta.clone().unwrap_or_default()),
        ("Cod fiscal", r.cif.clone().unwrap_or_default()),
        ("Adresă", address),
        ("Telefon", r.phone.clone().unwrap_or_default()),
        ("Fax", r.fax.clone().unwrap_or_default()),
        ("E-mail oficial", r.email.clone().unwrap_or_default()),
        (
            "Forma de proprietate",
            r.ownership.clone().unwrap_or_default(),
        ),
        ("Forma de finanțare", r.funding.clone().unwrap_or_default()),
        (
            "An școlar (ultimul import)",
            r.school_year.clone().unwrap_or_default(),
        ),
        ("Actualizat la", updated_at.to_string()),
    ];
    html! {
        dl.card {
            @for (label, value) in rows {
                @if !value.is_empty() {
                    dt { (label) }
                    dd { (value) }
                }
            }
        }
    }
}
