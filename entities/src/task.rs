//! One of the appendix tasks, with its timeline and the roll-up of its lead assignments.

use sea_orm::entity::prelude::*;

/// One of the appendix tasks, with its timeline and the roll-up of its lead assignments.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "tasks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub plan_id: i32,
    pub number: i32,
    #[sea_orm(column_type = "Text")]
    pub title_vi: String,
    #[sea_orm(column_type = "Text")]
    pub title_en: String,
    pub lead_text_vi: String,
    pub cooperating_text_vi: String,
    pub timeline_vi: String,
    pub recurrence: crate::Recurrence,
    pub start_year: i32,
    pub end_year: Option<i32>,
    pub due_date: Option<Date>,
    pub status: crate::TaskStatus,
    pub progress: i32,
    pub version: i32,
    #[sea_orm(column_type = "Text")]
    pub search_text: String,
}

/// Relations are followed with explicit queries in the services layer.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
