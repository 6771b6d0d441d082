//! The legal department's reports: built into tables (one builder per report), written as
//! xlsx or CSV, used by `/reports`, `export` and the weekly job. A filtered report takes its
//! rows from the register with the same filter code as the list it is downloaded from, so a
//! list and its download hold the same rows.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use sea_orm::DatabaseConnection;

use crate::db::{self, DbError};
use crate::domain::board::BoardFilter;
use crate::domain::case_import::side;
use crate::domain::case_kinds::{CATEGORIES, STAGES, label};
use crate::domain::cases::CaseFilter;
use crate::domain::courts;
use crate::domain::den::{DenStatus, DenStep, StatusKind};
use crate::domain::report_table::{Report, Summary, Table, Value, col};
use crate::register::Snapshot;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportKind {
    DenStatus,
    Cases,
    Designees,
    Reminders,
    Hearings,
}

impl ReportKind {
    pub const ALL: [ReportKind; 5] = [
        ReportKind::DenStatus,
        ReportKind::Cases,
        ReportKind::Designees,
        ReportKind::Reminders,
        ReportKind::Hearings,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ReportKind::DenStatus => "den-status",
            ReportKind::Cases => "cases",
            ReportKind::Designees => "designees",
            ReportKind::Reminders => "reminders",
            ReportKind::Hearings => "hearings",
        }
    }

    pub fn parse(name: &str) -> Option<ReportKind> {
        ReportKind::ALL.into_iter().find(|k| k.name() == name)
    }

    pub fn title(self) -> &'static str {
        match self {
            ReportKind::DenStatus => "Situația conturilor D.E.N. pe unități",
            ReportKind::Cases => "Dosare și acces electronic",
            ReportKind::Designees => "Persoane desemnate",
            ReportKind::Reminders => "Mesaje trimise (memento-uri)",
            ReportKind::Hearings => "Termene de judecată",
        }
    }
}

/// What a report is filtered by (only the first two reports take filters).
#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    pub board: BoardFilter,
    pub cases: CaseFilter,
    /// The D.E.N. report also carries a hearings sheet (the weekly report).
    pub with_hearings: bool,
}

pub async fn build(
    db: &DatabaseConnection,
    register: &Snapshot,
    kind: ReportKind,
    filter: &ReportFilter,
    now: DateTime<Utc>,
    tz: Tz,
) -> Result<Report, DbError> {
    let today = now.with_timezone(&tz).date_naive();
    let generated_at = now.with_timezone(&tz).format("%d.%m.%Y %H:%M").to_string();
    let (tables, summary, filter_text) = match kind {
        ReportKind::DenStatus => {
            let (table, summary) = den_status(register, &filter.board);
            let mut tables = vec![table];
            if filter.with_hearings {
                tables.push(hearings(db, register).await?);
            }
            (tables, Some(summary), describe_board(&filter.board))
        }
        ReportKind::Cases => (
            vec![cases(
                register,
                &CaseFilter {
                    today,
                    ..filter.cases.clone()
                },
            )],
            None,
            describe_cases(&filter.cases),
        ),
        ReportKind::Designees => (designees(db, tz).await?, None, "toate unitățile".into()),
        ReportKind::Reminders => (
            vec![reminders(db, tz).await?],
            None,
            "toate mesajele".into(),
        ),
        ReportKind::Hearings => (
            vec![hearings(db, register).await?],
            None,
            "toate termenele, trecute și viitoare".into(),
        ),
    };
    Ok(Report {
        name: kind.name().into(),
        title: kind.title().into(),
        filter: filter_text,
        generated_at,
        tables,
        summary,
    })
}

fn describe_board(filter: &BoardFilter) -> String {
    let mut parts = Vec::new();
    if let Some(kind) = filter.status {
        parts.push(format!("situație: {}", kind.label()));
    }
    if filter.with_cases {
        parts.push("doar unitățile cu dosare pe rol".into());
    }
    if let Some(q) = &filter.query {
        parts.push(format!("căutare: „{q}”"));
    }
    if let Some(l) = &filter.locality {
        parts.push(format!("localitate: {l}"));
    }
    if let Some(a) = &filter.area {
        parts.push(format!("mediu: {}", a.to_lowercase()));
    }
    if parts.is_empty() {
        "toate unitățile cu personalitate juridică active".into()
    } else {
        parts.join("; ")
    }
}

fn describe_cases(filter: &CaseFilter) -> String {
    let mut parts = Vec::new();
    if let Some(c) = &filter.court {
        parts.push(format!("instanța: {}", courts::display_name(c)));
    }
    if let Some(s) = &filter.stage {
        parts.push(format!("stadiu: {}", label(STAGES, s)));
    }
    if let Some(c) = &filter.category {
        parts.push(format!("materie: {}", label(CATEGORIES, c)));
    }
    if let Some(s) = &filter.school {
        parts.push(format!("unitatea {s}"));
    }
    let day = crate::domain::dates::show;
    match (filter.hearing_from, filter.hearing_to) {
        (Some(f), Some(t)) => parts.push(format!("termen între {} și {}", day(f), day(t))),
        (Some(f), None) => parts.push(format!("termen de la {}", day(f))),
        (None, Some(t)) => parts.push(format!("termen până la {}", day(t))),
        (None, None) => {}
    }
    parts.push(if filter.include_closed {
        "inclusiv dosarele închise".into()
    } else {
        "doar dosarele pe rol".into()
    });
    parts.join("; ")
}

fn den_status(register: &Snapshot, filter: &BoardFilter) -> (Table, Summary) {
    let columns = vec![
        col("Cod SIIIR", 12.0),
        col("Unitate", 48.0),
        col("Localitate", 18.0),
        col("Mediu", 9.0),
        col("Dosare pe rol", 9.0),
        col("Cu cerere de acces / aprobate", 14.0),
        col("Persoana desemnată", 24.0),
        col("Funcția", 16.0),
        col("E-mail", 28.0),
        col("Telefon", 15.0),
        col("Confirmată la", 12.0),
        col("Cerere acces", 12.0),
        col("Acces aprobat", 12.0),
        col("Cont D.E.N. creat", 12.0),
        col("Comunicat ISJ", 12.0),
        col("Termen", 12.0),
        col("Situație", 24.0),
        col("Zile de întârziere", 10.0),
    ];
    let mut rows = Vec::new();
    let mut summary_rows: Vec<&crate::domain::board::BoardRow> = Vec::new();
    for row in register.board.filter(filter) {
        summary_rows.push(row);
        let school = &row.school;
        let designee = register.designees.current_of(&school.code);
        let procedure = register.procedure(&school.code);
        let step = |s: DenStep| Value::Date(procedure.first_recorded(s));
        let status = match row.status {
            Some(status) => Value::Status(status.kind(), status.label()),
            None => Value::text("fără campanie"),
        };
        let late = match row.status {
            Some(DenStatus::Overdue { days }) => Value::Int(days),
            _ => Value::text(""),
        };
        rows.push(vec![
            Value::Code(school.code.clone()),
            Value::text(&school.name),
            Value::opt(school.locality.as_deref()),
            Value::opt(school.area.as_deref()),
            Value::Int(i64::from(school.active_cases)),
            Value::text({
                let (requested, approved) = procedure.active_access_counts();
                format!("{requested} din {} / {approved}", school.active_cases)
            }),
            Value::opt(designee.map(|d| d.facts.full_name.as_str())),
            Value::opt(designee.map(|d| d.facts.function.as_str())),
            Value::opt(designee.and_then(|d| d.facts.email.as_deref())),
            Value::Code(
                designee
                    .and_then(|d| d.facts.phone.clone())
                    .unwrap_or_default(),
            ),
            Value::Date(
                designee
                    .and_then(|d| d.confirmed_at)
                    .map(|t| t.date_naive()),
            ),
            step(DenStep::AccessRequested),
            step(DenStep::AccessApproved),
            step(DenStep::AccountCreated),
            step(DenStep::Reported),
            Value::Date(row.due),
            status,
            late,
        ]);
    }
    (
        Table {
            sheet: "Situație D.E.N.".into(),
            columns,
            rows,
        },
        summarise(&summary_rows),
    )
}

fn summarise(rows: &[&crate::domain::board::BoardRow]) -> Summary {
    let kinds = StatusKind::ALL;
    let mut by_status: Vec<(StatusKind, u32)> = kinds.iter().map(|k| (*k, 0)).collect();
    let mut by_locality: HashMap<String, Vec<u32>> = HashMap::new();
    for row in rows {
        let Some(kind) = row.status.map(DenStatus::kind) else {
            continue;
        };
        let index = kinds.iter().position(|k| *k == kind).unwrap_or(0);
        by_status[index].1 += 1;
        let locality = row
            .school
            .locality
            .clone()
            .unwrap_or_else(|| "(fără localitate)".into());
        by_locality
            .entry(locality)
            .or_insert_with(|| vec![0; kinds.len()])[index] += 1;
    }
    let mut by_locality: Vec<(String, Vec<u32>)> = by_locality.into_iter().collect();
    by_locality.sort_by_cached_key(|(l, _)| crate::domain::text::fold(l));
    Summary {
        by_status,
        by_locality,
    }
}

fn cases(register: &Snapshot, filter: &CaseFilter) -> Table {
    let found = register
        .cases
        .matching(filter, &register.schools)
        .map(|entry| (&entry.case, register.cases.links(entry, &register.schools)));
    let designee = |code: &str| register.designees.current_of(code).map(|d| &d.facts);
    let columns = vec![
        col("Număr dosar", 18.0),
        col("Instanța", 28.0),
        col("Materie", 22.0),
        col("Stadiu", 14.0),
        col("Obiect", 30.0),
        col("Unități și calitate procesuală", 48.0),
        col("Termen următor", 12.0),
        col("Acces electronic", 48.0),
        col("Stare", 10.0),
    ];
    let day = |d: Option<chrono::NaiveDate>| d.map_or("—".to_string(), crate::domain::dates::show);
    let rows = found
        .into_iter()
        .map(|(case, links)| {
            let schools = links
                .iter()
                .map(|l| {
                    let role = l
                        .facts
                        .role
                        .as_deref()
                        .map(|r| {
                            format!(
                                " — {r}{}",
                                side(r).map(|s| format!(" ({s})")).unwrap_or_default()
                            )
                        })
                        .unwrap_or_default();
                    format!("{} ({}){role}", l.school_name, l.school_code)
                })
                .collect::<Vec<_>>()
                .join("\n");
            let access = links
                .iter()
                .map(|l| {
                    let declared = l.facts.declared();
                    let contact = [declared.email.as_deref(), declared.phone.as_deref()]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(", ");
                    let mismatch = crate::domain::designee::contact_mismatch(
                        &declared,
                        designee(&l.school_code),
                    )
                    .map(|m| format!(" — ATENȚIE: {m}"))
                    .unwrap_or_default();
                    let refused = l
                        .facts
                        .access_refused_on
                        .map(|on| format!(", respins {}", crate::domain::dates::show(on)))
                        .unwrap_or_default();
                    format!(
                        "{}: cerere {}{}, aprobat {}{refused}{mismatch}",
                        l.school_code,
                        day(l.facts.access_requested_on),
                        if contact.is_empty() {
                            String::new()
                        } else {
                            format!(" ({contact})")
                        },
                        day(l.facts.access_approved_on)
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            vec![
                Value::Code(case.number.clone()),
                Value::text(courts::display_name(&case.court)),
                Value::text(
                    case.facts
                        .category
                        .as_deref()
                        .map(|c| label(CATEGORIES, c))
                        .unwrap_or_default(),
                ),
                Value::text(
                    case.facts
                        .stage
                        .as_deref()
                        .map(|s| label(STAGES, s))
                        .unwrap_or_default(),
                ),
                Value::opt(case.facts.object.as_deref()),
                Value::text(schools),
                Value::Date(case.facts.next_hearing),
                Value::text(access),
                Value::text(if case.active { "pe rol" } else { "închis" }),
            ]
        })
        .collect();
    Table {
        sheet: "Dosare".into(),
        columns,
        rows,
    }
}

/// One row per hearing, past and coming, with its case and schools (no party names).
pub async fn hearings(db: &DatabaseConnection, register: &Snapshot) -> Result<Table, DbError> {
    let all = db::hearings::all(db).await?;
    let columns = vec![
        col("Număr dosar", 18.0),
        col("Instanța", 28.0),
        col("Unități", 40.0),
        col("Data", 12.0),
        col("Ora", 8.0),
        col("Complet", 10.0),
        col("Stadiu", 14.0),
        col("Soluția", 30.0),
        col("Pe scurt", 40.0),
        col("Pronunțată la", 12.0),
        col("Sursa", 14.0),
    ];
    let rows = all
        .into_iter()
        .filter_map(|h| {
            let entry = register.cases.get(h.case_id)?;
            let case = &entry.case;
            let schools = entry
                .links
                .iter()
                .map(|(code, _)| format!("{} ({code})", register.schools.name_of(code)))
                .collect::<Vec<_>>()
                .join("\n");
            let f = h.facts;
            Some(vec![
                Value::Code(case.number.clone()),
                Value::text(courts::display_name(&case.court)),
                Value::text(schools),
                Value::Date(Some(f.on)),
                Value::text(f.time),
                Value::text(f.panel),
                Value::text(
                    f.stage
                        .as_deref()
                        .map(|s| label(STAGES, s))
                        .unwrap_or_default(),
                ),
                Value::opt(f.outcome.as_deref()),
                Value::opt(f.summary.as_deref()),
                Value::Date(f.pronounced_on),
                Value::text(h.source.label()),
            ])
        })
        .collect();
    Ok(Table {
        sheet: "Termene".into(),
        columns,
        rows,
    })
}

async fn designees(db: &DatabaseConnection, tz: Tz) -> Result<Vec<Table>, DbError> {
    let all = db::designees::all(db).await?;
    let names = db::schools::directory(db).await?;
    let ids: Vec<i32> = all
        .iter()
        .filter(|d| d.valid_to.is_none())
        .map(|d| d.id)
        .collect();
    let cazier = db::designees::evidence_of(db, &ids).await?;
    let columns = |history: bool| {
        let mut columns = vec![
            col("Cod SIIIR", 12.0),
            col("Unitate", 44.0),
            col("Nume și prenume", 24.0),
            col("Funcția", 16.0),
            col("Nr. decizie", 10.0),
            col("Data deciziei", 12.0),
            col("E-mail", 28.0),
            col("Telefon", 15.0),
            col("Confirmată la", 12.0),
            col("Valabilă de la", 12.0),
        ];
        if history {
            columns.push(col("Valabilă până la", 12.0));
        } else {
            columns.push(col("Cazier judiciar nr.", 14.0));
            columns.push(col("Cazier valabil până la", 12.0));
        }
        columns
    };
    let row = |d: &crate::domain::designee::StoredDesignee, history: bool| {
        let mut cells = vec![
            Value::Code(d.school_code.clone()),
            Value::text(
                names
                    .get(&d.school_code)
                    .map(|s| s.name.clone())
                    .unwrap_or_default(),
            ),
            Value::text(&d.facts.full_name),
            Value::text(&d.facts.function),
            Value::opt(d.facts.decision_number.as_deref()),
            Value::Date(d.facts.decision_date),
            Value::opt(d.facts.email.as_deref()),
            Value::Code(d.facts.phone.clone().unwrap_or_default()),
            Value::Date(d.confirmed_at.map(|t| t.with_timezone(&tz).date_naive())),
            Value::Date(Some(d.valid_from.with_timezone(&tz).date_naive())),
        ];
        if history {
            cells.push(Value::Date(
                d.valid_to.map(|t| t.with_timezone(&tz).date_naive()),
            ));
        } else {
            let evidence = cazier.get(&d.id);
            cells.push(Value::opt(evidence.map(|c| c.number.as_str())));
            cells.push(Value::Date(evidence.map(|c| c.valid_until)));
        }
        cells
    };
    let current = all
        .iter()
        .filter(|d| d.valid_to.is_none())
        .map(|d| row(d, false))
        .collect();
    let history = all.iter().map(|d| row(d, true)).collect();
    Ok(vec![
        Table {
            sheet: "Persoane desemnate".into(),
            columns: columns(false),
            rows: current,
        },
        Table {
            sheet: "Istoric".into(),
            columns: columns(true),
            rows: history,
        },
    ])
}

async fn reminders(db: &DatabaseConnection, tz: Tz) -> Result<Table, DbError> {
    let log = db::outbox::log(db).await?;
    let columns = vec![
        col("Creat", 12.0),
        col("Trimis", 12.0),
        col("Către", 30.0),
        col("Destinatar", 12.0),
        col("Unități (cod SIIIR)", 24.0),
        col("Tip", 14.0),
        col("Subiect", 50.0),
        col("Stare", 12.0),
        col("Încercări", 9.0),
        col("Ultima eroare", 30.0),
    ];
    let rows = log
        .into_iter()
        .map(|(row, schools)| {
            let role = row.kind.map_or("—", |k| k.audience(!schools.is_empty()));
            vec![
                Value::Date(Some(row.created_at.with_timezone(&tz).date_naive())),
                Value::Date(row.sent_at.map(|t| t.with_timezone(&tz).date_naive())),
                Value::text(&row.recipient),
                Value::text(role),
                Value::Code(schools.join(", ")),
                Value::text(row.kind.map_or("—", |k| k.label())),
                Value::text(&row.subject),
                Value::text(row.status.label()),
                Value::Int(i64::from(row.attempts)),
                Value::opt(row.last_error.as_deref()),
            ]
        })
        .collect();
    Ok(Table {
        sheet: "Mesaje".into(),
        columns,
        rows,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    Xlsx,
    /// CSV with this separator.
    Csv(u8),
}

impl FileFormat {
    pub fn extension(self) -> &'static str {
        match self {
            FileFormat::Xlsx => "xlsx",
            FileFormat::Csv(_) => "csv",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            FileFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileFormat::Csv(_) => "text/csv; charset=utf-8",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("{0}")]
    Db(#[from] DbError),
    #[error("{}", .0.chain())]
    App(#[from] crate::app::AppError),
    #[error("scrierea fișierului xlsx: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("scrierea fișierului CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("{path}: {source}")]
    File {
        path: String,
        source: std::io::Error,
    },
}

/// Writes next to the final name, then renames: a reader never sees half a file.
pub fn write_file(path: &std::path::Path, bytes: &[u8]) -> Result<(), ReportError> {
    let failed = |source| ReportError::File {
        path: path.display().to_string(),
        source,
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(failed)?;
    }
    let partial = path.with_extension("partial");
    crate::files::write_private(&partial, bytes).map_err(failed)?;
    std::fs::rename(&partial, path).map_err(failed)
}
