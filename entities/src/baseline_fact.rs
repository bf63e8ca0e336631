//! A figure the plan states about the situation when it was issued (its baseline).

use sea_orm::entity::prelude::*;

/// A figure the plan states about the situation when it was issued (its baseline).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "baseline_facts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub plan_id: i32,
    pub code: String,
    pub position: i32,
    pub label_vi: String,
    pub label_en: String,
    pub value: f64,
    pub unit: String,
    pub out_of: Option<f64>,
    pub year: Option<i32>,
    #[sea_orm(column_type = "Text")]
    pub quote_vi: String,
}

/// Relations are followed with explicit queries in the services layer.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
