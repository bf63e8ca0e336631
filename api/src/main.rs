//! The `egov-tracker` binary: parses the command line, sets up logging, and runs a subcommand.

use anyhow::Context;
use api::config::{Cli, Command, Config, DEFAULT_BIND};
use api::{db, graphql, startup, Application};
use clap::Parser;
use migration::MigratorTrait;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let cli = Cli::parse();
    let default_bind = DEFAULT_BIND.parse().context("default bind address")?;
    match cli.command {
        Command::Serve { bind } => {
            let config = Config::new(cli.storage, bind);
            let app = Application::build(&config).await?;
            let address = app.address();
            tracing::info!(database = %db::resolve_url(&config).redacted(), "database ready");
            println!("egov-tracker is serving GraphQL at http://{address}/graphql (GraphiQL in a browser)");
            app.run_until_stopped().await
        }
        Command::Migrate => {
            let config = Config::new(cli.storage, default_bind);
            let conn = db::connect(&config).await?;
            migration::Migrator::up(&conn, None)
                .await
                .context("running database migrations")?;
            println!("migrations applied");
            Ok(())
        }
        Command::Seed => {
            let config = Config::new(cli.storage, default_bind);
            let conn = db::connect(&config).await?;
            let outcome = startup::prepare_database(&conn).await?;
            println!("seed data: {outcome:?}");
            Ok(())
        }
        Command::Schema { out } => {
            let sdl = graphql::sdl();
            match out {
                Some(path) => std::fs::write(&path, sdl)
                    .with_context(|| format!("writing {}", path.display()))?,
                None => print!("{sdl}"),
            }
            Ok(())
        }
    }
}
