//! `backup` while the service writes, `restore` into a fresh folder, the nightly backup and
//! its retention, and the archives a restore refuses.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};

use isj_tracker::domain::audit::AuditEntry;

use super::helpers::*;

/// Appends numbered audit rows, each its own commit, until told to stop; `committed` is the
/// highest number known to be committed.
fn start_writer(
    conn: sea_orm::DatabaseConnection,
    committed: Arc<AtomicI64>,
    stop: Arc<AtomicBool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut n = 0;
        while !stop.load(Ordering::SeqCst) {
            n += 1;
            let entry = AuditEntry {
                at: chrono::Utc::now(),
                actor: "scriitor de test".into(),
                action: "test.write".into(),
                entity: "test".into(),
                entity_id: Some(n.to_string()),
                details: None,
                before: None,
                after: None,
            };
            isj_tracker::db::audit::record(&conn, entry)
                .await
                .expect("write");
            committed.store(n, Ordering::SeqCst);
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
    })
}

/// The numbers of the writer's rows in a database, sorted.
async fn written_numbers(conn: &sea_orm::DatabaseConnection) -> Vec<i64> {
    use sea_orm::ConnectionTrait;
    let rows = conn
        .query_all_raw(sea_orm::Statement::from_string(
            conn.get_database_backend(),
            "SELECT entity_id FROM audit_log WHERE action = 'test.write'",
        ))
        .await
        .expect("rows");
    let mut numbers: Vec<i64> = rows
        .iter()
        .map(|r| {
            r.try_get_by_index::<String>(0)
                .expect("id")
                .parse()
                .expect("number")
        })
        .collect();
    numbers.sort_unstable();
    numbers
}

/// The real binary on the test's database and the key the test server uses.
fn cli(db: &TestDb, args: &[&str]) -> CliRun {
    let output = db
        .command(args)
        .env("ISJ_SECRET_KEY_FILE", db.dir.path().join("secret.key"))
        .output()
        .expect("run isj-tracker");
    CliRun::from(output)
}

fn mode_of(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).expect("file").permissions().mode() & 0o777
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_while_writing_restores_every_committed_row_and_sign_in() {
    let app = spawn_app().await;
    if !app.db.is_sqlite() {
        return; // PostgreSQL's copy is pg_dump's work: see the test below.
    }
    let user = app
        .create_user(
            "restaurat@isj.test",
            isj_tracker::domain::staff::Role::Juridic,
        )
        .await;
    let committed = Arc::new(AtomicI64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let writer = start_writer(app.db.connect().await, committed.clone(), stop.clone());
    while committed.load(Ordering::SeqCst) < 50 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let before_backup = committed.load(Ordering::SeqCst);
    let archive = app.db.dir.path().join("copie.tar.gz");
    let run = cli(&app.db, &["backup", archive.to_str().expect("path")]);
    let after_backup = committed.load(Ordering::SeqCst);
    stop.store(true, Ordering::SeqCst);
    writer.await.expect("writer");
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stdout.contains("Copie scrisă"), "{}", run.stdout);
    assert_eq!(mode_of(&archive), 0o600);
    assert!(
        after_backup > before_backup,
        "the writer kept writing during the backup"
    );

    // A fresh folder: the database and the key come only from the archive.
    let fresh = TestDb {
        url: String::new(),
        dir: tempfile::tempdir().expect("dir"),
    };
    let fresh_db = fresh.dir.path().join("date/isj.db");
    let fresh_key = fresh.dir.path().join("secret.key");
    let restored = std::process::Command::new(env!("CARGO_BIN_EXE_isj-tracker"))
        .args(["restore", archive.to_str().expect("path")])
        .env(
            "ISJ_DATABASE_URL",
            format!("sqlite://{}?mode=rwc", fresh_db.display()),
        )
        .env("ISJ_SECRET_KEY_FILE", &fresh_key)
        .current_dir(fresh.dir.path())
        .output()
        .expect("restore");
    let restored = CliRun::from(restored);
    assert_eq!(restored.status, 0, "{}", restored.stderr);
    assert_eq!(mode_of(&fresh_key), 0o600);
    assert_eq!(
        std::fs::read(&fresh_key).expect("key"),
        std::fs::read(app.db.dir.path().join("secret.key")).expect("key")
    );

    let fresh = TestDb {
        url: format!("sqlite://{}?mode=rwc", fresh_db.display()),
        dir: fresh.dir,
    };
    let conn = fresh.connect().await;
    let numbers = written_numbers(&conn).await;
    let last = *numbers.last().expect("rows restored");
    assert!(
        last >= before_backup,
        "every row committed before the backup began is in it ({last} < {before_backup})"
    );
    assert_eq!(
        numbers,
        (1..=last).collect::<Vec<_>>(),
        "a consistent prefix: no row missing in the middle"
    );
    conn.close().await.ok();

    // The restored files sign the same person in (the key decrypts their TOTP secret).
    let restored_app = spawn_app_for(fresh).await;
    let client = restored_app.signed_in(&user).await;
    let page = client
        .get(restored_app.url("/"))
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_refuses_a_database_in_use_and_leaves_it() {
    let app = spawn_app().await;
    if !app.db.is_sqlite() {
        return;
    }
    let archive = app.db.dir.path().join("copie.tar.gz");
    let run = cli(&app.db, &["backup", archive.to_str().expect("path")]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let users_before = app.db.scalar("SELECT COUNT(*) FROM staff_user").await;

    // This test process serves the database: the restore must not replace it.
    let refused = cli(&app.db, &["restore", archive.to_str().expect("path")]);
    assert_eq!(refused.status, 1, "{}", refused.stdout);
    assert!(
        refused.stderr.contains("opriți-l întâi"),
        "{}",
        refused.stderr
    );
    let db_file = app.db.dir.path().join("test.db");
    assert!(db_file.exists());
    assert!(!app.db.dir.path().join("test.db.before-restore").exists());
    let (status, _) = app.get_text("/").await;
    assert_eq!(status, 200);
    assert_eq!(
        app.db.scalar("SELECT COUNT(*) FROM staff_user").await,
        users_before
    );
}

/// Rewrites an archive's members through `change` (name, bytes) → members to write.
fn rewrite(archive: &Path, out: &Path, change: impl Fn(&str, Vec<u8>) -> Vec<(String, Vec<u8>)>) {
    let file = std::fs::File::open(archive).expect("archive");
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(
        std::fs::File::create(out).expect("out"),
        flate2::Compression::fast(),
    ));
    for entry in tar.entries().expect("entries") {
        let mut entry = entry.expect("entry");
        let name = entry.path().expect("path").to_string_lossy().into_owned();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).expect("read");
        for (name, bytes) in change(&name, bytes) {
            // The name goes in raw: the builder itself refuses `..`, a hostile one would not.
            let mut header = tar::Header::new_gnu();
            header.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
            header.set_size(bytes.len() as u64);
            header.set_mode(0o600);
            header.set_cksum();
            builder.append(&header, bytes.as_slice()).expect("append");
        }
    }
    builder.into_inner().expect("tar").finish().expect("gzip");
}

fn restore_into(archive: &Path, folder: &Path) -> CliRun {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_isj-tracker"))
        .args(["restore", archive.to_str().expect("path")])
        .env(
            "ISJ_DATABASE_URL",
            format!("sqlite://{}?mode=rwc", folder.join("isj.db").display()),
        )
        .env("ISJ_SECRET_KEY_FILE", folder.join("secret.key"))
        .current_dir(folder)
        .output()
        .expect("restore");
    CliRun::from(output)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_refuses_broken_archives_and_writes_nothing() {
    let app = spawn_app().await;
    if !app.db.is_sqlite() {
        return;
    }
    let dir = app.db.dir.path();
    let good = dir.join("copie.tar.gz");
    assert_eq!(
        cli(&app.db, &["backup", good.to_str().expect("path")]).status,
        0
    );
    let bytes = std::fs::read(&good).expect("archive");
    let mut cases: Vec<(&str, PathBuf, &str)> = Vec::new();

    let cut = dir.join("cut.tar.gz");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).expect("write");
    cases.push(("cut in half", cut, "nu este o copie"));

    let not_gzip = dir.join("text.tar.gz");
    std::fs::write(&not_gzip, "nu este o arhivă").expect("write");
    cases.push(("not gzip", not_gzip, "nu este o copie"));

    let extra = dir.join("extra.tar.gz");
    rewrite(&good, &extra, |name, bytes| {
        let mut out = vec![(name.to_string(), bytes)];
        if name == "secret.key" {
            out.push(("../../etc/cron.d/x".into(), b"* * * * * root true".to_vec()));
        }
        out
    });
    cases.push(("unknown member", extra, "fișier necunoscut"));

    let no_key = dir.join("no-key.tar.gz");
    rewrite(&good, &no_key, |name, bytes| {
        if name == "secret.key" {
            vec![]
        } else {
            vec![(name.to_string(), bytes)]
        }
    });
    cases.push(("no key", no_key, "lipsește cheia"));

    let other_key = dir.join("other-key.tar.gz");
    rewrite(&good, &other_key, |name, bytes| {
        if name == "secret.key" {
            vec![(name.to_string(), "ab".repeat(32).into_bytes())]
        } else {
            vec![(name.to_string(), bytes)]
        }
    });
    cases.push(("another key", other_key, "nu descifrează"));

    let damaged = dir.join("damaged.tar.gz");
    rewrite(&good, &damaged, |name, mut bytes| {
        if name == "isj-tracker.db" {
            // Scribble over the second page onwards (the header stays readable).
            let end = bytes.len().min(4096 * 6);
            for b in &mut bytes[4096..end] {
                *b = 0x5a;
            }
        }
        vec![(name.to_string(), bytes)]
    });
    cases.push(("damaged database", damaged, "nu este întreagă"));

    for (what, archive, expected) in cases {
        let folder = tempfile::tempdir().expect("dir");
        let run = restore_into(&archive, folder.path());
        assert_eq!(run.status, 1, "{what}: {}", run.stdout);
        assert!(
            run.stderr.contains(expected),
            "{what}: {expected:?} not in {}",
            run.stderr
        );
        assert!(!folder.path().join("isj.db").exists(), "{what}");
        assert!(!folder.path().join("secret.key").exists(), "{what}");
        assert!(
            !std::path::Path::new("/etc/cron.d/x").exists(),
            "{what}: nothing outside the folder"
        );
    }
}

#[tokio::test]
async fn nightly_backup_once_a_day_from_two_and_keeps_the_newest() {
    let db = TestDb::new().await;
    let conn = db.connect().await;
    let mut config = test_config(&db);
    let folder = db.dir.path().join("copii");
    config.backup_dir = Some(folder.clone());
    config.backup_keep = 2;
    isj_tracker::auth::secret_key::SecretKey::load_or_create(&config.secret_key_file).expect("key");
    let at = |s: &str| {
        chrono::DateTime::parse_from_rfc3339(s)
            .expect("time")
            .to_utc()
    };
    let nightly = |now| isj_tracker::backup::nightly_if_due(&conn, &config, now);
    // 01:59 in Bucharest (UTC+2 in December): not yet.
    assert!(
        nightly(at("2026-12-01T23:59:00Z"))
            .await
            .expect("run")
            .is_none()
    );
    let first = nightly(at("2026-12-02T00:00:00Z"))
        .await
        .expect("run")
        .expect("written at 02:00");
    assert!(
        first
            .archive
            .ends_with("isj-tracker-2026-12-02-020000.tar.gz"),
        "{}",
        first.archive.display()
    );
    assert!(
        nightly(at("2026-12-02T10:00:00Z"))
            .await
            .expect("run")
            .is_none()
    );
    for day in ["03", "04"] {
        let written = nightly(at(&format!("2026-12-{day}T01:00:00Z")))
            .await
            .expect("run");
        assert!(written.is_some(), "day {day}");
    }
    let mut names: Vec<String> = std::fs::read_dir(&folder)
        .expect("folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "isj-tracker-2026-12-03-030000.tar.gz",
            "isj-tracker-2026-12-04-030000.tar.gz"
        ]
    );
    if !db.is_sqlite() {
        return;
    }
    // Off by default: without a folder nothing is written.
    config.backup_dir = None;
    assert!(
        isj_tracker::backup::nightly_if_due(&conn, &config, at("2026-12-05T01:00:00Z"))
            .await
            .expect("run")
            .is_none()
    );
}

#[tokio::test]
async fn postgres_backup_holds_the_key_and_prints_pg_dump_without_password() {
    let db = TestDb::new().await;
    if db.is_sqlite() {
        return;
    }
    db.connect().await;
    isj_tracker::auth::secret_key::SecretKey::load_or_create(&db.dir.path().join("secret.key"))
        .expect("key");
    let url_with_password = db.url.replacen(
        "postgres://postgres@",
        "postgres://postgres:parola-secreta@",
        1,
    );
    let archive = db.dir.path().join("copie.tar.gz");
    let run = db
        .command(&["backup", archive.to_str().expect("path")])
        .env("ISJ_DATABASE_URL", &url_with_password)
        .env("ISJ_SECRET_KEY_FILE", db.dir.path().join("secret.key"))
        .output()
        .expect("backup");
    let run = CliRun::from(run);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("pg_dump --format=custom"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("parola-secreta"), "{}", run.stdout);
    let mut names = Vec::new();
    let file = std::fs::File::open(&archive).expect("archive");
    for entry in tar::Archive::new(flate2::read::GzDecoder::new(file))
        .entries()
        .expect("entries")
    {
        names.push(
            entry
                .expect("entry")
                .path()
                .expect("path")
                .to_string_lossy()
                .into_owned(),
        );
    }
    assert_eq!(names, ["manifest.json", "secret.key"]);
}

/// A 1 MiB archive holding a 1 GiB database (zeros compress well) is refused from the
/// member's size, before a byte of it is written; so is a member over a smaller cap asked
/// for on the command line.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_refuses_a_huge_member_before_writing_it() {
    let app = spawn_app().await;
    if !app.db.is_sqlite() {
        return;
    }
    let dir = app.db.dir.path();
    let good = dir.join("copie.tar.gz");
    assert_eq!(
        cli(&app.db, &["backup", good.to_str().expect("path")]).status,
        0
    );
    let bomb = dir.join("bomb.tar.gz");
    {
        let file = std::fs::File::open(&good).expect("archive");
        let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(file));
        let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(
            std::fs::File::create(&bomb).expect("out"),
            flate2::Compression::best(),
        ));
        for entry in tar.entries().expect("entries") {
            let mut entry = entry.expect("entry");
            let name = entry.path().expect("path").to_string_lossy().into_owned();
            let mut header = tar::Header::new_gnu();
            header.set_mode(0o600);
            if name == "isj-tracker.db" {
                let size = 1u64 << 30;
                header.set_size(size);
                builder
                    .append_data(&mut header, &name, std::io::repeat(0).take(size))
                    .expect("append");
            } else {
                let mut bytes = Vec::new();
                entry.read_to_end(&mut bytes).expect("read");
                header.set_size(bytes.len() as u64);
                builder
                    .append_data(&mut header, &name, bytes.as_slice())
                    .expect("append");
            }
        }
        builder.into_inner().expect("tar").finish().expect("gzip");
    }
    let archive_size = std::fs::metadata(&bomb).expect("bomb").len();
    assert!(archive_size < 2 << 20, "{archive_size} bytes");

    let folder = tempfile::tempdir().expect("dir");
    let started = std::time::Instant::now();
    let run = restore_into(&bomb, folder.path());
    assert_eq!(run.status, 1, "{}", run.stdout);
    assert!(
        run.stderr.contains("1024 MiB") && run.stderr.contains("peste limita de 512 MiB"),
        "{}",
        run.stderr
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "refused from the header, not after unpacking"
    );
    let written: u64 = walk_sizes(folder.path());
    assert_eq!(written, 0, "nothing of the member was written");

    // A cap asked for on the command line applies to an ordinary archive too.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_isj-tracker"))
        .args([
            "restore",
            good.to_str().expect("path"),
            "--max-member-mb",
            "0",
        ])
        .env(
            "ISJ_DATABASE_URL",
            format!(
                "sqlite://{}?mode=rwc",
                folder.path().join("isj.db").display()
            ),
        )
        .env("ISJ_SECRET_KEY_FILE", folder.path().join("secret.key"))
        .current_dir(folder.path())
        .output()
        .expect("restore");
    let run = CliRun::from(output);
    assert_eq!(run.status, 1);
    assert!(
        run.stderr.contains("peste limita de 0 MiB"),
        "{}",
        run.stderr
    );
    assert!(!folder.path().join("isj.db").exists());
}

/// Bytes of every file under `folder`.
fn walk_sizes(folder: &Path) -> u64 {
    std::fs::read_dir(folder)
        .expect("folder")
        .map(|entry| {
            let entry = entry.expect("entry");
            let meta = entry.metadata().expect("meta");
            if meta.is_dir() {
                walk_sizes(&entry.path())
            } else {
                meta.len()
            }
        })
        .sum()
}
