//! Personal data by the law: the retention rule (nightly), an export of everything stored
//! about one person (GDPR art. 15), and erasure where no legal obligation keeps it (art. 17).

use std::collections::{BTreeMap, HashSet};

use chrono::Timelike;

use super::{Actor, AppError, AppResult, Ctx, Tx};
use crate::db;
use crate::db::privacy::{DeclaredContact, Lookup};
use crate::domain::audit::AuditEntry;
use crate::domain::change::{CaseRef, Change};
use crate::domain::designee::{CazierEvidence, DesigneeFacts, StoredDesignee};
use crate::domain::privacy::{ANONYMISED, PersonalDataExport, PrivacySettings, Subject};

/// The local hour from which the nightly run may go (after the backup, before anyone works).
const RUN_FROM_HOUR: u32 = 2;

/// Saves the retention rule and the data protection officer's contact.
pub async fn set_settings(
    ctx: Ctx<'_>,
    actor: &Actor,
    settings: PrivacySettings,
) -> AppResult<PrivacySettings> {
    let mut tx = ctx.begin().await?;
    let before = db::settings::privacy(tx.db()).await?;
    db::settings::set_privacy(tx.db(), &settings, &actor.name(), ctx.now()).await?;
    if before != settings {
        tx.record(Change::SettingChanged {
            setting: "date personale".into(),
            before: Some(before.describe()),
            after: settings.describe(),
        });
    }
    ctx.commit(tx, actor).await?;
    Ok(settings)
}

/// What one run of the rule did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RetentionSummary {
    pub schools: usize,
    pub designees: usize,
    pub certificates: usize,
    pub contacts: usize,
    /// Mails sent before the cutoff, deleted.
    pub mails: u64,
    /// Expired director links before the cutoff, deleted.
    pub links: u64,
    /// Change-log and audit rows that quoted the data, rewritten.
    pub log_rows: u64,
}

/// What is anonymised at one school, gathered before it is written.
#[derive(Default)]
struct SchoolBatch {
    designees: Vec<StoredDesignee>,
    certificates: Vec<(i32, CazierEvidence)>,
    contacts: Vec<CaseRef>,
}

/// Values a record held, for the logs that quoted them.
fn personal_values(facts: &DesigneeFacts) -> Vec<String> {
    [
        Some(facts.full_name.clone()),
        facts.decision_number.clone(),
        facts.email.clone(),
        facts.phone.clone(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

fn anonymised(designee: &StoredDesignee, now: chrono::DateTime<chrono::Utc>) -> StoredDesignee {
    StoredDesignee {
        facts: DesigneeFacts {
            full_name: ANONYMISED.into(),
            function: ANONYMISED.into(),
            decision_number: None,
            decision_date: designee.facts.decision_date,
            email: None,
            phone: None,
        },
        valid_to: designee.valid_to.or(Some(now)),
        anonymised_at: Some(now),
        ..designee.clone()
    }
}

/// Writes the anonymisation of what `batches` gathered, records one change per school, and
/// rewrites the logs' quotes of values no live record still holds.
async fn write_batches(
    tx: &mut Tx,
    batches: BTreeMap<String, SchoolBatch>,
    mut values: Vec<String>,
    reason: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<u64> {
    for (school, batch) in batches {
        for designee in &batch.designees {
            db::privacy::anonymise_designee(tx.db(), designee.id, now).await?;
        }
        for (designee_id, _) in &batch.certificates {
            db::privacy::anonymise_certificate(tx.db(), *designee_id).await?;
        }
        for case in &batch.contacts {
            db::privacy::anonymise_contact(tx.db(), case.id, &school).await?;
        }
        tx.record(Change::PersonalDataAnonymised {
            school,
            reason: reason.into(),
            designees: batch.designees,
            certificates: batch.certificates,
            contacts: batch.contacts,
        });
    }
    let live = live_values(tx).await?;
    values.retain(|v| !live.contains(v));
    values.sort();
    values.dedup();
    Ok(db::privacy::scrub_logs(tx.db(), &values).await?)
}

/// Values still held by a record the rule keeps (a person named again keeps their name; a
/// staff account or an opt-out keeps its address).
async fn live_values(tx: &Tx) -> AppResult<HashSet<String>> {
    let mut live: HashSet<String> = db::privacy::kept_addresses(tx.db())
        .await?
        .into_iter()
        .collect();
    for designee in db::designees::all(tx.db()).await? {
        if designee.anonymised_at.is_none() {
            live.extend(personal_values(&designee.facts));
        }
    }
    for contact in db::privacy::all_contacts(tx.db()).await? {
        live.extend(contact.email.into_iter().chain(contact.phone));
    }
    Ok(live)
}

impl SchoolBatch {
    fn add_designee(
        &mut self,
        designee: &StoredDesignee,
        evidence: Option<&CazierEvidence>,
        values: &mut Vec<String>,
        now: chrono::DateTime<chrono::Utc>,
    ) {
        values.extend(personal_values(&designee.facts));
        self.designees.push(anonymised(designee, now));
        if let Some(evidence) = evidence.filter(|e| e.number != ANONYMISED) {
            self.add_certificate(designee.id, evidence, values);
        }
    }

    fn add_certificate(
        &mut self,
        designee_id: i32,
        evidence: &CazierEvidence,
        values: &mut Vec<String>,
    ) {
        if self.certificates.iter().any(|(id, _)| *id == designee_id) {
            return;
        }
        values.push(evidence.number.clone());
        self.certificates.push((
            designee_id,
            CazierEvidence {
                number: ANONYMISED.into(),
                ..evidence.clone()
            },
        ));
    }

    fn add_contact(&mut self, contact: &DeclaredContact, values: &mut Vec<String>) {
        values.extend(contact.email.iter().chain(&contact.phone).cloned());
        self.contacts.push(contact.case.clone());
    }
}

/// Applies the rule now: anonymises exactly what is past keeping today, in one transaction.
pub async fn run_retention(ctx: Ctx<'_>, actor: &Actor) -> AppResult<RetentionSummary> {
    let now = ctx.now();
    let today = ctx.today();
    let mut tx = ctx.begin().await?;
    let rule = db::settings::privacy(tx.db()).await?.rule;
    let cutoff = rule.personal_cutoff(today, ctx.timezone);
    let mut designees = db::privacy::replaced_before(tx.db(), cutoff).await?;
    designees.extend(db::privacy::current_of_finished_schools(tx.db(), cutoff).await?);
    let ids: Vec<i32> = designees.iter().map(|d| d.id).collect();
    let evidence = db::designees::evidence_of(tx.db(), &ids).await?;
    let mut batches: BTreeMap<String, SchoolBatch> = BTreeMap::new();
    let mut values = Vec::new();
    for designee in &designees {
        batches
            .entry(designee.school_code.clone())
            .or_default()
            .add_designee(designee, evidence.get(&designee.id), &mut values, now);
    }
    let certificate_cutoff = rule.certificate_cutoff(today);
    for (school, designee_id, evidence) in
        db::privacy::certificates_expired_by(tx.db(), certificate_cutoff).await?
    {
        batches
            .entry(school)
            .or_default()
            .add_certificate(designee_id, &evidence, &mut values);
    }
    for contact in db::privacy::contacts_closed_before(tx.db(), cutoff).await? {
        batches
            .entry(contact.school.clone())
            .or_default()
            .add_contact(&contact, &mut values);
    }
    let mut summary = RetentionSummary {
        schools: batches.len(),
        designees: batches.values().map(|b| b.designees.len()).sum(),
        certificates: batches.values().map(|b| b.certificates.len()).sum(),
        contacts: batches.values().map(|b| b.contacts.len()).sum(),
        ..RetentionSummary::default()
    };
    summary.log_rows = write_batches(&mut tx, batches, values, "regula de păstrare", now).await?;
    summary.mails = db::privacy::purge_mail_before(tx.db(), cutoff).await?;
    summary.links = db::privacy::purge_links_before(tx.db(), cutoff).await?;
    db::settings::set_retention_last_run(tx.db(), today, now).await?;
    if summary != RetentionSummary::default() {
        let details = format!(
            "{} unități: {} persoane desemnate, {} numere de cazier, {} contacte declarate; {} mesaje și {} linkuri vechi șterse; {} rânduri de jurnal rescrise",
            summary.schools,
            summary.designees,
            summary.certificates,
            summary.contacts,
            summary.mails,
            summary.links,
            summary.log_rows
        );
        db::audit::record(
            tx.db(),
            event(now, actor, "retenție date personale", details),
        )
        .await?;
    }
    ctx.commit(tx, actor).await?;
    Ok(summary)
}

fn event(
    at: chrono::DateTime<chrono::Utc>,
    actor: &Actor,
    action: &str,
    details: String,
) -> AuditEntry {
    AuditEntry {
        at,
        actor: actor.name(),
        action: action.into(),
        entity: "privacy".into(),
        entity_id: None,
        details: Some(details),
        before: None,
        after: None,
    }
}

/// The nightly run: once a local day, from 02:00.
pub async fn run_if_due(ctx: Ctx<'_>) -> AppResult<Option<RetentionSummary>> {
    let local = ctx.now().with_timezone(&ctx.timezone);
    if local.hour() < RUN_FROM_HOUR {
        return Ok(None);
    }
    if db::settings::retention_last_run(ctx.db).await? >= Some(ctx.today()) {
        return Ok(None);
    }
    run_retention(ctx, &Actor::System("retenție"))
        .await
        .map(Some)
}

fn lookup(subject: &Subject) -> Lookup<'_> {
    match subject {
        Subject::Email(email) => Lookup {
            email: Some(email),
            phone: None,
        },
        Subject::Phone(phone) => Lookup {
            email: None,
            phone: Some(phone),
        },
    }
}

/// Strings the person may be quoted by in logs and mail: the value itself (a phone also as
/// 07…), and the names stored with it.
fn needles(subject: &Subject, designees: &[StoredDesignee]) -> Vec<String> {
    let mut needles = vec![subject.value().to_string()];
    if let Subject::Phone(phone) = subject
        && let Some(national) = phone.strip_prefix("+40")
    {
        needles.push(format!("0{national}"));
    }
    for designee in designees.iter().filter(|d| d.anonymised_at.is_none()) {
        needles.push(designee.facts.full_name.clone());
    }
    needles.sort();
    needles.dedup();
    needles
}

/// Everything stored about the person, table by table; the request is audited (masked).
pub async fn export(
    ctx: Ctx<'_>,
    actor: &Actor,
    subject: &Subject,
) -> AppResult<PersonalDataExport> {
    let who = lookup(subject);
    let designees = db::privacy::designees_of(ctx.db, &who).await?;
    let needles = needles(subject, &designees);
    let tables = db::privacy::held(ctx.db, &who, &designees, &needles).await?;
    let export = PersonalDataExport {
        subject: subject.value().to_string(),
        generated_at: ctx.now(),
        tables,
    };
    let details = format!(
        "{}: {} tabele, {} rânduri",
        subject.masked(),
        export.tables.len(),
        export.rows()
    );
    let tx = ctx.begin().await?;
    db::audit::record(
        tx.db(),
        event(ctx.now(), actor, "export date personale", details),
    )
    .await?;
    ctx.commit(tx, actor).await?;
    Ok(export)
}

/// What an erasure removed, and what it kept and why.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErasureSummary {
    /// (what, how many)
    pub erased: Vec<(&'static str, u64)>,
    /// (what, how many, the obligation that keeps it)
    pub kept: Vec<(&'static str, u64, &'static str)>,
}

const KEPT_DESIGNEE: &str = "persoana desemnată în funcție a unei unități cu dosare pe rol (obligație legală: accesul la dosarul electronic)";
const KEPT_CONTACT: &str =
    "contact declarat pentru un dosar pe rol (obligație legală: accesul la dosarul electronic)";
const KEPT_STAFF: &str =
    "cont de personal: se dezactivează din Conturi; jurnalul de autentificări se păstrează";
const KEPT_OPT_OUT: &str = "dezabonarea se păstrează ca să fie respectată (art. 21 GDPR)";
const KEPT_PENDING_MAIL: &str = "mesaje încă netrimise";

/// Erases the person's data where no legal obligation keeps it; `dry_run` reports and
/// writes nothing.
pub async fn erase(
    ctx: Ctx<'_>,
    actor: &Actor,
    subject: &Subject,
    dry_run: bool,
) -> AppResult<ErasureSummary> {
    let now = ctx.now();
    let who = lookup(subject);
    let mut tx = ctx.begin().await?;
    let mut batches: BTreeMap<String, SchoolBatch> = BTreeMap::new();
    let mut values = vec![subject.value().to_string()];
    let mut summary = ErasureSummary::default();
    let designees = db::privacy::designees_of(tx.db(), &who).await?;
    let ids: Vec<i32> = designees.iter().map(|d| d.id).collect();
    let evidence = db::designees::evidence_of(tx.db(), &ids).await?;
    let pending = db::privacy::schools_with_pending_cases(tx.db()).await?;
    let mut kept_designees = 0;
    for designee in designees.iter().filter(|d| d.anonymised_at.is_none()) {
        let required = designee.valid_to.is_none() && pending.contains(&designee.school_code);
        if required {
            kept_designees += 1;
            continue;
        }
        batches
            .entry(designee.school_code.clone())
            .or_default()
            .add_designee(designee, evidence.get(&designee.id), &mut values, now);
    }
    let mut kept_contacts = 0;
    for contact in db::privacy::contacts_of(tx.db(), &who).await? {
        if contact.case_pending {
            kept_contacts += 1;
            continue;
        }
        batches
            .entry(contact.school.clone())
            .or_default()
            .add_contact(&contact, &mut values);
    }
    let designees_erased = batches.values().map(|b| b.designees.len() as u64).sum();
    let contacts_erased = batches.values().map(|b| b.contacts.len() as u64).sum();
    let log_rows = write_batches(
        &mut tx,
        batches,
        values,
        "ștergere la cererea persoanei",
        now,
    )
    .await?;
    summary
        .erased
        .push(("persoane desemnate", designees_erased));
    summary.erased.push(("contacte declarate", contacts_erased));
    summary
        .kept
        .push(("persoane desemnate", kept_designees, KEPT_DESIGNEE));
    summary
        .kept
        .push(("contacte declarate", kept_contacts, KEPT_CONTACT));
    if let Subject::Email(email) = subject {
        summary.erased.push((
            "adresa din linkurile expirate",
            db::privacy::forget_link_address(tx.db(), email, now).await?,
        ));
        summary.erased.push((
            "mesaje trimise",
            db::privacy::forget_sent_mail(tx.db(), email).await?,
        ));
        let held = db::privacy::held(tx.db(), &who, &[], &[]).await?;
        let count = |table: &str| {
            held.iter()
                .find(|t| t.table == table)
                .map_or(0, |t| t.rows.len() as u64)
        };
        summary
            .kept
            .push(("conturi de personal", count("staff_user"), KEPT_STAFF));
        summary
            .kept
            .push(("dezabonări", count("mail_opt_out"), KEPT_OPT_OUT));
        summary
            .kept
            .push(("mesaje în coadă", count("outbox"), KEPT_PENDING_MAIL));
    }
    summary
        .erased
        .push(("rânduri de jurnal rescrise", log_rows));
    summary.kept.retain(|(_, n, _)| *n > 0);
    if dry_run {
        tx.rollback().await?;
        return Ok(summary);
    }
    let details = summary
        .erased
        .iter()
        .map(|(what, n)| format!("{what}: {n}"))
        .collect::<Vec<_>>()
        .join("; ");
    db::audit::record(
        tx.db(),
        event(
            now,
            actor,
            "ștergere date personale",
            format!("{}: {details}", subject.masked()),
        ),
    )
    .await?;
    ctx.commit(tx, actor).await?;
    Ok(summary)
}

/// A subject typed at a door: exactly one of an e-mail address or a phone number.
pub fn subject(email: Option<&str>, phone: Option<&str>) -> AppResult<Subject> {
    let email = email.map(str::trim).filter(|e| !e.is_empty());
    let phone = phone.map(str::trim).filter(|p| !p.is_empty());
    match (email, phone) {
        (Some(email), None) => {
            Subject::email(email).map_err(|e| AppError::invalid("email", format!("e-mail: {e}")))
        }
        (None, Some(phone)) => {
            Subject::phone(phone).map_err(|e| AppError::invalid("phone", format!("telefon: {e}")))
        }
        _ => Err(AppError::invalid(
            "email",
            "scrieți fie adresa de e-mail, fie numărul de telefon al persoanei",
        )),
    }
}
