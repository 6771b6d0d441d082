//! The D.E.N. procedure per school (legal entity) and the status the legal department sees.
//! Dates are local dates in Europe/Bucharest; the caller converts "now" with chrono-tz.

use chrono::NaiveDate;

/// Steps towards the institutional D.E.N. account, in order.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
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

/// `deadline` already includes any extension granted to the school; `complete` is
/// [`SchoolProcedure::complete`] (account created on its premises, designee confirmed).
pub fn status(
    has_active_case: bool,
    complete: bool,
    deadline: NaiveDate,
    today: NaiveDate,
) -> DenStatus {
    if complete {
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

// ---- the procedure's rules, the same from every door ----

/// A campaign: the ISJ's deadline for every PJ with active cases.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Campaign {
    pub id: i32,
    pub title: String,
    pub deadline: NaiveDate,
}

pub const DEFAULT_CAMPAIGN_TITLE: &str = "Constituirea contului D.E.N.";

/// A later deadline granted to one school.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Extension {
    pub until: NaiveDate,
    pub reason: String,
    pub recorded_by: String,
    pub recorded_at: chrono::DateTime<chrono::Utc>,
}

/// Where a step was recorded from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepSource {
    Staff,
    Import,
    DirectorLink,
}

impl StepSource {
    pub fn as_str(self) -> &'static str {
        match self {
            StepSource::Staff => "staff",
            StepSource::Import => "import",
            StepSource::DirectorLink => "link",
        }
    }

    /// Unknown stored values read as staff (the most conservative label).
    pub fn parse(text: &str) -> StepSource {
        match text {
            "import" => StepSource::Import,
            "link" => StepSource::DirectorLink,
            _ => StepSource::Staff,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            StepSource::Staff => "personal ISJ",
            StepSource::Import => "import",
            StepSource::DirectorLink => "link trimis unității",
        }
    }
}

/// One recorded step of a school, as the timeline shows it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StepRecord {
    pub id: i32,
    pub step: DenStep,
    pub on: NaiveDate,
    pub source: StepSource,
    pub recorded_by: String,
    pub note: Option<String>,
    pub recorded_at: chrono::DateTime<chrono::Utc>,
}

/// Electronic access in one case of the school (the premise of every later step).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseAccess {
    pub case_id: i32,
    pub number: String,
    pub active: bool,
    pub requested_on: Option<NaiveDate>,
    pub approved_on: Option<NaiveDate>,
    /// The court refused the request on record; a new request can follow.
    pub refused_on: Option<NaiveDate>,
}

impl CaseAccess {
    /// A request that stands: filed and not refused.
    pub fn requested(&self) -> bool {
        self.requested_on.is_some() && self.refused_on.is_none()
    }

    /// Access approved on a request that stands.
    pub fn approved(&self) -> Option<NaiveDate> {
        self.approved_on.filter(|_| self.requested())
    }

    /// No request stands in this case (none filed, or the last one refused).
    pub fn open_for_request(&self) -> bool {
        !self.requested()
    }
}

/// What a school has on record: its steps (any order) and its cases' access.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchoolProcedure {
    pub recorded: Vec<(DenStep, NaiveDate)>,
    pub cases: Vec<CaseAccess>,
}

impl SchoolProcedure {
    /// The day a step was first recorded.
    pub fn first_recorded(&self, step: DenStep) -> Option<NaiveDate> {
        self.recorded
            .iter()
            .filter(|(s, _)| *s == step)
            .map(|(_, on)| *on)
            .min()
    }

    /// Active cases the school is a party in.
    pub fn active_cases(&self) -> u32 {
        u32::try_from(self.cases.iter().filter(|c| c.active).count()).unwrap_or(u32::MAX)
    }

    /// Active cases with an access request that stands, and with access approved.
    pub fn active_access_counts(&self) -> (u32, u32) {
        let active = self.cases.iter().filter(|c| c.active);
        active.fold((0, 0), |(requested, approved), c| {
            (
                requested + u32::from(c.requested()),
                approved + u32::from(c.approved().is_some()),
            )
        })
    }
}

/// A step someone wants to record; `case` names the case an access step is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepClaim {
    pub step: DenStep,
    pub on: NaiveDate,
    pub case: Option<i32>,
}

/// Why a step is refused; the text is what every door shows (page, link, import row).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StepRefusal {
    #[error("pasul „nicio cerere de acces” nu se înregistrează")]
    NotAStep,
    #[error("data pasului nu poate fi în viitor")]
    InFuture,
    #[error(
        "cererea de acces se poate face doar într-un dosar activ al unității, iar unitatea nu are niciun dosar activ"
    )]
    NoActiveCase,
    #[error("dosarul ales nu este un dosar activ al unității")]
    NotAnActiveCase,
    #[error("unitatea are mai multe dosare: alegeți dosarul în care s-a depus cererea")]
    ChooseCase,
    #[error("cererea de acces în dosarul {number} este deja înregistrată ({on})")]
    AlreadyRecorded { number: String, on: String },
    #[error(
        "accesul aprobat cere întâi o cerere de acces înregistrată în acel dosar; nu există cerere de acces"
    )]
    NoRequest,
    #[error(
        "cererea de acces în dosarul {0} a fost respinsă de instanță; înregistrați întâi o cerere nouă"
    )]
    Refused(String),
    #[error(
        "contul D.E.N. se poate crea doar după ce instanța a aprobat accesul la cel puțin un dosar; niciun acces aprobat"
    )]
    NoApprovedAccess,
    #[error(
        "persoana desemnată se comunică după crearea contului D.E.N.; contul nu este înregistrat"
    )]
    NoAccount,
    #[error("data nu poate fi înaintea pasului „{previous}” ({on})")]
    BeforePrevious { previous: &'static str, on: String },
    #[error("unitatea a ajuns deja la pasul „{0}”; pașii se înregistrează doar înainte")]
    NotForward(&'static str),
}

/// What a valid claim changes: the school step, and for access steps the case it is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AcceptedStep {
    pub step: DenStep,
    pub on: NaiveDate,
    /// The case whose access date this sets (`None`: the school's record only).
    pub case: Option<i32>,
}

impl SchoolProcedure {
    /// Earliest approval among cases whose request stands.
    fn first_approval(&self) -> Option<NaiveDate> {
        self.cases.iter().filter_map(CaseAccess::approved).min()
    }

    /// The furthest step whose premises hold; steps recorded without them do not count.
    pub fn effective_step(&self) -> DenStep {
        let requested = self.cases.iter().any(CaseAccess::requested);
        let approved = self.first_approval().is_some();
        let account = approved && self.first_recorded(DenStep::AccountCreated).is_some();
        let reported = account && self.first_recorded(DenStep::Reported).is_some();
        [
            (reported, DenStep::Reported),
            (account, DenStep::AccountCreated),
            (approved, DenStep::AccessApproved),
            (requested, DenStep::AccessRequested),
        ]
        .into_iter()
        .find(|(holds, _)| *holds)
        .map_or(DenStep::NoCase, |(_, step)| step)
    }

    /// Recorded steps whose premise is missing, with what is missing (for the school page).
    pub fn gaps(&self) -> Vec<(DenStep, StepRefusal)> {
        let effective = self.effective_step();
        let mut gaps = Vec::new();
        let mut seen: Vec<DenStep> = self.recorded.iter().map(|(s, _)| *s).collect();
        seen.sort();
        seen.dedup();
        for step in seen.into_iter().filter(|s| *s > effective) {
            let refused = self.cases.iter().find(|c| c.refused_on.is_some());
            let missing = match (step, refused) {
                (DenStep::AccessRequested, _) if self.cases.is_empty() => StepRefusal::NoActiveCase,
                (DenStep::AccessRequested | DenStep::AccessApproved, Some(case)) => {
                    StepRefusal::Refused(case.number.clone())
                }
                (DenStep::AccessRequested | DenStep::AccessApproved, None) => {
                    StepRefusal::NoRequest
                }
                (DenStep::AccountCreated, _) => StepRefusal::NoApprovedAccess,
                _ => StepRefusal::NoAccount,
            };
            gaps.push((step, missing));
        }
        gaps
    }

    /// Checks a claim against the procedure; the one rule every door uses.
    pub fn check(&self, claim: StepClaim, today: NaiveDate) -> Result<AcceptedStep, StepRefusal> {
        if claim.on > today {
            return Err(StepRefusal::InFuture);
        }
        let case = match claim.step {
            DenStep::NoCase => return Err(StepRefusal::NotAStep),
            DenStep::AccessRequested => self.request_case(claim)?,
            DenStep::AccessApproved => self.approval_case(claim)?,
            DenStep::AccountCreated => {
                self.not_yet(DenStep::AccountCreated)?;
                let approved = self.first_approval().ok_or(StepRefusal::NoApprovedAccess)?;
                after(DenStep::AccessApproved, approved, claim.on)?;
                None
            }
            DenStep::Reported => {
                self.not_yet(DenStep::Reported)?;
                if self.effective_step() < DenStep::AccountCreated {
                    return Err(StepRefusal::NoAccount);
                }
                if let Some(account) = self.first_recorded(DenStep::AccountCreated) {
                    after(DenStep::AccountCreated, account, claim.on)?;
                }
                None
            }
        };
        Ok(AcceptedStep {
            step: claim.step,
            on: claim.on,
            case,
        })
    }

    fn not_yet(&self, step: DenStep) -> Result<(), StepRefusal> {
        match self.first_recorded(step) {
            Some(_) if self.effective_step() >= step => Err(StepRefusal::NotForward(step.label())),
            _ => Ok(()),
        }
    }

    fn request_case(&self, claim: StepClaim) -> Result<Option<i32>, StepRefusal> {
        let active: Vec<&CaseAccess> = self.cases.iter().filter(|c| c.active).collect();
        let chosen = match claim.case {
            Some(id) => *active
                .iter()
                .find(|c| c.case_id == id)
                .ok_or(StepRefusal::NotAnActiveCase)?,
            None => {
                let open: Vec<&&CaseAccess> =
                    active.iter().filter(|c| c.open_for_request()).collect();
                match (open.as_slice(), active.is_empty()) {
                    (_, true) => return Err(StepRefusal::NoActiveCase),
                    ([one], _) => **one,
                    ([], _) => {
                        return Err(StepRefusal::NotForward(DenStep::AccessRequested.label()));
                    }
                    _ => return Err(StepRefusal::ChooseCase),
                }
            }
        };
        if let (Some(on), true) = (chosen.requested_on, chosen.requested()) {
            return Err(StepRefusal::AlreadyRecorded {
                number: chosen.number.clone(),
                on: super::dates::show(on),
            });
        }
        if let Some(refused) = chosen.refused_on {
            after(DenStep::AccessRequested, refused, claim.on).map_err(|_| {
                StepRefusal::BeforePrevious {
                    previous: "acces respins",
                    on: super::dates::show(refused),
                }
            })?;
        }
        Ok(Some(chosen.case_id))
    }

    fn approval_case(&self, claim: StepClaim) -> Result<Option<i32>, StepRefusal> {
        let chosen = match claim.case {
            Some(id) => self
                .cases
                .iter()
                .find(|c| c.case_id == id)
                .ok_or(StepRefusal::NotAnActiveCase)?,
            None => {
                let waiting: Vec<&CaseAccess> = self
                    .cases
                    .iter()
                    .filter(|c| c.requested() && c.approved_on.is_none())
                    .collect();
                match waiting.as_slice() {
                    [one] => *one,
                    [] if self.first_approval().is_some() => {
                        return Err(StepRefusal::NotForward(DenStep::AccessApproved.label()));
                    }
                    [] => return Err(StepRefusal::NoRequest),
                    _ => return Err(StepRefusal::ChooseCase),
                }
            }
        };
        let requested = chosen.requested_on.ok_or(StepRefusal::NoRequest)?;
        if chosen.refused_on.is_some() {
            return Err(StepRefusal::Refused(chosen.number.clone()));
        }
        after(DenStep::AccessRequested, requested, claim.on)?;
        if chosen.approved_on.is_some() {
            return Err(StepRefusal::NotForward(DenStep::AccessApproved.label()));
        }
        Ok(Some(chosen.case_id))
    }

    /// Done: the account exists (on its premises) and the current designee is confirmed.
    pub fn complete(&self, designee_confirmed: bool) -> bool {
        designee_confirmed && self.effective_step() >= DenStep::AccountCreated
    }
}

/// The steps a form offers: the access steps while some case still lacks them (they are per
/// case; requests only in active cases), the others while the school has not reached them.
pub fn offered_steps(current: DenStep, cases: &[CaseAccess]) -> Vec<DenStep> {
    let unrequested = cases.iter().any(|c| c.active && c.open_for_request());
    let unapproved = cases
        .iter()
        .any(|c| c.requested() && c.approved_on.is_none());
    DenStep::ALL
        .into_iter()
        .filter(|s| match s {
            DenStep::NoCase => false,
            DenStep::AccessRequested => unrequested,
            DenStep::AccessApproved => unapproved,
            _ => current.can_advance_to(*s),
        })
        .collect()
}

fn after(previous: DenStep, previous_on: NaiveDate, on: NaiveDate) -> Result<(), StepRefusal> {
    if on < previous_on {
        Err(StepRefusal::BeforePrevious {
            previous: previous.label(),
            on: super::dates::show(previous_on),
        })
    } else {
        Ok(())
    }
}

/// Why a deadline or an extension is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeadlineRefusal {
    #[error("termenul-limită nu poate fi în trecut")]
    InPast,
    #[error("termenul-limită trebuie să fie între anii 2000 și 2100")]
    Implausible,
    #[error("prelungirea trebuie să fie după termenul campaniei ({0})")]
    NotAfterCampaign(String),
    #[error("scrieți motivul prelungirii")]
    NoReason,
    #[error("nu există o campanie activă; stabiliți întâi termenul-limită în Setări")]
    NoCampaign,
}

/// The campaign deadline rule, for Setări and the command line alike: a plausible year, not
/// before today (a past deadline would mail every school an overdue notice at once).
pub fn check_deadline(deadline: NaiveDate, today: NaiveDate) -> Result<(), DeadlineRefusal> {
    use chrono::Datelike;
    if !(2000..=2100).contains(&deadline.year()) {
        return Err(DeadlineRefusal::Implausible);
    }
    if deadline < today {
        return Err(DeadlineRefusal::InPast);
    }
    Ok(())
}

/// An extension must be later than the campaign deadline and say why.
pub fn check_extension(
    campaign: &Campaign,
    until: NaiveDate,
    reason: &str,
) -> Result<(), DeadlineRefusal> {
    if until <= campaign.deadline {
        return Err(DeadlineRefusal::NotAfterCampaign(super::dates::show(
            campaign.deadline,
        )));
    }
    if reason.trim().is_empty() {
        return Err(DeadlineRefusal::NoReason);
    }
    check_deadline(until, campaign.deadline)
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
            status(false, false, deadline, d(2027, 3, 1)),
            DenStatus::Blocked,
            "no case is never overdue"
        );
        assert_eq!(status(true, true, deadline, d(2027, 3, 1)), DenStatus::Done);
        assert_eq!(
            status(false, true, deadline, d(2026, 12, 1)),
            DenStatus::Done
        );
        assert_eq!(
            status(true, false, deadline, d(2026, 11, 23)),
            DenStatus::OnTrack { days_left: 22 }
        );
        assert_eq!(
            status(true, false, deadline, d(2026, 12, 8)),
            DenStatus::DueSoon { days_left: 7 }
        );
        assert_eq!(
            status(true, false, deadline, d(2026, 12, 15)),
            DenStatus::DueSoon { days_left: 0 }
        );
        assert_eq!(
            status(true, false, deadline, d(2026, 12, 16)),
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
            status(true, false, extended, d(2026, 12, 20)),
            DenStatus::OnTrack { days_left: 21 }
        );
        assert!(DenStep::AccessRequested.can_advance_to(DenStep::AccountCreated));
        assert!(!DenStep::AccountCreated.can_advance_to(DenStep::AccessRequested));
        for step in DenStep::ALL {
            assert_eq!(DenStep::parse(step.as_str()), Some(step));
        }
    }
}

#[cfg(test)]
mod rule_tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap_or_default()
    }

    fn case(id: i32, active: bool, req: Option<NaiveDate>, app: Option<NaiveDate>) -> CaseAccess {
        CaseAccess {
            refused_on: None,
            case_id: id,
            number: format!("{id}/97/2025"),
            active,
            requested_on: req,
            approved_on: app,
        }
    }

    fn claim(step: DenStep, on: NaiveDate, case: Option<i32>) -> StepClaim {
        StepClaim { step, on, case }
    }

    #[test]
    fn access_needs_an_active_case_and_account_needs_approval() {
        let today = d(11, 30);
        let none = SchoolProcedure::default();
        assert_eq!(
            none.check(claim(DenStep::AccessRequested, d(11, 2), None), today),
            Err(StepRefusal::NoActiveCase)
        );
        assert_eq!(
            none.check(claim(DenStep::AccountCreated, d(11, 2), None), today),
            Err(StepRefusal::NoApprovedAccess)
        );
        assert_eq!(
            none.check(claim(DenStep::Reported, d(11, 2), None), today),
            Err(StepRefusal::NoAccount)
        );
        let closed = SchoolProcedure {
            cases: vec![case(1, false, None, None)],
            ..Default::default()
        };
        assert_eq!(
            closed.check(claim(DenStep::AccessRequested, d(11, 2), Some(1)), today),
            Err(StepRefusal::NotAnActiveCase)
        );
        let one = SchoolProcedure {
            cases: vec![case(1, true, None, None)],
            ..Default::default()
        };
        assert_eq!(
            one.check(claim(DenStep::AccessRequested, d(11, 2), None), today),
            Ok(AcceptedStep {
                step: DenStep::AccessRequested,
                on: d(11, 2),
                case: Some(1)
            }),
            "the only active case is the one"
        );
        assert_eq!(
            one.check(claim(DenStep::AccessApproved, d(11, 2), Some(1)), today),
            Err(StepRefusal::NoRequest)
        );
        assert_eq!(
            one.check(claim(DenStep::AccessRequested, d(12, 2), None), today),
            Err(StepRefusal::InFuture)
        );
    }

    #[test]
    fn dates_follow_the_previous_step() {
        let today = d(11, 30);
        let requested = SchoolProcedure {
            cases: vec![
                case(1, true, Some(d(11, 10)), None),
                case(2, true, None, None),
            ],
            ..Default::default()
        };
        assert!(matches!(
            requested.check(claim(DenStep::AccessApproved, d(11, 9), None), today),
            Err(StepRefusal::BeforePrevious { .. })
        ));
        assert_eq!(
            requested
                .check(claim(DenStep::AccessApproved, d(11, 12), None), today)
                .map(|a| a.case),
            Ok(Some(1))
        );
        let approved = SchoolProcedure {
            cases: vec![case(1, true, Some(d(11, 10)), Some(d(11, 12)))],
            ..Default::default()
        };
        assert!(matches!(
            approved.check(claim(DenStep::AccountCreated, d(11, 11), None), today),
            Err(StepRefusal::BeforePrevious { .. })
        ));
        assert!(
            approved
                .check(claim(DenStep::AccountCreated, d(11, 13), None), today)
                .is_ok()
        );
        let two = SchoolProcedure {
            cases: vec![case(1, true, None, None), case(2, true, None, None)],
            ..Default::default()
        };
        assert_eq!(
            two.check(claim(DenStep::AccessRequested, d(11, 2), None), today),
            Err(StepRefusal::ChooseCase)
        );
    }

    #[test]
    fn steps_without_premise_do_not_count_and_are_named() {
        let legacy = SchoolProcedure {
            recorded: vec![
                (DenStep::AccountCreated, d(11, 5)),
                (DenStep::Reported, d(11, 6)),
            ],
            cases: vec![case(1, true, None, None)],
        };
        assert_eq!(legacy.effective_step(), DenStep::NoCase);
        assert!(!legacy.complete(true), "no approved access: not finalizat");
        let gaps = legacy.gaps();
        assert_eq!(
            gaps[0],
            (DenStep::AccountCreated, StepRefusal::NoApprovedAccess)
        );
        let valid = SchoolProcedure {
            recorded: vec![(DenStep::AccountCreated, d(11, 20))],
            cases: vec![case(1, false, Some(d(11, 1)), Some(d(11, 3)))],
        };
        assert_eq!(valid.effective_step(), DenStep::AccountCreated);
        assert!(valid.gaps().is_empty());
        assert!(!valid.complete(false), "the designee must be confirmed too");
        assert!(valid.complete(true));
        assert_eq!(
            valid.check(claim(DenStep::AccountCreated, d(11, 21), None), d(11, 30)),
            Err(StepRefusal::NotForward(DenStep::AccountCreated.label()))
        );
    }
}

#[cfg(test)]
mod deadline_tests {
    use super::*;

    #[test]
    fn deadlines_and_extensions() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default();
        let today = d(2026, 11, 30);
        assert_eq!(check_deadline(d(2026, 12, 15), today), Ok(()));
        assert_eq!(
            check_deadline(d(2026, 11, 30), today),
            Ok(()),
            "today is allowed"
        );
        assert_eq!(
            check_deadline(d(2026, 11, 29), today),
            Err(DeadlineRefusal::InPast)
        );
        assert_eq!(
            check_deadline(d(2126, 1, 1), today),
            Err(DeadlineRefusal::Implausible)
        );
        let campaign = Campaign {
            id: 1,
            title: DEFAULT_CAMPAIGN_TITLE.into(),
            deadline: d(2026, 12, 15),
        };
        assert!(matches!(
            check_extension(&campaign, d(2026, 12, 15), "motiv"),
            Err(DeadlineRefusal::NotAfterCampaign(_))
        ));
        assert_eq!(
            check_extension(&campaign, d(2027, 1, 15), " "),
            Err(DeadlineRefusal::NoReason)
        );
        assert_eq!(check_extension(&campaign, d(2027, 1, 15), "motiv"), Ok(()));
    }
}
