//! Staff access over real HTTP: login steps, replay, recovery codes, CSRF, roles, logout,
//! expiry with a fixed clock, throttling, enrolment links and the command line.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use isj_tracker::domain::staff::Role;

use super::helpers::*;

fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("isj_session="))
        .map(|c| c.split(';').next().unwrap_or_default().to_string())
}

#[tokio::test]
async fn anonymous_requests_go_to_login() {
    let app = spawn_app().await;
    for path in [
        "/",
        "/schools",
        "/schools/2061103288",
        "/imports",
        "/imports/batch/1",
    ] {
        let response = app.anonymous.get(app.url(path)).send().await.expect("GET");
        assert_eq!(response.status(), 303, "{path}");
        assert_eq!(response.headers()["location"], "/login", "{path}");
    }
    let (status, _) = app.get_text("/schools").await;
    assert_eq!(status, 200, "the signed-in client gets in");
}

#[tokio::test]
async fn login_rotates_the_session_and_the_pending_cookie_dies() {
    let app = spawn_app().await;
    let user = app.create_user("ana@isj.test", Role::Inspector).await;
    let client = cookie_client();
    let password = app
        .post_password(&client, &user.email, &user.password)
        .await;
    assert_eq!(password.headers()["location"], "/login/totp");
    let pending = session_cookie(&password).expect("pending cookie");
    // The pending session opens no staff page.
    let probe = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let blocked = probe
        .get(app.url("/schools"))
        .header("cookie", &pending)
        .send()
        .await
        .expect("GET");
    assert_eq!(blocked.status(), 303);

    let code = app.post_code(&client, &current_code(&user.secret)).await;
    assert_eq!(code.status(), 303);
    let full = session_cookie(&code).expect("full cookie");
    assert_ne!(pending, full);
    let old = probe
        .get(app.url("/login/totp"))
        .header("cookie", &pending)
        .send()
        .await
        .expect("GET");
    assert_eq!(
        old.headers()["location"],
        "/login",
        "pending cookie is dead after the second factor"
    );
    let page = probe
        .get(app.url("/schools"))
        .header("cookie", &full)
        .send()
        .await
        .expect("GET");
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["cache-control"], "no-store");

    // Wrong password: same page, no session.
    let wrong = app
        .post_password(&cookie_client(), &user.email, "nu-este-parola")
        .await;
    assert_eq!(wrong.status(), 401);
    assert!(session_cookie(&wrong).is_none());
    assert_eq!(app.db.scalar("SELECT COUNT(*) FROM auth_throttle WHERE key = 'pw:account:ana@isj.test' AND count = 1").await, 1);
}

#[tokio::test]
async fn a_code_works_once_even_for_two_parallel_requests() {
    let app = spawn_app().await;
    let user = app.create_user("dan@isj.test", Role::Juridic).await;
    let (first, second) = (cookie_client(), cookie_client());
    assert_eq!(
        app.post_password(&first, &user.email, &user.password)
            .await
            .status(),
        303
    );
    assert_eq!(
        app.post_password(&second, &user.email, &user.password)
            .await
            .status(),
        303
    );
    let code = current_code(&user.secret);
    let (a, b) = tokio::join!(app.post_code(&first, &code), app.post_code(&second, &code));
    let successes = [a.status(), b.status()]
        .iter()
        .filter(|s| s.as_u16() == 303)
        .count();
    assert_eq!(successes, 1, "{} {}", a.status(), b.status());
    // And again later with the same code: refused.
    let third = cookie_client();
    assert_eq!(
        app.post_password(&third, &user.email, &user.password)
            .await
            .status(),
        303
    );
    assert_eq!(app.post_code(&third, &code).await.status(), 401);
    assert!(
        app.db
            .scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'cod refolosit'")
            .await
            >= 1
    );
}

#[tokio::test]
async fn recovery_codes_are_single_use() {
    let app = spawn_app().await;
    let user = app.create_user("ioana@isj.test", Role::Juridic).await;
    let code = user.recovery_codes[3].clone();
    let client = cookie_client();
    app.post_password(&client, &user.email, &user.password)
        .await;
    let used = app.post_code(&client, &code.to_lowercase()).await;
    assert_eq!(used.status(), 303, "a recovery code signs in");
    let again = cookie_client();
    app.post_password(&again, &user.email, &user.password).await;
    assert_eq!(
        app.post_code(&again, &code).await.status(),
        401,
        "but only once"
    );
    let used_hash = isj_tracker::auth::recovery::hash(&code);
    let burnt = format!(
        "SELECT COUNT(*) FROM staff_user WHERE must_reenrol = true AND recovery_hashes NOT LIKE '%{used_hash}%'"
    );
    assert_eq!(
        app.db.scalar(&burnt).await,
        1,
        "the used code is gone and the account must re-enrol"
    );
    let plain = app
        .db
        .scalar(&format!(
            "SELECT COUNT(*) FROM staff_user WHERE recovery_hashes LIKE '%{}%'",
            user.recovery_codes[0]
        ))
        .await;
    assert_eq!(plain, 0, "codes are stored hashed");
}

#[tokio::test]
async fn forms_need_the_session_token_and_a_same_site_origin() {
    let app = spawn_app().await;
    let csrf = app.csrf_of(&app.client).await;
    assert_eq!(csrf.len(), 64);
    let apply = |token: &'static str| {
        app.client
            .post(app.url("/imports/abc/apply"))
            .form(&[("csrf", token)])
            .send()
    };
    assert_eq!(
        apply("").await.expect("POST").status(),
        403,
        "missing token"
    );
    assert_eq!(
        apply("0000000000000000000000000000000000000000000000000000000000000000")
            .await
            .expect("POST")
            .status(),
        403
    );
    let cross = app
        .client
        .post(app.url("/logout"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .expect("POST");
    assert_eq!(cross.status(), 403, "cross-site");
    let foreign = app
        .client
        .post(app.url("/logout"))
        .header("origin", "http://evil.example")
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .expect("POST");
    assert_eq!(foreign.status(), 403, "foreign origin");
    // The login form has its own pre-session token.
    let form = [
        ("csrf", "x"),
        ("email", "a@b.ro"),
        ("password", "whatever1"),
    ];
    assert_eq!(
        cookie_client()
            .post(app.url("/login"))
            .form(&form)
            .send()
            .await
            .expect("POST")
            .status(),
        403
    );
    // The right token still works: logout ends the session for good.
    let logout = app
        .client
        .post(app.url("/logout"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .expect("POST");
    assert_eq!(logout.headers()["location"], "/login");
    assert_eq!(
        app.client
            .get(app.url("/schools"))
            .send()
            .await
            .expect("GET")
            .status(),
        303
    );
}

#[tokio::test]
async fn an_inspector_reads_but_cannot_change() {
    let app = spawn_app().await;
    let user = app.create_user("insp@isj.test", Role::Inspector).await;
    let inspector = app.signed_in(&user).await;
    assert_eq!(
        inspector
            .get(app.url("/schools"))
            .send()
            .await
            .expect("GET")
            .status(),
        200
    );
    let imports = inspector
        .get(app.url("/imports"))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert!(
        !imports.contains("enctype=\"multipart/form-data\""),
        "no upload form"
    );
    let csrf = hidden_value(&imports, "csrf");
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .part(
            "file",
            reqwest::multipart::Part::bytes(b"a,b".to_vec()).file_name("x.csv"),
        );
    assert_eq!(
        inspector
            .post(app.url("/imports"))
            .multipart(form)
            .send()
            .await
            .expect("POST")
            .status(),
        403
    );
    let apply = inspector
        .post(app.url("/imports/x/apply"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .expect("POST");
    assert_eq!(apply.status(), 403);
}

async fn sign_in_at(app: &TestApp, user: &TestUser, at: DateTime<Utc>) -> reqwest::Client {
    let client = cookie_client();
    assert_eq!(
        app.post_password(&client, &user.email, &user.password)
            .await
            .status(),
        303
    );
    let code = isj_tracker::auth::totp::code_at(&user.secret, at.timestamp() as u64).expect("code");
    assert_eq!(app.post_code(&client, &code).await.status(), 303);
    client
}

#[tokio::test]
async fn sessions_expire_after_30_idle_minutes_and_12_hours() {
    let start = Utc::now();
    let clock = Arc::new(Movable(Mutex::new(start)));
    let app = spawn_app_with_clock(clock.clone()).await;
    let user = app.create_user("timp@isj.test", Role::Juridic).await;

    let idle = sign_in_at(&app, &user, clock.now_for_test()).await;
    clock.advance(Duration::minutes(29));
    assert_eq!(
        idle.get(app.url("/schools"))
            .send()
            .await
            .expect("GET")
            .status(),
        200
    );
    clock.advance(Duration::minutes(29));
    assert_eq!(
        idle.get(app.url("/schools"))
            .send()
            .await
            .expect("GET")
            .status(),
        200,
        "activity keeps it alive"
    );
    clock.advance(Duration::minutes(31));
    assert_eq!(
        idle.get(app.url("/schools"))
            .send()
            .await
            .expect("GET")
            .status(),
        303,
        "31 idle minutes end it"
    );

    clock.advance(Duration::minutes(1));
    let busy = sign_in_at(&app, &user, clock.now_for_test()).await;
    for step in 0..24 {
        clock.advance(Duration::minutes(29));
        let status = busy
            .get(app.url("/schools"))
            .send()
            .await
            .expect("GET")
            .status();
        assert_eq!(
            status,
            200,
            "still active after {} minutes",
            (step + 1) * 29
        );
    }
    clock.advance(Duration::minutes(29));
    assert_eq!(
        busy.get(app.url("/schools"))
            .send()
            .await
            .expect("GET")
            .status(),
        303,
        "12 hours end it even when active"
    );
}

trait NowForTest {
    fn now_for_test(&self) -> DateTime<Utc>;
}

impl NowForTest for Arc<Movable> {
    fn now_for_test(&self) -> DateTime<Utc> {
        isj_tracker::clock::Clock::now(self.as_ref())
    }
}

/// An office behind one router: ten colleagues sign in within a minute while a machine on
/// the same address sends junk POSTs and wrong passwords. Junk (no or a wrong CSRF token) is
/// not counted at all; wrong passwords past the limit slow the address down, and every
/// correct sign-in still gets in.
#[tokio::test]
async fn one_machine_cannot_lock_its_office_out() {
    let app = spawn_app().await;
    let mut colleagues = Vec::new();
    for n in 0..10 {
        colleagues.push(
            app.create_user(&format!("coleg{n}@isj.test"), Role::Juridic)
                .await,
        );
    }
    let junk = cookie_client();
    let failures = isj_tracker::auth::throttle::FAILED_PASSWORDS_PER_ADDRESS;
    // Past the address's failed passwords first, spread over many accounts.
    for n in 0..=failures {
        let r = app
            .post_password(&junk, &format!("ghicit{n}@isj.test"), "parola")
            .await;
        assert_eq!(r.status(), 401);
    }
    let noise = async {
        let mut statuses = Vec::new();
        for n in 0..40 {
            let form = [("csrf", "fals"), ("email", "x@isj.test"), ("password", "x")];
            let r = junk
                .post(app.url("/login"))
                .form(&form)
                .send()
                .await
                .expect("junk");
            statuses.push(r.status().as_u16());
            if n % 10 == 0 {
                let r = app.post_password(&junk, "coleg0@isj.test", "gresit").await;
                statuses.push(r.status().as_u16());
            }
        }
        statuses
    };
    let office = futures_util::future::join_all(colleagues.iter().map(|user| async {
        let client = cookie_client();
        let password = app
            .post_password(&client, &user.email, &user.password)
            .await;
        let code = app.post_code(&client, &current_code(&user.secret)).await;
        let home = client.get(app.url("/")).send().await.expect("home");
        let statuses = [password.status(), code.status(), home.status()];
        statuses.map(|s| s.as_u16())
    }));
    let (noise, office) = tokio::join!(noise, office);
    assert!(noise.iter().all(|s| *s == 403 || *s == 401), "{noise:?}");
    assert_eq!(
        office,
        vec![[303, 303, 200]; 10],
        "every colleague signed in"
    );
    let slowed = app
        .db
        .scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'autentificare încetinită'")
        .await;
    assert_eq!(slowed, 1, "the address slowed down once, audited");
}

#[tokio::test]
async fn the_setup_link_creates_the_first_admin_once() {
    let app = spawn_app().await;
    let connection = app.db.connect().await;
    // The test app already has a user, so make the link the way `serve` does on an empty base.
    let token = isj_tracker::auth::tokens::new_token();
    let expires = Utc::now() + Duration::hours(1);
    isj_tracker::db::staff::create_link(
        &connection,
        &isj_tracker::auth::tokens::token_hash(&token),
        None,
        expires,
    )
    .await
    .expect("link");

    let page = app
        .anonymous
        .get(app.url(&format!("/setup/{token}")))
        .send()
        .await
        .expect("GET");
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["referrer-policy"], "no-referrer");
    let html = page.text().await.expect("body");
    assert!(html.contains("<svg"), "QR drawn on the server");
    let (_, secret) = shown_secret(&html);
    let sealed = hidden_value(&html, "sealed_secret");
    let password = "un munte de hârtii";
    let form = |code: String| {
        vec![
            ("sealed_secret", sealed.clone()),
            ("email", "Admin@ISJ.test".to_string()),
            ("name", "Administrator ISJ".to_string()),
            ("password", password.to_string()),
            ("password_again", password.to_string()),
            ("code", code),
        ]
    };
    let wrong = app
        .anonymous
        .post(app.url(&format!("/setup/{token}")))
        .form(&form("000000".into()))
        .send()
        .await
        .expect("POST");
    assert_eq!(wrong.status(), 422);
    let done = app
        .anonymous
        .post(app.url(&format!("/setup/{token}")))
        .form(&form(current_code(&secret)))
        .send()
        .await
        .expect("POST");
    assert_eq!(done.status(), 200);
    let codes_page = done.text().await.expect("body");
    assert_eq!(
        codes_page.matches("<li><code>").count(),
        10,
        "ten recovery codes shown"
    );
    let again = app
        .anonymous
        .get(app.url(&format!("/setup/{token}")))
        .send()
        .await
        .expect("GET");
    assert_eq!(again.status(), 404, "the link works once");
    assert_eq!(
        app.db
            .scalar(
                "SELECT COUNT(*) FROM staff_user WHERE email = 'admin@isj.test' AND role = 'admin'"
            )
            .await,
        1
    );
    let stored = app
        .db
        .scalar(&format!(
            "SELECT COUNT(*) FROM staff_user WHERE totp_secret LIKE '%{}%'",
            hex_of(&secret)
        ))
        .await;
    assert_eq!(stored, 0, "the TOTP secret is stored encrypted");
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test]
async fn user_add_prints_a_link_or_an_otpauth_uri() {
    let db = TestDb::new().await;
    let run = db.cli(&[
        "user",
        "add",
        "Maria@ISJ.test",
        "--role",
        "juridic",
        "--name",
        "Maria Pop",
    ]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stdout.contains("/setup/"), "{}", run.stdout);
    let mut child = db
        .command(&[
            "user",
            "add",
            "ion@isj.test",
            "--role",
            "inspector",
            "--password-stdin",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    use std::io::Write;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"o parola destul de lunga\n")
        .expect("write");
    let output = child.wait_with_output().expect("wait");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success());
    assert!(
        stdout.contains("otpauth://totp/isj-tracker:ion%40isj.test?secret="),
        "{stdout}"
    );
    let taken = db.cli(&["user", "add", "maria@isj.test", "--role", "admin"]);
    assert_eq!(taken.status, 1);
    let bad_role = db.cli(&["user", "add", "x@isj.test", "--role", "root"]);
    assert_eq!(bad_role.status, 1);
    assert_eq!(db.scalar("SELECT COUNT(*) FROM staff_user").await, 2);
    assert!(
        taken.stderr.contains("există deja un cont"),
        "{}",
        taken.stderr
    );
    assert_eq!(
        db.scalar("SELECT COUNT(*) FROM change_log WHERE kind = 'staff_added' AND actor = 'linie de comandă'")
            .await,
        2,
        "accounts added from the command line are changes in the log"
    );
    let key = std::fs::metadata(db.dir.path().join("data/secret.key")).expect("key file");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(key.permissions().mode() & 0o777, 0o600);
}
