//! The private iCalendar feed (RFC 5545): hearings, the campaign deadline and the schools'
//! extended deadlines. Each event's UID is stable, so a calendar that subscribed moves an
//! event when its time changes instead of adding a second one. No party names, ever.

use chrono::{NaiveDate, NaiveTime, TimeZone};
use chrono_tz::Tz;
use icalendar::{Calendar, CalendarDateTime, Component, Event, EventLike};

use crate::domain::cases::Hearing;
use crate::domain::courts;
use crate::domain::den::Campaign;

/// A school's deadline moved past the campaign's.
pub struct ExtendedDeadline {
    pub school_code: String,
    pub school_name: String,
    pub until: NaiveDate,
}

pub struct FeedView<'a> {
    pub inspectorate: &'a str,
    pub hearings: &'a [Hearing],
    /// Hearings deleted or marked wrong: their events are cancelled under the same UID.
    pub cancelled: &'a [Hearing],
    pub campaign: Option<&'a Campaign>,
    pub extensions: &'a [ExtendedDeadline],
    pub timezone: Tz,
    /// Where the events link to.
    pub base_url: &'a str,
}

/// How long a hearing is shown in a calendar when only its start is known.
const HEARING_MINUTES: i64 = 60;

pub fn feed(view: FeedView) -> String {
    let mut calendar = Calendar::new()
        .name(&text(&format!("Termene — {}", view.inspectorate)))
        .timezone(view.timezone.name())
        .done();
    for hearing in view.hearings {
        calendar.push(hearing_event(hearing, &view));
    }
    for hearing in view.cancelled {
        let mut event = hearing_event(hearing, &view);
        event
            .status(icalendar::EventStatus::Cancelled)
            .summary(&text(&format!("Anulat — dosar {}", hearing.number)));
        calendar.push(event.done());
    }
    if let Some(campaign) = view.campaign {
        let event = Event::new()
            .uid(&format!("campaign-{}-deadline@isj-tracker", campaign.id))
            .summary(&text(&format!("Termen-limită D.E.N.: {}", campaign.title)))
            .all_day(campaign.deadline)
            .url(&format!("{}/", view.base_url))
            .done();
        calendar.push(event);
    }
    for extension in view.extensions {
        let event = Event::new()
            .uid(&format!("extension-{}@isj-tracker", extension.school_code))
            .summary(&text(&format!(
                "Termen D.E.N. prelungit: {}",
                extension.school_name
            )))
            .all_day(extension.until)
            .url(&format!(
                "{}/schools/{}",
                view.base_url, extension.school_code
            ))
            .done();
        calendar.push(event);
    }
    calendar.to_string()
}

/// RFC 5545 TEXT holds no control character but the tab, and the writer escapes only line
/// feeds: a carriage return (old data, the portal's `&#13;`) or any other control would end
/// the line and start a property of its own, so it becomes a space; invisible characters go.
fn text(value: &str) -> String {
    value
        .replace("\r\n", "\n")
        .chars()
        .filter(|c| !crate::domain::text::is_invisible(*c))
        .map(|c| {
            let line_breaking = c.is_control() && c != '\n' && c != '\t';
            if line_breaking || matches!(c, '\u{2028}' | '\u{2029}') {
                ' '
            } else {
                c
            }
        })
        .collect()
}

fn hearing_event(hearing: &Hearing, view: &FeedView) -> Event {
    let schools = hearing
        .schools
        .iter()
        .map(|(_, name)| name.as_str())
        .collect::<Vec<_>>()
        .join("; ");
    let mut event = Event::new();
    event
        .uid(&format!("hearing-{}@isj-tracker", hearing.hearing_id))
        .summary(&text(&format!(
            "Termen: dosar {} ({})",
            hearing.number,
            courts::display_name(&hearing.court)
        )))
        .description(&text(&format!(
            "Unități: {schools}\nStadiu: {}",
            hearing.stage.as_deref().unwrap_or("—")
        )))
        .location(&text(&courts::display_name(&hearing.court)))
        .url(&format!("{}/cases/{}", view.base_url, hearing.case_id));
    let start = NaiveTime::parse_from_str(&hearing.time, "%H:%M")
        .ok()
        .and_then(|time| {
            view.timezone
                .from_local_datetime(&hearing.on.and_time(time))
                .earliest()
        });
    match start {
        Some(start) => {
            let end = start + chrono::Duration::minutes(HEARING_MINUTES);
            event
                .starts(CalendarDateTime::from_date_time(start))
                .ends(CalendarDateTime::from_date_time(end));
        }
        None => {
            event.all_day(hearing.on);
        }
    }
    event.done()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_control_character_reaches_the_feed() {
        let hearing = Hearing {
            hearing_id: 1,
            on: chrono::NaiveDate::from_ymd_opt(2026, 12, 10).unwrap_or_default(),
            time: "09:00".into(),
            stage: Some("Fond\rSUMMARY:INJECTED\u{0}\u{1b}\r\nx".into()),
            case_id: 1,
            number: "1/97/2026".into(),
            court: "97".into(),
            schools: vec![("1".into(), "Școala\r\u{202E}X".into())],
        };
        let feed = feed(FeedView {
            inspectorate: "ISJ\rHunedoara",
            hearings: std::slice::from_ref(&hearing),
            cancelled: &[],
            campaign: None,
            extensions: &[],
            timezone: chrono_tz::Europe::Bucharest,
            base_url: "https://isj.test",
        });
        let bare_cr = feed
            .match_indices('\r')
            .any(|(i, _)| feed.as_bytes().get(i + 1) != Some(&b'\n'));
        assert!(!bare_cr, "{feed:?}");
        assert!(!feed.contains('\u{0}') && !feed.contains('\u{1b}'));
        assert!(!feed.contains("\r\nSUMMARY:INJECTED"));
    }
}
