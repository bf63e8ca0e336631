//! The GraphQL schema: thin resolvers over `services`, view types converted from models, and
//! DataLoaders so that lists never cost one query per row.
//!
//! Limits follow GitLab's practice: queries may nest at most 15 levels and cost at most 250,
//! where a paginated list costs `first × (cost of one node)`.

mod loaders;
mod query;
mod scalars;
mod types;

use async_graphql::dataloader::DataLoader;
use async_graphql::{EmptyMutation, EmptySubscription, Schema, SchemaBuilder};
use sea_orm::DatabaseConnection;

pub use loaders::DbLoader;
pub use query::QueryRoot;
pub use scalars::Date;

/// Deepest query nesting accepted.
pub const MAX_DEPTH: usize = 15;
/// Highest query complexity accepted.
pub const MAX_COMPLEXITY: usize = 250;

/// The service's schema type.
pub type AppSchema = Schema<QueryRoot, EmptyMutation, EmptySubscription>;

fn builder() -> SchemaBuilder<QueryRoot, EmptyMutation, EmptySubscription> {
    Schema::build(QueryRoot, EmptyMutation, EmptySubscription)
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_COMPLEXITY)
}

/// The schema with its database connection and per-request loaders.
pub fn build_schema(db: DatabaseConnection) -> AppSchema {
    builder()
        .data(DataLoader::new(DbLoader::new(db.clone()), tokio::spawn))
        .data(db)
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
}
