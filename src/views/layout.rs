use maud::{DOCTYPE, Markup, html};

/// A one-time message shown at the top of the next page.
#[derive(Debug, Clone, PartialEq)]
pub struct Flash {
    pub kind: FlashKind,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FlashKind {
    Success,
    Error,
}

impl FlashKind {
    fn class(self) -> &'static str {
        match self {
            FlashKind::Success => "flash flash-ok",
            FlashKind::Error => "flash flash-error",
        }
    }
}

/// What every page shows around its content: who we are, who is signed in, a one-time message.
#[derive(Debug, Clone, Default)]
pub struct Chrome {
    pub inspectorate: String,
    pub flash: Option<Flash>,
    pub user: Option<SignedIn>,
}

#[derive(Debug, Clone, Default)]
pub struct SignedIn {
    pub name: String,
    pub role: String,
    /// The session's CSRF token, for the logout form.
    pub csrf: String,
    pub can_write: bool,
    pub is_admin: bool,
}

impl Chrome {
    /// The same frame, showing who is signed in.
    pub fn signed_in(mut self, user: SignedIn) -> Chrome {
        self.user = Some(user);
        self
    }
}

/// The session's synchronizer token, carried by every POST form.
pub fn csrf_field(chrome: &Chrome) -> Markup {
    html! {
        @if let Some(user) = &chrome.user {
            input type="hidden" name="csrf" value=(user.csrf);
        }
    }
}

/// A message about the form just sent, read out by screen readers.
pub fn alert(message: Option<&str>) -> Markup {
    html! {
        @if let Some(message) = message { div.flash.flash-error role="alert" { (message) } }
    }
}

/// Navigation entries that exist so far: (path, label).
const NAV: &[(&str, &str)] = &[
    ("/", "Panou"),
    ("/schools", "Unități"),
    ("/cases", "Dosare"),
    ("/hearings", "Termene"),
    ("/imports", "Importuri"),
    ("/reports", "Rapoarte"),
    ("/outbox", "Mesaje"),
    ("/settings", "Setări"),
];

/// Whether a navigation entry is the current section.
fn is_current(current: &str, path: &str) -> bool {
    if path == "/" {
        current == "/"
    } else {
        current.starts_with(path)
    }
}

/// The page frame every staff page uses.
pub fn page(chrome: &Chrome, title: &str, current: &str, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="ro" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — isj-tracker" }
                link rel="stylesheet" href="/static/app.css";
            }
            body {
                a.skip-link href="#continut" { "Sari la conținut" }
                header.top {
                    a.brand href="/" { (chrome.inspectorate) " — Compartimentul Juridic" }
                    @if let Some(user) = &chrome.user {
                        nav aria-label="Navigare principală" {
                            ul {
                                @for (path, label) in NAV {
                                    li {
                                        @if is_current(current, path) {
                                            a href=(path) aria-current="page" { (label) }
                                        } @else {
                                            a href=(path) { (label) }
                                        }
                                    }
                                }
                                @if user.can_write {
                                    li { a href="/audit" aria-current=[current.starts_with("/audit").then_some("page")] { "Istoric modificări" } }
                                }
                                @if user.is_admin {
                                    li { a href="/users" aria-current=[current.starts_with("/users").then_some("page")] { "Utilizatori" } }
                                }
                            }
                        }
                        form.search role="search" method="get" action="/search" {
                            label.visually-hidden for="header-q" { "Caută" }
                            input type="search" id="header-q" name="q" maxlength="100" placeholder="Caută unitate, dosar, persoană";
                        }
                        form.signed-in method="post" action="/logout" {
                            span { (user.name) " · " (user.role) " · " }
                            a href="/account/security" { "Securitate" }
                            input type="hidden" name="csrf" value=(user.csrf);
                            button.link type="submit" { "Ieșire" }
                        }
                    }
                }
                main id="continut" tabindex="-1" {
                    @if let Some(flash) = &chrome.flash {
                        div class=(flash.kind.class()) role="status" { (flash.text) }
                    }
                    (content)
                }
                footer { "isj-tracker " (env!("CARGO_PKG_VERSION")) }
            }
        }
    }
}
