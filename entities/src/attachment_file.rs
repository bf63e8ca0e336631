//! The bytes of an attached file, stored once per content: two reports attaching the same file
//! share one row. Written once, never updated or deleted.

use sea_orm::entity::prelude::*;

/// The bytes of an attached file, stored once per content (SHA-256). Written once, never
/// updated or deleted.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "attachment_files")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// SHA-256 of `content`, lower-case hex; unique.
    #[sea_orm(unique)]
    pub sha256: String,
    /// The type read from the bytes (never the declared one), e.g. `application/pdf`.
    pub content_type: String,
    pub size_bytes: i64,
    #[sea_orm(column_type = "Blob")]
    pub content: Vec<u8>,
    /// When this content was first stored.
    pub created_at: DateTimeUtc,
}

/// Relations are followed with explicit queries in the services layer.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
