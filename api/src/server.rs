//! Accepting and holding client connections within bounds.
//!
//! poem's own server holds a connection for as long as the client likes: one that never
//! finishes its headers, or an idle keep-alive connection, stays open forever, and about a
//! thousand of them exhaust the process's file descriptors so that nothing is answered. This
//! module serves the same poem endpoint through hyper directly, so that:
//! - hyper's header-read timeout closes a connection that has not sent a complete request head
//!   within [`Limits::header_timeout`], whether it is new or idle after a keep-alive answer;
//! - at most [`Limits::max_connections`] connections are held; at the limit, the connection
//!   that has been idle longest (no request in progress: a slow or idle client) is closed to make
//!   room, so a health check still gets in while a slow-client flood is on. When every
//!   connection has a request in progress, the new one is closed at once;
//! - shutting down stops accepting, lets requests in progress finish, then closes.

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use poem::http::uri::Scheme;
use poem::web::{LocalAddr, RemoteAddr};
use poem::{Addr, Endpoint};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::config::Limits;

/// How long shutting down waits for requests in progress.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// One held connection, as the registry sees it.
struct Connection {
    /// Requests being answered on it right now.
    in_flight: AtomicUsize,
    /// When it last became idle, in milliseconds since the registry started.
    idle_since: AtomicU64,
    /// Cancelled to close it.
    close: CancellationToken,
}

/// The connections held, for counting and for choosing one to close at the limit.
struct Registry {
    started: Instant,
    next_id: AtomicU64,
    connections: Mutex<HashMap<u64, Arc<Connection>>>,
}

impl Registry {
    fn new() -> Self {
        Self {
            started: Instant::now(),
            next_id: AtomicU64::new(0),
            connections: Mutex::new(HashMap::new()),
        }
    }

    fn now(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn held(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Arc<Connection>>> {
        self.connections
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Registers a new connection, closing the longest-idle one if `max` are held already;
    /// `None` when all of them have a request in progress.
    fn admit(&self, max: usize) -> Option<(u64, Arc<Connection>)> {
        let mut held = self.held();
        if held.len() >= max {
            let idlest = held
                .iter()
                .filter(|(_, c)| c.in_flight.load(Ordering::Acquire) == 0)
                .min_by_key(|(_, c)| c.idle_since.load(Ordering::Acquire))
                .map(|(id, _)| *id)?;
            if let Some(evicted) = held.remove(&idlest) {
                evicted.close.cancel();
            }
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let connection = Arc::new(Connection {
            in_flight: AtomicUsize::new(0),
            idle_since: AtomicU64::new(self.now()),
            close: CancellationToken::new(),
        });
        held.insert(id, connection.clone());
        Some((id, connection))
    }

    fn remove(&self, id: u64) {
        self.held().remove(&id);
    }
}

/// Marks a request in progress on its connection for as long as it lives.
struct InFlight<'a> {
    connection: &'a Connection,
    registry: &'a Registry,
}

impl<'a> InFlight<'a> {
    fn start(connection: &'a Connection, registry: &'a Registry) -> Self {
        connection.in_flight.fetch_add(1, Ordering::AcqRel);
        Self {
            connection,
            registry,
        }
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.connection
            .idle_since
            .store(self.registry.now(), Ordering::Release);
        self.connection.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Serves `endpoint` on `listener` within `limits` until `shutdown` completes.
pub async fn serve<E>(
    listener: TcpListener,
    endpoint: E,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) where
    E: Endpoint + 'static,
{
    let endpoint = Arc::new(endpoint);
    let registry = Arc::new(Registry::new());
    let tracker = TaskTracker::new();
    let stopping = CancellationToken::new();
    let local = listener.local_addr().ok();
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => accepted,
        };
        let (stream, remote) = match accepted {
            Ok(accepted) => accepted,
            Err(err) => {
                tracing::warn!(error = %err, "accepting a connection failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Some((id, connection)) = registry.admit(limits.max_connections) else {
            tracing::warn!(%remote, "every connection is busy; closing a new one");
            continue;
        };
        tracker.spawn(serve_connection(Accepted {
            stream,
            local,
            remote,
            endpoint: endpoint.clone(),
            registry: registry.clone(),
            id,
            connection,
            header_timeout: limits.header_timeout,
            stopping: stopping.clone(),
        }));
    }
    stopping.cancel();
    tracker.close();
    if tokio::time::timeout(SHUTDOWN_GRACE, tracker.wait())
        .await
        .is_err()
    {
        tracing::warn!("requests still in progress after {SHUTDOWN_GRACE:?}; closing them");
    }
}

/// A connection to serve, with what serving it needs.
struct Accepted<E> {
    stream: TcpStream,
    local: Option<SocketAddr>,
    remote: SocketAddr,
    endpoint: Arc<E>,
    registry: Arc<Registry>,
    id: u64,
    connection: Arc<Connection>,
    header_timeout: Duration,
    stopping: CancellationToken,
}

async fn serve_connection<E>(accepted: Accepted<E>)
where
    E: Endpoint + 'static,
{
    let Accepted {
        stream,
        local,
        remote,
        endpoint,
        registry,
        id,
        connection,
        header_timeout,
        stopping,
    } = accepted;
    let _ = stream.set_nodelay(true);
    let local_addr = LocalAddr(
        local
            .map(Addr::SocketAddr)
            .unwrap_or(Addr::Custom("tcp", "".into())),
    );
    let remote_addr = RemoteAddr(Addr::SocketAddr(remote));
    let service = hyper::service::service_fn({
        let connection = connection.clone();
        let registry = registry.clone();
        move |request: hyper::Request<Incoming>| {
            let endpoint = endpoint.clone();
            let connection = connection.clone();
            let registry = registry.clone();
            let request = poem::Request::from((
                request,
                local_addr.clone(),
                remote_addr.clone(),
                Scheme::HTTP,
            ));
            async move {
                let _in_flight = InFlight::start(&connection, &registry);
                let response = endpoint.get_response(request).await;
                Ok::<_, Infallible>(hyper::Response::<
                    http_body_util::combinators::BoxBody<hyper::body::Bytes, std::io::Error>,
                >::from(response))
            }
        }
    });
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout)
        .keep_alive(true);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(header_timeout)
        .keep_alive_timeout(header_timeout);
    let served = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
    tokio::pin!(served);
    tokio::select! {
        result = served.as_mut() => {
            if let Err(err) = result {
                tracing::debug!(%remote, error = %err, "connection ended with an error");
            }
        }
        _ = connection.close.cancelled() => {
            tracing::info!(%remote, "closed an idle connection to make room for a new one");
        }
        _ = stopping.cancelled() => {
            served.as_mut().graceful_shutdown();
            let _ = served.await;
        }
    }
    registry.remove(id);
}
