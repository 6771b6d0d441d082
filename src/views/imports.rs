use maud::{Markup, html};

use super::layout::{Chrome, csrf_field, page};
use crate::domain::import_report::ImportReport;
use crate::domain::import_report::{StoredBatch, counted_noun};

pub struct ImportsView<'a> {
    pub batches: &'a [(StoredBatch, String)],
    pub county: &'a str,
    /// Why the last upload was refused, if it was.
    pub refusal: Option<&'a str>,
}

pub fn index(chrome: &Chrome, view: ImportsView) -> Markup {
    page(
        chrome,
        "Importuri",
        "/imports",
        html! {
            h1 { "Importuri" }
            p {
                "Încărcați exportul SIIIR „Rețea școlară”, o listă de dosare sau lista persoanelor desemnate "
                "(xlsx, xls, ods sau csv, cel mult 20 MiB). Veți vedea mai întâi rezultatul verificării, rând cu rând; "
                "nimic nu se scrie până nu confirmați. Importați întâi rețeaua școlară: dosarele și persoanele se leagă de unitățile ei."
            }
            p {
                "Șabloane de completat: "
                a href="/imports/template/dosare" { "listă de dosare" }
                " · "
                a href="/imports/template/persoane-desemnate" { "persoane desemnate" }
            }
            @if let Some(reason) = view.refusal {
                div.flash.flash-error role="alert" { "Fișier refuzat, nu am scris nimic: " (reason) }
            }
            @if chrome.user.as_ref().is_some_and(|u| u.can_write) {
            form.upload method="post" action="/imports" enctype="multipart/form-data" {
                (csrf_field(chrome))
                fieldset.field {
                    legend { "Ce importați" }
                    label { input type="radio" name="kind" value="schools" checked; " rețeaua școlară (export SIIIR)" }
                    label { input type="radio" name="kind" value="cases"; " lista de dosare" }
                    label { input type="radio" name="kind" value="designees"; " persoanele desemnate" }
                }
                div.field {
                    label for="file" { "Fișierul" }
                    input type="file" id="file" name="file" required accept=".xlsx,.xls,.ods,.csv";
                }
                div.field {
                    label for="county" { "Doar unitățile județului (numai pentru rețeaua școlară; cod „Judet PJ”; gol = toate)" }
                    input type="text" id="county" name="county" value=(view.county) maxlength="2" size="3" autocomplete="off";
                }
                button type="submit" { "Verifică fișierul" }
            }
            } @else {
                p.muted { "Rolul dumneavoastră permite doar consultarea importurilor." }
            }
            h2 { "Importuri aplicate" }
            @if view.batches.is_empty() {
                p { "Niciun import până acum." }
            } @else {
                div.table-wrap {
                    table {
                        thead { tr {
                            th scope="col" { "Data" }
                            th scope="col" { "Tip" }
                            th scope="col" { "Fișier" }
                            th scope="col" { "Cine" }
                            th scope="col" { "Noi" }
                            th scope="col" { "Actualizate" }
                            th scope="col" { "Neschimbate" }
                            th scope="col" { "Respinse" }
                        } }
                        tbody {
                            @for (batch, when) in view.batches {
                                tr {
                                    td { a href={ "/imports/batch/" (batch.id) } { (when) } }
                                    td { (kind_label(&batch.report.kind)) }
                                    td { (batch.file_name) }
                                    td { (batch.actor) }
                                    td { (batch.report.inserted) }
                                    td { (batch.report.updated) }
                                    td { (batch.report.unchanged) }
                                    td { (batch.report.rejected_rows()) }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// The dry-run result with a button to apply the same file.
pub fn preview(chrome: &Chrome, upload_id: &str, report: &ImportReport) -> Markup {
    page(
        chrome,
        "Verificare import",
        "/imports",
        html! {
            h1 { "Verificare: " (report.file) }
            p { "Nimic nu a fost scris încă. Dacă rezultatul este cel așteptat, aplicați importul." }
            (counts(report, true))
            form method="post" action={ "/imports/" (upload_id) "/apply" } {
                (csrf_field(chrome))
                button type="submit" { "Aplică importul" }
                " "
                a href="/imports" { "Renunță" }
            }
            (issues(report))
        },
    )
}

pub fn batch(chrome: &Chrome, batch: &StoredBatch, when: &str) -> Markup {
    page(
        chrome,
        "Rezultat import",
        "/imports",
        html! {
            p { a href="/imports" { "‹ Importuri" } }
            h1 { "Import „" (batch.file_name) "”" }
            p { (when) " · " (batch.actor) " · SHA-256 " code { (batch.sha256) } }
            (counts(&batch.report, false))
            (issues(&batch.report))
        },
    )
}

fn counts(report: &ImportReport, would: bool) -> Markup {
    let verb = if would { "vor fi " } else { "" };
    let noun = counted_noun(&report.kind);
    let schools = report.kind == "schools";
    html! {
        dl.counts {
            dt { "Tip import" } dd { (kind_label(&report.kind)) }
            dt { "Foaia / rândul antetului" }
            dd { (report.sheet.as_deref().unwrap_or("CSV")) " / " (report.header_row) }
            dt { "Rânduri citite" } dd { (super::format_count(report.rows_read)) }
            @if schools { dt { "Rânduri din alte județe (sărite)" } dd { (super::format_count(report.skipped)) } }
            dt { (noun) " care " (verb) "adăugate" } dd { (super::format_count(report.inserted)) }
            dt { (noun) " care " (verb) "actualizate" } dd { (super::format_count(report.updated)) }
            dt { (noun) " neschimbate" } dd { (super::format_count(report.unchanged)) }
            @if schools { dt { "Unități care " (verb) "marcate inactive" } dd { (super::format_count(report.deactivated)) } }
            dt { "Rânduri respinse" } dd { (report.rejected_rows()) }
            dt { "Avertismente" } dd { (report.warnings.len()) }
        }
    }
}

fn issues(report: &ImportReport) -> Markup {
    html! {
        @if !report.rejected.is_empty() {
            h2 { "Rânduri respinse" }
            div.table-wrap { table {
                thead { tr { th scope="col" { "Rând" } th scope="col" { "Coloană" } th scope="col" { "Valoare" } th scope="col" { "Problemă" } } }
                tbody { @for r in &report.rejected { tr { td { (r.row) } td { (r.column) } td { code { (r.value) } } td { (r.error) } } } }
            } }
        }
        @if !report.warnings.is_empty() {
            h2 { "Avertismente" }
            div.table-wrap { table {
                thead { tr { th scope="col" { "Rând" } th scope="col" { "Coloană" } th scope="col" { "Valoare" } th scope="col" { "Observație" } } }
                tbody { @for w in &report.warnings { tr { td { (w.row) } td { (w.column) } td { code { (w.value) } } td { (w.warning) } } } }
            } }
        }
    }
}

pub use crate::domain::import_report::kind_label;
