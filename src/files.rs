//! Files the service writes hold personal data (the database, mail, reports, backups): only
//! the service's own user may read them.

/// Sets the process umask to 077, so every file it creates (the SQLite database and its
/// WAL/SHM, `.eml` mail, reports) is 0600 and every folder 0700. Called first thing in `main`.
pub fn private_by_default() {
    #[cfg(unix)]
    {
        rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
    }
}

/// Writes `bytes` to `path` readable by the owner only (0600), whatever the umask.
pub fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}
