//! A measured value of a KPI for a year, with its source.

use sea_orm::entity::prelude::*;

/// A measured value of a KPI for a year, with its source.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "kpi_measurements")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub kpi_id: i32,
    pub year: i32,
    pub value: f64,
    pub source: String,
    pub note: Option<String>,
    pub recorded_at: Option<DateTimeUtc>,
    pub recorded_by_user_id: Option<i32>,
}

/// Relations are followed with explicit queries in the services layer.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
