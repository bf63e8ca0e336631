//! Settings, built once in `main` from command-line flags with environment fallbacks.
//!
//! Nothing else in the service reads the environment. `.env.sample` documents every variable.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Default address the service listens on.
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

/// Command line of the `egov-tracker` binary.
#[derive(Debug, Parser)]
#[command(
    name = "egov-tracker",
    version,
    about = "Tracks Hải Dương's e-government action plan 681/KH-UBND over GraphQL"
)]
pub struct Cli {
    #[command(flatten)]
    pub storage: StorageArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Where the data lives; shared by every subcommand.
#[derive(Debug, Clone, Args)]
pub struct StorageArgs {
    /// Database URL: `sqlite://PATH` or `postgres://USER@HOST/DB`. Default: SQLite in the data directory.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<DatabaseUrl>,
    /// Directory for the embedded SQLite database and other local state.
    #[arg(long, env = "EGOV_DATA_DIR", default_value = "./data", global = true)]
    pub data_dir: PathBuf,
}

/// What the binary should do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Migrate, seed on first start, and serve GraphQL over HTTP.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "EGOV_BIND", default_value = DEFAULT_BIND)]
        bind: SocketAddr,
    },
    /// Apply pending migrations and exit.
    Migrate,
    /// Migrate, then load the plan's seed data (idempotent) and exit.
    Seed,
    /// Print the GraphQL schema (SDL), or write it to a file.
    Schema {
        /// File to write instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// A database URL whose password never reaches logs or `Debug` output.
#[derive(Clone)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    /// Wraps a URL.
    pub fn new(url: impl Into<String>) -> Self {
        Self(url.into())
    }

    /// The URL itself, for the database driver only.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether this is a SQLite URL.
    pub fn is_sqlite(&self) -> bool {
        self.0.starts_with("sqlite:")
    }

    /// The URL with any password replaced by `***`.
    pub fn redacted(&self) -> String {
        match (self.0.find("://"), self.0.rfind('@')) {
            (Some(scheme), Some(at)) if at > scheme => {
                let userinfo = &self.0[scheme + 3..at];
                match userinfo.find(':') {
                    Some(colon) => format!(
                        "{}{}:***{}",
                        &self.0[..scheme + 3],
                        &userinfo[..colon],
                        &self.0[at..]
                    ),
                    None => self.0.clone(),
                }
            }
            _ => self.0.clone(),
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl std::str::FromStr for DatabaseUrl {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.starts_with("sqlite:")
            || s.starts_with("postgres://")
            || s.starts_with("postgresql://")
        {
            Ok(Self(s.to_owned()))
        } else {
            Err("expected a sqlite://… or postgres://… URL".into())
        }
    }
}

/// Everything the service needs to run.
#[derive(Debug, Clone)]
pub struct Config {
    /// Database to use; `None` means SQLite at `data_dir/egov-tracker.db`.
    pub database_url: Option<DatabaseUrl>,
    /// Directory for local state.
    pub data_dir: PathBuf,
    /// Address to listen on (port 0 picks a free port).
    pub bind: SocketAddr,
    /// Maximum database connections in the pool.
    pub max_connections: u32,
}

impl Config {
    /// Settings from the storage flags and a bind address.
    pub fn new(storage: StorageArgs, bind: SocketAddr) -> Self {
        Self {
            database_url: storage.database_url,
            data_dir: storage.data_dir,
            bind,
            max_connections: 10,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::DatabaseUrl;

    #[test]
    fn passwords_are_redacted_from_database_urls() {
        let url = DatabaseUrl::new("postgres://egov:s3cret@db.example/egov");
        assert_eq!(url.redacted(), "postgres://egov:***@db.example/egov");
        assert!(!format!("{url:?}").contains("s3cret"));
        assert_eq!(
            DatabaseUrl::new("sqlite://data/x.db").redacted(),
            "sqlite://data/x.db"
        );
    }
}
