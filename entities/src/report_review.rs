//! A planner's review of one status report: accepted, or returned with a reason. Rows are
//! appended, never updated; a report with a `RETURN` review no longer counts.

use sea_orm::entity::prelude::*;

/// A planner's review of one status report (`task_history` entry); appended, never updated.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "report_reviews")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The reviewed `task_history` entry.
    pub history_id: i32,
    pub task_id: i32,
    pub decision: crate::ReviewDecision,
    /// Why it was returned (required for a return), or a remark on acceptance.
    #[sea_orm(column_type = "Text", nullable)]
    pub reason: Option<String>,
    pub reviewed_at: DateTimeUtc,
    pub reviewer_user_id: Option<i32>,
}

/// Relations are followed with explicit queries in the services layer.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
