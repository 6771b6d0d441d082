use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use serde_json::Value;

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures").join(name)
}

pub fn national_xlsx() -> PathBuf {
    fixture("schools/retea-scolara-2024-2025-national.xlsx")
}

pub fn hd_csv() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("imports/retea-scolara-2024-2025-HD.csv")
}

pub fn test_data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)
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
                let admin = sea_orm::Database::connect(&admin_url).await.expect("PostgreSQL reachable");
                admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create test database");
                admin.close().await.ok();
                let base = admin_url.rsplit_once('/').map_or(admin_url.as_str(), |(b, _)| b).to_string();
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
        command.args(args).env("ISJ_DATABASE_URL", &self.url).env("RUST_LOG", "warn").current_dir(self.dir.path());
        command
    }

    pub fn import(&self, file: &Path, extra: &[&str]) -> CliRun {
        let path = file.to_string_lossy().into_owned();
        let mut args = vec!["import", "schools", path.as_str(), "--format", "json"];
        args.extend_from_slice(extra);
        self.cli(&args)
    }

    pub async fn scalar(&self, sql: &str) -> i64 {
        let db = self.connect().await;
        scalar(&db, sql).await
    }
}

pub async fn scalar(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql.to_string()))
        .await
        .expect("query")
        .expect("one row");
    row.try_get_by_index::<i64>(0).expect("integer")
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
        serde_json::from_str(self.stdout.trim()).unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}\nstderr: {}", self.stdout, self.stderr))
    }

    pub fn count(&self, key: &str) -> u64 {
        self.json()[key].as_u64().unwrap_or_else(|| panic!("no {key} in {}", self.stdout))
    }
}

/// Writes bytes into the test's folder and returns the path.
pub fn write_file(db: &TestDb, name: &str, bytes: &[u8]) -> PathBuf {
    let path = db.dir.path().join(name);
    std::fs::write(&path, bytes).expect("write test file");
    path
}

/// The web app served in-process on a random loopback port.
pub struct TestApp {
    pub address: String,
    pub db: TestDb,
    pub client: reqwest::Client,
}

pub async fn spawn_app() -> TestApp {
    let db = TestDb::new().await;
    let connection = db.connect().await;
    let config = isj_tracker::config::Config {
        database_url: db.url.clone(),
        bind: "127.0.0.1:0".parse().expect("address"),
        base_url: None,
        county: "HD".into(),
        timezone: chrono_tz::Europe::Bucharest,
    };
    let state = isj_tracker::web::AppState::new(connection, config, Arc::new(isj_tracker::clock::SystemClock));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(async move {
        axum::serve(listener, isj_tracker::web::router(state)).await.expect("server");
    });
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    TestApp { address, db, client }
}

impl TestApp {
    pub async fn get_text(&self, path: &str) -> (u16, String) {
        let response = self.client.get(format!("{}{path}", self.address)).send().await.expect("GET");
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }
}
