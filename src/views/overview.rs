//! The overview (Panou): campaign progress, statuses, localities, overdue schools and the
//! hearings of the next two weeks.

use maud::{Markup, html};

use super::den::{colour, date, days_phrase, status_badge};
use super::layout::{Chrome, page};
use crate::domain::cases::Hearing;
use crate::domain::den::Campaign;
use std::collections::HashMap;

use crate::domain::board::{BoardRow, LocalityBar};
use crate::domain::den::StatusKind;

pub struct OverviewView<'a> {
    pub campaign: Option<&'a Campaign>,
    pub days_to_deadline: Option<i64>,
    pub counts: &'a HashMap<StatusKind, u32>,
    pub progress: (u32, u32),
    pub chart: &'a [LocalityBar],
    pub dead_mail: i64,
    pub overdue: Vec<&'a BoardRow>,
    pub overdue_total: usize,
    pub hearings: &'a [Hearing],
}

pub fn overview(chrome: &Chrome, view: OverviewView) -> Markup {
    let counts = view.counts;
    let (with_account, concerned) = view.progress;
    // Per mille, drawn as an SVG width: the CSP forbids inline `style`, so a CSS width
    // would be ignored and the bar drawn full.
    let filled = (with_account * 1000).checked_div(concerned).unwrap_or(0);
    page(
        chrome,
        "Panou",
        "/",
        html! {
            @match view.campaign {
                Some(campaign) => {
                    h1 { "Campania „" (campaign.title) "” — termen-limită " (date(campaign.deadline)) }
                    p.summary { "(" (days_phrase(view.days_to_deadline.unwrap_or(0))) ")" }
                    svg.progress role="img" viewBox="0 0 1000 20" preserveAspectRatio="none" aria-label={ (with_account) " din " (concerned) " unități cu dosare au cont D.E.N." } {
                        rect.track x="0" y="0" width="1000" height="20" {}
                        rect.fill x="0" y="0" width=(filled) height="20" {}
                    }
                    p { strong { (with_account) " din " (concerned) } " unități cu dosare au cont D.E.N." }
                    ul.chips {
                        @for kind in StatusKind::ALL {
                            li { a class={ "st-" (kind.slug()) } href={ "/schools?stare=" (kind.slug()) } {
                                (kind.label()) " " strong { (counts.get(&kind).copied().unwrap_or(0)) }
                            } }
                        }
                    }
                    h2 { "Situația pe localități" }
                    (locality_chart(view.chart))
                }
                None => {
                    h1 { "Panou" }
                    p.flash.flash-error { "Nu există o campanie D.E.N. activă. Stabiliți termenul-limită în " a href="/settings" { "Setări" } "." }
                }
            }
            h2 { "Unități cu termen depășit (" (view.overdue_total) ")" }
            @if view.overdue.is_empty() {
                p { "Nicio unitate nu are termenul depășit." }
            } @else {
                div.table-wrap { table {
                    thead { tr {
                        th scope="col" { "Unitate" } th scope="col" { "Localitate" } th scope="col" { "Persoana desemnată" }
                        th scope="col" { "Pas curent" } th scope="col" { "Situație" }
                    } }
                    tbody { @for row in &view.overdue { tr {
                        td { a href={ "/schools/" (row.school.code) } { (row.school.name) } }
                        td { (row.school.locality.as_deref().unwrap_or("")) }
                        td { (row.school.designee.as_deref().unwrap_or("—")) }
                        td { (row.school.step.label()) }
                        td { (status_badge(row.status)) }
                    } } }
                } }
                @if view.overdue_total > view.overdue.len() {
                    p { a href="/schools?stare=depasit" { "Toate cele " (view.overdue_total) " unități cu termen depășit ›" } }
                }
            }
            @if view.dead_mail > 0 {
                h2 { "Mesaje nelivrate (" (view.dead_mail) ")" }
                p { a href="/outbox?status=dead" { "Vedeți mesajele nelivrate și reîncercați-le ›" } }
            }
            h2 { "Termene de judecată în următoarele 14 zile" }
            @if view.hearings.is_empty() {
                p { "Niciun termen cunoscut în următoarele 14 zile." }
            } @else {
                div.table-wrap { table {
                    thead { tr { th scope="col" { "Data" } th scope="col" { "Dosar" } th scope="col" { "Instanța" } th scope="col" { "Unitate" } } }
                    tbody { @for hearing in view.hearings { tr {
                        td { (date(hearing.on)) }
                        td { a href={ "/cases/" (hearing.case_id) } { (hearing.number) } }
                        td { (crate::domain::courts::display_name(&hearing.court)) }
                        td { @for (i, (code, name)) in hearing.schools.iter().enumerate() {
                            @if i > 0 { ", " }
                            a href={ "/schools/" (code) } { (name) }
                        } }
                    } } }
                } }
            }
        },
    )
}

/// The chart's row height, the width left for locality names, and the drawing's width.
const ROW: u32 = 26;
const LABEL: u32 = 210;
const WIDTH: u32 = 760;

/// Horizontal stacked bars, one per locality, in the status colours; each bar also says its
/// numbers in text so colour is never the only carrier.
fn locality_chart(bars: &[LocalityBar]) -> Markup {
    if bars.is_empty() {
        return html! { p { "Nicio unitate în campanie." } };
    }
    let largest = bars
        .iter()
        .map(LocalityBar::total)
        .max()
        .unwrap_or(1)
        .max(1);
    let scale = f64::from(WIDTH - LABEL - 60) / f64::from(largest);
    let height = ROW * bars.len() as u32 + 30;
    let legend_y = ROW * bars.len() as u32 + 12;
    html! {
        figure.chart {
            svg xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (WIDTH + 40) " " (height) } role="img" aria-labelledby="chart-title" {
                title id="chart-title" { "Unități pe localități și situație D.E.N." }
                @for (i, bar) in bars.iter().enumerate() {
                    @let y = i as u32 * ROW;
                    text x=(LABEL - 8) y=(y + 17) text-anchor="end" font-size="13" { (bar.locality) }
                    @let segments = segments(bar, scale);
                    @for (kind, n, x, w) in &segments {
                        rect x=(tenths(*x)) y=(y + 4) width=(tenths(*w)) height=(ROW - 8) fill=(colour(*kind)) {
                            title { (kind.label()) ": " (n) }
                        }
                    }
                    @let end = segments.last().map_or(f64::from(LABEL), |(_, _, x, w)| x + w);
                    text x=(tenths(end + 6.0)) y=(y + 17) font-size="12" { (bar.total()) }
                }
                @for (kind, x) in legend() {
                    rect x=(x) y=(legend_y) width="12" height="12" fill=(colour(kind)) {}
                    text x=(x + 16) y=(legend_y + 11) font-size="12" { (kind.label()) }
                }
            }
            figcaption.muted { "Primele " (bars.len()) " localități după numărul de unități cu dosare." }
        }
    }
}

/// A bar's coloured pieces, left to right: status, count, x and width.
fn segments(bar: &LocalityBar, scale: f64) -> Vec<(StatusKind, u32, f64, f64)> {
    let mut x = f64::from(LABEL);
    let mut pieces = Vec::new();
    for kind in StatusKind::ALL {
        let n = bar.counts.get(&kind).copied().unwrap_or(0);
        if n > 0 {
            let w = f64::from(n) * scale;
            pieces.push((kind, n, x, w));
            x += w;
        }
    }
    pieces
}

/// The legend's entries with their x, each after the previous label.
fn legend() -> Vec<(StatusKind, u32)> {
    let mut x = LABEL;
    StatusKind::ALL
        .into_iter()
        .map(|kind| {
            let at = x;
            x += 16 + 8 * kind.label().chars().count() as u32 + 14;
            (kind, at)
        })
        .collect()
}

/// A coordinate to one decimal, as SVG needs no more.
fn tenths(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}
