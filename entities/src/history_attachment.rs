//! A file attached to a status report: links a history entry to stored content under the name
//! the reporter gave it. Written with the history entry, never updated or deleted.

use sea_orm::entity::prelude::*;

/// A file attached to a status report, under the name the reporter gave it (cleaned: a name
/// only, never a path). Written with the history entry, never updated or deleted.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "history_attachments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The `task_history` entry that brought the file.
    pub history_id: i32,
    /// The stored content (`attachment_files`).
    pub file_id: i32,
    /// The file's name as shown and offered on download; never used as a path.
    pub file_name: String,
}

/// Relations are followed with explicit queries in the services layer.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
