//! An agency, committee, ministry or enterprise the plan names or that a group expands to.

use sea_orm::entity::prelude::*;

/// An agency, committee, ministry or enterprise the plan names or that a group expands to.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "agencies")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub short_vi: Option<String>,
    pub short_en: Option<String>,
    pub level: crate::AgencyLevel,
    pub named_in_plan: bool,
    pub collective: bool,
    pub source: String,
    pub search_text: String,
}

/// Relations are followed with explicit queries in the services layer.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
