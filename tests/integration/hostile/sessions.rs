//! Sessions and sign-in at the edges: a websocket must not outlive the session it was opened
//! with, sign-in throttling must hold under concurrency and on every transport, a lockout key
//! must not grow with the submitted username, and a websocket message must not exceed the body
//! limit.

use std::collections::HashMap;
use std::time::Duration;

use entities::{login_failure, refresh_token};
use futures_util::{SinkExt, StreamExt};
use sea_orm::{EntityTrait, PaginatorTrait};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

use super::super::*;
use super::assert_healthy;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

const LOGIN: &str =
    "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }";
const ME: &str = "{ me { username } }";
const REPORT: &str =
    "mutation { updateTaskStatus(input: { taskNumber: 24, progress: 10 }) { version } }";
const TASK: &str = "{ task(number: 24) { version history { progress } } }";
const CHANGES: &str =
    "subscription { taskStatusChanged(taskNumber: 24) { taskNumber progress changedBy } }";

/// Largest request body (and websocket message) the service accepts.
const MAX_BODY_BYTES: usize = 1024 * 1024;

/// A websocket on `app` (graphql-transport-ws), initialised with `token` when given.
async fn open_socket(app: &TestApp, token: Option<&str>) -> Socket {
    let url = format!("{}/graphql/ws", app.address.replacen("http", "ws", 1));
    let mut request = url.into_client_request().expect("websocket request");
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().expect("header"),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("connect");
    let payload = match token {
        Some(token) => json!({ "Authorization": format!("Bearer {token}") }),
        None => json!({}),
    };
    socket
        .send(Message::text(
            json!({ "type": "connection_init", "payload": payload }).to_string(),
        ))
        .await
        .expect("init");
    let ack = next_message(&mut socket)
        .await
        .expect("an answer to connection_init");
    assert_eq!(ack["type"], "connection_ack", "{ack}");
    socket
}

/// The next JSON message, or `None` once the socket is closed or fails; waits at most 10 s.
async fn next_message(socket: &mut Socket) -> Option<Value> {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(10), socket.next())
            .await
            .expect("a message (or the end of the socket) within 10 s");
        match message {
            Some(Ok(Message::Text(text))) => {
                return Some(serde_json::from_str(text.as_str()).expect("JSON message"))
            }
            Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return None,
            Some(Ok(_)) => continue,
        }
    }
}

/// Starts operation `id` on the socket.
async fn start(socket: &mut Socket, id: &str, query: &str, variables: Value) {
    socket
        .send(Message::text(
            json!({ "id": id, "type": "subscribe", "payload": { "query": query, "variables": variables } })
                .to_string(),
        ))
        .await
        .expect("subscribe");
}

/// Reads until every operation in `ids` has completed; the `next` payloads of each. A message
/// for any other operation fails the test.
async fn outcomes(socket: &mut Socket, ids: &[String]) -> HashMap<String, Vec<Value>> {
    let mut payloads: HashMap<String, Vec<Value>> = HashMap::new();
    let mut open: Vec<&String> = ids.iter().collect();
    while !open.is_empty() {
        let message = next_message(socket)
            .await
            .unwrap_or_else(|| panic!("the socket closed while {open:?} were running"));
        let id = message["id"].as_str().unwrap_or_default().to_owned();
        assert!(
            ids.contains(&id),
            "a message for another operation: {message}"
        );
        match message["type"].as_str() {
            Some("next") => payloads
                .entry(id)
                .or_default()
                .push(message["payload"].clone()),
            Some("complete") => open.retain(|open| **open != id),
            _ => panic!("unexpected message: {message}"),
        }
    }
    payloads
}

/// Runs one operation over the socket and returns its single answer.
async fn run(socket: &mut Socket, id: &str, query: &str, variables: Value) -> Value {
    start(socket, id, query, variables).await;
    let mut answers = outcomes(socket, &[id.to_owned()]).await;
    let answers = answers.remove(id).unwrap_or_default();
    assert_eq!(answers.len(), 1, "one answer for {id}: {answers:?}");
    answers[0].clone()
}

/// The `code` extensions of an answer's errors.
fn error_codes(answer: &Value) -> Vec<String> {
    codes(
        answer["errors"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default(),
    )
}

/// How a session ends.
#[derive(Debug, Clone, Copy)]
enum Ending {
    Logout,
    Disable,
    PasswordReset,
}

/// Opens a socket on `app` with an agency officer's token and a subscription on it, ends the
/// session through `elsewhere` (the same instance or another one on the same database), and
/// checks that the socket can neither write nor read nor keep receiving changes.
async fn a_socket_dies_with_its_session(app: &TestApp, elsewhere: &TestApp, ending: Ending) {
    let planner = app.signed_in("dic.planner", "planner", None).await;
    let password = app.add_user("syt.officer", "agency", Some("SYT")).await;
    let colleague = app.signed_in("syt.colleague", "agency", Some("SYT")).await;
    let (token, refresh) = app.login("syt.officer", &password).await;

    let mut socket = open_socket(app, Some(&token)).await;
    let me = run(&mut socket, "before", ME, json!({})).await;
    assert_eq!(
        me["data"]["me"]["username"], "syt.officer",
        "the socket works: {me}"
    );
    start(&mut socket, "changes", CHANGES, json!({})).await;
    tokio::time::sleep(Duration::from_millis(200)).await;

    match ending {
        Ending::Logout => {
            let out = elsewhere
                .data(
                    "mutation($r: String!) { logout(refreshToken: $r) }",
                    json!({ "r": refresh }),
                )
                .await;
            assert_eq!(out["logout"], true);
        }
        Ending::Disable => {
            elsewhere
                .data_as(
                    Some(&planner),
                    "mutation { disableUser(username: \"syt.officer\") { disabled } }",
                    json!({}),
                )
                .await;
        }
        Ending::PasswordReset => {
            elsewhere.data_as(
                Some(&planner),
                "mutation { resetUserPassword(username: \"syt.officer\", password: \"a-brand-new-passphrase\") { disabled } }",
                json!({}),
            )
            .await;
        }
    }

    let write = run(&mut socket, "write", REPORT, json!({})).await;
    assert_eq!(
        error_codes(&write),
        ["UNAUTHENTICATED"],
        "{ending:?}: the write is refused: {write}"
    );
    assert!(
        write["data"].is_null(),
        "{ending:?}: nothing is answered: {write}"
    );
    let read = run(&mut socket, "read", ME, json!({})).await;
    assert_eq!(
        error_codes(&read),
        ["UNAUTHENTICATED"],
        "{ending:?}: the read is refused: {read}"
    );
    assert!(
        read["data"].is_null(),
        "{ending:?}: nothing is answered: {read}"
    );
    assert_healthy(app).await;
    let task = app.data(TASK, json!({})).await;
    assert_eq!(
        task["task"],
        json!({ "version": 1, "history": [] }),
        "{ending:?}: nothing was written"
    );

    // A change made by someone else is not delivered to the ended session's subscription: it
    // ends with UNAUTHENTICATED instead.
    elsewhere
        .data_as(
            Some(&colleague),
            "mutation { updateTaskStatus(input: { taskNumber: 24, progress: 20 }) { version } }",
            json!({}),
        )
        .await;
    let changes = outcomes(&mut socket, &["changes".to_owned()]).await;
    let delivered = changes.get("changes").cloned().unwrap_or_default();
    assert!(
        delivered.iter().all(|answer| answer["data"].is_null()),
        "{ending:?}: no change reaches the ended session: {delivered:?}"
    );
    assert!(
        delivered
            .iter()
            .any(|answer| error_codes(answer) == ["UNAUTHENTICATED"]),
        "{ending:?}: the subscription says why it ended: {delivered:?}"
    );
    let task = app.data(TASK, json!({})).await;
    assert_eq!(
        task["task"],
        json!({ "version": 2, "history": [{ "progress": 20 }] })
    );
}

app_test!(
    async fn a_websocket_stops_working_when_its_session_is_logged_out(app) {
        a_socket_dies_with_its_session(&app, &app, Ending::Logout).await;
    }
);

app_test!(
    async fn a_websocket_stops_working_when_its_account_is_disabled(app) {
        a_socket_dies_with_its_session(&app, &app, Ending::Disable).await;
    }
);

app_test!(
    async fn a_websocket_stops_working_when_its_password_is_reset(app) {
        a_socket_dies_with_its_session(&app, &app, Ending::PasswordReset).await;
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_ended_through_another_instance_ends_on_this_ones_sockets() {
    let first = TestApp::spawn(Backend::Postgres).await;
    let second = TestApp::start(&first.config).await;
    a_socket_dies_with_its_session(&first, &second, Ending::Logout).await;
}

app_test!(
    async fn a_planner_socket_cannot_manage_accounts_after_logout(app) {
        let password = app.add_user("dic.planner", "planner", None).await;
        let (token, refresh) = app.login("dic.planner", &password).await;
        let mut socket = open_socket(&app, Some(&token)).await;
        app.data("mutation($r: String!) { logout(refreshToken: $r) }", json!({ "r": refresh }))
            .await;
        let created = run(
            &mut socket,
            "create",
            "mutation { createUser(input: { username: \"intruder\", password: \"a-long-enough-passphrase\", role: PLANNER }) { username } }",
            json!({}),
        )
        .await;
        assert_eq!(error_codes(&created), ["UNAUTHENTICATED"], "{created}");
        assert_healthy(&app).await;
        let users = entities::user::Entity::find().count(&app.db).await.expect("count users");
        assert_eq!(users, 1, "no account was created");
    }
);

app_test!(
    async fn thirty_simultaneous_wrong_passwords_evaluate_at_most_ten(app) {
        app.add_user("sxd.officer", "agency", Some("SXD")).await;
        let mut socket = open_socket(&app, None).await;
        let ids: Vec<String> = (1..=20).map(|n| format!("login-{n}")).collect();
        for (n, id) in ids.iter().enumerate() {
            let variables = json!({ "u": "sxd.officer", "p": format!("wrong-password-{n:02}") });
            start(&mut socket, id, LOGIN, variables).await;
        }
        let over_http = (0..10).map(|n| {
            let app = &app;
            async move {
                app.graphql(LOGIN, json!({ "u": "SXD.Officer", "p": format!("wrong-http-{n:02}") }))
                    .await
            }
        });
        let (over_socket, over_http, ()) = tokio::join!(
            outcomes(&mut socket, &ids),
            futures_util::future::join_all(over_http),
            assert_healthy(&app),
        );
        let mut answers: Vec<Value> = over_socket.into_values().flatten().collect();
        answers.extend(over_http);
        assert_eq!(answers.len(), 30);
        let mut tally: HashMap<Vec<String>, usize> = HashMap::new();
        for answer in &answers {
            assert!(answer["data"].is_null(), "no tokens: {answer}");
            *tally.entry(error_codes(answer)).or_default() += 1;
        }
        let evaluated = tally.get(&vec!["UNAUTHENTICATED".to_owned()]).copied().unwrap_or(0);
        let throttled = tally.get(&vec!["TOO_MANY_REQUESTS".to_owned()]).copied().unwrap_or(0);
        assert_eq!(evaluated, 10, "exactly ten attempts are evaluated: {tally:?}");
        assert_eq!(throttled, 20, "the rest are refused before hashing: {tally:?}");
        assert_healthy(&app).await;
        let tokens = refresh_token::Entity::find().count(&app.db).await.expect("count tokens");
        assert_eq!(tokens, 0, "no session was started");
    }
);

app_test!(
    async fn the_per_client_limit_applies_over_the_websocket(app) {
        let password = app.add_user("syt.officer", "agency", Some("SYT")).await;
        let mut socket = open_socket(&app, None).await;
        for attempt in 1..=10 {
            let variables = json!({ "u": format!("nobody.{attempt:02}"), "p": "a-guessed-passphrase" });
            let answer = run(&mut socket, &format!("guess-{attempt}"), LOGIN, variables).await;
            assert_eq!(error_codes(&answer), ["UNAUTHENTICATED"], "attempt {attempt}: {answer}");
        }
        let variables = json!({ "u": "syt.officer", "p": password });
        let answer = run(&mut socket, "right", LOGIN, variables.clone()).await;
        assert_eq!(
            error_codes(&answer),
            ["TOO_MANY_REQUESTS"],
            "ten failures from one client over the socket lock that client: {answer}"
        );
        let errors = app.errors(LOGIN, variables).await;
        assert_eq!(codes(&errors), ["TOO_MANY_REQUESTS"], "over HTTP too");
        assert_healthy(&app).await;
        let tokens = refresh_token::Entity::find().count(&app.db).await.expect("count tokens");
        assert_eq!(tokens, 0, "no session was started");
    }
);

app_test!(
    async fn successful_sign_ins_do_not_use_up_the_client_limit(app) {
        let password = app.add_user("syt.officer", "agency", Some("SYT")).await;
        for attempt in 1..=9 {
            let errors = app
                .errors(LOGIN, json!({ "u": format!("nobody.{attempt:02}"), "p": "a-guessed-passphrase" }))
                .await;
            assert_eq!(codes(&errors), ["UNAUTHENTICATED"], "attempt {attempt}");
        }
        for attempt in 1..=15 {
            let answer = app.graphql(LOGIN, json!({ "u": "syt.officer", "p": password })).await;
            assert!(answer["data"]["login"]["token"].is_string(), "sign-in {attempt}: {answer}");
        }
        let errors = app.errors(LOGIN, json!({ "u": "nobody.10", "p": "a-guessed-passphrase" })).await;
        assert_eq!(codes(&errors), ["UNAUTHENTICATED"], "the tenth failure is still evaluated");
        let errors = app.errors(LOGIN, json!({ "u": "syt.officer", "p": password })).await;
        assert_eq!(codes(&errors), ["TOO_MANY_REQUESTS"], "and then the client is locked");
    }
);

app_test!(
    async fn a_huge_username_is_refused_and_stores_nothing_large(app) {
        let password = app.add_user("syt.officer", "agency", Some("SYT")).await;
        let huge = "a".repeat(900 * 1024);
        let started = std::time::Instant::now();
        let errors = app.errors(LOGIN, json!({ "u": huge, "p": "a-guessed-passphrase" })).await;
        assert_eq!(codes(&errors), ["UNAUTHENTICATED"], "refused like any wrong sign-in");
        assert!(started.elapsed() < Duration::from_secs(5), "refused quickly: {:?}", started.elapsed());
        let longest = "b".repeat(64);
        let errors = app.errors(LOGIN, json!({ "u": longest, "p": "a-guessed-passphrase" })).await;
        assert_eq!(codes(&errors), ["UNAUTHENTICATED"]);
        assert_healthy(&app).await;

        let rows = login_failure::Entity::find().all(&app.db).await.expect("read login_failures");
        assert!(!rows.is_empty(), "the 64-character attempt counts as a failure");
        for row in &rows {
            assert!(row.throttle_key.len() <= 80, "a fixed-size key: {} bytes", row.throttle_key.len());
            assert!(!row.throttle_key.contains("bbbb"), "the name is not stored: {}", row.throttle_key);
        }
        assert_eq!(app.login("syt.officer", &password).await.0.split('.').count(), 3);
    }
);

app_test!(
    async fn a_websocket_message_over_the_body_limit_closes_the_socket(app) {
        let mut socket = open_socket(&app, None).await;
        let small = format!("{{ __typename }}\n#{}", "x".repeat(MAX_BODY_BYTES - 1024));
        let answer = run(&mut socket, "small", &small, json!({})).await;
        assert!(answer["errors"].is_null(), "a message under the limit is answered: {answer}");

        let large = format!("{{ __typename }}\n#{}", "x".repeat(MAX_BODY_BYTES + 1024));
        start(&mut socket, "large", &large, json!({})).await;
        let (answer, ()) = tokio::join!(next_message(&mut socket), assert_healthy(&app));
        assert!(answer.is_none(), "the socket is closed instead of answering: {answer:?}");
        assert_healthy(&app).await;

        let mut socket = open_socket(&app, None).await;
        let answer = run(&mut socket, "after", "{ __typename }", json!({})).await;
        assert!(answer["data"]["__typename"].is_string(), "new sockets still work: {answer}");
    }
);
