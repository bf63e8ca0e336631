//! The "reads require sign-in" setting, and what anonymous readers may see by default.

use egov_tracker_tests::Backend;

use super::*;

async fn reads_require_sign_in_when_the_setting_is_on(backend: Backend) {
    let app = TestApp::spawn_with(backend, |config| config.require_sign_in = true).await;
    let errors = app.errors("{ plan { code } }", json!({})).await;
    assert_eq!(codes(&errors), ["UNAUTHENTICATED"]);
    let errors = app
        .errors("{ task(number: 1) { number } }", json!({}))
        .await;
    assert_eq!(codes(&errors), ["UNAUTHENTICATED"]);
    let token = app.signed_in("a.leader", "leader", None).await;
    let data = app
        .data_as(
            Some(&token),
            "{ plan { code } me { username role } }",
            json!({}),
        )
        .await;
    assert_eq!(data["plan"]["code"], "681/KH-UBND");
    assert_eq!(
        data["me"],
        json!({ "username": "a.leader", "role": "LEADER" })
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_require_sign_in_when_the_setting_is_on_sqlite() {
    reads_require_sign_in_when_the_setting_is_on(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_require_sign_in_when_the_setting_is_on_postgres() {
    reads_require_sign_in_when_the_setting_is_on(Backend::Postgres).await;
}

app_test!(
    async fn by_default_the_plan_and_progress_are_public_but_not_who_reported(app) {
        let token = app.signed_in("syt.officer", "agency", Some("SYT")).await;
        app.data_as(
            Some(&token),
            "mutation { updateTaskStatus(input: { taskNumber: 24, progress: 25, note: \"Bắt đầu\" }) { version } }",
            json!({}),
        )
        .await;
        let public = app
            .data("{ task(number: 24) { status progress history { progress note changedBy } } }", json!({}))
            .await;
        assert_eq!(public["task"]["progress"], 25);
        assert_eq!(public["task"]["history"][0]["note"], "Bắt đầu");
        assert!(public["task"]["history"][0]["changedBy"].is_null());
        let leader = app.signed_in("a.leader", "leader", None).await;
        let signed = app
            .data_as(Some(&leader), "{ task(number: 24) { history { changedBy } } }", json!({}))
            .await;
        assert_eq!(signed["task"]["history"][0]["changedBy"], "syt.officer");
    }
);
