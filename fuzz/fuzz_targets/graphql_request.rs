//! Raw bytes → the service's HTTP routes → response. See docs/fuzzing.md.
//!
//! The service is built once per process the way `Application::build` and `run_until_stopped`
//! build it (SQLite in a temporary data directory, migrated and seeded, default limits, answer
//! cache on), and is served two ways at once: in process, by calling the poem endpoint that
//! `http::routes` returns, and on a loopback port through `server::serve`, the hyper layer with
//! the connection limits. Every request runs on a tokio worker thread (2 MiB stack), as in the
//! server.
//!
//! The first byte of the input chooses what the rest becomes:
//! - `sel & 3 == 0`: a `POST /graphql` whose body is the rest, as is;
//! - `sel & 3 == 1`: a `POST /graphql` whose body is `{"query": <the rest as lossy UTF-8>}`;
//! - `sel & 3 == 2`: a `GET` of one of [`GET_ROUTES`] (`/reports/ranking.svg`, `/`,
//!   `/reports/tasks.csv`, `/reports/status.svg`, `/login`, ...; chosen by bits `0x0C` and
//!   `0x40`) with the rest as the query string (bytes a request target cannot carry are
//!   percent-encoded; `%`, `&`, `=` and `+` are kept raw);
//! - `sel & 3 == 3` and `sel & 0x40 == 0`: the rest sent as raw bytes over TCP to the loopback
//!   server (the client's side of an HTTP/1.1 or HTTP/2 exchange), followed by a pipelined
//!   `GET /healthz` ([`TRAILER`]) and the end of input; the first answer's status is checked;
//! - `sel & 3 == 3` and `sel & 0x40 != 0`: a `POST /login` whose form body is the rest, with a
//!   double-submit cookie `egov_csrf=`[`FORM_TOKEN`] (so a body carrying `csrf=` that token gets
//!   past the anti-forgery check).
//!
//! Bit `0x10` adds an `Authorization: Bearer …` header with a token that is not valid; bit
//! `0x20` sends the `POST /graphql` bodies as `text/plain` instead of `application/json`, and
//! adds a session cookie that is not valid to the other requests.
//!
//! Invariants checked on every response:
//! - no 5xx status except 503, and a 503 from a download carries `Retry-After`;
//! - every answer of `POST /graphql` is a JSON object, and every error in any JSON answer
//!   carries `extensions.code`;
//! - a `Location` header, if any, is a path on this site (`/…`, not `//…` or `/\\…`);
//! - every request is answered within [`ANSWER_BUDGET`];
//! - every [`HEALTH_EVERY`] inputs (and after each raw TCP input that got no answer),
//!   `/healthz` answers 200 both in process and over TCP within [`HEALTH_BUDGET`].
//!
//! With `EGOV_FUZZ_TRACE=1` in the environment, each answer's status and start are printed.
//!
//! A panic anywhere (libFuzzer's panic hook aborts the process) or a stack overflow on a worker
//! thread is a crash.
#![no_main]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use api::config::StorageArgs;
use api::graphql::{ReadPolicy, SchemaDeps};
use api::services::events::Events;
use api::services::figures::Figures;
use api::services::renders::Renders;
use api::services::sessions::Sessions;
use libfuzzer_sys::fuzz_target;
use poem::endpoint::BoxEndpoint;
use poem::http::{header, Method, StatusCode, Uri};
use poem::{Endpoint, EndpointExt, Request, Response};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Runtime;

/// Longest any one request may take to be answered.
const ANSWER_BUDGET: Duration = Duration::from_secs(20);
/// How often (in inputs) `/healthz` is checked.
const HEALTH_EVERY: u64 = 256;
/// Longest `/healthz` may take while nothing else is running.
const HEALTH_BUDGET: Duration = Duration::from_secs(5);
/// A token-shaped value that no session issued.
const BOGUS_TOKEN: &str = "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl";
/// A session cookie that no sign-in issued.
const BOGUS_SESSION: &str = "egov_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
/// The double-submit token sent as the `egov_csrf` cookie with `POST /login`.
const FORM_TOKEN: &str = "fuzzfuzzfuzzfuzzfuzz";

/// The `GET` routes of mode 2, by `(sel >> 2 & 3) | (sel & 0x40 != 0) << 2`. The PDF and PNG
/// downloads are left out: each render takes long enough to slow the fuzzer to a crawl.
const GET_ROUTES: [&str; 8] = [
    "/reports/ranking.svg",
    "/",
    "/reports/tasks.csv",
    "/reports/status.svg",
    "/login",
    "/reports/architecture.svg",
    "/reports/progress.svg",
    "/feeds/changes.atom",
];

struct Harness {
    runtime: Runtime,
    app: Arc<BoxEndpoint<'static, Response>>,
    address: SocketAddr,
}

static DATA_DIR: OnceLock<PathBuf> = OnceLock::new();

/// Removes the temporary data directory when libFuzzer exits normally (`-runs`,
/// `-max_total_time`); after a crash it is left for inspection.
extern "C" fn remove_data_dir() {
    if let Some(dir) = DATA_DIR.get() {
        let _ = std::fs::remove_dir_all(dir);
    }
}

fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(|| {
        let data_dir = std::env::temp_dir().join(format!("egov-fuzz-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&data_dir);
        let _ = DATA_DIR.set(data_dir.clone());
        // SAFETY: registers a plain `extern "C" fn` with no arguments, as atexit requires.
        unsafe {
            libc::atexit(remove_data_dir);
        }
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("building the tokio runtime");
        let config = api::Config::new(
            StorageArgs {
                database_url: None,
                data_dir,
                db_max_connections: 4,
            },
            "127.0.0.1:0".parse().expect("a socket address"),
        );
        let (app, address) = runtime
            .block_on(build(config))
            .expect("building the service");
        Harness {
            runtime,
            app,
            address,
        }
    })
}

/// What `Application::build` and `Application::run_until_stopped` do, with the endpoint kept
/// so that requests can also be answered in process.
async fn build(
    config: api::Config,
) -> anyhow::Result<(Arc<BoxEndpoint<'static, Response>>, SocketAddr)> {
    let secret = api::auth::load_secret(&config)?;
    let keys = api::auth::Keys::new(&secret)?;
    let sessions = Arc::new(Sessions::new(
        keys,
        config.access_token_ttl,
        config.session_ttl,
    ));
    let db = api::db::connect(&config).await?;
    api::startup::prepare_database(&db).await?;
    let events = Events::for_backend(db.get_database_backend());
    let figures = Figures::default();
    let read_policy = ReadPolicy {
        require_sign_in: config.require_sign_in,
    };
    let responses = api::http::ResponseCache(config.response_cache.then(|| figures.clone()));
    let schema = api::graphql::build_schema(SchemaDeps {
        db: db.clone(),
        sessions: sessions.clone(),
        events: events.clone(),
        figures: figures.clone(),
        read_policy,
        attachment_limits: config.limits.attachments,
    });
    let renders = Renders::new(config.limits.max_renders, config.limits.render_wait);
    let app = Arc::new(
        api::http::routes(
            schema,
            api::http::Shared {
                db,
                sessions,
                events,
                figures,
                read_policy,
                responses,
                renders,
                site: api::pages::Site {
                    secure_cookies: config.public_url_is_https(),
                },
                attachment_limits: config.limits.attachments,
            },
        )
        .map_to_response()
        .boxed(),
    );
    let listener = TcpListener::bind(config.bind).await?;
    let address = listener.local_addr()?;
    tokio::spawn(api::server::serve(
        listener,
        app.clone(),
        config.limits,
        std::future::pending::<()>(),
    ));
    Ok((app, address))
}

/// A response as the checks see it.
struct Answer {
    status: StatusCode,
    content_type: String,
    retry_after: bool,
    location: Option<String>,
    body: Vec<u8>,
}

/// Answers `request` in process, on a worker thread, within [`ANSWER_BUDGET`].
fn answer(h: &Harness, request: Request) -> Answer {
    let app = h.app.clone();
    let what = format!("{} {}", request.method(), request.uri());
    let task = h.runtime.spawn(async move {
        let response = app.get_response(request).await;
        let status = response.status();
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let retry_after = response.headers().contains_key(header::RETRY_AFTER);
        let location = response
            .headers()
            .get(header::LOCATION)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        let body = response
            .into_body()
            .into_vec()
            .await
            .expect("reading the response body");
        Answer {
            status,
            content_type,
            retry_after,
            location,
            body,
        }
    });
    h.runtime.block_on(async {
        match tokio::time::timeout(ANSWER_BUDGET, task).await {
            Ok(Ok(answer)) => answer,
            Ok(Err(err)) => panic!("{what}: the request task failed: {err}"),
            Err(_) => panic!("{what}: no answer within {ANSWER_BUDGET:?}"),
        }
    })
}

/// Every error in a JSON answer carries `extensions.code` (a string).
fn check_error_codes(what: &str, body: &Value) {
    let Some(errors) = body.get("errors") else {
        return;
    };
    let errors = errors
        .as_array()
        .unwrap_or_else(|| panic!("{what}: `errors` is not a list: {body}"));
    for error in errors {
        let code = error
            .get("extensions")
            .and_then(|e| e.get("code"))
            .and_then(Value::as_str);
        assert!(code.is_some(), "{what}: an error without a code: {error}");
    }
}

/// Whether `EGOV_FUZZ_TRACE` is set: each answer is then printed, to see what inputs do.
fn tracing() -> bool {
    static TRACE: OnceLock<bool> = OnceLock::new();
    *TRACE.get_or_init(|| std::env::var_os("EGOV_FUZZ_TRACE").is_some())
}

fn check_answer(what: &str, graphql: bool, answer: &Answer) {
    let status = answer.status;
    if tracing() {
        let body = String::from_utf8_lossy(&answer.body);
        let shown: String = body.chars().take(300).collect();
        eprintln!("{what} -> {status} {}: {shown}", answer.content_type);
    }
    assert!(
        !status.is_server_error() || status == StatusCode::SERVICE_UNAVAILABLE,
        "{what}: answered {status}: {}",
        String::from_utf8_lossy(&answer.body)
    );
    if status == StatusCode::SERVICE_UNAVAILABLE && !graphql {
        assert!(answer.retry_after, "{what}: 503 without Retry-After");
    }
    if let Some(location) = &answer.location {
        assert!(
            location.starts_with('/')
                && !location.starts_with("//")
                && !location.starts_with("/\\"),
            "{what}: redirects off the site, to {location:?}"
        );
    }
    let json = answer.content_type.starts_with("application/json");
    if graphql {
        assert!(
            json,
            "{what}: answered {status} as {:?}",
            answer.content_type
        );
    }
    if json {
        let body: Value = serde_json::from_slice(&answer.body).unwrap_or_else(|err| {
            panic!(
                "{what}: answered {status} with JSON that does not parse ({err}): {}",
                String::from_utf8_lossy(&answer.body)
            )
        });
        if graphql {
            assert!(
                body.is_object(),
                "{what}: the answer is not an object: {body}"
            );
            assert!(
                body.get("data").is_some() || body.get("errors").is_some(),
                "{what}: the answer has neither data nor errors: {body}"
            );
        }
        check_error_codes(what, &body);
    }
}

fn post_graphql(h: &Harness, body: Vec<u8>, bogus_auth: bool, plain: bool) {
    let content_type = if plain {
        "text/plain"
    } else {
        "application/json"
    };
    let mut builder = Request::builder()
        .method(Method::POST)
        .uri(Uri::from_static("/graphql"))
        .header(header::CONTENT_TYPE, content_type);
    if bogus_auth {
        builder = builder.header(header::AUTHORIZATION, BOGUS_TOKEN);
    }
    let answer = answer(h, builder.body(body));
    check_answer("POST /graphql", true, &answer);
}

/// The bytes as a query string a request target can carry: bytes outside visible ASCII, and
/// `#`, are percent-encoded; everything else (`%` included) is kept as it came.
fn query_string(bytes: &[u8]) -> String {
    let mut query = String::with_capacity(bytes.len());
    for &byte in bytes {
        if byte.is_ascii_graphic() && byte != b'#' {
            query.push(char::from(byte));
        } else {
            query.push_str(&format!("%{byte:02X}"));
        }
    }
    query
}

fn get_route(h: &Harness, path: &str, query: &[u8], bogus_auth: bool, bogus_session: bool) {
    let target = format!("{path}?{}", query_string(query));
    let Ok(uri) = target.parse::<Uri>() else {
        // Not a request target hyper would accept either.
        return;
    };
    let mut builder = Request::builder().method(Method::GET).uri(uri);
    if bogus_auth {
        builder = builder.header(header::AUTHORIZATION, BOGUS_TOKEN);
    }
    if bogus_session {
        builder = builder.header(header::COOKIE, BOGUS_SESSION);
    }
    let answer = answer(h, builder.finish());
    check_answer(&format!("GET {target}"), false, &answer);
}

fn post_login(h: &Harness, body: &[u8], bogus_session: bool) {
    let mut cookies = format!("egov_csrf={FORM_TOKEN}");
    if bogus_session {
        cookies = format!("{cookies}; {BOGUS_SESSION}");
    }
    let request = Request::builder()
        .method(Method::POST)
        .uri(Uri::from_static("/login"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, cookies)
        .body(body.to_vec());
    let answer = answer(h, request);
    check_answer("POST /login", false, &answer);
}

/// Sent after the raw bytes of mode 3. hyper drops a request in progress when the client closes
/// its sending side, unless more bytes are already waiting in its buffer: this pipelined request
/// keeps the fuzzed one alive until it is answered (or becomes part of it, when the fuzzed one
/// is incomplete), so that closing the sending side never leaves the client waiting.
const TRAILER: &[u8] = b"GET /healthz HTTP/1.1\r\nhost: fuzz\r\n\r\n";

/// Sends `bytes` and [`TRAILER`] over a new TCP connection, closes the sending side, and reads
/// whatever comes back. Returns the status code of the first HTTP/1.x answer, if any.
fn raw_http(h: &Harness, bytes: &[u8]) -> Option<u16> {
    let address = h.address;
    let bytes = [bytes, TRAILER].concat();
    let task = h.runtime.spawn(async move {
        let mut stream = TcpStream::connect(address)
            .await
            .expect("connecting to the loopback server");
        // The server may close early (a malformed request); what it sent is still read.
        let _ = stream.write_all(&bytes).await;
        let _ = stream.shutdown().await;
        let mut received = Vec::new();
        let _ = stream.read_to_end(&mut received).await;
        received
    });
    let received = h.runtime.block_on(async {
        match tokio::time::timeout(ANSWER_BUDGET, task).await {
            Ok(Ok(received)) => received,
            Ok(Err(err)) => panic!("raw TCP: the client task failed: {err}"),
            Err(_) => panic!("raw TCP: the connection was not closed within {ANSWER_BUDGET:?}"),
        }
    });
    // "HTTP/1.1 200 OK": the code is bytes 9 to 12.
    if received.len() >= 12 && received.starts_with(b"HTTP/1.") && received[8] == b' ' {
        std::str::from_utf8(&received[9..12]).ok()?.parse().ok()
    } else {
        None
    }
}

fn check_health(h: &Harness) {
    let app = h.app.clone();
    let address = h.address;
    h.runtime.block_on(async move {
        let in_process = tokio::time::timeout(HEALTH_BUDGET, async {
            app.get_response(Request::builder().uri_str("/healthz").finish())
                .await
                .status()
        })
        .await;
        assert!(
            matches!(in_process, Ok(StatusCode::OK)),
            "/healthz in process: {in_process:?}"
        );
        let over_tcp = tokio::time::timeout(HEALTH_BUDGET, async {
            let mut stream = TcpStream::connect(address).await?;
            stream
                .write_all(b"GET /healthz HTTP/1.1\r\nhost: fuzz\r\nconnection: close\r\n\r\n")
                .await?;
            let mut received = Vec::new();
            stream.read_to_end(&mut received).await?;
            Ok::<_, std::io::Error>(received)
        })
        .await;
        let healthy = matches!(&over_tcp, Ok(Ok(r)) if r.starts_with(b"HTTP/1.1 200"));
        assert!(healthy, "/healthz over TCP: {over_tcp:?}");
    });
}

fuzz_target!(|data: &[u8]| {
    static INPUTS: AtomicU64 = AtomicU64::new(0);
    let h = harness();
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let bogus_auth = selector & 0x10 != 0;
    let plain = selector & 0x20 != 0;
    let alternate = selector & 0x40 != 0;
    let mut check_now = false;
    match selector & 3 {
        0 => post_graphql(h, rest.to_vec(), bogus_auth, plain),
        1 => {
            let query = String::from_utf8_lossy(rest);
            let body = serde_json::json!({ "query": query }).to_string();
            post_graphql(h, body.into_bytes(), bogus_auth, plain);
        }
        2 => {
            let path = GET_ROUTES[(usize::from(selector >> 2) & 3) | usize::from(alternate) << 2];
            get_route(h, path, rest, bogus_auth, plain);
        }
        _ if alternate => post_login(h, rest, plain),
        _ => {
            let status = raw_http(h, rest);
            if tracing() {
                eprintln!("raw TCP -> {status:?}");
            }
            if let Some(status) = status {
                assert!(
                    !(500..600).contains(&status) || status == 503,
                    "raw TCP {:?}: answered {status}",
                    String::from_utf8_lossy(rest)
                );
            }
            check_now = status.is_none();
        }
    }
    if check_now || INPUTS.fetch_add(1, Ordering::Relaxed) % HEALTH_EVERY == 0 {
        check_health(h);
    }
});
