//! GraphQL over a websocket (`/graphql/ws`): subscriptions such as `taskStatusChanged`, and
//! queries and mutations for clients that keep one connection open.
//!
//! A socket may be initialised with the same bearer token as `POST /graphql`, in the
//! `connection_init` payload. The socket keeps the token, not the account it named, and
//! [`SessionChecked`] checks the session behind it again, against the database, so that ending
//! a session (logout, reuse of a spent refresh token, a password reset, disabling the account)
//! on any instance ends it on every socket too:
//! - before every query, mutation or subscription over the socket starts: an ended session is
//!   answered with one `UNAUTHENTICATED` error and nothing runs;
//! - before every event of a subscription is delivered, and every [`RECHECK_INTERVAL`] while a
//!   subscription waits for one: a subscription whose session has ended receives one
//!   `UNAUTHENTICATED` error instead of the event, and completes.
//!
//! The token is an access token, so the same happens when it expires (after 30 minutes by
//! default): a client that keeps a socket longer reconnects with a fresh token. Sockets opened
//! without a token run as anonymous callers, as `POST /graphql` without one does.
//!
//! Every operation also carries the client's address ([`ClientAddr`]), so sign-in throttling
//! counts `login` over the socket as it does over HTTP, and every message and frame is limited
//! to [`MAX_BODY_BYTES`], like a request body; a larger one closes the socket.

use std::any::TypeId;
use std::sync::Arc;
use std::time::Duration;

use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use async_graphql::parser::types::{DocumentOperations, OperationType};
use async_graphql::{ErrorExtensions, Executor, Response, ServerError};
use async_graphql_poem::{GraphQLProtocol, GraphQLWebSocket};
use futures_util::stream::{self, BoxStream};
use futures_util::StreamExt;
use poem::web::websocket::{WebSocket, WebSocketConfig};
use poem::web::{Data, RemoteAddr};
use poem::{handler, IntoResponse};
use sea_orm::DatabaseConnection;
use serde_json::Value;

use super::{bearer, MAX_BODY_BYTES};
use crate::graphql::{guard, AppSchema, ClientAddr};
use crate::services::access::Viewer;
use crate::services::sessions::Sessions;

/// How often a waiting subscription checks that its session is still live.
pub const RECHECK_INTERVAL: Duration = Duration::from_secs(60);

/// GraphQL over a websocket (graphql-transport-ws or graphql-ws). A token may be passed in the
/// `connection_init` payload as `{"Authorization": "Bearer …"}`.
#[handler]
pub(super) async fn graphql_ws(
    Data(schema): Data<&AppSchema>,
    Data(db): Data<&DatabaseConnection>,
    Data(sessions): Data<&Arc<Sessions>>,
    remote: &RemoteAddr,
    protocol: GraphQLProtocol,
    websocket: WebSocket,
) -> impl IntoResponse {
    let executor = SessionChecked {
        schema: schema.clone(),
        db: db.clone(),
        sessions: sessions.clone(),
        client: remote
            .as_socket_addr()
            .map(|addr| ClientAddr(addr.ip().to_string())),
    };
    let init = executor.clone();
    websocket
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .config(limits())
        .on_upgrade(move |stream| {
            GraphQLWebSocket::new(stream, executor, protocol)
                .on_connection_init(move |payload: Value| init.connection_init(payload))
                .serve()
        })
}

/// The websocket's limits: no message or frame over [`MAX_BODY_BYTES`] (tungstenite's defaults
/// are 64 MiB and 16 MiB).
fn limits() -> WebSocketConfig {
    WebSocketConfig::default()
        .max_message_size(Some(MAX_BODY_BYTES))
        .max_frame_size(Some(MAX_BODY_BYTES))
}

/// The bearer token a socket was initialised with, kept in the socket's session data and
/// checked again for every operation.
#[derive(Clone)]
struct SocketCredentials(String);

/// The schema behind one socket, checking the socket's session for every operation (see the
/// module documentation) and giving each operation the client's address.
#[derive(Clone)]
struct SessionChecked {
    schema: AppSchema,
    db: DatabaseConnection,
    sessions: Arc<Sessions>,
    client: Option<ClientAddr>,
}

impl SessionChecked {
    /// Checks the token of `connection_init`, if there is one, and keeps it for the socket. A
    /// token that does not name a live session refuses the connection.
    async fn connection_init(self, payload: Value) -> async_graphql::Result<async_graphql::Data> {
        let mut data = async_graphql::Data::default();
        let header = payload
            .get("Authorization")
            .or_else(|| payload.get("authorization"));
        let Some(header) = header else {
            return Ok(data);
        };
        let token = header
            .as_str()
            .and_then(bearer)
            .ok_or_else(|| crate::Error::Unauthenticated.extend())?;
        self.sessions
            .viewer(&self.db, token)
            .await
            .map_err(|err| err.extend())?;
        data.insert(SocketCredentials(token.to_owned()));
        Ok(data)
    }

    /// The account behind the socket's token, or the answer that refuses the operation.
    async fn check(&self, credentials: &SocketCredentials) -> Result<Viewer, Response> {
        self.sessions
            .viewer(&self.db, &credentials.0)
            .await
            .map_err(|err| refusal(&err))
    }

    /// Checks the session, then runs the operation as its account.
    async fn start(
        self,
        mut request: async_graphql::Request,
        session_data: Option<Arc<async_graphql::Data>>,
    ) -> BoxStream<'static, Response> {
        if let Some(client) = &self.client {
            request = request.data(client.clone());
        }
        let credentials = session_data
            .as_deref()
            .and_then(|data| data.get(&TypeId::of::<SocketCredentials>()))
            .and_then(|any| any.downcast_ref::<SocketCredentials>())
            .cloned();
        let Some(credentials) = credentials else {
            return Executor::execute_stream(&self.schema, request, session_data);
        };
        let viewer = match self.check(&credentials).await {
            Ok(viewer) => viewer,
            Err(refused) => return stream::once(async move { refused }).boxed(),
        };
        let kind = operation_kind(&mut request);
        let request = request.data(viewer);
        let answers = Executor::execute_stream(&self.schema, request, session_data);
        match kind {
            Some(OperationType::Query | OperationType::Mutation) => answers,
            Some(OperationType::Subscription) | None => self.watch(answers, credentials),
        }
    }

    /// A subscription's events, each delivered only after the session is checked again, and
    /// the session checked every [`RECHECK_INTERVAL`] while none comes; once the session has
    /// ended, one error instead and the end of the stream.
    fn watch(
        self,
        events: BoxStream<'static, Response>,
        credentials: SocketCredentials,
    ) -> BoxStream<'static, Response> {
        let start = tokio::time::Instant::now() + RECHECK_INTERVAL;
        let mut ticks = tokio::time::interval_at(start, RECHECK_INTERVAL);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let state = Some((self, credentials, events, ticks));
        stream::unfold(state, |state| async move {
            let (this, credentials, mut events, mut ticks) = state?;
            loop {
                tokio::select! {
                    event = events.next() => {
                        let event = event?;
                        return match this.check(&credentials).await {
                            Ok(_) => Some((event, Some((this, credentials, events, ticks)))),
                            Err(refused) => Some((refused, None)),
                        };
                    }
                    _ = ticks.tick() => {
                        if let Err(refused) = this.check(&credentials).await {
                            return Some((refused, None));
                        }
                    }
                }
            }
        })
        .boxed()
    }
}

impl Executor for SessionChecked {
    async fn execute(&self, request: async_graphql::Request) -> Response {
        let mut answers = self.execute_stream(request, None);
        match answers.next().await {
            Some(answer) => answer,
            None => refusal(&crate::Error::Internal(anyhow::anyhow!(
                "an operation gave no answer"
            ))),
        }
    }

    fn execute_stream(
        &self,
        request: async_graphql::Request,
        session_data: Option<Arc<async_graphql::Data>>,
    ) -> BoxStream<'static, Response> {
        let this = self.clone();
        stream::once(this.start(request, session_data))
            .flatten()
            .boxed()
    }
}

/// An answer with one error carrying `err`'s code.
fn refusal(err: &crate::Error) -> Response {
    let err = err.extend();
    let mut error = ServerError::new(err.message, None);
    error.extensions = err.extensions;
    Response::from_errors(vec![error])
}

/// The kind of operation a request runs: the operation named `operation_name`, or the
/// document's only operation. The document is parsed only once the guard's check of its text
/// passes (the parser recurses), and the parsed document is kept in the request so it is not
/// parsed again. `None` when the document does not say, which the caller treats as a
/// subscription.
fn operation_kind(request: &mut async_graphql::Request) -> Option<OperationType> {
    guard::check_text(&request.query).ok()?;
    let name = request.operation_name.clone();
    let document = request.parsed_query().ok()?;
    match (&document.operations, name.as_deref()) {
        (DocumentOperations::Single(operation), _) => Some(operation.node.ty),
        (DocumentOperations::Multiple(operations), Some(name)) => operations
            .iter()
            .find(|(candidate, _)| candidate.as_str() == name)
            .map(|(_, operation)| operation.node.ty),
        (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => operations
            .values()
            .next()
            .map(|operation| operation.node.ty),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kind_of_operation_is_read_from_the_text() {
        use OperationType::{Mutation, Query, Subscription};
        let cases: &[(&str, Option<&str>, Option<OperationType>)] = &[
            ("{ me { username } }", None, Some(Query)),
            ("query { me { username } }", None, Some(Query)),
            ("query Me($a: Int = 1) @x { me }", None, Some(Query)),
            (
                "mutation { logout(refreshToken: \"}{\") }",
                None,
                Some(Mutation),
            ),
            ("mutation @dir(a: [1, 2]) { x }", None, Some(Mutation)),
            (
                "subscription S { taskStatusChanged { taskNumber } }",
                None,
                Some(Subscription),
            ),
            ("# mutation\nsubscription { a }", None, Some(Subscription)),
            (
                "fragment F on Task { number }\nsubscription($n: Int) { a(n: $n) { ...F } }",
                None,
                Some(Subscription),
            ),
            ("query A { a } mutation B { b }", Some("B"), Some(Mutation)),
            ("query A { a } mutation B { b }", Some("A"), Some(Query)),
            ("query A { a } mutation B { b }", None, None),
            ("query A { a } mutation B { b }", Some("C"), None),
            ("{ a(s: \"\"\" \\\"\"\" } \"\"\") }", None, Some(Query)),
            ("{ a ", None, None),
            ("} mutation { a }", None, None),
            ("", None, None),
        ];
        for (query, name, expected) in cases {
            let mut request = async_graphql::Request::new(*query);
            if let Some(name) = name {
                request = request.operation_name(*name);
            }
            assert_eq!(
                operation_kind(&mut request),
                *expected,
                "{query} ({name:?})"
            );
        }
    }

    #[test]
    fn messages_and_frames_are_limited_to_the_body_limit() {
        let limits = limits();
        assert_eq!(limits.max_message_size, Some(MAX_BODY_BYTES));
        assert_eq!(limits.max_frame_size, Some(MAX_BODY_BYTES));
    }
}
