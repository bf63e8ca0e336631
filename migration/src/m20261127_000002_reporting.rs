//! Accounts, sessions and status reporting: users, refresh tokens, the immutable task history,
//! comments from cooperating agencies, and who recorded each KPI measurement.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261127_000001_plan_schema::{a, create_tables, drop_tables, Fk, Spec};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn tables() -> Vec<Spec> {
    vec![
        Spec {
            name: "users",
            columns: vec![
                string_len_uniq(a("username"), 64),
                text(a("password_hash")),
                string_len(a("role"), 24),
                integer_null(a("agency_id")),
                boolean(a("disabled")),
                timestamp_with_time_zone(a("created_at")),
                timestamp_with_time_zone(a("updated_at")),
            ],
            fks: vec![Fk("agency_id", "agencies", false)],
            indexes: vec![],
        },
        Spec {
            name: "refresh_tokens",
            columns: vec![
                integer(a("user_id")),
                string_len(a("family"), 64),
                string_len_uniq(a("token_hash"), 64),
                timestamp_with_time_zone(a("session_started_at")),
                timestamp_with_time_zone(a("expires_at")),
                timestamp_with_time_zone_null(a("used_at")),
                boolean(a("revoked")),
            ],
            fks: vec![Fk("user_id", "users", true)],
            indexes: vec![(false, &["family"]), (false, &["user_id"])],
        },
        Spec {
            name: "task_history",
            columns: vec![
                integer(a("task_id")),
                integer(a("assignment_id")),
                integer(a("agency_id")),
                string_len(a("status"), 24),
                integer(a("progress")),
                text_null(a("note")),
                text_null(a("evidence")),
                date(a("effective_on")),
                timestamp_with_time_zone(a("changed_at")),
                integer_null(a("changed_by_user_id")),
                integer(a("task_version")),
            ],
            fks: vec![
                Fk("task_id", "tasks", true),
                Fk("assignment_id", "assignments", true),
                Fk("agency_id", "agencies", true),
                Fk("changed_by_user_id", "users", false),
            ],
            indexes: vec![(false, &["task_id", "id"]), (false, &["agency_id"])],
        },
        Spec {
            name: "task_comments",
            columns: vec![
                integer(a("task_id")),
                integer_null(a("agency_id")),
                integer_null(a("user_id")),
                text(a("body")),
                text_null(a("evidence")),
                timestamp_with_time_zone(a("created_at")),
            ],
            fks: vec![
                Fk("task_id", "tasks", true),
                Fk("agency_id", "agencies", false),
                Fk("user_id", "users", false),
            ],
            indexes: vec![(false, &["task_id", "id"])],
        },
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_tables(manager, tables()).await?;
        manager
            .alter_table(
                Table::alter()
                    .table(a("kpi_measurements"))
                    .add_column(timestamp_with_time_zone_null(a("recorded_at")))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(a("kpi_measurements"))
                    .add_column(integer_null(a("recorded_by_user_id")))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["recorded_by_user_id", "recorded_at"] {
            manager
                .alter_table(
                    Table::alter()
                        .table(a("kpi_measurements"))
                        .drop_column(a(column))
                        .to_owned(),
                )
                .await?;
        }
        drop_tables(manager, tables()).await
    }
}
