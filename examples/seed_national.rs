#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Fills a database at national scale for the benchmarks: the national SIIIR file (7,546 PJ,
//! 10,654 AR), 20,000 cases with 1–3 schools each and 0–4 hearings, designees for most PJ,
//! D.E.N. steps, a campaign whose deadline passed three days ago, extensions for some
//! schools, 100,000 changes in the change log (a hearing added to a case, by staff, the
//! portal or an import) and 20,000 mails in the outbox. Data is invented but deterministic (a
//! fixed seed).
//!
//! ISJ_DATABASE_URL=sqlite://bench.db?mode=rwc cargo run --release --example seed_national [national.xlsx]

use chrono::{Duration, NaiveDate, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
};

use isj_tracker::clock::SystemClock;
use isj_tracker::db::entities::{
    campaign, campaign_extension, case_school, change_log, court_case, den_step, designee, hearing,
    outbox, school,
};
use isj_tracker::domain::den::DenStep;
use isj_tracker::import::{ImportOptions, Silent, import_schools};

const CASES: usize = 20_000;
const CHUNK: usize = 500;
const CHANGES: usize = 100_000;
const MAILS: usize = 20_000;

struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

async fn insert_chunks<C, A, E>(db: &C, rows: Vec<A>) -> anyhow::Result<()>
where
    C: ConnectionTrait,
    E: EntityTrait,
    A: sea_orm::ActiveModelTrait<Entity = E> + Send,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(CHUNK).collect();
        E::insert_many(chunk).exec_without_returning(db).await?;
    }
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url = std::env::var("ISJ_DATABASE_URL")
        .unwrap_or_else(|_| "sqlite://data/bench.db?mode=rwc".into());
    let file = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "tests/data/siiir/retea-scolara-2024-2025-national.xlsx".into());
    let db = isj_tracker::db::connect(&url).await?;
    isj_tracker::db::migrate(&db).await?;
    let bytes = std::fs::read(&file)?;
    let options = ImportOptions {
        actor: "seed".into(),
        ..ImportOptions::default()
    };
    let ctx = isj_tracker::app::Ctx {
        db: &db,
        clock: &SystemClock,
        timezone: chrono_tz::Europe::Bucharest,
        register: None,
    };
    let outcome = import_schools(ctx, "national.xlsx", bytes, &options, &Silent).await?;
    eprintln!("schools: {} inserted", outcome.report.inserted);

    let pj: Vec<String> = school::Entity::find()
        .select_only()
        .column(school::Column::Code)
        .filter(school::Column::Status.eq("PJ"))
        .into_tuple()
        .all(&db)
        .await?;
    let now = Utc::now();
    let today = now.date_naive();
    let mut rng = Lcg(20_261_124);
    let txn = isj_tracker::db::begin_write(&db).await?;

    // Two schools in three have cases; the rest are blocked.
    let with_cases: Vec<&String> = pj.iter().filter(|_| rng.next(3) < 2).collect();
    let courts = [
        "TribunalulHUNEDOARA",
        "JudecatoriaDEVA",
        "TribunalulCLUJ",
        "JudecatoriaBRASOV",
        "CurteadeApelALBAIULIA",
        "TribunalulBUCURESTI",
    ];
    let numbers = [97, 221, 117, 197, 57, 3];
    let mut cases = Vec::with_capacity(CASES);
    for i in 0..CASES {
        let court = rng.next(courts.len());
        let year = 2022 + rng.next(5) as i32;
        let hearing = (rng.next(3) > 0).then(|| today + Duration::days(rng.next(120) as i64 - 20));
        cases.push(court_case::ActiveModel {
            id: Set(i as i32 + 1),
            court: Set(courts[court].into()),
            number: Set(format!("{}/{}/{year}", 100 + i, numbers[court])),
            sequence: Set(100 + i as i32),
            court_number: Set(numbers[court]),
            year: Set(year),
            stars: Set(0),
            suffix: Set(None),
            category: Set(Some(
                ["Civil", "Litigiidemunca", "Contenciosadministrativsifiscal"][rng.next(3)].into(),
            )),
            stage: Set(Some(["Fond", "Apel", "Recurs"][rng.next(3)].into())),
            object: Set(Some("drepturi salariale".into())),
            next_hearing: Set(hearing),
            status: Set(if rng.next(20) == 0 {
                "closed"
            } else {
                "active"
            }
            .into()),
            source: Set("import".into()),
            created_at: Set(now),
            updated_at: Set(now),
            portal_checked_at: Set(None),
            portal_state: Set(None),
            portal_note: Set(None),
            portal_misses: Set(0),
            closed_at: Set(None),
        });
    }
    insert_chunks(&txn, cases).await?;

    let mut hearings = Vec::new();
    for case_id in 1..=CASES as i32 {
        for n in 0..rng.next(5) {
            let on = today + Duration::days(rng.next(240) as i64 - 120 + 7 * n as i64);
            hearings.push(hearing::ActiveModel {
                case_id: Set(case_id),
                on_date: Set(on),
                time: Set(format!("{:02}:{:02}", 8 + rng.next(6), 30 * rng.next(2))),
                panel: Set(format!("C{}", n + 1)),
                stage: Set(Some("Fond".into())),
                outcome: Set((on < today).then(|| "Amână cauza".to_string())),
                summary: Set(None),
                pronounced_on: Set(None),
                source: Set("import".into()),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            });
        }
    }
    let hearing_count = hearings.len();
    insert_chunks(&txn, hearings).await?;

    let mut links = Vec::new();
    for case_id in 1..=CASES as i32 {
        let mut schools: Vec<&String> = (0..1 + rng.next(3))
            .map(|_| with_cases[rng.next(with_cases.len())])
            .collect();
        schools.sort();
        schools.dedup();
        for code in schools {
            links.push(case_school::ActiveModel {
                case_id: Set(case_id),
                school_code: Set(code.clone()),
                role: Set(Some(["pârât", "reclamant", "intimat"][rng.next(3)].into())),
                opposing_party: Set(None),
                access_requested_on: Set(None),
                access_approved_on: Set(None),
                notes: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            });
        }
    }
    let link_count = links.len();
    insert_chunks(&txn, links).await?;

    let mut designees = Vec::new();
    let mut steps = Vec::new();
    let mut extensions = Vec::new();
    for code in &pj {
        if rng.next(10) < 7 {
            designees.push(designee::ActiveModel {
                school_code: Set(code.clone()),
                full_name: Set(format!("Persoană Desemnată {}", &code[6..])),
                function: Set("director".into()),
                decision_number: Set(Some(format!("{}/2026", rng.next(500)))),
                decision_date: Set(NaiveDate::from_ymd_opt(2026, 9, 1)),
                email: Set(Some(format!("scoala{code}@exemplu.ro"))),
                phone: Set(Some(format!("+4072{:07}", rng.next(10_000_000)))),
                valid_from: Set(now),
                valid_to: Set(None),
                confirmed_at: Set(None),
                confirmed_by: Set(None),
                replaced_by: Set(None),
                recorded_by: Set("seed".into()),
                ..Default::default()
            });
        }
        let reached = rng.next(5);
        for step in DenStep::ALL.iter().skip(1).take(reached) {
            steps.push(den_step::ActiveModel {
                school_code: Set(code.clone()),
                step: Set(step.as_str().into()),
                on_date: Set(today - Duration::days(30 - 5 * reached as i64)),
                source: Set("import".into()),
                recorded_by: Set("seed".into()),
                note: Set(None),
                recorded_at: Set(now),
                ..Default::default()
            });
        }
        if rng.next(10) == 0 {
            extensions.push(campaign_extension::ActiveModel {
                campaign_id: Set(1),
                school_code: Set(code.clone()),
                until: Set(today + Duration::days(3 + rng.next(20) as i64)),
                reason: Set("prelungire de test".into()),
                recorded_by: Set("seed".into()),
                recorded_at: Set(now),
                ..Default::default()
            });
        }
    }
    let campaign = campaign::ActiveModel {
        id: Set(1),
        title: Set("Constituirea contului D.E.N.".into()),
        deadline: Set(today - Duration::days(3)),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
    };
    campaign::Entity::insert(campaign)
        .exec_without_returning(&txn)
        .await?;
    let (designee_count, step_count, extension_count) =
        (designees.len(), steps.len(), extensions.len());
    insert_chunks(&txn, designees).await?;
    insert_chunks(&txn, steps).await?;
    insert_chunks(&txn, extensions).await?;

    // The log's history: the register starts from the tables at the counter's version, so
    // these are read only by the audit trail and the history pages.
    let (first, _) = isj_tracker::db::changes::latest(&txn)
        .await
        .map(|v| (v + 1, ()))?;
    let mut changes = Vec::new();
    for i in 0..CHANGES {
        let case_id = 1 + rng.next(CASES);
        let day =
            NaiveDate::from_ymd_opt(2026, 1, 5).unwrap() + Duration::days(rng.next(300) as i64);
        let payload = serde_json::json!({
            "type": "hearing_added",
            "case": {"id": case_id, "number": format!("{case_id}/97/2026"), "court": "TribunalulHUNEDOARA"},
            "hearing": {"id": i + 1, "case_id": case_id, "facts": {"on": day, "time": "09:00", "panel": "", "stage": null, "outcome": null, "summary": null, "pronounced_on": null}, "source": "manual"},
        });
        changes.push(change_log::ActiveModel {
            version: Set(first + i as i64),
            at: Set(now - Duration::seconds((CHANGES - i) as i64 * 30)),
            actor: Set(
                ["juridic@isj.test", "sistem (portal.just.ro)", "import"][rng.next(3)].into(),
            ),
            kind: Set("hearing_added".into()),
            school_code: Set(None),
            case_id: Set(Some(case_id as i32)),
            batch_id: Set(None),
            payload: Set(payload.to_string()),
        });
    }
    insert_chunks(&txn, changes).await?;
    txn.execute_unprepared(&format!(
        "UPDATE change_counter SET version = {}",
        first + CHANGES as i64 - 1
    ))
    .await?;
    let mut mails = Vec::new();
    for i in 0..MAILS {
        let status = ["sent", "sent", "sent", "pending", "dead"][rng.next(5)];
        mails.push(outbox::ActiveModel {
            dedupe_key: Set(format!("seed:{i}")),
            kind: Set("reminder".into()),
            recipient: Set(format!("scoala{i}@exemplu.ro")),
            subject: Set("Memento D.E.N.".into()),
            body_text: Set("Text".into()),
            body_html: Set("<p>Text</p>".into()),
            sealed_tokens: Set(None),
            attachment_path: Set(None),
            attachment_name: Set(None),
            status: Set(status.into()),
            respect_window: Set(true),
            attempts: Set(i32::from(status != "pending")),
            next_attempt_at: Set(now),
            lease_until: Set(None),
            last_error: Set((status == "dead").then(|| "550 mailbox unavailable".to_string())),
            message_id: Set(format!("<seed{i}@isj.test>")),
            created_at: Set(now - Duration::seconds((MAILS - i) as i64 * 60)),
            sent_at: Set((status == "sent").then_some(now)),
            ..Default::default()
        });
    }
    insert_chunks(&txn, mails).await?;
    if txn.get_database_backend() == sea_orm::DbBackend::Postgres {
        // Explicit ids were inserted: move the sequences past them.
        for table in ["court_case", "campaign"] {
            txn.execute_unprepared(&format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")).await?;
        }
    }
    txn.commit().await?;
    eprintln!(
        "{} PJ, {CASES} cases, {link_count} links, {hearing_count} hearings, {designee_count} designees, {step_count} steps, {extension_count} extensions, {CHANGES} changes, {MAILS} mails",
        pj.len()
    );
    Ok(())
}
