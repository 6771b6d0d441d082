//! The real binary as a newcomer uses it: `serve` on an empty database prints the setup link,
//! the first administrator enrols and signs in, and nothing secret reaches the logs.

use std::io::{BufRead, BufReader, Read};
use std::process::Stdio;

use super::helpers::*;

#[tokio::test]
async fn first_admin_from_the_printed_link_and_no_secrets_in_logs() {
    let db = TestDb::new().await;
    let port = free_port();
    let bind = format!("127.0.0.1:{port}");
    let mut server = db
        .command(&["serve", "--bind", &bind])
        .env("RUST_LOG", "debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve");
    let mut stdout = BufReader::new(server.stdout.take().expect("stdout"));
    let mut line = String::new();
    stdout.read_line(&mut line).expect("setup link line");
    let link = line
        .split_whitespace()
        .find(|w| w.contains("/setup/"))
        .expect("link printed")
        .to_string();
    let token = link.rsplit('/').next().expect("token").to_string();
    assert!(link.starts_with(&format!("http://{bind}/setup/")), "{link}");

    let client = cookie_client();
    let page = client
        .get(&link)
        .send()
        .await
        .expect("setup page")
        .text()
        .await
        .expect("body");
    let (secret_text, secret) = shown_secret(&page);
    let password = "prima parolă a administratorului";
    let enrol_code = current_code(&secret);
    let form = [
        ("sealed_secret", hidden_value(&page, "sealed_secret")),
        ("email", "director.juridic@isj.test".to_string()),
        ("name", "Director Juridic".to_string()),
        ("password", password.to_string()),
        ("password_again", password.to_string()),
        ("code", enrol_code.clone()),
    ];
    let done = client.post(&link).form(&form).send().await.expect("enrol");
    assert_eq!(done.status(), 200);
    let codes_page = done.text().await.expect("body");
    let recovery = codes_page
        .split("<li><code>")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .expect("a recovery code")
        .to_string();

    // The enrolment code cannot be reused to sign in; the next step's code can.
    let base = format!("http://{bind}");
    let login_page = client
        .get(format!("{base}/login"))
        .send()
        .await
        .expect("login")
        .text()
        .await
        .expect("body");
    let csrf = hidden_value(&login_page, "csrf");
    let form = [
        ("csrf", csrf.as_str()),
        ("email", "director.juridic@isj.test"),
        ("password", password),
    ];
    let response = client
        .post(format!("{base}/login"))
        .form(&form)
        .send()
        .await
        .expect("password");
    assert_eq!(response.status(), 303);
    let totp_page = client
        .get(format!("{base}/login/totp"))
        .send()
        .await
        .expect("code page")
        .text()
        .await
        .expect("body");
    let csrf = hidden_value(&totp_page, "csrf");
    let reused = client
        .post(format!("{base}/login/totp"))
        .form(&[("csrf", csrf.as_str()), ("code", enrol_code.as_str())])
        .send()
        .await
        .expect("code");
    assert_eq!(reused.status(), 401, "the enrolment code is spent");
    let next = next_code(&secret);
    let signed = client
        .post(format!("{base}/login/totp"))
        .form(&[("csrf", csrf.as_str()), ("code", next.as_str())])
        .send()
        .await
        .expect("code");
    assert_eq!(signed.status(), 303);
    let session = signed
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("isj_session="))
        .and_then(|c| c.split(';').next())
        .expect("session cookie")
        .to_string();
    let schools = client
        .get(format!("{base}/schools"))
        .send()
        .await
        .expect("schools");
    assert_eq!(schools.status(), 200);
    assert!(
        schools
            .text()
            .await
            .expect("body")
            .contains("Director Juridic")
    );

    let _ = server.kill();
    let _ = server.wait();
    let mut logs = String::new();
    server
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut logs)
        .expect("logs");
    assert!(logs.contains("isj-tracker pornit"), "the log was captured");
    for secret in [
        password,
        &enrol_code,
        &next,
        &token,
        &session,
        &secret_text,
        &recovery,
    ] {
        assert!(
            !logs.contains(secret),
            "a secret reached the logs: {secret}\n{}",
            logs.lines()
                .filter(|l| l.contains(secret))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

/// Bound to loopback behind an HTTPS proxy: the public address decides, so cookies are
/// `Secure` with the `__Host-` prefix and HSTS is sent.
#[tokio::test]
async fn an_https_base_url_makes_cookies_secure_behind_a_proxy() {
    let db = TestDb::new().await;
    let port = free_port();
    let bind = format!("127.0.0.1:{port}");
    let server = db
        .command(&["serve", "--bind", &bind])
        .env("ISJ_BASE_URL", "https://juridic.isj.example")
        .env_remove("ISJ_SECURE_COOKIES")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve");
    let _server = KillOnDrop(server);
    let client = cookie_client();
    let mut response = None;
    for _ in 0..100 {
        if let Ok(r) = client.get(format!("http://{bind}/login")).send().await {
            response = Some(r);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let response = response.expect("the server answers");
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.contains("isj_login"))
        .expect("login cookie")
        .to_string();
    assert!(
        cookie.starts_with("__Host-isj_login=") && cookie.contains("; Secure"),
        "{cookie}"
    );
    assert!(response.headers().contains_key("strict-transport-security"));
}

fn mode_of(path: &std::path::Path) -> u32 {
    let meta = std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    std::os::unix::fs::PermissionsExt::mode(&meta.permissions()) & 0o777
}

/// The database with its journal and the reports hold personal data: 0600, whatever the
/// administrator's umask.
#[tokio::test]
async fn files_the_service_creates_are_private() {
    let db = TestDb::new().await;
    if !db.is_sqlite() {
        return;
    }
    let mut import = db.command(&["import", "schools", &hd_csv().to_string_lossy()]);
    import.env_remove("RUST_LOG");
    assert!(import.status().expect("import").success());
    let report = db.dir.path().join("rapoarte").join("stare.xlsx");
    let run = db.cli(&["export", "den-status", "--out", &report.to_string_lossy()]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let database = db.dir.path().join("test.db");
    assert_eq!(mode_of(&database), 0o600);
    for journal in ["test.db-wal", "test.db-shm"] {
        let path = db.dir.path().join(journal);
        if path.exists() {
            assert_eq!(mode_of(&path), 0o600, "{journal}");
        }
    }
    assert_eq!(mode_of(&report), 0o600);
    assert_eq!(mode_of(&db.dir.path().join("rapoarte")), 0o700);
}

/// Logs written to a file (systemd, a pipe) carry no colour codes; `ISJ_LOG_FORMAT=json`
/// gives one JSON object per line.
#[tokio::test]
async fn logs_in_a_file_are_plain_text_or_json() {
    for format in ["text", "json"] {
        let db = TestDb::new().await;
        let port = free_port();
        let bind = format!("127.0.0.1:{port}");
        let log = db.dir.path().join(format!("serve-{format}.log"));
        let server = db
            .command(&["serve", "--bind", &bind])
            .env("RUST_LOG", "info")
            .env("ISJ_LOG_FORMAT", format)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).expect("log file"))
            .spawn()
            .expect("serve");
        let server = KillOnDrop(server);
        let client = cookie_client();
        for _ in 0..100 {
            if client
                .get(format!("http://{bind}/health"))
                .send()
                .await
                .is_ok()
            {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        drop(server);
        let text = std::fs::read_to_string(&log).expect("log");
        let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        assert!(!lines.is_empty(), "{format}: the server logged its start");
        assert!(
            !text.contains('\u{1b}'),
            "{format}: no escape codes in\n{text}"
        );
        if format == "json" {
            for line in &lines {
                // The setup link is printed as plain text for the administrator, not logged.
                if line.starts_with('{') {
                    let value: serde_json::Value =
                        serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
                    assert!(value["level"].is_string() && value["fields"].is_object());
                }
            }
            assert!(lines.iter().any(|l| l.starts_with('{')));
        } else {
            assert!(lines.iter().any(|l| l.contains(" INFO ")), "{text}");
        }
    }
}
