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
