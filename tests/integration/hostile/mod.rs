//! Hostile input: one module per class of attack found by the outside test (issue 13). Each test
//! asserts the refusal, that the service still answers `/healthz` within a second while the
//! attack runs, and that nothing changed.

mod archimate;
mod sessions;

mod connections;
mod dates;
mod fuzz_found;
mod graphql;
mod renders;

use std::time::Duration;

use crate::TestApp;

/// Asserts that `/healthz` answers 200 within five seconds: a stalled service never answers,
/// and a busy two-core CI machine may take more than one. Each check opens a new connection, as
/// a monitoring probe does: a pooled idle one may just have been closed by the server to make
/// room for others, which is what the connection limit is for.
pub async fn assert_healthy(app: &TestApp) {
    let started = std::time::Instant::now();
    let probe = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .expect("a client");
    let response = tokio::time::timeout(
        Duration::from_secs(5),
        probe.get(format!("{}/healthz", app.address)).send(),
    )
    .await
    .expect("/healthz answers within five seconds")
    .expect("/healthz answers");
    assert_eq!(
        response.status(),
        200,
        "/healthz after {:?}",
        started.elapsed()
    );
}
