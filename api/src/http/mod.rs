//! HTTP routes: health check, GraphiQL, GraphQL over HTTP, exports, report downloads and
//! attachments.
//!
//! `POST /graphql` reads the body itself rather than using the stock endpoint, so that it can
//! refuse batched (array) requests and malformed JSON with a 400 and a JSON error, cap the body
//! size, and make sure every GraphQL error carries a `code` extension. It also answers repeated
//! requests from the cache of whole answers ([`ResponseCache`]), which is filed under the data
//! version and so never outlives a write. Besides JSON it takes the GraphQL multipart request
//! (`multipart/form-data` with `operations`, `map` and the files), which is how reports carry
//! attachments; such a request must carry a header a cross-site form cannot send.
//!
//! A request is signed in by a bearer token or, from a browser, by the session cookie
//! (`crate::pages`). The cookie alone opens read routes (they are GETs); for `POST /graphql` it
//! counts only with the `x-egov-csrf` header carrying the session's anti-forgery token, which a
//! cross-site form cannot send, and is otherwise anonymous.

mod ws;

use std::sync::Arc;

use async_graphql::parser::types::OperationType;
use poem::http::{header, StatusCode};
use poem::web::{Data, Html, Path, RemoteAddr};
use poem::{get, handler, Body, Endpoint, EndpointExt, IntoResponse, Request, Response, Route};
use sea_orm::DatabaseConnection;
use serde_json::{json, Value};

use crate::graphql::{guard, AppSchema, ClientAddr, ReadPolicy};
use crate::pages::{self, Site};
use crate::services::access::Viewer;
use crate::services::attachments;
use crate::services::events::Events;
use crate::services::figures::{self, Figures, ResponseKey};
use crate::services::renders::Renders;
use crate::services::sessions::Sessions;
use crate::services::{clock, downloads};

/// Largest request body accepted, in bytes; a multipart request may be larger by its files
/// (`attachments::Limits::body_bytes`).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Longest a client may take to send a request body.
pub const BODY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// Response header saying whether a GraphQL answer came from the cache (`hit`) or was computed
/// (`miss`).
pub const CACHE_HEADER: &str = "x-egov-cache";

/// Largest request body whose answer is cached, in bytes.
const MAX_CACHED_REQUEST: usize = 16 * 1024;
/// Largest answer cached, in bytes (with the cache's 64 entries, at most 16 MiB of answers).
const MAX_CACHED_ANSWER: usize = 256 * 1024;

/// Where `POST /graphql` keeps whole answers: the instance's [`Figures`], or nowhere when the
/// cache is turned off (`EGOV_RESPONSE_CACHE=false`).
#[derive(Clone)]
pub struct ResponseCache(pub Option<Figures>);

/// What every route shares: the database and the services' state.
#[derive(Clone)]
pub struct Shared {
    pub db: DatabaseConnection,
    pub sessions: Arc<Sessions>,
    pub events: Events,
    pub figures: Figures,
    pub read_policy: ReadPolicy,
    pub responses: ResponseCache,
    pub renders: Renders,
    pub site: Site,
    /// How many files a report may carry and how large each may be.
    pub attachment_limits: attachments::Limits,
    /// The reporting calendar rounds are computed on.
    pub calendar: Arc<seeds::calendar::Calendar>,
}

/// The service's routes.
pub fn routes(schema: AppSchema, shared: Shared) -> impl poem::Endpoint {
    let route = Route::new()
        .at("/", get(crate::dashboard::handler).around(read_guard))
        .at("/healthz", get(healthz))
        .at("/assets/:name", get(crate::assets::serve))
        .at(
            "/login",
            get(pages::signin::login_page).post(pages::signin::login),
        )
        .at("/logout", poem::post(pages::signin::logout))
        .at("/graphql", get(graphiql).post(graphql))
        .at("/graphql/ws", get(ws::graphql_ws))
        .at(
            "/exports/architecture.xml",
            get(architecture_export).around(read_guard),
        )
        .at("/reports/:name", get(report).around(read_guard))
        .at("/reports/kpis/:name", get(kpi_report).around(read_guard))
        .at(
            "/reports/snapshots/:name",
            get(snapshot_pdf).around(read_guard),
        )
        .at(
            "/reports/snapshots/:id/:name",
            get(snapshot_file).around(read_guard),
        )
        .at("/feeds/changes.atom", get(changes_feed).around(read_guard))
        .at("/feeds/agencies/:file", get(agency_feed).around(read_guard))
        .at("/attachments/:id/:name", get(attachment));
    pages::explanations::routes(pages::rounds::routes(pages::workspace::routes(route)))
        .data(schema)
        .data(shared.db)
        .data(shared.sessions)
        .data(shared.events)
        .data(shared.figures)
        .data(shared.read_policy)
        .data(shared.responses)
        .data(shared.renders)
        .data(shared.site)
        .data(shared.attachment_limits)
        .data(shared.calendar)
}

/// The token of an `Authorization: Bearer …` value.
pub(crate) fn bearer(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// Who a signed-in request comes from.
struct Caller {
    viewer: Viewer,
    /// For a browser signed in by its session cookie (no bearer token), the session's
    /// anti-forgery token; `None` for a bearer token.
    cookie_csrf: Option<String>,
}

/// The signed-in account of a request: by its `Authorization: Bearer …` header when it has one,
/// else by its session cookie; `None` for neither. A bearer header that does not identify a live
/// session is a 401 (or 500); a cookie that does not is ignored (the request is anonymous).
async fn authenticate(
    request: &Request,
    db: &DatabaseConnection,
    sessions: &Sessions,
) -> Result<Option<Caller>, Response> {
    let Some(value) = request.headers().get(header::AUTHORIZATION) else {
        return match pages::signin::session_of(request, db, sessions).await {
            Ok(session) => Ok(session.map(|session| Caller {
                viewer: session.viewer,
                cookie_csrf: Some(session.csrf_token),
            })),
            Err(err) => Err(internal(&err)),
        };
    };
    let Some(token) = value.to_str().ok().and_then(bearer) else {
        return Err(unauthenticated());
    };
    match sessions.viewer(db, token).await {
        Ok(viewer) => Ok(Some(Caller {
            viewer,
            cookie_csrf: None,
        })),
        Err(err @ crate::Error::Internal(_)) => Err(internal(&err)),
        Err(_) => Err(unauthenticated()),
    }
}

/// A 500 for a failed session check, with the cause logged.
fn internal(err: &crate::Error) -> Response {
    tracing::error!(error = ?err, "checking a session failed");
    request_error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "INTERNAL",
        "internal error".into(),
    )
}

/// Middleware on every read-only route outside GraphQL (dashboard, reports, exports, feed):
/// lets the request through when reads are public or it carries a live session (bearer token or
/// session cookie); otherwise a browser asking for a page is sent to sign in (303 to
/// `/login?next=…`) and any other client gets 401. GraphQL applies the same policy in its
/// resolvers.
async fn read_guard<E: Endpoint>(next: Arc<E>, request: Request) -> poem::Result<Response> {
    let state = (
        request.data::<DatabaseConnection>().cloned(),
        request.data::<Arc<Sessions>>().cloned(),
        request.data::<ReadPolicy>().copied(),
    );
    let (Some(db), Some(sessions), Some(policy)) = state else {
        tracing::error!("read routes are mounted without their shared state");
        return Ok(error_response(&crate::Error::Internal(anyhow::anyhow!(
            "missing route data"
        ))));
    };
    match authenticate(&request, &db, &sessions).await {
        Ok(None) if policy.require_sign_in && pages::wants_html(&request) => {
            Ok(pages::redirect_to_sign_in(&request))
        }
        Ok(None) if policy.require_sign_in => Ok(unauthenticated()),
        Ok(_) => next.call(request).await.map(IntoResponse::into_response),
        Err(response) => Ok(response),
    }
}

/// The query string as decoded pairs; a malformed one is `BAD_INPUT`.
fn query_pairs(request: &Request) -> crate::error::Result<Vec<(String, String)>> {
    request
        .params()
        .map_err(|_| crate::Error::bad_input("the query string is malformed"))
}

/// `GET /exports/architecture.xml`: the catalog in the ArchiMate exchange format.
#[handler]
async fn architecture_export(Data(db): Data<&DatabaseConnection>) -> Response {
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
        Err(err) => error_response(&err),
    }
}

/// `GET /reports/{name}`: a chart (`ranking`, `progress`, `kpis`, `status`, `architecture` as
/// `.png` or `.svg`) or a document (`summary.pdf`, `tasks.csv`, `tasks.xlsx`), as of `asOf`.
#[handler]
async fn report(
    request: &Request,
    Path(name): Path<String>,
    Data(db): Data<&DatabaseConnection>,
    Data(renders): Data<&Renders>,
) -> Response {
    serve_report(request, &name, false, db, renders).await
}

/// `GET /reports/kpis/{code}.{png,svg}`: one KPI's trajectory.
#[handler]
async fn kpi_report(
    request: &Request,
    Path(name): Path<String>,
    Data(db): Data<&DatabaseConnection>,
    Data(renders): Data<&Renders>,
) -> Response {
    serve_report(request, &name, true, db, renders).await
}

async fn serve_report(
    request: &Request,
    name: &str,
    kpi: bool,
    db: &DatabaseConnection,
    renders: &Renders,
) -> Response {
    let result = async {
        let target = downloads::parse_target(name, kpi)?;
        let options =
            downloads::parse_options(&query_pairs(request)?, crate::services::clock::today())?;
        renders.download(db, &target, options).await
    }
    .await;
    match result {
        Ok(download) => download_response(&download),
        Err(err) => error_response(&err),
    }
}

/// `GET /reports/snapshots/{id}.pdf`: a frozen report's PDF, byte for byte.
#[handler]
async fn snapshot_pdf(Path(name): Path<String>, Data(db): Data<&DatabaseConnection>) -> Response {
    match name
        .strip_suffix(".pdf")
        .and_then(|id| id.parse::<i32>().ok())
    {
        Some(id) => serve_snapshot_file(id, "summary.pdf", db).await,
        None => error_response(&crate::Error::NotFound(format!("report snapshot {name:?}"))),
    }
}

/// `GET /reports/snapshots/{id}/{name}`: any file of a frozen report (`tasks.csv`, ...).
#[handler]
async fn snapshot_file(
    Path((id, name)): Path<(String, String)>,
    Data(db): Data<&DatabaseConnection>,
) -> Response {
    match id.parse::<i32>() {
        Ok(id) => serve_snapshot_file(id, &name, db).await,
        Err(_) => error_response(&crate::Error::NotFound(format!("report snapshot {id:?}"))),
    }
}

async fn serve_snapshot_file(id: i32, name: &str, db: &DatabaseConnection) -> Response {
    match crate::services::snapshots::file(db, id, name).await {
        Ok((snapshot, file)) => Response::builder()
            .status(StatusCode::OK)
            .content_type(file.content_type)
            .header(
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{}\"",
                    crate::services::snapshots::download_name(&snapshot, name)
                ),
            )
            .header("x-content-sha256", file.sha256)
            .header(header::CACHE_CONTROL, "public, max-age=31536000, immutable")
            .body(file.content),
        Err(err) => error_response(&err),
    }
}

/// `GET /attachments/{id}/{name}`: a file attached to a report, for signed-in users only (bearer
/// token or session cookie; otherwise 401, or for a browser a redirect to sign in). The name in
/// the path is only there for people and is not used. The file is always offered as a download
/// under its stored name, with the type read from its bytes, `nosniff` and a sandboxing CSP, so
/// a browser never renders it as part of this site.
#[handler]
async fn attachment(
    request: &Request,
    Path((id, _name)): Path<(String, String)>,
    Data(db): Data<&DatabaseConnection>,
    Data(sessions): Data<&Arc<Sessions>>,
) -> Response {
    let viewer = match authenticate(request, db, sessions).await {
        Ok(caller) => caller.map(|caller| caller.viewer),
        Err(response) => return response,
    };
    if viewer.is_none() && pages::wants_html(request) {
        return pages::redirect_to_sign_in(request);
    }
    let Ok(id) = id.parse::<i32>() else {
        return match viewer {
            Some(_) => error_response(&crate::Error::NotFound(format!("attachment {id:?}"))),
            None => unauthenticated(),
        };
    };
    match attachments::download(db, viewer.as_ref(), id).await {
        Ok((info, bytes)) => Response::builder()
            .status(StatusCode::OK)
            .content_type(info.content_type.clone())
            .header(header::CONTENT_DISPOSITION, info.content_disposition())
            .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
            .header(
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; sandbox",
            )
            .header(header::CACHE_CONTROL, "private")
            .header("x-content-sha256", info.sha256)
            .body(bytes),
        Err(err) => error_response(&err),
    }
}

/// `GET /feeds/agencies/{code}.atom`: an agency's reminders.
#[handler]
async fn agency_feed(Path(file): Path<String>, Data(db): Data<&DatabaseConnection>) -> Response {
    let Some(code) = file.strip_suffix(".atom") else {
        return error_response(&crate::Error::NotFound(format!("feed {file:?}")));
    };
    match crate::services::feed::agency_reminders(db, code).await {
        Ok(feed) => Response::builder()
            .status(StatusCode::OK)
            .content_type("application/atom+xml; charset=utf-8")
            .header(header::CACHE_CONTROL, "no-cache")
            .body(reports::atom::to_xml(&feed)),
        Err(err) => error_response(&err),
    }
}

/// `GET /feeds/changes.atom`: the latest status changes and frozen reports.
#[handler]
async fn changes_feed(Data(db): Data<&DatabaseConnection>) -> Response {
    match crate::services::feed::changes(db).await {
        Ok(feed) => Response::builder()
            .status(StatusCode::OK)
            .content_type("application/atom+xml; charset=utf-8")
            .header(header::CACHE_CONTROL, "no-cache")
            .body(reports::atom::to_xml(&feed)),
        Err(err) => error_response(&err),
    }
}

/// A rendered file with its type and a file name carrying its date.
pub(crate) fn download_response(download: &downloads::Download) -> Response {
    let disposition = if download.attachment {
        "attachment"
    } else {
        "inline"
    };
    Response::builder()
        .status(StatusCode::OK)
        .content_type(download.content_type)
        .header(
            header::CONTENT_DISPOSITION,
            format!("{disposition}; filename=\"{}\"", download.file_name),
        )
        .header(header::CACHE_CONTROL, "no-cache")
        .body(download.bytes.clone())
}

/// A service error as an HTTP response with the same `code` as in GraphQL; internal causes are
/// logged and not returned.
fn error_response(err: &crate::Error) -> Response {
    use crate::Error;
    let status = match err {
        Error::BadInput(_) => StatusCode::BAD_REQUEST,
        Error::NotFound(_) => StatusCode::NOT_FOUND,
        Error::Unauthenticated | Error::InvalidCredentials => StatusCode::UNAUTHORIZED,
        Error::Forbidden(_) => StatusCode::FORBIDDEN,
        Error::Conflict(_) => StatusCode::CONFLICT,
        Error::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
        Error::Busy(seconds) => {
            let mut response =
                request_error(StatusCode::SERVICE_UNAVAILABLE, err.code(), err.to_string());
            if let Ok(value) = header::HeaderValue::from_str(&seconds.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            return response;
        }
        Error::Internal(cause) => {
            tracing::error!(error = ?cause, "request failed");
            StatusCode::INTERNAL_SERVER_ERROR
        }
    };
    request_error(status, err.code(), err.to_string())
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

/// `GET /graphql`: GraphiQL. A browser signed in by its cookie gets a GraphiQL that sends the
/// session's `x-egov-csrf` header; with sign-in required, a browser without a session is sent to
/// sign in first.
#[handler]
async fn graphiql(
    request: &Request,
    Data(db): Data<&DatabaseConnection>,
    Data(sessions): Data<&Arc<Sessions>>,
    Data(policy): Data<&ReadPolicy>,
) -> Response {
    let session = match pages::signin::session_of(request, db, sessions).await {
        Ok(session) => session,
        Err(err) => return internal(&err),
    };
    if session.is_none()
        && policy.require_sign_in
        && pages::wants_html(request)
        && request.headers().get(header::AUTHORIZATION).is_none()
    {
        return pages::redirect_to_sign_in(request);
    }
    let Some(session) = session else {
        return Html(crate::assets::graphiql_html(None)).into_response();
    };
    let page = crate::assets::graphiql_html(Some(&session.csrf_token));
    // The page carries the session's token: never keep it in a shared cache.
    Html(page)
        .with_header(header::CACHE_CONTROL, "no-store")
        .into_response()
}

/// How a `POST /graphql` body is encoded.
enum Encoding {
    /// `application/json`: one GraphQL request.
    Json,
    /// `multipart/form-data` as the GraphQL multipart request spec has it; the full content type
    /// (with its boundary).
    Multipart(String),
}

#[handler]
async fn graphql(
    request: &Request,
    Data(schema): Data<&AppSchema>,
    Data(db): Data<&DatabaseConnection>,
    Data(sessions): Data<&Arc<Sessions>>,
    Data(ResponseCache(cache)): Data<&ResponseCache>,
    Data(limits): Data<&attachments::Limits>,
    body: Body,
) -> Response {
    let Some(encoding) = encoding(request) else {
        return request_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            "send the GraphQL request as JSON with `Content-Type: application/json` (or, with \
             files, as a GraphQL multipart request)"
                .into(),
        );
    };
    if matches!(encoding, Encoding::Multipart(_)) && !cannot_come_from_a_form(request) {
        return request_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            format!(
                "a multipart GraphQL request must carry `Authorization: Bearer …` or, from a \
                 signed-in browser, the `{}` header",
                pages::CSRF_HEADER
            ),
        );
    }
    let viewer = match authenticate(request, db, sessions).await {
        Ok(Some(Caller {
            viewer,
            cookie_csrf: None,
        })) => Some(viewer),
        Ok(Some(Caller {
            viewer,
            cookie_csrf: Some(expected),
        })) => {
            let sent = request.header(pages::CSRF_HEADER).unwrap_or_default();
            crate::services::sessions::csrf_matches(&expected, sent).then_some(viewer)
        }
        Ok(None) => None,
        Err(response) => return response,
    };
    let limit = match encoding {
        Encoding::Json => MAX_BODY_BYTES,
        Encoding::Multipart(_) => limits.body_bytes(MAX_BODY_BYTES),
    };
    let read = tokio::time::timeout(BODY_TIMEOUT, body.into_bytes_limit(limit)).await;
    let Ok(read) = read else {
        return request_error(
            StatusCode::REQUEST_TIMEOUT,
            "REQUEST_TIMEOUT",
            format!("the request body took longer than {BODY_TIMEOUT:?} to arrive"),
        );
    };
    let bytes = match read {
        Ok(bytes) => bytes,
        Err(poem::error::ReadBodyError::PayloadTooLarge) => {
            return request_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "PAYLOAD_TOO_LARGE",
                match encoding {
                    Encoding::Json => format!("request body exceeds {limit} bytes"),
                    Encoding::Multipart(_) => format!(
                        "request body exceeds {limit} bytes (at most {} files of {} each)",
                        limits.max_files,
                        limits.describe_max_bytes()
                    ),
                },
            )
        }
        Err(err) => return request_error(StatusCode::BAD_REQUEST, "BAD_REQUEST", err.to_string()),
    };
    let (graphql_request, cached) = match encoding {
        Encoding::Json => {
            let (graphql_request, query) = match json_request(&bytes) {
                Ok(parsed) => parsed,
                Err(refusal) => return refusal.into_response(),
            };
            let cached = match cache {
                Some(cache) => {
                    CachedAnswer::look_up(cache, db, &bytes, query, viewer.as_ref()).await
                }
                None => None,
            };
            if let Some(hit) = cached.as_ref().and_then(CachedAnswer::hit) {
                return graphql_answer(hit.to_string(), "hit");
            }
            (graphql_request, cached)
        }
        // Uploads are for reports, which are never cached.
        Encoding::Multipart(content_type) => match multipart_request(&content_type, &bytes).await {
            Ok(graphql_request) => (graphql_request, None),
            Err(refusal) => return refusal.into_response(),
        },
    };
    // The uploads now hold their own copies of the files.
    drop(bytes);
    let mut graphql_request = graphql_request;
    if let Some(viewer) = viewer {
        graphql_request = graphql_request.data(viewer);
    }
    if let Some(addr) = client_addr(request.remote_addr()) {
        graphql_request = graphql_request.data(addr);
    }
    let response = schema.execute(graphql_request).await;
    let serialised = if response.is_ok() {
        serde_json::to_string(&response)
    } else {
        serde_json::to_value(&response).map(|mut body| {
            add_default_codes(&mut body);
            body.to_string()
        })
    };
    let body = match serialised {
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
    if let Some(cached) = cached {
        if response.is_ok() {
            cached.store(db, &body).await;
        }
    }
    graphql_answer(body, "miss")
}

/// Why a request body was refused: the status, code and message of its JSON error.
struct Refusal(StatusCode, &'static str, String);

impl Refusal {
    fn into_response(self) -> Response {
        request_error(self.0, self.1, self.2)
    }
}

/// A JSON body as one GraphQL request and its query text; a 400 for deep, malformed or batched
/// JSON or a body without a `query` string.
fn json_request(bytes: &[u8]) -> Result<(async_graphql::Request, String), Refusal> {
    let nesting_limit = guard::MAX_VALUE_NESTING + 2;
    if guard::json_nesting(bytes, nesting_limit) > nesting_limit {
        return Err(Refusal(
            StatusCode::BAD_REQUEST,
            "BAD_INPUT",
            format!(
                "variables nest lists and objects deeper than {} levels",
                guard::MAX_VALUE_NESTING
            ),
        ));
    }
    let value: Value = serde_json::from_slice(bytes).map_err(|err| {
        Refusal(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            format!("request body is not valid JSON: {err}"),
        )
    })?;
    if value.is_array() {
        return Err(batch_refused());
    }
    if !value.get("query").is_some_and(Value::is_string) {
        return Err(Refusal(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "request body must be a JSON object with a `query` string".into(),
        ));
    }
    let query = value
        .get("query")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let graphql_request = serde_json::from_value(value).map_err(|err| {
        Refusal(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            format!("request body is not a GraphQL request: {err}"),
        )
    })?;
    Ok((graphql_request, query))
}

/// A GraphQL multipart request (`operations`, `map`, then the files) as one GraphQL request
/// with its uploads; a 400 for a malformed or batched one. The body was already read within the
/// cap, so the parser's own limits are set to the whole body: every file reaches the service,
/// which refuses one too large with a message naming it.
async fn multipart_request(
    content_type: &str,
    bytes: &[u8],
) -> Result<async_graphql::Request, Refusal> {
    let options = async_graphql::http::MultipartOptions::default()
        .max_file_size(bytes.len())
        .max_num_files(1);
    let parsed = async_graphql::http::receive_body(Some(content_type), bytes, options).await;
    let graphql_request = match parsed {
        Ok(graphql_request) => graphql_request,
        Err(async_graphql::ParseRequestError::UnsupportedBatch) => return Err(batch_refused()),
        Err(async_graphql::ParseRequestError::InvalidMultipart(cause)) => {
            return Err(Refusal(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                format!("the multipart request is malformed: {cause}"),
            ))
        }
        Err(err) => {
            return Err(Refusal(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                format!("the multipart request is not a GraphQL multipart request: {err}"),
            ))
        }
    };
    if graphql_request.query.trim().is_empty() {
        return Err(Refusal(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "the `operations` part must be a JSON object with a `query` string".into(),
        ));
    }
    Ok(graphql_request)
}

fn batch_refused() -> Refusal {
    Refusal(
        StatusCode::BAD_REQUEST,
        "BATCH_NOT_SUPPORTED",
        "batched requests are not supported; send one operation per request".into(),
    )
}

/// How the request says its body is encoded: JSON, or multipart for a request with files.
/// Bodies sent as `text/plain` or form-encoded are refused: a page on another site can make a
/// visitor's browser send those without asking, but not `application/json`. A cross-site form
/// can send multipart too, which is why a multipart request must also pass
/// [`cannot_come_from_a_form`].
fn encoding(request: &Request) -> Option<Encoding> {
    let value = request.header(header::CONTENT_TYPE)?;
    let essence = value.split(';').next().unwrap_or_default().trim();
    if essence.eq_ignore_ascii_case("application/json") {
        Some(Encoding::Json)
    } else if essence.eq_ignore_ascii_case("multipart/form-data") {
        Some(Encoding::Multipart(value.to_owned()))
    } else {
        None
    }
}

/// Whether the request carries a header that a cross-site form cannot send (and that makes a
/// cross-origin script ask first): a bearer token, or the browser's anti-forgery header.
fn cannot_come_from_a_form(request: &Request) -> bool {
    request.headers().contains_key(header::AUTHORIZATION)
        || request
            .header(pages::CSRF_HEADER)
            .is_some_and(|value| !value.trim().is_empty())
}

/// Whether every operation in the document is a query (no mutation or subscription).
fn reads_only(query: &str) -> bool {
    async_graphql::parser::parse_query(query).is_ok_and(|document| {
        document
            .operations
            .iter()
            .all(|(_, operation)| operation.node.ty == OperationType::Query)
    })
}

/// A GraphQL answer with its cache header.
fn graphql_answer(body: String, cache: &'static str) -> Response {
    Response::builder()
        .status(StatusCode::OK)
        .content_type("application/json; charset=utf-8")
        .header(CACHE_HEADER, cache)
        .body(body)
        .into_response()
}

/// One request's place in the cache of whole answers.
struct CachedAnswer<'a> {
    cache: &'a Figures,
    /// The request's query text, to tell queries from mutations before filing an answer.
    query: String,
    key: ResponseKey,
    version: i64,
    hit: Option<Arc<str>>,
}

impl<'a> CachedAnswer<'a> {
    /// Reads the data version and looks the request up; `None` when the request is too large to
    /// cache or the version cannot be read (the request is then answered without the cache).
    async fn look_up(
        cache: &'a Figures,
        db: &DatabaseConnection,
        body: &[u8],
        query: String,
        viewer: Option<&Viewer>,
    ) -> Option<CachedAnswer<'a>> {
        if body.len() > MAX_CACHED_REQUEST {
            return None;
        }
        let version = match figures::version(db).await {
            Ok(version) => version,
            Err(err) => {
                tracing::warn!(error = ?err, "reading the data version; answering uncached");
                return None;
            }
        };
        let key = ResponseKey {
            body: body.to_vec(),
            viewer: viewer.map(|v| v.user_id),
            today: clock::today(),
        };
        let hit = cache.response(version, &key);
        Some(Self {
            cache,
            query,
            key,
            version,
            hit,
        })
    }

    fn hit(&self) -> Option<&Arc<str>> {
        self.hit.as_ref()
    }

    /// Files an error-free answer to a document of queries only, unless the data version moved
    /// while it was computed.
    async fn store(self, db: &DatabaseConnection, body: &str) {
        if body.len() > MAX_CACHED_ANSWER || !reads_only(&self.query) {
            return;
        }
        if matches!(figures::version(db).await, Ok(now) if now == self.version) {
            self.cache
                .store_response(self.version, self.key, Arc::from(body));
        }
    }
}

fn client_addr(remote: &RemoteAddr) -> Option<ClientAddr> {
    remote
        .as_socket_addr()
        .map(|addr| ClientAddr(addr.ip().to_string()))
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

#[cfg(test)]
mod tests {
    use super::reads_only;

    #[test]
    fn only_documents_of_queries_are_answers_worth_keeping() {
        assert!(reads_only("{ plan { code } }"));
        assert!(reads_only(
            "query A { plan { code } } query B { plans { code } }"
        ));
        assert!(!reads_only("mutation { logout(refreshToken: \"x\") }"));
        assert!(!reads_only(
            "query A { plan { code } } mutation B { logout(refreshToken: \"x\") }"
        ));
        assert!(!reads_only(
            "subscription { taskStatusChanged { taskNumber } }"
        ));
        assert!(
            !reads_only("{ plan { code "),
            "an unparsable document is not kept"
        );
    }
}
