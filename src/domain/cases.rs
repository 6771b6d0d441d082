//! The case register as pages and reports read it.

use chrono::NaiveDate;
use serde::Serialize;

use super::case_import::{CaseFacts, LinkFacts};

/// Whether a case is still pending; stored as `active` / `closed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    Active,
    Closed,
}

impl CaseStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Active => "active",
            CaseStatus::Closed => "closed",
        }
    }

    /// Anything but `closed` is pending: a case is never hidden by an odd stored value.
    pub fn parse(text: &str) -> CaseStatus {
        if text == "closed" {
            CaseStatus::Closed
        } else {
            CaseStatus::Active
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CaseStatus::Active => "pe rol",
            CaseStatus::Closed => "închis",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct StoredCase {
    pub id: i32,
    pub court: String,
    pub number: String,
    pub year: i32,
    pub facts: CaseFacts,
    pub active: bool,
    pub source: String,
}

impl StoredCase {
    /// Where the case stands in the register and the cases report: soonest next hearing
    /// first, cases without one after, then the newest year, then the order of entry.
    pub fn list_order(&self) -> (NaiveDate, std::cmp::Reverse<i32>, i32) {
        (
            self.facts.next_hearing.unwrap_or(NaiveDate::MAX),
            std::cmp::Reverse(self.year),
            self.id,
        )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseLink {
    pub case_id: i32,
    pub school_code: String,
    pub school_name: String,
    pub facts: LinkFacts,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct CaseFilter {
    /// A case number however typed, the object, a school's name (diacritics optional) or its
    /// SIIIR code.
    pub query: Option<String>,
    /// The day "next hearing" is counted from.
    pub today: NaiveDate,
    pub court: Option<String>,
    pub stage: Option<String>,
    pub category: Option<String>,
    /// A SIIIR code of the school.
    pub school: Option<String>,
    pub hearing_from: Option<NaiveDate>,
    pub hearing_to: Option<NaiveDate>,
    pub include_closed: bool,
    pub page: u64,
}

#[derive(Debug, Clone)]
pub struct CasePage {
    pub cases: Vec<(StoredCase, Vec<CaseLink>)>,
    pub total: u64,
    pub page: u64,
    pub pages: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Hearing {
    /// The hearing's own id (stable across changes of its time or outcome).
    pub hearing_id: i32,
    pub on: NaiveDate,
    /// `HH:MM` or empty.
    pub time: String,
    pub stage: Option<String>,
    pub case_id: i32,
    pub number: String,
    pub court: String,
    pub schools: Vec<(String, String)>,
}

impl super::den::SchoolProcedure {
    /// A school's procedure from its recorded steps and its cases with their links.
    pub fn of(steps: &[super::den::StepRecord], cases: &[(StoredCase, LinkFacts)]) -> Self {
        super::den::SchoolProcedure {
            recorded: steps.iter().map(|s| (s.step, s.on)).collect(),
            cases: cases.iter().map(|(c, l)| c.access(l)).collect(),
        }
    }
}

impl StoredCase {
    /// This case's electronic access for one school, as the D.E.N. rules read it.
    pub fn access(&self, link: &LinkFacts) -> super::den::CaseAccess {
        super::den::CaseAccess {
            case_id: self.id,
            number: self.number.clone(),
            active: self.active,
            requested_on: link.access_requested_on,
            approved_on: link.access_approved_on,
            refused_on: link.access_refused_on,
        }
    }
}

/// Where a hearing's data came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HearingSource {
    Import,
    Manual,
    Portal,
}

impl HearingSource {
    pub fn as_str(self) -> &'static str {
        match self {
            HearingSource::Import => "import",
            HearingSource::Manual => "manual",
            HearingSource::Portal => "portal",
        }
    }

    /// Unknown stored values read as manual (entered by someone).
    pub fn parse(text: &str) -> HearingSource {
        match text {
            "import" => HearingSource::Import,
            "portal" => HearingSource::Portal,
            _ => HearingSource::Manual,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            HearingSource::Import => "import",
            HearingSource::Manual => "introdus de mână",
            HearingSource::Portal => "portal.just.ro",
        }
    }
}

/// What is known of one hearing. Identity: (date, time, panel), time and panel empty when
/// unknown; the rest is filled in as it becomes known.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct HearingFacts {
    pub on: NaiveDate,
    /// `HH:MM` or empty.
    pub time: String,
    /// The court's panel (complet) or empty.
    pub panel: String,
    pub stage: Option<String>,
    /// The ruling (soluție), e.g. "Amână pronunțarea", "Admite".
    pub outcome: Option<String>,
    pub summary: Option<String>,
    pub pronounced_on: Option<NaiveDate>,
}

impl HearingFacts {
    /// Stated values replace stored ones; what is not stated keeps what is stored, so a
    /// re-imported list never erases an outcome recorded since.
    pub fn overlaid_by(&self, stated: &HearingFacts) -> HearingFacts {
        HearingFacts {
            on: self.on,
            time: self.time.clone(),
            panel: self.panel.clone(),
            stage: stated.stage.clone().or_else(|| self.stage.clone()),
            outcome: stated.outcome.clone().or_else(|| self.outcome.clone()),
            summary: stated.summary.clone().or_else(|| self.summary.clone()),
            pronounced_on: stated.pronounced_on.or(self.pronounced_on),
        }
    }
}

/// A stored hearing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct HearingRecord {
    pub id: i32,
    pub case_id: i32,
    pub facts: HearingFacts,
    pub source: HearingSource,
}

/// `10:0`, `9:30`, `09.30`, `10` → `HH:MM`; empty stays empty.
pub fn normalise_time(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(String::new());
    }
    let (hours, minutes) = text.split_once([':', '.', 'h']).unwrap_or((text, "0"));
    let number = |part: &str| part.trim().parse::<u32>().ok();
    match (
        number(hours),
        number(if minutes.trim().is_empty() {
            "0"
        } else {
            minutes
        }),
    ) {
        (Some(h), Some(m)) if h < 24 && m < 60 => Ok(format!("{h:02}:{m:02}")),
        _ => Err(format!("ora „{text}” nu are forma HH:MM")),
    }
}

/// The first hearing on or after `today`.
pub fn next_hearing(hearings: &[HearingRecord], today: NaiveDate) -> Option<NaiveDate> {
    hearings
        .iter()
        .map(|h| h.facts.on)
        .filter(|on| *on >= today)
        .min()
}

#[cfg(test)]
mod hearing_tests {
    use super::*;

    #[test]
    fn times_and_overlay() {
        assert_eq!(normalise_time("10:0").as_deref(), Ok("10:00"));
        assert_eq!(normalise_time(" 9.30 ").as_deref(), Ok("09:30"));
        assert_eq!(normalise_time("").as_deref(), Ok(""));
        assert!(normalise_time("25:00").is_err());
        assert!(normalise_time("zece").is_err());
        let day = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap_or_default();
        let stored = HearingFacts {
            on: day,
            outcome: Some("Admite".into()),
            ..Default::default()
        };
        let stated = HearingFacts {
            on: day,
            stage: Some("Fond".into()),
            ..Default::default()
        };
        let merged = stored.overlaid_by(&stated);
        assert_eq!(
            merged.outcome.as_deref(),
            Some("Admite"),
            "an outcome is never erased"
        );
        assert_eq!(merged.stage.as_deref(), Some("Fond"));
    }
}
