//! Attachments to status reports: each file's bytes stored once per content (`attachment_files`,
//! unique SHA-256) and linked to the history entry that brought it under the name it was given
//! (`history_attachments`). Rows are written once and never updated. Keeping the bytes in the
//! database keeps backups (`VACUUM INTO`, `pg_dump`) whole.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261127_000001_plan_schema::{a, create_tables, drop_tables, Fk, Spec};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn tables() -> Vec<Spec> {
    vec![
        Spec {
            name: "attachment_files",
            columns: vec![
                string_len(a("sha256"), 64),
                string_len(a("content_type"), 128),
                big_integer(a("size_bytes")),
                blob(a("content")),
                timestamp_with_time_zone(a("created_at")),
            ],
            fks: vec![],
            indexes: vec![(true, &["sha256"])],
        },
        Spec {
            name: "history_attachments",
            columns: vec![
                integer(a("history_id")),
                integer(a("file_id")),
                string_len(a("file_name"), 255),
            ],
            fks: vec![
                Fk("history_id", "task_history", true),
                Fk("file_id", "attachment_files", false),
            ],
            indexes: vec![(false, &["history_id"]), (false, &["file_id"])],
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
