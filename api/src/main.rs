//! The `egov-tracker` binary: parses the command line and runs a subcommand (see `api::cli`).

use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    api::cli::init_tracing();
    api::cli::run(api::config::Cli::parse()).await
}
