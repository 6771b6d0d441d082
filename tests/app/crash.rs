//! Crash safety: `kill -9` during an import leaves the old data or the new data, never a mix.

use std::time::Instant;

use sea_orm::{ConnectionTrait, Statement};

use super::helpers::*;

async fn integrity_ok(db: &TestDb) -> bool {
    if !db.is_sqlite() {
        return true;
    }
    let connection = db.connect().await;
    let row = connection
        .query_one_raw(Statement::from_string(
            connection.get_database_backend(),
            "PRAGMA integrity_check",
        ))
        .await
        .expect("pragma")
        .expect("row");
    row.try_get_by_index::<String>(0).expect("text") == "ok"
}

#[tokio::test]
async fn kill_during_a_national_import_leaves_old_or_new_data() {
    // How long a full import of the national file takes on this machine.
    let calibration = TestDb::new().await;
    assert_eq!(calibration.import(&hd_csv(), &[]).status, 0);
    let started = Instant::now();
    assert_eq!(calibration.import(&national_xlsx(), &[]).status, 0);
    let full = started.elapsed();

    let mut outcomes = Vec::new();
    for fraction in [0.3, 0.6, 0.8, 0.88, 0.94, 0.98] {
        let db = TestDb::new().await;
        assert_eq!(db.import(&hd_csv(), &[]).status, 0);
        let national = national_xlsx();
        let mut child = db
            .command(&[
                "import",
                "schools",
                &national.to_string_lossy(),
                "--format",
                "json",
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn import");
        tokio::time::sleep(full.mul_f64(fraction)).await;
        child.kill().expect("kill -9");
        child.wait().expect("reap");
        let schools = db.scalar("SELECT COUNT(*) FROM school").await;
        let batches = db.scalar("SELECT COUNT(*) FROM import_batch").await;
        assert!(
            (schools, batches) == (256, 1) || (schools, batches) == (18200, 2),
            "mixed state after kill at {fraction}: {schools} schools, {batches} batches"
        );
        assert!(
            integrity_ok(&db).await,
            "integrity check after kill at {fraction}"
        );
        // The next run completes normally from whatever state was left.
        let retry = db.import(&national_xlsx(), &[]);
        assert_eq!(retry.status, 0);
        assert_eq!(db.scalar("SELECT COUNT(*) FROM school").await, 18200);
        outcomes.push(schools);
    }
    assert!(
        outcomes.contains(&256),
        "no kill landed before the commit ({full:?}): {outcomes:?}"
    );
    eprintln!("full import {full:?}; states after kills: {outcomes:?}");
}
