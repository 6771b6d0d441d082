//! Designees per PJ with their history: one current row (`valid_to` empty) per school, and
//! every earlier one kept with who replaced it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::DbResult;
use super::entities::designee;
use crate::domain::designee::DesigneeFacts;

use crate::domain::designee::StoredDesignee;

pub(super) fn stored(m: designee::Model) -> StoredDesignee {
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
        anonymised_at: m.anonymised_at,
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

/// A designee row to open.
pub struct NewDesignee<'a> {
    pub school: &'a str,
    pub facts: &'a DesigneeFacts,
    /// `staff` or `link` when the school's decision stands behind the data.
    pub confirmed_by: Option<&'a str>,
    pub recorded_by: &'a str,
    pub now: DateTime<Utc>,
}

/// Opens a new current row and closes `previous` (if any), pointing it at the new one.
pub async fn replace_current<C: ConnectionTrait>(
    db: &C,
    new: &NewDesignee<'_>,
    previous: Option<i32>,
) -> DbResult<i32> {
    let facts = new.facts;
    let model = designee::ActiveModel {
        school_code: Set(new.school.to_string()),
        full_name: Set(facts.full_name.clone()),
        function: Set(facts.function.clone()),
        decision_number: Set(facts.decision_number.clone()),
        decision_date: Set(facts.decision_date),
        email: Set(facts.email.clone()),
        phone: Set(facts.phone.clone()),
        valid_from: Set(new.now),
        valid_to: Set(None),
        confirmed_at: Set(new.confirmed_by.map(|_| new.now)),
        confirmed_by: Set(new.confirmed_by.map(str::to_string)),
        replaced_by: Set(None),
        recorded_by: Set(new.recorded_by.to_string()),
        ..Default::default()
    };
    let id = designee::Entity::insert(model)
        .exec(db)
        .await?
        .last_insert_id;
    if let Some(old) = previous {
        designee::Entity::update_many()
            .col_expr(designee::Column::ValidTo, Expr::value(new.now))
            .col_expr(designee::Column::ReplacedBy, Expr::value(id))
            .filter(designee::Column::Id.eq(old))
            .exec(db)
            .await?;
    }
    Ok(id)
}

/// Per school: the current designee's id, whether the school confirmed it, and its e-mail.
pub async fn current_contacts<C: ConnectionTrait>(
    db: &C,
) -> DbResult<HashMap<String, (i32, bool, Option<String>)>> {
    Ok(all_current(db)
        .await?
        .into_iter()
        .map(|d| {
            let confirmed = d.is_confirmed();
            (d.school_code, (d.id, confirmed, d.facts.email))
        })
        .collect())
}

/// Marks a designee row as confirmed by the school (`by`: `staff` or `link`).
pub async fn mark_confirmed<C: ConnectionTrait>(
    db: &C,
    id: i32,
    by: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
    designee::Entity::update_many()
        .col_expr(designee::Column::ConfirmedAt, Expr::value(now))
        .col_expr(designee::Column::ConfirmedBy, Expr::value(by))
        .filter(designee::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Every designee row, current and past, oldest first (for reports).
pub async fn all<C: ConnectionTrait>(db: &C) -> DbResult<Vec<StoredDesignee>> {
    let mut rows = super::bulk::models(db, designee::Entity::find()).await?;
    rows.sort_unstable_by(|a, b| (&a.school_code, a.id).cmp(&(&b.school_code, b.id)));
    Ok(rows.into_iter().map(stored).collect())
}

/// Every current designee (for reports).
pub async fn all_current<C: ConnectionTrait>(db: &C) -> DbResult<Vec<StoredDesignee>> {
    let query = designee::Entity::find().filter(designee::Column::ValidTo.is_null());
    let rows = super::bulk::models(db, query).await?;
    Ok(rows.into_iter().map(stored).collect())
}

/// Schools (other than `school`) whose current designee has this e-mail and this phone.
pub async fn sharing_contact<C: ConnectionTrait>(
    db: &C,
    school: &str,
    email: &str,
    phone: &str,
) -> DbResult<Vec<String>> {
    Ok(designee::Entity::find()
        .select_only()
        .column(designee::Column::SchoolCode)
        .filter(designee::Column::ValidTo.is_null())
        .filter(designee::Column::Email.eq(email))
        .filter(designee::Column::Phone.eq(phone))
        .filter(designee::Column::SchoolCode.ne(school))
        .into_tuple()
        .all(db)
        .await?)
}

/// The certificate evidence of these designee rows, by designee id.
pub async fn evidence_of<C: ConnectionTrait>(
    db: &C,
    designee_ids: &[i32],
) -> DbResult<HashMap<i32, crate::domain::designee::CazierEvidence>> {
    use super::entities::designee_evidence as evidence;
    let mut query = evidence::Entity::find();
    // Past a few hundred designees (the snapshot asks for every current one), reading the
    // whole table beats IN lists.
    if designee_ids.len() <= 500 {
        query = query.filter(evidence::Column::DesigneeId.is_in(designee_ids.iter().copied()));
    }
    let wanted: std::collections::HashSet<i32> = designee_ids.iter().copied().collect();
    let rows = super::bulk::models(db, query).await?;
    Ok(rows
        .into_iter()
        .filter(|m| wanted.contains(&m.designee_id))
        .map(|m| {
            let evidence = crate::domain::designee::CazierEvidence {
                number: m.certificate_number,
                issued_on: m.issued_on,
                valid_until: m.valid_until,
            };
            (m.designee_id, evidence)
        })
        .collect())
}

/// Stores a designee's certificate evidence, replacing an earlier one.
pub async fn save_evidence<C: ConnectionTrait>(
    db: &C,
    designee_id: i32,
    evidence: &crate::domain::designee::CazierEvidence,
    recorded_by: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
    use super::entities::designee_evidence as table;
    table::Entity::delete_many()
        .filter(table::Column::DesigneeId.eq(designee_id))
        .exec(db)
        .await?;
    let model = table::ActiveModel {
        designee_id: Set(designee_id),
        certificate_number: Set(evidence.number.clone()),
        issued_on: Set(evidence.issued_on),
        valid_until: Set(evidence.valid_until),
        recorded_by: Set(recorded_by.to_string()),
        recorded_at: Set(now),
        ..Default::default()
    };
    table::Entity::insert(model)
        .exec_without_returning(db)
        .await?;
    Ok(())
}
