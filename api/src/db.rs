//! Opening the database: the embedded SQLite file by default, or PostgreSQL.
//!
//! SQLite runs in WAL mode with full synchronous commits and foreign keys on, so an
//! acknowledged write survives a crash.

use std::time::Duration;

use anyhow::Context;
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection};

use crate::config::{Config, DatabaseUrl};

/// File name of the embedded database inside the data directory.
pub const SQLITE_FILE: &str = "egov-tracker.db";

/// The database URL to use: the configured one, or SQLite in the data directory.
pub fn resolve_url(config: &Config) -> DatabaseUrl {
    config.database_url.clone().unwrap_or_else(|| {
        DatabaseUrl::new(format!(
            "sqlite://{}",
            config.data_dir.join(SQLITE_FILE).display()
        ))
    })
}

/// Opens a connection pool, creating the SQLite file and its directory if needed.
pub async fn connect(config: &Config) -> anyhow::Result<DatabaseConnection> {
    let url = resolve_url(config);
    if url.is_sqlite() {
        if let Some(dir) = sqlite_path(url.expose()).and_then(|p| p.parent().map(|d| d.to_owned()))
        {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(&dir)
                    .with_context(|| format!("creating data directory {}", dir.display()))?;
            }
        }
    }
    let mut options = ConnectOptions::new(url.expose().to_owned());
    options
        .max_connections(config.max_connections)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|opts| {
            opts.create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
        });
    Database::connect(options)
        .await
        .with_context(|| format!("connecting to {}", url.redacted()))
}

/// The file path of a `sqlite://PATH?options` URL, unless it is in-memory.
fn sqlite_path(url: &str) -> Option<std::path::PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| path.into())
}

#[cfg(test)]
mod tests {
    use super::sqlite_path;

    #[test]
    fn sqlite_paths_are_read_from_urls() {
        assert_eq!(
            sqlite_path("sqlite://data/x.db?mode=rwc"),
            Some("data/x.db".into())
        );
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("postgres://x"), None);
    }
}
