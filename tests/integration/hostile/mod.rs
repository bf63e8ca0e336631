//! Hostile input: one module per class of attack found by the outside test (issue 13). Each test
//! asserts the refusal, that the service still answers `/healthz` within five seconds while the
//! attack runs, and that nothing changed.

mod archimate;
mod sessions;

mod connections;
mod dates;
mod fuzz_found;
mod graphql;
mod renders;

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::TestApp;

/// A document of about 1 KB in which each of `levels` fragments spreads the next one twice and
/// the last holds `last`: 2^levels copies of `last` once expanded.
pub fn fan_out(levels: usize, last: &str) -> String {
    let mut query = String::from("query { ...F0 }\n");
    for i in 0..levels {
        query.push_str(&format!(
            "fragment F{i} on QueryRoot {{ ...F{} ...F{} }}\n",
            i + 1,
            i + 1
        ));
    }
    query.push_str(&format!("fragment F{levels} on QueryRoot {{ {last} }}\n"));
    query
}

/// Sends `query` twice at once (both of a two-core machine's workers), checks `/healthz` while
/// they run, and returns how long each took and its answer.
pub async fn attack_twice(app: &TestApp, query: &str) -> Vec<(Duration, Value)> {
    let attacks: Vec<_> = (0..2)
        .map(|_| {
            let client = app.client.clone();
            let url = format!("{}/graphql", app.address);
            let body = json!({ "query": query }).to_string();
            tokio::spawn(async move {
                let started = Instant::now();
                let answer: Value = client
                    .post(url)
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await
                    .expect("sent")
                    .json()
                    .await
                    .expect("JSON");
                (started.elapsed(), answer)
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_healthy(app).await;
    let mut answers = Vec::new();
    for attack in attacks {
        answers.push(attack.await.expect("the request finished"));
    }
    answers
}

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
