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

/// What every page shows around its content: who we are, and a one-time message.
#[derive(Debug, Clone, Default)]
pub struct Chrome {
    pub inspectorate: String,
    pub flash: Option<Flash>,
}

/// Navigation entries that exist so far: (path, label).
const NAV: &[(&str, &str)] = &[("/schools", "Unități"), ("/imports", "Importuri")];

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
                header.top {
                    a.brand href="/" { (chrome.inspectorate) " — Compartimentul Juridic" }
                    nav aria-label="Navigare principală" {
                        ul {
                            @for (path, label) in NAV {
                                li {
                                    @if current.starts_with(path) {
                                        a href=(path) aria-current="page" { (label) }
                                    } @else {
                                        a href=(path) { (label) }
                                    }
                                }
                            }
                        }
                    }
                }
                main {
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
