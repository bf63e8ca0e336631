//! State that every instance serving one database must share: failed sign-in counts (so login
//! throttling holds across instances) and the data version that tells each instance's cache of
//! computed figures when it is stale.
//!
//! The data version is a sequence on PostgreSQL (advanced after each figure-changing commit, so
//! writers never queue on one row) and a one-row table on SQLite (bumped inside the writing
//! transaction, which SQLite serialises anyway).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

use crate::m20261127_000001_plan_schema::{a, create_tables, drop_tables, Spec};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Name of the PostgreSQL sequence holding the data version.
pub const DATA_VERSION_SEQUENCE: &str = "data_version_seq";
/// Name of the SQLite table holding the data version (one row).
pub const DATA_VERSION_TABLE: &str = "data_version";

fn tables() -> Vec<Spec> {
    vec![Spec {
        name: "login_failures",
        columns: vec![
            string_len(a("throttle_key"), 320),
            integer(a("failures")),
            big_integer(a("last_failed_at")),
        ],
        fks: vec![],
        indexes: vec![(true, &["throttle_key"]), (false, &["last_failed_at"])],
    }]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_tables(manager, tables()).await?;
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(&format!("CREATE SEQUENCE {DATA_VERSION_SEQUENCE}"))
                    .await?;
            }
            _ => {
                db.execute_unprepared(&format!(
                    "CREATE TABLE {DATA_VERSION_TABLE} (version BIGINT NOT NULL)"
                ))
                .await?;
                db.execute_unprepared(&format!(
                    "INSERT INTO {DATA_VERSION_TABLE} (version) VALUES (1)"
                ))
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(&format!("DROP SEQUENCE {DATA_VERSION_SEQUENCE}"))
                    .await?;
            }
            _ => {
                db.execute_unprepared(&format!("DROP TABLE {DATA_VERSION_TABLE}"))
                    .await?;
            }
        }
        drop_tables(manager, tables()).await
    }
}
