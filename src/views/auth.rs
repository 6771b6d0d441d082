//! Login, second factor, enrolment (setup link) and recovery-code pages.

use maud::{Markup, PreEscaped, html};

use super::layout::{Chrome, page};

pub fn login(chrome: &Chrome, csrf: &str, error: Option<&str>) -> Markup {
    page(
        chrome,
        "Autentificare",
        "/login",
        html! {
            div.narrow {
                h1 { "Autentificare" }
                @if let Some(error) = error { div.flash.flash-error role="alert" { (error) } }
                form method="post" action="/login" {
                    input type="hidden" name="csrf" value=(csrf);
                    div.field { label for="email" { "Adresa de e-mail" } input type="email" id="email" name="email" required autocomplete="username"; }
                    div.field { label for="password" { "Parola" } input type="password" id="password" name="password" required autocomplete="current-password"; }
                    button type="submit" { "Continuă" }
                }
            }
        },
    )
}

pub fn second_factor(chrome: &Chrome, csrf: &str, error: Option<&str>) -> Markup {
    page(
        chrome,
        "Cod de verificare",
        "/login",
        html! {
            div.narrow {
                h1 { "Cod de verificare" }
                p { "Introduceți codul de 6 cifre din aplicația de autentificare (Google Authenticator, Authy etc.) sau unul dintre codurile de rezervă." }
                @if let Some(error) = error { div.flash.flash-error role="alert" { (error) } }
                form method="post" action="/login/totp" {
                    input type="hidden" name="csrf" value=(csrf);
                    div.field {
                        label for="code" { "Cod" }
                        input type="text" id="code" name="code" required autocomplete="one-time-code" inputmode="numeric" autofocus;
                    }
                    button type="submit" { "Autentificare" }
                }
            }
        },
    )
}

pub struct EnrolmentView<'a> {
    pub token: &'a str,
    /// `None` for the first administrator: the form asks for e-mail and name.
    pub email: Option<&'a str>,
    pub qr_svg: &'a str,
    pub secret_base32: &'a str,
    pub sealed_secret: &'a str,
    pub error: Option<&'a str>,
}

pub fn enrolment(chrome: &Chrome, view: EnrolmentView) -> Markup {
    let first_admin = view.email.is_none();
    page(
        chrome,
        "Activare cont",
        "/setup",
        html! {
            div.narrow {
                h1 { @if first_admin { "Primul administrator" } @else { "Activarea contului " (view.email.unwrap_or("")) } }
                @if let Some(error) = view.error { div.flash.flash-error role="alert" { (error) } }
                form method="post" action={ "/setup/" (view.token) } {
                    input type="hidden" name="sealed_secret" value=(view.sealed_secret);
                    @if first_admin {
                        div.field { label for="email" { "Adresa de e-mail instituțională" } input type="email" id="email" name="email" required autocomplete="username"; }
                        div.field { label for="name" { "Numele complet" } input type="text" id="name" name="name" required autocomplete="name"; }
                    }
                    div.field { label for="password" { "Parola (cel puțin 8 caractere; o frază este ideală)" } input type="password" id="password" name="password" required minlength="8" autocomplete="new-password"; }
                    div.field { label for="password_again" { "Parola, încă o dată" } input type="password" id="password_again" name="password_again" required minlength="8" autocomplete="new-password"; }
                    h2 { "Autentificarea în doi pași" }
                    p { "Scanați codul QR cu aplicația de autentificare a telefonului (Google Authenticator, Authy etc.) sau introduceți manual cheia de mai jos, apoi scrieți codul de 6 cifre afișat." }
                    div.qr { (PreEscaped(view.qr_svg)) }
                    p { "Cheie: " code id="totp-secret" { (view.secret_base32) } }
                    div.field { label for="code" { "Codul de 6 cifre din aplicație" } input type="text" id="code" name="code" required inputmode="numeric" autocomplete="one-time-code"; }
                    button type="submit" { "Activează contul" }
                }
            }
        },
    )
}

pub fn recovery_codes(chrome: &Chrome, codes: &[String]) -> Markup {
    page(
        chrome,
        "Coduri de rezervă",
        "/setup",
        html! {
            div.narrow {
                h1 { "Contul este activ" }
                p { "Păstrați în siguranță aceste coduri de rezervă. Fiecare poate fi folosit o singură dată, în locul codului din aplicație, dacă pierdeți telefonul. Nu vor mai fi afișate." }
                ol id="recovery-codes" { @for code in codes { li { code { (code) } } } }
                p { a href="/login" { "Mergeți la autentificare" } }
            }
        },
    )
}
