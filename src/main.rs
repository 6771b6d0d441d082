use std::process::ExitCode;

use clap::Parser;

// Imports allocate a string per cell; mimalloc makes that markedly cheaper than glibc malloc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    isj_tracker::files::private_by_default();
    isj_tracker::telemetry::init();
    isj_tracker::cli::run(
        isj_tracker::cli::Cli::parse(),
        std::sync::Arc::new(isj_tracker::clock::SystemClock),
    )
    .await
}
