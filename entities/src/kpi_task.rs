//! Link from a KPI to a task that moves it.

use sea_orm::entity::prelude::*;

/// Link from a KPI to a task that moves it.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "kpi_tasks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub kpi_id: i32,
    pub task_id: i32,
}

/// Relations are followed with explicit queries in the services layer.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
