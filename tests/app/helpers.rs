use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use serde_json::Value;

/// The Ministry's national SIIIR workbook (origin and licence in `tests/data/ORIGIN.md`).
pub fn national_xlsx() -> PathBuf {
    test_data("siiir/retea-scolara-2024-2025-national.xlsx")
}

pub fn hd_csv() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("imports/retea-scolara-2024-2025-HD.csv")
}

pub fn test_data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// A fresh database for one test: a SQLite file in a temporary folder, or a new database
/// on the PostgreSQL server named by `ISJ_TEST_POSTGRES_URL`.
pub struct TestDb {
    pub url: String,
    pub dir: tempfile::TempDir,
}

impl TestDb {
    pub async fn new() -> TestDb {
        let dir = tempfile::tempdir().expect("temporary folder");
        let url = match std::env::var("ISJ_TEST_POSTGRES_URL") {
            Ok(admin_url) if !admin_url.is_empty() => {
                let name = format!("t_{}", uuid::Uuid::new_v4().simple());
                let admin = sea_orm::Database::connect(&admin_url)
                    .await
                    .expect("PostgreSQL reachable");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .expect("create test database");
                admin.close().await.ok();
                let base = admin_url
                    .rsplit_once('/')
                    .map_or(admin_url.as_str(), |(b, _)| b)
                    .to_string();
                format!("{base}/{name}")
            }
            _ => format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display()),
        };
        TestDb { url, dir }
    }

    pub fn is_sqlite(&self) -> bool {
        self.url.starts_with("sqlite:")
    }

    pub async fn connect(&self) -> DatabaseConnection {
        let db = isj_tracker::db::connect(&self.url).await.expect("connect");
        isj_tracker::db::migrate(&db).await.expect("migrate");
        db
    }

    /// Runs the real binary with this database; the working folder is the test's own.
    pub fn cli(&self, args: &[&str]) -> CliRun {
        let output = self.command(args).output().expect("run isj-tracker");
        CliRun::from(output)
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_isj-tracker"));
        command
            .args(args)
            .env("ISJ_DATABASE_URL", &self.url)
            .env("RUST_LOG", "warn")
            .current_dir(self.dir.path());
        command
    }

    pub fn import(&self, file: &Path, extra: &[&str]) -> CliRun {
        let path = file.to_string_lossy().into_owned();
        let mut args = vec!["import", "schools", path.as_str(), "--format", "json"];
        args.extend_from_slice(extra);
        self.cli(&args)
    }

    /// `campaign set` as of `at` (the deadline may not be before that day).
    pub fn set_campaign(&self, deadline: &str, at: &str) -> CliRun {
        self.cli(&["campaign", "set", "--deadline", deadline, "--at", at])
    }

    /// Runs a command in this process on the test's own clock, so that a test on a fixed
    /// clock never mixes in the real date (the binary runs on the system clock). Paths are
    /// the test's own; returns the exit status.
    pub async fn cli_on(&self, clock: &Arc<dyn isj_tracker::clock::Clock>, args: &[&str]) -> u8 {
        use clap::Parser;
        let dir = self.dir.path();
        let folder = |name: &str| dir.join(name).to_string_lossy().into_owned();
        let (key, reports, outbox) = (folder("secret.key"), folder("reports"), folder("outbox"));
        let mut argv = vec!["isj-tracker"];
        argv.extend_from_slice(args);
        argv.extend([
            "--database-url",
            &self.url,
            "--secret-key-file",
            &key,
            "--reports-dir",
            &reports,
            "--outbox-dir",
            &outbox,
        ]);
        let cli = isj_tracker::cli::Cli::try_parse_from(argv).expect("arguments");
        let code = isj_tracker::cli::run(cli, clock.clone()).await;
        (0..=3)
            .find(|n| code == std::process::ExitCode::from(*n))
            .unwrap_or(u8::MAX)
    }

    pub async fn scalar(&self, sql: &str) -> i64 {
        let db = self.connect().await;
        scalar(&db, sql).await
    }

    /// The first column of the first row as text; `None` when there is no row or it is NULL.
    pub async fn text(&self, sql: &str) -> Option<String> {
        let db = self.connect().await;
        let row = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                sql.to_string(),
            ))
            .await
            .expect("query")?;
        row.try_get_by_index::<Option<String>>(0).expect("text")
    }
}

pub async fn scalar(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            sql.to_string(),
        ))
        .await
        .expect("query")
        .expect("one row");
    // COUNT(*) is BIGINT, ids are INTEGER on PostgreSQL; SQLite has one integer type.
    row.try_get_by_index::<i64>(0)
        .or_else(|_| row.try_get_by_index::<i32>(0).map(i64::from))
        .expect("integer")
}

pub struct CliRun {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for CliRun {
    fn from(output: Output) -> Self {
        CliRun {
            status: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

impl CliRun {
    pub fn json(&self) -> Value {
        serde_json::from_str(self.stdout.trim()).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}): {}\nstderr: {}",
                self.stdout, self.stderr
            )
        })
    }

    pub fn count(&self, key: &str) -> u64 {
        self.json()[key]
            .as_u64()
            .unwrap_or_else(|| panic!("no {key} in {}", self.stdout))
    }
}

/// Writes bytes into the test's folder and returns the path.
pub fn write_file(db: &TestDb, name: &str, bytes: &[u8]) -> PathBuf {
    let path = db.dir.path().join(name);
    std::fs::write(&path, bytes).expect("write test file");
    path
}

/// The web app served in-process on a random loopback port, with a signed-in `juridic`
/// client and an anonymous one.
pub struct TestApp {
    pub address: String,
    pub db: TestDb,
    /// Signed in as a member of the legal department (may read and write).
    pub client: reqwest::Client,
    pub anonymous: reqwest::Client,
    pub key: Arc<isj_tracker::auth::secret_key::SecretKey>,
    /// The server's clock: second-factor codes are computed for its time.
    pub clock: Arc<dyn isj_tracker::clock::Clock>,
}

pub struct TestUser {
    pub email: String,
    pub password: String,
    pub secret: Vec<u8>,
    pub recovery_codes: Vec<String>,
}

pub fn cookie_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// A client whose connections leave from another loopback address (`127.0.0.2`…): to the
/// server, another network.
pub fn cookie_client_from(address: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .local_address(address.parse::<std::net::IpAddr>().ok())
        .build()
        .expect("client")
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with_clock(Arc::new(isj_tracker::clock::SystemClock)).await
}

pub async fn spawn_app_with_clock(clock: Arc<dyn isj_tracker::clock::Clock>) -> TestApp {
    let mut app = serve_app(TestDb::new().await, clock).await;
    let user = app
        .create_user(
            "juridic@isj.test",
            isj_tracker::domain::staff::Role::Juridic,
        )
        .await;
    app.client = app.signed_in(&user).await;
    app
}

/// Starts the service for this database (and its folder's key file) exactly as `serve` does,
/// on a free port and without the heartbeat; returns the base URL.
async fn serve_in_process(db: &TestDb, clock: Arc<dyn isj_tracker::clock::Clock>) -> String {
    let application = isj_tracker::startup::Application::build(test_config(db), clock)
        .await
        .expect("the service starts");
    let address = format!("http://{}", application.address());
    tokio::spawn(async move {
        application.run_until_stopped().await.expect("server");
    });
    address
}

/// The settings a test server runs with (mail as `.eml` files in the test's folder).
pub fn test_config(db: &TestDb) -> isj_tracker::config::Config {
    isj_tracker::config::Config {
        database_url: db.url.clone(),
        bind: "127.0.0.1:0".parse().expect("address"),
        base_url: Some("https://isj.test".into()),
        county: "HD".into(),
        timezone: chrono_tz::Europe::Bucharest,
        secret_key_file: db.dir.path().join("secret.key"),
        secure_cookies: Some(false),
        trusted_proxies: Vec::new(),
        smtp_url: None,
        smtp_timeout: 5,
        mail_from: "ISJ <isj@test.invalid>".into(),
        legal_email: Some("juridic@isj.test".into()),
        outbox_dir: db.dir.path().join("outbox"),
        reports_dir: db.dir.path().join("reports"),
        metrics_token: None,
        backup_dir: None,
        backup_keep: 14,
        no_heartbeat: true,
        portal: Default::default(),
    }
}

/// A server on an existing database and its folder's key, with no account created.
pub async fn spawn_app_for(db: TestDb) -> TestApp {
    serve_app(db, Arc::new(isj_tracker::clock::SystemClock)).await
}

async fn serve_app(db: TestDb, clock: Arc<dyn isj_tracker::clock::Clock>) -> TestApp {
    let address = serve_in_process(&db, clock.clone()).await;
    let key = Arc::new(
        isj_tracker::auth::secret_key::SecretKey::load_or_create(&db.dir.path().join("secret.key"))
            .expect("key"),
    );
    TestApp {
        address,
        db,
        client: cookie_client(),
        anonymous: cookie_client(),
        key,
        clock,
    }
}

/// A second server on the same database and key, as after a restart.
pub async fn spawn_app_on(app: &TestApp) -> TestApp {
    let address = serve_in_process(&app.db, Arc::new(isj_tracker::clock::SystemClock)).await;
    let db = TestDb {
        url: app.db.url.clone(),
        dir: tempfile::tempdir().expect("dir"),
    };
    TestApp {
        address,
        db,
        client: cookie_client(),
        anonymous: cookie_client(),
        key: app.key.clone(),
        clock: Arc::new(isj_tracker::clock::SystemClock),
    }
}

impl TestApp {
    /// Signs in with the code of the next time step (the current one may be spent already).
    pub async fn signed_in_later(&self, user: &TestUser) -> reqwest::Client {
        let client = cookie_client();
        assert_eq!(
            self.post_password(&client, &user.email, &user.password)
                .await
                .status(),
            303
        );
        assert_eq!(
            self.post_code(&client, &next_code(&user.secret))
                .await
                .status(),
            303,
            "second sign-in for {}",
            user.email
        );
        client
    }

    pub async fn get_text(&self, path: &str) -> (u16, String) {
        let response = self
            .client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("GET");
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// A form posted by the signed-in client, with its CSRF token.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.post_as(&self.client, path, fields).await
    }

    /// A form posted by `client`, with its CSRF token.
    pub async fn post_as(
        &self,
        client: &reqwest::Client,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let csrf = self.csrf_of(client).await;
        let mut form: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
        form.extend_from_slice(fields);
        client
            .post(self.url(path))
            .form(&form)
            .send()
            .await
            .expect("POST")
    }

    /// An enrolled account, made directly in the database.
    pub async fn create_user(
        &self,
        email: &str,
        role: isj_tracker::domain::staff::Role,
    ) -> TestUser {
        let connection = self.db.connect().await;
        let password = format!("parola-de-test-{}", uuid::Uuid::new_v4().simple());
        let secret = isj_tracker::auth::totp::new_secret();
        let (codes, hashes) = isj_tracker::auth::recovery::new_set();
        let new = isj_tracker::db::staff::NewUser {
            email,
            name: email,
            role,
            password_hash: Some(isj_tracker::auth::password::hash(&password).expect("hash")),
            totp_secret: Some(self.key.encrypt(&secret).expect("seal")),
            recovery_hashes: hashes,
        };
        isj_tracker::db::staff::create(&connection, new, chrono::Utc::now())
            .await
            .expect("create")
            .expect("new e-mail");
        TestUser {
            email: email.to_string(),
            password,
            secret,
            recovery_codes: codes,
        }
    }

    /// The login form's CSRF token (its cookie lands in the client's store).
    pub async fn login_csrf(&self, client: &reqwest::Client) -> String {
        let page = client
            .get(self.url("/login"))
            .send()
            .await
            .expect("login page")
            .text()
            .await
            .expect("body");
        hidden_value(&page, "csrf")
    }

    /// Password step; returns the response (303 to /login/totp when right).
    pub async fn post_password(
        &self,
        client: &reqwest::Client,
        email: &str,
        password: &str,
    ) -> reqwest::Response {
        let csrf = self.login_csrf(client).await;
        let form = [
            ("csrf", csrf.as_str()),
            ("email", email),
            ("password", password),
        ];
        client
            .post(self.url("/login"))
            .form(&form)
            .send()
            .await
            .expect("POST /login")
    }

    pub async fn post_code(&self, client: &reqwest::Client, code: &str) -> reqwest::Response {
        let page = client
            .get(self.url("/login/totp"))
            .send()
            .await
            .expect("code page")
            .text()
            .await
            .expect("body");
        let csrf = hidden_value(&page, "csrf");
        client
            .post(self.url("/login/totp"))
            .form(&[("csrf", csrf.as_str()), ("code", code)])
            .send()
            .await
            .expect("POST code")
    }

    /// A client that went through password and TOTP.
    pub async fn signed_in(&self, user: &TestUser) -> reqwest::Client {
        let client = cookie_client();
        let response = self
            .post_password(&client, &user.email, &user.password)
            .await;
        assert_eq!(response.status(), 303, "password step for {}", user.email);
        let now = u64::try_from(self.clock.now().timestamp()).expect("time");
        let code = isj_tracker::auth::totp::code_at(&user.secret, now).expect("code");
        let response = self.post_code(&client, &code).await;
        assert_eq!(response.status(), 303, "second factor for {}", user.email);
        client
    }

    /// The CSRF token of a signed-in client's session (from any page's forms).
    pub async fn csrf_of(&self, client: &reqwest::Client) -> String {
        let page = client
            .get(self.url("/imports"))
            .send()
            .await
            .expect("page")
            .text()
            .await
            .expect("body");
        hidden_value(&page, "csrf")
    }
}

pub fn current_code(secret: &[u8]) -> String {
    let now = u64::try_from(chrono::Utc::now().timestamp()).expect("time");
    isj_tracker::auth::totp::code_at(secret, now).expect("code")
}

/// The code of the next time step: still accepted (±1 step) when the current one is spent.
pub fn next_code(secret: &[u8]) -> String {
    let now = u64::try_from(chrono::Utc::now().timestamp()).expect("time");
    isj_tracker::auth::totp::code_at(secret, now + 30).expect("code")
}

/// The base32 key an enrolment page shows (`id="totp-secret"`), and the secret it encodes.
pub fn shown_secret(page: &str) -> (String, Vec<u8>) {
    let text = page
        .split("id=\"totp-secret\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .expect("secret shown");
    (text.to_string(), secret_from_base32(text))
}

pub fn secret_from_base32(text: &str) -> Vec<u8> {
    totp_rs::Secret::try_from_base32(text.trim())
        .expect("base32")
        .as_bytes()
        .to_vec()
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("port")
        .local_addr()
        .expect("address")
        .port()
}

/// The value of the first hidden input with this name.
pub fn hidden_value(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    page.split(&marker)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_string()
}

/// Today in Bucharest by the real clock, for tests that run on it: their dates are counted
/// from this day, never written as fixed dates.
pub fn today() -> chrono::NaiveDate {
    isj_tracker::domain::calendar::local_date(chrono::Utc::now(), chrono_tz::Europe::Bucharest)
}

/// The day `days` after today (before, when negative), as `YYYY-MM-DD`.
pub fn day_from_today(days: i64) -> String {
    (today() + chrono::Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

/// A clock the test moves by hand.
pub struct Movable(pub std::sync::Mutex<chrono::DateTime<chrono::Utc>>);

impl Movable {
    pub fn at(start: chrono::DateTime<chrono::Utc>) -> Arc<Movable> {
        Arc::new(Movable(std::sync::Mutex::new(start)))
    }

    pub fn set(&self, at: chrono::DateTime<chrono::Utc>) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = at;
    }

    pub fn advance(&self, by: chrono::Duration) {
        let now = isj_tracker::clock::Clock::now(self);
        self.set(now + by);
    }
}

impl isj_tracker::clock::Clock for Movable {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Whether an outside tool a test needs is here (`program args…` succeeds). Where `require`
/// (an `ISJ_REQUIRE_…` variable) is 1, as in CI, its absence fails the test instead.
pub fn tool_present(program: &str, args: &[&str], require: &str, what: &str) -> bool {
    let present = Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success());
    if !present && std::env::var(require).is_ok_and(|v| v == "1") {
        panic!("{what} is required ({require}=1) but not installed");
    }
    present
}

/// Runs a Python script with Debian's python3 on `file` (its `sys.argv[1]`) and reads the
/// JSON it prints.
pub fn python_json<T: serde::de::DeserializeOwned>(script: &str, file: &Path) -> T {
    let output = Command::new("/usr/bin/python3")
        .args(["-c", script])
        .arg(file)
        .output()
        .expect("python3");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("json")
}

/// A child process ended when the test ends, however it ends.
pub struct KillOnDrop(pub std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The first 50 active schools in the school list's order, each read back whole.
pub async fn listed_schools(
    connection: &sea_orm::DatabaseConnection,
) -> Vec<isj_tracker::domain::school::StoredSchool> {
    use sea_orm::ConnectionTrait;
    let rows = connection
        .query_all_raw(sea_orm::Statement::from_string(
            connection.get_database_backend(),
            "SELECT code FROM school WHERE active = true \
             ORDER BY locality, pj_code, status DESC, code LIMIT 50",
        ))
        .await
        .expect("codes");
    let mut found = Vec::new();
    for row in rows {
        let code: String = row.try_get("", "code").expect("code");
        let school = isj_tracker::db::schools::find(connection, &code)
            .await
            .expect("read")
            .expect("the school");
        found.push(school);
    }
    found
}
