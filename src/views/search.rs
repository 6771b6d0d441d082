//! `/search`: one box for schools, cases and designees.

use maud::{Markup, html};

use super::layout::{Chrome, page};
use crate::domain::cases::{CaseLink, StoredCase};
use crate::domain::courts;
use crate::domain::designee::StoredDesignee;
use crate::domain::register::SchoolEntry;

pub struct SearchView<'a> {
    pub query: &'a str,
    pub schools: &'a [&'a SchoolEntry],
    pub cases: &'a [(StoredCase, Vec<CaseLink>)],
    /// Current designees that match, with their school's name.
    pub designees: &'a [(StoredDesignee, String)],
}

pub fn results(chrome: &Chrome, view: SearchView) -> Markup {
    page(
        chrome,
        "Căutare",
        "/search",
        html! {
            h1 { "Căutare: „" (view.query) "”" }
            @if view.query.is_empty() {
                p { "Scrieți un nume de unitate, un cod SIIIR, un număr de dosar, un nume, un e-mail sau un telefon." }
            }
            h2 { "Unități (" (view.schools.len()) ")" }
            @if view.schools.is_empty() { p.muted { "Nicio unitate." } }
            ul { @for s in view.schools { li { a href={ "/schools/" (s.code) } { (s.name) } " " span.muted { (s.code) " · " (s.locality.as_deref().unwrap_or("")) } } } }
            h2 { "Dosare (" (view.cases.len()) ")" }
            @if view.cases.is_empty() { p.muted { "Niciun dosar." } }
            ul { @for (case, links) in view.cases { li {
                a href={ "/cases/" (case.id) } { (case.number) } " — " (courts::display_name(&case.court))
                @if !links.is_empty() { span.muted { " · " (links.iter().map(|l| l.school_name.as_str()).collect::<Vec<_>>().join("; ")) } }
            } } }
            h2 { "Persoane desemnate (" (view.designees.len()) ")" }
            @if view.designees.is_empty() { p.muted { "Nicio persoană." } }
            ul { @for (d, school) in view.designees { li {
                (d.facts.full_name) " (" (d.facts.function) ") — " a href={ "/schools/" (d.school_code) } { (school) }
                span.muted { " · " (d.facts.email.as_deref().unwrap_or("")) " " (d.facts.phone.as_deref().unwrap_or("")) }
            } } }
        },
    )
}
