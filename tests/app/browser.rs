//! End to end in a real headless Chromium (through chromedriver and the W3C WebDriver
//! protocol): setup link → password → TOTP → signed-in pages, with a screenshot kept in
//! `target/e2e/`. Skipped when Chromium is not installed, unless `ISJ_REQUIRE_BROWSER=1`
//! (set by `.ci/run`, which installs it).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

use super::helpers::*;

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

fn browser_available() -> bool {
    let present = std::path::Path::new("/usr/bin/chromium").exists()
        && std::path::Path::new("/usr/bin/chromedriver").exists();
    if !present && std::env::var("ISJ_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
        panic!("Chromium and chromedriver are required (ISJ_REQUIRE_BROWSER=1) but not installed");
    }
    present
}

struct Browser {
    http: reqwest::Client,
    base: String,
    session: String,
}

impl Browser {
    async fn start(driver_port: u16, profile: &std::path::Path) -> Browser {
        let http = reqwest::Client::new();
        let base = format!("http://127.0.0.1:{driver_port}");
        for _ in 0..50 {
            if http.get(format!("{base}/status")).send().await.is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--window-size=1280,900",
        ];
        let mut args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        let capabilities = json!({"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {"binary": "/usr/bin/chromium", "args": args}}}});
        let created: Value = http
            .post(format!("{base}/session"))
            .json(&capabilities)
            .send()
            .await
            .expect("new session")
            .json()
            .await
            .expect("json");
        let session = created["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {created}"))
            .to_string();
        Browser {
            http,
            base,
            session,
        }
    }

    async fn command(&self, method: reqwest::Method, path: &str, body: Value) -> Value {
        let url = format!("{}/session/{}{path}", self.base, self.session);
        let request = self.http.request(method.clone(), url);
        let request = if method == reqwest::Method::GET {
            request
        } else {
            request.json(&body)
        };
        let reply: Value = request
            .send()
            .await
            .expect("webdriver")
            .json()
            .await
            .expect("json");
        if reply["value"].get("error").is_some() {
            panic!("webdriver {path}: {reply}");
        }
        reply["value"].clone()
    }

    async fn go(&self, url: &str) {
        self.command(reqwest::Method::POST, "/url", json!({"url": url}))
            .await;
    }

    async fn find(&self, css: &str) -> String {
        let found = self
            .command(
                reqwest::Method::POST,
                "/element",
                json!({"using": "css selector", "value": css}),
            )
            .await;
        found[ELEMENT].as_str().expect("element id").to_string()
    }

    async fn type_into(&self, css: &str, text: &str) {
        let element = self.find(css).await;
        self.command(
            reqwest::Method::POST,
            &format!("/element/{element}/value"),
            json!({"text": text}),
        )
        .await;
    }

    async fn click(&self, css: &str) {
        let element = self.find(css).await;
        self.command(
            reqwest::Method::POST,
            &format!("/element/{element}/click"),
            json!({}),
        )
        .await;
    }

    async fn text(&self, css: &str) -> String {
        let element = self.find(css).await;
        self.command(
            reqwest::Method::GET,
            &format!("/element/{element}/text"),
            json!({}),
        )
        .await
        .as_str()
        .unwrap_or("")
        .to_string()
    }

    /// The text of an element, or `None` while the page is still changing under us.
    async fn try_text(&self, css: &str) -> Option<String> {
        let url = format!("{}/session/{}", self.base, self.session);
        let found: Value = self
            .http
            .post(format!("{url}/element"))
            .json(&json!({"using": "css selector", "value": css}))
            .send()
            .await
            .ok()?
            .json()
            .await
            .ok()?;
        let element = found["value"][ELEMENT].as_str()?;
        let text: Value = self
            .http
            .get(format!("{url}/element/{element}/text"))
            .send()
            .await
            .ok()?
            .json()
            .await
            .ok()?;
        text["value"].as_str().map(str::to_string)
    }

    /// Waits (up to 5 s) until an element's text contains `needle`; returns the last text seen.
    async fn wait_for_text(&self, css: &str, needle: &str) -> String {
        let mut last = String::new();
        for _ in 0..50 {
            if let Some(text) = self.try_text(css).await {
                if text.contains(needle) {
                    return text;
                }
                last = text;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        last
    }

    /// Waits (up to 5 s) until the address contains `part`: a form submission has landed.
    async fn wait_for_url(&self, part: &str) -> String {
        for _ in 0..50 {
            let url = self.current_url().await;
            if url.contains(part) {
                return url;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.current_url().await
    }

    /// Waits until the URL no longer contains `part` (a form moved the browser on).
    async fn wait_to_leave(&self, part: &str) -> String {
        for _ in 0..50 {
            let url = self.current_url().await;
            if !url.contains(part) {
                return url;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.current_url().await
    }

    async fn current_url(&self) -> String {
        self.command(reqwest::Method::GET, "/url", json!({}))
            .await
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    /// Chooses the option of a `<select>` whose text starts with `text`.
    async fn select(&self, css: &str, text: &str) {
        let script = format!(
            "const s = document.querySelector({css:?}); const o = [...s.options].find(o => o.text.startsWith({text:?})); s.value = o.value; return s.value;"
        );
        assert!(
            !self
                .script(&script)
                .await
                .as_str()
                .unwrap_or_default()
                .is_empty(),
            "{text} in {css}"
        );
    }

    async fn resize(&self, width: u32, height: u32) {
        self.command(
            reqwest::Method::POST,
            "/window/rect",
            json!({"width": width, "height": height}),
        )
        .await;
    }

    /// Runs a script in the page and returns its value.
    async fn script(&self, body: &str) -> Value {
        self.command(
            reqwest::Method::POST,
            "/execute/sync",
            json!({"script": body, "args": []}),
        )
        .await
    }

    /// axe-core's serious and critical findings on the page (WCAG 2.1 A/AA rules), as
    /// `impact rule: selector` lines; the library is passed as the script itself, so the
    /// page's CSP does not stand in the way.
    async fn accessibility_problems(&self, axe: &str) -> Vec<String> {
        let script = format!(
            "{axe}\n;const done = arguments[arguments.length - 1];\
             axe.run(document, {{runOnly: {{type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}}})\
             .then(r => done(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')\
             .flatMap(v => v.nodes.map(n => v.impact + ' ' + v.id + ': ' + n.target.join(' ')))))\
             .catch(e => done(['axe failed: ' + e]));"
        );
        let found = self
            .command(
                reqwest::Method::POST,
                "/execute/async",
                json!({"script": script, "args": []}),
            )
            .await;
        found
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_else(|| vec![format!("axe answered {found}")])
    }

    async fn screenshot(&self, name: &str) -> std::path::PathBuf {
        use base64_decode::decode;
        let png = self
            .command(reqwest::Method::GET, "/screenshot", json!({}))
            .await;
        let bytes = decode(png.as_str().expect("base64"));
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/e2e");
        std::fs::create_dir_all(&dir).expect("artifact folder");
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("screenshot");
        path
    }

    async fn quit(&self) {
        let _ = self
            .http
            .delete(format!("{}/session/{}", self.base, self.session))
            .send()
            .await;
    }
}

/// axe-core from npm (`npm install axe-core` in the project or `ISJ_AXE_JS`); required when
/// `ISJ_REQUIRE_AXE` is 1.
fn axe_core() -> Option<String> {
    let path = std::env::var("ISJ_AXE_JS").unwrap_or_else(|_| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/node_modules/axe-core/axe.min.js"
        )
        .to_string()
    });
    let found = std::fs::read_to_string(&path).ok();
    if found.is_none() && std::env::var("ISJ_REQUIRE_AXE").as_deref() == Ok("1") {
        panic!("axe-core is not at {path}");
    }
    found
}

/// Standard base64, enough for screenshots (no extra dependency).
mod base64_decode {
    pub fn decode(text: &str) -> Vec<u8> {
        let value = |c: u8| match c {
            b'A'..=b'Z' => Some(c - b'A'),
            b'a'..=b'z' => Some(c - b'a' + 26),
            b'0'..=b'9' => Some(c - b'0' + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        };
        let digits: Vec<u8> = text.bytes().filter_map(value).collect();
        digits
            .chunks(4)
            .flat_map(|chunk| {
                let n = chunk.iter().fold(0u32, |acc, d| (acc << 6) | u32::from(*d))
                    << (6 * (4 - chunk.len()));
                let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
                bytes.into_iter().take(chunk.len().saturating_sub(1))
            })
            .collect()
    }
}

#[tokio::test]
async fn setup_link_to_signed_in_pages_in_chromium() {
    if !browser_available() {
        eprintln!(
            "Chromium not installed: browser test skipped (set ISJ_REQUIRE_BROWSER=1 to fail instead)"
        );
        return;
    }
    let db = TestDb::new().await;
    assert_eq!(db.import(&hd_csv(), &[]).status, 0);
    // Three schools with a case; one asked for and got access and created its account.
    let cases = "Cod SIIIR;Nr. dosar;Instanța;Data cerere acces;Data acces aprobat\r\n\
                 2061100733;10/97/2026;Tribunalul Hunedoara;;\r\n\
                 2061103207;11/97/2026;Tribunalul Hunedoara;;\r\n\
                 2061100507;12/97/2026;Tribunalul Hunedoara;03.11.2026;10.11.2026\r\n";
    let file = write_file(&db, "dosare.csv", cases.as_bytes());
    assert_eq!(
        db.cli(&["import", "cases", &file.to_string_lossy()]).status,
        0
    );
    let people = "Cod SIIIR;Nume și prenume;Funcția;E-mail;Telefon;Data creare cont D.E.N.\r\n\
                  2061100507;Pop Ana;director;scoala.bacia@exemplu.ro;0722000001;12.11.2026\r\n";
    let file = write_file(&db, "persoane.csv", people.as_bytes());
    let run = db.cli(&["import", "designees", &file.to_string_lossy()]);
    assert_eq!(run.status, 0, "{}", run.stdout);
    // A designee replaced, then erased at her request: the school page says so.
    for person in [
        "Vechi Ioana;secretar;vechi@exemplu.ro;0722000002",
        "Nou Marin;director;nou@exemplu.ro;0722000003",
    ] {
        let people =
            format!("Cod SIIIR;Nume și prenume;Funcția;E-mail;Telefon\r\n2061100733;{person}\r\n");
        let file = write_file(&db, "inlocuire.csv", people.as_bytes());
        assert_eq!(
            db.cli(&["import", "designees", &file.to_string_lossy()])
                .status,
            0
        );
    }
    let erased = db.cli(&["privacy", "erase", "--email", "vechi@exemplu.ro"]);
    assert_eq!(erased.status, 0, "{}", erased.stdout);
    let port = free_port();
    let bind = format!("127.0.0.1:{port}");
    let mut server = db
        .command(&["serve", "--bind", &bind])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve");
    let mut line = String::new();
    BufReader::new(server.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("setup link");
    let _server = KillOnDrop(server);
    let link = line
        .split_whitespace()
        .find(|w| w.contains("/setup/"))
        .expect("link")
        .to_string();

    let driver_port = free_port();
    let driver = Command::new("/usr/bin/chromedriver")
        .arg(format!("--port={driver_port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver");
    let _driver = KillOnDrop(driver);
    let browser = Browser::start(driver_port, &db.dir.path().join("chromium-profile")).await;

    browser.go(&link).await;
    browser.type_into("#email", "admin@isj.test").await;
    browser.type_into("#name", "Administratoare Ședință").await;
    browser
        .type_into("#password", "o frază lungă și sigură")
        .await;
    browser
        .type_into("#password_again", "o frază lungă și sigură")
        .await;
    let secret_text = browser.text("#totp-secret").await;
    let secret = secret_from_base32(&secret_text);
    browser.type_into("#code", &current_code(&secret)).await;
    browser.click("button[type=submit]").await;
    let heading = browser.wait_for_text("h1", "Contul este activ").await;
    assert!(
        heading.contains("Contul este activ"),
        "{heading}: {}",
        browser.text("main").await
    );

    browser.go(&format!("http://{bind}/login")).await;
    browser.type_into("#email", "admin@isj.test").await;
    browser
        .type_into("#password", "o frază lungă și sigură")
        .await;
    browser.click("button[type=submit]").await;
    let url = browser.wait_for_url("/login/totp").await;
    assert!(
        url.ends_with("/login/totp"),
        "{url}: {}",
        browser.text("main").await
    );
    browser.type_into("#code", &next_code(&secret)).await;
    browser.click("button[type=submit]").await;
    let url = browser.wait_to_leave("/login").await;
    assert!(
        !url.contains("/login"),
        "signed in and sent to the overview: {url}"
    );
    let overview = browser.wait_for_text("main", "Panou").await;
    assert!(
        overview.contains("Nu există o campanie"),
        "the overview without a campaign invites to set one: {overview}"
    );
    let shot = browser.screenshot("signed-in-overview.png").await;
    // The skip link shows when focused, leads to the content, and the focus ring is the
    // two-tone one (dark line, yellow halo) from the stylesheet the CSP lets through.
    let skip = browser
        .script(
            "const a = document.querySelector('a.skip-link'); a.focus(); \
             const r = a.getBoundingClientRect(); const s = getComputedStyle(a); \
             return [r.left >= 0 && r.top >= 0, a.getAttribute('href'), \
                     !!document.querySelector('main#continut'), s.boxShadow];",
        )
        .await;
    assert_eq!(skip[0].as_bool(), Some(true), "{skip}");
    assert_eq!(skip[1].as_str(), Some("#continut"));
    assert_eq!(skip[2].as_bool(), Some(true));
    browser.screenshot("skip-link.png").await;
    assert!(std::fs::metadata(&shot).expect("screenshot").len() > 10_000);
    browser.click("nav a[href='/schools']").await;
    let url = browser.wait_for_url("/schools").await;
    assert!(url.ends_with("/schools"), "{url}");
    browser.type_into("#q", "hateg").await;
    browser.click("form.filters button[type=submit]").await;
    assert!(browser.wait_for_url("q=hateg").await.contains("q=hateg"));
    let summary = browser.wait_for_text("p.summary", "unități găsite").await;
    assert!(
        summary.contains("unități găsite") && !summary.starts_with('0'),
        "{summary}"
    );
    assert!(
        browser
            .wait_for_text("header", "Administratoare")
            .await
            .contains("Administratoare Ședință")
    );
    let shot = browser.screenshot("signed-in-schools.png").await;
    assert!(std::fs::metadata(&shot).expect("screenshot").len() > 10_000);

    // A school page's form works in a real browser (CSRF token, Sec-Fetch-Site, redirect).
    browser
        .go(&format!("http://{bind}/schools/2061100733"))
        .await;
    browser.resize(390, 2600).await;
    browser.screenshot("school-page-phone.png").await;
    browser.resize(1280, 800).await;
    browser.select("#case", "10/97/2026").await;
    browser
        .click("form[action$='/step'] button[type=submit]")
        .await;
    assert!(
        browser
            .wait_for_url("/schools/2061100733")
            .await
            .ends_with("/schools/2061100733")
    );
    let main = browser.wait_for_text("main", "Pas înregistrat").await;
    assert!(
        main.contains("Pas înregistrat: cerere de acces depusă"),
        "{main}"
    );
    assert!(
        main.contains("a înregistrat pasul „cerere de acces depusă”"),
        "the change is in the school's audit list: {main}"
    );
    browser.screenshot("school-page.png").await;

    // The overview's bar is drawn at the true fraction under the real CSP: 1 of 3 schools
    // with cases has an account.
    assert_eq!(
        db.cli(&["campaign", "set", "--deadline", "2100-12-15"])
            .status,
        0
    );
    // The command line's change reaches the server's board within a second or two.
    let mut overview = String::new();
    for _ in 0..20 {
        browser.go(&format!("http://{bind}/")).await;
        overview = browser.text("main").await;
        if overview.contains("din 3") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert!(overview.contains("1 din 3"), "{overview}");
    let drawn = browser
        .script("const r = document.querySelector('svg.progress .fill').getBoundingClientRect(); const t = document.querySelector('svg.progress').getBoundingClientRect(); return r.width / t.width;")
        .await
        .as_f64()
        .expect("a fraction");
    assert!(
        (drawn - 1.0 / 3.0).abs() < 0.02,
        "the bar shows {drawn}, not a third"
    );
    browser.screenshot("overview-progress.png").await;

    // A case and a hearing added through the forms show on the agenda.
    browser.go(&format!("http://{bind}/cases/new")).await;
    browser.select("#court", "Tribunalul Hunedoara").await;
    browser
        .type_into("#number", "Dosar nr. 777 / 97 / 2026")
        .await;
    browser.type_into("#school1", "2061100733").await;
    browser
        .click("form[action='/cases/new'] button[type=submit]")
        .await;
    let added = browser
        .wait_for_text("main", "Dosarul a fost adăugat")
        .await;
    assert!(added.contains("777/97/2026"), "{added}");
    let soon = (chrono::Utc::now() + chrono::Duration::days(5))
        .format("%Y-%m-%d")
        .to_string();
    browser
        .script(&format!(
            "document.querySelector('#h-on').value = '{soon}'; return true;"
        ))
        .await;
    browser.type_into("#h-time", "10:30").await;
    browser
        .click("form[action$='/hearings'] button[type=submit]")
        .await;
    browser.wait_for_text("main", "Termen înregistrat").await;
    browser.go(&format!("http://{bind}/hearings")).await;
    let agenda = browser.wait_for_text("main", "777/97/2026").await;
    assert!(
        agenda.contains("777/97/2026") && agenda.contains("10:30"),
        "{agenda}"
    );

    // The account pages whose forms changed, as a person sees them on a desk and a phone.
    let case = db
        .scalar("SELECT id FROM court_case WHERE number = '10/97/2026'")
        .await;
    let case_page = format!("/cases/{case}");
    let suggestion = isj_tracker::domain::portal::Suggestion {
        court: "JudecatoriaDEVA".into(),
        number: "3456/221/2026".into(),
        school_code: "2061100733".into(),
        role: Some("Pârât".into()),
        category: Some("Litigiidemunca".into()),
        stage: Some("Fond".into()),
        object: Some("drepturi salariale".into()),
        next_hearing: chrono::NaiveDate::from_ymd_opt(2027, 2, 3),
        hearings: Vec::new(),
    };
    let connection = db.connect().await;
    isj_tracker::db::portal::insert_suggestion(&connection, &suggestion, chrono::Utc::now())
        .await
        .expect("suggestion");
    // More mail than one page holds, so the outbox shows its pagination.
    super::mail::queue(&db, 60, chrono::Utc::now()).await;
    // The director's pages, as opened from a mail (opening does not use the link up).
    let mut director = Vec::new();
    for purpose in [
        isj_tracker::domain::links::Purpose::Designee,
        isj_tracker::domain::links::Purpose::Progress,
    ] {
        let token = isj_tracker::app::links::issue(
            &connection,
            "2061100733",
            purpose,
            None,
            chrono::Utc::now(),
        )
        .await
        .expect("link");
        director.push(format!("/l/{token}"));
    }
    let axe = axe_core();
    let mut problems = Vec::new();
    for (path, name) in [
        (director[0].as_str(), "director-designee"),
        (director[1].as_str(), "director-progress"),
        ("/confidentialitate", "notice"),
        ("/privacy", "privacy"),
        ("/settings#date-personale", "settings-privacy"),
        ("/cases/suggestions", "suggestions"),
        ("/settings#portal", "settings-portal"),
        ("/audit", "audit"),
        ("/outbox", "outbox"),
        ("/account/security", "security"),
        ("/users", "users"),
        ("/cases/new", "case-new"),
        ("/hearings", "hearings"),
        (case_page.as_str(), "case"),
        ("/search?q=iancu", "search"),
        ("/schools/2061100733", "school"),
    ] {
        browser.go(&format!("http://{bind}{path}")).await;
        browser.wait_for_text("main", "").await;
        if let Some(axe) = &axe {
            problems.extend(
                browser
                    .accessibility_problems(axe)
                    .await
                    .into_iter()
                    .map(|p| format!("{path}: {p}")),
            );
        }
        browser.resize(1366, 2000).await;
        browser.screenshot(&format!("{name}.png")).await;
        browser.resize(390, 2200).await;
        browser.screenshot(&format!("{name}-phone.png")).await;
        if name == "school" {
            let text = browser.wait_for_text("main", "").await;
            assert!(text.contains("Date anonimizate la"), "{text}");
        }
        if name == "case" {
            // The correction forms, unfolded as a person opens them.
            browser
                .script("document.querySelectorAll('details.correction').forEach(d => d.open = true); return true;")
                .await;
            browser.screenshot("case-corrections-phone.png").await;
            browser.resize(1366, 2600).await;
            browser.screenshot("case-corrections.png").await;
        }
        browser.resize(1280, 800).await;
    }
    // What the administrators' page finds about a person (the admin herself: her account
    // and her sign-ins).
    browser.go(&format!("http://{bind}/privacy")).await;
    browser.type_into("#email", "admin@isj.test").await;
    browser
        .click("form[action='/privacy'] button[type=submit]")
        .await;
    let found = browser.wait_for_text("main", "Conturi de personal").await;
    assert!(found.contains("Jurnalul de audit"), "{found}");
    if let Some(axe) = &axe {
        problems.extend(browser.accessibility_problems(axe).await);
    }
    browser.resize(1366, 2000).await;
    browser.screenshot("privacy-found.png").await;
    browser.resize(390, 2200).await;
    browser.screenshot("privacy-found-phone.png").await;
    browser.resize(1280, 800).await;
    assert!(
        problems.is_empty(),
        "axe-core, serious or critical:\n{}",
        problems.join("\n")
    );
    browser.go(&format!("http://{bind}/outbox")).await;
    let older = browser
        .script(
            "const a = document.querySelector('nav.pagination a[rel=next]'); \
             a.scrollIntoView(); return a.textContent;",
        )
        .await;
    assert_eq!(older.as_str(), Some("Mai vechi ›"));
    browser.screenshot("outbox-pages.png").await;
    browser.quit().await;
}
