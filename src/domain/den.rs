//! The D.E.N. procedure per school (legal entity) and the status the legal department sees.
//! Dates are local dates in Europe/Bucharest; the caller converts "now" with chrono-tz.

use chrono::NaiveDate;

/// Steps towards the institutional D.E.N. account, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DenStep {
    /// No electronic access requested yet.
    NoCase,
    AccessRequested,
    AccessApproved,
    AccountCreated,
    /// The designated person was communicated to the ISJ: the procedure is complete.
    Reported,
}

impl DenStep {
    pub const ALL: [DenStep; 5] = [
        DenStep::NoCase,
        DenStep::AccessRequested,
        DenStep::AccessApproved,
        DenStep::AccountCreated,
        DenStep::Reported,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DenStep::NoCase => "no_case",
            DenStep::AccessRequested => "access_requested",
            DenStep::AccessApproved => "access_approved",
            DenStep::AccountCreated => "account_created",
            DenStep::Reported => "reported",
        }
    }

    pub fn parse(text: &str) -> Option<DenStep> {
        DenStep::ALL.into_iter().find(|s| s.as_str() == text.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            DenStep::NoCase => "nicio cerere de acces",
            DenStep::AccessRequested => "cerere de acces depusă",
            DenStep::AccessApproved => "acces aprobat",
            DenStep::AccountCreated => "cont D.E.N. creat",
            DenStep::Reported => "persoana desemnată comunicată",
        }
    }

    /// Steps only move forward; recording an earlier step again is a correction, not progress.
    pub fn can_advance_to(self, next: DenStep) -> bool {
        next > self
    }
}

/// What the overview and the lists show for one school.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DenStatus {
    /// No pending case: the school cannot comply yet; never overdue.
    Blocked,
    Done,
    OnTrack {
        days_left: i64,
    },
    DueSoon {
        days_left: i64,
    },
    Overdue {
        days: i64,
    },
}

/// Schools this close to the deadline (in days) are "due soon".
pub const DUE_SOON_DAYS: i64 = 7;

/// `deadline` already includes any extension granted to the school.
pub fn status(
    has_active_case: bool,
    step: DenStep,
    deadline: NaiveDate,
    today: NaiveDate,
) -> DenStatus {
    if step == DenStep::Reported {
        return DenStatus::Done;
    }
    if !has_active_case {
        return DenStatus::Blocked;
    }
    let days_left = (deadline - today).num_days();
    match days_left {
        d if d < 0 => DenStatus::Overdue { days: -d },
        d if d <= DUE_SOON_DAYS => DenStatus::DueSoon { days_left: d },
        d => DenStatus::OnTrack { days_left: d },
    }
}

impl DenStatus {
    /// Romanian text, never colour alone (ui.md).
    pub fn label(self) -> String {
        match self {
            DenStatus::Blocked => "blocat — fără dosar pe rol".into(),
            DenStatus::Done => "finalizat".into(),
            DenStatus::OnTrack { .. } => "în termen".into(),
            DenStatus::DueSoon { days_left: 0 } => "termen apropiat (azi)".into(),
            DenStatus::DueSoon { days_left } => format!("termen apropiat ({days_left} zile)"),
            DenStatus::Overdue { days: 1 } => "depășit (1 zi)".into(),
            DenStatus::Overdue { days } => format!("depășit ({days} zile)"),
        }
    }
}

/// The deadline that applies to a school: its extension if later than the campaign's.
pub fn effective_deadline(campaign: NaiveDate, extension: Option<NaiveDate>) -> NaiveDate {
    extension.filter(|e| *e > campaign).unwrap_or(campaign)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn statuses() {
        let deadline = d(2026, 12, 15);
        assert_eq!(
            status(false, DenStep::NoCase, deadline, d(2027, 3, 1)),
            DenStatus::Blocked,
            "no case is never overdue"
        );
        assert_eq!(
            status(true, DenStep::Reported, deadline, d(2027, 3, 1)),
            DenStatus::Done
        );
        assert_eq!(
            status(false, DenStep::Reported, deadline, d(2026, 12, 1)),
            DenStatus::Done
        );
        assert_eq!(
            status(true, DenStep::AccessRequested, deadline, d(2026, 11, 23)),
            DenStatus::OnTrack { days_left: 22 }
        );
        assert_eq!(
            status(true, DenStep::AccessApproved, deadline, d(2026, 12, 8)),
            DenStatus::DueSoon { days_left: 7 }
        );
        assert_eq!(
            status(true, DenStep::AccountCreated, deadline, d(2026, 12, 15)),
            DenStatus::DueSoon { days_left: 0 }
        );
        assert_eq!(
            status(true, DenStep::AccountCreated, deadline, d(2026, 12, 16)),
            DenStatus::Overdue { days: 1 }
        );
        assert_eq!(DenStatus::Overdue { days: 8 }.label(), "depășit (8 zile)");
    }

    #[test]
    fn extensions_and_steps() {
        let campaign = d(2026, 12, 15);
        assert_eq!(
            effective_deadline(campaign, Some(d(2027, 1, 10))),
            d(2027, 1, 10)
        );
        assert_eq!(
            effective_deadline(campaign, Some(d(2026, 12, 1))),
            campaign,
            "an extension never shortens"
        );
        let extended = effective_deadline(campaign, Some(d(2027, 1, 10)));
        assert_eq!(
            status(true, DenStep::NoCase, extended, d(2026, 12, 20)),
            DenStatus::OnTrack { days_left: 21 }
        );
        assert!(DenStep::AccessRequested.can_advance_to(DenStep::AccountCreated));
        assert!(!DenStep::AccountCreated.can_advance_to(DenStep::AccessRequested));
        for step in DenStep::ALL {
            assert_eq!(DenStep::parse(step.as_str()), Some(step));
        }
    }
}

/// The five kinds of status, for filters, counts and colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StatusKind {
    Overdue,
    DueSoon,
    OnTrack,
    Done,
    Blocked,
}

impl StatusKind {
    pub const ALL: [StatusKind; 5] = [
        StatusKind::OnTrack,
        StatusKind::DueSoon,
        StatusKind::Overdue,
        StatusKind::Done,
        StatusKind::Blocked,
    ];

    /// The value in URLs (`/schools?stare=depasit`).
    pub fn slug(self) -> &'static str {
        match self {
            StatusKind::OnTrack => "in-termen",
            StatusKind::DueSoon => "apropiat",
            StatusKind::Overdue => "depasit",
            StatusKind::Done => "finalizat",
            StatusKind::Blocked => "blocat",
        }
    }

    /// The Romanian slug, or its English twin (`overdue`, `due-soon`, `on-track`, `done`,
    /// `blocked`) for scripts.
    pub fn parse(slug: &str) -> Option<StatusKind> {
        let slug = slug.trim().to_lowercase();
        let english = match slug.as_str() {
            "on-track" => Some(StatusKind::OnTrack),
            "due-soon" => Some(StatusKind::DueSoon),
            "overdue" => Some(StatusKind::Overdue),
            "done" => Some(StatusKind::Done),
            "blocked" => Some(StatusKind::Blocked),
            _ => None,
        };
        english.or_else(|| StatusKind::ALL.into_iter().find(|k| k.slug() == slug))
    }

    pub fn label(self) -> &'static str {
        match self {
            StatusKind::OnTrack => "În termen",
            StatusKind::DueSoon => "Termen apropiat",
            StatusKind::Overdue => "Depășit",
            StatusKind::Done => "Finalizat",
            StatusKind::Blocked => "Blocat (fără dosar)",
        }
    }
}

impl DenStatus {
    pub fn kind(self) -> StatusKind {
        match self {
            DenStatus::Blocked => StatusKind::Blocked,
            DenStatus::Done => StatusKind::Done,
            DenStatus::OnTrack { .. } => StatusKind::OnTrack,
            DenStatus::DueSoon { .. } => StatusKind::DueSoon,
            DenStatus::Overdue { .. } => StatusKind::Overdue,
        }
    }
}
