//! Login, second factor, enrolment (setup link) and recovery-code pages.

use maud::{Markup, PreEscaped, html};

use super::layout::{Chrome, alert, page};

pub fn login(chrome: &Chrome, csrf: &str, error: Option<&str>) -> Markup {
    page(
        chrome,
        "Autentificare",
        "/login",
        html! {
            div.narrow {
                h1 { "Autentificare" }
                (alert(error))
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
                (alert(error))
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

/// A new TOTP secret as the page shows it: QR, typed key, and sealed for the form.
pub struct AuthenticatorSetup {
    pub qr_svg: String,
    pub secret_base32: String,
    pub sealed_secret: String,
}

/// The QR code, the key to type instead, and the sealed secret; goes inside the form.
pub fn authenticator_block(setup: &AuthenticatorSetup) -> Markup {
    html! {
        input type="hidden" name="sealed_secret" value=(setup.sealed_secret);
        div.qr { (PreEscaped(&setup.qr_svg)) }
        p { "Cheie: " code id="totp-secret" { (setup.secret_base32) } }
    }
}

/// Recovery codes, shown once.
pub fn recovery_code_list(codes: &[String]) -> Markup {
    html! { ol id="recovery-codes" { @for code in codes { li { code { (code) } } } } }
}

pub struct EnrolmentView<'a> {
    pub token: &'a str,
    /// `None` for the first administrator: the form asks for e-mail and name.
    pub email: Option<&'a str>,
    pub authenticator: &'a AuthenticatorSetup,
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
                (alert(view.error))
                form method="post" action={ "/setup/" (view.token) } {
                    @if first_admin {
                        div.field { label for="email" { "Adresa de e-mail instituțională" } input type="email" id="email" name="email" required autocomplete="username"; }
                        div.field { label for="name" { "Numele complet" } input type="text" id="name" name="name" required autocomplete="name"; }
                    }
                    div.field { label for="password" { "Parola (cel puțin 8 caractere; o frază este ideală)" } input type="password" id="password" name="password" required minlength="8" autocomplete="new-password"; }
                    div.field { label for="password_again" { "Parola, încă o dată" } input type="password" id="password_again" name="password_again" required minlength="8" autocomplete="new-password"; }
                    h2 { "Autentificarea în doi pași" }
                    p { "Scanați codul QR cu aplicația de autentificare a telefonului (Google Authenticator, Authy etc.) sau introduceți manual cheia de mai jos, apoi scrieți codul de 6 cifre afișat." }
                    (authenticator_block(view.authenticator))
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
                (recovery_code_list(codes))
                p { a href="/login" { "Mergeți la autentificare" } }
            }
        },
    )
}
