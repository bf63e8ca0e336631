//! An agency or group a duty clause (section IV) is addressed to, as written.

use sea_orm::entity::prelude::*;

/// An agency or group a duty clause (section IV) is addressed to, as written.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "clause_parties")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub clause_id: i32,
    pub position: i32,
    pub agency_id: Option<i32>,
    pub group_id: Option<i32>,
}

/// Relations are followed with explicit queries in the services layer.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
