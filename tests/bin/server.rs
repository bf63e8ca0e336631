//! The `egov-tracker` command line, built inside the test package so that durability tests can
//! run the real server as a separate process and kill it (`CARGO_BIN_EXE_egov-tracker-under-test`).

use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    api::cli::init_tracing();
    api::cli::run(api::config::Cli::parse()).await
}
