//! Designees per PJ with their history: one current row (`valid_to` empty) per school, and
//! every earlier one kept with who replaced it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::Serialize;

use super::DbResult;
use super::audit::{self, AuditEntry};
use super::entities::designee;
use crate::domain::designee::DesigneeFacts;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredDesignee {
    pub id: i32,
    pub school_code: String,
    pub facts: DesigneeFacts,
    pub valid_from: DateTime<Utc>,
    pub valid_to: Option<DateTime<Utc>>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub confirmed_by: Option<String>,
    pub recorded_by: String,
}

fn stored(m: designee::Model) -> StoredDesignee {
    StoredDesignee {
        id: m.id,
        school_code: m.school_code,
        facts: DesigneeFacts {
            full_name: m.full_name,
            function: m.function,
            decision_number: m.decision_number,
            decision_date: m.decision_date,
            email: m.email,
            phone: m.phone,
        },
        valid_from: m.valid_from,
        valid_to: m.valid_to,
        confirmed_at: m.confirmed_at,
        confirmed_by: m.confirmed_by,
        recorded_by: m.recorded_by,
    }
}

pub async fn current<C: ConnectionTrait>(db: &C, school: &str) -> DbResult<Option<StoredDesignee>> {
    let found = designee::Entity::find()
        .filter(designee::Column::SchoolCode.eq(school))
        .filter(designee::Column::ValidTo.is_null())
        .order_by_desc(designee::Column::Id)
        .one(db)
        .await?;
    Ok(found.map(stored))
}

/// Every designee the school has had, newest first.
pub async fn history<C: ConnectionTrait>(db: &C, school: &str) -> DbResult<Vec<StoredDesignee>> {
    let rows = designee::Entity::find()
        .filter(designee::Column::SchoolCode.eq(school))
        .order_by_desc(designee::Column::Id)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(stored).collect())
}

/// Current designee name per school.
pub async fn current_names<C: ConnectionTrait>(db: &C) -> DbResult<HashMap<String, String>> {
    let rows: Vec<(String, String)> = designee::Entity::find()
        .select_only()
        .column(designee::Column::SchoolCode)
        .column(designee::Column::FullName)
        .filter(designee::Column::ValidTo.is_null())
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    Inserted,
    Replaced,
    Unchanged,
}

/// Who records a designee and whether that counts as the school's confirmation.
pub struct Recorder<'a> {
    pub actor: &'a str,
    pub action: &'a str,
    /// `Some("staff")`, `Some("link")`: the data comes from the school's decision.
    pub confirmed_by: Option<&'a str>,
    pub now: DateTime<Utc>,
}

/// Records the school's designee: unchanged data changes nothing, other data closes the
/// current row and opens a new one. Audited with before and after; `write` false only counts.
pub async fn record<C: ConnectionTrait>(
    db: &C,
    school: &str,
    facts: &DesigneeFacts,
    by: &Recorder<'_>,
    write: bool,
) -> DbResult<Recorded> {
    let before = current(db, school).await?;
    if before.as_ref().is_some_and(|b| &b.facts == facts) {
        return Ok(Recorded::Unchanged);
    }
    let outcome = if before.is_some() {
        Recorded::Replaced
    } else {
        Recorded::Inserted
    };
    if !write {
        return Ok(outcome);
    }
    let model = designee::ActiveModel {
        school_code: Set(school.to_string()),
        full_name: Set(facts.full_name.clone()),
        function: Set(facts.function.clone()),
        decision_number: Set(facts.decision_number.clone()),
        decision_date: Set(facts.decision_date),
        email: Set(facts.email.clone()),
        phone: Set(facts.phone.clone()),
        valid_from: Set(by.now),
        valid_to: Set(None),
        confirmed_at: Set(by.confirmed_by.map(|_| by.now)),
        confirmed_by: Set(by.confirmed_by.map(str::to_string)),
        replaced_by: Set(None),
        recorded_by: Set(by.actor.to_string()),
        ..Default::default()
    };
    let id = designee::Entity::insert(model)
        .exec(db)
        .await?
        .last_insert_id;
    if let Some(old) = &before {
        designee::Entity::update_many()
            .col_expr(designee::Column::ValidTo, Expr::value(by.now))
            .col_expr(designee::Column::ReplacedBy, Expr::value(id))
            .filter(designee::Column::Id.eq(old.id))
            .exec(db)
            .await?;
    }
    // Queued mail went to the old person or asked to confirm the old data.
    let kinds = ["confirm", "reminder", "overdue", "escalation"];
    super::outbox::cancel_queued(db, Some(&[school.to_string()]), &kinds).await?;
    let entry = AuditEntry::change(
        by.now,
        by.actor,
        by.action,
        "school",
        school,
        before.as_ref().map(|b| &b.facts),
        Some(facts),
    );
    audit::record(db, entry).await?;
    Ok(outcome)
}

/// Per school: the current designee's id, whether the school confirmed it, and its e-mail.
pub async fn current_contacts<C: ConnectionTrait>(
    db: &C,
) -> DbResult<HashMap<String, (i32, bool, Option<String>)>> {
    let rows: Vec<(
        String,
        i32,
        Option<DateTime<Utc>>,
        Option<String>,
        Option<String>,
    )> = designee::Entity::find()
        .select_only()
        .column(designee::Column::SchoolCode)
        .column(designee::Column::Id)
        .column(designee::Column::ConfirmedAt)
        .column(designee::Column::ConfirmedBy)
        .column(designee::Column::Email)
        .filter(designee::Column::ValidTo.is_null())
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(school, id, at, by, email)| (school, (id, at.is_some() && by.is_some(), email)))
        .collect())
}

/// The school confirms its current designee as it is (through a director's link).
pub async fn confirm_current<C: ConnectionTrait>(
    db: &C,
    school: &str,
    by: &Recorder<'_>,
) -> DbResult<bool> {
    let Some(current) = current(db, school).await? else {
        return Ok(false);
    };
    designee::Entity::update_many()
        .col_expr(designee::Column::ConfirmedAt, Expr::value(by.now))
        .col_expr(
            designee::Column::ConfirmedBy,
            Expr::value(by.confirmed_by.unwrap_or("link")),
        )
        .filter(designee::Column::Id.eq(current.id))
        .exec(db)
        .await?;
    let after =
        serde_json::json!({"confirmat_de": by.confirmed_by, "persoana": current.facts.full_name});
    audit::record(
        db,
        AuditEntry::change(
            by.now,
            by.actor,
            by.action,
            "school",
            school,
            None::<&()>,
            Some(&after),
        ),
    )
    .await?;
    Ok(true)
}

/// Every designee row, current and past, oldest first (for reports).
pub async fn all<C: ConnectionTrait>(db: &C) -> DbResult<Vec<StoredDesignee>> {
    let rows = designee::Entity::find()
        .order_by_asc(designee::Column::SchoolCode)
        .order_by_asc(designee::Column::Id)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(stored).collect())
}

/// Every current designee (for reports).
pub async fn all_current<C: ConnectionTrait>(db: &C) -> DbResult<Vec<StoredDesignee>> {
    let rows = designee::Entity::find()
        .filter(designee::Column::ValidTo.is_null())
        .all(db)
        .await?;
    Ok(rows.into_iter().map(stored).collect())
}
