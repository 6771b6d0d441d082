//! Schools: search for the web pages and the write side of the school import.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::DbResult;
use super::entities::school::{self, Column, Entity as School};
use crate::domain::school::SchoolRecord;
use crate::domain::text::fold;

pub const PAGE_SIZE: u64 = 50;

/// A stored school with its bookkeeping.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredSchool {
    pub record: SchoolRecord,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ActiveFilter {
    #[default]
    Active,
    Inactive,
    All,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SchoolFilter {
    pub query: Option<String>,
    pub locality: Option<String>,
    /// `URBAN` or `RURAL`.
    pub area: Option<String>,
    /// `PJ` or `AR`.
    pub status: Option<String>,
    pub active: ActiveFilter,
    /// 1-based.
    pub page: u64,
}

#[derive(Debug, Clone)]
pub struct SchoolPage {
    pub schools: Vec<StoredSchool>,
    pub total: u64,
    pub page: u64,
    pub pages: u64,
}

pub async fn search<C: ConnectionTrait>(db: &C, filter: &SchoolFilter) -> DbResult<SchoolPage> {
    let mut query = School::find();
    if let Some(words) = filter.query.as_deref().map(fold).filter(|q| !q.is_empty()) {
        for word in words.split(' ') {
            query = query.filter(Column::SearchKey.contains(word));
        }
    }
    if let Some(locality) = &filter.locality {
        query = query.filter(Column::Locality.eq(locality.as_str()));
    }
    if let Some(area) = &filter.area {
        query = query.filter(Column::Area.eq(area.as_str()));
    }
    if let Some(status) = &filter.status {
        query = query.filter(Column::Status.eq(status.as_str()));
    }
    query = match filter.active {
        ActiveFilter::Active => query.filter(Column::Active.eq(true)),
        ActiveFilter::Inactive => query.filter(Column::Active.eq(false)),
        ActiveFilter::All => query,
    };
    let paginator = query
        .order_by_asc(Column::Locality)
        .order_by_asc(Column::PjCode)
        .order_by_desc(Column::Status)
        .order_by_asc(Column::Code)
        .paginate(db, PAGE_SIZE);
    let total = paginator.num_items().await?;
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = filter.page.clamp(1, pages);
    let schools = paginator.fetch_page(page - 1).await?.into_iter().map(stored).collect();
    Ok(SchoolPage { schools, total, page, pages })
}

pub async fn find<C: ConnectionTrait>(db: &C, code: &str) -> DbResult<Option<StoredSchool>> {
    Ok(School::find_by_id(code.to_string()).one(db).await?.map(stored))
}

/// The AR units attached to a PJ (the PJ itself excluded).
pub async fn attached_units<C: ConnectionTrait>(db: &C, pj_code: &str) -> DbResult<Vec<StoredSchool>> {
    let units = School::find()
        .filter(Column::PjCode.eq(pj_code))
        .filter(Column::Code.ne(pj_code))
        .order_by_asc(Column::Code)
        .all(db)
        .await?;
    Ok(units.into_iter().map(stored).collect())
}

/// Distinct localities of active schools, for the filter list.
pub async fn localities<C: ConnectionTrait>(db: &C) -> DbResult<Vec<String>> {
    let rows: Vec<Option<String>> = School::find()
        .select_only()
        .column(Column::Locality)
        .filter(Column::Active.eq(true))
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    let mut localities: Vec<String> = rows.into_iter().flatten().collect();
    // Alphabetical as a Romanian reader expects: Ş next to S, not after Z.
    localities.sort_by_cached_key(|l| fold(l));
    Ok(localities)
}

/// Which of these codes are stored.
pub async fn existing_codes<C: ConnectionTrait>(db: &C, codes: &[String]) -> DbResult<HashSet<String>> {
    let mut found = HashSet::new();
    for chunk in codes.chunks(500) {
        let rows: Vec<String> = School::find()
            .select_only()
            .column(Column::Code)
            .filter(Column::Code.is_in(chunk.iter().cloned()))
            .into_tuple()
            .all(db)
            .await?;
        found.extend(rows);
    }
    Ok(found)
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ApplyCounts {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub deactivated: u64,
}

/// Writes imported schools (when `write`), or only counts what would change.
/// With `deactivate_county`, active schools of that county missing from `schools` are
/// marked inactive; nothing is ever deleted.
pub async fn apply_import<C: ConnectionTrait>(
    conn: &C,
    schools: &[SchoolRecord],
    deactivate_county: Option<&str>,
    now: DateTime<Utc>,
    write: bool,
) -> DbResult<ApplyCounts> {
    let existing: HashMap<String, StoredSchool> =
        School::find().all(conn).await?.into_iter().map(stored).map(|s| (s.record.code.clone(), s)).collect();
    let mut counts = ApplyCounts::default();
    let mut inserts = Vec::new();
    for record in schools {
        match existing.get(&record.code) {
            None => {
                counts.inserted += 1;
                inserts.push(active_model(record, now, now));
            }
            Some(old) if old.active && old.record == *record => counts.unchanged += 1,
            Some(old) => {
                counts.updated += 1;
                if write {
                    School::update(active_model(record, old.created_at, now)).exec(conn).await?;
                }
            }
        }
    }
    if write {
        for chunk in inserts.chunks(1000) {
            School::insert_many(chunk.to_vec()).exec_without_returning(conn).await?;
        }
    }
    if let Some(county) = deactivate_county {
        let incoming: HashSet<&str> = schools.iter().map(|s| s.code.as_str()).collect();
        let county = county.trim().to_uppercase();
        let gone: Vec<String> = existing
            .values()
            .filter(|s| s.active && s.record.county.as_deref() == Some(county.as_str()))
            .filter(|s| !incoming.contains(s.record.code.as_str()))
            .map(|s| s.record.code.clone())
            .collect();
        counts.deactivated = gone.len() as u64;
        if write {
            for chunk in gone.chunks(500) {
                School::update_many()
                    .col_expr(Column::Active, Expr::value(false))
                    .col_expr(Column::UpdatedAt, Expr::value(now))
                    .filter(Column::Code.is_in(chunk.iter().cloned()))
                    .exec(conn)
                    .await?;
            }
        }
    }
    Ok(counts)
}

fn active_model(r: &SchoolRecord, created_at: DateTime<Utc>, now: DateTime<Utc>) -> school::ActiveModel {
    school::ActiveModel {
        code: Set(r.code.clone()),
        pj_code: Set(r.pj_code.clone()),
        status: Set(r.status.clone()),
        long_name: Set(r.long_name.clone()),
        short_name: Set(r.short_name.clone()),
        pj_name: Set(r.pj_name.clone()),
        unit_type: Set(r.unit_type.clone()),
        county: Set(r.county.clone()),
        pj_locality: Set(r.pj_locality.clone()),
        pj_siruta: Set(r.pj_siruta.clone()),
        pj_area: Set(r.pj_area.clone()),
        locality: Set(r.locality.clone()),
        siruta: Set(r.siruta.clone()),
        area: Set(r.area.clone()),
        sirues_code: Set(r.sirues_code.clone()),
        cif: Set(r.cif.clone()),
        operating_mode: Set(r.operating_mode.clone()),
        funding: Set(r.funding.clone()),
        ownership: Set(r.ownership.clone()),
        street: Set(r.street.clone()),
        street_number: Set(r.street_number.clone()),
        postal_code: Set(r.postal_code.clone()),
        phone: Set(r.phone.clone()),
        fax: Set(r.fax.clone()),
        email: Set(r.email.clone()),
        school_year: Set(r.school_year.clone()),
        search_key: Set(r.search_key()),
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
