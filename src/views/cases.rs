//! Court cases: the filtered list and one case with its schools.

use chrono_tz::Tz;
use maud::{Markup, html};

use super::changes::ChangeLine;
use super::den::{date, optional_date};
use super::layout::{Chrome, csrf_field, page};
use crate::domain::case_import::side;
use crate::domain::case_kinds::{CATEGORIES, STAGES, label};
use crate::domain::cases::{CaseFilter, CaseLink, CasePage, Hearing, HearingRecord, StoredCase};
use crate::domain::courts;

pub struct CaseListView<'a> {
    pub page: &'a CasePage,
    pub filter: &'a CaseFilter,
    pub courts: &'a [String],
    pub stages: &'a [String],
    pub categories: &'a [String],
}

pub fn list(chrome: &Chrome, view: CaseListView) -> Markup {
    let filter = view.filter;
    let option_list = |values: &[String], current: &Option<String>, name: fn(&str) -> String| {
        html! {
            option value="" { "toate" }
            @for value in values { option value=(value) selected[current.as_deref() == Some(value.as_str())] { (name(value)) } }
        }
    };
    page(
        chrome,
        "Dosare",
        "/cases",
        html! {
            h1 { "Dosare" }
            p {
                @if chrome.user.as_ref().is_some_and(|u| u.can_write) { a href="/cases/new" { "+ Adaugă un dosar" } " · " }
                a href="/cases/suggestions" { "Dosare găsite pe portal.just.ro" }
            }
            form.filters method="get" action="/cases" {
                div.field.field-wide { label for="q" { "Caută (număr dosar, obiect, unitate, cod SIIIR)" } input type="search" id="q" name="q" maxlength="100" value=(filter.query.as_deref().unwrap_or("")); }
                div.field { label for="court" { "Instanța" } select id="court" name="court" { (option_list(view.courts, &filter.court, courts::display_name)) } }
                div.field { label for="stage" { "Stadiu procesual" } select id="stage" name="stage" { (option_list(view.stages, &filter.stage, |s| label(STAGES, s))) } }
                div.field { label for="category" { "Materie" } select id="category" name="category" { (option_list(view.categories, &filter.category, |c| label(CATEGORIES, c))) } }
                div.field { label for="school" { "Cod SIIIR unitate" } input id="school" name="school" inputmode="numeric" maxlength="10" value=(filter.school.as_deref().unwrap_or("")); }
                div.field { label for="from" { "Termen de la" } input type="date" id="from" name="from" value=(iso(filter.hearing_from)); }
                div.field { label for="to" { "până la" } input type="date" id="to" name="to" value=(iso(filter.hearing_to)); }
                div.field { label for="closed" { "Închise" } select id="closed" name="closed" {
                    option value="" { "doar dosarele pe rol" } option value="da" selected[filter.include_closed] { "și dosarele închise" }
                } }
                button type="submit" { "Filtrează" }
            }
            p.summary {
                (super::format_count(view.page.total)) " dosare găsite · "
                a href={ "/reports/cases.xlsx?" (query(filter, 1)) } { "descarcă lista (xlsx)" }
            }
            @if !view.page.cases.is_empty() {
                div.table-wrap { table {
                    caption.visually-hidden { "Lista dosarelor" }
                    thead { tr {
                        th scope="col" { "Număr dosar" } th scope="col" { "Instanța" } th scope="col" { "Materie / stadiu" }
                        th.optional scope="col" { "Obiect" } th scope="col" { "Termen următor" } th scope="col" { "Unități (calitate)" }
                    } }
                    tbody { @for (case, links) in &view.page.cases { tr {
                        td { a href={ "/cases/" (case.id) } { (case.number) } @if !case.active { " " span.badge.badge-muted { "închis" } } }
                        td { (courts::display_name(&case.court)) }
                        td { (kinds(case)) }
                        td.optional { (case.facts.object.as_deref().unwrap_or("")) }
                        td { (optional_date(case.facts.next_hearing)) }
                        td { @for (i, link) in links.iter().enumerate() {
                            @if i > 0 { br; }
                            a href={ "/schools/" (link.school_code) } { (link.school_name) }
                            @if let Some(role) = &link.facts.role { " (" (role) ")" }
                        } }
                    } } }
                } }
                @if view.page.pages > 1 {
                    nav.pagination aria-label="Pagini" {
                        @if view.page.page > 1 { a rel="prev" href={ "/cases?" (query(filter, view.page.page - 1)) } { "‹ Pagina anterioară" } }
                        span { "Pagina " (view.page.page) " din " (view.page.pages) }
                        @if view.page.page < view.page.pages { a rel="next" href={ "/cases?" (query(filter, view.page.page + 1)) } { "Pagina următoare ›" } }
                    }
                }
            }
        },
    )
}

fn kinds(case: &StoredCase) -> String {
    let category = case.facts.category.as_deref().map(|c| label(CATEGORIES, c));
    let stage = case.facts.stage.as_deref().map(|s| label(STAGES, s));
    [category, stage]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" / ")
}

fn iso(day: Option<chrono::NaiveDate>) -> String {
    day.map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

fn query(filter: &CaseFilter, page: u64) -> String {
    let from = iso(filter.hearing_from);
    let to = iso(filter.hearing_to);
    let pairs = [
        ("q", filter.query.as_deref()),
        ("court", filter.court.as_deref()),
        ("stage", filter.stage.as_deref()),
        ("category", filter.category.as_deref()),
        ("school", filter.school.as_deref()),
        ("from", Some(from.as_str()).filter(|s| !s.is_empty())),
        ("to", Some(to.as_str()).filter(|s| !s.is_empty())),
        ("closed", filter.include_closed.then_some("da")),
    ];
    let mut out: Vec<String> = pairs
        .iter()
        .filter_map(|(k, v)| v.map(|v| format!("{k}={}", super::percent_encode(v))))
        .collect();
    out.push(format!("page={page}"));
    out.join("&")
}

pub struct CaseDetailView<'a> {
    pub case: &'a StoredCase,
    pub links: &'a [CaseLink],
    /// Newest first.
    pub hearings: &'a [HearingRecord],
    /// Per school: how the contact its access request declared differs from its designee's.
    pub mismatches: &'a std::collections::HashMap<String, String>,
    pub today: chrono::NaiveDate,
    pub history: &'a [ChangeLine],
    pub timezone: Tz,
    /// The last portal check, rendered by `views::portal`.
    pub portal: Markup,
}

pub fn detail(chrome: &Chrome, view: CaseDetailView) -> Markup {
    let case = view.case;
    let can_write = chrome.user.as_ref().is_some_and(|u| u.can_write);
    page(
        chrome,
        &format!("Dosar {}", case.number),
        "/cases",
        html! {
            p { a href="/cases" { "‹ Toate dosarele" } }
            h1 { "Dosarul " (case.number) @if !case.active { " " span.badge.badge-muted { "închis" } } }
            dl.card {
                dt { "Instanța" } dd { (courts::display_name(&case.court)) }
                dt { "Materie / stadiu" } dd { (kinds(case)) }
                dt { "Obiect" } dd { (case.facts.object.as_deref().unwrap_or("—")) }
                dt { "Termen următor" } dd { (case.facts.next_hearing.map(date).unwrap_or_else(|| "necunoscut".into())) }
                dt { "Sursa" } dd { (case.source) }
                dt { "Portal just.ro" } dd { (view.portal) }
            }
            h2 { "Unități în dosar (" (view.links.len()) ")" }
            div.table-wrap { table {
                thead { tr {
                    th scope="col" { "Unitate" } th scope="col" { "Calitate procesuală" } th scope="col" { "Cerere acces electronic" }
                    th scope="col" { "Acces aprobat / respins" } th scope="col" { "Contact declarat în cerere" } th scope="col" { "Observații" }
                    @if can_write { th scope="col" { "Corecturi" } }
                } }
                tbody { @for link in view.links { tr {
                    td { a href={ "/schools/" (link.school_code) } { (link.school_name) } }
                    td { (link.facts.role.as_deref().unwrap_or("—")) @if let Some(side) = link.facts.role.as_deref().and_then(side) { span.muted { " (" (side) ")" } } }
                    td { (optional_date(link.facts.access_requested_on)) }
                    td {
                        (optional_date(link.facts.access_approved_on))
                        @if let Some(on) = link.facts.access_refused_on {
                            span.badge.badge-bad { "respins " (date(on)) } " " (link.facts.access_refusal_reason.as_deref().unwrap_or(""))
                        }
                    }
                    td {
                        (link.facts.access_email.as_deref().unwrap_or("")) @if link.facts.access_phone.is_some() { br; (link.facts.access_phone.as_deref().unwrap_or("")) }
                        @if let Some(mismatch) = view.mismatches.get(&link.school_code) { br; span.badge.badge-bad { (mismatch) } }
                    }
                    td { (link.facts.notes.as_deref().unwrap_or("")) }
                    @if can_write { td { (link_corrections(chrome, case.id, link)) } }
                } } }
            } }
            @if can_write { (add_school_form(chrome, case.id)) }
            @if can_write && view.links.iter().any(|l| l.facts.access_requested_on.is_some() && l.facts.access_approved_on.is_none() && l.facts.access_refused_on.is_none()) {
                div.actions { form method="post" action={ "/cases/" (case.id) "/access-refused" } {
                    h3 { "Instanța a respins cererea de acces" }
                    (csrf_field(chrome))
                    label for="r-school" { "Unitatea" }
                    select id="r-school" name="school" {
                        @for link in view.links.iter().filter(|l| l.facts.access_requested_on.is_some() && l.facts.access_approved_on.is_none()) {
                            option value=(link.school_code) { (link.school_name) }
                        }
                    }
                    label for="r-on" { "Data respingerii" }
                    input type="date" id="r-on" name="on" required;
                    label for="r-reason" { "Motivul" }
                    input id="r-reason" name="reason" required maxlength="500";
                    button type="submit" { "Înregistrează respingerea" }
                } }
            }
            (hearings_section(chrome, view.case.id, view.hearings, view.today, can_write))
            @if can_write { div.actions {
                (edit_form(chrome, case))
                form method="post" action={ "/cases/" (case.id) "/status" } {
                    h3 { @if case.active { "Închide dosarul" } @else { "Redeschide dosarul" } }
                    (csrf_field(chrome))
                    label for="reason" { @if case.active { "Motivul închiderii" } @else { "Motivul redeschiderii" } }
                    input id="reason" name="reason" required maxlength="500" placeholder="de exemplu: hotărâre definitivă";
                    @if case.active {
                        input type="hidden" name="active" value="nu";
                        button type="submit" { "Marchează dosarul ca închis" }
                    } @else {
                        input type="hidden" name="active" value="da";
                        button type="submit" { "Redeschide dosarul" }
                    }
                }
            } }
            (super::changes::history(view.history, &format!("/audit?dosar={}", super::percent_encode(&view.case.number))))
        },
    )
}

/// The case's hearings, newest first, with forms to add one and to record an outcome.
fn hearings_section(
    chrome: &Chrome,
    case_id: i32,
    hearings: &[HearingRecord],
    today: chrono::NaiveDate,
    can_write: bool,
) -> Markup {
    html! {
        h2 { "Termene de judecată (" (hearings.len()) ")" }
        @if hearings.is_empty() {
            p { "Niciun termen cunoscut." }
        } @else {
            ol.timeline {
                @for hearing in hearings {
                    @let h = &hearing.facts;
                    li {
                        strong { (date(h.on)) @if !h.time.is_empty() { " ora " (h.time) } }
                        @if h.on >= today { " " span.badge.badge-ok { "urmează" } }
                        @if !h.panel.is_empty() { " — complet " (h.panel) }
                        @if let Some(stage) = &h.stage { " — " (label(STAGES, stage)) }
                        br;
                        @match &h.outcome {
                            Some(outcome) => { "Soluția: " strong { (outcome) } @if let Some(summary) = &h.summary { " — " (summary) } @if let Some(p) = h.pronounced_on { " (pronunțată la " (date(p)) ")" } }
                            None => { span.muted { "fără soluție înregistrată" } }
                        }
                        span.muted { " · sursa: " (hearing.source.label()) }
                        @if can_write { (hearing_corrections(chrome, hearing)) }
                        @if can_write && h.outcome.is_none() && h.on <= today {
                            details {
                                summary { "Înregistrează soluția" }
                                form method="post" action={ "/hearings/" (hearing.id) "/outcome" } {
                                    (csrf_field(chrome))
                                    label for={ "outcome" (hearing.id) } { "Soluția" }
                                    input id={ "outcome" (hearing.id) } name="outcome" required maxlength="200";
                                    label for={ "summary" (hearing.id) } { "Pe scurt (fără numele părților)" }
                                    textarea id={ "summary" (hearing.id) } name="summary" rows="2" maxlength="2000" {}
                                    label for={ "pronounced" (hearing.id) } { "Pronunțată la" }
                                    input type="date" id={ "pronounced" (hearing.id) } name="pronounced_on";
                                    button type="submit" { "Salvează soluția" }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if can_write {
            div.actions {
                form method="post" action={ "/cases/" (case_id) "/hearings" } {
                    h3 { "Adaugă un termen" }
                    (csrf_field(chrome))
                    label for="h-on" { "Data" }
                    input type="date" id="h-on" name="on" required;
                    label for="h-time" { "Ora (HH:MM)" }
                    input id="h-time" name="time" maxlength="5" placeholder="09:00" inputmode="numeric";
                    label for="h-panel" { "Complet" }
                    input id="h-panel" name="panel" maxlength="50";
                    label for="h-stage" { "Stadiu procesual" }
                    select id="h-stage" name="stage" {
                        option value="" { "—" }
                        @for (value, text) in STAGES { option value=(value) { (text) } }
                    }
                    button type="submit" { "Adaugă termenul" }
                }
            }
        }
    }
}

/// Correct or delete a hearing typed wrong (one from the portal is marked wrong instead).
fn hearing_corrections(chrome: &Chrome, hearing: &HearingRecord) -> Markup {
    let h = &hearing.facts;
    let id = hearing.id;
    let portal = hearing.source == crate::domain::cases::HearingSource::Portal;
    html! {
        details.correction {
            summary { "Corectează sau șterge termenul" }
            form method="post" action={ "/hearings/" (id) "/correct" } {
                (csrf_field(chrome))
                label for={ "c-on" (id) } { "Data" }
                input type="date" id={ "c-on" (id) } name="on" required value=(h.on.format("%Y-%m-%d"));
                label for={ "c-time" (id) } { "Ora (HH:MM)" }
                input id={ "c-time" (id) } name="time" maxlength="5" inputmode="numeric" value=(h.time);
                label for={ "c-panel" (id) } { "Complet" }
                input id={ "c-panel" (id) } name="panel" maxlength="50" value=(h.panel);
                label for={ "c-stage" (id) } { "Stadiu procesual" }
                select id={ "c-stage" (id) } name="stage" {
                    option value="" { "—" }
                    @for (value, text) in STAGES { option value=(value) selected[h.stage.as_deref() == Some(*value)] { (text) } }
                }
                label for={ "c-outcome" (id) } { "Soluția" }
                input id={ "c-outcome" (id) } name="outcome" maxlength="200" value=(h.outcome.as_deref().unwrap_or(""));
                label for={ "c-summary" (id) } { "Pe scurt (fără numele părților)" }
                textarea id={ "c-summary" (id) } name="summary" rows="2" maxlength="2000" { (h.summary.as_deref().unwrap_or("")) }
                label for={ "c-pronounced" (id) } { "Pronunțată la" }
                input type="date" id={ "c-pronounced" (id) } name="pronounced_on" value=(h.pronounced_on.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default());
                button type="submit" { "Salvează corectura" }
            }
            form method="post" action={ "/hearings/" (id) "/delete" } {
                (csrf_field(chrome))
                label for={ "c-reason" (id) } {
                    @if portal { "De ce este greșit (termenul vine de pe portal: rămâne marcat, nu se mai aduce)" }
                    @else { "De ce se șterge" }
                }
                input id={ "c-reason" (id) } name="reason" required maxlength="500" placeholder="introdus greșit";
                button.danger type="submit" { @if portal { "Marchează ca greșit" } @else { "Șterge termenul" } }
            }
        }
    }
}

/// Change a school's role in the case, or take it out (a link with D.E.N. steps asks again).
fn link_corrections(chrome: &Chrome, case_id: i32, link: &CaseLink) -> Markup {
    let code = &link.school_code;
    let steps = link.facts.recorded_steps();
    html! {
        details.correction {
            summary { "Modifică" }
            form method="post" action={ "/cases/" (case_id) "/schools/" (code) "/role" } {
                (csrf_field(chrome))
                label for={ "role-" (code) } { "Calitate procesuală" }
                input id={ "role-" (code) } name="role" list="roles" maxlength="100" value=(link.facts.role.as_deref().unwrap_or(""));
                button type="submit" { "Schimbă calitatea" }
            }
            form method="post" action={ "/cases/" (case_id) "/schools/" (code) "/remove" } {
                (csrf_field(chrome))
                @if !steps.is_empty() {
                    p.warning { "În acest dosar unitatea are " (steps.join(", ")) ". Pașii rămân în istoric, dar nu mai contează pentru contul D.E.N." }
                    input type="checkbox" id={ "confirm-" (code) } name="confirm" value="da" required;
                    label for={ "confirm-" (code) } { "Confirm scoaterea unității din dosar" }
                }
                button.danger type="submit" { "Scoate unitatea din dosar" }
            }
        }
    }
}

fn add_school_form(chrome: &Chrome, case_id: i32) -> Markup {
    html! {
        datalist id="roles" { @for role in ROLES { option value=(role) {} } }
        div.actions { form method="post" action={ "/cases/" (case_id) "/schools" } {
            h3 { "Adaugă o unitate în dosar" }
            (csrf_field(chrome))
            label for="add-school" { "Cod SIIIR" }
            input id="add-school" name="school" inputmode="numeric" maxlength="10" required;
            label for="add-role" { "Calitate procesuală" }
            input id="add-role" name="role" list="roles" maxlength="100";
            button type="submit" { "Adaugă unitatea" }
        } }
    }
}

/// `/hearings`: the coming hearings by date.
pub struct AgendaView<'a> {
    pub hearings: &'a [Hearing],
    pub from: chrono::NaiveDate,
    pub days: i64,
    /// All hearings in the period; `hearings` is one page of them.
    pub total: usize,
    pub page: usize,
    pub pages: usize,
}

pub fn agenda(chrome: &Chrome, view: AgendaView) -> Markup {
    let AgendaView {
        hearings,
        from,
        days,
        total,
        page: current,
        pages,
    } = view;
    page(
        chrome,
        "Termene",
        "/hearings",
        html! {
            h1 { "Termene de judecată" }
            form.filters method="get" action="/hearings" {
                div.field { label for="days" { "Zile înainte" } input type="number" id="days" name="days" min="1" max="365" value=(days); }
                button type="submit" { "Arată" }
            }
            p.summary {
                @if total == 1 { "1 termen" } @else { (total) " termene" }
                " între " (date(from)) " și " (date(from + chrono::Duration::days(days)))
            }
            @if hearings.is_empty() {
                p { "Niciun termen în această perioadă." }
            } @else {
                div.table-wrap { table {
                    caption.visually-hidden { "Termenele de judecată" }
                    thead { tr {
                        th scope="col" { "Data" } th scope="col" { "Ora" } th scope="col" { "Instanța" }
                        th scope="col" { "Dosar" } th scope="col" { "Stadiu" } th scope="col" { "Unități" }
                    } }
                    tbody { @for h in hearings { tr {
                        td { (date(h.on)) }
                        td { (h.time) }
                        td { (courts::display_name(&h.court)) }
                        td { a href={ "/cases/" (h.case_id) } { (h.number) } }
                        td { (h.stage.as_deref().map(|s| label(STAGES, s)).unwrap_or_default()) }
                        td { @for (i, (code, name)) in h.schools.iter().enumerate() { @if i > 0 { br; } a href={ "/schools/" (code) } { (name) } } }
                    } } }
                } }
                @if pages > 1 {
                    nav.pagination aria-label="Pagini" {
                        @if current > 1 { a rel="prev" href={ "/hearings?days=" (days) "&page=" (current - 1) } { "‹ Pagina anterioară" } }
                        span { "Pagina " (current) " din " (pages) }
                        @if current < pages { a rel="next" href={ "/hearings?days=" (days) "&page=" (current + 1) } { "Pagina următoare ›" } }
                    }
                }
            }
        },
    )
}

/// Roles a school has in a case, offered in the forms (the list's free text stays allowed).
const ROLES: &[&str] = &[
    "pârât",
    "reclamant",
    "intervenient",
    "chemat în garanție",
    "petent",
    "intimat",
    "contestator",
];

/// `/cases/new`: a case typed in by hand, with up to three schools.
pub fn new_case(chrome: &Chrome) -> Markup {
    page(
        chrome,
        "Dosar nou",
        "/cases",
        html! {
            p { a href="/cases" { "‹ Toate dosarele" } }
            h1 { "Adaugă un dosar" }
            div.actions { form method="post" action="/cases/new" {
                (csrf_field(chrome))
                label for="court" { "Instanța" }
                select id="court" name="court" required {
                    option value="" { "— alegeți —" }
                    @for court in courts::all() { option value=(court.code) { (court.name) } }
                }
                label for="number" { "Numărul dosarului (de exemplu 1234/97/2025)" }
                input id="number" name="number" required maxlength="60" autocomplete="off";
                label for="category" { "Materie" }
                select id="category" name="category" { option value="" { "—" } @for (value, text) in CATEGORIES { option value=(value) { (text) } } }
                label for="stage" { "Stadiu procesual" }
                select id="stage" name="stage" { option value="" { "—" } @for (value, text) in STAGES { option value=(value) { (text) } } }
                label for="object" { "Obiect" }
                input id="object" name="object" maxlength="300";
                label for="next_hearing" { "Termen următor (opțional)" }
                input type="date" id="next_hearing" name="next_hearing";
                @for i in 1..=3 {
                    fieldset {
                        legend { "Unitatea " (i) @if i > 1 { " (opțional)" } }
                        label for={ "school" (i) } { "Cod SIIIR" }
                        input id={ "school" (i) } name={ "school" (i) } inputmode="numeric" maxlength="10" required[i == 1];
                        label for={ "role" (i) } { "Calitate procesuală" }
                        select id={ "role" (i) } name={ "role" (i) } { @for role in ROLES { option value=(role) { (role) } } }
                    }
                }
                button type="submit" { "Adaugă dosarul" }
            } }
        },
    )
}

fn edit_form(chrome: &Chrome, case: &StoredCase) -> Markup {
    let current = |v: &Option<String>, option: &str| v.as_deref() == Some(option);
    html! {
        form method="post" action={ "/cases/" (case.id) "/edit" } {
                h3 { "Modifică datele dosarului" }
                (csrf_field(chrome))
                label for="e-category" { "Materie" }
                select id="e-category" name="category" { option value="" { "—" } @for (value, text) in CATEGORIES { option value=(value) selected[current(&case.facts.category, value)] { (text) } } }
                label for="e-stage" { "Stadiu procesual" }
                select id="e-stage" name="stage" { option value="" { "—" } @for (value, text) in STAGES { option value=(value) selected[current(&case.facts.stage, value)] { (text) } } }
                label for="e-object" { "Obiect" }
                input id="e-object" name="object" maxlength="300" value=(case.facts.object.as_deref().unwrap_or(""));
                button type="submit" { "Salvează" }
        }
    }
}
