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

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredCase {
    pub id: i32,
    pub court: String,
    pub number: String,
    pub year: i32,
    pub facts: CaseFacts,
    pub active: bool,
    pub source: String,
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
    pub on: NaiveDate,
    pub case_id: i32,
    pub number: String,
    pub court: String,
    pub schools: Vec<(String, String)>,
}
