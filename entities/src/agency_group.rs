//! A collective phrase of the plan ("các sở, ban, ngành tỉnh") that expands to member agencies; open groups name no one until planners fill them.

use sea_orm::entity::prelude::*;

/// A collective phrase of the plan ("các sở, ban, ngành tỉnh") that expands to member agencies; open groups name no one until planners fill them.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "agency_groups")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub open: bool,
    pub note: Option<String>,
}

/// Relations are followed with explicit queries in the services layer.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
