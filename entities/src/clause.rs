//! One numbered or lettered clause of sections I-IV: objectives, main tasks, solutions and duties.

use sea_orm::entity::prelude::*;

/// One numbered or lettered clause of sections I-IV: objectives, main tasks, solutions and duties.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "clauses")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub plan_id: i32,
    pub code: String,
    pub kind: crate::ClauseKind,
    pub parent_code: Option<String>,
    pub position: i32,
    pub title_vi: String,
    pub title_en: String,
    pub title_derived: bool,
    #[sea_orm(column_type = "Text")]
    pub text_vi: String,
    #[sea_orm(column_type = "Text")]
    pub text_en: String,
}

/// Relations are followed with explicit queries in the services layer.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
