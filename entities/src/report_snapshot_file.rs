//! One file of a frozen report (the PDF, a chart, a table), stored byte for byte.

use sea_orm::entity::prelude::*;

/// One file of a frozen report (the PDF, a chart, a table), stored byte for byte.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "report_snapshot_files")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub snapshot_id: i32,
    /// File name within the snapshot, e.g. `summary.pdf`, `ranking.png`.
    pub name: String,
    pub content_type: String,
    #[sea_orm(column_type = "Blob")]
    pub content: Vec<u8>,
    /// SHA-256 of `content`, hex.
    pub sha256: String,
    pub size_bytes: i64,
}

/// Relations are followed with explicit queries in the services layer.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
