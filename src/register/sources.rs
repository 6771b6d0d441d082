//! What the register is built from, kept in memory: every unit, case (with its links and
//! hearings), step, designee, the campaign and its extensions. A committed change is applied
//! here by key, so applying the same change twice changes nothing (a change may arrive both in
//! a full read and in the log after it).

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;

use crate::domain::case_import::LinkFacts;
use crate::domain::cases::StoredCase;
use crate::domain::change::Change;
use crate::domain::den::{Campaign, StepRecord};
use crate::domain::designee::{CazierEvidence, StoredDesignee};
use crate::domain::register::{CaseEntry, HearingEntry, SchoolEntry};

/// One case as the register keeps it: its facts, links and hearings (oldest first).
#[derive(Debug, Clone)]
pub struct CaseSource {
    pub case: StoredCase,
    pub links: Vec<(String, LinkFacts)>,
    pub hearings: Vec<HearingEntry>,
}

/// Which derived parts a change makes stale.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dirty {
    pub schools: bool,
    /// The case index must be built again (a case's facts, links or state changed).
    pub cases: bool,
    /// Cases whose hearings alone changed: the index moves them in place.
    pub hearings: Vec<i32>,
    /// The campaign board (steps, access, designees, deadline).
    pub board: bool,
    pub designees: bool,
    pub steps: bool,
}

impl Dirty {
    pub fn any(&self) -> bool {
        self.schools
            || self.cases
            || !self.hearings.is_empty()
            || self.board
            || self.designees
            || self.steps
    }

    pub fn merge(&mut self, other: Dirty) {
        self.schools |= other.schools;
        self.cases |= other.cases;
        self.hearings.extend(other.hearings);
        self.board |= other.board;
        self.designees |= other.designees;
        self.steps |= other.steps;
    }
}

#[derive(Debug, Default)]
pub struct Sources {
    pub schools: HashMap<String, SchoolEntry>,
    pub cases: HashMap<i32, CaseSource>,
    /// Each case built for the lists as of `today`; rebuilt for the cases a change touches.
    pub entries: HashMap<i32, Arc<CaseEntry>>,
    pub steps: Arc<HashMap<String, Vec<StepRecord>>>,
    pub designees: HashMap<i32, StoredDesignee>,
    pub evidence: HashMap<i32, CazierEvidence>,
    pub campaign: Option<Campaign>,
    /// Extended deadlines of the active campaign, by school.
    pub extensions: HashMap<String, NaiveDate>,
    /// Cases whose entries are stale.
    pub(super) stale: Vec<i32>,
}

impl Sources {
    /// Builds every case entry again (at start, and when the day turns).
    pub fn build_entries(&mut self, today: NaiveDate) {
        self.entries = self
            .cases
            .iter()
            .map(|(id, source)| (*id, Arc::new(entry(source, today))))
            .collect();
        self.stale.clear();
    }

    /// Builds the entries of the cases changes touched since the last call.
    pub fn refresh_entries(&mut self, today: NaiveDate) {
        for id in std::mem::take(&mut self.stale) {
            match self.cases.get(&id) {
                Some(source) => {
                    self.entries.insert(id, Arc::new(entry(source, today)));
                }
                None => {
                    self.entries.remove(&id);
                }
            }
        }
    }

    /// Applies one committed change; says what it made stale.
    pub fn apply(&mut self, change: &Change) -> Dirty {
        match change {
            Change::SchoolAdded { school } => {
                self.schools
                    .insert(school.code.clone(), SchoolEntry::of(school, true));
                schools()
            }
            Change::SchoolUpdated { after, .. } => {
                // An import that lists a unit again makes it active again.
                self.schools
                    .insert(after.code.clone(), SchoolEntry::of(after, true));
                schools()
            }
            Change::SchoolDeactivated { code } => {
                if let Some(entry) = self.schools.get_mut(code) {
                    entry.active = false;
                }
                schools()
            }
            Change::CaseAdded { case, schools } => {
                let hearings = self
                    .cases
                    .remove(&case.id)
                    .map(|old| old.hearings)
                    .unwrap_or_default();
                self.cases.insert(
                    case.id,
                    CaseSource {
                        case: case.clone(),
                        links: schools.clone(),
                        hearings,
                    },
                );
                self.touch(case.id, true)
            }
            Change::CaseEdited { case, after, .. } => {
                if let Some(source) = self.cases.get_mut(&case.id) {
                    source.case.facts = after.clone();
                }
                self.touch(case.id, false)
            }
            Change::CaseClosed { case, .. } | Change::CaseReopened { case, .. } => {
                let active = matches!(change, Change::CaseReopened { .. });
                if let Some(source) = self.cases.get_mut(&case.id) {
                    source.case.active = active;
                }
                self.touch(case.id, true)
            }
            Change::CaseSchoolAdded {
                case,
                school,
                facts,
            }
            | Change::CaseSchoolChanged {
                case,
                school,
                after: facts,
                ..
            }
            | Change::AccessRequested {
                case,
                school,
                after: facts,
                ..
            }
            | Change::AccessApproved {
                case,
                school,
                after: facts,
                ..
            }
            | Change::AccessRefused {
                case,
                school,
                after: facts,
                ..
            } => {
                if let Some(source) = self.cases.get_mut(&case.id) {
                    match source.links.iter_mut().find(|(code, _)| code == school) {
                        Some((_, stored)) => *stored = facts.clone(),
                        None => source.links.push((school.clone(), facts.clone())),
                    }
                }
                self.touch(case.id, true)
            }
            Change::CaseSchoolRemoved { case, school, .. } => {
                if let Some(source) = self.cases.get_mut(&case.id) {
                    source.links.retain(|(code, _)| code != school);
                }
                self.touch(case.id, true)
            }
            Change::HearingAdded { case, hearing } => {
                let entry = HearingEntry {
                    id: hearing.id,
                    on: hearing.facts.on,
                    time: hearing.facts.time.clone(),
                    stage: hearing.facts.stage.clone(),
                };
                if let Some(source) = self.cases.get_mut(&case.id) {
                    source.hearings.retain(|h| h.id != hearing.id);
                    source.hearings.push(entry);
                }
                self.touch_hearings(case.id)
            }
            Change::HearingChanged {
                case, id, after, ..
            } => {
                if let Some(hearing) = self
                    .cases
                    .get_mut(&case.id)
                    .and_then(|s| s.hearings.iter_mut().find(|h| h.id == *id))
                {
                    hearing.on = after.on;
                    hearing.time = after.time.clone();
                    hearing.stage = after.stage.clone();
                }
                self.touch_hearings(case.id)
            }
            Change::HearingRemoved { case, hearing, .. } => {
                if let Some(source) = self.cases.get_mut(&case.id) {
                    source.hearings.retain(|h| h.id != hearing.id);
                }
                self.touch_hearings(case.id)
            }
            Change::StepRecorded { school, step, .. } => {
                let steps = Arc::make_mut(&mut self.steps)
                    .entry(school.clone())
                    .or_default();
                if !steps.iter().any(|s| s.id == step.id) {
                    steps.push(step.clone());
                    steps.sort_by_key(|s| s.id);
                }
                Dirty {
                    steps: true,
                    board: true,
                    ..Dirty::default()
                }
            }
            Change::DesigneeNamed { before, after, .. } => {
                if let Some(before) = before
                    && let Some(old) = self.designees.get_mut(&before.id)
                    && old.valid_to.is_none()
                {
                    old.valid_to = Some(after.valid_from);
                }
                self.designees.insert(after.id, after.clone());
                designees()
            }
            Change::DesigneeConfirmed { designee, .. } => {
                self.designees.insert(designee.id, designee.clone());
                designees()
            }
            Change::EvidenceRecorded {
                designee_id,
                evidence,
                ..
            } => {
                self.evidence.insert(*designee_id, evidence.clone());
                designees()
            }
            Change::PersonalDataAnonymised {
                designees: people,
                certificates,
                contacts,
                ..
            } => {
                for designee in people {
                    self.designees.insert(designee.id, designee.clone());
                }
                for (id, evidence) in certificates {
                    self.evidence.insert(*id, evidence.clone());
                }
                let mut dirty = designees();
                for case in contacts {
                    let school = change.school().unwrap_or_default();
                    if let Some((_, stored)) = self
                        .cases
                        .get_mut(&case.id)
                        .and_then(|s| s.links.iter_mut().find(|(code, _)| code == school))
                    {
                        stored.access_email = None;
                        stored.access_phone = None;
                    }
                    dirty.merge(self.touch(case.id, false));
                }
                dirty
            }
            Change::CampaignSet { after, .. } => {
                if self.campaign.as_ref().is_some_and(|c| c.id != after.id) {
                    self.extensions.clear();
                }
                self.campaign = Some(after.clone());
                board()
            }
            Change::ExtensionGranted { school, after, .. } => {
                self.extensions.insert(school.clone(), after.until);
                board()
            }
            Change::ExtensionWithdrawn { school, .. } => {
                self.extensions.remove(school);
                board()
            }
            _ => Dirty::default(),
        }
    }

    /// Marks a case's entry stale for a change of its hearings only.
    fn touch_hearings(&mut self, id: i32) -> Dirty {
        self.stale.push(id);
        Dirty {
            hearings: vec![id],
            ..Dirty::default()
        }
    }

    /// Marks a case's entry stale; links and activity also move the board.
    fn touch(&mut self, id: i32, board: bool) -> Dirty {
        self.stale.push(id);
        Dirty {
            cases: true,
            board,
            ..Dirty::default()
        }
    }
}

fn schools() -> Dirty {
    Dirty {
        schools: true,
        cases: true,
        board: true,
        ..Dirty::default()
    }
}

fn designees() -> Dirty {
    Dirty {
        designees: true,
        board: true,
        ..Dirty::default()
    }
}

fn board() -> Dirty {
    Dirty {
        board: true,
        ..Dirty::default()
    }
}

fn entry(source: &CaseSource, today: NaiveDate) -> CaseEntry {
    CaseEntry::new(
        source.case.clone(),
        source.links.clone(),
        source.hearings.clone(),
        today,
    )
}
