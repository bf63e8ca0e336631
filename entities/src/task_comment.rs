//! A comment or piece of evidence on a task, from any agency assigned to it.

use sea_orm::entity::prelude::*;

/// A comment or piece of evidence on a task, from any agency assigned to it.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "task_comments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub task_id: i32,
    pub agency_id: Option<i32>,
    pub user_id: Option<i32>,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub evidence: Option<String>,
    pub created_at: DateTimeUtc,
}

/// Relations are followed with explicit queries in the services layer.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
