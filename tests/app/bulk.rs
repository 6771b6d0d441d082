//! Whole-table reads (`db::bulk`: one JSON array on SQLite, rows on PostgreSQL) give exactly
//! what row-by-row reads give: every column type the register uses, booleans, empty values,
//! and text that JSON must escape.

use chrono::{DateTime, NaiveDate, Utc};
use isj_tracker::db::bulk;
use isj_tracker::db::entities::{
    case_school, court_case, den_step, designee, designee_evidence, hearing, school,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QuerySelect, QueryTrait,
};

use super::helpers::*;

const A: &str = "2061100733";
const B: &str = "2061103207";
/// Text JSON has to escape, and what Romanian text brings.
const AWKWARD: &str = "rând 1\nrând 2\t„citat” \"dublu\" \\ ș ț Ș Ț 😀 \u{1}";

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).expect("time").to_utc()
}

/// The HD network, three cases, and one of each kind of row the register reads.
async fn seeded() -> (TestDb, DatabaseConnection) {
    let db = TestDb::new().await;
    assert_eq!(db.import(&hd_csv(), &[]).status, 0);
    let cases = format!(
        "Cod SIIIR;Nr. dosar;Instanța\r\n{A};10/97/2026;Tribunalul Hunedoara\r\n{B};11/97/2026;Tribunalul Hunedoara\r\n{A};12/97/2026;Tribunalul Hunedoara\r\n"
    );
    let file = write_file(&db, "dosare.csv", cases.as_bytes());
    assert_eq!(
        db.cli(&["import", "cases", &file.to_string_lossy()]).status,
        0
    );
    let conn = db.connect().await;
    case_school::Entity::update_many()
        .col_expr(case_school::Column::Notes, Expr::value(AWKWARD))
        .col_expr(
            case_school::Column::AccessRequestedOn,
            Expr::value(day(2026, 11, 3)),
        )
        .filter(case_school::Column::SchoolCode.eq(A))
        .exec(&conn)
        .await
        .expect("link facts");
    court_case::Entity::update_many()
        .col_expr(court_case::Column::Object, Expr::value(AWKWARD))
        .filter(court_case::Column::Number.eq("10/97/2026"))
        .exec(&conn)
        .await
        .expect("case object");
    let case_id = court_case::Entity::find()
        .filter(court_case::Column::Number.eq("10/97/2026"))
        .one(&conn)
        .await
        .expect("read")
        .expect("case")
        .id;
    for (school, confirmed) in [(A, true), (B, false)] {
        let saved = designee::ActiveModel {
            school_code: Set(school.into()),
            full_name: Set("Ionescu Ștefania".into()),
            function: Set("secretar-șef".into()),
            decision_number: Set(confirmed.then(|| "12".into())),
            decision_date: Set(confirmed.then(|| day(2026, 11, 2))),
            email: Set(Some("secretariat@scoala.ro".into())),
            phone: Set(None),
            valid_from: Set(at("2026-11-02T08:15:30.123456Z")),
            valid_to: Set(None),
            confirmed_at: Set(confirmed.then(|| at("2026-11-04T10:00:00Z"))),
            confirmed_by: Set(confirmed.then(|| "link".into())),
            replaced_by: Set(None),
            recorded_by: Set("juridic@isj.test".into()),
            ..Default::default()
        }
        .insert(&conn)
        .await
        .expect("designee");
        if confirmed {
            designee_evidence::ActiveModel {
                designee_id: Set(saved.id),
                certificate_number: Set("CJ-2026/884".into()),
                issued_on: Set(day(2026, 10, 1)),
                valid_until: Set(day(2027, 4, 1)),
                recorded_by: Set("juridic@isj.test".into()),
                recorded_at: Set(at("2026-11-04T10:00:00Z")),
                ..Default::default()
            }
            .insert(&conn)
            .await
            .expect("evidence");
        }
    }
    den_step::ActiveModel {
        school_code: Set(A.into()),
        step: Set("access_requested".into()),
        on_date: Set(day(2026, 11, 3)),
        source: Set("staff".into()),
        recorded_by: Set("juridic@isj.test".into()),
        note: Set(Some(AWKWARD.into())),
        recorded_at: Set(at("2026-11-03T09:00:00Z")),
        ..Default::default()
    }
    .insert(&conn)
    .await
    .expect("step");
    for (on, outcome) in [(day(2026, 12, 10), None), (day(2027, 1, 20), Some(AWKWARD))] {
        hearing::ActiveModel {
            case_id: Set(case_id),
            on_date: Set(on),
            time: Set("09:00".into()),
            panel: Set("C1".into()),
            stage: Set(Some("Fond".into())),
            outcome: Set(outcome.map(str::to_string)),
            summary: Set(None),
            pronounced_on: Set(None),
            source: Set("manual".into()),
            created_at: Set(at("2026-11-05T12:00:00Z")),
            updated_at: Set(at("2026-11-05T12:00:00Z")),
            ..Default::default()
        }
        .insert(&conn)
        .await
        .expect("hearing");
    }
    (db, conn)
}

/// `bulk::models` of a whole table against the ordinary read (in any order).
async fn same_models<E>(conn: &DatabaseConnection, least: usize)
where
    E: EntityTrait,
    E::Model: serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let expected = E::find().all(conn).await.expect("rows");
    let got = bulk::models(conn, E::find()).await.expect("bulk");
    assert!(expected.len() >= least, "seeded rows present");
    assert_eq!(got.len(), expected.len());
    for model in &expected {
        assert!(got.contains(model), "{model:?} read back the same");
    }
}

#[tokio::test]
async fn whole_table_reads_give_what_row_reads_give() {
    let (_db, conn) = seeded().await;
    same_models::<school::Entity>(&conn, 250).await;
    same_models::<court_case::Entity>(&conn, 3).await;
    same_models::<case_school::Entity>(&conn, 3).await;
    same_models::<designee::Entity>(&conn, 2).await;
    same_models::<den_step::Entity>(&conn, 1).await;
    same_models::<hearing::Entity>(&conn, 2).await;
    same_models::<designee_evidence::Entity>(&conn, 1).await;

    // Chosen columns, with a boolean and a filter, as tuples.
    let query = school::Entity::find().filter(school::Column::Locality.is_not_null());
    let columns = [
        school::Column::Code,
        school::Column::Active,
        school::Column::LongName,
    ];
    let mut got: Vec<(String, bool, Option<String>)> =
        bulk::columns(&conn, query.clone(), &columns)
            .await
            .expect("bulk");
    let mut expected: Vec<(String, bool, Option<String>)> = query
        .select_only()
        .columns(columns)
        .into_tuple()
        .all(&conn)
        .await
        .expect("rows");
    got.sort();
    expected.sort();
    assert!(expected.len() > 200);
    assert_eq!(got, expected);

    // Aliased expressions (a grouped read).
    let grouped = hearing::Entity::find()
        .select_only()
        .column(hearing::Column::CaseId)
        .column_as(hearing::Column::OnDate.min(), "first")
        .group_by(hearing::Column::CaseId)
        .into_query();
    let firsts: Vec<(i32, NaiveDate)> = bulk::select(&conn, grouped, &["case_id", "first"])
        .await
        .expect("bulk");
    assert_eq!(firsts.len(), 1);
    assert_eq!(firsts[0].1, day(2026, 12, 10));

    // Nothing selected: an empty list, not an error.
    let none = school::Entity::find().filter(school::Column::Code.eq("0000000000"));
    assert!(bulk::models(&conn, none).await.expect("bulk").is_empty());
}
