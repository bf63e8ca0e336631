//! The rules of the service: what can be read, how it is filtered, paged and dated.
//!
//! Functions here take a database connection and plain arguments and return entity models or
//! small result structs; they know nothing about GraphQL, so the same rules can serve other
//! front ends (reports, the command line).

pub mod access;
pub mod agencies;
pub mod architecture;
pub mod asof;
pub mod attachments;
pub mod clauses;
pub mod clock;
pub mod counted;
pub mod downloads;
pub mod events;
pub mod explanations;
pub mod exports;
pub mod feed;
pub mod figures;
pub mod kpis;
pub mod mailer;
pub mod plan;
pub mod ranking;
pub mod register;
pub mod reminders;
pub mod renders;
pub mod report_data;
pub mod reporting;
pub mod reviews;
pub mod rounds;
pub mod sessions;
pub mod snapshots;
pub mod states;
pub mod tasks;
pub mod users;
pub mod workspace;

/// Defines `pub async fn $name(db, ids)` returning every row of `$module` whose `$column` is one
/// of `ids`: the batch fetches behind the GraphQL DataLoaders.
macro_rules! fetch_by {
    ($(#[$doc:meta])* $name:ident, $module:ident, $column:ident) => {
        $(#[$doc])*
        pub async fn $name(
            db: &sea_orm::DatabaseConnection,
            ids: &[i32],
        ) -> crate::error::Result<Vec<entities::$module::Model>> {
            use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
            Ok(entities::$module::Entity::find()
                .filter(entities::$module::Column::$column.is_in(ids.iter().copied()))
                .order_by_asc(entities::$module::Column::Id)
                .all(db)
                .await?)
        }
    };
}
pub(crate) use fetch_by;
