//! Inputs found by the fuzz targets (`fuzz/`, docs/fuzzing.md), each kept as a test once
//! minimised; the raw input is in `fuzz/regressions/`.

use std::time::{Duration, Instant};

use super::assert_healthy;
use crate::*;

/// A document of about 1 KB in which each of `levels` fragments spreads the next one twice and
/// the last spreads a fragment that is not defined: no fragment holds a field, so the expansion
/// bound counts 0 fields and lets it through, but async-graphql's recursion-depth check, which
/// runs next and follows every spread without memoisation, visits 2^(levels+1) spreads.
/// `fuzz/regressions/guards-spread-fan-out` is the same document with 26 levels.
fn spread_fan_out(levels: usize) -> String {
    let mut query = String::from("query { ...F0 }\n");
    for i in 0..levels {
        query.push_str(&format!(
            "fragment F{i} on QueryRoot {{ ...F{} ...F{} }}\n",
            i + 1,
            i + 1
        ));
    }
    query.push_str(&format!(
        "fragment F{levels} on QueryRoot {{ ...Missing }}\n"
    ));
    query
}

app_test!(
    async fn fragments_of_spreads_only_are_refused_in_milliseconds(app) {
        // 2^23 spreads: 3.3 s for one request in the optimised fuzz build (each further level
        // doubles it); short enough that a failing run still ends.
        let query = spread_fan_out(22);
        assert!(query.len() < 2_000);
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
        assert_healthy(&app).await;
        for attack in attacks {
            let (took, answer) = attack.await.expect("the request finished");
            let errors = answer["errors"].as_array().expect("errors");
            assert!(!errors.is_empty(), "{answer}");
            assert!(
                codes(errors).iter().all(|code| code != "<none>"),
                "every error has a code: {answer}"
            );
            assert!(took < Duration::from_secs(5), "refused after {took:?}");
        }
        assert_healthy(&app).await;
    }
);
