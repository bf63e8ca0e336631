//! A refresh token (stored as its SHA-256) in a rotating family capped to one session.

use sea_orm::entity::prelude::*;

/// A refresh token (stored as its SHA-256) in a rotating family capped to one session.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "refresh_tokens")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub user_id: i32,
    /// All tokens rotated from one sign-in share a family; reuse of a spent token revokes it.
    pub family: String,
    #[sea_orm(unique)]
    pub token_hash: String,
    pub session_started_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub used_at: Option<DateTimeUtc>,
    pub revoked: bool,
}

/// Relations are followed with explicit queries in the services layer.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
