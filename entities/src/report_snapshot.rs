//! A frozen periodic report: the plan's figures as of a period's end, who froze it and the hash
//! of its files. Written once, never updated or deleted.

use sea_orm::entity::prelude::*;

/// A frozen periodic report: the plan's figures as of a period's end, who froze it and the hash
/// of its files. Written once, never updated or deleted.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "report_snapshots")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `QUARTER`, `HALF_YEAR` or `YEAR`.
    pub period_kind: String,
    pub year: i32,
    /// Quarter 1-4, half 1-2, or 0 for a year.
    pub period_number: i32,
    /// `vi` or `en`.
    pub lang: String,
    /// The period's last day: every figure is as of this date.
    pub as_of: Date,
    /// The headline figures (JSON object), for listing without opening the PDF.
    #[sea_orm(column_type = "Text")]
    pub figures_json: String,
    /// SHA-256 over the files' names and hashes, in name order.
    pub sha256: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub note: Option<String>,
    pub frozen_at: DateTimeUtc,
    pub frozen_by_user_id: i32,
}

/// Relations are followed with explicit queries in the services layer.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
