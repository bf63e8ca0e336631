//! Reminders (đôn đốc): accounts gain an optional e-mail address; `reminders` records each
//! decision to remind an agency once (unique on agency, subject, kind and date);
//! `notifications` is what each account sees in the app; `mail_outbox` holds the daily e-mail
//! digests, written in the same transaction as the reminders they carry, and their delivery
//! state (attempts, next attempt, last error, the lease of the instance sending it).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261127_000001_plan_schema::{a, create_tables, drop_tables, Fk, Spec};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn tables() -> Vec<Spec> {
    vec![
        Spec {
            name: "mail_outbox",
            columns: vec![
                string_len(a("digest_key"), 100),
                text(a("recipients")),
                text(a("subject")),
                text(a("body")),
                timestamp_with_time_zone(a("created_at")),
                string_len(a("status"), 16),
                integer(a("attempts")),
                timestamp_with_time_zone(a("next_attempt_at")),
                timestamp_with_time_zone_null(a("claimed_until")),
                text_null(a("last_error")),
                timestamp_with_time_zone_null(a("sent_at")),
            ],
            fks: vec![],
            indexes: vec![
                (true, &["digest_key"]),
                (false, &["status", "next_attempt_at"]),
            ],
        },
        Spec {
            name: "reminders",
            columns: vec![
                integer(a("agency_id")),
                integer_null(a("task_id")),
                string_len_null(a("period"), 16),
                string_len(a("subject"), 40),
                string_len(a("kind"), 24),
                date(a("on_date")),
                text(a("text_vi")),
                text(a("text_en")),
                string_len(a("link"), 200),
                timestamp_with_time_zone(a("created_at")),
                integer_null(a("message_id")),
            ],
            fks: vec![
                Fk("agency_id", "agencies", true),
                Fk("task_id", "tasks", true),
                Fk("message_id", "mail_outbox", false),
            ],
            indexes: vec![
                (true, &["agency_id", "subject", "kind", "on_date"]),
                (false, &["message_id", "agency_id"]),
            ],
        },
        Spec {
            name: "notifications",
            columns: vec![
                integer(a("user_id")),
                integer_null(a("reminder_id")),
                string_len(a("kind"), 24),
                text(a("text_vi")),
                text(a("text_en")),
                string_len(a("link"), 200),
                timestamp_with_time_zone(a("created_at")),
                timestamp_with_time_zone_null(a("read_at")),
            ],
            fks: vec![
                Fk("user_id", "users", true),
                Fk("reminder_id", "reminders", true),
            ],
            indexes: vec![
                (true, &["user_id", "reminder_id"]),
                (false, &["user_id", "read_at"]),
            ],
        },
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(a("users"))
                    .add_column(string_len_null(a("email"), 254))
                    .to_owned(),
            )
            .await?;
        create_tables(manager, tables()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, tables()).await?;
        manager
            .alter_table(
                Table::alter()
                    .table(a("users"))
                    .drop_column(a("email"))
                    .to_owned(),
            )
            .await
    }
}
