//! What the courts' public service (portal.just.ro) says about a case, and how it changes
//! the register: the answer compared with the stored case and hearings, change by change.
//! Pure; the SOAP client is in `crate::portal`, the writes in `crate::app::portal`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::case_import::CaseFacts;
use super::case_kinds::{CATEGORIES, STAGES, label};
use super::cases::{HearingFacts, HearingRecord, HearingSource, StoredCase, normalise_time};
use super::courts;
use super::text::{clean, compact};

/// One `Dosar` of an answer: a case as one court knows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PortalCase {
    /// The portal's `institutie` code.
    pub court: String,
    pub number: String,
    pub department: Option<String>,
    /// Codes (`categorieCaz`, `stadiuProcesual`) with their labels.
    pub category: Option<String>,
    pub category_label: Option<String>,
    pub stage: Option<String>,
    pub stage_label: Option<String>,
    pub object: Option<String>,
    pub registered_on: Option<NaiveDate>,
    /// `dataModificare` as sent (local time, no zone).
    pub modified: Option<String>,
    pub parties: Vec<PortalParty>,
    pub hearings: Vec<PortalHearing>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PortalParty {
    pub name: String,
    pub role: Option<String>,
}

/// One `DosarSedinta`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PortalHearing {
    pub panel: String,
    pub on: Option<NaiveDate>,
    /// `ora` as sent (`09:00`, sometimes `10:0`).
    pub time: String,
    pub outcome: Option<String>,
    pub summary: Option<String>,
    pub pronounced_on: Option<NaiveDate>,
}

/// After this many runs in a row without the case in the answer, the case is flagged (never
/// closed or deleted: the portal drops old cases, and our copy is the record).
pub const NOT_FOUND_FLAG_AFTER: i32 = 3;

/// Whether the service can be asked about cases at this court (the High Court is not in it;
/// a court code the service does not list is not asked either).
pub fn covered(court: &str) -> bool {
    courts::COURTS.iter().any(|c| c.code == court)
}

impl PortalHearing {
    /// The hearing as the register keeps it (time normalised; an unreadable time is empty).
    /// `None` when the portal gave no date.
    pub fn facts(&self, stage: Option<String>) -> Option<HearingFacts> {
        Some(HearingFacts {
            on: self.on?,
            time: normalise_time(&self.time).unwrap_or_default(),
            panel: self.panel.trim().chars().take(100).collect(),
            stage,
            outcome: self.outcome.as_deref().and_then(clean),
            summary: self.summary.as_deref().and_then(clean),
            pronounced_on: self.pronounced_on,
        })
    }
}

/// The row of the answer for this (court, number); the same number comes back once per court.
pub fn find_in<'a>(answer: &'a [PortalCase], court: &str, number: &str) -> Option<&'a PortalCase> {
    let number = number.trim();
    answer
        .iter()
        .find(|c| c.court == court && c.number.trim().eq_ignore_ascii_case(number))
}

/// A change the portal brings to a stored hearing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum HearingChange {
    New(HearingFacts),
    Updated {
        id: i32,
        before: HearingFacts,
        after: HearingFacts,
    },
}

/// Everything an answer changes in one case; empty when the register already agrees.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseUpdate {
    /// The case's facts before and after, when the stage, category or object changed.
    pub facts: Option<(CaseFacts, CaseFacts)>,
    pub hearings: Vec<HearingChange>,
}

/// New hearings one answer may add to one case; more is not a court's agenda but an answer
/// gone wrong (or forged), and would swell the case page, the agenda and every calendar.
pub const MAX_NEW_HEARINGS: usize = 100;

impl CaseUpdate {
    /// This update with at most `max` new hearings (the soonest); how many were refused.
    pub fn capped(mut self, max: usize) -> (CaseUpdate, usize) {
        let mut new: Vec<HearingFacts> = Vec::new();
        self.hearings.retain(|h| match h {
            HearingChange::New(facts) => {
                new.push(facts.clone());
                false
            }
            HearingChange::Updated { .. } => true,
        });
        new.sort_by(|a, b| (a.on, &a.time).cmp(&(b.on, &b.time)));
        let refused = new.len().saturating_sub(max);
        self.hearings
            .extend(new.into_iter().take(max).map(HearingChange::New));
        (self, refused)
    }

    pub fn is_empty(&self) -> bool {
        self.facts.is_none() && self.hearings.is_empty()
    }

    pub fn new_hearings(&self) -> usize {
        self.hearings
            .iter()
            .filter(|h| matches!(h, HearingChange::New(_)))
            .count()
    }

    pub fn updated_hearings(&self) -> usize {
        self.hearings.len() - self.new_hearings()
    }

    /// One Romanian line per change, for the audit trail, the summary and the digest.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = self.fact_lines();
        lines.extend(self.hearings.iter().map(HearingChange::line));
        lines
    }

    /// The lines of the case's own facts (stage, category, object).
    pub fn fact_lines(&self) -> Vec<String> {
        self.facts
            .as_ref()
            .map(|(before, after)| fact_lines(before, after))
            .unwrap_or_default()
    }
}

fn fact_lines(before: &CaseFacts, after: &CaseFacts) -> Vec<String> {
    let shown = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
    let named = |list, v: &Option<String>| {
        v.as_deref()
            .map_or_else(|| "—".to_string(), |code| label(list, code))
    };
    let mut lines = Vec::new();
    if before.stage != after.stage {
        lines.push(format!(
            "stadiu procesual: {} → {}",
            named(STAGES, &before.stage),
            named(STAGES, &after.stage)
        ));
    }
    if before.category != after.category {
        lines.push(format!(
            "materie: {} → {}",
            named(CATEGORIES, &before.category),
            named(CATEGORIES, &after.category)
        ));
    }
    if before.object != after.object {
        lines.push(format!("obiect: {}", shown(&after.object)));
    }
    lines
}

/// `15.01.2027 ora 09:00, complet C3`.
fn hearing_label(facts: &HearingFacts) -> String {
    let mut text = facts.on.format("%d.%m.%Y").to_string();
    if !facts.time.is_empty() {
        text.push_str(&format!(" ora {}", facts.time));
    }
    if !facts.panel.is_empty() {
        text.push_str(&format!(", complet {}", facts.panel));
    }
    text
}

impl HearingChange {
    pub fn line(&self) -> String {
        match self {
            HearingChange::New(facts) => match &facts.outcome {
                Some(outcome) => {
                    format!("termen nou: {} — soluție: {outcome}", hearing_label(facts))
                }
                None => format!("termen nou: {}", hearing_label(facts)),
            },
            HearingChange::Updated { before, after, .. } if before.outcome != after.outcome => {
                format!(
                    "soluție la termenul din {}: {}",
                    hearing_label(after),
                    after.outcome.as_deref().unwrap_or("—")
                )
            }
            HearingChange::Updated { before, after, .. }
                if (before.time.as_str(), before.panel.as_str())
                    != (after.time.as_str(), after.panel.as_str()) =>
            {
                format!("termen confirmat de portal: {}", hearing_label(after))
            }
            HearingChange::Updated { after, .. } => {
                format!("termen completat: {}", hearing_label(after))
            }
        }
    }
}

/// The identity under which the portal reports a hearing: `date|time|panel`.
pub fn hearing_key(facts: &HearingFacts) -> String {
    format!("{}|{}|{}", facts.on, facts.time, facts.panel)
}

/// A stored hearing as the sync compares it: removed ones too (never added again), and the
/// identity the portal reported it under when it was corrected since.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownHearing {
    pub record: HearingRecord,
    pub removed: bool,
    pub portal_key: Option<String>,
}

impl KnownHearing {
    /// A hearing as stored and shown, never corrected.
    pub fn shown(record: HearingRecord) -> KnownHearing {
        KnownHearing {
            record,
            removed: false,
            portal_key: None,
        }
    }
}

/// What the answer changes in a stored case and its hearings.
pub fn compare(case: &StoredCase, stored: &[KnownHearing], found: &PortalCase) -> CaseUpdate {
    let after = CaseFacts {
        category: found
            .category
            .clone()
            .or_else(|| case.facts.category.clone()),
        stage: found.stage.clone().or_else(|| case.facts.stage.clone()),
        object: found.object.clone().or_else(|| case.facts.object.clone()),
        next_hearing: case.facts.next_hearing,
    };
    let facts = (after != case.facts).then(|| (case.facts.clone(), after));
    let mut claimed = Vec::new();
    let mut hearings = Vec::new();
    for portal in &found.hearings {
        let Some(facts) = portal.facts(found.stage.clone()) else {
            continue;
        };
        if let Some(change) = match_hearing(stored, &mut claimed, facts) {
            hearings.push(change);
        }
    }
    CaseUpdate { facts, hearings }
}

/// The change one portal hearing brings: nothing when a stored hearing says the same (or was
/// removed), an update of the same hearing (of one corrected since, keeping its correction;
/// or of one entered by hand that day without a panel), else new.
fn match_hearing(
    stored: &[KnownHearing],
    claimed: &mut Vec<i32>,
    facts: HearingFacts,
) -> Option<HearingChange> {
    let free = |h: &&KnownHearing| !claimed.contains(&h.record.id);
    let key = hearing_key(&facts);
    let corrected = stored
        .iter()
        .filter(free)
        .find(|h| h.portal_key.as_deref() == Some(key.as_str()));
    let same = || {
        stored.iter().filter(free).find(|h| {
            h.record.facts.on == facts.on
                && h.record.facts.time == facts.time
                && h.record.facts.panel == facts.panel
        })
    };
    let unconfirmed = || {
        stored.iter().filter(free).find(|h| {
            !h.removed
                && h.record.source != HearingSource::Portal
                && h.record.facts.on == facts.on
                && h.record.facts.panel.is_empty()
                && (h.record.facts.time.is_empty() || h.record.facts.time == facts.time)
        })
    };
    let Some(known) = corrected.or_else(same).or_else(unconfirmed) else {
        return Some(HearingChange::New(facts));
    };
    claimed.push(known.record.id);
    if known.removed {
        return None;
    }
    let hearing = &known.record;
    // The stage is the case's today; a stored hearing keeps the stage it was held in.
    let stated = HearingFacts {
        stage: None,
        ..facts.clone()
    };
    let mut after = hearing.facts.overlaid_by(&stated);
    if corrected.is_none() {
        after.time = facts.time;
        after.panel = facts.panel;
    }
    (after != hearing.facts).then(|| HearingChange::Updated {
        id: hearing.id,
        before: hearing.facts.clone(),
        after,
    })
}

/// A school's name as the service wants it in `numeParte`: cedilla ş/ţ (the only form it
/// matches), no quotes or dots, at most 12 words (longer names fail on its side).
pub fn party_query(name: &str) -> String {
    let converted: String = name
        .chars()
        .map(|c| match c {
            'ș' => 'ş',
            'Ș' => 'Ş',
            'ț' => 'ţ',
            'Ț' => 'Ţ',
            '.' | ',' | ';' | ':' | '"' | '\'' | '„' | '”' | '“' | '«' | '»' | '`' | '´' => {
                ' '
            }
            c => c,
        })
        .collect();
    converted
        .split_whitespace()
        .take(12)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether a party of the answer is this school: the folded names are equal (the service
/// matches any single word, so most of what it returns is someone else).
pub fn is_same_party(party: &str, school_names: &[&str]) -> bool {
    let party = compact(party);
    !party.is_empty() && school_names.iter().any(|n| compact(n) == party)
}

/// A case found by discovery that the register does not hold: kept as a suggestion. No
/// natural person's name is kept, only the school's own role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    pub court: String,
    pub number: String,
    pub school_code: String,
    pub role: Option<String>,
    pub category: Option<String>,
    pub stage: Option<String>,
    pub object: Option<String>,
    pub next_hearing: Option<NaiveDate>,
    pub hearings: Vec<HearingFacts>,
}

impl Suggestion {
    /// The suggestion this answer row makes for a school, when the school is one of its
    /// parties.
    pub fn from_answer(
        found: &PortalCase,
        school_code: &str,
        school_names: &[&str],
        today: NaiveDate,
    ) -> Option<Suggestion> {
        let party = found
            .parties
            .iter()
            .find(|p| is_same_party(&p.name, school_names))?;
        // A ruling's text may name people; an untracked case keeps only the short outcome
        // (the sync fetches the rest once the case is accepted).
        let hearings: Vec<HearingFacts> = found
            .hearings
            .iter()
            .filter_map(|h| h.facts(found.stage.clone()))
            .map(|h| HearingFacts { summary: None, ..h })
            .collect();
        Some(Suggestion {
            court: found.court.clone(),
            number: found.number.trim().to_string(),
            school_code: school_code.to_string(),
            role: party.role.as_deref().and_then(clean),
            category: found.category.clone(),
            stage: found.stage.clone(),
            object: found.object.clone(),
            next_hearing: hearings
                .iter()
                .map(|h| h.on)
                .filter(|on| *on >= today)
                .min(),
            hearings,
        })
    }
}

/// Where a suggestion stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SuggestionStatus {
    Open,
    Accepted,
    Dismissed,
}

impl SuggestionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SuggestionStatus::Open => "open",
            SuggestionStatus::Accepted => "accepted",
            SuggestionStatus::Dismissed => "dismissed",
        }
    }

    pub fn parse(text: &str) -> SuggestionStatus {
        match text {
            "accepted" => SuggestionStatus::Accepted,
            "dismissed" => SuggestionStatus::Dismissed,
            _ => SuggestionStatus::Open,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSuggestion {
    pub id: i32,
    pub suggestion: Suggestion,
    pub school_name: String,
    pub status: SuggestionStatus,
}

/// What the last check of a case found, as the case page shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckState {
    Found,
    NotFound,
    Failed,
}

impl CheckState {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckState::Found => "found",
            CheckState::NotFound => "not_found",
            CheckState::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<CheckState> {
        match text {
            "found" => Some(CheckState::Found),
            "not_found" => Some(CheckState::NotFound),
            "failed" => Some(CheckState::Failed),
            _ => None,
        }
    }
}

/// The last check of one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalCheck {
    pub at: chrono::DateTime<chrono::Utc>,
    pub state: CheckState,
    /// What the portal said, in one Romanian sentence.
    pub note: String,
    /// Runs in a row without the case in the answer.
    pub misses: i32,
}

impl PortalCheck {
    pub fn flagged(&self) -> bool {
        self.misses >= NOT_FOUND_FLAG_AFTER
    }
}

/// Whether the daily sync runs (off until the legal department turns it on).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalSettings {
    pub enabled: bool,
}

/// One line of a run's summary: a change in one case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeLine {
    pub case: String,
    pub court: String,
    pub change: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorLine {
    pub case: String,
    pub error: String,
}

/// What a sync run did; printed by `portal sync --format json` as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncSummary {
    pub checked: usize,
    pub changed: usize,
    pub unchanged: usize,
    pub not_found: usize,
    pub failed: usize,
    pub new_hearings: usize,
    pub updated_hearings: usize,
    pub changes: Vec<ChangeLine>,
    pub errors: Vec<ErrorLine>,
}

impl SyncSummary {
    /// Every case asked was answered (found or not).
    pub fn all_answered(&self) -> bool {
        self.failed == 0
    }

    /// Nothing could be checked at all.
    pub fn none_answered(&self) -> bool {
        self.checked > 0 && self.failed == self.checked
    }
}

/// The last run, as Setări shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunRecord {
    pub started_at: chrono::DateTime<chrono::Utc>,
    pub finished_at: Option<chrono::DateTime<chrono::Utc>>,
    pub summary: SyncSummary,
}

/// The one-line note a found case gets: stage, hearings, the portal's last change.
pub fn found_note(found: &PortalCase) -> String {
    let stage = found
        .stage_label
        .clone()
        .or_else(|| found.stage.clone())
        .unwrap_or_else(|| "stadiu necunoscut".into());
    let modified = found
        .modified
        .as_deref()
        .and_then(|m| chrono::NaiveDateTime::parse_from_str(m, "%Y-%m-%dT%H:%M:%S%.f").ok())
        .map(|m| format!(", modificat pe portal la {}", m.format("%d.%m.%Y %H:%M")))
        .unwrap_or_default();
    let count = found.hearings.len();
    let hearings = match count {
        1 => "un termen".to_string(),
        n => format!("{n} termene"),
    };
    format!("Găsit: {stage}, {hearings}{modified}.")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    fn stored_case() -> StoredCase {
        StoredCase {
            id: 7,
            court: "TribunalulHUNEDOARA".into(),
            number: "1234/97/2026".into(),
            year: 2026,
            facts: CaseFacts {
                stage: Some("Fond".into()),
                ..Default::default()
            },
            active: true,
            source: "manual".into(),
        }
    }

    fn hearing(
        id: i32,
        on: NaiveDate,
        time: &str,
        panel: &str,
        source: HearingSource,
    ) -> KnownHearing {
        KnownHearing::shown(HearingRecord {
            id,
            case_id: 7,
            facts: HearingFacts {
                on,
                time: time.into(),
                panel: panel.into(),
                ..Default::default()
            },
            source,
        })
    }

    fn answer(hearings: Vec<PortalHearing>) -> PortalCase {
        PortalCase {
            court: "TribunalulHUNEDOARA".into(),
            number: "1234/97/2026".into(),
            stage: Some("Fond".into()),
            hearings,
            ..Default::default()
        }
    }

    fn portal_hearing(on: NaiveDate, time: &str, outcome: Option<&str>) -> PortalHearing {
        PortalHearing {
            panel: "C3".into(),
            on: Some(on),
            time: time.into(),
            outcome: outcome.map(Into::into),
            ..Default::default()
        }
    }

    #[test]
    fn a_hand_entered_hearing_is_confirmed_not_doubled() {
        let on = day(2027, 1, 15);
        let stored = [hearing(1, on, "", "", HearingSource::Manual)];
        let update = compare(
            &stored_case(),
            &stored,
            &answer(vec![portal_hearing(on, "9:0", None)]),
        );
        assert_eq!(update.new_hearings(), 0);
        assert_eq!(update.updated_hearings(), 1);
        let HearingChange::Updated { after, .. } = &update.hearings[0] else {
            panic!("an update");
        };
        assert_eq!((after.time.as_str(), after.panel.as_str()), ("09:00", "C3"));
    }

    #[test]
    fn same_answer_twice_changes_nothing_and_outcomes_update() {
        let on = day(2027, 1, 15);
        let mut stored = vec![hearing(1, on, "09:00", "C3", HearingSource::Portal)];
        let quiet = compare(
            &stored_case(),
            &stored,
            &answer(vec![portal_hearing(on, "09:00", None)]),
        );
        assert!(quiet.is_empty(), "{quiet:?}");
        let ruled = compare(
            &stored_case(),
            &stored,
            &answer(vec![portal_hearing(on, "09:00", Some("Amână pronunţarea"))]),
        );
        assert_eq!(ruled.updated_hearings(), 1);
        assert!(ruled.lines()[0].starts_with("soluție la termenul din 15.01.2027"));
        stored[0].record.facts.outcome = Some("Amână pronunţarea".into());
        let again = compare(
            &stored_case(),
            &stored,
            &answer(vec![portal_hearing(on, "09:00", Some("Amână pronunţarea"))]),
        );
        assert!(again.is_empty());
    }

    #[test]
    fn a_removed_hearing_is_not_brought_back_and_a_corrected_one_keeps_its_correction() {
        let on = day(2027, 1, 15);
        let mut removed = hearing(1, on, "09:00", "C3", HearingSource::Portal);
        removed.removed = true;
        let reported = answer(vec![portal_hearing(on, "09:00", Some("Amână"))]);
        assert!(compare(&stored_case(), &[removed], &reported).is_empty());
        // Corrected by hand to the 16th at 10:00; the portal still says the 15th at 09:00.
        let mut corrected = hearing(2, day(2027, 1, 16), "10:00", "C3", HearingSource::Portal);
        corrected.portal_key = Some(hearing_key(&HearingFacts {
            on,
            time: "09:00".into(),
            panel: "C3".into(),
            ..Default::default()
        }));
        let update = compare(&stored_case(), &[corrected], &reported);
        assert_eq!(update.new_hearings(), 0, "{update:?}");
        let HearingChange::Updated { after, .. } = &update.hearings[0] else {
            panic!("the outcome lands on the corrected hearing");
        };
        assert_eq!((after.on, after.time.as_str()), (day(2027, 1, 16), "10:00"));
        assert_eq!(after.outcome.as_deref(), Some("Amână"));
    }

    #[test]
    fn stage_changes_and_new_hearings_are_lines() {
        let mut found = answer(vec![portal_hearing(day(2027, 2, 1), "10:0", None)]);
        found.stage = Some("Apel".into());
        let update = compare(&stored_case(), &[], &found);
        assert_eq!(
            update.lines(),
            vec![
                "stadiu procesual: Fond → Apel".to_string(),
                "termen nou: 01.02.2027 ora 10:00, complet C3".to_string()
            ]
        );
    }

    #[test]
    fn party_names_for_the_service_and_back() {
        assert_eq!(
            party_query("Școala Gimnazială „Ion Creangă” nr. 2 Deva"),
            "Şcoala Gimnazială Ion Creangă nr 2 Deva"
        );
        assert_eq!(party_query(&"a ".repeat(20)).split(' ').count(), 12);
        let names = ["Școala Gimnazială „Ion Creangă” Deva"];
        assert!(is_same_party("ŞCOALA GIMNAZIALĂ ION CREANGĂ DEVA", &names));
        assert!(!is_same_party(
            "ŞCOALA GIMNAZIALĂ ION CREANGĂ HUNEDOARA",
            &names
        ));
        assert!(!is_same_party("", &names));
    }

    #[test]
    fn the_high_court_is_not_asked() {
        assert!(covered("TribunalulHUNEDOARA"));
        assert!(!covered(courts::HIGH_COURT.code));
        assert!(!covered("Altceva"));
    }
}
