//! Link from a component to the plan clauses that name it.

use sea_orm::entity::prelude::*;

/// Link from a component to the plan clauses that name it.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "component_clauses")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub component_id: i32,
    pub clause_id: i32,
}

/// Relations are followed with explicit queries in the services layer.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
