//! Indexes that let the database answer "what was this assignment's state on a date" and "what
//! is each task's latest report" with a few index probes instead of reading the history
//! (`api::services::states`, `api::services::reporting::latest_reports_of_tasks`).
//!
//! - `(assignment_id, effective_on, id)`: the latest report on or before a date, and the first
//!   report after a given one;
//! - `(task_id, effective_on, id)`: a task's latest report on any of its assignments;
//! - the same, over reports that are not COMPLETED: where the final run of COMPLETED reports
//!   began;
//! - `(assignment_id, effective_on)` over reports with evidence: whether any had evidence by a
//!   date.
//!
//! The statements are the same on PostgreSQL and SQLite (both support partial indexes).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// `(name, definition)` of each index.
const INDEXES: [(&str, &str); 4] = [
    (
        "idx_task_history_assignment_effective",
        "task_history (assignment_id, effective_on, id)",
    ),
    (
        "idx_task_history_task_effective",
        "task_history (task_id, effective_on, id)",
    ),
    (
        "idx_task_history_assignment_open",
        "task_history (assignment_id, effective_on, id) WHERE status <> 'COMPLETED'",
    ),
    (
        "idx_task_history_assignment_evidence",
        "task_history (assignment_id, effective_on) WHERE evidence IS NOT NULL",
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (name, definition) in INDEXES {
            db.execute_unprepared(&format!("CREATE INDEX {name} ON {definition}"))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (name, _) in INDEXES.iter().rev() {
            db.execute_unprepared(&format!("DROP INDEX {name}")).await?;
        }
        Ok(())
    }
}
