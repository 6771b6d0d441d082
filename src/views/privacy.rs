//! Personal data: the information notice (GDPR art. 13) everyone may read, the *Setări*
//! section with the retention rule, and the administrators' page to export or erase what is
//! stored about a person.

use chrono::NaiveDate;
use maud::{Markup, html};

use super::layout::{Chrome, csrf_field, page};
use crate::domain::privacy::{
    CERTIFICATE_MONTHS, NOTICE_PATH, PERSONAL_YEARS, PersonalDataExport, PrivacySettings,
};

pub fn notice(inspectorate: &str, settings: &PrivacySettings) -> Markup {
    let rule = settings.rule;
    let dpo = &settings.dpo;
    super::links::frame(
        inspectorate,
        "Informare privind datele personale",
        html! {
            h1 { "Informare privind prelucrarea datelor personale" }
            p { "Conform art. 13 din Regulamentul (UE) 2016/679 (GDPR) și Legii nr. 190/2018." }
            h2 { "Cine prelucrează datele" }
            p { (inspectorate) ", prin Compartimentul Juridic, este operatorul datelor." }
            h2 { "Responsabilul cu protecția datelor" }
            @if dpo.name.is_empty() && dpo.email.is_empty() && dpo.phone.is_empty() {
                p { "Datele de contact ale responsabilului cu protecția datelor sunt publicate pe site-ul inspectoratului." }
            } @else {
                ul {
                    @if !dpo.name.is_empty() { li { (dpo.name) } }
                    @if !dpo.email.is_empty() { li { "E-mail: " a href={ "mailto:" (dpo.email) } { (dpo.email) } } }
                    @if !dpo.phone.is_empty() { li { "Telefon: " (dpo.phone) } }
                }
            }
            h2 { "De ce" }
            p { "Urmărim constituirea conturilor instituționale ale unităților de învățământ în Dosarul Electronic Național (D.E.N.), cererile de acces la dosarele electronice și termenele din dosarele în care unitățile sunt parte, și vă trimitem memento-urile legate de acestea." }
            h2 { "Temeiul legal" }
            p { "Art. 6 alin. (1) lit. c) GDPR (o obligație legală a inspectoratului) și lit. e) (o misiune de interes public: îndrumarea și controlul unităților de învățământ, Legea învățământului preuniversitar nr. 198/2023)." }
            h2 { "Ce date" }
            p { "Numele și funcția persoanei desemnate, numărul și data deciziei interne, e-mailul și telefonul instituționale, numărul certificatului de cazier (fără CNP), e-mailul și telefonul declarate în cererile de acces. Nu cerem și nu păstrăm CNP-ul." }
            h2 { "Cine le vede" }
            p { "Doar personalul Compartimentului Juridic al inspectoratului. Nu le transmitem altor destinatari, în afara celor prevăzuți de lege." }
            h2 { "Cât timp le păstrăm" }
            ul {
                li { "Datele persoanei desemnate și contactele declarate: " (rule.personal_years) " ani după ce unitatea a desemnat altă persoană sau după închiderea ultimului ei dosar; apoi sunt anonimizate." }
                li { "Numărul certificatului de cazier: " (rule.certificate_months) " luni după expirarea certificatului." }
                li { "Mesajele trimise și linkurile expirate: " (rule.personal_years) " ani." }
            }
            h2 { "Drepturile dumneavoastră" }
            p { "Puteți cere accesul la datele dumneavoastră (art. 15), rectificarea lor (art. 16), ștergerea lor acolo unde nu ne obligă legea să le păstrăm (art. 17), restricționarea prelucrării (art. 18) și vă puteți opune prelucrării (art. 21). "
                "Scrieți responsabilului cu protecția datelor. Aveți dreptul să depuneți o plângere la Autoritatea Națională de Supraveghere a Prelucrării Datelor cu Caracter Personal (www.dataprotection.ro)." }
            p { "Nu luăm decizii automate pe baza acestor date." }
        },
    )
}

/// The line every director page ends with.
pub fn notice_link() -> Markup {
    html! {
        p.muted {
            "Datele trimise aici (nume, funcție, e-mail, telefon) sunt folosite de inspectorat doar pentru contul D.E.N. și dosarele unității. "
            a href=(NOTICE_PATH) { "Cum prelucrăm datele personale" }
        }
    }
}

pub fn settings_section(
    chrome: &Chrome,
    settings: &PrivacySettings,
    last_run: Option<NaiveDate>,
    can_edit: bool,
) -> Markup {
    let rule = settings.rule;
    let dpo = &settings.dpo;
    html! {
        h2 id="date-personale" { "Date personale" }
        p { "Datele persoanelor desemnate și contactele declarate se anonimizează după " strong { (rule.personal_years) " ani" }
            " de la schimbarea persoanei desemnate sau de la închiderea ultimului dosar al unității; numerele de cazier, după "
            strong { (rule.certificate_months) " luni" } " de la expirare. Regula se aplică în fiecare noapte"
            @match last_run { Some(day) => { " (ultima dată la " (day.format("%d.%m.%Y")) ")." } None => { "." } } }
        p { a href=(NOTICE_PATH) { "Informarea privind datele personale" } " (legată din paginile și mesajele pentru unități)" }
        @if can_edit {
            form.narrow method="post" action="/settings/privacy" {
                (csrf_field(chrome))
                div.field { label for="personal_years" { "Anonimizare după … ani" } input type="number" min=(PERSONAL_YEARS.start()) max=(PERSONAL_YEARS.end()) id="personal_years" name="personal_years" required value=(rule.personal_years); }
                div.field { label for="certificate_months" { "Numărul de cazier: anonimizare după … luni de la expirare" } input type="number" min=(CERTIFICATE_MONTHS.start()) max=(CERTIFICATE_MONTHS.end()) id="certificate_months" name="certificate_months" required value=(rule.certificate_months); }
                div.field { label for="dpo_name" { "Responsabilul cu protecția datelor (nume)" } input id="dpo_name" name="dpo_name" maxlength="200" value=(dpo.name); }
                div.field { label for="dpo_email" { "E-mailul responsabilului" } input type="email" id="dpo_email" name="dpo_email" maxlength="200" value=(dpo.email); }
                div.field { label for="dpo_phone" { "Telefonul responsabilului" } input type="tel" id="dpo_phone" name="dpo_phone" maxlength="30" value=(dpo.phone); }
                button type="submit" { "Salvează regula" }
            }
            p { a href="/privacy" { "Ce date avem despre o persoană: export și ștergere" } }
        }
    }
}

/// What the administrators' page shows after a search.
pub struct PrivacyPageView<'a> {
    pub email: &'a str,
    pub phone: &'a str,
    pub export: Option<&'a PersonalDataExport>,
    pub error: Option<&'a str>,
    pub timezone: chrono_tz::Tz,
}

/// Long cells (mail bodies, change payloads) are cut on the page; the downloads hold them whole.
const CELL_CHARS: usize = 160;

fn cut(text: &str) -> String {
    if text.chars().count() <= CELL_CHARS {
        return text.to_string();
    }
    let mut short: String = text.chars().take(CELL_CHARS).collect();
    short.push('…');
    short
}

fn subject_fields(view: &PrivacyPageView) -> Markup {
    html! {
        input type="hidden" name="email" value=(view.email);
        input type="hidden" name="phone" value=(view.phone);
    }
}

pub fn admin_page(chrome: &Chrome, view: PrivacyPageView) -> Markup {
    page(
        chrome,
        "Date personale",
        "/settings",
        html! {
            h1 { "Date personale despre o persoană" }
            p { "Scrieți adresa de e-mail sau numărul de telefon al persoanei care a cerut să știe ce date avem despre ea (art. 15 GDPR) sau ștergerea lor (art. 17). Fiecare căutare, export și ștergere rămâne în jurnalul de audit." }
            @if let Some(error) = view.error { div.flash.flash-error role="alert" { (error) } }
            form.narrow method="post" action="/privacy" {
                (csrf_field(chrome))
                div.field { label for="email" { "E-mail" } input type="email" id="email" name="email" maxlength="200" autocomplete="off" value=(view.email); }
                div.field { label for="phone" { "sau telefon" } input type="tel" id="phone" name="phone" maxlength="30" autocomplete="off" value=(view.phone); }
                button type="submit" { "Caută" }
            }
            @if let Some(export) = view.export {
                @if export.tables.is_empty() {
                    p { "Nu avem nicio dată despre " strong { (export.subject) } "." }
                } @else {
                    h2 { "Ce avem despre " (export.subject) }
                    p { (export.tables.len()) " tabele, " (export.rows()) " rânduri." }
                    div.actions {
                        form method="post" action="/privacy/export" {
                            (csrf_field(chrome)) (subject_fields(&view))
                            input type="hidden" name="format" value="xlsx";
                            button type="submit" { "Descarcă Excel" }
                        }
                        form method="post" action="/privacy/export" {
                            (csrf_field(chrome)) (subject_fields(&view))
                            input type="hidden" name="format" value="json";
                            button.secondary type="submit" { "Descarcă JSON" }
                        }
                    }
                    @for table in &export.tables {
                        h3 { (table.title) " (" (table.rows.len()) ")" }
                        div.table-wrap { table {
                            thead { tr { @for column in &table.columns { th scope="col" { (column) } } } }
                            tbody { @for row in &table.rows { tr { @for cell in row { td { (cut(&cell.shown(view.timezone))) } } } } }
                        } }
                    }
                    h2 { "Ștergere" }
                    p { "Se șterg sau se anonimizează datele pe care legea nu ne obligă să le păstrăm: persoane desemnate înlocuite, contacte din dosare închise, mesaje trimise, adresa din linkurile expirate, citările lor din jurnale. "
                        "Rămân persoana desemnată în funcție a unei unități cu dosare pe rol, contactele din dosarele pe rol, conturile de personal și dezabonările." }
                    form.narrow method="post" action="/privacy/erase" {
                        (csrf_field(chrome)) (subject_fields(&view))
                        p {
                            input type="checkbox" id="confirm" name="confirm" value="da" required;
                            " " label for="confirm" { "Am verificat identitatea persoanei și cererea ei de ștergere" }
                        }
                        button.danger type="submit" { "Șterge datele" }
                    }
                }
            }
        },
    )
}
