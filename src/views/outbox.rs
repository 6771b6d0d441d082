//! The outbox page: what is queued, sent, failed for good; failed mail can be retried.

use chrono_tz::Tz;
use maud::{Markup, html};

use super::format_datetime;
use super::layout::{Chrome, csrf_field, page};
use crate::domain::outbox::{OutboxRow, OutboxStatus};

pub struct OutboxView<'a> {
    pub counts: &'a [(OutboxStatus, i64)],
    pub status: Option<OutboxStatus>,
    pub rows: &'a [OutboxRow],
    /// The id the next (older) page starts below, when there is one.
    pub older: Option<i32>,
    pub first_page: bool,
    pub transport: &'a str,
    pub timezone: Tz,
}

pub fn outbox(chrome: &Chrome, view: OutboxView) -> Markup {
    let count = |status: OutboxStatus| {
        view.counts
            .iter()
            .find(|(s, _)| *s == status)
            .map_or(0, |(_, n)| *n)
    };
    let can_write = chrome.user.as_ref().is_some_and(|u| u.can_write);
    let page_link = |before: Option<i32>| {
        let mut query: Vec<String> = Vec::new();
        if let Some(status) = view.status {
            query.push(format!("status={}", status.as_str()));
        }
        if let Some(id) = before {
            query.push(format!("before={id}"));
        }
        format!("/outbox?{}", query.join("&"))
    };
    page(
        chrome,
        "Mesaje",
        "/outbox",
        html! {
            h1 { "Mesaje" }
            p.muted { "Mesajele către unități pleacă doar în zilele lucrătoare, între 08:00 și 18:00. Livrare: " (view.transport) "." }
            ul.chips {
                li { a href="/outbox" aria-current=(view.status.is_none()) { "Toate" } }
                @for status in OutboxStatus::ALL {
                    li { a href={ "/outbox?status=" (status.as_str()) } aria-current=(view.status == Some(status)) { (status.label()) " " strong { (count(status)) } } }
                }
            }
            @if view.rows.is_empty() {
                p { "Niciun mesaj." }
            } @else {
                div.table-wrap { table {
                    thead { tr {
                        th scope="col" { "Creat" } th scope="col" { "Către" } th scope="col" { "Subiect" } th scope="col" { "Stare" }
                        th scope="col" { "Încercări" } th scope="col" { "Trimis / următoarea încercare" } th scope="col" { "Ultima eroare" }
                    } }
                    tbody { @for row in view.rows { tr {
                        td { (format_datetime(row.created_at, view.timezone)) }
                        td { (row.recipient) }
                        td { (row.subject) }
                        td { span class={ "badge " (match row.status { OutboxStatus::Dead => "badge-bad", OutboxStatus::Sent => "badge-ok", _ => "badge-muted" }) } { (row.status.label()) } }
                        td { (row.attempts) }
                        td {
                            @if let Some(sent) = row.sent_at { (format_datetime(sent, view.timezone)) }
                            @else if row.status == OutboxStatus::Pending { (format_datetime(row.next_attempt_at, view.timezone)) }
                        }
                        td {
                            (row.last_error.as_deref().unwrap_or(""))
                            @if row.status == OutboxStatus::Dead && can_write {
                                form.inline method="post" action={ "/outbox/" (row.id) "/retry" } {
                                    (csrf_field(chrome))
                                    " " button type="submit" { "Reîncearcă" }
                                }
                            }
                        }
                    } } }
                } }
            }
            @if view.older.is_some() || !view.first_page {
                nav.pagination aria-label="Pagini" {
                    @if !view.first_page { a href=(page_link(None)) { "« Cele mai noi" } }
                    @if let Some(id) = view.older { a rel="next" href=(page_link(Some(id))) { "Mai vechi ›" } }
                }
            }
        },
    )
}
