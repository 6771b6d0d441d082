//! Backup and restore: one `.tar.gz` archive (mode 0600) holding a consistent copy of the
//! SQLite database, the key that encrypts the TOTP secrets (a database without it cannot
//! sign anyone in) and a manifest. On PostgreSQL the database is copied with `pg_dump`; the
//! archive then carries the key and the manifest, and the command to run is printed.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use migration::{Migrator, MigratorTrait};
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::db::{self, DbError, maintenance};

const MANIFEST: &str = "manifest.json";
const DATABASE: &str = "isj-tracker.db";
const KEY: &str = "secret.key";
const FORMAT: u32 = 1;
/// Archives this program writes (and the nightly retention deletes) are named so.
const PREFIX: &str = "isj-tracker-";
const SUFFIX: &str = ".tar.gz";

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("arhiva {0} nu este o copie isj-tracker: {1}")]
    NotAnArchive(String, String),
    #[error("copia nu este întreagă (PRAGMA integrity_check: {0}); nu am restaurat nimic")]
    Damaged(String),
    #[error(
        "copia vine dintr-o versiune mai nouă a programului (migrarea {0} nu este cunoscută); actualizați programul întâi"
    )]
    Newer(String),
    #[error(
        "cheia din arhivă nu descifrează secretele de autentificare din copie; nu am restaurat nimic"
    )]
    KeyMismatch,
    #[error("{0}")]
    Refused(String),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |source| BackupError::Io {
        path: path.display().to_string(),
        source,
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    format: u32,
    created_at: DateTime<Utc>,
    program_version: String,
    /// `sqlite` (the archive holds the database) or `postgres` (only the key).
    backend: String,
    migrations: Vec<String>,
}

/// What a backup wrote.
#[derive(Debug)]
pub struct Written {
    pub archive: PathBuf,
    pub bytes: u64,
    /// On PostgreSQL: the `pg_dump` command that copies the database (no password in it).
    pub pg_dump: Option<String>,
}

/// Where `backup` writes when given a folder or nothing: a name with the local date and time.
pub fn archive_name(now: DateTime<Utc>, timezone: Tz) -> String {
    let local = now.with_timezone(&timezone);
    format!("{PREFIX}{}{SUFFIX}", local.format("%Y-%m-%d-%H%M%S"))
}

/// Writes the archive to `target` (a file, or a folder to name it in).
pub async fn backup(
    conn: &sea_orm::DatabaseConnection,
    config: &Config,
    target: &Path,
    now: DateTime<Utc>,
) -> Result<Written, BackupError> {
    let archive = if target.is_dir() {
        target.join(archive_name(now, config.timezone))
    } else {
        target.to_path_buf()
    };
    let folder = parent_of(&archive);
    std::fs::create_dir_all(&folder).map_err(io(&folder))?;
    let work = tempfile::Builder::new()
        .prefix(".isj-backup-")
        .tempdir_in(&folder)
        .map_err(io(&folder))?;
    let sqlite = db::sqlite_file_path(&config.database_url).is_some();
    let copy = work.path().join(DATABASE);
    if sqlite {
        maintenance::sqlite_copy_into(conn, &copy).await?;
    }
    let manifest = Manifest {
        format: FORMAT,
        created_at: now,
        program_version: env!("CARGO_PKG_VERSION").into(),
        backend: if sqlite { "sqlite" } else { "postgres" }.into(),
        migrations: maintenance::applied_migrations(conn).await?,
    };
    if !config.secret_key_file.exists() {
        return Err(BackupError::Refused(format!(
            "cheia de criptare {} nu există (ISJ_SECRET_KEY_FILE arată altundeva?); fără ea copia nu poate autentifica pe nimeni",
            config.secret_key_file.display()
        )));
    }
    let key = std::fs::read(&config.secret_key_file).map_err(io(&config.secret_key_file))?;
    let partial = work.path().join("archive.partial");
    write_archive(&partial, &manifest, sqlite.then_some(copy.as_path()), &key)?;
    std::fs::rename(&partial, &archive).map_err(io(&archive))?;
    let bytes = std::fs::metadata(&archive).map_err(io(&archive))?.len();
    Ok(Written {
        archive,
        bytes,
        pg_dump: (!sqlite).then(|| pg_dump_command(&config.database_url, now, config.timezone)),
    })
}

fn write_archive(
    path: &Path,
    manifest: &Manifest,
    database: Option<&Path>,
    key: &[u8],
) -> Result<(), BackupError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(path).map_err(io(path))?;
    let gzip = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
    let mut tar = tar::Builder::new(gzip);
    let manifest = serde_json::to_vec_pretty(manifest)
        .map_err(|e| BackupError::Refused(format!("manifest: {e}")))?;
    append_bytes(&mut tar, MANIFEST, &manifest).map_err(io(path))?;
    if let Some(database) = database {
        tar.append_path_with_name(database, DATABASE)
            .map_err(io(database))?;
    }
    append_bytes(&mut tar, KEY, key).map_err(io(path))?;
    let gzip = tar.into_inner().map_err(io(path))?;
    let file = gzip.finish().map_err(io(path))?;
    file.sync_all().map_err(io(path))
}

fn append_bytes<W: Write>(
    tar: &mut tar::Builder<W>,
    name: &str,
    bytes: &[u8],
) -> std::io::Result<()> {
    let mut header = tar::Header::new_gnu();
    header.set_size(bytes.len() as u64);
    header.set_mode(0o600);
    header.set_cksum();
    tar.append_data(&mut header, name, bytes)
}

/// The command that copies a PostgreSQL database, without the password of its URL.
fn pg_dump_command(url: &str, now: DateTime<Utc>, timezone: Tz) -> String {
    let file = archive_name(now, timezone).replace(SUFFIX, ".dump");
    format!(
        "pg_dump --format=custom --file={file} '{}'",
        without_password(url)
    )
}

/// `postgres://user:secret@host/db` → `postgres://user@host/db`.
pub fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((user_info, host)) => {
            let user = user_info.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}@{host}{path}")
        }
        None => url.to_string(),
    }
}

/// What a restore put back.
#[derive(Debug)]
pub struct Restored {
    pub database: Option<PathBuf>,
    pub key: PathBuf,
    pub created_at: DateTime<Utc>,
    /// Files the restore replaced, kept beside them with `.before-restore`.
    pub set_aside: Vec<PathBuf>,
}

/// Puts the archive's database and key where the configuration names them. The copy is
/// checked first (integrity, migrations known to this program, the key opens its secrets);
/// a database another process has open is refused.
pub async fn restore(
    config: &Config,
    archive: &Path,
    max_member_mb: Option<u64>,
) -> Result<Restored, BackupError> {
    let target = db::sqlite_file_path(&config.database_url).map(PathBuf::from);
    let folder = parent_of(target.as_deref().unwrap_or(&config.secret_key_file));
    std::fs::create_dir_all(&folder).map_err(io(&folder))?;
    let work = tempfile::Builder::new()
        .prefix(".isj-restore-")
        .tempdir_in(&folder)
        .map_err(io(&folder))?;
    let cap = member_cap(target.as_deref(), max_member_mb);
    let manifest = unpack(archive, work.path(), cap)?;
    let key_copy = work.path().join(KEY);
    let mut set_aside = Vec::new();
    let database = match &target {
        Some(target) => {
            if manifest.backend != "sqlite" {
                return Err(BackupError::Refused(
                    "arhiva vine de pe PostgreSQL și nu conține baza de date; restaurați-o cu pg_restore, sau configurați ISJ_DATABASE_URL spre PostgreSQL".into(),
                ));
            }
            let _alone = maintenance::take_alone(target)?;
            let copy = work.path().join(DATABASE);
            check_copy(&copy, &key_copy).await?;
            for suffix in ["", "-wal", "-shm"] {
                let mut name = target.as_os_str().to_os_string();
                name.push(suffix);
                set_aside.extend(set_aside_file(Path::new(&name))?);
            }
            std::fs::rename(&copy, target).map_err(io(target))?;
            Some(target.clone())
        }
        None => None,
    };
    if std::fs::read(&config.secret_key_file).ok() != std::fs::read(&key_copy).ok() {
        set_aside.extend(set_aside_file(&config.secret_key_file)?);
        std::fs::rename(&key_copy, &config.secret_key_file).map_err(io(&config.secret_key_file))?;
    }
    Ok(Restored {
        database,
        key: config.secret_key_file.clone(),
        created_at: manifest.created_at,
        set_aside,
    })
}

/// The largest database member a restore unpacks when not told otherwise: four times the
/// live database, never under 512 MiB (a fresh machine has no live database to measure).
pub const MIN_MEMBER_CAP: u64 = 512 * MIB;
const MIB: u64 = 1024 * 1024;
/// A key file is 32 bytes in hex; anything near this is not one.
const KEY_CAP: u64 = 64 * 1024;
/// Room left on the disk beside an unpacked member: the copy's check and migrations write
/// a journal of their own.
const FREE_SPACE_RESERVE: u64 = 64 * MIB;

fn member_cap(live_database: Option<&Path>, max_member_mb: Option<u64>) -> u64 {
    if let Some(mb) = max_member_mb {
        return mb.saturating_mul(MIB);
    }
    let live = live_database
        .and_then(|path| std::fs::metadata(path).ok())
        .map_or(0, |meta| meta.len());
    live.saturating_mul(4).max(MIN_MEMBER_CAP)
}

/// Bytes an unprivileged process may still write in `folder`; `None` when unknown.
fn free_bytes(folder: &Path) -> Option<u64> {
    let stats = rustix::fs::statvfs(folder).ok()?;
    Some(stats.f_bavail.saturating_mul(stats.f_frsize))
}

/// A member's declared size, refused before a byte is written when it passes its cap or
/// the free space of the folder.
fn check_member_size(name: &str, size: u64, cap: u64, into: &Path) -> Result<(), String> {
    let in_mib = |bytes: u64| bytes.div_ceil(MIB);
    if size > cap {
        return Err(format!(
            "{name} are {} MiB, peste limita de {} MiB pentru restaurare (de patru ori baza de date actuală, cel puțin {} MiB; altă limită: --max-member-mb sau ISJ_RESTORE_MAX_MB); nu am scris nimic",
            in_mib(size),
            in_mib(cap),
            in_mib(MIN_MEMBER_CAP)
        ));
    }
    if let Some(free) = free_bytes(into)
        && size.saturating_add(FREE_SPACE_RESERVE) > free
    {
        return Err(format!(
            "{name} are {} MiB, iar pe disc mai sunt liberi {} MiB; eliberați spațiu și reîncercați; nu am scris nimic",
            in_mib(size),
            free / MIB
        ));
    }
    Ok(())
}

/// Reads the archive into `into`, accepting only its three known files, each no larger
/// than its cap (`cap` for the database).
fn unpack(archive: &Path, into: &Path, cap: u64) -> Result<Manifest, BackupError> {
    let refuse = |why: &str| BackupError::NotAnArchive(archive.display().to_string(), why.into());
    let file = std::fs::File::open(archive).map_err(io(archive))?;
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut manifest = None;
    let entries = tar.entries().map_err(|e| refuse(&e.to_string()))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| refuse(&e.to_string()))?;
        let name = entry
            .path()
            .map_err(|e| refuse(&e.to_string()))?
            .to_string_lossy()
            .into_owned();
        if !entry.header().entry_type().is_file() {
            return Err(refuse(&format!("{name} nu este un fișier")));
        }
        match name.as_str() {
            MANIFEST => {
                let mut text = Vec::new();
                entry
                    .by_ref()
                    .take(64 * 1024)
                    .read_to_end(&mut text)
                    .map_err(|e| refuse(&e.to_string()))?;
                manifest = Some(
                    serde_json::from_slice::<Manifest>(&text)
                        .map_err(|e| refuse(&format!("manifest: {e}")))?,
                );
            }
            DATABASE | KEY => {
                let cap = if name == KEY { KEY_CAP } else { cap };
                let size = entry.header().size().map_err(|e| refuse(&e.to_string()))?;
                check_member_size(&name, size, cap, into).map_err(BackupError::Refused)?;
                let path = into.join(&name);
                let mut out = private_file(&path)?;
                std::io::copy(&mut entry.by_ref().take(cap), &mut out)
                    .map_err(|e| refuse(&e.to_string()))?;
            }
            other => return Err(refuse(&format!("conține un fișier necunoscut: {other}"))),
        }
    }
    let manifest = manifest.ok_or_else(|| refuse("lipsește manifest.json"))?;
    if manifest.format != FORMAT {
        return Err(refuse(&format!(
            "formatul {} nu este cunoscut",
            manifest.format
        )));
    }
    if !into.join(KEY).exists() {
        return Err(refuse("lipsește cheia de criptare"));
    }
    if manifest.backend == "sqlite" && !into.join(DATABASE).exists() {
        return Err(refuse("lipsește baza de date"));
    }
    Ok(manifest)
}

fn private_file(path: &Path) -> Result<std::fs::File, BackupError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map_err(io(path))
}

/// The copy must be whole, from this program's migrations or older (it is brought up to
/// date), and its TOTP secrets must open with the archived key.
async fn check_copy(copy: &Path, key: &Path) -> Result<(), BackupError> {
    let url = format!("sqlite://{}?mode=rw", copy.display());
    let conn = db::connect(&url).await?;
    let verdict = maintenance::sqlite_integrity(&conn).await?;
    if verdict != "ok" {
        return Err(BackupError::Damaged(verdict));
    }
    let known: Vec<String> = Migrator::migrations()
        .iter()
        .map(|m| m.name().to_string())
        .collect();
    if let Some(unknown) = maintenance::applied_migrations(&conn)
        .await?
        .into_iter()
        .find(|m| !known.contains(m))
    {
        return Err(BackupError::Newer(unknown));
    }
    db::migrate(&conn).await?;
    let key = crate::auth::secret_key::SecretKey::load_or_create(key)
        .map_err(|e| BackupError::Refused(e.to_string()))?;
    if let Some(sealed) = db::staff::any_sealed_secret(&conn).await?
        && key.decrypt(&sealed).is_err()
    {
        return Err(BackupError::KeyMismatch);
    }
    conn.close().await.map_err(DbError::from)?;
    Ok(())
}

/// Moves an existing file to `NAME.before-restore` (replacing an older one there).
fn set_aside_file(path: &Path) -> Result<Option<PathBuf>, BackupError> {
    if !path.exists() {
        return Ok(None);
    }
    let mut name = path.as_os_str().to_os_string();
    name.push(".before-restore");
    let aside = PathBuf::from(name);
    std::fs::rename(path, &aside).map_err(io(path))?;
    Ok(Some(aside))
}

fn parent_of(path: &Path) -> PathBuf {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// The nightly backup, when `ISJ_BACKUP_DIR` is set: once a local day from 02:00, then only
/// the newest `ISJ_BACKUP_KEEP` archives of the folder are kept.
pub async fn nightly_if_due(
    conn: &sea_orm::DatabaseConnection,
    config: &Config,
    now: DateTime<Utc>,
) -> Result<Option<Written>, BackupError> {
    let Some(folder) = &config.backup_dir else {
        return Ok(None);
    };
    let local = now.with_timezone(&config.timezone);
    if local.time() < chrono::NaiveTime::from_hms_opt(2, 0, 0).unwrap_or_default() {
        return Ok(None);
    }
    std::fs::create_dir_all(folder).map_err(io(folder))?;
    let today = format!("{PREFIX}{}", local.format("%Y-%m-%d"));
    let archives = archives_in(folder)?;
    if archives.iter().any(|name| name.starts_with(&today)) {
        return Ok(None);
    }
    let written = backup(conn, config, folder, now).await?;
    let mut archives = archives_in(folder)?;
    archives.sort();
    let excess = archives.len().saturating_sub(config.backup_keep.max(1));
    for old in &archives[..excess] {
        let path = folder.join(old);
        std::fs::remove_file(&path).map_err(io(&path))?;
    }
    Ok(Some(written))
}

/// When the newest archive of a folder was written (for the metrics).
pub fn newest_archive_time(folder: &Path) -> Option<DateTime<Utc>> {
    let mut names = archives_in(folder).ok()?;
    names.sort();
    let newest = folder.join(names.pop()?);
    let modified = std::fs::metadata(newest).ok()?.modified().ok()?;
    Some(DateTime::<Utc>::from(modified))
}

/// Names of the archives this program wrote in a folder.
fn archives_in(folder: &Path) -> Result<Vec<String>, BackupError> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(folder).map_err(io(folder))? {
        let name = entry.map_err(io(folder))?.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(PREFIX) && name.ends_with(SUFFIX) {
            names.push(name.into_owned());
        }
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_left_out_of_printed_urls() {
        assert_eq!(
            without_password("postgres://isj:s3cr3t@db.local:5432/isj"),
            "postgres://isj@db.local:5432/isj"
        );
        assert_eq!(
            without_password("postgres://isj@db.local/isj"),
            "postgres://isj@db.local/isj"
        );
        assert_eq!(
            without_password("postgres://db.local/isj"),
            "postgres://db.local/isj"
        );
    }

    #[test]
    fn names_sort_by_local_time() {
        let at = DateTime::parse_from_rfc3339("2026-03-29T00:30:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(
            archive_name(at, chrono_tz::Europe::Bucharest),
            "isj-tracker-2026-03-29-023000.tar.gz"
        );
    }
}
