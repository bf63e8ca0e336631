//! Frozen periodic reports: a snapshot per period and language, with its files (PDF, charts,
//! tables) stored byte for byte with their SHA-256 hashes. Rows are written once and never
//! updated.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261127_000001_plan_schema::{a, create_tables, drop_tables, Fk, Spec};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn tables() -> Vec<Spec> {
    vec![
        Spec {
            name: "report_snapshots",
            columns: vec![
                string_len(a("period_kind"), 16),
                integer(a("year")),
                integer(a("period_number")),
                string_len(a("lang"), 8),
                date(a("as_of")),
                text(a("figures_json")),
                string_len(a("sha256"), 64),
                text_null(a("note")),
                timestamp_with_time_zone(a("frozen_at")),
                integer(a("frozen_by_user_id")),
            ],
            fks: vec![Fk("frozen_by_user_id", "users", false)],
            indexes: vec![(true, &["period_kind", "year", "period_number", "lang"])],
        },
        Spec {
            name: "report_snapshot_files",
            columns: vec![
                integer(a("snapshot_id")),
                string_len(a("name"), 64),
                string_len(a("content_type"), 128),
                blob(a("content")),
                string_len(a("sha256"), 64),
                big_integer(a("size_bytes")),
            ],
            fks: vec![Fk("snapshot_id", "report_snapshots", true)],
            indexes: vec![(true, &["snapshot_id", "name"])],
        },
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_tables(manager, tables()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, tables()).await
    }
}
