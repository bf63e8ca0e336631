//! Several `egov-tracker serve` processes on one PostgreSQL behave as one service: a change made
//! through one instance reaches subscribers and figures on another at once, login throttling
//! counts failures wherever they happen, and instances starting together migrate and seed once.

use std::time::Duration;

use api::Application;
use egov_tracker_tests::TestDatabase;
use sea_orm::{ConnectionTrait, Statement};

use super::caching::ask;
use super::subscriptions::{next_json, subscribe};
use super::*;

const FIGURES: &str = r#"query($d: Date!) {
  planProgress(asOf: $d) { completed percentComplete }
  ranking(asOf: $d) { agency { code } tasksCompleted score }
}"#;

fn today() -> String {
    api::services::clock::today().to_string()
}

fn completed_by(figures: &Value, agency: &str) -> i64 {
    figures["ranking"]
        .as_array()
        .and_then(|entries| entries.iter().find(|e| e["agency"]["code"] == agency))
        .and_then(|e| e["tasksCompleted"].as_i64())
        .unwrap_or_else(|| panic!("{agency} is ranked: {figures}"))
}

async fn two_instances() -> (TestApp, TestApp) {
    let first = TestApp::spawn(Backend::Postgres).await;
    let second = TestApp::start(&first.config).await;
    (first, second)
}

/// Task 7's comments as one instance answers them, with its `x-egov-cache` header.
async fn comments_on(app: &TestApp) -> (String, Value) {
    let (cache, data) = ask(app, None, "{ task(number: 7) { comments { body } } }").await;
    (cache, data["task"]["comments"].clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_cached_on_one_instance_follows_a_comment_made_through_another() {
    let (first, second) = two_instances().await;
    let planner = first.signed_in("dic.planner", "planner", None).await;
    assert_eq!(comments_on(&second).await, ("miss".into(), json!([])));
    assert_eq!(comments_on(&second).await, ("hit".into(), json!([])));
    first
        .data_as(
            Some(&planner),
            "mutation { addTaskComment(input: { taskNumber: 7, body: \"Đã khảo sát 12 huyện\" }) { body } }",
            json!({}),
        )
        .await;
    assert_eq!(
        comments_on(&second).await,
        ("miss".into(), json!([{ "body": "Đã khảo sát 12 huyện" }])),
        "the comment made through the first instance moved the shared data version"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_made_through_one_instance_is_seen_live_and_in_figures_through_another() {
    let (first, second) = two_instances().await;
    let token = first
        .signed_in("health.officer", "agency", Some("SYT"))
        .await;
    let before = second.data(FIGURES, json!({ "d": today() })).await;
    let mut socket = subscribe(
        &second,
        "subscription { taskStatusChanged(taskNumber: 24) { taskNumber status progress agency { code } } }",
    )
    .await;
    tokio::time::sleep(Duration::from_millis(200)).await;

    first
        .data_as(
            Some(&token),
            "mutation { updateTaskStatus(input: { taskNumber: 24, status: COMPLETED, evidence: \"https://syt.haiduong.gov.vn/bao-cao\" }) { version } }",
            json!({}),
        )
        .await;

    let after = second.data(FIGURES, json!({ "d": today() })).await;
    assert_eq!(
        after["planProgress"]["completed"].as_i64(),
        before["planProgress"]["completed"].as_i64().map(|n| n + 1),
        "the other instance's plan progress counts the completion at once: {before} -> {after}"
    );
    assert_eq!(
        completed_by(&after, "SYT"),
        completed_by(&before, "SYT") + 1
    );
    let message = next_json(&mut socket).await;
    assert_eq!(message["type"], "next", "{message}");
    let change = &message["payload"]["data"]["taskStatusChanged"];
    assert_eq!(change["taskNumber"], 24);
    assert_eq!(change["status"], "COMPLETED");
    assert_eq!(change["progress"], 100);
    assert_eq!(change["agency"]["code"], "SYT");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn figures_asked_twice_on_one_instance_still_follow_each_write() {
    let (first, second) = two_instances().await;
    let token = second
        .signed_in("health.officer", "agency", Some("SYT"))
        .await;
    let initial = first.data(FIGURES, json!({ "d": today() })).await;
    assert_eq!(first.data(FIGURES, json!({ "d": today() })).await, initial);
    for (progress, expected) in [(30, 0), (100, 1)] {
        second
            .data_as(
                Some(&token),
                "mutation($p: Int!) { updateTaskStatus(input: { taskNumber: 24, progress: $p }) { progress } }",
                json!({ "p": progress }),
            )
            .await;
        let seen = first.data(FIGURES, json!({ "d": today() })).await;
        assert_eq!(
            completed_by(&seen, "SYT"),
            completed_by(&initial, "SYT") + expected,
            "after reporting {progress}%: {seen}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_sign_ins_on_one_instance_count_on_the_other() {
    let (first, second) = two_instances().await;
    let password = first.add_user("sxd.officer", "agency", Some("SXD")).await;
    const LOGIN: &str =
        "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }";
    for attempt in 1..=10 {
        let app = if attempt % 2 == 0 { &first } else { &second };
        let errors = app
            .errors(
                LOGIN,
                json!({ "u": "sxd.officer", "p": format!("wrong-{attempt:02}") }),
            )
            .await;
        assert_eq!(codes(&errors), ["UNAUTHENTICATED"], "attempt {attempt}");
    }
    for app in [&first, &second] {
        let errors = app
            .errors(LOGIN, json!({ "u": "sxd.officer", "p": password }))
            .await;
        assert_eq!(codes(&errors), ["TOO_MANY_REQUESTS"]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_starting_together_migrate_and_seed_the_database_once() {
    let database = TestDatabase::create(Backend::Postgres).await;
    let config = database.config();
    let (a, b, c) = tokio::join!(
        Application::build(&config),
        Application::build(&config),
        Application::build(&config)
    );
    let apps = [a, b, c].map(|built| built.expect("every instance starts"));
    let db = apps[0].db();
    let count = |sql: &str| Statement::from_string(db.get_database_backend(), sql.to_owned());
    let seeded = db
        .query_one_raw(count("SELECT COUNT(*) AS n FROM seed_runs"))
        .await
        .expect("seed runs are readable")
        .and_then(|row| row.try_get::<i64>("", "n").ok());
    assert_eq!(seeded, Some(1), "the seed data was loaded by one instance");
    let tasks = db
        .query_one_raw(count("SELECT COUNT(*) AS n FROM tasks"))
        .await
        .expect("tasks are readable")
        .and_then(|row| row.try_get::<i64>("", "n").ok());
    assert_eq!(tasks, Some(27));
}

app_test!(
    async fn cached_figures_follow_a_write_made_elsewhere_even_without_a_notification(app) {
        use api::services::access::Viewer;
        use api::services::events::Events;
        use api::services::figures::Figures;
        use api::services::reporting::{self, StatusReport};

        app.add_user("health.officer", "agency", Some("SYT")).await;
        let user = api::services::users::by_username(&app.db, "health.officer")
            .await
            .expect("the account is readable")
            .expect("the account exists");
        let viewer = Viewer {
            user_id: user.id,
            username: user.username,
            role: user.role,
            agency_id: user.agency_id,
        };
        let day = api::services::clock::today();
        let plan = api::services::plan::current(&app.db).await.expect("the plan").id;
        let here = Figures::default();
        let elsewhere = Figures::default();
        let before = here.plan_progress(&app.db, plan, day).await.expect("progress").tasks.completed;
        assert_eq!(
            here.plan_progress(&app.db, plan, day).await.expect("progress").tasks.completed,
            before
        );

        reporting::update_task_status(
            &app.db,
            &Events::local(),
            &elsewhere,
            Some(&viewer),
            StatusReport {
                task_number: 24,
                status: Some(entities::TaskStatus::Completed),
                evidence: Some("https://syt.haiduong.gov.vn/bao-cao".into()),
                ..StatusReport::default()
            },
        )
        .await
        .expect("the report is accepted");

        let after = here.plan_progress(&app.db, plan, day).await.expect("progress").tasks.completed;
        assert_eq!(after, before + 1, "this instance's cache saw the other instance's write");
    }
);
