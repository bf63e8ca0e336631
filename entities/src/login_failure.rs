//! Failed sign-ins counted per username and per client address, shared by every instance.

use sea_orm::entity::prelude::*;

/// Failed sign-ins counted per username and per client address, shared by every instance.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "login_failures")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `user:` and the hex SHA-256 of the trimmed lower-case name, or `client:<address>` (hashed
    /// too when longer than 64 characters); fixed in size whatever is submitted.
    #[sea_orm(unique)]
    pub throttle_key: String,
    /// Failures since the count last started.
    pub failures: i32,
    /// Unix seconds of the latest failure.
    pub last_failed_at: i64,
}

/// Relations are followed with explicit queries in the services layer.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
