//! Whole GraphQL answers are cached per instance under the data version: a repeated question is
//! answered from the cache (`x-egov-cache: hit`) until anything is written, by any mutation, on
//! any instance; answers are kept apart per account; `EGOV_RESPONSE_CACHE=false` turns it off.

use super::*;

const COMMENTS: &str = "{ task(number: 5) { number comments { body } } }";
const COMMENT: &str =
    "mutation($body: String!) { addTaskComment(input: { taskNumber: 5, body: $body }) { body } }";

/// Posts a query and returns its `x-egov-cache` header and its data.
pub(super) async fn ask(app: &TestApp, token: Option<&str>, query: &str) -> (String, Value) {
    let mut request = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("content-type", "application/json")
        .body(json!({ "query": query }).to_string());
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("request is sent");
    assert_eq!(response.status(), 200);
    let cache = response
        .headers()
        .get("x-egov-cache")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("none")
        .to_owned();
    let body: Value = response.json().await.expect("a JSON answer");
    assert!(body.get("errors").is_none(), "{body}");
    (cache, body["data"].clone())
}

fn comment_bodies(data: &Value) -> Vec<String> {
    data["task"]["comments"]
        .as_array()
        .expect("comments")
        .iter()
        .filter_map(|c| c["body"].as_str().map(str::to_owned))
        .collect()
}

app_test!(
    async fn a_repeated_question_is_answered_from_the_cache_until_anything_is_written(app) {
        let planner = app.signed_in("dic.planner", "planner", None).await;
        let (first, before) = ask(&app, None, COMMENTS).await;
        let (second, again) = ask(&app, None, COMMENTS).await;
        assert_eq!((first.as_str(), second.as_str()), ("miss", "hit"));
        assert_eq!(again, before);
        assert!(comment_bodies(&before).is_empty());

        // A comment is not a status report: only the mark every mutation makes moves the version.
        app.data_as(Some(&planner), COMMENT, json!({ "body": "Đã họp triển khai" })).await;
        let (after, data) = ask(&app, None, COMMENTS).await;
        assert_eq!(after, "miss", "the write moved the data version");
        assert_eq!(comment_bodies(&data), ["Đã họp triển khai"]);
        assert_eq!(ask(&app, None, COMMENTS).await, ("hit".to_owned(), data));

        // A refused mutation still counts as a write attempt; the answer stays right either way.
        let errors = app.errors_as(Some(&planner), COMMENT, json!({ "body": "  " })).await;
        assert_eq!(codes(&errors), ["BAD_INPUT"]);
        let (_, unchanged) = ask(&app, None, COMMENTS).await;
        assert_eq!(comment_bodies(&unchanged), ["Đã họp triển khai"]);
    }
);

app_test!(
    async fn answers_are_kept_apart_per_account(app) {
        let planner = app.signed_in("dic.planner", "planner", None).await;
        let agency = app.signed_in("stttt.officer", "agency", Some("STTTT")).await;
        let me = "{ me { username } }";
        assert_eq!(ask(&app, Some(&planner), me).await.1["me"]["username"], "dic.planner");
        assert_eq!(ask(&app, Some(&planner), me).await, ("hit".to_owned(), json!({ "me": { "username": "dic.planner" } })));
        let (cache, data) = ask(&app, Some(&agency), me).await;
        assert_eq!((cache.as_str(), &data["me"]["username"]), ("miss", &json!("stttt.officer")));
        let (cache, data) = ask(&app, None, me).await;
        assert_eq!((cache.as_str(), &data["me"]), ("miss", &Value::Null));
    }
);

app_test!(
    async fn with_the_cache_off_every_answer_is_computed(app) {
        let app = TestApp::spawn_with(app.backend(), |config| config.response_cache = false).await;
        assert_eq!(ask(&app, None, COMMENTS).await.0, "miss");
        assert_eq!(ask(&app, None, COMMENTS).await.0, "miss");
    }
);
