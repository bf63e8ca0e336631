//! DIC's follow-up of the plan: reviews of status reports (`report_reviews`: a planner accepts
//! or returns a report; rows are appended, never updated, and a returned report stops counting
//! in every figure) and requests for explanation (`explanation_requests`: a leader or planner
//! asks an agency to explain a task; the agency answers once).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261127_000001_plan_schema::{a, create_tables, drop_tables, Fk, Spec};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn tables() -> Vec<Spec> {
    vec![
        Spec {
            name: "report_reviews",
            columns: vec![
                integer(a("history_id")),
                integer(a("task_id")),
                string_len(a("decision"), 16),
                text_null(a("reason")),
                timestamp_with_time_zone(a("reviewed_at")),
                integer_null(a("reviewer_user_id")),
            ],
            fks: vec![
                Fk("history_id", "task_history", true),
                Fk("task_id", "tasks", true),
            ],
            indexes: vec![(false, &["history_id", "decision"]), (false, &["task_id"])],
        },
        Spec {
            name: "explanation_requests",
            columns: vec![
                integer(a("task_id")),
                integer(a("agency_id")),
                text(a("question")),
                date(a("due_on")),
                timestamp_with_time_zone(a("requested_at")),
                integer_null(a("requested_by_user_id")),
                text_null(a("answer")),
                timestamp_with_time_zone_null(a("answered_at")),
                integer_null(a("answered_by_user_id")),
            ],
            fks: vec![
                Fk("task_id", "tasks", true),
                Fk("agency_id", "agencies", true),
            ],
            indexes: vec![(false, &["task_id"]), (false, &["agency_id", "due_on"])],
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
