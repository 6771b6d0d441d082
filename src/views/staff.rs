//! Account pages: the administrator's list of users and one's own security settings.

use maud::{Markup, html};

use super::auth::{AuthenticatorSetup, authenticator_block, recovery_code_list};
use super::layout::{Chrome, csrf_field, page};
use crate::domain::staff::StaffUser;

pub struct UserRow<'a> {
    pub user: &'a StaffUser,
    /// The signed-in administrator: no disabling or resetting oneself here.
    pub is_me: bool,
    /// Sign-in passwords and second-factor codes tried since the last sign-in (24 h).
    pub password_attempts: i64,
    pub code_attempts: i64,
    /// The day's limit of second-factor codes is reached.
    pub codes_stopped: bool,
}

/// `new_link` is the enrolment link just created, shown once to the administrator.
pub fn users(chrome: &Chrome, rows: &[UserRow], new_link: Option<&str>) -> Markup {
    page(
        chrome,
        "Utilizatori",
        "/users",
        html! {
            h1 { "Utilizatori" }
            @if let Some(link) = new_link {
                div.flash.flash-ok role="status" {
                    "Trimiteți persoanei acest link de activare (valabil 72 de ore, o singură dată): "
                    code { (link) }
                }
            }
            div.table-wrap { table {
                thead { tr {
                    th scope="col" { "E-mail" } th scope="col" { "Nume" } th scope="col" { "Rol" }
                    th scope="col" { "Stare" } th scope="col" { "Încercări de la ultima autentificare (24 h)" } th scope="col" { "Acțiuni" }
                } }
                tbody {
                    @for row in rows {
                        tr {
                            td { (row.user.email) }
                            td { (row.user.name) }
                            td { (row.user.role.label()) }
                            td { (status(row)) }
                            td { "parole: " (row.password_attempts) ", coduri: " (row.code_attempts) }
                            td { @if row.is_me { span.muted { "contul dumneavoastră (pagina Securitate)" } } @else { (actions(chrome, row.user)) } }
                        }
                    }
                }
            } }
            h2 { "Adaugă utilizator" }
            form.filters method="post" action="/users" {
                (csrf_field(chrome))
                div.field { label for="email" { "E-mail instituțional" } input type="email" id="email" name="email" required; }
                div.field { label for="name" { "Nume complet" } input type="text" id="name" name="name" required; }
                div.field {
                    label for="role" { "Rol" }
                    select id="role" name="role" {
                        option value="juridic" { "compartiment juridic" }
                        option value="inspector" { "inspector (doar citire)" }
                        option value="admin" { "administrator" }
                    }
                }
                button type="submit" { "Creează și generează linkul" }
            }
        },
    )
}

fn status(row: &UserRow) -> Markup {
    html! {
        @if row.user.disabled { span.badge.badge-muted { "dezactivat" } }
        @else if row.codes_stopped { span.badge.badge-bad { "al doilea factor oprit 24 h" } }
        @else if row.user.totp_secret.is_none() { span.badge.badge-muted { "neînrolat" } }
        @else if row.user.must_reenrol { span.badge.badge-bad { "a folosit un cod de rezervă" } }
        @else { span.badge.badge-ok { "activ" } }
    }
}

fn actions(chrome: &Chrome, user: &StaffUser) -> Markup {
    let toggle = if user.disabled {
        ("enable", "Reactivează")
    } else {
        ("disable", "Dezactivează")
    };
    use crate::domain::staff::Role;
    html! {
        form.inline method="post" action={ "/users/" (user.id) "/" (toggle.0) } {
            (csrf_field(chrome))
            button type="submit" { (toggle.1) }
        }
        form.inline method="post" action={ "/users/" (user.id) "/role" } {
            (csrf_field(chrome))
            label for={ "role" (user.id) } { "Rol" }
            select id={ "role" (user.id) } name="role" {
                @for role in [Role::Admin, Role::Juridic, Role::Inspector] {
                    option value=(role.as_str()) selected[role == user.role] { (role.label()) }
                }
            }
            button type="submit" { "Schimbă rolul" }
        }
        details {
            summary { "Resetează autentificarea în doi pași" }
            form method="post" action={ "/users/" (user.id) "/reset-2fa" } {
                (csrf_field(chrome))
                p { "Confirmați cu parola și codul dumneavoastră. Sesiunile persoanei se închid și primiți un link nou de activare." }
                div.field { label for={ "pw" (user.id) } { "Parola dumneavoastră" } input type="password" id={ "pw" (user.id) } name="password" required autocomplete="current-password"; }
                div.field { label for={ "code" (user.id) } { "Codul dumneavoastră" } input type="text" id={ "code" (user.id) } name="code" required inputmode="numeric" autocomplete="one-time-code"; }
                button type="submit" { "Resetează" }
            }
        }
    }
}

pub struct SecurityView<'a> {
    pub must_reenrol: bool,
    pub authenticator: &'a AuthenticatorSetup,
    pub recovery_left: usize,
    pub new_codes: Option<&'a [String]>,
    /// The private calendar feed's address.
    pub calendar_url: &'a str,
}

pub fn security(chrome: &Chrome, view: SecurityView) -> Markup {
    page(
        chrome,
        "Securitate",
        "/account/security",
        html! {
            div.narrow {
                h1 { "Securitatea contului" }
                @if view.must_reenrol {
                    div.flash.flash-error role="status" { "Ați folosit un cod de rezervă: configurați din nou aplicația de autentificare mai jos." }
                }
                @if let Some(codes) = view.new_codes {
                    h2 { "Codurile noi de rezervă" }
                    p { "Păstrați-le în siguranță; cele vechi nu mai funcționează și acestea nu vor mai fi afișate." }
                    (recovery_code_list(codes))
                }
                h2 { "Schimbarea parolei" }
                form method="post" action="/account/password" {
                    (csrf_field(chrome))
                    div.field { label for="current" { "Parola actuală" } input type="password" id="current" name="current" required autocomplete="current-password"; }
                    div.field { label for="new" { "Parola nouă (cel puțin 8 caractere)" } input type="password" id="new" name="new" required minlength="8" autocomplete="new-password"; }
                    div.field { label for="again" { "Parola nouă, încă o dată" } input type="password" id="again" name="again" required minlength="8" autocomplete="new-password"; }
                    button type="submit" { "Schimbă parola" }
                }
                h2 { "Aplicația de autentificare" }
                p { "Pentru un telefon nou: scanați codul cu aplicația nouă, apoi confirmați cu parola, cu un cod din aplicația folosită până acum (sau un cod de rezervă) și cu codul afișat de aplicația nouă." }
                form method="post" action="/account/totp" {
                    (csrf_field(chrome))
                    (authenticator_block(view.authenticator))
                    div.field { label for="totp-password" { "Parola actuală" } input type="password" id="totp-password" name="password" required autocomplete="current-password"; }
                    div.field { label for="totp-current" { "Codul din aplicația folosită acum (sau un cod de rezervă nefolosit)" } input type="text" id="totp-current" name="current_code" required autocomplete="off"; }
                    div.field { label for="totp-code" { "Codul din aplicația nouă" } input type="text" id="totp-code" name="code" required inputmode="numeric" autocomplete="one-time-code"; }
                    button type="submit" { "Înlocuiește aplicația" }
                }
                h2 { "Calendarul termenelor" }
                p { "Adăugați această adresă în Outlook, Google Calendar sau Thunderbird („abonare la calendar de pe internet”): termenele de judecată, termenul-limită D.E.N. și prelungirile apar și se actualizează singure. Adresa este personală; dacă a ajuns la altcineva, reînnoiți-o." }
                p { code.wrap { (view.calendar_url) } }
                form method="post" action="/account/calendar" {
                    (csrf_field(chrome))
                    button type="submit" { "Reînnoiește adresa (cea veche nu mai funcționează)" }
                }
                h2 { "Coduri de rezervă" }
                p { "Mai aveți " (view.recovery_left) " coduri nefolosite." }
                form method="post" action="/account/recovery" {
                    (csrf_field(chrome))
                    div.field { label for="recovery-password" { "Parola actuală" } input type="password" id="recovery-password" name="password" required autocomplete="current-password"; }
                    div.field { label for="recovery-code" { "Codul din aplicația de autentificare" } input type="text" id="recovery-code" name="code" required inputmode="numeric" autocomplete="one-time-code"; }
                    button type="submit" { "Generează coduri noi" }
                }
            }
        },
    )
}
