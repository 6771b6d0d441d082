//! The pages a director opens from a mail link: the school's name big, one short paragraph,
//! one form, one button. No navigation, no staff data; readable on a phone.

use chrono::NaiveDate;
use maud::{DOCTYPE, Markup, html};

use crate::domain::case_import::LinkFacts;
use crate::domain::cases::StoredCase;
use crate::domain::courts;
use crate::domain::den::DenStep;
use crate::domain::designee::{DesigneeFacts, FUNCTIONS, OTHER_FUNCTION};

/// The page of a director's link (and of the public information notice).
pub fn frame(inspectorate: &str, title: &str, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="ro" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                title { (title) " — " (inspectorate) }
                link rel="stylesheet" href="/static/app.css";
            }
            body {
                a.skip-link href="#continut" { "Sari la conținut" }
                header.top { span.brand { (inspectorate) " — Compartimentul Juridic" } }
                main.narrow id="continut" tabindex="-1" {
                    (content)
                    footer { (super::privacy::notice_link()) }
                }
            }
        }
    }
}

pub struct DesigneeFormView<'a> {
    pub inspectorate: &'a str,
    pub school_name: &'a str,
    pub current: Option<&'a DesigneeFacts>,
    pub error: Option<&'a str>,
}

pub fn designee_form(view: DesigneeFormView) -> Markup {
    let value =
        |f: fn(&DesigneeFacts) -> Option<String>| view.current.and_then(f).unwrap_or_default();
    frame(
        view.inspectorate,
        "Persoana desemnată",
        html! {
            h1 { (view.school_name) }
            p { "Vă rugăm să confirmați persoana desemnată pentru contul instituțional din Dosarul Electronic Național (D.E.N.) sau să o corectați. "
                "Folosiți adresa de e-mail instituțională și numărul de mobil trecute în cererile de acces către instanțe." }
            @if let Some(error) = view.error { div.flash.flash-error role="alert" { (error) } }
            form method="post" {
                label for="full_name" { "Nume și prenume" }
                input id="full_name" name="full_name" required maxlength="200" autocomplete="name" value=(value(|f| Some(f.full_name.clone())));
                label for="function" { "Funcția" }
                select id="function" name="function" {
                    @for function in FUNCTIONS { option value=(function) selected[view.current.is_some_and(|f| f.function == *function || (*function == OTHER_FUNCTION && f.function.starts_with(OTHER_FUNCTION)))] { (function) } }
                }
                label for="function_other" { "Dacă ați ales „altă funcție”, care anume" }
                input id="function_other" name="function_other" maxlength="100" value=(view.current.and_then(|f| f.function.strip_prefix("altă funcție: ")).unwrap_or(""));
                label for="decision_number" { "Decizia internă nr." }
                input id="decision_number" name="decision_number" maxlength="50" value=(value(|f| f.decision_number.clone()));
                label for="decision_date" { "din data" }
                input type="date" id="decision_date" name="decision_date" value=(value(|f| f.decision_date.map(|d| d.format("%Y-%m-%d").to_string())));
                label for="email" { "E-mail instituțional" }
                input type="email" id="email" name="email" required maxlength="200" autocomplete="email" value=(value(|f| f.email.clone()));
                label for="phone" { "Telefon mobil" }
                input type="tel" id="phone" name="phone" required maxlength="30" autocomplete="tel" value=(value(|f| f.phone.clone()));
                button type="submit" { "Confirm" }
            }
        },
    )
}

pub struct ProgressFormView<'a> {
    pub inspectorate: &'a str,
    pub school_name: &'a str,
    pub current: DenStep,
    /// The school's active cases with its access data in each.
    pub cases: &'a [(StoredCase, LinkFacts)],
    /// The current designee: the contact an access request should declare.
    pub designee: Option<&'a DesigneeFacts>,
    pub today: NaiveDate,
    pub error: Option<&'a str>,
}

pub fn progress_form(view: ProgressFormView) -> Markup {
    let access: Vec<_> = view.cases.iter().map(|(c, l)| c.access(l)).collect();
    let next = crate::domain::den::offered_steps(view.current, &access);
    let contact =
        |f: fn(&DesigneeFacts) -> Option<String>| view.designee.and_then(f).unwrap_or_default();
    let today = view.today.format("%Y-%m-%d").to_string();
    frame(
        view.inspectorate,
        "Progres cont D.E.N.",
        html! {
            h1 { (view.school_name) }
            p { "Pasul înregistrat până acum: " strong { (view.current.label()) } ". Spuneți-ne ce ați făcut de atunci." }
            @if let Some(error) = view.error { div.flash.flash-error role="alert" { (error) } }
            @if next.is_empty() {
                p { "Toți pașii sunt înregistrați. Vă mulțumim!" }
            } @else {
                form method="post" {
                    label for="step" { "Ce s-a întâmplat" }
                    select id="step" name="step" { @for step in &next { option value=(step.as_str()) { (step.label()) } } }
                    @if !view.cases.is_empty() {
                        label for="case" { "În dosarul (pentru cererea de acces)" }
                        select id="case" name="case" {
                            option value="" { "—" }
                            @for (case, link) in view.cases {
                                option value=(case.id) {
                                    (case.number) " — " (courts::display_name(&case.court))
                                    @if let Some(on) = link.access_approved_on { " (acces aprobat " (on.format("%d.%m.%Y")) ")" }
                                    @else if let Some(on) = link.access_requested_on { " (cerere depusă " (on.format("%d.%m.%Y")) ")" }
                                }
                            }
                        }
                        p.muted { "Pentru o cerere de acces: e-mailul și telefonul mobil trecute în cerere (instanța le verifică la crearea contului D.E.N.)." }
                        label for="access_email" { "E-mail declarat în cerere" }
                        input type="email" id="access_email" name="access_email" maxlength="200" value=(contact(|f| f.email.clone()));
                        label for="access_phone" { "Telefon mobil declarat în cerere" }
                        input type="tel" id="access_phone" name="access_phone" maxlength="30" value=(contact(|f| f.phone.clone()));
                    }
                    label for="on" { "Data" }
                    input type="date" id="on" name="on" value=(today) max=(today) required;
                    button type="submit" { "Trimite" }
                }
            }
        },
    )
}

pub fn opt_out_form(inspectorate: &str, email: &str) -> Markup {
    frame(
        inspectorate,
        "Dezabonare",
        html! {
            h1 { "Dezabonare" }
            p { "Adresa " strong { (email) } " nu va mai primi memento-uri despre termenele de judecată. "
                "Mesajele despre termenul contului D.E.N. și escaladările continuă: sunt obligatorii." }
            form method="post" { button type="submit" { "Confirm" } }
        },
    )
}

pub fn done(inspectorate: &str, school_name: &str, recorded: &str) -> Markup {
    frame(
        inspectorate,
        "Mulțumim",
        html! {
            h1 { "Mulțumim" }
            p { "Am înregistrat pentru " strong { (school_name) } ": " (recorded) }
            p.muted { "Linkul a fost folosit și nu mai poate fi deschis din nou." }
        },
    )
}

pub fn used(inspectorate: &str) -> Markup {
    frame(
        inspectorate,
        "Link folosit",
        html! {
            h1 { "Linkul a fost deja folosit" }
            p { "Datele trimise prin acest link au fost înregistrate. Pentru o nouă modificare, folosiți linkul din următorul mesaj sau contactați Compartimentul Juridic al inspectoratului." }
        },
    )
}

pub fn invalid(inspectorate: &str) -> Markup {
    frame(
        inspectorate,
        "Link invalid",
        html! {
            h1 { "Link invalid sau expirat" }
            p { "Linkul nu mai este valabil (linkurile sunt valabile 72 de ore și se pot folosi o singură dată). Folosiți linkul din cel mai recent mesaj sau contactați Compartimentul Juridic al inspectoratului." }
        },
    )
}
