//! The GraphQL schema: thin resolvers over `services`, view types converted from models, and
//! DataLoaders so that lists never cost one query per row.
//!
//! Limits follow GitLab's practice: queries may nest at most 15 levels and cost at most 500,
//! where a paginated list costs `first × (cost of one node)`; the leadership dashboard's query
//! (all 27 tasks with their lead and cooperating agencies and latest report) costs about 400.
//! Before the parser and validator run, [`guard`] bounds value nesting and fragment expansion.

mod context;
pub mod guard;
mod loaders;
mod mutation;
mod query;
mod scalars;
mod subscription;
mod types;
mod writes;

use std::sync::Arc;

use async_graphql::dataloader::DataLoader;
use async_graphql::{Schema, SchemaBuilder};
use sea_orm::DatabaseConnection;

pub use context::{ClientAddr, ReadPolicy};
pub use loaders::DbLoader;
pub use mutation::MutationRoot;
pub use query::QueryRoot;
pub use scalars::Date;
pub use subscription::SubscriptionRoot;

use crate::services::attachments;
use crate::services::events::Events;
use crate::services::figures::Figures;
use crate::services::sessions::Sessions;

/// Deepest query nesting accepted.
pub const MAX_DEPTH: usize = 15;
/// Highest query complexity accepted.
pub const MAX_COMPLEXITY: usize = 500;

/// The service's schema type.
pub type AppSchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

fn builder() -> SchemaBuilder<QueryRoot, MutationRoot, SubscriptionRoot> {
    Schema::build(QueryRoot, MutationRoot, SubscriptionRoot)
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_COMPLEXITY)
        .extension(guard::Guard)
}

/// Shared services the resolvers use.
pub struct SchemaDeps {
    pub db: DatabaseConnection,
    pub sessions: Arc<Sessions>,
    pub events: Events,
    pub figures: Figures,
    pub read_policy: ReadPolicy,
    /// How many files `updateTaskStatus` may carry and how large each may be.
    pub attachment_limits: attachments::Limits,
    /// The reporting calendar rounds are computed on.
    pub calendar: Arc<seeds::calendar::Calendar>,
}

/// The schema with its database connection, sessions, event feed and loaders.
pub fn build_schema(deps: SchemaDeps) -> AppSchema {
    builder()
        .extension(writes::MarkWrites)
        .data(DataLoader::new(
            DbLoader::new(deps.db.clone()),
            tokio::spawn,
        ))
        .data(deps.db)
        .data(deps.sessions)
        .data(deps.events)
        .data(deps.figures)
        .data(deps.read_policy)
        .data(deps.attachment_limits)
        .data(deps.calendar)
        .finish()
}

/// The schema in SDL, as committed to `docs/schema.graphql`.
pub fn sdl() -> String {
    builder().finish().sdl()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_committed_schema_matches_the_code() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/schema.graphql");
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            committed == super::sdl(),
            "docs/schema.graphql is out of date; regenerate it with \
             `cargo run -- schema --out docs/schema.graphql`"
        );
    }

    #[tokio::test]
    async fn the_schema_refuses_fragment_fan_out_before_walking_it() {
        let query = super::guard::fan_out(30);
        let started = std::time::Instant::now();
        let response = super::builder().finish().execute(query.as_str()).await;
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        let codes: Vec<_> = response
            .errors
            .iter()
            .map(|e| e.extensions.as_ref().and_then(|x| x.get("code").cloned()))
            .collect();
        assert_eq!(codes, [Some(async_graphql::Value::from("BAD_INPUT"))]);
    }
}
