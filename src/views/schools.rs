use maud::{Markup, html};

use super::layout::{Chrome, page};
use crate::db::schools::{ActiveFilter, SchoolFilter, SchoolPage, StoredSchool};
use crate::domain::school::SchoolRecord;

pub struct SchoolListView<'a> {
    pub page: &'a SchoolPage,
    pub filter: &'a SchoolFilter,
    pub localities: &'a [String],
}

pub fn list(chrome: &Chrome, view: SchoolListView) -> Markup {
    let SchoolListView { page: result, filter, localities } = view;
    page(
        chrome,
        "Unități de învățământ",
        "/schools",
        html! {
            h1 { "Unități de învățământ" }
            (filter_form(filter, localities))
            p.summary { (super::format_count(result.total)) " unități găsite" }
            @if result.schools.is_empty() {
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
                            th scope="col" { "Stare" }
                        } }
                        tbody {
                            @for school in &result.schools { (row(school)) }
                        }
                    }
                }
                (pagination(result, filter))
            }
        },
    )
}

fn row(school: &StoredSchool) -> Markup {
    let r = &school.record;
    html! {
        tr {
            td { code { (r.code) } }
            td { a href={ "/schools/" (r.code) } { (r.display_name()) } }
            td.optional { (status_label(&r.status)) }
            td { (r.locality.as_deref().unwrap_or("")) }
            td.optional { (r.area.as_deref().unwrap_or("")) }
            td { (active_badge(school.active)) }
        }
    }
}

fn status_label(status: &str) -> &'static str {
    if status == "PJ" { "PJ (personalitate juridică)" } else { "AR (structură arondată)" }
}

fn active_badge(active: bool) -> Markup {
    html! {
        @if active { span.badge.badge-ok { "activă" } } @else { span.badge.badge-muted { "inactivă" } }
    }
}

fn filter_form(filter: &SchoolFilter, localities: &[String]) -> Markup {
    let locality_options: Vec<(&str, &str)> =
        std::iter::once(("", "toate")).chain(localities.iter().map(|l| (l.as_str(), l.as_str()))).collect();
    html! {
        form.filters method="get" action="/schools" role="search" {
            div.field.field-wide {
                label for="q" { "Caută (denumire, localitate sau cod; diacriticele sunt opționale)" }
                input type="search" id="q" name="q" value=(filter.query.as_deref().unwrap_or(""));
            }
            (select_field("locality", "Localitate", &locality_options, filter.locality.as_deref().unwrap_or("")))
            (select_field("area", "Mediu", &[("", "oricare"), ("URBAN", "urban"), ("RURAL", "rural")], filter.area.as_deref().unwrap_or("")))
            (select_field("status", "Statut", &[("", "PJ și AR"), ("PJ", "doar PJ"), ("AR", "doar AR")], filter.status.as_deref().unwrap_or("")))
            (select_field("active", "Stare", &[("activ", "active"), ("inactiv", "inactive"), ("toate", "toate")], active_param(filter.active)))
            button type="submit" { "Filtrează" }
        }
    }
}

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
fn query_string(filter: &SchoolFilter, page: u64) -> String {
    let mut pairs: Vec<(&str, String)> = Vec::new();
    let optional = [("q", &filter.query), ("locality", &filter.locality), ("area", &filter.area), ("status", &filter.status)];
    for (key, value) in optional {
        if let Some(value) = value {
            pairs.push((key, value.clone()));
        }
    }
    pairs.push(("active", active_param(filter.active).into()));
    pairs.push(("page", page.to_string()));
    pairs.iter().map(|(k, v)| format!("{k}={}", percent_encode(v))).collect::<Vec<_>>().join("&")
}

fn percent_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn pagination(result: &SchoolPage, filter: &SchoolFilter) -> Markup {
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
    pub parent: Option<&'a StoredSchool>,
    pub units: &'a [StoredSchool],
    pub updated_at: String,
}

pub fn detail(chrome: &Chrome, view: SchoolDetailView) -> Markup {
    let r = &view.school.record;
    page(
        chrome,
        r.display_name(),
        "/schools",
        html! {
            p { a href="/schools" { "‹ Toate unitățile" } }
            h1 { (r.display_name()) " " (active_badge(view.school.active)) }
            (identity_card(r, &view.updated_at))
            @if let Some(parent) = view.parent {
                h2 { "Unitatea cu personalitate juridică" }
                p { a href={ "/schools/" (parent.record.code) } { (parent.record.display_name()) } " (" (parent.record.code) ")" }
            }
            @if r.status == "PJ" {
                h2 { "Structuri arondate (" (view.units.len()) ")" }
                @if view.units.is_empty() {
                    p { "Unitatea nu are structuri arondate." }
                } @else {
                    ul.units {
                        @for unit in view.units {
                            li {
                                a href={ "/schools/" (unit.record.code) } { (unit.record.display_name()) }
                                " — " (unit.record.locality.as_deref().unwrap_or("")) " "
                                @if !unit.active { (active_badge(false)) }
                            }
                        }
                    }
                }
            }
        },
    )
}

fn identity_card(r: &SchoolRecord, updated_at: &str) -> Markup {
    let address = [r.street.as_deref(), r.street_number.as_deref(), r.locality.as_deref(), r.postal_code.as_deref()]
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
        ("Județ", r.county.as_deref().map(|c| crate::domain::county::county_name(c).unwrap_or(c).to_string()).unwrap_or_default()),
        ("Localitate", r.locality.clone().unwrap_or_default()),
        ("Mediu", r.area.clone().unwrap_or_default()),
        ("Cod SIRUTA", r.siruta.clone().unwrap_or_default()),
        ("Cod fiscal", r.cif.clone().unwrap_or_default()),
        ("Adresă", address),
        ("Telefon", r.phone.clone().unwrap_or_default()),
        ("Fax", r.fax.clone().unwrap_or_default()),
        ("E-mail oficial", r.email.clone().unwrap_or_default()),
        ("Forma de proprietate", r.ownership.clone().unwrap_or_default()),
        ("Forma de finanțare", r.funding.clone().unwrap_or_default()),
        ("An școlar (ultimul import)", r.school_year.clone().unwrap_or_default()),
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
