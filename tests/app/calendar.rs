//! The private calendar feed, read by a real iCalendar library (Python `icalendar`): the
//! events, their local times, UIDs that stay when a hearing changes, and a renewed address
//! that leaves the old one dead.

use super::helpers::*;

const SCHOOL: &str = "2061100733";

fn icalendar_available() -> bool {
    tool_present(
        "/usr/bin/python3",
        &["-c", "import icalendar"],
        "ISJ_REQUIRE_ICALENDAR",
        "python3-icalendar",
    )
}

/// The feed's events as the library reads them: (UID, start, summary), sorted.
fn events(feed: &[u8], dir: &std::path::Path) -> Vec<(String, String, String)> {
    let file = dir.join("feed.ics");
    std::fs::write(&file, feed).expect("feed file");
    let script = "import icalendar, json, sys\n\
        cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())\n\
        out = []\n\
        for e in cal.walk('VEVENT'):\n\
        \x20   start = e.decoded('DTSTART')\n\
        \x20   out.append([str(e['UID']), start.isoformat(), str(e['SUMMARY'])])\n\
        print(json.dumps(sorted(out)))\n";
    python_json(script, &file)
}

#[tokio::test]
async fn the_feed_reads_in_a_real_calendar_library_and_can_be_revoked() {
    if !icalendar_available() {
        eprintln!("python3-icalendar not installed: calendar test skipped");
        return;
    }
    let app = spawn_app().await;
    assert_eq!(app.db.import(&hd_csv(), &[]).status, 0);
    let list = format!(
        "Cod SIIIR;Nr. dosar;Instanța;Termen următor\r\n{SCHOOL};55/97/2026;Tribunalul Hunedoara;\r\n"
    );
    let file = write_file(&app.db, "d.csv", list.as_bytes());
    assert_eq!(
        app.db
            .cli(&["import", "cases", &file.to_string_lossy()])
            .status,
        0
    );
    // The server and the command line run on the real clock: every date counts from today.
    let deadline = day_from_today(90);
    assert_eq!(
        app.db
            .cli(&["campaign", "set", "--deadline", &deadline])
            .status,
        0
    );
    let id = app
        .db
        .scalar("SELECT id FROM court_case WHERE number = '55/97/2026'")
        .await;
    // The next 10 June, a summer date within the feed's year ahead: the feed must say 09:30
    // in Bucharest, i.e. 06:30 UTC.
    let today = today();
    let june = |year| chrono::NaiveDate::from_ymd_opt(year, 6, 10).expect("date");
    let this_year = june(chrono::Datelike::year(&today));
    let summer = if this_year > today {
        this_year
    } else {
        june(chrono::Datelike::year(&today) + 1)
    };
    let csrf = app.csrf_of(&app.client).await;
    let added = app
        .client
        .post(app.url(&format!("/cases/{id}/hearings")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("on", &summer.format("%Y-%m-%d").to_string()),
            ("time", "9:30"),
        ])
        .send()
        .await
        .expect("POST");
    assert_eq!(added.status(), 303);

    let (_, security) = app.get_text("/account/security").await;
    let url = security
        .split("<code class=\"wrap\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("calendar address")
        .to_string();
    assert!(
        url.starts_with("https://isj.test/calendar/") && url.ends_with(".ics"),
        "{url}"
    );
    let path = url.trim_start_matches("https://isj.test");
    let feed = app.anonymous.get(app.url(path)).send().await.expect("GET");
    assert_eq!(feed.status(), 200);
    assert!(
        feed.headers()["content-type"]
            .to_str()
            .unwrap_or_default()
            .starts_with("text/calendar")
    );
    let body = feed.bytes().await.expect("body");
    let found = events(&body, app.db.dir.path());
    assert_eq!(
        found.len(),
        2,
        "one hearing and the campaign deadline: {found:?}"
    );
    let hearing = found
        .iter()
        .find(|e| e.0.starts_with("hearing-"))
        .expect("hearing event");
    assert!(
        hearing.1.ends_with("09:30:00+03:00"),
        "local summer time: {hearing:?}"
    );
    assert!(hearing.2.contains("55/97/2026") && hearing.2.contains("Tribunalul Hunedoara"));
    assert!(
        found
            .iter()
            .any(|e| e.0.starts_with("campaign-") && e.1 == deadline)
    );

    // The outcome recorded on the hearing changes the event, not its UID.
    let hearing_id = app
        .db
        .scalar(&format!("SELECT id FROM hearing WHERE case_id = {id}"))
        .await;
    app.client
        .post(app.url(&format!("/hearings/{hearing_id}/outcome")))
        .form(&[("csrf", csrf.as_str()), ("outcome", "Amână cauza")])
        .send()
        .await
        .expect("POST");
    let again = events(
        &app.anonymous
            .get(app.url(path))
            .send()
            .await
            .expect("GET")
            .bytes()
            .await
            .expect("body"),
        app.db.dir.path(),
    );
    assert_eq!(
        again.iter().map(|e| &e.0).collect::<Vec<_>>(),
        found.iter().map(|e| &e.0).collect::<Vec<_>>()
    );

    // Renewed: the old address answers 404; the command line prints the new one.
    let renewed = app
        .client
        .post(app.url("/account/calendar"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .expect("POST");
    assert_eq!(renewed.status(), 303);
    assert_eq!(
        app.anonymous
            .get(app.url(path))
            .send()
            .await
            .expect("GET")
            .status(),
        404
    );
    let key = app.db.dir.path().join("secret.key");
    let printed = app
        .db
        .command(&["user", "calendar", "juridic@isj.test"])
        .env("ISJ_SECRET_KEY_FILE", &key)
        .output()
        .expect("user calendar");
    let printed = CliRun::from(printed);
    assert_eq!(printed.status, 0, "{}", printed.stderr);
    let new_path = printed
        .stdout
        .trim()
        .rsplit_once("/calendar/")
        .map(|(_, t)| format!("/calendar/{t}"))
        .expect("url");
    assert_ne!(new_path, path);
    assert_eq!(
        app.anonymous
            .get(app.url(&new_path))
            .send()
            .await
            .expect("GET")
            .status(),
        200
    );
}

/// A carriage return stored before the door refused it never reaches the feed bare (it
/// would start a property of its own); and the calendar feed has a limit of its own, so an
/// address that used up the directors' link pages still gets its feed.
#[tokio::test]
async fn no_bare_cr_in_the_feed_and_a_limit_of_its_own() {
    let app = spawn_app().await;
    assert_eq!(app.db.import(&hd_csv(), &[]).status, 0);
    let list =
        format!("Cod SIIIR;Nr. dosar;Instanța\r\n{SCHOOL};56/97/2026;Tribunalul Hunedoara\r\n");
    let file = write_file(&app.db, "d.csv", list.as_bytes());
    assert_eq!(
        app.db
            .cli(&["import", "cases", &file.to_string_lossy()])
            .status,
        0
    );
    let id = app.db.scalar("SELECT id FROM court_case").await;
    let added = app
        .post(
            &format!("/cases/{id}/hearings"),
            &[("on", &day_from_today(7)), ("time", "10:00")],
        )
        .await;
    assert_eq!(added.status(), 303);
    let connection = app.db.connect().await;
    sea_orm::ConnectionTrait::execute_raw(
        &connection,
        sea_orm::Statement::from_sql_and_values(
            connection.get_database_backend(),
            "UPDATE hearing SET stage = $1",
            ["Fond\rSUMMARY:INJECTED\r\u{1}".into()],
        ),
    )
    .await
    .expect("legacy text");
    let (_, security) = app.get_text("/account/security").await;
    let path = security
        .split("<code class=\"wrap\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .and_then(|url| url.split_once("/calendar/"))
        .map(|(_, token)| format!("/calendar/{token}"))
        .expect("calendar address");
    let office = cookie_client_from("127.0.0.5");
    let feed = office
        .get(app.url(&path))
        .send()
        .await
        .expect("GET")
        .bytes()
        .await
        .expect("feed");
    let bare_cr = feed
        .iter()
        .enumerate()
        .any(|(i, b)| *b == b'\r' && feed.get(i + 1) != Some(&b'\n'));
    assert!(!bare_cr, "{}", String::from_utf8_lossy(&feed));
    assert!(!feed.contains(&0u8));
    if icalendar_available() {
        let found = events(&feed, app.db.dir.path());
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].2.starts_with("Termen: dosar 56/97/2026"),
            "{found:?}"
        );
    }
    let links = isj_tracker::web::throttle::LINK_REQUESTS_PER_MINUTE;
    for i in 0..=links {
        office
            .get(app.url(&format!("/l/{i:064x}")))
            .send()
            .await
            .expect("GET");
    }
    let link = office
        .get(app.url(&format!("/l/{:064x}", 999)))
        .send()
        .await
        .expect("GET");
    assert_eq!(link.status(), 429, "the link pages are over their limit");
    let feed = office.get(app.url(&path)).send().await.expect("GET");
    assert_eq!(feed.status(), 200, "the feed is not");
}
