//! A component of the provincial e-government architecture catalog.

use sea_orm::entity::prelude::*;

/// A component of the provincial e-government architecture catalog.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "components")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub code: String,
    pub position: i32,
    pub name_vi: String,
    pub name_en: String,
    pub layer: crate::ArchitectureLayer,
    pub kind: crate::ComponentKind,
    pub lifecycle: crate::Lifecycle,
    pub owner_agency_id: Option<i32>,
    pub owner_group_id: Option<i32>,
    pub scope: crate::Scope,
    pub external: bool,
    #[sea_orm(column_type = "Text")]
    pub description_vi: String,
    #[sea_orm(column_type = "Text")]
    pub description_en: String,
    #[sea_orm(column_type = "Text")]
    pub search_text: String,
    /// The agency that runs it day to day, when not the owner.
    pub operator_agency_id: Option<i32>,
    pub go_live_on: Option<Date>,
    #[sea_orm(column_type = "Text", nullable)]
    pub hosting: Option<String>,
    /// `LOW`, `MEDIUM`, `HIGH` or `CRITICAL`.
    pub criticality: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub data_held: Option<String>,
}

/// Relations are followed with explicit queries in the services layer.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
