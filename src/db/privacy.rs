//! Personal data: what the retention rule finds past keeping, the writes that anonymise it,
//! and where one person (an e-mail address or a phone number) is stored, table by table.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Alias, Expr, Func, LikeExpr, SimpleExpr};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use super::DbResult;
use super::entities::{
    action_link, audit_log, case_school, change_log, court_case, designee, designee_evidence,
    mail_item, mail_opt_out, outbox, school, staff_user,
};
use crate::domain::cases::CaseStatus;
use crate::domain::change::CaseRef;
use crate::domain::designee::{CazierEvidence, StoredDesignee};
use crate::domain::outbox::OutboxStatus;
use crate::domain::privacy::{ANONYMISED, Cell, HeldTable};

/// A row of cells from values of any kind a table holds.
macro_rules! cells {
    ($($value:expr),* $(,)?) => { vec![$(Cell::from($value)),*] };
}

/// Mail that will not go out any more.
const FINISHED: [OutboxStatus; 3] = [
    OutboxStatus::Sent,
    OutboxStatus::Dead,
    OutboxStatus::Cancelled,
];

/// Designees replaced before `cutoff`, not yet anonymised.
pub async fn replaced_before<C: ConnectionTrait>(
    db: &C,
    cutoff: DateTime<Utc>,
) -> DbResult<Vec<StoredDesignee>> {
    let rows = designee::Entity::find()
        .filter(designee::Column::AnonymisedAt.is_null())
        .filter(designee::Column::ValidTo.lt(cutoff))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(super::designees::stored).collect())
}

/// Per school in a case: whether any of its cases is pending, and when the last one closed.
struct SchoolCases {
    pending: bool,
    last_closed: Option<DateTime<Utc>>,
}

async fn cases_by_school<C: ConnectionTrait>(db: &C) -> DbResult<HashMap<String, SchoolCases>> {
    let cases: HashMap<i32, (String, Option<DateTime<Utc>>)> = court_case::Entity::find()
        .select_only()
        .columns([
            court_case::Column::Id,
            court_case::Column::Status,
            court_case::Column::ClosedAt,
        ])
        .into_tuple::<(i32, String, Option<DateTime<Utc>>)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, status, closed)| (id, (status, closed)))
        .collect();
    let links: Vec<(i32, String)> = case_school::Entity::find()
        .select_only()
        .columns([case_school::Column::CaseId, case_school::Column::SchoolCode])
        .into_tuple()
        .all(db)
        .await?;
    let mut by_school: HashMap<String, SchoolCases> = HashMap::new();
    for (case_id, code) in links {
        let Some((status, closed)) = cases.get(&case_id) else {
            continue;
        };
        let entry = by_school.entry(code).or_insert(SchoolCases {
            pending: false,
            last_closed: None,
        });
        if CaseStatus::parse(status) == CaseStatus::Active {
            entry.pending = true;
        } else {
            entry.last_closed = entry.last_closed.max(*closed);
        }
    }
    Ok(by_school)
}

/// Current designees, not yet anonymised, of schools whose cases are all closed, the last
/// before `cutoff`.
pub async fn current_of_finished_schools<C: ConnectionTrait>(
    db: &C,
    cutoff: DateTime<Utc>,
) -> DbResult<Vec<StoredDesignee>> {
    let finished: HashSet<String> = cases_by_school(db)
        .await?
        .into_iter()
        .filter(|(_, s)| !s.pending && s.last_closed.is_some_and(|c| c < cutoff))
        .map(|(code, _)| code)
        .collect();
    if finished.is_empty() {
        return Ok(Vec::new());
    }
    let rows = designee::Entity::find()
        .filter(designee::Column::AnonymisedAt.is_null())
        .filter(designee::Column::ValidTo.is_null())
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter(|d| finished.contains(&d.school_code))
        .map(super::designees::stored)
        .collect())
}

/// Schools with a pending case (their current designee is then required by law).
pub async fn schools_with_pending_cases<C: ConnectionTrait>(db: &C) -> DbResult<HashSet<String>> {
    Ok(cases_by_school(db)
        .await?
        .into_iter()
        .filter(|(_, s)| s.pending)
        .map(|(code, _)| code)
        .collect())
}

/// A declared access contact on a case, with whether the case is pending.
#[derive(Debug, Clone, PartialEq)]
pub struct DeclaredContact {
    pub case: CaseRef,
    pub school: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub case_pending: bool,
    pub closed_at: Option<DateTime<Utc>>,
}

/// Declared contacts whose case closed before `cutoff`.
pub async fn contacts_closed_before<C: ConnectionTrait>(
    db: &C,
    cutoff: DateTime<Utc>,
) -> DbResult<Vec<DeclaredContact>> {
    Ok(contacts(db, Condition::all())
        .await?
        .into_iter()
        .filter(|c| !c.case_pending && c.closed_at.is_some_and(|at| at < cutoff))
        .collect())
}

/// Every declared contact still holding a value.
pub async fn all_contacts<C: ConnectionTrait>(db: &C) -> DbResult<Vec<DeclaredContact>> {
    contacts(db, Condition::all()).await
}

/// Declared contacts matching `filter` (with a value set).
async fn contacts<C: ConnectionTrait>(db: &C, filter: Condition) -> DbResult<Vec<DeclaredContact>> {
    let rows: Vec<(i32, String, Option<String>, Option<String>)> = case_school::Entity::find()
        .select_only()
        .columns([
            case_school::Column::CaseId,
            case_school::Column::SchoolCode,
            case_school::Column::AccessEmail,
            case_school::Column::AccessPhone,
        ])
        .filter(
            Condition::any()
                .add(case_school::Column::AccessEmail.is_not_null())
                .add(case_school::Column::AccessPhone.is_not_null()),
        )
        .filter(filter)
        .into_tuple()
        .all(db)
        .await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    type CaseRow = (i32, String, String, String, Option<DateTime<Utc>>);
    let cases: HashMap<i32, CaseRow> = court_case::Entity::find()
        .select_only()
        .columns([
            court_case::Column::Id,
            court_case::Column::Number,
            court_case::Column::Court,
            court_case::Column::Status,
            court_case::Column::ClosedAt,
        ])
        .into_tuple::<CaseRow>()
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.0, row))
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|(case_id, school, email, phone)| {
            let (id, number, court, status, closed_at) = cases.get(&case_id)?.clone();
            Some(DeclaredContact {
                case: CaseRef { id, number, court },
                school,
                email,
                phone,
                case_pending: CaseStatus::parse(&status) == CaseStatus::Active,
                closed_at,
            })
        })
        .collect())
}

/// Certificates expired on or before `cutoff` whose number is still stored, with the school.
pub async fn certificates_expired_by<C: ConnectionTrait>(
    db: &C,
    cutoff: NaiveDate,
) -> DbResult<Vec<(String, i32, CazierEvidence)>> {
    let rows = designee_evidence::Entity::find()
        .filter(designee_evidence::Column::ValidUntil.lte(cutoff))
        .filter(designee_evidence::Column::CertificateNumber.ne(ANONYMISED))
        .all(db)
        .await?;
    certificates_with_school(db, rows).await
}

async fn certificates_with_school<C: ConnectionTrait>(
    db: &C,
    rows: Vec<designee_evidence::Model>,
) -> DbResult<Vec<(String, i32, CazierEvidence)>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let schools: HashMap<i32, String> = designee::Entity::find()
        .select_only()
        .columns([designee::Column::Id, designee::Column::SchoolCode])
        .filter(designee::Column::Id.is_in(rows.iter().map(|r| r.designee_id)))
        .into_tuple::<(i32, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let school = schools.get(&r.designee_id)?.clone();
            let evidence = CazierEvidence {
                number: r.certificate_number,
                issued_on: r.issued_on,
                valid_until: r.valid_until,
            };
            Some((school, r.designee_id, evidence))
        })
        .collect())
}

/// Replaces a designee's personal data; a current one is ended as well (nobody is known
/// to hold the role any more).
pub async fn anonymise_designee<C: ConnectionTrait>(
    db: &C,
    id: i32,
    now: DateTime<Utc>,
) -> DbResult<()> {
    let none: Option<String> = None;
    designee::Entity::update_many()
        .col_expr(designee::Column::FullName, Expr::value(ANONYMISED))
        .col_expr(designee::Column::Function, Expr::value(ANONYMISED))
        .col_expr(designee::Column::DecisionNumber, Expr::value(none.clone()))
        .col_expr(designee::Column::Email, Expr::value(none.clone()))
        .col_expr(designee::Column::Phone, Expr::value(none))
        .col_expr(designee::Column::AnonymisedAt, Expr::value(now))
        .col_expr(
            designee::Column::ValidTo,
            Func::coalesce([Expr::col(designee::Column::ValidTo), Expr::value(now)]).into(),
        )
        .filter(designee::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn anonymise_contact<C: ConnectionTrait>(
    db: &C,
    case_id: i32,
    school: &str,
) -> DbResult<()> {
    let none: Option<String> = None;
    case_school::Entity::update_many()
        .col_expr(case_school::Column::AccessEmail, Expr::value(none.clone()))
        .col_expr(case_school::Column::AccessPhone, Expr::value(none))
        .filter(case_school::Column::CaseId.eq(case_id))
        .filter(case_school::Column::SchoolCode.eq(school))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn anonymise_certificate<C: ConnectionTrait>(db: &C, designee_id: i32) -> DbResult<()> {
    designee_evidence::Entity::update_many()
        .col_expr(
            designee_evidence::Column::CertificateNumber,
            Expr::value(ANONYMISED),
        )
        .filter(designee_evidence::Column::DesigneeId.eq(designee_id))
        .exec(db)
        .await?;
    Ok(())
}

/// `LIKE` pattern for "contains", wildcards in the value escaped.
fn containing(value: &str) -> LikeExpr {
    let escaped = value
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    LikeExpr::new(format!("%{escaped}%")).escape('\\')
}

/// How a value appears inside a JSON payload (quotes and backslashes escaped).
fn in_json(value: &str) -> String {
    let quoted = serde_json::to_string(value).unwrap_or_default();
    quoted
        .strip_prefix('"')
        .and_then(|q| q.strip_suffix('"'))
        .unwrap_or(value)
        .to_string()
}

fn replaced(column: impl sea_orm::sea_query::IntoColumnRef, value: &str) -> SimpleExpr {
    Func::cust(Alias::new("REPLACE"))
        .arg(Expr::col(column))
        .arg(value)
        .arg(ANONYMISED)
        .into()
}

/// Values too short to replace safely inside other text are left alone.
fn scrubbable(values: &[String]) -> impl Iterator<Item = &String> {
    values
        .iter()
        .filter(|v| v.chars().count() >= 4 && v.as_str() != ANONYMISED)
}

/// Replaces the values in the change log and the audit trail (they quoted the person when
/// their data was recorded); returns the rows rewritten.
pub async fn scrub_logs<C: ConnectionTrait>(db: &C, values: &[String]) -> DbResult<u64> {
    let mut rewritten = 0;
    for value in scrubbable(values) {
        let json = in_json(value);
        rewritten += change_log::Entity::update_many()
            .col_expr(
                change_log::Column::Payload,
                replaced(change_log::Column::Payload, &json),
            )
            .filter(change_log::Column::Payload.like(containing(&json)))
            .exec(db)
            .await?
            .rows_affected;
        // Details are plain text; before and after are JSON snapshots.
        for (column, text) in [
            (audit_log::Column::Details, value),
            (audit_log::Column::Before, &json),
            (audit_log::Column::After, &json),
        ] {
            rewritten += audit_log::Entity::update_many()
                .col_expr(column, replaced(column, text))
                .filter(column.like(containing(text)))
                .exec(db)
                .await?
                .rows_affected;
        }
    }
    Ok(rewritten)
}

/// Mails finished (sent, given up, cancelled) that also match `filter`: deleted with the
/// items they carried.
async fn delete_finished_mail<C: ConnectionTrait>(db: &C, filter: Condition) -> DbResult<u64> {
    let finished = || {
        filter
            .clone()
            .add(outbox::Column::Status.is_in(FINISHED.map(OutboxStatus::as_str)))
    };
    let ids: Vec<i32> = outbox::Entity::find()
        .select_only()
        .column(outbox::Column::Id)
        .filter(finished())
        .into_tuple()
        .all(db)
        .await?;
    for chunk in ids.chunks(500) {
        mail_item::Entity::delete_many()
            .filter(mail_item::Column::OutboxId.is_in(chunk.iter().copied()))
            .exec(db)
            .await?;
    }
    Ok(outbox::Entity::delete_many()
        .filter(finished())
        .exec(db)
        .await?
        .rows_affected)
}

/// Mails finished before `cutoff`.
pub async fn purge_mail_before<C: ConnectionTrait>(db: &C, cutoff: DateTime<Utc>) -> DbResult<u64> {
    delete_finished_mail(
        db,
        Condition::all().add(outbox::Column::CreatedAt.lt(cutoff)),
    )
    .await
}

/// Director links that expired before `cutoff` (they hold the address they were mailed to).
pub async fn purge_links_before<C: ConnectionTrait>(
    db: &C,
    cutoff: DateTime<Utc>,
) -> DbResult<u64> {
    Ok(action_link::Entity::delete_many()
        .filter(action_link::Column::ExpiresAt.lt(cutoff))
        .exec(db)
        .await?
        .rows_affected)
}

/// Where one person is stored: designees and declared contacts matched by `column` value,
/// logs and mail by any of `needles` (the value, and the names it was stored with).
pub struct Lookup<'a> {
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
}

impl Lookup<'_> {
    fn value(&self) -> &str {
        self.email.or(self.phone).unwrap_or_default()
    }
}

/// The designee rows holding the person.
pub async fn designees_of<C: ConnectionTrait>(
    db: &C,
    who: &Lookup<'_>,
) -> DbResult<Vec<StoredDesignee>> {
    let filter = match (who.email, who.phone) {
        (Some(email), _) => designee::Column::Email.eq(email),
        (None, Some(phone)) => designee::Column::Phone.eq(phone),
        (None, None) => return Ok(Vec::new()),
    };
    let rows = designee::Entity::find().filter(filter).all(db).await?;
    Ok(rows.into_iter().map(super::designees::stored).collect())
}

/// The declared contacts holding the person.
pub async fn contacts_of<C: ConnectionTrait>(
    db: &C,
    who: &Lookup<'_>,
) -> DbResult<Vec<DeclaredContact>> {
    let filter = match (who.email, who.phone) {
        (Some(email), _) => Condition::all().add(case_school::Column::AccessEmail.eq(email)),
        (None, Some(phone)) => Condition::all().add(case_school::Column::AccessPhone.eq(phone)),
        (None, None) => return Ok(Vec::new()),
    };
    contacts(db, filter).await
}

/// Certificates of these designees.
pub async fn certificates_of<C: ConnectionTrait>(
    db: &C,
    designee_ids: &[i32],
) -> DbResult<Vec<(String, i32, CazierEvidence)>> {
    let rows = designee_evidence::Entity::find()
        .filter(designee_evidence::Column::DesigneeId.is_in(designee_ids.iter().copied()))
        .all(db)
        .await?;
    certificates_with_school(db, rows).await
}

/// Every table that holds the person, with its rows; `designees` are the person's designee
/// rows ([`designees_of`]), `needles` are searched inside the logs and mail bodies (the
/// e-mail or phone, and the names stored with it).
pub async fn held<C: ConnectionTrait>(
    db: &C,
    who: &Lookup<'_>,
    designees: &[StoredDesignee],
    needles: &[String],
) -> DbResult<Vec<HeldTable>> {
    let ids: Vec<i32> = designees.iter().map(|d| d.id).collect();
    let mut tables = vec![
        designee_table(designees),
        evidence_table(&certificates_of(db, &ids).await?),
        contact_table(&contacts_of(db, who).await?),
        school_table(db, who).await?,
        staff_table(db, who).await?,
        link_table(db, who).await?,
        opt_out_table(db, who).await?,
        outbox_table(db, who, needles).await?,
        change_table(db, needles).await?,
        audit_table(db, who, needles).await?,
    ];
    tables.retain(|t| !t.rows.is_empty());
    Ok(tables)
}

fn designee_table(rows: &[StoredDesignee]) -> HeldTable {
    HeldTable {
        table: "designee",
        title: "Persoane desemnate",
        columns: vec![
            "id",
            "unitate",
            "nume",
            "funcția",
            "nr. decizie",
            "data deciziei",
            "e-mail",
            "telefon",
            "de la",
            "până la",
            "anonimizat la",
        ],
        rows: rows
            .iter()
            .map(|d| {
                cells![
                    d.id,
                    d.school_code.clone(),
                    d.facts.full_name.clone(),
                    d.facts.function.clone(),
                    d.facts.decision_number.clone(),
                    d.facts.decision_date,
                    d.facts.email.clone(),
                    d.facts.phone.clone(),
                    d.valid_from,
                    d.valid_to,
                    d.anonymised_at,
                ]
            })
            .collect(),
    }
}

fn evidence_table(rows: &[(String, i32, CazierEvidence)]) -> HeldTable {
    HeldTable {
        table: "designee_evidence",
        title: "Certificate de cazier",
        columns: vec![
            "persoana desemnată (id)",
            "unitate",
            "număr",
            "emis la",
            "valabil până la",
        ],
        rows: rows
            .iter()
            .map(|(school, id, e)| {
                cells![
                    *id,
                    school.clone(),
                    e.number.clone(),
                    e.issued_on,
                    e.valid_until,
                ]
            })
            .collect(),
    }
}

fn contact_table(rows: &[DeclaredContact]) -> HeldTable {
    HeldTable {
        table: "case_school",
        title: "Contacte declarate în cererile de acces",
        columns: vec![
            "dosar",
            "instanța",
            "unitate",
            "e-mail",
            "telefon",
            "dosar pe rol",
        ],
        rows: rows
            .iter()
            .map(|c| {
                cells![
                    c.case.number.clone(),
                    c.case.court.clone(),
                    c.school.clone(),
                    c.email.clone(),
                    c.phone.clone(),
                    if c.case_pending { "da" } else { "nu" },
                ]
            })
            .collect(),
    }
}

async fn school_table<C: ConnectionTrait>(db: &C, who: &Lookup<'_>) -> DbResult<HeldTable> {
    let filter = match (who.email, who.phone) {
        (Some(email), _) => school::Column::Email.eq(email),
        (None, Some(phone)) => school::Column::Phone.contains(phone.trim_start_matches("+40")),
        (None, None) => school::Column::Code.eq(""),
    };
    type SchoolRow = (String, Option<String>, Option<String>, Option<String>);
    let rows: Vec<SchoolRow> = school::Entity::find()
        .select_only()
        .columns([
            school::Column::Code,
            school::Column::LongName,
            school::Column::Email,
            school::Column::Phone,
        ])
        .filter(filter)
        .into_tuple()
        .all(db)
        .await?;
    Ok(HeldTable {
        table: "school",
        title: "Unități (adresa sau telefonul unității din SIIIR)",
        columns: vec!["cod SIIIR", "denumire", "e-mail", "telefon"],
        rows: rows
            .into_iter()
            .map(|(code, name, email, phone)| cells![code, name, email, phone])
            .collect(),
    })
}

async fn staff_table<C: ConnectionTrait>(db: &C, who: &Lookup<'_>) -> DbResult<HeldTable> {
    let rows = match who.email {
        Some(email) => {
            staff_user::Entity::find()
                .filter(staff_user::Column::Email.eq(email))
                .all(db)
                .await?
        }
        None => Vec::new(),
    };
    Ok(HeldTable {
        table: "staff_user",
        title: "Conturi de personal",
        columns: vec!["e-mail", "nume", "rol", "dezactivat", "creat la"],
        rows: rows
            .into_iter()
            .map(|u| {
                cells![
                    u.email,
                    u.name,
                    u.role,
                    if u.disabled { "da" } else { "nu" },
                    u.created_at,
                ]
            })
            .collect(),
    })
}

async fn link_table<C: ConnectionTrait>(db: &C, who: &Lookup<'_>) -> DbResult<HeldTable> {
    let rows = match who.email {
        Some(email) => {
            action_link::Entity::find()
                .filter(action_link::Column::Email.eq(email))
                .all(db)
                .await?
        }
        None => Vec::new(),
    };
    Ok(HeldTable {
        table: "action_link",
        title: "Linkuri trimise directorilor",
        columns: vec![
            "unitate",
            "scop",
            "e-mail",
            "creat la",
            "expiră la",
            "folosit la",
        ],
        rows: rows
            .into_iter()
            .map(|l| {
                cells![
                    l.school_code,
                    l.purpose,
                    l.email.clone(),
                    l.created_at,
                    l.expires_at,
                    l.consumed_at,
                ]
            })
            .collect(),
    })
}

async fn opt_out_table<C: ConnectionTrait>(db: &C, who: &Lookup<'_>) -> DbResult<HeldTable> {
    let rows = match who.email {
        Some(email) => {
            mail_opt_out::Entity::find()
                .filter(mail_opt_out::Column::Email.eq(email))
                .all(db)
                .await?
        }
        None => Vec::new(),
    };
    Ok(HeldTable {
        table: "mail_opt_out",
        title: "Dezabonări de la memento-uri",
        columns: vec!["e-mail", "de la"],
        rows: rows
            .into_iter()
            .map(|o| cells![o.email, o.created_at])
            .collect(),
    })
}

/// Any column containing any needle; with `Condition::any()` plus an always-false start, so
/// no needles match nothing (an empty condition would match everything).
fn any_containing<T: ColumnTrait>(columns: &[T], needles: &[String]) -> Condition {
    let mut any = Condition::any().add(Expr::value(false));
    for needle in needles.iter().filter(|n| !n.is_empty()) {
        for column in columns {
            any = any.add(column.like(containing(needle)));
        }
    }
    any
}

async fn outbox_table<C: ConnectionTrait>(
    db: &C,
    who: &Lookup<'_>,
    needles: &[String],
) -> DbResult<HeldTable> {
    let rows = outbox::Entity::find()
        .filter(
            any_containing(&[outbox::Column::BodyText], needles)
                .add(outbox::Column::Recipient.eq(who.value())),
        )
        .all(db)
        .await?;
    Ok(HeldTable {
        table: "outbox",
        title: "Mesaje e-mail (coada și jurnalul de trimitere)",
        columns: vec![
            "destinatar",
            "subiect",
            "stare",
            "creat la",
            "trimis la",
            "text",
        ],
        rows: rows
            .into_iter()
            .map(|m| {
                cells![
                    m.recipient,
                    m.subject,
                    m.status,
                    m.created_at,
                    m.sent_at,
                    m.body_text,
                ]
            })
            .collect(),
    })
}

async fn change_table<C: ConnectionTrait>(db: &C, needles: &[String]) -> DbResult<HeldTable> {
    let json: Vec<String> = needles.iter().map(|n| in_json(n)).collect();
    let rows = change_log::Entity::find()
        .filter(any_containing(&[change_log::Column::Payload], &json))
        .all(db)
        .await?;
    Ok(HeldTable {
        table: "change_log",
        title: "Jurnalul modificărilor",
        columns: vec![
            "versiune",
            "la",
            "de către",
            "tip",
            "unitate",
            "conținut (JSON)",
        ],
        rows: rows
            .into_iter()
            .map(|c| {
                cells![
                    c.version,
                    c.at,
                    c.actor,
                    c.kind,
                    c.school_code.clone(),
                    c.payload,
                ]
            })
            .collect(),
    })
}

async fn audit_table<C: ConnectionTrait>(
    db: &C,
    who: &Lookup<'_>,
    needles: &[String],
) -> DbResult<HeldTable> {
    use audit_log::Column as A;
    let rows = audit_log::Entity::find()
        .filter(
            any_containing(&[A::Details, A::Before, A::After, A::EntityId], needles)
                .add(A::Actor.eq(who.value())),
        )
        .all(db)
        .await?;
    Ok(HeldTable {
        table: "audit_log",
        title: "Jurnalul de audit (autentificări și alte evenimente)",
        columns: vec!["la", "de către", "acțiune", "entitate", "detalii"],
        rows: rows
            .into_iter()
            .map(|a| {
                cells![
                    a.at,
                    a.actor,
                    a.action,
                    format!("{} {}", a.entity, a.entity_id.unwrap_or_default()),
                    a.details.clone(),
                ]
            })
            .collect(),
    })
}

/// Addresses kept whatever the rule: staff accounts and opt-outs (honoured as long as kept).
pub async fn kept_addresses<C: ConnectionTrait>(db: &C) -> DbResult<Vec<String>> {
    let mut kept: Vec<String> = staff_user::Entity::find()
        .select_only()
        .column(staff_user::Column::Email)
        .into_tuple()
        .all(db)
        .await?;
    kept.extend(
        mail_opt_out::Entity::find()
            .select_only()
            .column(mail_opt_out::Column::Email)
            .into_tuple::<String>()
            .all(db)
            .await?,
    );
    Ok(kept)
}

/// Erasure where nothing obliges keeping: the address on expired director links.
pub async fn forget_link_address<C: ConnectionTrait>(
    db: &C,
    email: &str,
    now: DateTime<Utc>,
) -> DbResult<u64> {
    let none: Option<String> = None;
    Ok(action_link::Entity::update_many()
        .col_expr(action_link::Column::Email, Expr::value(none))
        .filter(action_link::Column::Email.eq(email))
        .filter(
            Condition::any()
                .add(action_link::Column::ExpiresAt.lt(now))
                .add(action_link::Column::ConsumedAt.is_not_null())
                .add(action_link::Column::RevokedAt.is_not_null()),
        )
        .exec(db)
        .await?
        .rows_affected)
}

/// Erasure: mails already sent (or given up) to the address.
pub async fn forget_sent_mail<C: ConnectionTrait>(db: &C, email: &str) -> DbResult<u64> {
    delete_finished_mail(
        db,
        Condition::all().add(outbox::Column::Recipient.eq(email)),
    )
    .await
}
