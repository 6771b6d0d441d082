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
        .name(&format!("Termene — {}", view.inspectorate))
        .timezone(view.timezone.name())
        .done();
    for hearing in view.hearings {
        calendar.push(hearing_event(hearing, &view));
    }
    for hearing in view.cancelled {
        let mut event = hearing_event(hearing, &view);
        event
            .status(icalendar::EventStatus::Cancelled)
            .summary(&format!("Anulat — dosar {}", hearing.number));
        calendar.push(event.done());
    }
    if let Some(campaign) = view.campaign {
        let event = Event::new()
            .uid(&format!("campaign-{}-deadline@isj-tracker", campaign.id))
            .summary(&format!("Termen-limită D.E.N.: {}", campaign.title))
            .all_day(campaign.deadline)
            .url(&format!("{}/", view.base_url))
            .done();
        calendar.push(event);
    }
    for extension in view.extensions {
        let event = Event::new()
            .uid(&format!("extension-{}@isj-tracker", extension.school_code))
            .summary(&format!(
                "Termen D.E.N. prelungit: {}",
                extension.school_name
            ))
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
        .summary(&format!(
            "Termen: dosar {} ({})",
            hearing.number,
            courts::display_name(&hearing.court)
        ))
        .description(&format!(
            "Unități: {schools}\nStadiu: {}",
            hearing.stage.as_deref().unwrap_or("—")
        ))
        .location(&courts::display_name(&hearing.court))
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
