//! An account: a DIC planner, an agency officer or a leader.

use sea_orm::entity::prelude::*;

/// An account: a DIC planner, an agency officer or a leader.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub username: String,
    /// Argon2id hash in PHC string format.
    pub password_hash: String,
    pub role: crate::UserRole,
    /// The agency an `AGENCY` user reports for.
    pub agency_id: Option<i32>,
    pub disabled: bool,
    /// Where reminders are mailed; none means in-app notifications only.
    pub email: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// Relations are followed with explicit queries in the services layer.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
