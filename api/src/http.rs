//! HTTP routes: health check, GraphiQL and GraphQL over HTTP.
//!
//! `POST /graphql` reads the body itself rather than using the stock endpoint, so that it can
//! refuse batched (array) requests and malformed JSON with a 400 and a JSON error, cap the body
//! size, and make sure every GraphQL error carries a `code` extension.

use std::sync::Arc;

use async_graphql::http::{GraphiQLSource, ALL_WEBSOCKET_PROTOCOLS};
use async_graphql::ErrorExtensions;
use async_graphql_poem::{GraphQLProtocol, GraphQLWebSocket};
use poem::http::{header, StatusCode};
use poem::web::websocket::WebSocket;
use poem::web::{Data, Html, RemoteAddr};
use poem::{get, handler, Body, EndpointExt, IntoResponse, Request, Response, Route};
use sea_orm::DatabaseConnection;
use serde_json::{json, Value};

use crate::graphql::{AppSchema, ClientAddr, ReadPolicy};
use crate::services::access::Viewer;
use crate::services::sessions::Sessions;

/// Largest request body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The service's routes.
pub fn routes(
    schema: AppSchema,
    db: DatabaseConnection,
    sessions: Arc<Sessions>,
    read_policy: ReadPolicy,
) -> impl poem::Endpoint {
    Route::new()
        .at("/healthz", get(healthz))
        .at("/graphql", get(graphiql).post(graphql))
        .at("/graphql/ws", get(graphql_ws))
        .at("/exports/architecture.xml", get(architecture_export))
        .data(schema)
        .data(db)
        .data(sessions)
        .data(read_policy)
}

/// The token of an `Authorization: Bearer …` value.
fn bearer(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// The signed-in account of a request with an `Authorization: Bearer …` header, `None` without
/// one; a 401 (or 500) response when the header is there but does not identify a live session.
async fn authenticate(
    request: &Request,
    db: &DatabaseConnection,
    sessions: &Sessions,
) -> Result<Option<Viewer>, Response> {
    let Some(value) = request.headers().get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let Some(token) = value.to_str().ok().and_then(bearer) else {
        return Err(unauthenticated());
    };
    match sessions.viewer(db, token).await {
        Ok(viewer) => Ok(Some(viewer)),
        Err(crate::Error::Internal(err)) => {
            tracing::error!(error = ?err, "checking a token failed");
            Err(request_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "INTERNAL",
                "internal error".into(),
            ))
        }
        Err(_) => Err(unauthenticated()),
    }
}

/// `GET /exports/architecture.xml`: the catalog in the ArchiMate exchange format.
#[handler]
async fn architecture_export(
    request: &Request,
    Data(db): Data<&DatabaseConnection>,
    Data(sessions): Data<&Arc<Sessions>>,
    Data(policy): Data<&ReadPolicy>,
) -> Response {
    match authenticate(request, db, sessions).await {
        Ok(None) if policy.require_sign_in => return unauthenticated(),
        Ok(_) => {}
        Err(response) => return response,
    }
    match crate::services::exports::architecture_model(db).await {
        Ok(model) => {
            let file = format!("egov-architecture-{}.xml", crate::services::clock::today());
            Response::builder()
                .status(StatusCode::OK)
                .content_type("application/xml; charset=utf-8")
                .header(
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{file}\""),
                )
                .body(reports::archimate::to_xml(&model))
        }
        Err(err) => {
            tracing::error!(error = ?err, "exporting the architecture failed");
            request_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "INTERNAL",
                "internal error".into(),
            )
        }
    }
}

fn unauthenticated() -> Response {
    let error = crate::Error::Unauthenticated;
    request_error(StatusCode::UNAUTHORIZED, error.code(), error.to_string())
}

#[handler]
async fn healthz(Data(db): Data<&DatabaseConnection>) -> Response {
    match db.ping().await {
        Ok(()) => json_response(StatusCode::OK, json!({ "status": "ok" })),
        Err(err) => {
            tracing::error!(error = %err, "health check failed");
            json_response(
                StatusCode::SERVICE_UNAVAILABLE,
                json!({ "status": "unavailable" }),
            )
        }
    }
}

#[handler]
async fn graphiql() -> Html<String> {
    Html(GraphiQLSource::build().endpoint("/graphql").finish())
}

#[handler]
async fn graphql(
    request: &Request,
    Data(schema): Data<&AppSchema>,
    Data(db): Data<&DatabaseConnection>,
    Data(sessions): Data<&Arc<Sessions>>,
    body: Body,
) -> Response {
    let viewer = match authenticate(request, db, sessions).await {
        Ok(viewer) => viewer,
        Err(response) => return response,
    };
    let bytes = match body.into_bytes_limit(MAX_BODY_BYTES).await {
        Ok(bytes) => bytes,
        Err(poem::error::ReadBodyError::PayloadTooLarge) => {
            return request_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "PAYLOAD_TOO_LARGE",
                format!("request body exceeds {MAX_BODY_BYTES} bytes"),
            )
        }
        Err(err) => return request_error(StatusCode::BAD_REQUEST, "BAD_REQUEST", err.to_string()),
    };
    let value: Value = match serde_json::from_slice(&bytes) {
        Ok(value) => value,
        Err(err) => {
            return request_error(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                format!("request body is not valid JSON: {err}"),
            )
        }
    };
    if value.is_array() {
        return request_error(
            StatusCode::BAD_REQUEST,
            "BATCH_NOT_SUPPORTED",
            "batched requests are not supported; send one operation per request".into(),
        );
    }
    if !value.get("query").is_some_and(Value::is_string) {
        return request_error(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "request body must be a JSON object with a `query` string".into(),
        );
    }
    let graphql_request: async_graphql::Request = match serde_json::from_value(value) {
        Ok(request) => request,
        Err(err) => {
            return request_error(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                format!("request body is not a GraphQL request: {err}"),
            )
        }
    };
    let mut graphql_request = graphql_request;
    if let Some(viewer) = viewer {
        graphql_request = graphql_request.data(viewer);
    }
    if let Some(addr) = client_addr(request.remote_addr()) {
        graphql_request = graphql_request.data(addr);
    }
    let response = schema.execute(graphql_request).await;
    let mut body = match serde_json::to_value(&response) {
        Ok(body) => body,
        Err(err) => {
            tracing::error!(error = %err, "serialising a GraphQL response failed");
            return request_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "INTERNAL",
                "internal error".into(),
            );
        }
    };
    add_default_codes(&mut body);
    json_response(StatusCode::OK, body)
}

fn client_addr(remote: &RemoteAddr) -> Option<ClientAddr> {
    remote
        .as_socket_addr()
        .map(|addr| ClientAddr(addr.ip().to_string()))
}

/// GraphQL subscriptions over a websocket (graphql-transport-ws or graphql-ws). A token may be
/// passed in the `connection_init` payload as `{"Authorization": "Bearer …"}`.
#[handler]
async fn graphql_ws(
    Data(schema): Data<&AppSchema>,
    Data(db): Data<&DatabaseConnection>,
    Data(sessions): Data<&Arc<Sessions>>,
    protocol: GraphQLProtocol,
    websocket: WebSocket,
) -> impl IntoResponse {
    let schema = schema.clone();
    let db = db.clone();
    let sessions = sessions.clone();
    websocket
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |stream| {
            GraphQLWebSocket::new(stream, schema, protocol)
                .on_connection_init(move |payload: Value| async move {
                    let mut data = async_graphql::Data::default();
                    let header = payload
                        .get("Authorization")
                        .or_else(|| payload.get("authorization"))
                        .and_then(Value::as_str);
                    if let Some(header) = header {
                        let token =
                            bearer(header).ok_or_else(|| crate::Error::Unauthenticated.extend())?;
                        let viewer = sessions.viewer(&db, token).await.map_err(|e| e.extend())?;
                        data.insert(viewer);
                    }
                    Ok(data)
                })
                .serve()
        })
}

/// Errors raised by parsing, validation and limits carry no code of their own: they are all
/// problems with the request, so they get `BAD_INPUT`.
fn add_default_codes(body: &mut Value) {
    let Some(errors) = body.get_mut("errors").and_then(Value::as_array_mut) else {
        return;
    };
    for error in errors {
        let Some(error) = error.as_object_mut() else {
            continue;
        };
        let extensions = error
            .entry("extensions")
            .or_insert_with(|| Value::Object(Default::default()));
        if let Some(extensions) = extensions.as_object_mut() {
            extensions
                .entry("code")
                .or_insert_with(|| Value::String("BAD_INPUT".into()));
        }
    }
}

fn request_error(status: StatusCode, code: &str, message: String) -> Response {
    json_response(
        status,
        json!({ "errors": [{ "message": message, "extensions": { "code": code } }] }),
    )
}

fn json_response(status: StatusCode, body: Value) -> Response {
    Response::builder()
        .status(status)
        .content_type("application/json; charset=utf-8")
        .body(body.to_string())
        .into_response()
}
