use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    isj_tracker::telemetry::init();
    isj_tracker::cli::run(isj_tracker::cli::Cli::parse()).await
}
