//! `egov-tracker backup`: a consistent copy of the database taken while the service runs.
//!
//! SQLite uses `VACUUM INTO`, which writes a transactionally consistent snapshot to a new file;
//! PostgreSQL uses `pg_dump` (a consistent snapshot by design) in custom format.

use std::path::Path;

use anyhow::{bail, Context};
use sea_orm::{ConnectionTrait, DatabaseConnection};

use crate::config::DatabaseUrl;

/// Writes a backup of `db` (reached through `url`) to `to`, which must not exist yet.
pub async fn backup(url: &DatabaseUrl, db: &DatabaseConnection, to: &Path) -> anyhow::Result<()> {
    if to.exists() {
        bail!("{} already exists; choose a new file", to.display());
    }
    if let Some(dir) = to.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    if url.is_sqlite() {
        let path = to
            .to_str()
            .context("the backup path is not valid UTF-8")?
            .replace('\'', "''");
        db.execute_unprepared(&format!("VACUUM INTO '{path}'"))
            .await
            .context("writing the SQLite backup")?;
        return Ok(());
    }
    let status = tokio::process::Command::new("pg_dump")
        .arg("--format=custom")
        .arg("--file")
        .arg(to)
        .arg("--dbname")
        .arg(url.expose())
        .status()
        .await
        .context("running pg_dump (install the PostgreSQL client tools)")?;
    if !status.success() {
        bail!("pg_dump failed with {status}");
    }
    Ok(())
}
