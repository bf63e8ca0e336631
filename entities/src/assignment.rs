//! One agency's role on one task, after groups are expanded; leads report status here.

use sea_orm::entity::prelude::*;

/// One agency's role on one task, after groups are expanded; leads report status here.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "assignments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub task_id: i32,
    pub agency_id: i32,
    pub role: crate::AssignmentRole,
    /// The group this assignment was expanded from, when the plan names a group.
    pub via_group_id: Option<i32>,
    pub status: crate::TaskStatus,
    pub progress: i32,
}

/// Relations are followed with explicit queries in the services layer.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
