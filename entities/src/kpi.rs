//! A measurable indicator the plan sets, with its baseline and direction.

use sea_orm::entity::prelude::*;

/// A measurable indicator the plan sets, with its baseline and direction.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "kpis")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub plan_id: i32,
    pub code: String,
    pub position: i32,
    pub name_vi: String,
    pub name_en: String,
    pub unit: String,
    pub direction: crate::KpiDirection,
    pub clause_id: Option<i32>,
    pub objective_clause_id: Option<i32>,
    #[sea_orm(column_type = "Text")]
    pub definition_vi: String,
    #[sea_orm(column_type = "Text")]
    pub definition_en: String,
    #[sea_orm(column_type = "Text")]
    pub quote_vi: String,
    pub baseline_year: Option<i32>,
    pub baseline_value: Option<f64>,
    pub target_note: Option<String>,
}

/// Relations are followed with explicit queries in the services layer.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
