//! The reports page.

use maud::{Markup, html};

use super::layout::{Chrome, page};
use crate::reports::ReportKind;

fn description(kind: ReportKind) -> &'static str {
    match kind {
        ReportKind::DenStatus => {
            "O linie pe unitate PJ: dosare pe rol, persoana desemnată, datele pașilor, termenul (cu prelungiri), situația și zilele de întârziere; foaie de sumar cu grafic."
        }
        ReportKind::Cases => {
            "O linie pe dosar: instanța, materia, stadiul, obiectul, unitățile și calitatea lor, termenul următor, accesul electronic pe unitate."
        }
        ReportKind::Designees => "Persoanele desemnate actuale și, pe a doua foaie, istoricul lor.",
        ReportKind::Reminders => {
            "Jurnalul mesajelor: când, către cine, ce tip, starea și încercările."
        }
        ReportKind::Hearings => {
            "O linie pe termen de judecată, trecut sau viitor: dosarul, instanța, unitățile, data, ora, completul, stadiul și soluția."
        }
    }
}

pub fn index(chrome: &Chrome) -> Markup {
    page(
        chrome,
        "Rapoarte",
        "/reports",
        html! {
            h1 { "Rapoarte" }
            p { "Rapoartele se deschid în Excel și LibreOffice: datele sunt celule de dată (zz.ll.aaaa), codurile rămân text. "
                "Listele Unități și Dosare au și ele un link de descărcare a vederii filtrate. Fiecare export apare în istoricul modificărilor." }
            div.table-wrap { table {
                thead { tr { th scope="col" { "Raport" } th scope="col" { "Conținut" } th scope="col" { "Descarcă" } } }
                tbody { @for kind in ReportKind::ALL { tr {
                    td { (kind.title()) }
                    td { (description(kind)) }
                    td { a href={ "/reports/" (kind.name()) ".xlsx" } { "xlsx" } " · " a href={ "/reports/" (kind.name()) ".csv" } { "csv" } }
                } } }
            } }
        },
    )
}
