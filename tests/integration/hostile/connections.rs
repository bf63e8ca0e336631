//! Slow and idle clients: connections that never finish their headers, and idle keep-alive
//! connections, are closed after the header timeout; at the connection limit the longest-idle
//! one makes room, so health checks are answered while a slow-client flood is on.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::assert_healthy;
use crate::*;

/// Sixteen connections, two seconds for a request's headers.
fn small_limits(config: &mut api::Config) {
    config.limits.max_connections = 16;
    config.limits.header_timeout = Duration::from_secs(2);
}

fn host(app: &TestApp) -> String {
    app.address.trim_start_matches("http://").to_owned()
}

/// Whether the server has closed `stream`: a read returns end of file or an error within
/// `within`.
async fn closed_by_server(stream: &mut TcpStream, within: Duration) -> bool {
    let mut buffer = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buffer)).await {
            Err(_) => return false,
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
        }
    }
}

app_test!(
    async fn a_slow_client_flood_does_not_stop_health_checks(app, small_limits) {
        let mut slow = Vec::new();
        for _ in 0..48 {
            let mut stream = TcpStream::connect(host(&app)).await.expect("connects");
            stream
                .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                .await
                .expect("writes part of a head");
            slow.push(stream);
        }
        assert_healthy(&app).await;
        assert_healthy(&app).await;
        let mut closed = 0;
        for stream in &mut slow {
            if closed_by_server(stream, Duration::from_secs(5)).await {
                closed += 1;
            }
        }
        assert_eq!(closed, slow.len(), "every unfinished head is closed");
        assert_healthy(&app).await;
    }
);

/// The connection layer does not depend on the database, so this runs on SQLite only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_keep_alive_connections_are_closed_after_the_header_timeout() {
    let app = TestApp::spawn_with(Backend::Sqlite, small_limits).await;
    let mut stream = TcpStream::connect(host(&app)).await.expect("connects");
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .expect("writes a request");
    let mut buffer = [0u8; 1024];
    let read = stream.read(&mut buffer).await.expect("an answer");
    assert!(buffer[..read].starts_with(b"HTTP/1.1 200"));
    assert!(
        !closed_by_server(&mut stream, Duration::from_millis(500)).await,
        "kept alive for a while"
    );
    assert!(
        closed_by_server(&mut stream, Duration::from_secs(5)).await,
        "closed once idle past the timeout"
    );
    assert_healthy(&app).await;
}
