//! Renders are bounded: at most `EGOV_MAX_RENDERS` at once, extra downloads wait briefly and are
//! then told to come back (503 with `Retry-After`), and identical downloads share one render.

use std::time::Duration;

use super::assert_healthy;
use crate::*;

/// One render at a time, and no waiting for it.
fn one_render(config: &mut api::Config) {
    config.limits.max_renders = 1;
    config.limits.render_wait = Duration::ZERO;
}

/// Downloads `path` and returns its status, `Retry-After`, error code (if any) and bytes.
async fn fetch(
    client: reqwest::Client,
    url: String,
) -> (u16, Option<String>, Option<String>, Vec<u8>) {
    let response = client.get(url).send().await.expect("sent");
    let status = response.status().as_u16();
    let retry = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let bytes = response.bytes().await.expect("body").to_vec();
    let code = serde_json::from_slice::<Value>(&bytes)
        .ok()
        .and_then(|body| {
            body["errors"][0]["extensions"]["code"]
                .as_str()
                .map(str::to_owned)
        });
    (status, retry, code, bytes)
}

async fn simultaneous(
    app: &TestApp,
    paths: &[String],
) -> Vec<(u16, Option<String>, Option<String>, Vec<u8>)> {
    let tasks: Vec<_> = paths
        .iter()
        .map(|path| tokio::spawn(fetch(app.client.clone(), format!("{}{path}", app.address))))
        .collect();
    assert_healthy(app).await;
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.expect("the download finished"));
    }
    results
}

app_test!(
    async fn renders_beyond_the_bound_are_told_to_retry(app, one_render) {
        let paths: Vec<String> = (1..=6)
            .map(|month| format!("/reports/summary.pdf?asOf=2018-{month:02}-28"))
            .collect();
        let results = simultaneous(&app, &paths).await;
        let served = results.iter().filter(|r| r.0 == 200).count();
        let busy: Vec<_> = results.iter().filter(|r| r.0 == 503).collect();
        assert!(served >= 1, "at least one render ran");
        assert!(!busy.is_empty(), "six PDFs at once exceed one render slot");
        assert_eq!(served + busy.len(), paths.len(), "nothing else happened");
        for (_, retry, code, _) in busy {
            assert_eq!(code.as_deref(), Some("BUSY"));
            let seconds: u64 = retry
                .as_deref()
                .expect("Retry-After")
                .parse()
                .expect("seconds");
            assert!((1..=30).contains(&seconds));
        }
        for (status, _, _, bytes) in &results {
            if *status == 200 {
                assert!(bytes.starts_with(b"%PDF"));
            }
        }
        let later = fetch(app.client.clone(), format!("{}{}", app.address, paths[5])).await;
        assert_eq!(
            later.0, 200,
            "a retry once the render slot is free succeeds"
        );
        assert_healthy(&app).await;
    }
);

app_test!(
    async fn identical_downloads_share_one_render(app, one_render) {
        let paths = vec!["/reports/summary.pdf?asOf=2018-06-30".to_owned(); 4];
        let results = simultaneous(&app, &paths).await;
        for (status, _, code, _) in &results {
            assert_eq!(*status, 200, "shared, not refused ({code:?})");
        }
        assert!(
            results.windows(2).all(|pair| pair[0].3 == pair[1].3),
            "the same bytes"
        );
    }
);
