//! Settings: the D.E.N. campaign deadline (reminder rules join it with the mail issue).

use maud::{Markup, html};

use super::den::date;
use super::layout::{Chrome, csrf_field, page as layout};
use crate::db::den::{Campaign, DEFAULT_TITLE};

pub fn page(chrome: &Chrome, campaign: Option<&Campaign>) -> Markup {
    let can_write = chrome.user.as_ref().is_some_and(|u| u.can_write);
    layout(
        chrome,
        "Setări",
        "/settings",
        html! {
            h1 { "Setări" }
            h2 { "Campania D.E.N." }
            @match campaign {
                Some(c) => p { "Campania activă: „" (c.title) "”, termen-limită " strong { (date(c.deadline)) } "." },
                None => p { "Nu există încă o campanie activă." },
            }
            @if can_write {
                form.narrow method="post" action="/settings/campaign" {
                    (csrf_field(chrome))
                    div.field {
                        label for="title" { "Titlul campaniei" }
                        input id="title" name="title" maxlength="200" value=(campaign.map_or(DEFAULT_TITLE, |c| c.title.as_str()));
                    }
                    div.field {
                        label for="deadline" { "Termen-limită pentru constituirea contului D.E.N." }
                        input type="date" id="deadline" name="deadline" required value=(campaign.map(|c| c.deadline.format("%Y-%m-%d").to_string()).unwrap_or_default());
                    }
                    button type="submit" { "Salvează termenul" }
                }
                p.muted { "Schimbarea termenului se vede imediat în Panou și în lista unităților; prelungirile pe unitate rămân valabile dacă sunt după noul termen." }
            }
        },
    )
}
