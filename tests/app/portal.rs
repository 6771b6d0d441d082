//! The portal.just.ro sync and discovery against a fake portal started here on 127.0.0.1 (the
//! real service is never called): it checks each request as the real one would need it and
//! answers with envelopes built around the real `Dosar` sample.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use isj_tracker::app::{self, Actor, Ctx};
use isj_tracker::clock::FixedClock;
use isj_tracker::domain::case_import::CaseFacts;

use super::helpers::*;

/// The real `Dosar` element (the origin comment above it also says `<Dosar>`).
fn sample_dosar() -> String {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("imports/portal/dosar-sample.xml"),
    )
    .expect("fixture");
    let start = text.rfind("<Dosar>").expect("a Dosar element");
    text[start..].to_string()
}

const SAMPLE_NUMBER: &str = "1904/3/2018/a1";
const SAMPLE_COURT: &str = "CurteadeApelBUCURESTI";

/// The sample re-labelled as another case, with extra hearings before the real two.
fn dosar(number: &str, court: &str, stage: &str, extra_hearings: &str) -> String {
    sample_dosar()
        .replace(SAMPLE_NUMBER, number)
        .replace(
            &format!("<institutie>{SAMPLE_COURT}</institutie>"),
            &format!("<institutie>{court}</institutie>"),
        )
        .replace(
            "<stadiuProcesual>Recurs</stadiuProcesual>",
            &format!("<stadiuProcesual>{stage}</stadiuProcesual>"),
        )
        .replace("<sedinte>", &format!("<sedinte>{extra_hearings}"))
}

fn hearing_xml(on: &str, time: &str, panel: &str, outcome: &str) -> String {
    format!(
        "<DosarSedinta><complet>{panel}</complet><data>{on}T00:00:00</data><ora>{time}</ora><solutie>{outcome}</solutie><solutieSumar /><dataPronuntare xsi:nil=\"true\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" /><documentSedinta xsi:nil=\"true\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" /><numarDocument /><dataDocument xsi:nil=\"true\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" /></DosarSedinta>"
    )
}

fn envelope(dosare: &[String]) -> String {
    let body = if dosare.is_empty() {
        "<CautareDosareResponse xmlns=\"portalquery.just.ro\" />".to_string()
    } else {
        format!(
            "<CautareDosareResponse xmlns=\"portalquery.just.ro\"><CautareDosareResult>{}</CautareDosareResult></CautareDosareResponse>",
            dosare.concat()
        )
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\"><soap:Body>{body}</soap:Body></soap:Envelope>"
    )
}

#[derive(Clone)]
enum Answer {
    Ok(String),
    Status(u16, String),
    Slow(Duration, String),
    /// A redirect to this address.
    Redirect(u16, String),
    /// Cases by registration day: the fake answers those inside the asked window, cut at
    /// 1,000 as the real service does.
    Registry(Vec<(chrono::NaiveDate, String)>),
}

/// One request as the fake saw it.
#[derive(Clone, Debug)]
struct Seen {
    number: Option<String>,
    party: Option<String>,
    court: Option<String>,
    window: (Option<String>, Option<String>),
    at: Instant,
}

#[derive(Clone, Default)]
struct FakeState {
    /// By `numarDosar`, or `party@court` for name searches; the last answer repeats.
    answers: Arc<Mutex<HashMap<String, VecDeque<Answer>>>>,
    seen: Arc<Mutex<Vec<Seen>>>,
    refused: Arc<Mutex<Vec<String>>>,
}

struct FakePortal {
    url: String,
    state: FakeState,
}

impl FakePortal {
    async fn start() -> FakePortal {
        let state = FakeState::default();
        let router = axum::Router::new()
            .route("/query.asmx", axum::routing::post(fake_query))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!(
            "http://{}/query.asmx",
            listener.local_addr().expect("address")
        );
        tokio::spawn(async move {
            axum::serve(listener, router).await.expect("fake portal");
        });
        FakePortal { url, state }
    }

    fn answer(&self, key: &str, answers: Vec<Answer>) {
        self.state
            .answers
            .lock()
            .unwrap()
            .insert(key.to_string(), answers.into());
    }

    fn seen(&self) -> Vec<Seen> {
        self.state.seen.lock().unwrap().clone()
    }

    fn assert_no_refusals(&self) {
        let refused = self.state.refused.lock().unwrap();
        assert!(
            refused.is_empty(),
            "requests the portal would not understand: {refused:?}"
        );
    }
}

fn element(body: &str, name: &str) -> Result<Option<String>, String> {
    if body.contains(&format!("<{name} xsi:nil=\"true\"/>")) {
        return Ok(None);
    }
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    let start = body
        .find(&open)
        .ok_or_else(|| format!("parameter {name} missing"))?;
    let rest = &body[start + open.len()..];
    let end = rest
        .find(&close)
        .ok_or_else(|| format!("parameter {name} unclosed"))?;
    Ok(Some(
        rest[..end]
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"),
    ))
}

/// What the real service needs: SOAP 1.1 headers, its bare namespace, all six parameters.
fn check_request(headers: &HeaderMap, body: &str) -> Result<Seen, String> {
    let action = headers
        .get("soapaction")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if action != "\"portalquery.just.ro/CautareDosare\"" {
        return Err(format!("SOAPAction {action}"));
    }
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !content_type.starts_with("text/xml") {
        return Err(format!("Content-Type {content_type}"));
    }
    if !body.contains("<CautareDosare xmlns=\"portalquery.just.ro\">")
        || !body.contains("http://schemas.xmlsoap.org/soap/envelope/")
    {
        return Err("envelope or namespace".into());
    }
    for name in ["obiectDosar", "dataStart", "dataStop"] {
        element(body, name)?;
    }
    let seen = Seen {
        number: element(body, "numarDosar")?,
        party: element(body, "numeParte")?,
        court: element(body, "institutie")?,
        window: (element(body, "dataStart")?, element(body, "dataStop")?),
        at: Instant::now(),
    };
    if seen.court.is_none() {
        return Err("institutie must name the court".into());
    }
    if seen.number.is_none() == seen.party.is_none() {
        return Err("exactly one of numarDosar / numeParte".into());
    }
    Ok(seen)
}

async fn fake_query(State(state): State<FakeState>, headers: HeaderMap, body: Bytes) -> Response {
    let body = String::from_utf8_lossy(&body).into_owned();
    let seen = match check_request(&headers, &body) {
        Ok(seen) => seen,
        Err(why) => {
            state.refused.lock().unwrap().push(why.clone());
            return (StatusCode::BAD_REQUEST, why).into_response();
        }
    };
    let key = match (&seen.number, &seen.party, &seen.court) {
        (Some(number), _, _) => number.clone(),
        (None, Some(party), Some(court)) => format!("{party}@{court}"),
        _ => String::new(),
    };
    let window = seen.window.clone();
    state.seen.lock().unwrap().push(seen);
    let answer = {
        let mut answers = state.answers.lock().unwrap();
        match answers.get_mut(&key) {
            Some(queue) if queue.len() > 1 => queue.pop_front(),
            Some(queue) => queue.front().cloned(),
            None => None,
        }
    };
    let xml = |text: String| ([("content-type", "text/xml; charset=utf-8")], text);
    match answer.unwrap_or_else(|| Answer::Ok(envelope(&[]))) {
        Answer::Ok(text) => xml(text).into_response(),
        Answer::Status(code, text) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, xml(text)).into_response()
        }
        Answer::Slow(wait, text) => {
            tokio::time::sleep(wait).await;
            xml(text).into_response()
        }
        Answer::Redirect(code, location) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::FOUND);
            (status, [("location", location)]).into_response()
        }
        Answer::Registry(cases) => {
            let day = |v: &Option<String>| {
                v.as_deref()
                    .and_then(|t| chrono::NaiveDate::parse_from_str(&t[..10], "%Y-%m-%d").ok())
            };
            let (from, to) = (day(&window.0), day(&window.1));
            let inside: Vec<String> = cases
                .into_iter()
                .filter(|(on, _)| from.is_none_or(|f| *on >= f) && to.is_none_or(|t| *on <= t))
                .map(|(_, xml)| xml)
                .take(1000)
                .collect();
            xml(envelope(&inside)).into_response()
        }
    }
}

/// `portal sync` with the fake portal, short pace and timeout, no retries unless asked.
fn sync(db: &TestDb, portal: &FakePortal, extra: &[&str], retries: &str) -> CliRun {
    let mut args = vec!["portal", "sync", "--format", "json"];
    args.extend_from_slice(extra);
    let output = db
        .command(&args)
        .env("ISJ_PORTAL_URL", &portal.url)
        .env("ISJ_PORTAL_PACE_MS", "50")
        .env("ISJ_PORTAL_TIMEOUT", "1")
        .env("ISJ_PORTAL_RETRIES", retries)
        .output()
        .expect("run");
    CliRun::from(output)
}

const SCHOOL: &str = "2061103288";

/// A case added by hand (stage Fond) for the sample's school, with a hearing typed in
/// without time or panel.
async fn tracked_case(db: &TestDb, court: &str, number: &str, hand_hearing: Option<&str>) -> i32 {
    tracked_case_on(
        db,
        &isj_tracker::clock::SystemClock,
        court,
        number,
        hand_hearing,
    )
    .await
}

/// The same, added at the clock's time.
async fn tracked_case_on(
    db: &TestDb,
    clock: &dyn isj_tracker::clock::Clock,
    court: &str,
    number: &str,
    hand_hearing: Option<&str>,
) -> i32 {
    let connection = db.connect().await;
    let ctx = Ctx {
        db: &connection,
        clock,
        timezone: chrono_tz::Europe::Bucharest,
        register: None,
    };
    let new = app::cases::NewCase {
        court: court.into(),
        number: number.into(),
        facts: CaseFacts {
            stage: Some("Fond".into()),
            next_hearing: hand_hearing.map(|d| d.parse().expect("date")),
            ..Default::default()
        },
        schools: vec![(SCHOOL.into(), Some("pârât".into()))],
    };
    app::cases::create(ctx, &Actor::CommandLine, new)
        .await
        .expect("case created")
}

async fn count(db: &TestDb, sql: &str) -> i64 {
    db.scalar(sql).await
}

async fn portal_audits(db: &TestDb, case: i32) -> i64 {
    count(
        db,
        &format!(
            "SELECT COUNT(*) FROM change_log WHERE case_id = {case} AND actor = 'sistem (portal.just.ro)'"
        ),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sync_records_hearings_outcomes_and_stage_once() {
    let app = spawn_app().await;
    assert_eq!(app.db.import(&hd_csv(), &[]).status, 0);
    // A coming hearing, 40 days from today (server and commands run on the real clock).
    let coming = day_from_today(40);
    let coming_ro = (today() + chrono::Duration::days(40))
        .format("%d.%m.%Y")
        .to_string();
    let case = tracked_case(&app.db, SAMPLE_COURT, SAMPLE_NUMBER, Some(&coming)).await;
    let portal = FakePortal::start().await;
    let future = hearing_xml(&coming, "10:0", "C5", "");
    portal.answer(
        SAMPLE_NUMBER,
        vec![Answer::Ok(envelope(&[
            // The same number at another court comes back too; it is not this case.
            dosar(SAMPLE_NUMBER, "TribunalulBUCURESTI", "Fond", ""),
            dosar(SAMPLE_NUMBER, SAMPLE_COURT, "Recurs", &future),
        ]))],
    );

    // A dry run asks and reports, and writes nothing.
    let dry = sync(&app.db, &portal, &["--dry-run"], "0");
    assert_eq!(dry.status, 0, "{}", dry.stderr);
    assert_eq!(dry.count("new_hearings"), 2);
    assert_eq!(
        count(
            &app.db,
            &format!("SELECT COUNT(*) FROM hearing WHERE case_id = {case}")
        )
        .await,
        1
    );
    assert_eq!(portal_audits(&app.db, case).await, 0);

    let first = sync(&app.db, &portal, &[], "0");
    assert_eq!(first.status, 0, "{}", first.stderr);
    let summary = first.json();
    assert_eq!(summary["checked"], 1);
    assert_eq!(summary["changed"], 1);
    assert_eq!(summary["new_hearings"], 2, "{summary}");
    assert_eq!(
        summary["updated_hearings"], 1,
        "the hand-typed hearing is confirmed"
    );
    let changes: Vec<String> = summary["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["change"].as_str().unwrap().to_string())
        .collect();
    assert!(
        changes.contains(&"stadiu procesual: Fond → Recurs".to_string()),
        "{changes:?}"
    );
    assert!(changes.iter().any(|c| c.starts_with(&format!(
        "termen confirmat de portal: {coming_ro} ora 10:00, complet C5"
    ))));
    assert!(
        changes
            .iter()
            .any(|c| c.starts_with("termen nou: 05.12.2019"))
    );
    assert_eq!(summary["changes"][0]["case"], SAMPLE_NUMBER);
    assert_eq!(summary["changes"][0]["court"], SAMPLE_COURT);
    assert_eq!(
        count(
            &app.db,
            &format!("SELECT COUNT(*) FROM hearing WHERE case_id = {case}")
        )
        .await,
        3
    );
    assert_eq!(
        count(&app.db, &format!("SELECT COUNT(*) FROM hearing WHERE case_id = {case} AND time = '10:00' AND panel = 'C5' AND source = 'portal'")).await,
        1
    );
    // One change of the case's facts (stage, category, object together) and one per hearing.
    let recorded = 1
        + summary["new_hearings"].as_i64().unwrap_or_default()
        + summary["updated_hearings"].as_i64().unwrap_or_default();
    assert_eq!(portal_audits(&app.db, case).await, recorded);

    // The same answer again changes nothing.
    let again = sync(&app.db, &portal, &[], "0").json();
    assert_eq!(
        (again["changed"].as_u64(), again["unchanged"].as_u64()),
        (Some(0), Some(1))
    );
    assert_eq!(
        (
            again["new_hearings"].as_u64(),
            again["updated_hearings"].as_u64()
        ),
        (Some(0), Some(0))
    );
    assert_eq!(portal_audits(&app.db, case).await, recorded);

    // An outcome filled in later lands on the same hearing.
    let ruled = hearing_xml(&coming, "10:00", "C5", "Amână pronunţarea");
    portal.answer(
        SAMPLE_NUMBER,
        vec![Answer::Ok(envelope(&[dosar(
            SAMPLE_NUMBER,
            SAMPLE_COURT,
            "Recurs",
            &ruled,
        )]))],
    );
    let third = sync(&app.db, &portal, &[], "0").json();
    assert_eq!(third["updated_hearings"], 1);
    assert_eq!(
        third["changes"][0]["change"],
        format!("soluție la termenul din {coming_ro} ora 10:00, complet C5: Amână pronunţarea")
    );
    assert_eq!(
        count(&app.db, &format!("SELECT COUNT(*) FROM hearing WHERE case_id = {case} AND outcome = 'Amână pronunţarea'")).await,
        2,
        "the sample's own hearing and the new one"
    );

    // The requests were the ones the real service needs, paced.
    portal.assert_no_refusals();
    let seen = portal.seen();
    assert!(
        seen.iter()
            .all(|s| s.number.as_deref() == Some(SAMPLE_NUMBER)
                && s.court.as_deref() == Some(SAMPLE_COURT)
                && s.party.is_none())
    );

    // The case page says when it was checked and what the portal said.
    let (_, page) = app.get_text(&format!("/cases/{case}")).await;
    assert!(
        page.contains("Verificat la") && page.contains("Găsit: Recurs, 3 termene"),
        "{page}"
    );
    let (_, history) = app.get_text(&format!("/cases/{case}")).await;
    assert!(history.contains("Sincronizarea cu portal.just.ro a adăugat termenul"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_answer_writes_nothing_and_sets_the_exit_status() {
    let db = TestDb::new().await;
    assert_eq!(db.import(&hd_csv(), &[]).status, 0);
    let good = tracked_case(&db, "TribunalulHUNEDOARA", "100/97/2026", None).await;
    let bad = tracked_case(&db, "TribunalulHUNEDOARA", "200/97/2026", None).await;
    // At the High Court: never asked.
    tracked_case(&db, "ICCJ", "300/1/2026", None).await;
    let portal = FakePortal::start().await;
    portal.answer(
        "100/97/2026",
        vec![Answer::Ok(envelope(&[dosar(
            "100/97/2026",
            "TribunalulHUNEDOARA",
            "Fond",
            "",
        )]))],
    );
    let bad_number = "200/97/2026";
    let found_bad = envelope(&[dosar(bad_number, "TribunalulHUNEDOARA", "Apel", "")]);
    let fault = "<?xml version=\"1.0\" encoding=\"utf-8\"?><soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body><soap:Fault><faultcode>soap:Server</faultcode><faultstring>Server was unable to process request. ---&gt; Timeout expired.</faultstring></soap:Fault></soap:Body></soap:Envelope>";
    let bomb = format!(
        "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\"><!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">]>{}",
        envelope(&["<Dosar><numar>&lol2;</numar></Dosar>".to_string()])
    );
    let oversized = envelope(&[dosar(
        bad_number,
        "TribunalulHUNEDOARA",
        "Apel",
        &hearing_xml("2027-02-01", "09:00", &"X".repeat(11 * 1024 * 1024), ""),
    )]);
    let failures = [
        (
            "maintenance page",
            Answer::Ok("<html><body><h1>Portal în mentenanță</h1></body></html>".into()),
            "mentenanță",
        ),
        (
            "SOAP fault",
            Answer::Status(500, fault.into()),
            "Timeout expired",
        ),
        (
            "HTTP 500",
            Answer::Status(500, "Internal Server Error".into()),
            "HTTP 500",
        ),
        ("HTTP 503", Answer::Status(503, String::new()), "HTTP 503"),
        (
            "slow",
            Answer::Slow(Duration::from_secs(3), found_bad.clone()),
            "nu a răspuns",
        ),
        (
            "malformed",
            Answer::Ok(found_bad[..found_bad.len() / 2].to_string()),
            "XML invalid",
        ),
        ("oversized", Answer::Ok(oversized), "depășește 10 MiB"),
        ("entity bomb", Answer::Ok(bomb), "DTD"),
    ];
    for (what, answer, says) in failures {
        portal.answer(bad_number, vec![answer]);
        let run = sync(&db, &portal, &[], "0");
        assert_eq!(run.status, 3, "{what}: {}{}", run.stdout, run.stderr);
        let summary = run.json();
        assert_eq!(
            summary["checked"], 2,
            "{what}: the High Court case is not asked"
        );
        assert_eq!(summary["failed"], 1, "{what}");
        assert_eq!(summary["errors"][0]["case"], bad_number, "{what}");
        let error = summary["errors"][0]["error"].as_str().unwrap();
        assert!(error.contains(says), "{what}: {error}");
        assert_eq!(
            count(
                &db,
                &format!("SELECT COUNT(*) FROM hearing WHERE case_id = {bad}")
            )
            .await,
            0,
            "{what}"
        );
        assert_eq!(portal_audits(&db, bad).await, 0, "{what}");
        assert_eq!(
            count(&db, &format!("SELECT COUNT(*) FROM court_case WHERE id = {bad} AND stage = 'Fond' AND portal_state = 'failed'")).await,
            1,
            "{what}: the case keeps its data, the failure is recorded"
        );
    }
    assert_eq!(
        count(
            &db,
            &format!("SELECT COUNT(*) FROM hearing WHERE case_id = {good}")
        )
        .await,
        2
    );

    // A failure that passes is retried in the same run.
    portal.answer(
        bad_number,
        vec![
            Answer::Status(500, String::new()),
            Answer::Ok(found_bad.clone()),
        ],
    );
    let retried = sync(&db, &portal, &[], "1");
    assert_eq!(retried.status, 0, "{}", retried.stdout);
    assert_eq!(retried.json()["failed"], 0);
    assert_eq!(
        count(
            &db,
            &format!("SELECT COUNT(*) FROM court_case WHERE id = {bad} AND stage = 'Apel'")
        )
        .await,
        1
    );

    // None answered: exit 1.
    portal.answer("100/97/2026", vec![Answer::Status(502, String::new())]);
    portal.answer(bad_number, vec![Answer::Status(502, String::new())]);
    let before = portal.seen().len();
    assert_eq!(sync(&db, &portal, &[], "0").status, 1);
    portal.assert_no_refusals();
    let seen = portal.seen();
    assert!(
        seen.iter()
            .all(|s| s.number.as_deref() != Some("300/1/2026"))
    );
    // Within a run, requests keep the pace (50 ms here).
    let last_run: Vec<Instant> = seen[before..].iter().map(|s| s.at).collect();
    assert_eq!(last_run.len(), 2);
    assert!(last_run[1] - last_run[0] >= Duration::from_millis(45));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_case_the_portal_does_not_find_is_flagged_after_three_runs_never_closed() {
    let app = spawn_app().await;
    assert_eq!(app.db.import(&hd_csv(), &[]).status, 0);
    let case = tracked_case(&app.db, "TribunalulHUNEDOARA", "400/97/2026", None).await;
    let portal = FakePortal::start().await;
    for run in 1..=4 {
        let result = sync(&app.db, &portal, &[], "0");
        assert_eq!(result.status, 0, "a real empty answer is an answer");
        let summary = result.json();
        assert_eq!(summary["not_found"], 1);
        let flagged = summary["changes"].as_array().unwrap().len();
        assert_eq!(
            flagged,
            usize::from(run == 3),
            "run {run}: flagged once, at the third"
        );
    }
    assert_eq!(
        count(&app.db, &format!("SELECT COUNT(*) FROM court_case WHERE id = {case} AND status = 'active' AND portal_misses = 4")).await,
        1
    );
    let (_, page) = app.get_text(&format!("/cases/{case}")).await;
    assert!(page.contains("negăsit pe portal"), "{page}");
    assert!(page.contains("Negăsit pe portal (4 verificări la rând)"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discovery_suggests_only_the_schools_own_cases_and_remembers_dismissals() {
    let app = spawn_app().await;
    assert_eq!(app.db.import(&hd_csv(), &[]).status, 0);
    let portal = FakePortal::start().await;
    // The school as the portal writes it: cedilla, no quotes; the query must be the same.
    let query = "ŞCOALA GIMNAZIALĂ SFÂNTA VARVARA ANINOASA";
    let party = |name: &str, role: &str, dosar: String| {
        dosar.replace(
            "<nume>DIRECŢIA GENERALĂ IMPOZITE ŞI TAXE LOCALE SECTOR 3 PRIN PRIMAR</nume>\n\t\t\t\t\t\t\t<calitateParte>Intimat Pârât</calitateParte>",
            &format!("<nume>{name}</nume><calitateParte>{role}</calitateParte>"),
        )
    };
    let own = party(
        query,
        "Pârât",
        dosar("501/97/2026", "TribunalulHUNEDOARA", "Fond", ""),
    );
    let second = party(
        "Şcoala Gimnazială Sfânta Varvara Aninoasa",
        "Intimat",
        dosar("502/97/2026", "TribunalulHUNEDOARA", "Apel", ""),
    );
    let namesake = party(
        "ŞCOALA GIMNAZIALĂ NR. 2 ANINOASA",
        "Pârât",
        dosar("503/97/2026", "TribunalulHUNEDOARA", "Fond", ""),
    );
    portal.answer(
        &format!("{query}@TribunalulHUNEDOARA"),
        vec![Answer::Ok(envelope(&[own, second, namesake]))],
    );
    let discover = || {
        CliRun::from(
            app.db
                .command(&["portal", "discover", "--school", SCHOOL, "--format", "json"])
                .env("ISJ_PORTAL_URL", &portal.url)
                .env("ISJ_PORTAL_PACE_MS", "0")
                .output()
                .expect("run"),
        )
    };
    let first = discover();
    assert_eq!(first.status, 0, "{}{}", first.stdout, first.stderr);
    assert_eq!(
        first.count("asked"),
        8,
        "the county's courts and its court of appeal"
    );
    assert_eq!(first.count("suggested"), 2, "{}", first.stdout);
    portal.assert_no_refusals();
    let seen = portal.seen();
    assert!(
        seen.iter().all(|s| s.party.as_deref() == Some(query)),
        "{seen:?}"
    );
    assert!(
        seen.iter()
            .any(|s| s.court.as_deref() == Some("CurteadeApelALBAIULIA"))
    );

    // No natural person's name is kept.
    assert_eq!(
        count(&app.db, "SELECT COUNT(*) FROM portal_suggestion WHERE role LIKE '%NUME%' OR object LIKE '%NUME%' OR hearings LIKE '%NUME PRENUME%' OR hearings LIKE '%Respinge cererea%'").await,
        0
    );
    let (_, page) = app.get_text("/cases/suggestions").await;
    assert!(page.contains("501/97/2026") && page.contains("502/97/2026"));
    assert!(
        !page.contains("503/97/2026"),
        "a namesake is not the school"
    );

    let csrf = app.csrf_of(&app.client).await;
    let id_of =
        |number: &str| format!("SELECT id FROM portal_suggestion WHERE number = '{number}'");
    let accept = count(&app.db, &id_of("501/97/2026")).await;
    let dismiss = count(&app.db, &id_of("502/97/2026")).await;
    let accepted = app
        .client
        .post(app.url(&format!("/cases/suggestions/{accept}/accept")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), 303);
    let case = count(
        &app.db,
        "SELECT id FROM court_case WHERE number = '501/97/2026'",
    )
    .await;
    assert_eq!(
        accepted.headers()["location"].to_str().unwrap(),
        format!("/cases/{case}")
    );
    assert_eq!(
        count(
            &app.db,
            &format!("SELECT COUNT(*) FROM hearing WHERE case_id = {case} AND source = 'portal'")
        )
        .await,
        2
    );
    assert_eq!(
        count(&app.db, &format!("SELECT COUNT(*) FROM case_school WHERE case_id = {case} AND school_code = '{SCHOOL}' AND role = 'Pârât'")).await,
        1
    );
    let dismissed = app
        .client
        .post(app.url(&format!("/cases/suggestions/{dismiss}/dismiss")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(dismissed.status(), 303);

    // The next run suggests neither again.
    let again = discover();
    assert_eq!(again.count("suggested"), 0);
    let (_, page) = app.get_text("/cases/suggestions").await;
    assert!(page.contains("Nicio sugestie deschisă"));
    assert_eq!(
        count(
            &app.db,
            "SELECT COUNT(*) FROM court_case WHERE number = '502/97/2026'"
        )
        .await,
        0
    );
}

async fn run_at(
    db: &sea_orm::DatabaseConnection,
    portal: &app::portal::Portal<'_>,
    when: &str,
) -> Option<isj_tracker::domain::portal::SyncSummary> {
    let clock = FixedClock(at(when));
    let ctx = Ctx {
        db,
        clock: &clock,
        timezone: chrono_tz::Europe::Bucharest,
        register: None,
    };
    app::portal::run_if_due(ctx, portal, "HD").await.unwrap()
}

fn at(text: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(text).unwrap().to_utc()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_daily_run_is_off_until_turned_on_then_once_a_working_day_and_in_the_digest() {
    // Everything happens on fixed days of late 2026, the set-up the Monday before.
    let monday: std::sync::Arc<dyn isj_tracker::clock::Clock> =
        std::sync::Arc::new(FixedClock(at("2026-11-30T10:00:00+02:00")));
    let db = TestDb::new().await;
    let schools = hd_csv().to_string_lossy().into_owned();
    assert_eq!(
        db.cli_on(&monday, &["import", "schools", &schools]).await,
        0
    );
    tracked_case_on(
        &db,
        monday.as_ref(),
        "TribunalulHUNEDOARA",
        "600/97/2026",
        None,
    )
    .await;
    let fake = FakePortal::start().await;
    fake.answer(
        "600/97/2026",
        vec![Answer::Ok(envelope(&[dosar(
            "600/97/2026",
            "TribunalulHUNEDOARA",
            "Fond",
            &hearing_xml("2026-12-09", "09:00", "C1", ""),
        )]))],
    );
    let config = isj_tracker::config::PortalConfig {
        url: fake.url.clone(),
        timeout: 2,
        pace_ms: 0,
        retries: 0,
    };
    let client = isj_tracker::portal::Client::new(&config).unwrap();
    let portal = app::portal::Portal {
        client: &client,
        config: &config,
    };
    let connection = db.connect().await;
    // Tuesday 1 December 2026 is a public holiday; Wednesday the 2nd is a working day.
    let morning = "2026-12-02T06:45:00+02:00";
    assert!(
        run_at(&connection, &portal, morning).await.is_none(),
        "off until turned on"
    );
    let clock = FixedClock(at(morning));
    let ctx = Ctx {
        db: &connection,
        clock: &clock,
        timezone: chrono_tz::Europe::Bucharest,
        register: None,
    };
    app::portal::set_enabled(ctx, &Actor::Staff("juridic@isj.test".into()), true)
        .await
        .unwrap();
    let early = run_at(&connection, &portal, "2026-12-02T06:29:00+02:00").await;
    assert!(early.is_none(), "not before 06:30");
    let holiday = run_at(&connection, &portal, "2026-12-01T07:00:00+02:00").await;
    assert!(holiday.is_none(), "not on a holiday");
    let summary = run_at(&connection, &portal, morning).await.expect("due");
    assert_eq!(
        summary.new_hearings, 3,
        "the sample's two and the coming one"
    );
    let later = run_at(&connection, &portal, "2026-12-02T09:00:00+02:00").await;
    assert!(later.is_none(), "once a day");

    // The legal department's digest that morning names the new hearing.
    let nine = FixedClock(at("2026-12-02T09:00:00+02:00"));
    let ctx = Ctx {
        db: &connection,
        clock: &nine,
        timezone: chrono_tz::Europe::Bucharest,
        register: None,
    };
    assert!(
        app::hearing_digest::queue_if_due(ctx, "juridic@isj.test", "ISJ Hunedoara", "isj.test")
            .await
            .unwrap()
    );
    let body: String = {
        let row = sea_orm::ConnectionTrait::query_one_raw(
            &connection,
            sea_orm::Statement::from_string(
                connection.get_database_backend(),
                "SELECT body_text FROM outbox WHERE kind = 'hearings'".to_string(),
            ),
        )
        .await
        .unwrap()
        .unwrap();
        row.try_get_by_index(0).unwrap()
    };
    assert!(
        body.contains("09.12.2026 ora 09:00 — dosar 600/97/2026"),
        "{body}"
    );
    assert!(
        body.contains(
            "Sincronizarea cu portal.just.ro a adăugat termenul din 09.12.2026 09:00, complet C1"
        ),
        "{body}"
    );
}

/// Every court the service's WSDL lists (kept in `tests/data`, origin in its ORIGIN.md) is a
/// court the register knows, under the same code.
#[test]
fn every_court_of_the_wsdl_is_known() {
    let wsdl = std::fs::read_to_string(test_data("portal-just/query-asmx-wsdl-2018.xml"))
        .expect("the WSDL");
    let start = wsdl
        .find("<s:simpleType name=\"Institutie\">")
        .expect("the Institutie type");
    let end = start + wsdl[start..].find("</s:simpleType>").expect("its end");
    let codes: Vec<&str> = wsdl[start..end]
        .split("<s:enumeration value=\"")
        .skip(1)
        .filter_map(|part| part.split('"').next())
        .collect();
    assert_eq!(codes.len(), 246, "the WSDL lists 246 courts");
    let unknown: Vec<&str> = codes
        .iter()
        .copied()
        .filter(|code| isj_tracker::domain::courts::find(code).map(|c| c.code) != Some(*code))
        .collect();
    assert!(unknown.is_empty(), "unknown courts: {unknown:?}");
}

/// A server that only counts what reaches it (the address a redirect points to).
async fn elsewhere() -> (String, Arc<std::sync::atomic::AtomicUsize>) {
    let hits = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = hits.clone();
    let router = axum::Router::new().fallback(move || {
        let counted = counted.clone();
        async move {
            counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            "elsewhere"
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(async move {
        axum::serve(listener, router).await.expect("elsewhere");
    });
    (address, hits)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirect_is_never_followed_and_fails_the_case() {
    let db = TestDb::new().await;
    assert_eq!(db.import(&hd_csv(), &[]).status, 0);
    let portal = FakePortal::start().await;
    let (target, hits) = elsewhere().await;
    for (n, code) in [301u16, 302, 307, 308].into_iter().enumerate() {
        let number = format!("{}/97/2026", 900 + n);
        tracked_case(&db, "TribunalulHUNEDOARA", &number, None).await;
        // Among the addresses: the service's own loopback-only /metrics.
        let location = format!("{target}/metrics");
        portal.answer(&number, vec![Answer::Redirect(code, location)]);
    }
    let run = sync(&db, &portal, &[], "2");
    assert_eq!(run.status, 1, "none could be checked: {}", run.stdout);
    let summary = run.json();
    assert_eq!(summary["failed"], 4);
    let errors = summary["errors"].to_string();
    for code in [301, 302, 307, 308] {
        assert!(errors.contains(&format!("HTTP {code}")), "{errors}");
    }
    assert!(errors.contains("redirecționările nu sunt urmate"));
    assert_eq!(
        hits.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "nothing reached the other address"
    );
    assert_eq!(
        portal.seen().len(),
        4,
        "a redirect is not a passing failure: no retry"
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM hearing").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_answer_adds_at_most_a_hundred_hearings_to_a_case() {
    let db = TestDb::new().await;
    assert_eq!(db.import(&hd_csv(), &[]).status, 0);
    let case = tracked_case(&db, "TribunalulHUNEDOARA", "950/97/2026", None).await;
    let portal = FakePortal::start().await;
    let start = chrono::NaiveDate::from_ymd_opt(2027, 1, 4).expect("day");
    let many: String = (0..150)
        .map(|i| {
            let on = start + chrono::Duration::days(i);
            hearing_xml(&on.format("%Y-%m-%d").to_string(), "09:00", "C1", "")
        })
        .collect();
    portal.answer(
        "950/97/2026",
        vec![Answer::Ok(envelope(&[dosar(
            "950/97/2026",
            "TribunalulHUNEDOARA",
            "Fond",
            &many,
        )]))],
    );
    let summary = sync(&db, &portal, &[], "0").json();
    let stored = count(
        &db,
        &format!("SELECT COUNT(*) FROM hearing WHERE case_id = {case}"),
    )
    .await;
    // The sample's own two hearings are older than the 150 and stay beyond the cap's soonest.
    assert_eq!(stored, 100, "{summary}");
    assert!(
        summary["errors"]
            .to_string()
            .contains("celelalte 52 au fost refuzate"),
        "{summary}"
    );
    let last = count(
        &db,
        &format!("SELECT COUNT(*) FROM hearing WHERE case_id = {case} AND on_date > '2027-04-12'"),
    )
    .await;
    assert_eq!(last, 0, "the soonest are kept");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discovery_narrows_a_cut_answer_and_reports_a_day_it_cannot_narrow() {
    let app = spawn_app().await;
    assert_eq!(app.db.import(&hd_csv(), &[]).status, 0);
    let portal = FakePortal::start().await;
    let query = "ŞCOALA GIMNAZIALĂ SFÂNTA VARVARA ANINOASA";
    let own = |number: &str| {
        dosar(number, "TribunalulHUNEDOARA", "Fond", "").replace(
            "<nume>DIRECŢIA GENERALĂ IMPOZITE ŞI TAXE LOCALE SECTOR 3 PRIN PRIMAR</nume>",
            &format!("<nume>{query}</nume>"),
        )
    };
    // 1,200 cases of the school over two years (more than the cut), then 1,000 on one day.
    let first = chrono::NaiveDate::from_ymd_opt(2023, 1, 1).expect("day");
    let mut registry: Vec<(chrono::NaiveDate, String)> = (0..1200)
        .map(|i| {
            (
                first + chrono::Duration::days(i % 700),
                own(&format!("{}/97/2023", 5000 + i)),
            )
        })
        .collect();
    let busy = chrono::NaiveDate::from_ymd_opt(2025, 6, 2).expect("day");
    registry.extend((0..1000).map(|i| (busy, own(&format!("{}/97/2025", 9000 + i)))));
    portal.answer(
        &format!("{query}@TribunalulHUNEDOARA"),
        vec![Answer::Registry(registry)],
    );
    let run = CliRun::from(
        app.db
            .command(&[
                "portal",
                "discover",
                "--school",
                SCHOOL,
                "--court",
                "TribunalulHUNEDOARA",
                "--format",
                "json",
            ])
            .env("ISJ_PORTAL_URL", &portal.url)
            .env("ISJ_PORTAL_PACE_MS", "0")
            .output()
            .expect("run"),
    );
    let summary = run.json();
    assert_eq!(
        summary["suggested"], 2200,
        "every case, none lost to the cut: {}",
        run.stderr
    );
    assert!(summary["asked"].as_u64().unwrap_or_default() > 2);
    assert_eq!(summary["failed"], 1, "the one day still full is reported");
    assert!(
        summary["errors"]
            .to_string()
            .contains("2025-06-02–2025-06-02"),
        "{summary}"
    );
    assert_eq!(run.status, 3, "a part is missing: not a complete run");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_inspectorate_itself_is_searched_and_its_case_is_accepted_for_a_chosen_school() {
    let app = spawn_app().await;
    assert_eq!(app.db.import(&hd_csv(), &[]).status, 0);
    let portal = FakePortal::start().await;
    let isj = "Inspectoratul Şcolar Judeţean Hunedoara";
    let sued = dosar("777/97/2026", "TribunalulHUNEDOARA", "Fond", "").replace(
        "<nume>DIRECŢIA GENERALĂ IMPOZITE ŞI TAXE LOCALE SECTOR 3 PRIN PRIMAR</nume>\n\t\t\t\t\t\t\t<calitateParte>Intimat Pârât</calitateParte>",
        "<nume>INSPECTORATUL ŞCOLAR JUDEŢEAN HUNEDOARA</nume><calitateParte>Pârât</calitateParte>",
    );
    portal.answer(
        &format!("{isj}@TribunalulHUNEDOARA"),
        vec![Answer::Ok(envelope(&[sued]))],
    );
    let run = CliRun::from(
        app.db
            .command(&[
                "portal",
                "discover",
                "--court",
                "TribunalulHUNEDOARA",
                "--format",
                "json",
            ])
            .env("ISJ_PORTAL_URL", &portal.url)
            .env("ISJ_PORTAL_PACE_MS", "0")
            .output()
            .expect("run"),
    );
    assert_eq!(run.count("suggested"), 1, "{}", run.stdout);
    assert!(
        portal
            .seen()
            .iter()
            .any(|s| s.party.as_deref() == Some(isj)),
        "the inspectorate asked for by its own name"
    );
    let (_, page) = app.get_text("/cases/suggestions").await;
    assert!(page.contains("Inspectoratul (parte în dosar)") && page.contains("Unitatea vizată"));
    let id = app.db.scalar("SELECT id FROM portal_suggestion").await;
    let refused = app
        .post(&format!("/cases/suggestions/{id}/accept"), &[])
        .await;
    assert_eq!(refused.status(), 303);
    assert_eq!(
        app.db.scalar("SELECT COUNT(*) FROM court_case").await,
        0,
        "a school is needed"
    );
    app.post(
        &format!("/cases/suggestions/{id}/accept"),
        &[("school", SCHOOL)],
    )
    .await;
    assert_eq!(
        app.db
            .scalar(&format!(
                "SELECT COUNT(*) FROM case_school WHERE school_code = '{SCHOOL}'"
            ))
            .await,
        1
    );
}
