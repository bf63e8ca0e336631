//! The one error type at the edge of the service.
//!
//! Services return [`Error`]; resolvers turn it into a GraphQL error carrying a stable `code`
//! extension with `async_graphql::ResultExt::extend`. Internal failures are logged with their cause and reported to clients only as
//! `INTERNAL`, so database details never leak.

use async_graphql::ErrorExtensions;

/// Everything a request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request is malformed or breaks a rule; the message says how to fix it.
    #[error("{0}")]
    BadInput(String),
    /// A named thing does not exist.
    #[error("{0} not found")]
    NotFound(String),
    /// The request needs a valid sign-in (missing, invalid or expired token; disabled account).
    #[error("sign-in required: the token is missing, invalid or expired")]
    Unauthenticated,
    /// Wrong username or password; never says which.
    #[error("invalid username or password")]
    InvalidCredentials,
    /// The caller is signed in but may not do this; the message says why.
    #[error("{0}")]
    Forbidden(String),
    /// The data changed since the caller read it (`expectedVersion` is stale).
    #[error("{0}")]
    Conflict(String),
    /// Too many failed attempts; try again later.
    #[error("too many failed sign-in attempts; try again later")]
    TooManyRequests,
    /// The service is at its bound for this kind of work (renders); try again after the
    /// given number of seconds.
    #[error("the service is busy with other reports; try again in {0} seconds")]
    Busy(u64),
    /// Something failed inside the service; details are logged, not returned.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl Error {
    /// Stable machine-readable code sent in the GraphQL error's `extensions.code`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::BadInput(_) => "BAD_INPUT",
            Error::NotFound(_) => "NOT_FOUND",
            Error::Unauthenticated | Error::InvalidCredentials => "UNAUTHENTICATED",
            Error::Forbidden(_) => "FORBIDDEN",
            Error::Conflict(_) => "CONFLICT",
            Error::TooManyRequests => "TOO_MANY_REQUESTS",
            Error::Busy(_) => "BUSY",
            Error::Internal(_) => "INTERNAL",
        }
    }

    /// A bad-input error with a message.
    pub fn bad_input(message: impl Into<String>) -> Self {
        Error::BadInput(message.into())
    }

    /// A forbidden error with a message.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Error::Forbidden(message.into())
    }
}

impl From<sea_orm::DbErr> for Error {
    fn from(err: sea_orm::DbErr) -> Self {
        Error::Internal(err.into())
    }
}

/// Resolvers call `.extend()` on service results (`async_graphql::ResultExt`) to get here.
impl ErrorExtensions for Error {
    fn extend(&self) -> async_graphql::Error {
        if let Error::Internal(cause) = self {
            tracing::error!(error = ?cause, "request failed");
        }
        let code = self.code();
        async_graphql::Error::new(self.to_string()).extend_with(|_, ext| ext.set("code", code))
    }
}

/// Result of a service call.
pub type Result<T, E = Error> = std::result::Result<T, E>;
