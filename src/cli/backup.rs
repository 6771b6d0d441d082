//! `isj-tracker backup` and `isj-tracker restore`.

use std::path::{Path, PathBuf};

use crate::clock::Clock;
use crate::config::Config;

pub async fn backup(
    config: &Config,
    clock: &dyn Clock,
    path: Option<PathBuf>,
) -> anyhow::Result<()> {
    let target = path
        .or_else(|| config.backup_dir.clone())
        .unwrap_or_else(|| PathBuf::from("backups"));
    if target.extension().is_none() {
        std::fs::create_dir_all(&target)?;
    }
    let db = super::connect_and_migrate(config).await?;
    let written = crate::backup::backup(&db, config, &target, clock.now()).await?;
    say!(
        "Copie scrisă: {} ({:.1} MiB)",
        written.archive.display(),
        written.bytes as f64 / (1024.0 * 1024.0)
    );
    match written.pg_dump {
        None => say!("Conține baza de date și cheia de criptare. Păstrați arhiva în loc sigur."),
        Some(command) => {
            say!("Arhiva conține cheia de criptare. Baza PostgreSQL se copiază cu pg_dump:");
            say!("  {command}");
            say!("Păstrați copia bazei și arhiva împreună: una fără cealaltă nu ajunge.");
        }
    }
    Ok(())
}

pub async fn restore(
    config: &Config,
    archive: &Path,
    max_member_mb: Option<u64>,
) -> anyhow::Result<()> {
    let restored = crate::backup::restore(config, archive, max_member_mb).await?;
    let when = restored
        .created_at
        .with_timezone(&config.timezone)
        .format("%d.%m.%Y %H:%M");
    match &restored.database {
        Some(database) => say!(
            "Baza de date din {when} restaurată în {}",
            database.display()
        ),
        None => say!(
            "Baza PostgreSQL nu este în arhivă: restaurați-o cu pg_restore --clean --if-exists --no-owner --dbname=… din copia făcută cu pg_dump."
        ),
    }
    say!("Cheia de criptare: {}", restored.key.display());
    for aside in &restored.set_aside {
        say!("Fișierul vechi păstrat ca {}", aside.display());
    }
    Ok(())
}
