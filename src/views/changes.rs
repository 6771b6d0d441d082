//! Changes as people read them: a sentence, when, and the fields that changed (before → after),
//! on the audit trail, a school's and a case's history.

use maud::{Markup, html};

use super::layout::{Chrome, page};
use crate::domain::change::{ChangeGroup, FieldChange};

/// One change, ready to show.
#[derive(Debug, Clone)]
pub struct ChangeLine {
    pub version: i64,
    /// `dd.mm.yyyy HH:mm`, local time.
    pub when: String,
    pub sentence: String,
    pub fields: Vec<FieldChange>,
    pub school: Option<String>,
    pub case: Option<i32>,
    /// The import the change came with; an import's own line links to its rows.
    pub batch: Option<i32>,
    pub is_import: bool,
}

/// The fields of a change as a small before/after table (nothing when none).
fn fields(line: &ChangeLine) -> Markup {
    html! {
        @if !line.fields.is_empty() {
            dl.changed {
                @for f in &line.fields {
                    dt { (f.label) }
                    dd {
                        @if f.before.is_empty() {
                            span.after { (f.after) }
                        } @else if f.after.is_empty() {
                            del.before { (f.before) } " → " span.muted { "(gol)" }
                        } @else {
                            del.before { (f.before) } " → " span.after { (f.after) }
                        }
                    }
                }
            }
        }
    }
}

/// Links from a change to what it is about (on the audit trail).
fn about(line: &ChangeLine) -> Markup {
    html! {
        @if let Some(code) = &line.school { a href={ "/schools/" (code) } { "unitatea" } " " }
        @if let Some(id) = line.case { a href={ "/cases/" (id) } { "dosarul" } " " }
        @if let (true, Some(batch)) = (line.is_import, line.batch) {
            a href={ "/audit?import=" (batch) } { "rândurile importului" } " "
            a href={ "/imports/batch/" (batch) } { "raportul" }
        }
    }
}

/// A record's history (school page, case page).
pub fn history(lines: &[ChangeLine], all: &str) -> Markup {
    html! {
        h2 { "Istoric modificări" }
        @if lines.is_empty() {
            p { "Nicio modificare înregistrată." }
        } @else {
            ol.history {
                @for line in lines {
                    li {
                        span.when { (line.when) } " "
                        span.sentence { (line.sentence) }
                        (fields(line))
                    }
                }
            }
            p { a href=(all) { "Tot istoricul, cu filtre și descărcare" } }
        }
    }
}

/// The audit trail's filters, as typed.
#[derive(Debug, Clone, Default)]
pub struct TrailFilter {
    pub from: String,
    pub to: String,
    pub school: String,
    pub case: String,
    pub actor: String,
    pub kind: String,
    pub import: Option<i32>,
}

impl TrailFilter {
    /// The filters as a query string (without the page).
    pub fn query(&self) -> String {
        let mut parts: Vec<String> = [
            ("de_la", &self.from),
            ("pana_la", &self.to),
            ("unitate", &self.school),
            ("dosar", &self.case),
            ("cine", &self.actor),
            ("tip", &self.kind),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", super::percent_encode(v)))
        .collect();
        if let Some(batch) = self.import {
            parts.push(format!("import={batch}"));
        }
        parts.join("&")
    }
}

pub struct TrailView<'a> {
    pub lines: &'a [ChangeLine],
    pub filter: &'a TrailFilter,
    /// Why a filter could not be applied (an unknown school, a date that is not one).
    pub problem: Option<&'a str>,
    /// The version the next (older) page starts below, when there is one.
    pub older: Option<i64>,
    pub first_page: bool,
}

pub fn trail(chrome: &Chrome, view: TrailView) -> Markup {
    let TrailView {
        lines,
        filter,
        problem,
        older,
        first_page,
    } = view;
    let query = filter.query();
    let with = |extra: String| -> String {
        match (query.is_empty(), extra.is_empty()) {
            (true, _) => format!("/audit?{extra}"),
            (false, true) => format!("/audit?{query}"),
            (false, false) => format!("/audit?{query}&{extra}"),
        }
    };
    page(
        chrome,
        "Istoric modificări",
        "/audit",
        html! {
            h1 { "Istoric modificări" }
            @if let Some(batch) = filter.import {
                p { "Rândurile importului nr. " (batch) ". " a href="/audit" { "Tot istoricul" } }
            }
            form.filters method="get" action="/audit" {
                div.field { label for="de_la" { "De la" } input type="date" id="de_la" name="de_la" value=(filter.from); }
                div.field { label for="pana_la" { "Până la" } input type="date" id="pana_la" name="pana_la" value=(filter.to); }
                div.field { label for="unitate" { "Unitate (cod SIIIR sau nume)" } input type="text" id="unitate" name="unitate" value=(filter.school); }
                div.field { label for="dosar" { "Dosar (număr)" } input type="text" id="dosar" name="dosar" value=(filter.case); }
                div.field { label for="cine" { "Cine" } input type="text" id="cine" name="cine" value=(filter.actor); }
                div.field {
                    label for="tip" { "Ce s-a schimbat" }
                    select id="tip" name="tip" {
                        option value="" { "Orice" }
                        @for group in ChangeGroup::ALL {
                            option value=(group.slug()) selected[filter.kind == group.slug()] { (group.label()) }
                        }
                    }
                }
                @if let Some(batch) = filter.import { input type="hidden" name="import" value=(batch); }
                button type="submit" { "Filtrează" }
            }
            @if let Some(problem) = problem { p.error role="alert" { (problem) } }
            p { a href={ "/audit.xlsx" @if !query.is_empty() { "?" (query) } } { "Descarcă istoricul filtrat (xlsx)" } }
            @if lines.is_empty() {
                p { "Nicio modificare pentru acest filtru." }
            } @else {
                ol.history {
                    @for line in lines {
                        li {
                            span.when { (line.when) } " "
                            span.sentence { (line.sentence) }
                            " " span.about { (about(line)) }
                            (fields(line))
                        }
                    }
                }
            }
            @if older.is_some() || !first_page {
                nav.pagination aria-label="Pagini" {
                    @if !first_page { a href=(with(String::new())) { "« Cele mai noi" } }
                    @if let Some(version) = older { a rel="next" href=(with(format!("inainte={version}"))) { "Mai vechi ›" } }
                }
            }
        },
    )
}
