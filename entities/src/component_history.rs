//! One change to the architecture catalog; never edited or deleted.

use sea_orm::entity::prelude::*;

/// One change to the architecture catalog; never edited or deleted.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "component_history")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub component_id: i32,
    /// `CREATED`, `UPDATED`, `LIFECYCLE`, `RELATION_ADDED` or `RELATION_REMOVED`.
    pub action: String,
    /// What changed, e.g. `lifecycle PLANNED → BUILDING`.
    #[sea_orm(column_type = "Text")]
    pub summary: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub reason: Option<String>,
    pub changed_at: DateTimeUtc,
    pub changed_by_user_id: Option<i32>,
}

/// Relations are followed with explicit queries in the services layer.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
