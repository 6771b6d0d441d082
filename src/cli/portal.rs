//! `isj-tracker portal …`: the courts' portal sync and discovery, run now.

use clap::Subcommand;

use super::{EXIT_FAILURE, EXIT_OK, EXIT_SOME_REJECTED, OutputFormat, connect_and_migrate};
use crate::app::portal::{DiscoverySummary, Portal, SyncOptions};
use crate::clock::Clock;
use crate::config::Config;
use crate::domain::courts;
use crate::domain::portal::SyncSummary;

#[derive(Debug, Subcommand)]
pub enum PortalCommand {
    /// Ask portal.just.ro about every active case (or one) and record new hearings, outcomes
    /// and stage changes. Exit status: 0 every case answered (found or not); 3 some failed;
    /// 1 none could be checked, or the database failed.
    Sync {
        /// Only the case with this number (e.g. 1234/97/2026).
        #[arg(long = "case")]
        case: Option<String>,
        /// Ask the portal and print the summary, writing nothing.
        #[arg(long)]
        dry_run: bool,
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        format: OutputFormat,
    },
    /// Search the county's PJs by name as parties at the county's courts; cases the register
    /// does not hold become suggestions on /cases/suggestions. Exit status as for `sync`.
    Discover {
        /// A portal court code to ask (repeatable); default: the county's courts.
        #[arg(long = "court")]
        courts: Vec<String>,
        /// Only this school (SIIIR code of a PJ).
        #[arg(long)]
        school: Option<String>,
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        format: OutputFormat,
    },
}

pub async fn run(config: &Config, clock: &dyn Clock, command: PortalCommand) -> u8 {
    match run_command(config, clock, command).await {
        Ok(status) => status,
        Err(e) => {
            eprintln!("eroare: {}", super::causes(&e));
            EXIT_FAILURE
        }
    }
}

async fn run_command(
    config: &Config,
    clock: &dyn Clock,
    command: PortalCommand,
) -> anyhow::Result<u8> {
    let db = connect_and_migrate(config).await?;
    let client = crate::portal::Client::new(&config.portal)?;
    let portal = Portal {
        client: &client,
        config: &config.portal,
    };
    let ctx = crate::app::Ctx {
        db: &db,
        clock,
        timezone: config.timezone,
        register: None,
    };
    match command {
        PortalCommand::Sync {
            case,
            dry_run,
            format,
        } => {
            let options = SyncOptions { case, dry_run };
            let summary = crate::app::portal::sync(ctx, &portal, &options).await?;
            print_sync(format, &summary, dry_run);
            Ok(status(summary.checked, summary.failed))
        }
        PortalCommand::Discover {
            courts: codes,
            school,
            format,
        } => {
            let at = if codes.is_empty() {
                crate::app::portal::discovery_courts(&config.county)
            } else {
                codes
                    .iter()
                    .map(|c| {
                        courts::find(c).ok_or_else(|| anyhow::anyhow!("instanță necunoscută „{c}”"))
                    })
                    .collect::<anyhow::Result<_>>()?
            };
            let summary =
                crate::app::portal::discover(ctx, &portal, &config.county, &at, school.as_deref())
                    .await?;
            print_discovery(format, &summary);
            Ok(status(summary.asked, summary.failed))
        }
    }
}

fn status(asked: usize, failed: usize) -> u8 {
    match failed {
        0 => EXIT_OK,
        f if f == asked => EXIT_FAILURE,
        _ => EXIT_SOME_REJECTED,
    }
}

fn print_sync(format: OutputFormat, summary: &SyncSummary, dry_run: bool) {
    if format == OutputFormat::Json {
        match serde_json::to_string(summary) {
            Ok(json) => say!("{json}"),
            Err(e) => eprintln!("eroare: {e}"),
        }
        return;
    }
    let note = if dry_run {
        " (simulare: nimic scris)"
    } else {
        ""
    };
    say!(
        "Verificate {}: cu schimbări {}, fără schimbări {}, negăsite {}, eșuate {}{note}.",
        summary.checked,
        summary.changed,
        summary.unchanged,
        summary.not_found,
        summary.failed
    );
    say!(
        "Termene noi {}, termene actualizate {}.",
        summary.new_hearings,
        summary.updated_hearings
    );
    for change in &summary.changes {
        say!(
            "- {} ({}): {}",
            change.case,
            courts::display_name(&change.court),
            change.change
        );
    }
    for error in &summary.errors {
        say!("! {}: {}", error.case, error.error);
    }
}

fn print_discovery(format: OutputFormat, summary: &DiscoverySummary) {
    if format == OutputFormat::Json {
        match serde_json::to_string(summary) {
            Ok(json) => say!("{json}"),
            Err(e) => eprintln!("eroare: {e}"),
        }
        return;
    }
    say!(
        "Căutări {}: sugestii noi {}, eșuate {}.",
        summary.asked,
        summary.suggested,
        summary.failed
    );
    for error in &summary.errors {
        say!("! {}: {}", error.case, error.error);
    }
}
