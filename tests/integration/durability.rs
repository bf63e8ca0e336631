//! Crash safety: a server killed with SIGKILL in the middle of a burst of status reports keeps
//! every report it acknowledged, and restarts cleanly on the same data. Also: backups taken
//! while the service runs.

use std::process::Stdio;
use std::time::Duration;

use egov_tracker_tests::{Backend, TestDatabase};
use tokio::io::AsyncWriteExt;
use tokio::process::{Child, Command};

use super::*;

const SERVER: &str = env!("CARGO_BIN_EXE_egov-tracker-under-test");

fn command(database: &TestDatabase) -> Command {
    let mut command = Command::new(SERVER);
    command
        .arg("--data-dir")
        .arg(&database.dir)
        .env("RUST_LOG", "warn")
        .env("EGOV_REMINDER_INTERVAL", "0")
        .env_remove("DATABASE_URL")
        .env_remove("EGOV_JWT_SECRET")
        .kill_on_drop(true);
    if let Some(url) = &database.url {
        command.arg("--database-url").arg(url.expose());
    }
    command
}

async fn add_planner(database: &TestDatabase, password: &str) {
    let mut child = command(database)
        .args([
            "user",
            "add",
            "--username",
            "burst.planner",
            "--role",
            "planner",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("run `user add`");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin
        .write_all(format!("{password}\n").as_bytes())
        .await
        .expect("write the password");
    drop(stdin);
    assert!(child.wait().await.expect("user add finishes").success());
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free loopback port")
}

async fn serve(database: &TestDatabase) -> (Child, String) {
    let port = free_port();
    let child = command(database)
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .spawn()
        .expect("start the server");
    let address = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    for _ in 0..300 {
        if let Ok(response) = client.get(format!("{address}/healthz")).send().await {
            if response.status() == 200 {
                return (child, address);
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server did not start within 30 s");
}

async fn post(
    client: &reqwest::Client,
    address: &str,
    token: Option<&str>,
    body: Value,
) -> Option<Value> {
    let mut request = client.post(format!("{address}/graphql")).json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.ok()?;
    let json: Value = response.json().await.ok()?;
    json.get("errors").is_none().then_some(json)
}

async fn acknowledged_reports_survive_a_kill(backend: Backend) {
    let database = TestDatabase::create(backend).await;
    let password = "burst-planner-passphrase";
    add_planner(&database, password).await;
    let (mut server, address) = serve(&database).await;
    let client = reqwest::Client::new();
    let login = post(
        &client,
        &address,
        None,
        json!({ "query": "mutation($p: String!) { login(username: \"burst.planner\", password: $p) { token } }", "variables": { "p": password } }),
    )
    .await
    .expect("sign in");
    let token = login["data"]["login"]["token"]
        .as_str()
        .expect("token")
        .to_owned();
    let leads = post(
        &client,
        &address,
        None,
        json!({ "query": "{ task(number: 26) { leadAgencies { code } } }" }),
    )
    .await
    .expect("task 26");
    let codes = codes_of(&leads["data"]["task"]["leadAgencies"]);

    let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel();
    let mut burst = tokio::task::JoinSet::new();
    for i in 0..60 {
        let (client, address, token, sender) = (
            client.clone(),
            address.clone(),
            token.clone(),
            sender.clone(),
        );
        let agency = codes[i % codes.len()].clone();
        burst.spawn(async move {
            let note = format!("burst report {i}");
            let body = json!({
                "query": "mutation($a: String!, $n: String!) { updateTaskStatus(input: { taskNumber: 26, agencyCode: $a, progress: 50, note: $n }) { version } }",
                "variables": { "a": agency, "n": note },
            });
            if post(&client, &address, Some(&token), body).await.is_some() {
                let _ = sender.send(note);
            }
        });
    }
    drop(sender);
    let mut acknowledged = Vec::new();
    while acknowledged.len() < 10 {
        match receiver.recv().await {
            Some(note) => acknowledged.push(note),
            None => break,
        }
    }
    server.start_kill().expect("SIGKILL the server");
    server.wait().await.expect("the server is gone");
    while let Some(result) = burst.join_next().await {
        result.expect("request task");
    }
    while let Ok(note) = receiver.try_recv() {
        acknowledged.push(note);
    }
    assert!(
        acknowledged.len() >= 10,
        "the burst was acknowledged before the kill"
    );

    let (_server, address) = serve(&database).await;
    let after = post(
        &client,
        &address,
        None,
        json!({ "query": "{ task(number: 26) { version history { note } } }" }),
    )
    .await
    .expect("read task 26 after the restart");
    let task = &after["data"]["task"];
    let notes: Vec<&str> = task["history"]
        .as_array()
        .map(|h| h.iter().filter_map(|e| e["note"].as_str()).collect())
        .unwrap_or_default();
    for note in &acknowledged {
        assert!(
            notes.contains(&note.as_str()),
            "acknowledged {note:?} was lost"
        );
    }
    assert_eq!(
        task["version"].as_i64(),
        Some(1 + notes.len() as i64),
        "every version change has its history entry, and no entry lacks its change"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_reports_survive_a_kill_on_sqlite() {
    acknowledged_reports_survive_a_kill(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_reports_survive_a_kill_on_postgres() {
    acknowledged_reports_survive_a_kill(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_serving_opens_as_a_complete_database() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let token = app.signed_in("backup.planner", "planner", None).await;
    app.data_as(
        Some(&token),
        "mutation { updateTaskStatus(input: { taskNumber: 24, progress: 30 }) { version } }",
        json!({}),
    )
    .await;
    let file = app.config.data_dir.join("backups").join("copy.db");
    let url = api::db::resolve_url(&app.config);
    api::backup::backup(&url, &app.db, &file)
        .await
        .expect("backup");
    assert!(
        api::backup::backup(&url, &app.db, &file).await.is_err(),
        "an existing file is never overwritten"
    );

    let mut restored = app.config.clone();
    restored.database_url = Some(api::DatabaseUrl::new(format!(
        "sqlite://{}",
        file.display()
    )));
    let copy = TestApp::start(&restored).await;
    let data = copy.data("{ tasks(first: 27) { totalCount } task(number: 24) { progress history { progress } } }", json!({})).await;
    assert_eq!(data["tasks"]["totalCount"], 27);
    assert_eq!(data["task"]["progress"], 30);
    assert_eq!(data["task"]["history"].as_array().map(Vec::len), Some(1));
}
