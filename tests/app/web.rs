//! The web pages over real HTTP: search with and without diacritics, filters, the school
//! page, the upload → preview → apply flow, refusals and limits.

use reqwest::multipart::{Form, Part};

use super::helpers::*;

async fn app_with_hunedoara() -> TestApp {
    let app = spawn_app().await;
    assert_eq!(app.db.import(&hd_csv(), &[]).status, 0);
    app
}

fn found(body: &str) -> u64 {
    let marker = " unități găsite";
    let end = body
        .find(marker)
        .unwrap_or_else(|| panic!("no count in page"));
    let start = body[..end].rfind('>').map_or(0, |i| i + 1);
    body[start..end]
        .replace('.', "")
        .trim()
        .parse()
        .expect("count")
}

#[tokio::test]
async fn search_ignores_diacritics_and_case() {
    let app = app_with_hunedoara().await;
    let (status, body) = app.get_text("/schools?q=hateg").await;
    assert_eq!(status, 200);
    assert!(body.contains("HAȚEG") || body.contains("HAŢEG"));
    let plain = found(&body);
    assert!(plain >= 2, "{plain}");
    for query in ["HA%C5%A2EG", "Ha%C8%9Beg", "  hateg  "] {
        let (_, body) = app.get_text(&format!("/schools?q={query}")).await;
        assert_eq!(found(&body), plain, "{query}");
    }
    let (_, body) = app.get_text("/schools?q=liceul%20hateg").await;
    assert!(found(&body) >= 1 && found(&body) < plain);
    let (_, body) = app.get_text("/schools?q=nu-exista-asa-ceva").await;
    assert_eq!(found(&body), 0);
}

#[tokio::test]
async fn filters_and_pagination() {
    let app = app_with_hunedoara().await;
    let (_, all) = app.get_text("/schools").await;
    assert_eq!(found(&all), 256);
    assert!(all.contains("Pagina 1 din 6"));
    let (_, pj) = app.get_text("/schools?status=PJ").await;
    assert_eq!(found(&pj), 129);
    let (_, ar) = app.get_text("/schools?status=ar").await;
    assert_eq!(found(&ar), 127);
    let (_, rural) = app.get_text("/schools?area=RURAL&status=PJ").await;
    let (_, urban) = app.get_text("/schools?area=URBAN&status=PJ").await;
    assert_eq!(found(&rural) + found(&urban), 129);
    let (_, deva) = app.get_text("/schools?locality=DEVA").await;
    assert!(found(&deva) > 10 && found(&deva) < 256);
    let (_, inactive) = app.get_text("/schools?active=inactiv").await;
    assert_eq!(found(&inactive), 0);
    let (_, last) = app.get_text("/schools?page=6").await;
    assert!(last.contains("Pagina 6 din 6") && last.contains("rel=\"prev\""));
    let (status, _) = app.get_text("/schools?page=abc&area=<script>").await;
    assert_eq!(status, 200, "bad filter values fall back to no filter");
}

#[tokio::test]
async fn school_page_shows_units_and_parent() {
    let app = app_with_hunedoara().await;
    let (status, pj) = app.get_text("/schools/2061103288").await;
    assert_eq!(status, 200);
    assert!(
        pj.contains("GRĂDINIȚA CU PROGRAM NORMAL ISCRONI"),
        "attached unit listed"
    );
    assert!(pj.contains("sclaninoasa@yahoo.com"));
    let (_, ar) = app.get_text("/schools/2062102079").await;
    assert!(
        ar.contains("href=\"/schools/2061103288\""),
        "link to its PJ"
    );
    assert_eq!(app.get_text("/schools/9999999999").await.0, 404);
    assert_eq!(app.get_text("/schools/abc").await.0, 404);
    assert_eq!(app.get_text("/nu-exista").await.0, 404);
}

fn upload_form(name: &str, bytes: Vec<u8>, county: &str, csrf: &str) -> Form {
    Form::new()
        .text("csrf", csrf.to_string())
        .part("file", Part::bytes(bytes).file_name(name.to_string()))
        .text("county", county.to_string())
}

#[tokio::test]
async fn upload_preview_then_apply_once() {
    let app = spawn_app().await;
    let bytes = std::fs::read(test_data("hd-sample.xlsx")).expect("sample");
    let csrf = app.csrf_of(&app.client).await;
    let response = app
        .client
        .post(format!("{}/imports", app.address))
        .multipart(upload_form("retea.xlsx", bytes, "hd", &csrf))
        .send()
        .await
        .expect("upload");
    assert_eq!(response.status(), 200);
    let preview = response.text().await.expect("body");
    assert!(preview.contains("Aplică importul"));
    assert_eq!(
        app.db.scalar("SELECT COUNT(*) FROM school").await,
        0,
        "preview writes nothing"
    );
    let action = preview
        .split("action=\"")
        .filter_map(|s| s.split('"').next())
        .find(|a| a.ends_with("/apply"))
        .expect("apply form")
        .to_string();
    assert!(action.starts_with("/imports/") && action.ends_with("/apply"));

    let applied = app
        .client
        .post(format!("{}{action}", app.address))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .expect("apply");
    assert_eq!(applied.status(), 303);
    let location = applied.headers()["location"]
        .to_str()
        .expect("location")
        .to_string();
    assert!(location.starts_with("/imports/batch/"));
    assert_eq!(app.db.scalar("SELECT COUNT(*) FROM school").await, 30);
    let page = app
        .client
        .get(format!("{}{location}", app.address))
        .send()
        .await
        .expect("batch page");
    assert!(
        page.headers()
            .get_all("set-cookie")
            .iter()
            .any(|c| c.to_str().unwrap_or("").contains("Max-Age=0"))
    );
    let body = page.text().await.expect("body");
    assert!(
        body.contains("Import aplicat (rețea școlară): 30 noi"),
        "flash shown"
    );

    let again = app
        .client
        .post(format!("{}{action}", app.address))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .expect("apply again");
    assert_eq!(again.headers()["location"], "/imports");
    assert_eq!(
        app.db.scalar("SELECT COUNT(*) FROM import_batch").await,
        1,
        "an upload applies once"
    );
    let (_, history) = app.get_text("/imports").await;
    assert!(history.contains("retea.xlsx"));
}

#[tokio::test]
async fn refused_and_oversized_uploads() {
    let app = spawn_app().await;
    let pdf = b"%PDF-1.4 not a spreadsheet".to_vec();
    let csrf = app.csrf_of(&app.client).await;
    let response = app
        .client
        .post(format!("{}/imports", app.address))
        .multipart(upload_form("x.xlsx", pdf, "", &csrf))
        .send()
        .await
        .expect("upload");
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .expect("body")
            .contains("Fișier refuzat")
    );

    let big = vec![b'a'; 21 * 1024 * 1024];
    let response = app
        .client
        .post(format!("{}/imports", app.address))
        .multipart(upload_form("big.csv", big, "", &csrf))
        .send()
        .await
        .expect("upload");
    assert_eq!(response.status(), 413);
    assert_eq!(app.db.scalar("SELECT COUNT(*) FROM school").await, 0);
}

#[tokio::test]
async fn health_and_headers() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(format!("{}/health", app.address))
        .send()
        .await
        .expect("health");
    assert_eq!(response.status(), 200);
    let response = app
        .client
        .get(format!("{}/schools", app.address))
        .send()
        .await
        .expect("page");
    let headers = response.headers();
    assert!(
        headers["content-security-policy"]
            .to_str()
            .unwrap_or("")
            .contains("frame-ancestors 'none'")
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["content-type"], "text/html; charset=utf-8");
}

#[tokio::test]
async fn every_answer_names_its_request() {
    let app = spawn_app().await;
    let mut ids = Vec::new();
    for _ in 0..2 {
        let response = app
            .anonymous
            .get(app.url("/health"))
            .send()
            .await
            .expect("GET");
        let id = response
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .expect("x-request-id");
        assert!(uuid::Uuid::parse_str(&id).is_ok(), "{id}");
        ids.push(id);
    }
    assert_ne!(ids[0], ids[1]);
}

/// The resident memory of this test process (the server runs in it), in KiB.
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// 190 entries of 1 MiB each, every one just under the per-entry ratio check: the archive as
/// a whole is refused before anything is inflated.
#[tokio::test]
async fn many_small_bombs_are_refused_without_inflating_them() {
    use std::io::Write;
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    let mebibyte = vec![b'0'; 1024 * 1024];
    for i in 0..190 {
        writer
            .start_file(format!("xl/worksheets/sheet{i}.xml"), options)
            .expect("entry");
        writer.write_all(&mebibyte).expect("write");
    }
    let bytes = writer.finish().expect("zip").into_inner();
    assert!(bytes.len() < 300 * 1024, "{} bytes", bytes.len());
    let app = spawn_app().await;
    let csrf = app.csrf_of(&app.client).await;
    let before = rss_kib();
    let response = app
        .client
        .post(format!("{}/imports", app.address))
        .multipart(upload_form("bomba.xlsx", bytes, "", &csrf))
        .send()
        .await
        .expect("upload");
    assert_eq!(response.status(), 422);
    let page = response.text().await.expect("body");
    assert!(
        page.contains("Fișier refuzat") && page.contains("raport"),
        "{page}"
    );
    let grown = rss_kib().saturating_sub(before);
    assert!(grown < 32 * 1024, "RSS grew by {grown} KiB");
}

/// Another process holds the write lock past the wait (SQLite's file lock; PostgreSQL's row
/// lock on the change counter, past `lock_timeout`): the answer is 503 with `Retry-After`,
/// not an error page with a 500. Told from the driver's error code, not its message.
#[tokio::test]
async fn a_busy_database_answers_503_with_retry_after() {
    use sea_orm::{ConnectionTrait, TransactionTrait};
    let app = spawn_app().await;
    let csrf = app.csrf_of(&app.client).await;
    let other = app.db.connect().await;
    let hold = if app.db.is_sqlite() {
        other
            .begin_with_options(sea_orm::TransactionOptions {
                sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Exclusive),
                ..Default::default()
            })
            .await
            .expect("exclusive lock")
    } else {
        let hold = other.begin().await.expect("transaction");
        hold.execute_unprepared("SELECT version FROM change_counter FOR UPDATE")
            .await
            .expect("row lock");
        hold
    };
    let response = app
        .client
        .post(app.url("/settings/campaign"))
        .form(&[("csrf", csrf.as_str()), ("deadline", "2100-01-15")])
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), 503);
    assert_eq!(response.headers()["retry-after"], "5");
    hold.rollback().await.expect("release");
}

#[tokio::test]
async fn the_audit_trail_pages_back_by_version() {
    let app = spawn_app().await;
    let connection = app.db.connect().await;
    for n in 0..120 {
        let change = isj_tracker::domain::change::Change::SettingChanged {
            setting: format!("probă {n:03}"),
            before: None,
            after: n.to_string(),
        };
        isj_tracker::db::changes::append(
            &connection,
            chrono::Utc::now(),
            "juridic@isj.test",
            None,
            vec![change],
        )
        .await
        .expect("change");
    }
    let (_, first) = app.get_text("/audit").await;
    assert!(first.contains("setarea „probă 119”") && !first.contains("setarea „probă 069”"));
    let older = |page: &str| {
        let start = page
            .find("/audit?inainte=")
            .expect("a link to older entries");
        page[start..]
            .split('"')
            .next()
            .unwrap_or_default()
            .replace("&amp;", "&")
    };
    let (_, second) = app.get_text(&older(&first)).await;
    assert!(second.contains("setarea „probă 069”") && !second.contains("setarea „probă 070”"));
    assert!(second.contains("Cele mai noi"));
    // By kind of change and by person (their name, or part of their e-mail).
    let (_, settings) = app.get_text("/audit?tip=setari&cine=juridic").await;
    assert!(settings.contains("setarea „probă 119”"));
    let (_, nobody) = app.get_text("/audit?cine=altcineva").await;
    assert!(nobody.contains("Nicio modificare pentru acest filtru"));
}

#[tokio::test]
async fn the_school_page_lists_the_mail_sent_about_the_school() {
    // Set up on 02.11.2026, looked at on 25.11.2026 09:00, three days before the deadline:
    // everything on those fixed clocks (commands in-process).
    let instant = |text: &str| -> std::sync::Arc<dyn isj_tracker::clock::Clock> {
        let at = chrono::DateTime::parse_from_rfc3339(text).expect("instant");
        std::sync::Arc::new(isj_tracker::clock::FixedClock(at.to_utc()))
    };
    let (set_up, looked_at) = (
        instant("2026-11-02T09:00:00+02:00"),
        instant("2026-11-25T09:00:00+02:00"),
    );
    let app = spawn_app_with_clock(looked_at.clone()).await;
    let db = &app.db;
    let schools = hd_csv().to_string_lossy().into_owned();
    assert_eq!(
        db.cli_on(&set_up, &["import", "schools", &schools]).await,
        0
    );
    let school = "2061100733";
    let cases =
        format!("Cod SIIIR;Nr. dosar;Instanța\r\n{school};10/97/2026;Tribunalul Hunedoara\r\n");
    let file = write_file(db, "c.csv", cases.as_bytes());
    let file = file.to_string_lossy().into_owned();
    assert_eq!(db.cli_on(&set_up, &["import", "cases", &file]).await, 0);
    let deadline = ["campaign", "set", "--deadline", "2026-11-28"];
    assert_eq!(db.cli_on(&set_up, &deadline).await, 0);
    assert_eq!(db.cli_on(&looked_at, &["reminders", "run"]).await, 0);
    let about_school = db
        .scalar(&format!(
            "SELECT COUNT(DISTINCT outbox_id) FROM mail_item WHERE school_code = '{school}'"
        ))
        .await;
    assert!(about_school > 0);
    let (_, page) = app.get_text(&format!("/schools/{school}")).await;
    assert!(
        page.contains(&format!("Mesaje trimise ({about_school})")),
        "{page}"
    );
    // Another school's page counts its own mail only.
    let other = "2061100507";
    let about_other = db
        .scalar(&format!(
            "SELECT COUNT(DISTINCT outbox_id) FROM mail_item WHERE school_code = '{other}'"
        ))
        .await;
    let (_, page) = app.get_text(&format!("/schools/{other}")).await;
    if about_other > 0 {
        assert!(page.contains(&format!("Mesaje trimise ({about_other})")));
    } else {
        assert!(!page.contains("Mesaje trimise"));
    }
}

#[tokio::test]
async fn ready_only_with_the_database_at_this_version() {
    let app = spawn_app().await;
    let ready = app
        .anonymous
        .get(app.url("/ready"))
        .send()
        .await
        .expect("ready");
    assert_eq!(ready.status(), 200);
    // A schema one migration behind (an older binary's database): not ready, still alive.
    let connection = app.db.connect().await;
    sea_orm::ConnectionTrait::execute_unprepared(
        &connection,
        "DELETE FROM seaql_migrations WHERE version = (SELECT MAX(version) FROM seaql_migrations)",
    )
    .await
    .expect("forget the newest migration");
    let behind = app
        .anonymous
        .get(app.url("/ready"))
        .send()
        .await
        .expect("ready");
    assert_eq!(behind.status(), 503);
    assert_eq!(behind.text().await.expect("body"), "migrations pending");
    let alive = app
        .anonymous
        .get(app.url("/health"))
        .send()
        .await
        .expect("health");
    assert_eq!(alive.status(), 200);
}
