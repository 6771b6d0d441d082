//! What mail is due on a given day: the reminder rules applied to each school's campaign
//! state. Pure: every item has a key that names it for good, so a pass that runs twice, late,
//! or after a restart finds the same keys and the outbox sends each item once.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use super::calendar::{working_day_on_or_before, working_days_between};
use super::den::{DenStatus, DenStep};

/// The rules the legal department edits in Settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReminderRules {
    /// Days before the deadline at which schools get a reminder (largest first).
    pub offsets: Vec<i64>,
    /// An overdue notice every this many working days after the deadline.
    pub overdue_every: i64,
    /// Working days after the deadline before the legal department is told.
    pub escalation_after: i64,
    /// Days before a known hearing at which the school is reminded.
    pub hearing_days: i64,
}

impl ReminderRules {
    /// The rules in words, for the change log.
    pub fn describe(&self) -> String {
        let offsets: Vec<String> = self.offsets.iter().map(i64::to_string).collect();
        format!(
            "memento-uri cu {} zile înainte de termen; notificare de întârziere la {} zile lucrătoare; escaladare după {} zile lucrătoare; memento de ședință cu {} zile înainte",
            offsets.join(", "),
            self.overdue_every,
            self.escalation_after,
            self.hearing_days
        )
    }
}

impl Default for ReminderRules {
    fn default() -> Self {
        ReminderRules {
            offsets: vec![14, 7, 3, 1],
            overdue_every: 5,
            escalation_after: 5,
            hearing_days: 3,
        }
    }
}

impl ReminderRules {
    /// Checks values typed in Settings: offsets 1–90 days, intervals 1–30.
    pub fn validated(mut self) -> Result<ReminderRules, String> {
        self.offsets.sort_unstable_by(|a, b| b.cmp(a));
        self.offsets.dedup();
        if self.offsets.is_empty() || self.offsets.iter().any(|o| !(1..=90).contains(o)) {
            return Err("zilele dinaintea termenului trebuie să fie între 1 și 90".into());
        }
        for (value, what) in [
            (self.overdue_every, "intervalul notificărilor de depășire"),
            (self.escalation_after, "termenul de escaladare"),
            (self.hearing_days, "zilele dinaintea termenului de judecată"),
        ] {
            if !(1..=30).contains(&value) {
                return Err(format!("{what} trebuie să fie între 1 și 30"));
            }
        }
        Ok(self)
    }
}

/// A school's people: the official address from SIIIR and the designee's.
#[derive(Debug, Clone, PartialEq)]
pub struct Contacts {
    pub school_email: Option<String>,
    pub designee_email: Option<String>,
}

impl Contacts {
    fn addresses(&self) -> Vec<String> {
        let mut all: Vec<String> = [&self.school_email, &self.designee_email]
            .into_iter()
            .flatten()
            .map(|e| e.trim().to_lowercase())
            .filter(|e| e.contains('@'))
            .collect();
        all.dedup();
        all
    }
}

/// One PJ's campaign state on the day of the pass.
#[derive(Debug, Clone, PartialEq)]
pub struct SchoolState {
    pub code: String,
    pub name: String,
    pub status: DenStatus,
    pub due: NaiveDate,
    pub step: DenStep,
    /// The current designee's id, if any, and whether the school confirmed it.
    pub designee: Option<(i32, bool)>,
    pub contacts: Contacts,
    /// Until when the designee's criminal-record certificate is valid, if one is recorded.
    pub cazier_until: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Hearing {
    pub case_id: i32,
    pub number: String,
    pub court: String,
    pub on: NaiveDate,
    pub school_code: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ItemKind {
    /// Ask the school to confirm or name its designee (also for schools without cases).
    ConfirmDesignee,
    Reminder {
        days_left: i64,
    },
    Overdue {
        days: i64,
    },
    /// To the legal department (and the director): still overdue after the grace period.
    Escalation {
        days: i64,
    },
    Hearing {
        number: String,
        court: String,
        on: NaiveDate,
    },
    /// The designee's criminal-record certificate expires soon.
    CazierExpiry {
        until: NaiveDate,
    },
}

impl ItemKind {
    /// Deadline and escalation mail cannot be refused; hearing reminders can.
    pub fn critical(&self) -> bool {
        !matches!(self, ItemKind::Hearing { .. })
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            ItemKind::ConfirmDesignee => "confirm",
            ItemKind::Reminder { .. } => "reminder",
            ItemKind::Overdue { .. } => "overdue",
            ItemKind::Escalation { .. } => "escalation",
            ItemKind::Hearing { .. } => "hearing",
            ItemKind::CazierExpiry { .. } => "cazier",
        }
    }
}

/// Item kinds that name a school's deadline: a new deadline or extension withdraws them.
pub const DEADLINE_ITEMS: &[&str] = &["reminder", "overdue", "escalation"];

/// Item kinds that speak of the designee: a new designee withdraws them.
pub const DESIGNEE_ITEMS: &[&str] = &["confirm", "reminder", "overdue", "escalation"];

/// Who a mail goes to: the school's people get action links, the legal department gets links
/// to the staff pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Audience {
    School,
    Legal,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DueItem {
    /// Names the item for good: `reminder:{school}:{campaign}:{offset}:{deadline}` and the like.
    pub key: String,
    pub school_code: String,
    pub school_name: String,
    pub kind: ItemKind,
    pub due: NaiveDate,
    pub step: DenStep,
    pub recipients: Vec<(String, Audience)>,
}

/// Everything due on `today` for one campaign. Call it on working days only; the caller
/// drops keys already mailed.
pub fn due_items(
    campaign_id: i32,
    rules: &ReminderRules,
    schools: &[SchoolState],
    hearings: &[Hearing],
    legal_email: Option<&str>,
    today: NaiveDate,
) -> Vec<DueItem> {
    let mut items = Vec::new();
    for school in schools {
        let item = |key: String, kind: ItemKind, recipients: Vec<(String, Audience)>| DueItem {
            key,
            school_code: school.code.clone(),
            school_name: school.name.clone(),
            kind,
            due: school.due,
            step: school.step,
            recipients,
        };
        let to_school: Vec<(String, Audience)> = school
            .contacts
            .addresses()
            .into_iter()
            .map(|a| (a, Audience::School))
            .collect();
        // Asked for once, 14 days ahead, whatever the campaign status.
        if let Some(until) = school.cazier_until
            && !to_school.is_empty()
            && today <= until
            && (until - today).num_days() <= super::designee::CAZIER_REMINDER_DAYS
        {
            items.push(item(
                format!("cazier:{}:{until}", school.code),
                ItemKind::CazierExpiry { until },
                to_school.clone(),
            ));
        }
        if school.status == DenStatus::Done || to_school.is_empty() && legal_email.is_none() {
            continue;
        }
        if !matches!(school.designee, Some((_, true))) && !to_school.is_empty() {
            let version = school.designee.map_or(0, |(id, _)| id);
            items.push(item(
                format!("confirm:{}:{campaign_id}:{version}", school.code),
                ItemKind::ConfirmDesignee,
                to_school.clone(),
            ));
        }
        if school.status == DenStatus::Blocked {
            continue;
        }
        if today <= school.due {
            let days_left = (school.due - today).num_days();
            let offset = rules
                .offsets
                .iter()
                .copied()
                .filter(|o| working_day_on_or_before(school.due - Duration::days(*o)) <= today)
                .min();
            if let (Some(offset), false) = (offset, to_school.is_empty()) {
                let key = format!(
                    "reminder:{}:{campaign_id}:{offset}:{}",
                    school.code, school.due
                );
                items.push(item(
                    key,
                    ItemKind::Reminder { days_left },
                    to_school.clone(),
                ));
            }
            continue;
        }
        let late = working_days_between(school.due, today);
        let days = (today - school.due).num_days();
        if late >= 1 && !to_school.is_empty() {
            let notice = (late - 1) / rules.overdue_every.max(1);
            let key = format!(
                "overdue:{}:{campaign_id}:{}:{notice}",
                school.code, school.due
            );
            items.push(item(key, ItemKind::Overdue { days }, to_school.clone()));
        }
        if late >= rules.escalation_after {
            let mut recipients: Vec<(String, Audience)> = legal_email
                .map(|l| (l.trim().to_lowercase(), Audience::Legal))
                .into_iter()
                .collect();
            recipients.extend(
                school
                    .contacts
                    .school_email
                    .iter()
                    .map(|e| (e.trim().to_lowercase(), Audience::School)),
            );
            let key = format!("escalation:{}:{campaign_id}:{}", school.code, school.due);
            items.push(item(key, ItemKind::Escalation { days }, recipients));
        }
    }
    for hearing in hearings {
        let Some(school) = schools.iter().find(|s| s.code == hearing.school_code) else {
            continue;
        };
        let to_school: Vec<(String, Audience)> = school
            .contacts
            .addresses()
            .into_iter()
            .map(|a| (a, Audience::School))
            .collect();
        if today < hearing.on
            && hearing.on - today <= Duration::days(rules.hearing_days)
            && !to_school.is_empty()
        {
            items.push(DueItem {
                key: format!("hearing:{}:{}:{}", hearing.case_id, school.code, hearing.on),
                school_code: school.code.clone(),
                school_name: school.name.clone(),
                kind: ItemKind::Hearing {
                    number: hearing.number.clone(),
                    court: hearing.court.clone(),
                    on: hearing.on,
                },
                due: school.due,
                step: school.step,
                recipients: to_school,
            });
        }
    }
    items
}

/// When the weekly D.E.N. report is written and mailed (local time).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WeeklySchedule {
    /// 1 = Monday … 7 = Sunday.
    pub weekday: u32,
    pub hour: u32,
    pub minute: u32,
}

/// Days of the week in Romanian, Monday first.
pub const WEEKDAYS: [&str; 7] = [
    "luni",
    "marți",
    "miercuri",
    "joi",
    "vineri",
    "sâmbătă",
    "duminică",
];

impl WeeklySchedule {
    /// `luni, 08:00`.
    pub fn describe(&self) -> String {
        let day = WEEKDAYS
            .get(self.weekday.saturating_sub(1) as usize)
            .copied()
            .unwrap_or("?");
        format!("{day}, {:02}:{:02}", self.hour, self.minute)
    }
}

impl Default for WeeklySchedule {
    fn default() -> Self {
        WeeklySchedule {
            weekday: 1,
            hour: 8,
            minute: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::calendar::is_working_day;
    use crate::domain::den;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    fn school(
        code: &str,
        cases: bool,
        step: DenStep,
        designee: Option<(i32, bool)>,
        due: NaiveDate,
        today: NaiveDate,
    ) -> SchoolState {
        SchoolState {
            cazier_until: None,
            code: code.into(),
            name: format!("Școala {code}"),
            status: den::status(cases, step == DenStep::Reported, due, today),
            due,
            step,
            designee,
            contacts: Contacts {
                school_email: Some(format!("scoala{code}@exemplu.ro")),
                designee_email: Some("Director@Exemplu.ro".into()),
            },
        }
    }

    /// Every key one school gets over `days` daily passes (working days only), in order.
    fn month(
        cases: bool,
        designee: Option<(i32, bool)>,
        from: NaiveDate,
        days: i64,
        due: NaiveDate,
    ) -> Vec<(NaiveDate, String)> {
        let rules = ReminderRules::default();
        let mut sent: Vec<(NaiveDate, String)> = Vec::new();
        for today in from
            .iter_days()
            .take(days as usize)
            .filter(|d| is_working_day(*d))
        {
            let state = school("1", cases, DenStep::AccessRequested, designee, due, today);
            for item in due_items(7, &rules, &[state], &[], Some("juridic@isj.ro"), today) {
                if !sent.iter().any(|(_, k)| *k == item.key) {
                    sent.push((today, item.key));
                }
            }
        }
        sent
    }

    #[test]
    fn reminders_overdue_and_escalation_once_each() {
        // Deadline Tuesday 15.12.2026; 01.12 is a holiday.
        let sent = month(true, Some((3, true)), d(2026, 11, 25), 40, d(2026, 12, 15));
        let keys: Vec<&str> = sent.iter().map(|(_, k)| k.as_str()).collect();
        assert_eq!(
            keys,
            vec![
                "reminder:1:7:14:2026-12-15",
                "reminder:1:7:7:2026-12-15",
                "reminder:1:7:3:2026-12-15",
                "reminder:1:7:1:2026-12-15",
                "overdue:1:7:2026-12-15:0",
                "escalation:1:7:2026-12-15",
                "overdue:1:7:2026-12-15:1",
                "overdue:1:7:2026-12-15:2",
            ]
        );
        assert_eq!(
            sent[0].0,
            d(2026, 11, 27),
            "14 days before is 1 December, a holiday: the working day before"
        );
        assert_eq!(
            sent[2].0,
            d(2026, 12, 11),
            "3 days before is a Saturday: the Friday"
        );
        assert_eq!(sent[1].0, d(2026, 12, 8));
        assert_eq!(sent[3].0, d(2026, 12, 14));
        assert_eq!(
            sent[4].0,
            d(2026, 12, 16),
            "first working day after the deadline"
        );
        // Five working days late: 16, 17, 18, 21, 22 December.
        assert_eq!(sent[5].0, d(2026, 12, 22));
        // The next notice five working days after the first: 23 (+24) … 25–26 are holidays.
        assert_eq!(sent[6].0, d(2026, 12, 23));
    }

    #[test]
    fn blocked_schools_only_get_the_confirmation_request() {
        let sent = month(false, None, d(2026, 11, 25), 40, d(2026, 12, 15));
        assert_eq!(
            sent.iter().map(|(_, k)| k.as_str()).collect::<Vec<_>>(),
            vec!["confirm:1:7:0"]
        );
        assert!(month(false, Some((9, true)), d(2026, 11, 25), 40, d(2026, 12, 15)).is_empty());
    }

    #[test]
    fn a_missed_week_catches_up_with_the_latest_reminder_only() {
        let rules = ReminderRules::default();
        let state = school(
            "1",
            true,
            DenStep::NoCase,
            Some((1, true)),
            d(2026, 12, 15),
            d(2026, 12, 9),
        );
        let keys: Vec<String> = due_items(7, &rules, &[state], &[], None, d(2026, 12, 9))
            .into_iter()
            .map(|i| i.key)
            .collect();
        assert_eq!(keys, vec!["reminder:1:7:7:2026-12-15"]);
    }

    #[test]
    fn hearings_and_recipients() {
        let rules = ReminderRules::default();
        let state = school(
            "1",
            true,
            DenStep::AccessRequested,
            Some((1, true)),
            d(2027, 1, 30),
            d(2026, 12, 2),
        );
        let hearing = Hearing {
            case_id: 5,
            number: "12/97/2026".into(),
            court: "TribunalulHUNEDOARA".into(),
            on: d(2026, 12, 4),
            school_code: "1".into(),
        };
        let items = due_items(
            7,
            &rules,
            std::slice::from_ref(&state),
            std::slice::from_ref(&hearing),
            None,
            d(2026, 12, 2),
        );
        let item = items
            .iter()
            .find(|i| i.key == "hearing:5:1:2026-12-04")
            .expect("hearing reminder");
        assert!(!item.kind.critical());
        assert_eq!(
            item.recipients
                .iter()
                .map(|(a, _)| a.as_str())
                .collect::<Vec<_>>(),
            vec!["scoala1@exemplu.ro", "director@exemplu.ro"]
        );
        assert!(
            due_items(7, &rules, &[state], &[hearing], None, d(2026, 11, 30))
                .iter()
                .all(|i| !i.key.starts_with("hearing"))
        );
    }

    #[test]
    fn rules_are_validated() {
        let rules = ReminderRules {
            offsets: vec![3, 14, 3, 7],
            ..ReminderRules::default()
        }
        .validated();
        assert_eq!(rules.map(|r| r.offsets), Ok(vec![14, 7, 3]));
        assert!(
            ReminderRules {
                offsets: vec![0],
                ..ReminderRules::default()
            }
            .validated()
            .is_err()
        );
        assert!(
            ReminderRules {
                overdue_every: 0,
                ..ReminderRules::default()
            }
            .validated()
            .is_err()
        );
    }

    #[test]
    fn a_cazier_is_recalled_once_fourteen_days_ahead_even_when_done() {
        let rules = ReminderRules::default();
        let until = d(2027, 1, 20);
        let keys = |today: NaiveDate| {
            let mut state = school(
                "1",
                true,
                DenStep::Reported,
                Some((3, true)),
                d(2026, 12, 15),
                today,
            );
            state.status = DenStatus::Done;
            state.cazier_until = Some(until);
            due_items(7, &rules, &[state], &[], None, today)
                .into_iter()
                .map(|i| i.key)
                .collect::<Vec<_>>()
        };
        assert!(keys(d(2027, 1, 5)).is_empty(), "15 days ahead: not yet");
        assert_eq!(keys(d(2027, 1, 6)), vec!["cazier:1:2027-01-20".to_string()]);
        assert_eq!(
            keys(d(2027, 1, 15)),
            keys(d(2027, 1, 6)),
            "the same key: mailed once"
        );
        assert!(
            keys(d(2027, 1, 21)).is_empty(),
            "expired: nothing more to ask"
        );
    }
}

/// The week's key once the scheduled moment of that week has passed (local time).
pub fn due_week(
    schedule: WeeklySchedule,
    at: chrono::DateTime<chrono::Utc>,
    tz: chrono_tz::Tz,
) -> Option<String> {
    use chrono::Datelike;
    let local = at.with_timezone(&tz);
    let planned = chrono::NaiveTime::from_hms_opt(schedule.hour, schedule.minute, 0)?;
    let weekday = local.weekday().number_from_monday();
    let passed =
        weekday > schedule.weekday || (weekday == schedule.weekday && local.time() >= planned);
    let week = local.iso_week();
    passed.then(|| format!("{}-W{:02}", week.year(), week.week()))
}

#[cfg(test)]
mod weekly_tests {
    use super::*;
    use chrono::DateTime;

    #[test]
    fn the_week_is_due_after_its_local_moment() {
        let tz = chrono_tz::Europe::Bucharest;
        let at = |s: &str| {
            DateTime::parse_from_rfc3339(s)
                .map(|t| t.to_utc())
                .unwrap_or_default()
        };
        let monday_8 = WeeklySchedule::default();
        assert_eq!(
            due_week(monday_8, at("2026-10-26T05:59:00Z"), tz),
            None,
            "07:59 winter time"
        );
        assert_eq!(
            due_week(monday_8, at("2026-10-26T06:00:00Z"), tz).as_deref(),
            Some("2026-W44")
        );
        assert_eq!(
            due_week(monday_8, at("2026-10-19T05:00:00Z"), tz).as_deref(),
            Some("2026-W43"),
            "08:00 summer time"
        );
        assert_eq!(
            due_week(monday_8, at("2026-10-25T12:00:00Z"), tz).as_deref(),
            Some("2026-W43"),
            "Sunday still belongs to last Monday's week"
        );
    }
}
