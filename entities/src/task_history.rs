//! One accepted status report on an assignment; never edited or deleted.

use sea_orm::entity::prelude::*;

/// One accepted status report on an assignment; never edited or deleted.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "task_history")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub task_id: i32,
    pub assignment_id: i32,
    pub agency_id: i32,
    pub status: crate::TaskStatus,
    pub progress: i32,
    #[sea_orm(column_type = "Text", nullable)]
    pub note: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub evidence: Option<String>,
    /// When the change really happened (may be back-filled).
    pub effective_on: Date,
    /// When it was recorded.
    pub changed_at: DateTimeUtc,
    pub changed_by_user_id: Option<i32>,
    /// The task version this change produced.
    pub task_version: i32,
}

/// Relations are followed with explicit queries in the services layer.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
