//! Every mutation advances the data version once it has run and before it is answered, so that
//! nothing cached (figures, whole answers; see [`crate::services::figures`]) outlives a write,
//! whatever the write changed and whichever instance took it. Status reports also advance it
//! inside their own transaction; a second advance is harmless.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery,
};
use async_graphql::parser::types::{ExecutableDocument, OperationType};
use async_graphql::{Response, ServerResult, Variables};
use sea_orm::DatabaseConnection;

use crate::services::figures::{self, Figures};

/// The schema extension that marks writes.
pub struct MarkWrites;

impl ExtensionFactory for MarkWrites {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(MarkWritesExtension::default())
    }
}

/// One request's view: whether its document holds a mutation.
#[derive(Default)]
struct MarkWritesExtension {
    mutation: AtomicBool,
}

#[async_graphql::async_trait::async_trait]
impl Extension for MarkWritesExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        let mutation = document
            .operations
            .iter()
            .any(|(_, operation)| operation.node.ty == OperationType::Mutation);
        self.mutation.store(mutation, Ordering::Relaxed);
        Ok(document)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let response = next.run(ctx, operation_name).await;
        if self.mutation.load(Ordering::Relaxed) {
            if let Some(cache) = ctx.data_opt::<Figures>() {
                cache.forget();
            }
            if let Some(db) = ctx.data_opt::<DatabaseConnection>() {
                if let Err(err) = figures::mark(db).await {
                    tracing::error!(error = ?err, "advancing the data version after a mutation");
                }
            }
        }
        response
    }
}
