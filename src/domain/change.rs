//! Changes as data. Every use case returns the typed changes it made; they are written to the
//! change log (the audit trail) in its transaction, numbered in commit order, applied by the
//! in-memory register, and read by people as Romanian sentences with the changed fields only.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::case_import::{CaseFacts, LinkFacts};
use super::cases::{HearingFacts, HearingRecord, StoredCase};
use super::den::{Campaign, Extension, StepRecord};
use super::designee::{CazierEvidence, DesigneeFacts, StoredDesignee};
use super::school::SchoolRecord;
use super::staff::Role;

/// A case as a change names it: the id, and what people know it by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseRef {
    pub id: i32,
    pub number: String,
    pub court: String,
}

impl CaseRef {
    pub fn of(case: &StoredCase) -> CaseRef {
        CaseRef {
            id: case.id,
            number: case.number.clone(),
            court: case.court.clone(),
        }
    }
}

/// Counts an import reports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportCounts {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub deactivated: u64,
    pub rejected: u64,
}

/// One change, with what it was before and after where something was replaced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Change {
    SchoolAdded {
        school: Box<SchoolRecord>,
    },
    SchoolUpdated {
        before: Box<SchoolRecord>,
        after: Box<SchoolRecord>,
    },
    /// Absent from the latest import of its county: inactive, never deleted.
    SchoolDeactivated {
        code: String,
    },
    CaseAdded {
        case: StoredCase,
        schools: Vec<(String, LinkFacts)>,
    },
    CaseEdited {
        case: CaseRef,
        before: CaseFacts,
        after: CaseFacts,
    },
    CaseClosed {
        case: CaseRef,
        reason: String,
    },
    CaseReopened {
        case: CaseRef,
        reason: String,
    },
    /// Not found on the portal several runs in a row (flagged, never closed).
    CaseMissingOnPortal {
        case: CaseRef,
        runs: i32,
    },
    CaseSchoolAdded {
        case: CaseRef,
        school: String,
        facts: LinkFacts,
    },
    CaseSchoolRemoved {
        case: CaseRef,
        school: String,
        facts: LinkFacts,
    },
    CaseSchoolChanged {
        case: CaseRef,
        school: String,
        before: LinkFacts,
        after: LinkFacts,
    },
    AccessRequested {
        case: CaseRef,
        school: String,
        before: LinkFacts,
        after: LinkFacts,
    },
    AccessApproved {
        case: CaseRef,
        school: String,
        before: LinkFacts,
        after: LinkFacts,
    },
    AccessRefused {
        case: CaseRef,
        school: String,
        before: LinkFacts,
        after: LinkFacts,
    },
    HearingAdded {
        case: CaseRef,
        hearing: HearingRecord,
    },
    /// Completed (an outcome), confirmed by the portal, or corrected by hand.
    HearingChanged {
        case: CaseRef,
        id: i32,
        before: HearingFacts,
        after: HearingFacts,
    },
    /// Deleted by hand, or (`wrong`) a hearing from the portal marked wrong.
    HearingRemoved {
        case: CaseRef,
        hearing: HearingRecord,
        reason: String,
        wrong: bool,
    },
    StepRecorded {
        school: String,
        step: StepRecord,
        case: Option<CaseRef>,
    },
    DesigneeNamed {
        school: String,
        before: Option<StoredDesignee>,
        after: StoredDesignee,
    },
    DesigneeConfirmed {
        school: String,
        designee: StoredDesignee,
    },
    EvidenceRecorded {
        school: String,
        designee_id: i32,
        evidence: CazierEvidence,
    },
    /// A school's personal data past keeping (the retention rule) or erased at the person's
    /// request: the records as they are now, without it.
    PersonalDataAnonymised {
        school: String,
        reason: String,
        designees: Vec<StoredDesignee>,
        certificates: Vec<(i32, CazierEvidence)>,
        /// Cases whose declared access contact (e-mail, phone) was removed.
        contacts: Vec<CaseRef>,
    },
    CampaignSet {
        before: Option<Campaign>,
        after: Campaign,
    },
    ExtensionGranted {
        school: String,
        before: Option<Extension>,
        after: Extension,
    },
    ExtensionWithdrawn {
        school: String,
        before: Extension,
    },
    /// A setting, its values as people read them.
    SettingChanged {
        setting: String,
        before: Option<String>,
        after: String,
    },
    OptedOut {
        email: String,
    },
    StaffAdded {
        email: String,
        role: Role,
    },
    StaffRoleChanged {
        email: String,
        before: Role,
        after: Role,
    },
    StaffDisabled {
        email: String,
    },
    StaffEnabled {
        email: String,
    },
    StaffSecondFactorReset {
        email: String,
    },
    SuggestionDismissed {
        court: String,
        number: String,
    },
    /// An import's batch; each row's own change carries the batch's id.
    ImportApplied {
        batch_id: i32,
        kind: String,
        file: String,
        counts: ImportCounts,
    },
    /// A data change recorded before the change log existed, as it was written then.
    Legacy {
        action: String,
        entity: String,
        entity_id: Option<String>,
        details: Option<String>,
        before: Option<String>,
        after: Option<String>,
    },
}

/// A committed change: its place in the log, when, who, and the import it came with.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeRecord {
    pub version: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub batch: Option<i32>,
    pub change: Change,
}

/// The kinds of change the audit trail filters by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeGroup {
    Schools,
    Cases,
    CaseSchools,
    Hearings,
    Access,
    Steps,
    Designees,
    Campaign,
    Settings,
    Staff,
    Imports,
    Portal,
    Legacy,
}

impl ChangeGroup {
    pub const ALL: [ChangeGroup; 13] = [
        ChangeGroup::Hearings,
        ChangeGroup::Cases,
        ChangeGroup::CaseSchools,
        ChangeGroup::Access,
        ChangeGroup::Steps,
        ChangeGroup::Designees,
        ChangeGroup::Campaign,
        ChangeGroup::Schools,
        ChangeGroup::Imports,
        ChangeGroup::Portal,
        ChangeGroup::Settings,
        ChangeGroup::Staff,
        ChangeGroup::Legacy,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            ChangeGroup::Schools => "unitati",
            ChangeGroup::Cases => "dosare",
            ChangeGroup::CaseSchools => "unitati-dosar",
            ChangeGroup::Hearings => "termene",
            ChangeGroup::Access => "acces",
            ChangeGroup::Steps => "pasi",
            ChangeGroup::Designees => "persoane",
            ChangeGroup::Campaign => "campanie",
            ChangeGroup::Settings => "setari",
            ChangeGroup::Staff => "conturi",
            ChangeGroup::Imports => "importuri",
            ChangeGroup::Portal => "portal",
            ChangeGroup::Legacy => "vechi",
        }
    }

    pub fn parse(slug: &str) -> Option<ChangeGroup> {
        ChangeGroup::ALL.into_iter().find(|g| g.slug() == slug)
    }

    pub fn label(self) -> &'static str {
        match self {
            ChangeGroup::Schools => "Unități (rețea școlară)",
            ChangeGroup::Cases => "Dosare",
            ChangeGroup::CaseSchools => "Unități în dosare",
            ChangeGroup::Hearings => "Termene de judecată",
            ChangeGroup::Access => "Acces electronic",
            ChangeGroup::Steps => "Pași D.E.N.",
            ChangeGroup::Designees => "Persoane desemnate",
            ChangeGroup::Campaign => "Campanie și prelungiri",
            ChangeGroup::Settings => "Setări",
            ChangeGroup::Staff => "Conturi",
            ChangeGroup::Imports => "Importuri",
            ChangeGroup::Portal => "Portal",
            ChangeGroup::Legacy => "Înregistrări dinainte de jurnal",
        }
    }

    /// The stored kinds (`Change::kind`) in this group.
    pub fn kinds(self) -> &'static [&'static str] {
        match self {
            ChangeGroup::Schools => &["school_added", "school_updated", "school_deactivated"],
            ChangeGroup::Cases => &[
                "case_added",
                "case_edited",
                "case_closed",
                "case_reopened",
                "case_missing_on_portal",
            ],
            ChangeGroup::CaseSchools => &[
                "case_school_added",
                "case_school_removed",
                "case_school_changed",
            ],
            ChangeGroup::Hearings => &["hearing_added", "hearing_changed", "hearing_removed"],
            ChangeGroup::Access => &["access_requested", "access_approved", "access_refused"],
            ChangeGroup::Steps => &["step_recorded"],
            ChangeGroup::Designees => &[
                "designee_named",
                "designee_confirmed",
                "evidence_recorded",
                "personal_data_anonymised",
            ],
            ChangeGroup::Campaign => &["campaign_set", "extension_granted", "extension_withdrawn"],
            ChangeGroup::Settings => &["setting_changed", "opted_out"],
            ChangeGroup::Staff => &[
                "staff_added",
                "staff_role_changed",
                "staff_disabled",
                "staff_enabled",
                "staff_second_factor_reset",
            ],
            ChangeGroup::Imports => &["import_applied"],
            ChangeGroup::Portal => &["suggestion_dismissed"],
            ChangeGroup::Legacy => &["legacy"],
        }
    }
}

impl Change {
    /// The kind as stored beside the payload (its serde tag).
    pub fn kind(&self) -> &'static str {
        match self {
            Change::SchoolAdded { .. } => "school_added",
            Change::SchoolUpdated { .. } => "school_updated",
            Change::SchoolDeactivated { .. } => "school_deactivated",
            Change::CaseAdded { .. } => "case_added",
            Change::CaseEdited { .. } => "case_edited",
            Change::CaseClosed { .. } => "case_closed",
            Change::CaseReopened { .. } => "case_reopened",
            Change::CaseMissingOnPortal { .. } => "case_missing_on_portal",
            Change::CaseSchoolAdded { .. } => "case_school_added",
            Change::CaseSchoolRemoved { .. } => "case_school_removed",
            Change::CaseSchoolChanged { .. } => "case_school_changed",
            Change::AccessRequested { .. } => "access_requested",
            Change::AccessApproved { .. } => "access_approved",
            Change::AccessRefused { .. } => "access_refused",
            Change::HearingAdded { .. } => "hearing_added",
            Change::HearingChanged { .. } => "hearing_changed",
            Change::HearingRemoved { .. } => "hearing_removed",
            Change::StepRecorded { .. } => "step_recorded",
            Change::DesigneeNamed { .. } => "designee_named",
            Change::DesigneeConfirmed { .. } => "designee_confirmed",
            Change::EvidenceRecorded { .. } => "evidence_recorded",
            Change::PersonalDataAnonymised { .. } => "personal_data_anonymised",
            Change::CampaignSet { .. } => "campaign_set",
            Change::ExtensionGranted { .. } => "extension_granted",
            Change::ExtensionWithdrawn { .. } => "extension_withdrawn",
            Change::SettingChanged { .. } => "setting_changed",
            Change::OptedOut { .. } => "opted_out",
            Change::StaffAdded { .. } => "staff_added",
            Change::StaffRoleChanged { .. } => "staff_role_changed",
            Change::StaffDisabled { .. } => "staff_disabled",
            Change::StaffEnabled { .. } => "staff_enabled",
            Change::StaffSecondFactorReset { .. } => "staff_second_factor_reset",
            Change::SuggestionDismissed { .. } => "suggestion_dismissed",
            Change::ImportApplied { .. } => "import_applied",
            Change::Legacy { .. } => "legacy",
        }
    }

    pub fn group(&self) -> ChangeGroup {
        let kind = self.kind();
        ChangeGroup::ALL
            .into_iter()
            .find(|g| g.kinds().contains(&kind))
            .unwrap_or(ChangeGroup::Legacy)
    }

    /// The school the change is about, for the filters and the school's history.
    pub fn school(&self) -> Option<&str> {
        match self {
            Change::SchoolAdded { school } => Some(&school.code),
            Change::SchoolUpdated { after, .. } => Some(&after.code),
            Change::SchoolDeactivated { code } => Some(code),
            Change::CaseSchoolAdded { school, .. }
            | Change::CaseSchoolRemoved { school, .. }
            | Change::CaseSchoolChanged { school, .. }
            | Change::AccessRequested { school, .. }
            | Change::AccessApproved { school, .. }
            | Change::AccessRefused { school, .. }
            | Change::StepRecorded { school, .. }
            | Change::DesigneeNamed { school, .. }
            | Change::DesigneeConfirmed { school, .. }
            | Change::EvidenceRecorded { school, .. }
            | Change::PersonalDataAnonymised { school, .. }
            | Change::ExtensionGranted { school, .. }
            | Change::ExtensionWithdrawn { school, .. } => Some(school),
            Change::CaseAdded { schools, .. } => schools.first().map(|(code, _)| code.as_str()),
            Change::Legacy {
                entity, entity_id, ..
            } if entity == "school" => entity_id.as_deref(),
            _ => None,
        }
    }

    /// The case the change is about, for the filters and the case's history.
    pub fn case(&self) -> Option<i32> {
        match self {
            Change::CaseAdded { case, .. } => Some(case.id),
            Change::CaseEdited { case, .. }
            | Change::CaseClosed { case, .. }
            | Change::CaseReopened { case, .. }
            | Change::CaseMissingOnPortal { case, .. }
            | Change::CaseSchoolAdded { case, .. }
            | Change::CaseSchoolRemoved { case, .. }
            | Change::CaseSchoolChanged { case, .. }
            | Change::AccessRequested { case, .. }
            | Change::AccessApproved { case, .. }
            | Change::AccessRefused { case, .. }
            | Change::HearingAdded { case, .. }
            | Change::HearingChanged { case, .. }
            | Change::HearingRemoved { case, .. } => Some(case.id),
            Change::StepRecorded { case, .. } => case.as_ref().map(|c| c.id),
            Change::Legacy {
                entity, entity_id, ..
            } if entity == "court_case" => entity_id.as_deref().and_then(|id| id.parse().ok()),
            _ => None,
        }
    }

    /// Whether the in-memory register holds anything this change alters.
    pub fn touches_register(&self) -> bool {
        !matches!(
            self.group(),
            ChangeGroup::Settings
                | ChangeGroup::Staff
                | ChangeGroup::Imports
                | ChangeGroup::Portal
                | ChangeGroup::Legacy
        ) && !matches!(self, Change::CaseMissingOnPortal { .. })
    }
}

/// Who made a change, as people know them: staff by name (from e-mail → name), the other
/// actors in words.
pub fn actor_name(actor: &str, staff: &std::collections::HashMap<String, String>) -> String {
    if let Some(name) = staff.get(actor) {
        return name.clone();
    }
    match actor {
        "linie de comandă" => "Linia de comandă (pe server)".into(),
        "unitate (link din e-mail)" => "Unitatea (prin linkul din e-mail)".into(),
        "sistem (portal.just.ro)" => "Sincronizarea cu portal.just.ro".into(),
        other => {
            let mut chars = other.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        }
    }
}

/// One changed field as people read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub label: &'static str,
    pub before: String,
    pub after: String,
}

/// A change in words: the sentence and the fields that changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Described {
    pub sentence: String,
    pub fields: Vec<FieldChange>,
}

fn day(on: NaiveDate) -> String {
    on.format("%d.%m.%Y").to_string()
}

fn opt_day(on: Option<NaiveDate>) -> String {
    on.map(day).unwrap_or_default()
}

fn text(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

/// A hearing's day and hour (`12.01.2027 09:00`).
fn when(facts: &HearingFacts) -> String {
    let mut out = day(facts.on);
    if !facts.time.is_empty() {
        out.push(' ');
        out.push_str(&facts.time);
    }
    out
}

/// A hearing's day and hour with its panel when known (`12.01.2027 09:00, complet C3`).
fn when_with_panel(facts: &HearingFacts) -> String {
    if facts.panel.is_empty() {
        when(facts)
    } else {
        format!("{}, complet {}", when(facts), facts.panel)
    }
}

/// The labelled values of a record; a diff keeps those that differ.
type Labelled = Vec<(&'static str, String)>;

fn diff(before: Labelled, after: Labelled) -> Vec<FieldChange> {
    before
        .into_iter()
        .zip(after)
        .filter(|((_, b), (_, a))| a != b)
        .map(|((label, before), (_, after))| FieldChange {
            label,
            before,
            after,
        })
        .collect()
}

/// Every field of an added record, shown as set from nothing.
fn set(after: Labelled) -> Vec<FieldChange> {
    after
        .into_iter()
        .filter(|(_, a)| !a.is_empty())
        .map(|(label, after)| FieldChange {
            label,
            before: String::new(),
            after,
        })
        .collect()
}

fn school_fields(s: &SchoolRecord) -> Labelled {
    vec![
        ("Denumire", text(&s.long_name)),
        ("Denumire scurtă", text(&s.short_name)),
        ("Cod SIIIR PJ", s.pj_code.clone()),
        ("Statut", s.status.clone()),
        ("Tip unitate", text(&s.unit_type)),
        ("Județ", text(&s.county)),
        ("Localitate", text(&s.locality)),
        ("Mediu", text(&s.area)),
        ("Cod SIRUTA", text(&s.siruta)),
        ("Cod fiscal", text(&s.cif)),
        ("Mod de funcționare", text(&s.operating_mode)),
        ("Formă de finanțare", text(&s.funding)),
        ("Formă de proprietate", text(&s.ownership)),
        ("Strada", text(&s.street)),
        ("Număr", text(&s.street_number)),
        ("Cod poștal", text(&s.postal_code)),
        ("Telefon", text(&s.phone)),
        ("Fax", text(&s.fax)),
        ("E-mail", text(&s.email)),
        ("An școlar", text(&s.school_year)),
    ]
}

fn case_fields(f: &CaseFacts) -> Labelled {
    vec![
        ("Categorie", text(&f.category)),
        ("Stadiu procesual", text(&f.stage)),
        ("Obiect", text(&f.object)),
    ]
}

fn link_fields(f: &LinkFacts) -> Labelled {
    vec![
        ("Calitate", text(&f.role)),
        ("Cerere de acces", opt_day(f.access_requested_on)),
        ("E-mail declarat", text(&f.access_email)),
        ("Telefon declarat", text(&f.access_phone)),
        ("Acces aprobat", opt_day(f.access_approved_on)),
        ("Acces respins", opt_day(f.access_refused_on)),
        ("Motivul respingerii", text(&f.access_refusal_reason)),
        ("Observații", text(&f.notes)),
    ]
}

fn hearing_fields(f: &HearingFacts) -> Labelled {
    vec![
        ("Data", day(f.on)),
        ("Ora", f.time.clone()),
        ("Complet", f.panel.clone()),
        ("Stadiu", text(&f.stage)),
        ("Soluție", text(&f.outcome)),
        ("Rezumat", text(&f.summary)),
        ("Pronunțare", opt_day(f.pronounced_on)),
    ]
}

fn designee_fields(f: &DesigneeFacts) -> Labelled {
    vec![
        ("Nume", f.full_name.clone()),
        ("Funcția", f.function.clone()),
        ("Nr. decizie", text(&f.decision_number)),
        ("Data deciziei", opt_day(f.decision_date)),
        ("E-mail", text(&f.email)),
        ("Telefon", text(&f.phone)),
    ]
}

impl ChangeRecord {
    /// The change as a sentence: `who` is the actor's name as people know it, `school` names
    /// a unit by its code.
    pub fn describe(&self, who: &str, school: &dyn Fn(&str) -> String) -> Described {
        describe(&self.change, who, school)
    }
}

/// "2 persoane desemnate, 1 număr de cazier, 3 contacte declarate", naming only what there was.
fn anonymised_counts(designees: usize, certificates: usize, contacts: usize) -> String {
    let part = |n: usize, one: &str, many: &str| match n {
        0 => None,
        1 => Some(format!("1 {one}")),
        n => Some(format!("{n} {many}")),
    };
    [
        part(designees, "persoană desemnată", "persoane desemnate"),
        part(certificates, "număr de cazier", "numere de cazier"),
        part(contacts, "contact declarat", "contacte declarate"),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ")
}

/// A school in a sentence: its name and code.
fn unit(code: &str, name: &dyn Fn(&str) -> String) -> String {
    let shown = name(code);
    if shown == code {
        format!("unitatea {code}")
    } else {
        format!("{shown} ({code})")
    }
}

fn case_name(case: &CaseRef) -> String {
    format!(
        "dosarul {} ({})",
        case.number,
        super::courts::display_name(&case.court)
    )
}

/// The change in words (one sentence, the fields it changed).
pub fn describe(change: &Change, who: &str, school: &dyn Fn(&str) -> String) -> Described {
    let plain = |sentence: String| Described {
        sentence,
        fields: Vec::new(),
    };
    let with = |sentence: String, fields: Vec<FieldChange>| Described { sentence, fields };
    match change {
        Change::SchoolAdded { school: s } => with(
            format!("{who} a adăugat {}", unit(&s.code, school)),
            set(school_fields(s)),
        ),
        Change::SchoolUpdated { before, after } => with(
            format!(
                "{who} a modificat datele unității {}",
                unit(&after.code, school)
            ),
            diff(school_fields(before), school_fields(after)),
        ),
        Change::SchoolDeactivated { code } => plain(format!(
            "{who} a trecut {} între unitățile inactive (lipsește din ultimul import)",
            unit(code, school)
        )),
        Change::CaseAdded { case, schools } => {
            let mut fields = set(case_fields(&case.facts));
            for (code, facts) in schools {
                fields.push(FieldChange {
                    label: "Unitate",
                    before: String::new(),
                    after: match &facts.role {
                        Some(role) => format!("{} — {role}", unit(code, school)),
                        None => unit(code, school),
                    },
                });
            }
            with(
                format!("{who} a adăugat {}", case_name(&CaseRef::of(case))),
                fields,
            )
        }
        Change::CaseEdited {
            case,
            before,
            after,
        } => with(
            format!("{who} a modificat {}", case_name(case)),
            diff(case_fields(before), case_fields(after)),
        ),
        Change::CaseClosed { case, reason } => {
            plain(format!("{who} a închis {}: {reason}", case_name(case)))
        }
        Change::CaseReopened { case, reason } => {
            plain(format!("{who} a redeschis {}: {reason}", case_name(case)))
        }
        Change::CaseMissingOnPortal { case, runs } => plain(format!(
            "{who} a semnalat că {} nu a fost găsit pe portal la {runs} verificări la rând",
            case_name(case)
        )),
        Change::CaseSchoolAdded {
            case,
            school: code,
            facts,
        } => with(
            format!(
                "{who} a adăugat {} în {}",
                unit(code, school),
                case_name(case)
            ),
            set(link_fields(facts)),
        ),
        Change::CaseSchoolRemoved {
            case,
            school: code,
            facts,
        } => with(
            format!(
                "{who} a scos {} din {}",
                unit(code, school),
                case_name(case)
            ),
            diff(link_fields(facts), link_fields(&LinkFacts::default())),
        ),
        Change::CaseSchoolChanged {
            case,
            school: code,
            before,
            after,
        } => {
            let only_role = LinkFacts {
                role: after.role.clone(),
                ..before.clone()
            } == *after;
            let sentence = if before.role != after.role && only_role {
                format!(
                    "{who} a schimbat calitatea unității {} în {} din „{}” în „{}”",
                    unit(code, school),
                    case_name(case),
                    text(&before.role),
                    text(&after.role)
                )
            } else {
                format!(
                    "{who} a modificat datele unității {} în {}",
                    unit(code, school),
                    case_name(case)
                )
            };
            with(sentence, diff(link_fields(before), link_fields(after)))
        }
        Change::AccessRequested {
            case,
            school: code,
            before,
            after,
        } => with(
            format!(
                "{who} a înregistrat cererea de acces electronic a unității {} în {} din {}",
                unit(code, school),
                case_name(case),
                opt_day(after.access_requested_on)
            ),
            diff(link_fields(before), link_fields(after)),
        ),
        Change::AccessApproved {
            case,
            school: code,
            before,
            after,
        } => with(
            format!(
                "{who} a înregistrat aprobarea accesului electronic al unității {} în {} din {}",
                unit(code, school),
                case_name(case),
                opt_day(after.access_approved_on)
            ),
            diff(link_fields(before), link_fields(after)),
        ),
        Change::AccessRefused {
            case,
            school: code,
            before,
            after,
        } => with(
            format!(
                "{who} a înregistrat respingerea accesului electronic al unității {} în {} din {}: {}",
                unit(code, school),
                case_name(case),
                opt_day(after.access_refused_on),
                text(&after.access_refusal_reason)
            ),
            diff(link_fields(before), link_fields(after)),
        ),
        Change::HearingAdded { case, hearing } => with(
            format!(
                "{who} a adăugat termenul din {} în {}",
                when_with_panel(&hearing.facts),
                case_name(case)
            ),
            set(hearing_fields(&hearing.facts)),
        ),
        Change::HearingChanged {
            case,
            before,
            after,
            ..
        } => {
            let sentence = if (before.on, &before.time) != (after.on, &after.time) {
                format!(
                    "{who} a mutat termenul {} de la {} la {}",
                    case_name(case).replacen("dosarul", "dosarului", 1),
                    when(before),
                    when(after)
                )
            } else {
                format!(
                    "{who} a completat termenul din {} al {}",
                    when(after),
                    case_name(case).replacen("dosarul", "dosarului", 1)
                )
            };
            with(
                sentence,
                diff(hearing_fields(before), hearing_fields(after)),
            )
        }
        Change::HearingRemoved {
            case,
            hearing,
            reason,
            wrong,
        } => {
            let verb = if *wrong {
                "a marcat ca greșit"
            } else {
                "a șters"
            };
            plain(format!(
                "{who} {verb} termenul din {} al {}: {reason}",
                when_with_panel(&hearing.facts),
                case_name(case).replacen("dosarul", "dosarului", 1)
            ))
        }
        Change::StepRecorded {
            school: code,
            step,
            case,
        } => {
            let in_case = case
                .as_ref()
                .map(|c| format!(", în {}", case_name(c)))
                .unwrap_or_default();
            let mut fields = Vec::new();
            if let Some(note) = &step.note {
                fields.push(FieldChange {
                    label: "Notă",
                    before: String::new(),
                    after: note.clone(),
                });
            }
            with(
                format!(
                    "{who} a înregistrat pasul „{}” din {} pentru {}{in_case}",
                    step.step.label(),
                    day(step.on),
                    unit(code, school)
                ),
                fields,
            )
        }
        Change::DesigneeNamed {
            school: code,
            before,
            after,
        } => match before {
            None => with(
                format!(
                    "{who} a desemnat pe {} ({}) pentru {}",
                    after.facts.full_name,
                    after.facts.function,
                    unit(code, school)
                ),
                set(designee_fields(&after.facts)),
            ),
            Some(before) => with(
                format!(
                    "{who} a schimbat persoana desemnată a unității {}",
                    unit(code, school)
                ),
                diff(
                    designee_fields(&before.facts),
                    designee_fields(&after.facts),
                ),
            ),
        },
        Change::DesigneeConfirmed {
            school: code,
            designee,
        } => plain(format!(
            "{who} a confirmat persoana desemnată {} a unității {}",
            designee.facts.full_name,
            unit(code, school)
        )),
        Change::EvidenceRecorded {
            school: code,
            evidence,
            ..
        } => plain(format!(
            "{who} a înregistrat cazierul judiciar nr. {} din {} (valabil până la {}) al persoanei desemnate a unității {}",
            evidence.number,
            day(evidence.issued_on),
            day(evidence.valid_until),
            unit(code, school)
        )),
        Change::PersonalDataAnonymised {
            school: code,
            reason,
            designees,
            certificates,
            contacts,
        } => plain(format!(
            "{who} a anonimizat datele personale ({reason}) la {}: {}",
            unit(code, school),
            anonymised_counts(designees.len(), certificates.len(), contacts.len())
        )),
        Change::CampaignSet { before, after } => {
            let sentence = match before {
                Some(b) if b.deadline != after.deadline => format!(
                    "{who} a mutat termenul-limită D.E.N. de la {} la {}",
                    day(b.deadline),
                    day(after.deadline)
                ),
                Some(_) => format!("{who} a schimbat titlul campaniei D.E.N."),
                None => format!(
                    "{who} a stabilit termenul-limită D.E.N. la {}",
                    day(after.deadline)
                ),
            };
            let fields = |c: &Campaign| -> Labelled {
                vec![
                    ("Titlu", c.title.clone()),
                    ("Termen-limită", day(c.deadline)),
                ]
            };
            let changed = match before {
                Some(b) => diff(fields(b), fields(after)),
                None => set(fields(after)),
            };
            with(sentence, changed)
        }
        Change::ExtensionGranted {
            school: code,
            before,
            after,
        } => {
            let was = before
                .as_ref()
                .map(|b| format!(" (era până la {})", day(b.until)))
                .unwrap_or_default();
            plain(format!(
                "{who} a prelungit termenul unității {} până la {}{was}: {}",
                unit(code, school),
                day(after.until),
                after.reason
            ))
        }
        Change::ExtensionWithdrawn {
            school: code,
            before,
        } => plain(format!(
            "{who} a retras prelungirea termenului unității {} (era până la {})",
            unit(code, school),
            day(before.until)
        )),
        Change::SettingChanged {
            setting,
            before,
            after,
        } => with(
            format!("{who} a modificat setarea „{setting}”"),
            vec![FieldChange {
                label: "Valoare",
                before: text(before),
                after: after.clone(),
            }],
        ),
        Change::OptedOut { email } => plain(format!(
            "{who} a oprit memento-urile despre termenele de judecată pentru adresa {email}"
        )),
        Change::StaffAdded { email, role } => {
            plain(format!("{who} a creat contul {email} ({})", role.label()))
        }
        Change::StaffRoleChanged {
            email,
            before,
            after,
        } => plain(format!(
            "{who} a schimbat rolul contului {email} din „{}” în „{}”",
            before.label(),
            after.label()
        )),
        Change::StaffDisabled { email } => plain(format!("{who} a dezactivat contul {email}")),
        Change::StaffEnabled { email } => plain(format!("{who} a reactivat contul {email}")),
        Change::StaffSecondFactorReset { email } => plain(format!(
            "{who} a resetat autentificarea în doi pași a contului {email}"
        )),
        Change::SuggestionDismissed { court, number } => plain(format!(
            "{who} a respins sugestia de pe portal: dosarul {number} ({})",
            super::courts::display_name(court)
        )),
        Change::ImportApplied {
            kind, file, counts, ..
        } => plain(format!(
            "{who} a importat {kind} din fișierul {file}: {} noi, {} actualizate, {} neschimbate, {} dezactivate, {} rânduri respinse",
            counts.inserted, counts.updated, counts.unchanged, counts.deactivated, counts.rejected
        )),
        Change::Legacy {
            action,
            details,
            before,
            after,
            ..
        } => {
            let mut fields = Vec::new();
            if before.is_some() || after.is_some() {
                fields.push(FieldChange {
                    label: "Date",
                    before: text(before),
                    after: text(after),
                });
            }
            let details = details
                .as_ref()
                .map(|d| format!(" — {d}"))
                .unwrap_or_default();
            with(format!("{who}: {action}{details}"), fields)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case() -> CaseRef {
        CaseRef {
            id: 7,
            number: "1234/97/2025".into(),
            court: "TribunalulHUNEDOARA".into(),
        }
    }

    fn hearing(on: (i32, u32, u32), time: &str) -> HearingFacts {
        HearingFacts {
            on: NaiveDate::from_ymd_opt(on.0, on.1, on.2).unwrap_or_default(),
            time: time.into(),
            ..Default::default()
        }
    }

    fn no_names(code: &str) -> String {
        code.to_string()
    }

    #[test]
    fn a_moved_hearing_reads_as_a_sentence_with_both_times() {
        let change = Change::HearingChanged {
            case: case(),
            id: 3,
            before: hearing((2027, 1, 12), "09:00"),
            after: hearing((2027, 1, 14), "10:00"),
        };
        let described = describe(&change, "Maria Pop", &no_names);
        assert_eq!(
            described.sentence,
            "Maria Pop a mutat termenul dosarului 1234/97/2025 (Tribunalul Hunedoara) de la 12.01.2027 09:00 la 14.01.2027 10:00"
        );
        let labels: Vec<&str> = described.fields.iter().map(|f| f.label).collect();
        assert_eq!(labels, ["Data", "Ora"], "only the changed fields");
    }

    #[test]
    fn a_role_change_names_both_roles_and_the_school() {
        let before = LinkFacts {
            role: Some("pârât".into()),
            ..Default::default()
        };
        let after = LinkFacts {
            role: Some("reclamant".into()),
            ..Default::default()
        };
        let change = Change::CaseSchoolChanged {
            case: case(),
            school: "2061100733".into(),
            before,
            after,
        };
        let names = |code: &str| {
            if code == "2061100733" {
                "Școala Gimnazială Aninoasa".to_string()
            } else {
                code.to_string()
            }
        };
        let described = describe(&change, "Ion Ene", &names);
        assert!(
            described.sentence.contains(
                "calitatea unității Școala Gimnazială Aninoasa (2061100733) în dosarul 1234/97/2025"
            ) && described.sentence.ends_with("din „pârât” în „reclamant”"),
            "{}",
            described.sentence
        );
        assert_eq!(described.fields.len(), 1);
        assert_eq!(described.fields[0].label, "Calitate");
    }

    #[test]
    fn every_kind_has_a_group_and_survives_json() {
        let changes = [
            Change::SchoolDeactivated {
                code: "2061100733".into(),
            },
            Change::CaseClosed {
                case: case(),
                reason: "hotărâre definitivă".into(),
            },
            Change::ExtensionWithdrawn {
                school: "2061100733".into(),
                before: Extension {
                    until: NaiveDate::from_ymd_opt(2027, 2, 1).unwrap_or_default(),
                    reason: "director nou".into(),
                    recorded_by: "a@b.ro".into(),
                    recorded_at: DateTime::default(),
                },
            },
            Change::StaffRoleChanged {
                email: "a@b.ro".into(),
                before: Role::Inspector,
                after: Role::Juridic,
            },
        ];
        for change in changes {
            let json = serde_json::to_string(&change).unwrap_or_default();
            assert!(
                json.contains(&format!("\"type\":\"{}\"", change.kind())),
                "{json}"
            );
            let back: Change = serde_json::from_str(&json).expect("reads back");
            assert_eq!(back, change);
            assert!(change.group().kinds().contains(&change.kind()));
        }
        let all: Vec<&str> = ChangeGroup::ALL
            .iter()
            .flat_map(|g| g.kinds())
            .copied()
            .collect();
        let mut unique = all.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), all.len(), "a kind is in one group only");
    }
}
