//! How D.E.N. statuses and steps look everywhere: a badge with text and colour.

use chrono::NaiveDate;
use maud::{Markup, html};

use crate::domain::den::{DenStatus, StatusKind};

pub fn status_badge(status: Option<DenStatus>) -> Markup {
    match status {
        Some(status) => {
            html! { span class={ "badge st-" (status.kind().slug()) } { (status.label()) } }
        }
        None => html! { span.badge.badge-muted { "fără campanie" } },
    }
}

/// `dd.mm.yyyy`.
pub fn date(on: NaiveDate) -> String {
    crate::domain::dates::show(on)
}

pub fn optional_date(on: Option<NaiveDate>) -> String {
    on.map(date).unwrap_or_default()
}

/// Fill colours of the chart, matching the badge colours in the stylesheet.
pub fn colour(kind: StatusKind) -> &'static str {
    match kind {
        StatusKind::OnTrack => "#1a7f37",
        StatusKind::DueSoon => "#d4a72c",
        StatusKind::Overdue => "#b42318",
        StatusKind::Done => "#0b5cad",
        StatusKind::Blocked => "#8c959f",
    }
}

/// "mai sunt 22 de zile" / "termenul a trecut de 3 zile" / "termenul este astăzi".
pub fn days_phrase(days: i64) -> String {
    match days {
        0 => "termenul este astăzi".into(),
        1 => "mai este o zi".into(),
        -1 => "termenul a trecut de o zi".into(),
        d if d > 1 => format!("mai sunt {}", crate::domain::text::days(d)),
        d => format!("termenul a trecut de {}", crate::domain::text::days(-d)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn romanian_numbers_with_de() {
        assert_eq!(days_phrase(22), "mai sunt 22 de zile");
        assert_eq!(days_phrase(7), "mai sunt 7 zile");
        assert_eq!(days_phrase(119), "mai sunt 119 zile");
        assert_eq!(days_phrase(-3), "termenul a trecut de 3 zile");
        assert_eq!(days_phrase(0), "termenul este astăzi");
    }
}
