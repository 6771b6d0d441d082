//! Settings: each one an environment variable and a flag (design §3.2).

use std::net::SocketAddr;

use clap::Args;

#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Database URL: `sqlite://FILE?mode=rwc` (created on first use) or `postgres://…`.
    #[arg(
        long,
        env = "ISJ_DATABASE_URL",
        default_value = "sqlite://data/isj-tracker.db?mode=rwc",
        global = true
    )]
    pub database_url: String,
    /// Address the web server listens on.
    #[arg(
        long,
        env = "ISJ_BIND",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub bind: SocketAddr,
    /// Public address of the service, used to build links in e-mails (never the Host header).
    /// Defaults to `http://` + the bind address.
    #[arg(long, env = "ISJ_BASE_URL", global = true)]
    pub base_url: Option<String>,
    /// County code of this inspectorate (SIIIR `Judet PJ`), proposed on web imports.
    #[arg(
        id = "isj_county",
        long = "isj-county",
        value_name = "XX",
        env = "ISJ_COUNTY",
        default_value = "HD",
        global = true
    )]
    pub county: String,
    /// Time zone for dates shown to users and for schedules.
    #[arg(
        long,
        env = "ISJ_TIMEZONE",
        default_value = "Europe/Bucharest",
        global = true
    )]
    pub timezone: chrono_tz::Tz,
    /// File holding the key that encrypts TOTP secrets; created with mode 0600 on first run.
    /// Keep it out of database backups.
    #[arg(
        long,
        env = "ISJ_SECRET_KEY_FILE",
        default_value = "data/secret.key",
        global = true
    )]
    pub secret_key_file: std::path::PathBuf,
    /// Session cookies marked `Secure` with the `__Host-` prefix (and HSTS sent). Defaults to
    /// on unless the service listens on a loopback address.
    #[arg(long, env = "ISJ_SECURE_COOKIES", global = true)]
    pub secure_cookies: Option<bool>,
    /// Reverse proxies (comma-separated IP addresses) whose `X-Forwarded-For` is believed when
    /// limiting login attempts per address; from anyone else the header is ignored.
    #[arg(
        long,
        env = "ISJ_TRUSTED_PROXIES",
        value_delimiter = ',',
        global = true
    )]
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// SMTP relay, e.g. `smtp://user:password@mail.example.ro:587` (STARTTLS when the server
    /// offers it; `?tls=required` to insist) or `smtps://…:465`. Unset: mail is written as
    /// `.eml` files under `ISJ_OUTBOX_DIR`.
    #[arg(long, env = "ISJ_SMTP_URL", global = true, hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// Seconds to wait for the SMTP server before counting a try as failed.
    #[arg(long, env = "ISJ_SMTP_TIMEOUT", default_value_t = 30, global = true)]
    pub smtp_timeout: u64,
    /// Sender of every mail.
    #[arg(
        long,
        env = "ISJ_MAIL_FROM",
        default_value = "Compartimentul Juridic ISJ <isj-tracker@localhost>",
        global = true
    )]
    pub mail_from: String,
    /// The legal department's address: escalations and the weekly report.
    #[arg(long, env = "ISJ_LEGAL_EMAIL", global = true)]
    pub legal_email: Option<String>,
    /// Folder where `export` and the weekly report write files.
    #[arg(
        long,
        env = "ISJ_REPORTS_DIR",
        default_value = "reports",
        global = true
    )]
    pub reports_dir: std::path::PathBuf,
    /// Folder for `.eml` files when no SMTP relay is set.
    #[arg(
        long,
        env = "ISJ_OUTBOX_DIR",
        default_value = "data/outbox",
        global = true
    )]
    pub outbox_dir: std::path::PathBuf,
    /// Bearer token that opens `/metrics` to a scraper elsewhere (`Authorization: Bearer …`).
    /// Unset: `/metrics` answers only direct requests from this machine (not through a proxy).
    #[arg(long, env = "ISJ_METRICS_TOKEN", global = true, hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// Folder for the nightly backup (from 02:00, once a day). Unset: no nightly backup.
    #[arg(long, env = "ISJ_BACKUP_DIR", global = true)]
    pub backup_dir: Option<std::path::PathBuf>,
    /// Nightly archives kept in `ISJ_BACKUP_DIR`; older ones are deleted.
    #[arg(long, env = "ISJ_BACKUP_KEEP", default_value_t = 14, global = true)]
    pub backup_keep: usize,
    /// Serve pages only: no heartbeat (reminders, mail, the portal sync, backups, the
    /// retention rule). For a process beside one that runs them.
    #[arg(long, env = "ISJ_NO_HEARTBEAT", global = true)]
    pub no_heartbeat: bool,
    #[command(flatten)]
    pub portal: PortalConfig,
}

/// The courts' public SOAP service (portal.just.ro) the case sync asks.
#[derive(Debug, Clone, Args)]
pub struct PortalConfig {
    /// The service's address (plain HTTP: the public service has no HTTPS).
    #[arg(
        id = "portal_url",
        long = "portal-url",
        env = "ISJ_PORTAL_URL",
        default_value = PUBLIC_PORTAL_URL,
        global = true
    )]
    pub url: String,
    /// Seconds to wait for one answer before counting the try as failed.
    #[arg(
        id = "portal_timeout",
        long = "portal-timeout",
        env = "ISJ_PORTAL_TIMEOUT",
        default_value_t = 60,
        global = true
    )]
    pub timeout: u64,
    /// Milliseconds between two requests (the service publishes no rate limit; be polite).
    #[arg(
        id = "portal_pace_ms",
        long = "portal-pace-ms",
        env = "ISJ_PORTAL_PACE_MS",
        default_value_t = 500,
        global = true
    )]
    pub pace_ms: u64,
    /// Further tries for a case whose answer failed (timeout, server error), with backoff.
    #[arg(
        id = "portal_retries",
        long = "portal-retries",
        env = "ISJ_PORTAL_RETRIES",
        default_value_t = 2,
        global = true
    )]
    pub retries: u32,
}

pub const PUBLIC_PORTAL_URL: &str = "http://portalquery.just.ro/query.asmx";

impl Default for PortalConfig {
    fn default() -> Self {
        PortalConfig {
            url: PUBLIC_PORTAL_URL.into(),
            timeout: 60,
            pace_ms: 500,
            retries: 2,
        }
    }
}

impl Config {
    /// `Secure` cookies, the `__Host-` prefix and HSTS: on when the public address is
    /// `https://` (the usual set-up: bound to loopback behind an HTTPS proxy), or when bound
    /// beyond loopback; `ISJ_SECURE_COOKIES` overrides.
    pub fn secure_cookies(&self) -> bool {
        self.secure_cookies.unwrap_or_else(|| match &self.base_url {
            Some(url) if url.trim().to_ascii_lowercase().starts_with("https://") => true,
            _ => !self.bind.ip().is_loopback(),
        })
    }

    pub fn base_url(&self) -> String {
        self.base_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.bind))
            .trim_end_matches('/')
            .to_string()
    }
}
