//! A request for explanation (giải trình): a leader or planner asks an agency to explain its
//! work on a task by a date; the agency answers once. The question is never edited; the answer
//! columns are written once.

use sea_orm::entity::prelude::*;

/// A request for explanation on one task, addressed to one agency, and its one answer.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "explanation_requests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub task_id: i32,
    /// The agency asked to explain.
    pub agency_id: i32,
    #[sea_orm(column_type = "Text")]
    pub question: String,
    /// The day by which the answer is expected.
    pub due_on: Date,
    pub requested_at: DateTimeUtc,
    pub requested_by_user_id: Option<i32>,
    #[sea_orm(column_type = "Text", nullable)]
    pub answer: Option<String>,
    pub answered_at: Option<DateTimeUtc>,
    pub answered_by_user_id: Option<i32>,
}

/// Relations are followed with explicit queries in the services layer.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
