//! The `isj-tracker` command line.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand, ValueEnum};

use std::sync::Arc;

use crate::clock::Clock;
use crate::config::Config;
use crate::domain::import_report::ImportReport;
use crate::import::{ImportKind, ImportOptions, Progress, Silent};

/// `println!` that ends the program quietly when stdout is gone (`isj-tracker … | head`)
/// instead of panicking on the broken pipe.
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::cli::write_out(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `print!` with the same care.
macro_rules! say_raw {
    ($($arg:tt)*) => {
        $crate::cli::write_out(format_args!($($arg)*))
    };
}

/// Writes to stdout; a closed pipe means the reader has what it wanted: exit at once, with
/// success, as `grep`/`head` pipelines expect.
pub fn write_out(text: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(text).and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("eroare la scrierea rezultatului: {e}");
    }
}

mod backup;
mod portal;
mod privacy;

#[derive(Debug, Parser)]
#[command(
    name = "isj-tracker",
    version,
    about = "D.E.N. compliance tracker for a county school inspectorate"
)]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Migrate the database, then serve the web interface.
    Serve,
    /// Bring the database schema up to date and exit.
    Migrate,
    /// Import a spreadsheet (xlsx, xls, ods or csv; the format is read from the content).
    #[command(subcommand)]
    Import(ImportCommand),
    /// The D.E.N. campaign.
    #[command(subcommand)]
    Campaign(CampaignCommand),
    /// Write a report: den-status, cases, designees or reminders.
    Export {
        /// den-status | cases | designees | reminders | hearings
        report: String,
        /// Where to write it (default: ISJ_REPORTS_DIR/<report>-<yyyy-mm-dd>.<format>).
        #[arg(long)]
        out: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = ReportFormat::Xlsx)]
        format: ReportFormat,
        /// CSV separator: `;` (Excel with Romanian settings) or `,`.
        #[arg(long, default_value = ";")]
        separator: char,
    },
    /// Reminder mail.
    #[command(subcommand)]
    Reminders(RemindersCommand),
    /// The mail outbox.
    #[command(subcommand)]
    Outbox(OutboxCommand),
    /// Staff accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// The courts' public portal (portal.just.ro): sync the register, discover cases.
    #[command(subcommand)]
    Portal(portal::PortalCommand),
    /// Personal data: export or erase what is stored about a person, apply the retention rule.
    #[command(subcommand)]
    Privacy(privacy::PrivacyCommand),
    /// Write a consistent copy of the database and the secret key into one archive (mode
    /// 0600) while the service runs. PATH: a file, or a folder to name it in (default:
    /// ISJ_BACKUP_DIR, else `backups`). On PostgreSQL the archive holds the key and the
    /// `pg_dump` command to copy the database is printed.
    Backup { path: Option<PathBuf> },
    /// Put an archive's database and key back where ISJ_DATABASE_URL and ISJ_SECRET_KEY_FILE
    /// name them. Refused while the service (or another command) has the database open; the
    /// copy is checked first. Replaced files are kept with the suffix `.before-restore`.
    Restore {
        archive: PathBuf,
        /// Largest database in the archive to unpack, in MiB (default: four times the live
        /// database, at least 512); checked, with the free space, before anything is written.
        #[arg(long, env = "ISJ_RESTORE_MAX_MB")]
        max_member_mb: Option<u64>,
    },
}

#[derive(Debug, Subcommand)]
pub enum RemindersCommand {
    /// Decide what reminders are due and queue them (what the heartbeat does every minute),
    /// then print what was queued. Outside working days 08:00–18:00 Europe/Bucharest nothing is due.
    Run {
        /// Pretend it is this moment (RFC 3339, e.g. 2026-12-14T09:00:00+02:00).
        #[arg(long)]
        at: Option<chrono::DateTime<chrono::FixedOffset>>,
        /// Print what would be queued without writing anything.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum OutboxCommand {
    /// Deliver the queued mail that may go now (school mail waits for working hours).
    Send,
}

#[derive(Debug, Subcommand)]
pub enum CampaignCommand {
    /// Create the active campaign, or change its deadline (and title); written to the audit trail.
    Set {
        /// The date by which schools must have their D.E.N. account (YYYY-MM-DD).
        #[arg(long)]
        deadline: chrono::NaiveDate,
        /// Title shown on the overview.
        #[arg(long)]
        title: Option<String>,
        /// Record it as of this moment (RFC 3339), e.g. a campaign entered after the fact; the
        /// deadline may not be before that day, as in Setări.
        #[arg(long)]
        at: Option<chrono::DateTime<chrono::FixedOffset>>,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a staff account. Prints a one-time enrolment link (valid 72 hours) where the
    /// person sets a password and their authenticator app; with --password-stdin the password
    /// is set now and the otpauth:// URI and recovery codes are printed instead.
    Add {
        /// The person's institutional e-mail address (their login).
        email: String,
        /// admin (everything, including accounts), juridic (legal department: read and write)
        /// or inspector (read only).
        #[arg(long)]
        role: String,
        /// Full name shown in the interface and the audit trail.
        #[arg(long)]
        name: Option<String>,
        /// Read the password from the first line of standard input (for scripted set-ups).
        #[arg(long)]
        password_stdin: bool,
    },
    /// Print the person's private calendar address (iCalendar feed of hearings and deadlines).
    Calendar {
        /// The person's e-mail address.
        email: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// The SIIIR school-network export ("Rețea școlară").
    ///
    /// Exit status: 0 all rows accepted; 3 some rows rejected, the valid ones written;
    /// 2 the file is refused as a whole and nothing is written.
    Schools(ImportArgs),
    /// A litigation list: one row per (case, school), matched to the imported schools.
    ///
    /// Exit status: 0 all rows accepted; 3 some rows rejected, the valid ones written;
    /// 2 the file is refused as a whole and nothing is written.
    Cases(ListImportArgs),
    /// The legal department's list of designees (with optional D.E.N. step dates).
    ///
    /// Exit status: as for `import cases`.
    Designees(ListImportArgs),
}

#[derive(Debug, clap::Args)]
pub struct ListImportArgs {
    /// The file to import.
    pub file: PathBuf,
    /// Report what would change without writing anything.
    #[arg(long)]
    pub dry_run: bool,
    /// Refuse the whole file if any row is rejected.
    #[arg(long)]
    pub strict: bool,
    /// Output format of the result on stdout.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
}

impl ListImportArgs {
    fn into_import_args(self) -> ImportArgs {
        ImportArgs {
            file: self.file,
            county: None,
            dry_run: self.dry_run,
            strict: self.strict,
            format: self.format,
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The file to import.
    pub file: PathBuf,
    /// Keep only rows whose `Judet PJ` is this county code (e.g. HD); the county's schools
    /// missing from a clean import are marked inactive.
    #[arg(long)]
    pub county: Option<String>,
    /// Report what would change without writing anything.
    #[arg(long)]
    pub dry_run: bool,
    /// Refuse the whole file if any row is rejected.
    #[arg(long)]
    pub strict: bool,
    /// Output format of the result on stdout.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Xlsx,
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
}

/// Exit statuses of the import commands.
const EXIT_OK: u8 = 0;
const EXIT_FAILURE: u8 = 1;
const EXIT_REFUSED: u8 = 2;
const EXIT_SOME_REJECTED: u8 = 3;

/// Runs one command; every "now" it needs comes from `clock` (the system clock in `main`, the
/// test's own clock in the tests).
pub async fn run(cli: Cli, clock: Arc<dyn Clock>) -> ExitCode {
    let clock_ref = clock.as_ref();
    match cli.command {
        Command::Serve => report_failure(crate::web::serve(cli.config, clock.clone()).await),
        Command::Migrate => report_failure(migrate(&cli.config).await),
        Command::Import(ImportCommand::Schools(args)) => {
            ExitCode::from(import(&cli.config, clock_ref, ImportKind::Schools, &args).await)
        }
        Command::Import(ImportCommand::Cases(args)) => ExitCode::from(
            import(
                &cli.config,
                clock_ref,
                ImportKind::Cases,
                &args.into_import_args(),
            )
            .await,
        ),
        Command::Import(ImportCommand::Designees(args)) => ExitCode::from(
            import(
                &cli.config,
                clock_ref,
                ImportKind::Designees,
                &args.into_import_args(),
            )
            .await,
        ),
        Command::Campaign(CampaignCommand::Set {
            deadline,
            title,
            at,
        }) => report_failure(
            set_campaign(&cli.config, clock_ref, deadline, title.as_deref(), at).await,
        ),
        Command::Export {
            report,
            out,
            format,
            separator,
        } => report_failure(export(&cli.config, clock_ref, &report, out, format, separator).await),
        Command::Reminders(RemindersCommand::Run { at, dry_run }) => {
            report_failure(run_reminders(&cli.config, clock_ref, at, dry_run).await)
        }
        Command::Outbox(OutboxCommand::Send) => {
            report_failure(send_outbox(&cli.config, clock_ref).await)
        }
        Command::User(UserCommand::Add {
            email,
            role,
            name,
            password_stdin,
        }) => report_failure(
            add_user(
                &cli.config,
                clock_ref,
                &email,
                &role,
                name.as_deref(),
                password_stdin,
            )
            .await,
        ),
        Command::User(UserCommand::Calendar { email }) => {
            report_failure(print_calendar(&cli.config, clock_ref, &email).await)
        }
        Command::Portal(command) => {
            ExitCode::from(portal::run(&cli.config, clock_ref, command).await)
        }
        Command::Privacy(command) => {
            ExitCode::from(privacy::run(&cli.config, clock_ref, command).await)
        }
        Command::Backup { path } => {
            report_failure(backup::backup(&cli.config, clock_ref, path).await)
        }
        Command::Restore {
            archive,
            max_member_mb,
        } => report_failure(backup::restore(&cli.config, &archive, max_member_mb).await),
    }
}

async fn print_calendar(config: &Config, clock: &dyn Clock, email: &str) -> anyhow::Result<()> {
    let db = connect_and_migrate(config).await?;
    let key = crate::auth::secret_key::SecretKey::load_or_create(&config.secret_key_file)?;
    let normalised = crate::domain::staff::normalise_email(email)
        .ok_or_else(|| anyhow::anyhow!("adresa {email} nu este validă"))?;
    let account = crate::db::staff::find_by_email(&db, &normalised)
        .await?
        .ok_or_else(|| anyhow::anyhow!("nu există un cont cu adresa {normalised}"))?;
    let ctx = crate::app::Ctx::new(&db, clock, config.timezone);
    let token = crate::app::staff::calendar_token(ctx, &key, &account, false).await?;
    say!("{}", crate::web::calendar_url(&config.base_url(), &token));
    Ok(())
}

/// A failure's causes in one line, each once.
pub fn causes(error: &anyhow::Error) -> String {
    crate::telemetry::said_once(error.chain().map(ToString::to_string))
}

fn report_failure(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("eroare: {}", causes(&e));
            ExitCode::from(EXIT_FAILURE)
        }
    }
}

async fn migrate(config: &Config) -> anyhow::Result<()> {
    let db = crate::db::connect(&config.database_url).await?;
    crate::db::migrate(&db).await?;
    eprintln!("baza de date este la zi");
    Ok(())
}

async fn add_user(
    config: &Config,
    clock: &dyn Clock,
    email: &str,
    role: &str,
    name: Option<&str>,
    password_stdin: bool,
) -> anyhow::Result<()> {
    use crate::app::enrolment::{AddedUser, add_user};
    let role = crate::domain::staff::Role::parse(role)
        .ok_or_else(|| anyhow::anyhow!("rol necunoscut „{role}”: admin, juridic sau inspector"))?;
    let password = if password_stdin {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        Some(line.trim_end_matches(['\r', '\n']).to_string())
    } else {
        None
    };
    let db = connect_and_migrate(config).await?;
    let key = crate::auth::secret_key::SecretKey::load_or_create(&config.secret_key_file)?;
    let account = crate::app::enrolment::NewAccount {
        email,
        name,
        role,
        password: password.as_deref(),
    };
    let ctx = crate::app::Ctx::new(&db, clock, config.timezone);
    let actor = crate::app::Actor::CommandLine;
    match add_user(ctx, &actor, &key, account)
        .await
        .map_err(|e| anyhow::anyhow!(e.chain()))?
    {
        AddedUser::Link(token) => {
            say!(
                "Cont creat. Trimiteți persoanei acest link de activare (valabil 72 de ore, o singură dată):"
            );
            say!("{}/setup/{token}", config.base_url());
        }
        AddedUser::Ready {
            otpauth_uri,
            recovery_codes,
        } => {
            say!("Cont creat. Adăugați în aplicația de autentificare:");
            say!("{otpauth_uri}");
            say!("Coduri de rezervă (păstrați-le în siguranță, nu vor mai fi afișate):");
            for code in recovery_codes {
                say!("{code}");
            }
        }
    }
    Ok(())
}

async fn set_campaign(
    config: &Config,
    clock: &dyn Clock,
    deadline: chrono::NaiveDate,
    title: Option<&str>,
    at: Option<chrono::DateTime<chrono::FixedOffset>>,
) -> anyhow::Result<()> {
    let db = connect_and_migrate(config).await?;
    let as_of = crate::clock::FixedClock(at.map_or_else(|| clock.now(), |t| t.to_utc()));
    let ctx = crate::app::Ctx {
        db: &db,
        clock: &as_of,
        timezone: config.timezone,
        register: None,
    };
    let campaign =
        crate::app::campaign::set_deadline(ctx, &crate::app::Actor::CommandLine, deadline, title)
            .await?;
    say!(
        "Campania „{}”: termen-limită {}",
        campaign.title,
        campaign.deadline.format("%d.%m.%Y")
    );
    Ok(())
}

async fn mailer(
    config: &Config,
) -> anyhow::Result<(sea_orm::DatabaseConnection, crate::mail::Mailer)> {
    let db = connect_and_migrate(config).await?;
    let key = std::sync::Arc::new(crate::auth::secret_key::SecretKey::load_or_create(
        &config.secret_key_file,
    )?);
    Ok((db, crate::mail::Mailer::new(config, key)?))
}

async fn run_reminders(
    config: &Config,
    clock: &dyn Clock,
    at: Option<chrono::DateTime<chrono::FixedOffset>>,
    dry_run: bool,
) -> anyhow::Result<()> {
    let (db, mailer) = mailer(config).await?;
    let at = at.map_or_else(|| clock.now(), |t| t.to_utc());
    let as_of = crate::clock::FixedClock(at);
    let ctx = crate::app::Ctx::new(&db, &as_of, config.timezone);
    let outcome =
        crate::app::reminders::run_pass(ctx, &mailer.key, config, &mailer.domain, dry_run).await?;
    if let Some(reason) = outcome.skipped {
        say!("Nimic de trimis: {reason}.");
        return Ok(());
    }
    let verb = if dry_run {
        "s-ar pune în coadă"
    } else {
        "puse în coadă"
    };
    say!("{} mesaje {verb}:", outcome.mails.len());
    for mail in &outcome.mails {
        say!(
            "- către {}: {} [{}]",
            mail.recipient,
            mail.subject,
            mail.items.join(", ")
        );
    }
    Ok(())
}

async fn export(
    config: &Config,
    clock: &dyn Clock,
    report: &str,
    out: Option<PathBuf>,
    format: ReportFormat,
    separator: char,
) -> anyhow::Result<()> {
    use crate::reports::{FileFormat, ReportKind};
    let kind = ReportKind::parse(report).ok_or_else(|| {
        anyhow::anyhow!("raport necunoscut „{report}”: den-status, cases, designees sau reminders")
    })?;
    let format = match format {
        ReportFormat::Xlsx => FileFormat::Xlsx,
        ReportFormat::Csv if separator == ';' || separator == ',' => {
            FileFormat::Csv(separator as u8)
        }
        ReportFormat::Csv => anyhow::bail!("separatorul CSV poate fi „;” sau „,”"),
    };
    let db = connect_and_migrate(config).await?;
    let now = clock.now();
    let inspectorate = crate::domain::county::inspectorate_name(&config.county);
    let filter = crate::reports::ReportFilter::default();
    let register = crate::register::Register::read_once(&db, now, config.timezone).await?;
    let as_of = crate::clock::FixedClock(now);
    let request = crate::app::reports::ExportRequest {
        kind,
        filter: &filter,
        format,
        who: "linie de comandă",
        inspectorate: &inspectorate,
    };
    let ctx = crate::app::Ctx::new(&db, &as_of, config.timezone);
    let (_, bytes) = crate::app::reports::export(ctx, &register, request).await?;
    let day = now.with_timezone(&config.timezone).format("%Y-%m-%d");
    let path = out.unwrap_or_else(|| {
        config
            .reports_dir
            .join(format!("{}-{day}.{}", kind.name(), format.extension()))
    });
    crate::reports::write_file(&path, &bytes)?;
    say!("{}", path.display());
    Ok(())
}

async fn send_outbox(config: &Config, clock: &dyn Clock) -> anyhow::Result<()> {
    let (db, mailer) = mailer(config).await?;
    let ctx = crate::app::Ctx::new(&db, clock, config.timezone);
    let delivery = crate::app::outbox::deliver_due(ctx, &mailer).await?;
    say!(
        "Trimise {}, de reîncercat {}, eșuate definitiv {} ({}).",
        delivery.sent,
        delivery.retried,
        delivery.dead,
        mailer.transport.describe()
    );
    Ok(())
}

async fn import(config: &Config, clock: &dyn Clock, kind: ImportKind, args: &ImportArgs) -> u8 {
    let file_name = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let bytes = match std::fs::read(&args.file) {
        Ok(bytes) => bytes,
        Err(e) => {
            return refuse(
                args.format,
                &format!("nu pot citi fișierul {}: {e}", args.file.display()),
            );
        }
    };
    let db = match connect_and_migrate(config).await {
        Ok(db) => db,
        Err(e) => {
            eprintln!("eroare: {}", causes(&e));
            return EXIT_FAILURE;
        }
    };
    let options = ImportOptions {
        county: args.county.clone(),
        dry_run: args.dry_run,
        strict: args.strict,
        actor: "linie de comandă".into(),
    };
    let progress: Box<dyn Progress> = if std::io::stderr().is_terminal() {
        Box::new(TerminalProgress(Instant::now()))
    } else {
        Box::new(Silent)
    };
    let progress = progress.as_ref();
    let ctx = crate::app::Ctx {
        db: &db,
        clock,
        timezone: config.timezone,
        register: None,
    };
    match crate::import::run(kind, ctx, &file_name, bytes, &options, progress).await {
        Ok(outcome) => {
            print_report(args.format, &outcome.report);
            if outcome.report.rejected.is_empty() {
                EXIT_OK
            } else {
                EXIT_SOME_REJECTED
            }
        }
        Err(e) if e.is_refusal() => refuse(args.format, &e.to_string()),
        Err(e) => {
            eprintln!("eroare: {e}");
            EXIT_FAILURE
        }
    }
}

pub(crate) async fn connect_and_migrate(
    config: &Config,
) -> anyhow::Result<sea_orm::DatabaseConnection> {
    let db = crate::db::connect(&config.database_url).await?;
    crate::db::migrate(&db).await?;
    Ok(db)
}

fn refuse(format: OutputFormat, message: &str) -> u8 {
    if format == OutputFormat::Json {
        say!("{}", serde_json::json!({ "error": message }));
    }
    eprintln!("Fișier refuzat, nu am scris nimic: {message}");
    EXIT_REFUSED
}

fn print_report(format: OutputFormat, report: &ImportReport) {
    match format {
        OutputFormat::Json => match serde_json::to_string(report) {
            Ok(json) => say!("{json}"),
            Err(e) => eprintln!("eroare: {e}"),
        },
        OutputFormat::Text => say_raw!("{}", crate::domain::import_report::report_as_text(report)),
    }
}

struct TerminalProgress(Instant);

impl Progress for TerminalProgress {
    fn stage(&self, message: &str) {
        eprintln!("[{:>5.1} s] {message}…", self.0.elapsed().as_secs_f64());
    }
}
