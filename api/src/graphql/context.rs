//! What resolvers know about the request: the database, the signed-in viewer, the caller's
//! address, and whether reads need sign-in.

use async_graphql::{Context, ErrorExtensions, Result};
use sea_orm::DatabaseConnection;

use crate::services::access::Viewer;
use crate::Error;

/// Whether reads require sign-in (the "reads require sign-in" setting).
#[derive(Debug, Clone, Copy)]
pub struct ReadPolicy {
    pub require_sign_in: bool,
}

/// The caller's network address, for sign-in throttling.
#[derive(Debug, Clone)]
pub struct ClientAddr(pub String);

/// The database, for writes and for reads that passed [`reader`].
pub fn db<'a>(ctx: &'a Context<'_>) -> Result<&'a DatabaseConnection> {
    ctx.data::<DatabaseConnection>()
}

/// The database for a read, refusing anonymous callers when reads require sign-in.
pub fn reader<'a>(ctx: &'a Context<'_>) -> Result<&'a DatabaseConnection> {
    let required = ctx
        .data_opt::<ReadPolicy>()
        .is_some_and(|p| p.require_sign_in);
    if required && viewer(ctx).is_none() {
        return Err(Error::Unauthenticated.extend());
    }
    db(ctx)
}

/// The signed-in account, if any.
pub fn viewer<'a>(ctx: &'a Context<'_>) -> Option<&'a Viewer> {
    ctx.data_opt::<Viewer>()
}
