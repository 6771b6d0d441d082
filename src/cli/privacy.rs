//! `isj-tracker privacy …`: what is stored about a person, erasure, the retention rule now.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::{EXIT_FAILURE, EXIT_OK, connect_and_migrate};
use crate::app::{Actor, Ctx};
use crate::clock::Clock;
use crate::config::Config;

#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct Person {
    /// The person's e-mail address.
    #[arg(long)]
    email: Option<String>,
    /// The person's phone number (any usual form: 0722 123 456, +40722123456).
    #[arg(long)]
    phone: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum PrivacyCommand {
    /// Everything stored about a person (GDPR art. 15), table by table, as JSON (stdout or
    /// --out) and, with --xlsx, as a workbook. Audited.
    Export {
        #[command(flatten)]
        person: Person,
        /// Write the JSON here instead of printing it.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Also write a workbook (one sheet per table).
        #[arg(long)]
        xlsx: Option<PathBuf>,
    },
    /// Erase the person's data where no legal obligation keeps it (GDPR art. 17); prints what
    /// was erased and what was kept, and why. Audited.
    Erase {
        #[command(flatten)]
        person: Person,
        /// Print what would be erased, writing nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Apply the retention rule from Setări now (the service does it every night).
    Retention,
}

pub async fn run(config: &Config, clock: &dyn Clock, command: PrivacyCommand) -> u8 {
    match run_command(config, clock, command).await {
        Ok(()) => EXIT_OK,
        Err(e) => {
            eprintln!("eroare: {}", super::causes(&e));
            EXIT_FAILURE
        }
    }
}

async fn run_command(
    config: &Config,
    clock: &dyn Clock,
    command: PrivacyCommand,
) -> anyhow::Result<()> {
    let db = connect_and_migrate(config).await?;
    let ctx = Ctx::new(&db, clock, config.timezone);
    let actor = Actor::CommandLine;
    match command {
        PrivacyCommand::Export { person, out, xlsx } => {
            let subject =
                crate::app::privacy::subject(person.email.as_deref(), person.phone.as_deref())?;
            let export = crate::app::privacy::export(ctx, &actor, &subject).await?;
            let json = serde_json::to_string_pretty(&export)?;
            match out {
                Some(path) => {
                    crate::files::write_private(&path, json.as_bytes())?;
                    eprintln!("JSON scris: {}", path.display());
                }
                None => say!("{json}"),
            }
            if let Some(path) = xlsx {
                let inspectorate = crate::domain::county::inspectorate_name(&config.county);
                let bytes = crate::excel::report_writer::xlsx(
                    &export.report(config.timezone),
                    &inspectorate,
                )?;
                crate::files::write_private(&path, &bytes)?;
                eprintln!("Registru scris: {}", path.display());
            }
            eprintln!("{} tabele, {} rânduri", export.tables.len(), export.rows());
        }
        PrivacyCommand::Erase { person, dry_run } => {
            let subject =
                crate::app::privacy::subject(person.email.as_deref(), person.phone.as_deref())?;
            let summary = crate::app::privacy::erase(ctx, &actor, &subject, dry_run).await?;
            say!("{}", if dry_run { "S-ar șterge:" } else { "Șters:" });
            for (what, count) in &summary.erased {
                say!("  {what}: {count}");
            }
            for (what, count, why) in &summary.kept {
                say!("Păstrat: {what}: {count} — {why}");
            }
        }
        PrivacyCommand::Retention => {
            let s = crate::app::privacy::run_retention(ctx, &actor).await?;
            say!(
                "Anonimizate: {} persoane desemnate, {} numere de cazier, {} contacte declarate ({} unități); șterse: {} mesaje, {} linkuri expirate; {} rânduri de jurnal rescrise.",
                s.designees,
                s.certificates,
                s.contacts,
                s.schools,
                s.mails,
                s.links,
                s.log_rows
            );
        }
    }
    Ok(())
}
