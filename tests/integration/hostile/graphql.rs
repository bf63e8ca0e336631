//! Documents and variables built to crash or stall the parser and validator: values nested
//! thousands deep, fragments that fan out exponentially, bodies a cross-site form can send.

use std::time::Duration;

use super::{assert_healthy, attack_twice, fan_out};
use crate::*;

const TASK_24: &str = "{ task(number: 24) { version history { version } } }";

/// A document of a few kilobytes whose `place` holds a list nested `depth` deep.
fn nested(place: &str, depth: usize) -> String {
    let value = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
    place.replace("VALUE", &value)
}

app_test!(
    async fn values_nested_thousands_deep_are_refused_and_the_service_stays_up(app) {
        let token = app.signed_in("syt.officer", "agency", Some("SYT")).await;
        let before = app.data(TASK_24, json!({})).await;
        let places = [
            "{ plan(code: VALUE) { code } }",
            "query($x: [Int] = VALUE) { plan { code } }",
            "{ plan @include(if: VALUE) { code } }",
            "mutation { updateTaskStatus(input: { taskNumber: 24, progress: 10, note: VALUE }) { version } }",
        ];
        for place in places {
            let query = nested(place, 5_000);
            let (status, body) = app
                .post_as(Some(&token), json!({ "query": query }).to_string())
                .await;
            assert_eq!(status, 200, "{place}: {body}");
            assert_eq!(codes(body["errors"].as_array().expect("errors")), ["BAD_INPUT"], "{place}");
            assert!(
                body["errors"][0]["message"].as_str().unwrap_or_default().contains("nests"),
                "{body}"
            );
            assert_healthy(&app).await;
        }
        let within = nested("{ plan(code: VALUE) { code } }", 20);
        let response = app.graphql(&within, json!({})).await;
        assert_ne!(
            codes(response["errors"].as_array().expect("a type error")),
            ["BAD_INPUT"; 0],
            "a shallow list reaches validation"
        );
        assert!(
            !response["errors"][0]["message"].as_str().unwrap_or_default().contains("nests"),
            "{response}"
        );
        assert_eq!(app.data(TASK_24, json!({})).await, before, "nothing changed");
    }
);

app_test!(
    async fn variables_nested_deeply_are_refused_before_they_are_built(app) {
        let mut value = json!(1);
        for _ in 0..40 {
            value = json!([value]);
        }
        let body = json!({ "query": "query($x: [Int]) { plan { code } }", "variables": { "x": value } });
        let (status, answer) = app.post_raw(body.to_string()).await;
        assert_eq!(status, 400, "{answer}");
        assert_eq!(codes(answer["errors"].as_array().expect("errors")), ["BAD_INPUT"]);
        let deep = format!(
            r#"{{"query":"{{ plan {{ code }} }}","variables":{{"x":{}1{}}}}}"#,
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let (status, answer) = app.post_raw(deep).await;
        assert_eq!(status, 400, "{answer}");
        assert_eq!(codes(answer["errors"].as_array().expect("errors")), ["BAD_INPUT"]);
        assert_healthy(&app).await;
    }
);

app_test!(
    async fn fragments_that_fan_out_are_refused_in_milliseconds(app) {
        let query = fan_out(30, "plan { code }");
        assert!(query.len() < 2_000);
        for (took, answer) in attack_twice(&app, &query).await {
            assert_eq!(codes(answer["errors"].as_array().expect("errors")), ["BAD_INPUT"]);
            assert!(
                answer["errors"][0]["message"].as_str().unwrap_or_default().contains("fragments"),
                "{answer}"
            );
            assert!(took < Duration::from_secs(5), "refused after {took:?}");
        }
        let fine = app.data(&fan_out(4, "plan { code }"), json!({})).await;
        assert_eq!(fine["plan"]["code"], "681/KH-UBND");
        assert_healthy(&app).await;
    }
);

app_test!(
    async fn bodies_a_cross_site_form_can_send_are_refused_with_415(app) {
        let token = app.signed_in("syt.officer", "agency", Some("SYT")).await;
        let before = app.data(TASK_24, json!({})).await;
        let mutation = json!({
            "query": "mutation { updateTaskStatus(input: { taskNumber: 24, progress: 10, effectiveOn: \"2017-01-05\" }) { version } }"
        })
        .to_string();
        for content_type in [
            Some("text/plain"),
            Some("application/x-www-form-urlencoded"),
            Some("multipart/form-data; boundary=x"),
            None,
        ] {
            let mut request = app
                .client
                .post(format!("{}/graphql", app.address))
                .body(mutation.clone());
            // Multipart carries uploads for callers that send a token or the session's
            // anti-forgery header, which a cross-site form cannot; without them it is refused.
            if !content_type.is_some_and(|c| c.starts_with("multipart/")) {
                request = request.bearer_auth(&token);
            }
            if let Some(content_type) = content_type {
                request = request.header("content-type", content_type);
            }
            let response = request.send().await.expect("sent");
            assert_eq!(response.status(), 415, "{content_type:?}");
            let body: Value = response.json().await.expect("JSON");
            assert_eq!(codes(body["errors"].as_array().expect("errors")), ["UNSUPPORTED_MEDIA_TYPE"]);
        }
        assert_eq!(app.data(TASK_24, json!({})).await, before, "nothing changed");
        let with_charset = app
            .client
            .post(format!("{}/graphql", app.address))
            .header("content-type", "application/json; charset=utf-8")
            .body(json!({ "query": "{ plan { code } }" }).to_string())
            .send()
            .await
            .expect("sent");
        assert_eq!(with_charset.status(), 200);
        assert_healthy(&app).await;
    }
);
