//! Schools: search for the web pages and the write side of the school import.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait,
    IdenStatic, Iterable, QueryFilter, QuerySelect, Statement,
};

use super::DbResult;
use super::entities::school::{self, Column, Entity as School};
use crate::domain::change::Change;
use crate::domain::school::{SchoolRecord, UnitStatus};

pub const PAGE_SIZE: u64 = 50;

use crate::domain::school::StoredSchool;

pub async fn find<C: ConnectionTrait>(db: &C, code: &str) -> DbResult<Option<StoredSchool>> {
    Ok(super::by_key(db, School::find_by_id(code.to_string()))
        .await?
        .map(stored))
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ApplyCounts {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub deactivated: u64,
}

/// Writes an import batch by batch inside the caller's transaction, comparing each school
/// with what is stored (or, in a dry run, only counting what would change).
pub struct SchoolWriter {
    existing: HashMap<String, StoredSchool>,
    incoming: HashSet<String>,
    counts: ApplyCounts,
    now: DateTime<Utc>,
    write: bool,
}

impl SchoolWriter {
    pub async fn load<C: ConnectionTrait>(
        conn: &C,
        now: DateTime<Utc>,
        write: bool,
    ) -> DbResult<Self> {
        let existing = School::find()
            .all(conn)
            .await?
            .into_iter()
            .map(stored)
            .map(|s| (s.record.code.clone(), s))
            .collect();
        Ok(SchoolWriter {
            existing,
            incoming: HashSet::new(),
            counts: ApplyCounts::default(),
            now,
            write,
        })
    }

    /// Writes a batch; returns the changes it made (none in a dry run).
    pub async fn apply<C: ConnectionTrait>(
        &mut self,
        conn: &C,
        schools: Vec<SchoolRecord>,
    ) -> DbResult<Vec<Change>> {
        let mut inserts = Vec::new();
        let mut changes = Vec::new();
        for record in schools {
            self.incoming.insert(record.code.clone());
            match self.existing.get(&record.code) {
                None => {
                    self.counts.inserted += 1;
                    if self.write {
                        changes.push(Change::SchoolAdded {
                            school: Box::new(record.clone()),
                        });
                        inserts.push(active_model(record, self.now, self.now));
                    }
                }
                Some(old) if old.active && old.record == record => self.counts.unchanged += 1,
                Some(old) => {
                    self.counts.updated += 1;
                    if self.write {
                        changes.push(Change::SchoolUpdated {
                            before: Box::new(old.record.clone()),
                            after: Box::new(record.clone()),
                        });
                        School::update(active_model(record, old.created_at, self.now))
                            .exec(conn)
                            .await?;
                    }
                }
            }
        }
        insert_batch(conn, inserts).await?;
        Ok(changes)
    }

    /// Marks active schools of `county` that were not in the import inactive; never deletes.
    pub async fn deactivate_missing<C: ConnectionTrait>(
        &mut self,
        conn: &C,
        county: &str,
    ) -> DbResult<Vec<Change>> {
        let county = county.trim().to_uppercase();
        let gone: Vec<String> = self
            .existing
            .values()
            .filter(|s| s.active && s.record.county.as_deref() == Some(county.as_str()))
            .filter(|s| !self.incoming.contains(&s.record.code))
            .map(|s| s.record.code.clone())
            .collect();
        self.counts.deactivated = gone.len() as u64;
        if !self.write {
            return Ok(Vec::new());
        }
        for chunk in gone.chunks(500) {
            School::update_many()
                .col_expr(Column::Active, Expr::value(false))
                .col_expr(Column::UpdatedAt, Expr::value(self.now))
                .filter(Column::Code.is_in(chunk.iter().cloned()))
                .exec(conn)
                .await?;
        }
        Ok(gone
            .into_iter()
            .map(|code| Change::SchoolDeactivated { code })
            .collect())
    }

    /// Which of these codes were stored before the import.
    pub fn stored_among(&self, codes: &[String]) -> HashSet<String> {
        codes
            .iter()
            .filter(|c| self.existing.contains_key(*c))
            .cloned()
            .collect()
    }

    pub fn counts(&self) -> ApplyCounts {
        self.counts
    }
}

/// One multi-row INSERT with bound values. Built here rather than through `insert_many`,
/// which spends more time building the statement than SQLite spends storing the rows
/// (measured on the national file); columns come from the entity, so they cannot drift.
async fn insert_batch<C: ConnectionTrait>(
    conn: &C,
    rows: Vec<school::ActiveModel>,
) -> DbResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let backend = conn.get_database_backend();
    let columns: Vec<Column> = Column::iter().collect();
    let names: Vec<String> = columns
        .iter()
        .map(|c| format!("\"{}\"", c.as_str()))
        .collect();
    let mut sql = format!("INSERT INTO \"school\" ({}) VALUES ", names.join(", "));
    let mut values = Vec::with_capacity(rows.len() * columns.len());
    for (index, mut row) in rows.into_iter().enumerate() {
        sql.push_str(if index == 0 { "(" } else { ", (" });
        for (position, column) in columns.iter().enumerate() {
            if position > 0 {
                sql.push_str(", ");
            }
            values.push(
                row.take(*column)
                    .into_value()
                    .unwrap_or(sea_orm::Value::String(None)),
            );
            match backend {
                DbBackend::Postgres => sql.push_str(&format!("${}", values.len())),
                _ => sql.push('?'),
            }
        }
        sql.push(')');
    }
    conn.execute_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    Ok(())
}

fn active_model(
    r: SchoolRecord,
    created_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> school::ActiveModel {
    let search_key = r.search_key();
    school::ActiveModel {
        code: Set(r.code),
        pj_code: Set(r.pj_code),
        status: Set(r.status),
        long_name: Set(r.long_name),
        short_name: Set(r.short_name),
        pj_name: Set(r.pj_name),
        unit_type: Set(r.unit_type),
        county: Set(r.county),
        pj_locality: Set(r.pj_locality),
        pj_siruta: Set(r.pj_siruta),
        pj_area: Set(r.pj_area),
        locality: Set(r.locality),
        siruta: Set(r.siruta),
        area: Set(r.area),
        sirues_code: Set(r.sirues_code),
        cif: Set(r.cif),
        operating_mode: Set(r.operating_mode),
        funding: Set(r.funding),
        ownership: Set(r.ownership),
        street: Set(r.street),
        street_number: Set(r.street_number),
        postal_code: Set(r.postal_code),
        phone: Set(r.phone),
        fax: Set(r.fax),
        email: Set(r.email),
        school_year: Set(r.school_year),
        search_key: Set(search_key),
        active: Set(true),
        created_at: Set(created_at),
        updated_at: Set(now),
    }
}

fn stored(m: school::Model) -> StoredSchool {
    StoredSchool {
        active: m.active,
        created_at: m.created_at,
        updated_at: m.updated_at,
        record: SchoolRecord {
            code: m.code,
            pj_code: m.pj_code,
            status: m.status,
            long_name: m.long_name,
            short_name: m.short_name,
            pj_name: m.pj_name,
            unit_type: m.unit_type,
            county: m.county,
            pj_locality: m.pj_locality,
            pj_siruta: m.pj_siruta,
            pj_area: m.pj_area,
            locality: m.locality,
            siruta: m.siruta,
            area: m.area,
            sirues_code: m.sirues_code,
            cif: m.cif,
            operating_mode: m.operating_mode,
            funding: m.funding,
            ownership: m.ownership,
            street: m.street,
            street_number: m.street_number,
            postal_code: m.postal_code,
            phone: m.phone,
            fax: m.fax,
            email: m.email,
            school_year: m.school_year,
        },
    }
}

/// Every stored school, as the case and designee imports look them up.
pub async fn directory<C: ConnectionTrait>(
    db: &C,
) -> DbResult<crate::domain::directory::SchoolDirectory> {
    use crate::domain::directory::{KnownSchool, SchoolDirectory};
    type Row = (String, String, String, bool, Option<String>, Option<String>);
    let rows: Vec<Row> = School::find()
        .select_only()
        .columns([
            Column::Code,
            Column::PjCode,
            Column::Status,
            Column::Active,
            Column::LongName,
            Column::ShortName,
        ])
        .into_tuple()
        .all(db)
        .await?;
    Ok(SchoolDirectory::new(rows.into_iter().map(
        |(code, pj_code, status, active, long, short)| {
            let name = long
                .clone()
                .or(short.clone())
                .unwrap_or_else(|| code.clone());
            (
                KnownSchool {
                    is_pj: UnitStatus::parse(&status) == Some(UnitStatus::Pj),
                    code,
                    pj_code,
                    active,
                    name,
                },
                [long, short],
            )
        },
    )))
}

/// The official e-mail of every active PJ.
pub async fn pj_emails<C: ConnectionTrait>(db: &C) -> DbResult<HashMap<String, String>> {
    let rows: Vec<(String, Option<String>)> = School::find()
        .select_only()
        .columns([Column::Code, Column::Email])
        .filter(Column::Status.eq(UnitStatus::Pj.as_str()))
        .filter(Column::Active.eq(true))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(code, email)| email.map(|e| (code, e)))
        .collect())
}

/// Every unit as the lists read it (one query), for the register.
pub async fn entries<C: ConnectionTrait>(
    db: &C,
) -> DbResult<Vec<crate::domain::register::SchoolEntry>> {
    use crate::domain::register::SchoolEntry;
    type Row = (
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        bool,
        String,
    );
    let columns = [
        Column::Code,
        Column::PjCode,
        Column::Status,
        Column::LongName,
        Column::ShortName,
        Column::Locality,
        Column::Area,
        Column::Active,
        Column::SearchKey,
    ];
    let rows: Vec<Row> = super::bulk::columns(db, School::find(), &columns).await?;
    Ok(rows
        .into_iter()
        .map(
            |(code, pj_code, status, long, short, locality, area, active, key)| SchoolEntry {
                name: long.or(short).unwrap_or_else(|| code.clone()),
                code,
                pj_code,
                status,
                locality,
                area,
                active,
                key,
            },
        )
        .collect())
}
