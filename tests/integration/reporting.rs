//! Status reporting: permissions, validation, history, concurrency, comments, KPI values.

use std::sync::Arc;

use super::*;

const UPDATE: &str = "mutation($input: UpdateTaskStatusInput!) {
    updateTaskStatus(input: $input) {
        number version status progress assignments(role: LEAD) { status progress agency { code } }
    }
}";
const COMMENT: &str = "mutation($input: AddTaskCommentInput!) {
    addTaskComment(input: $input) { body evidence agency { code } author createdAt }
}";
const STATE: &str = "query($n: Int!) { task(number: $n) {
    version status progress
    assignments { role status progress agency { code } }
    history { status progress note evidence effectiveOn changedAt version agency { code } changedBy }
    comments { body evidence agency { code } author createdAt }
} }";
const RECORD: &str = "mutation($input: RecordKpiMeasurementInput!) {
    recordKpiMeasurement(input: $input) { code measurements { year value source note } }
}";
const KPI_STANDING: &str = "query($code: String!) { kpi(code: $code) {
    measurements { year value source note }
    a2017: attainment(year: 2017) s2017: status(year: 2017)
    a2018: attainment(year: 2018) s2018: status(year: 2018)
    a2019: attainment(year: 2019) s2019: status(year: 2019)
} }";

/// Everything a report can change on a task, as a reader sees it.
async fn state(app: &TestApp, token: Option<&str>, number: i64) -> Value {
    app.data_as(token, STATE, json!({ "n": number })).await["task"].clone()
}

/// Reports on a task; the call must succeed. Returns the updated task.
async fn report(app: &TestApp, token: &str, input: Value) -> Value {
    app.data_as(Some(token), UPDATE, json!({ "input": input }))
        .await["updateTaskStatus"]
        .clone()
}

/// Reports on a task; the call must fail. Returns the error codes.
async fn refused(app: &TestApp, token: Option<&str>, input: Value) -> Vec<String> {
    codes(
        &app.errors_as(token, UPDATE, json!({ "input": input }))
            .await,
    )
}

fn list(value: &Value) -> Vec<Value> {
    value.as_array().cloned().unwrap_or_default()
}

/// The assignment `agency` holds on a task state (its lead one if it has two), as
/// `(role, status, progress)`.
fn assignment_of(state: &Value, agency: &str) -> (String, String, i64) {
    let mut held: Vec<Value> = list(&state["assignments"])
        .into_iter()
        .filter(|a| a["agency"]["code"] == agency)
        .collect();
    held.sort_by_key(|a| a["role"] != "LEAD");
    let found = held
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("{agency} holds an assignment"));
    (
        found["role"].as_str().unwrap_or_default().to_owned(),
        found["status"].as_str().unwrap_or_default().to_owned(),
        found["progress"].as_i64().unwrap_or(-1),
    )
}

/// Lead assignments of a task state.
fn leads(state: &Value) -> Vec<Value> {
    list(&state["assignments"])
        .into_iter()
        .filter(|a| a["role"] == "LEAD")
        .collect()
}

/// The rounded mean of the lead assignments' progress (half away from zero).
fn mean_progress(state: &Value) -> i64 {
    let leads = leads(state);
    let total: i64 = leads.iter().filter_map(|a| a["progress"].as_i64()).sum();
    let count = leads.len() as i64;
    (total * 2 + count) / (count * 2)
}

/// A date `days` after 1970-01-01, written `YYYY-MM-DD` (H. Hinnant's civil-from-days).
fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Days since 1970-01-01 of today's date in Vietnam (UTC+7), where the plan's dates fall.
fn vietnam_day() -> i64 {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default();
    (seconds + 7 * 3600).div_euclid(86_400)
}

#[test]
fn the_local_calendar_helper_is_right() {
    assert_eq!(civil_date(0), "1970-01-01");
    assert_eq!(civil_date(16_892), "2016-04-01");
    assert_eq!(civil_date(11_016), "2000-02-29");
    assert_eq!(civil_date(20_454), "2026-01-01");
}

/// The username of the officer [`agency_officers`] creates for an agency.
fn officer_of(code: &str) -> String {
    format!("officer.{}", code.to_lowercase().replace('_', "-"))
}

/// Creates an officer account for each agency and returns an access token for each.
///
/// Argon2id is slow in unoptimised test builds, so the accounts share one real password hash
/// (made by the service for the first account, who signs in with `login`); the others' tokens
/// are signed with the service's own key, exactly as `login` signs them.
async fn agency_officers(app: &TestApp, agency_codes: &[String]) -> Vec<String> {
    use sea_orm::{ActiveModelTrait, Set};
    let first = officer_of(&agency_codes[0]);
    let password = app.add_user(&first, "agency", Some(&agency_codes[0])).await;
    let template = api::services::users::by_username(&app.db, &first)
        .await
        .expect("a query")
        .expect("the first officer");
    for code in &agency_codes[1..] {
        let agency = api::services::agencies::require(&app.db, code)
            .await
            .expect("the agency");
        entities::user::ActiveModel {
            username: Set(officer_of(code)),
            password_hash: Set(template.password_hash.clone()),
            role: Set(template.role),
            agency_id: Set(Some(agency.id)),
            disabled: Set(false),
            created_at: Set(template.created_at),
            updated_at: Set(template.updated_at),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .expect("an officer account");
    }
    let mut tokens = vec![app.login(&first, &password).await.0];
    for code in &agency_codes[1..] {
        tokens.push(app.login(&officer_of(code), &password).await.0);
    }
    tokens
}

/// Posts one operation from a task of its own, all racers starting together at `start`.
fn race(
    app: &TestApp,
    start: Arc<tokio::sync::Barrier>,
    token: String,
    body: Value,
) -> tokio::task::JoinHandle<Value> {
    let client = app.client.clone();
    let url = format!("{}/graphql", app.address);
    tokio::spawn(async move {
        start.wait().await;
        let response = client
            .post(url)
            .bearer_auth(token)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .expect("request is sent");
        assert_eq!(response.status(), 200);
        response.json::<Value>().await.expect("a JSON answer")
    })
}

app_test!(
    async fn an_agency_reports_on_a_task_it_leads_and_the_history_keeps_every_report(app) {
        let syt = app.signed_in("syt.officer", "agency", Some("SYT")).await;
        let leader = app.signed_in("ubnd.leader", "leader", None).await;
        let before = state(&app, None, 24).await;
        assert_eq!(codes_of(&json!(leads(&before).iter().map(|a| a["agency"].clone()).collect::<Vec<_>>())), ["SYT"]);
        assert_eq!((before["version"].as_i64(), before["status"].as_str()), (Some(1), Some("NOT_STARTED")));

        let updated = report(&app, &syt, json!({
            "taskNumber": 24, "status": "IN_PROGRESS", "progress": 40,
            "note": "Đã triển khai phần mềm quản lý bệnh viện tại 5 cơ sở",
            "evidence": "123/QĐ-UBND ngày 05/06/2017", "effectiveOn": "2017-06-05", "expectedVersion": 1
        }))
        .await;
        assert_eq!(
            updated,
            json!({ "number": 24, "version": 2, "status": "IN_PROGRESS", "progress": 40,
                    "assignments": [{ "status": "IN_PROGRESS", "progress": 40, "agency": { "code": "SYT" } }] })
        );

        let seen_by_leader = state(&app, Some(&leader), 24).await;
        let history = list(&seen_by_leader["history"]);
        assert_eq!(history.len(), 1);
        let first = history[0].clone();
        assert_eq!(first["status"], "IN_PROGRESS");
        assert_eq!(first["progress"], 40);
        assert_eq!(first["note"], "Đã triển khai phần mềm quản lý bệnh viện tại 5 cơ sở");
        assert_eq!(first["evidence"], "123/QĐ-UBND ngày 05/06/2017");
        assert_eq!(first["effectiveOn"], "2017-06-05");
        assert_eq!(first["version"], 2);
        assert_eq!(first["agency"]["code"], "SYT");
        assert_eq!(first["changedBy"], "syt.officer", "signed-in readers see who reported");
        assert!(first["changedAt"].as_str().is_some_and(|t| t.len() >= 20));

        let seen_by_public = state(&app, None, 24).await;
        assert_eq!(seen_by_public["status"], "IN_PROGRESS", "the public sees statuses and progress");
        assert_eq!(seen_by_public["progress"], 40);
        assert_eq!(seen_by_public["history"][0]["progress"], 40);
        assert_eq!(seen_by_public["history"][0]["note"], first["note"]);
        assert!(seen_by_public["history"][0]["changedBy"].is_null(), "but not who did what");

        let today_before = civil_date(vietnam_day());
        let updated = report(&app, &syt, json!({
            "taskNumber": 24, "progress": 70, "evidence": "https://soyte.haiduong.gov.vn/bao-cao/2018-12"
        }))
        .await;
        let today_after = civil_date(vietnam_day());
        assert_eq!((updated["version"].as_i64(), updated["status"].as_str(), updated["progress"].as_i64()), (Some(3), Some("IN_PROGRESS"), Some(70)));
        let updated = report(&app, &syt, json!({ "taskNumber": 24, "status": "COMPLETED", "expectedVersion": 3 })).await;
        assert_eq!((updated["version"].as_i64(), updated["status"].as_str(), updated["progress"].as_i64()), (Some(4), Some("COMPLETED"), Some(100)));

        let after = state(&app, Some(&syt), 24).await;
        let history = list(&after["history"]);
        assert_eq!(history.len(), 3, "one entry per accepted report");
        assert_eq!(history[0], first, "earlier entries are never edited");
        assert_eq!(history.iter().map(|h| h["version"].as_i64().unwrap_or_default()).collect::<Vec<_>>(), [2, 3, 4], "oldest first");
        assert_eq!(history[1]["evidence"], "https://soyte.haiduong.gov.vn/bao-cao/2018-12");
        assert!(history[1]["note"].is_null());
        let effective = history[1]["effectiveOn"].as_str().unwrap_or_default();
        assert!(effective == today_before || effective == today_after, "effectiveOn defaults to today in Vietnam, got {effective}");
        assert_eq!((history[2]["status"].as_str(), history[2]["progress"].as_i64()), (Some("COMPLETED"), Some(100)));
        assert!(history.iter().all(|h| h["changedBy"] == "syt.officer"));
        assert_eq!(assignment_of(&after, "SYT"), ("LEAD".to_owned(), "COMPLETED".to_owned(), 100));
    }
);

app_test!(
    async fn invalid_reports_are_refused_and_change_nothing(app) {
        let syt = app.signed_in("syt.officer", "agency", Some("SYT")).await;
        report(&app, &syt, json!({ "taskNumber": 24, "status": "IN_PROGRESS", "progress": 50 })).await;
        let before = state(&app, Some(&syt), 24).await;
        assert_eq!(before["version"], 2);

        let tomorrow = civil_date(vietnam_day() + 1);
        let too_long = "ệ".repeat(4001);
        let too_long_evidence = format!("https://haiduong.gov.vn/{}", "a".repeat(500));
        let invalid = [
            (json!({ "status": "COMPLETED", "progress": 90 }), "BAD_INPUT", "COMPLETED means 100%"),
            (json!({ "status": "NOT_STARTED", "progress": 10 }), "BAD_INPUT", "NOT_STARTED means 0%"),
            (json!({ "progress": 101 }), "BAD_INPUT", "progress above 100"),
            (json!({ "progress": -1 }), "BAD_INPUT", "negative progress"),
            (json!({ "progress": 60, "note": too_long }), "BAD_INPUT", "a note over 4,000 characters"),
            (json!({ "progress": 60, "evidence": "trust me" }), "BAD_INPUT", "evidence that is neither a reference nor a URL"),
            (json!({ "progress": 60, "evidence": "https://" }), "BAD_INPUT", "a URL with nothing after the scheme"),
            (json!({ "progress": 60, "evidence": too_long_evidence }), "BAD_INPUT", "evidence over 500 characters"),
            (json!({ "progress": 60, "effectiveOn": tomorrow }), "BAD_INPUT", "effectiveOn tomorrow"),
            (json!({ "progress": 60, "effectiveOn": "2999-01-01" }), "BAD_INPUT", "effectiveOn far in the future"),
            (json!({ "progress": 60, "effectiveOn": "2016-03-31" }), "BAD_INPUT", "effectiveOn before the plan was issued"),
            (json!({ "progress": 60, "effectiveOn": "2016-02-30" }), "BAD_INPUT", "a date that does not exist"),
            (json!({ "status": "DONE" }), "BAD_INPUT", "a status that does not exist"),
        ];
        for (input, code, why) in invalid {
            let mut input = input;
            input["taskNumber"] = json!(24);
            assert_eq!(refused(&app, Some(&syt), input.clone()).await, [code], "{why}: {input}");
        }
        assert_eq!(refused(&app, Some(&syt), json!({ "taskNumber": 99, "progress": 10 })).await, ["NOT_FOUND"]);
        assert_eq!(state(&app, Some(&syt), 24).await, before, "no refused report changed the task, its assignments or history");

        let accepted = [
            json!({ "progress": 55, "note": "ệ".repeat(4000) }),
            json!({ "progress": 60, "effectiveOn": "2016-04-01", "evidence": "Công văn 45/STTTT-CNTT" }),
            json!({ "progress": 65, "effectiveOn": civil_date(vietnam_day()), "evidence": "https://haiduong.gov.vn/x" }),
            json!({ "progress": 100 }),
        ];
        for (i, input) in accepted.into_iter().enumerate() {
            let mut input = input;
            input["taskNumber"] = json!(24);
            let updated = report(&app, &syt, input).await;
            assert_eq!(updated["version"], 3 + i as i64);
        }
        let after = state(&app, Some(&syt), 24).await;
        let history = list(&after["history"]);
        assert_eq!(history.len(), 5);
        assert_eq!(history[1]["note"].as_str().map(|n| n.chars().count()), Some(4000), "4,000 characters fit, however many bytes");
        assert_eq!(history[2]["effectiveOn"], "2016-04-01", "the day the plan was issued is allowed");
        assert_eq!(history[2]["evidence"], "Công văn 45/STTTT-CNTT");
        assert_eq!((history[4]["status"].as_str(), history[4]["progress"].as_i64()), (Some("COMPLETED"), Some(100)), "100% means COMPLETED");
        assert_eq!((after["status"].as_str(), after["progress"].as_i64()), (Some("COMPLETED"), Some(100)));
    }
);

app_test!(
    async fn only_lead_agencies_change_status_and_refused_callers_change_nothing(app) {
        let stttt = app.signed_in("stttt.officer", "agency", Some("STTTT")).await;
        let syt = app.signed_in("syt.officer", "agency", Some("SYT")).await;
        let leader = app.signed_in("ubnd.leader", "leader", None).await;
        let planner = app.signed_in("dic.planner", "planner", None).await;
        let task1 = state(&app, Some(&planner), 1).await;
        assert_eq!(assignment_of(&task1, "STTTT").0, "COOPERATING");
        assert_eq!(assignment_of(&task1, "VPUBND").0, "LEAD");
        let task24 = state(&app, Some(&planner), 24).await;
        assert!(list(&task24["assignments"]).iter().all(|a| a["agency"]["code"] != "STTTT"), "STTTT holds nothing on task 24");
        let task26 = state(&app, Some(&planner), 26).await;

        let progress = |n: i64| json!({ "taskNumber": n, "status": "IN_PROGRESS", "progress": 30, "expectedVersion": 1 });
        let forbidden_updates = [
            (Some(&stttt), json!({ "taskNumber": 1, "progress": 30 }), "FORBIDDEN", "a cooperating agency"),
            (Some(&stttt), json!({ "taskNumber": 1, "progress": 30, "agencyCode": "VPUBND" }), "FORBIDDEN", "for the lead agency"),
            (Some(&stttt), progress(24), "FORBIDDEN", "an agency with no assignment"),
            (Some(&syt), json!({ "taskNumber": 26, "progress": 30, "agencyCode": "STTTT" }), "FORBIDDEN", "for another lead of a shared task"),
            (Some(&syt), json!({ "taskNumber": 24, "progress": 30, "agencyCode": "STTTT" }), "FORBIDDEN", "for another agency on its own task"),
            (Some(&leader), progress(24), "FORBIDDEN", "a leader"),
            (Some(&leader), json!({ "taskNumber": 24, "progress": 30, "agencyCode": "SYT" }), "FORBIDDEN", "a leader naming the lead"),
            (None, progress(24), "UNAUTHENTICATED", "an anonymous caller"),
            (None, json!({ "taskNumber": 1, "progress": 30, "agencyCode": "VPUBND" }), "UNAUTHENTICATED", "an anonymous caller naming the lead"),
        ];
        for (token, input, code, who) in forbidden_updates {
            assert_eq!(refused(&app, token.map(String::as_str), input.clone()).await, [code], "{who}: {input}");
        }
        let comment = |n: i64| json!({ "input": { "taskNumber": n, "body": "Đã phối hợp", "evidence": "https://stttt.haiduong.gov.vn/tin-tuc/1" } });
        for (token, n, code, who) in [
            (Some(&stttt), 24, "FORBIDDEN", "an agency with no assignment"),
            (Some(&leader), 24, "FORBIDDEN", "a leader"),
            (None, 1, "UNAUTHENTICATED", "an anonymous caller"),
        ] {
            let errors = app.errors_as(token.map(String::as_str), COMMENT, comment(n)).await;
            assert_eq!(codes(&errors), [code], "{who} comments on task {n}");
        }
        assert_eq!(state(&app, Some(&planner), 1).await, task1, "task 1 is untouched");
        assert_eq!(state(&app, Some(&planner), 24).await, task24, "task 24 is untouched");
        assert_eq!(state(&app, Some(&planner), 26).await, task26, "task 26 is untouched");

        let added = app.data_as(Some(&stttt), COMMENT, comment(1)).await["addTaskComment"].clone();
        assert_eq!(added["body"], "Đã phối hợp");
        assert_eq!(added["evidence"], "https://stttt.haiduong.gov.vn/tin-tuc/1");
        assert_eq!(added["agency"]["code"], "STTTT");
        assert_eq!(added["author"], "stttt.officer");
        let errors = app
            .errors_as(Some(&stttt), COMMENT, json!({ "input": { "taskNumber": 1, "body": "Xem", "evidence": "trust me" } }))
            .await;
        assert_eq!(codes(&errors), ["BAD_INPUT"], "comment evidence is checked like report evidence");
        let errors = app.errors_as(Some(&stttt), COMMENT, json!({ "input": { "taskNumber": 1, "body": "   " } })).await;
        assert_eq!(codes(&errors), ["BAD_INPUT"], "a comment needs words");
        let errors = app
            .errors_as(Some(&stttt), COMMENT, json!({ "input": { "taskNumber": 1, "body": "x".repeat(4001) } }))
            .await;
        assert_eq!(codes(&errors), ["BAD_INPUT"]);
        app.data_as(Some(&syt), COMMENT, json!({ "input": { "taskNumber": 24, "body": "Báo cáo tiến độ quý I" } })).await;

        let after = state(&app, Some(&planner), 1).await;
        assert_eq!(list(&after["comments"]).len(), 1);
        assert_eq!(after["history"], task1["history"], "a comment is not a status report");
        assert_eq!((&after["status"], &after["progress"], &after["assignments"]), (&task1["status"], &task1["progress"], &task1["assignments"]));
        let public = state(&app, None, 1).await;
        assert_eq!(public["comments"][0]["body"], "Đã phối hợp");
        assert_eq!(public["comments"][0]["agency"]["code"], "STTTT");
        assert!(public["comments"][0]["author"].is_null(), "anonymous readers do not see authors");
        let task24_after = state(&app, Some(&planner), 24).await;
        assert_eq!(task24_after["comments"][0]["agency"]["code"], "SYT", "lead agencies comment too");
        assert_eq!(task24_after["history"], task24["history"]);
    }
);

app_test!(
    async fn a_planner_reports_for_any_assignment_but_names_the_agency_when_a_task_has_several_leads(app) {
        let planner = app.signed_in("dic.planner", "planner", None).await;
        let before = state(&app, Some(&planner), 20).await;
        assert_eq!(codes_of(&json!(leads(&before).iter().map(|a| a["agency"].clone()).collect::<Vec<_>>())), ["STNMT", "SXD"]);

        let ambiguous = json!({ "taskNumber": 20, "status": "IN_PROGRESS", "progress": 50 });
        assert_eq!(refused(&app, Some(&planner), ambiguous).await, ["BAD_INPUT"], "two leads: say which");
        assert_eq!(
            refused(&app, Some(&planner), json!({ "taskNumber": 24, "progress": 10, "agencyCode": "STTTT" })).await,
            ["BAD_INPUT"],
            "an agency that holds no assignment on the task"
        );
        assert_eq!(
            refused(&app, Some(&planner), json!({ "taskNumber": 20, "progress": 10, "agencyCode": "NO_SUCH" })).await,
            ["NOT_FOUND"]
        );
        assert_eq!(state(&app, Some(&planner), 20).await, before, "refused reports change nothing");

        let updated = report(&app, &planner, json!({ "taskNumber": 20, "agencyCode": "SXD", "progress": 50, "expectedVersion": 1 })).await;
        assert_eq!((updated["version"].as_i64(), updated["status"].as_str(), updated["progress"].as_i64()), (Some(2), Some("IN_PROGRESS"), Some(25)));
        let after = state(&app, Some(&planner), 20).await;
        assert_eq!(assignment_of(&after, "SXD"), ("LEAD".to_owned(), "IN_PROGRESS".to_owned(), 50));
        assert_eq!(assignment_of(&after, "STNMT"), ("LEAD".to_owned(), "NOT_STARTED".to_owned(), 0), "only the named assignment changed");
        let history = list(&after["history"]);
        assert_eq!(history.len(), 1);
        assert_eq!(history[0]["agency"]["code"], "SXD");
        assert_eq!(history[0]["changedBy"], "dic.planner");

        let updated = report(&app, &planner, json!({ "taskNumber": 24, "progress": 20 })).await;
        assert_eq!((updated["status"].as_str(), updated["progress"].as_i64()), (Some("IN_PROGRESS"), Some(20)), "one lead: no need to name it");

        let task1 = state(&app, Some(&planner), 1).await;
        let updated = report(&app, &planner, json!({ "taskNumber": 1, "agencyCode": "STTTT", "progress": 80, "note": "Đã cấu hình trục liên thông" })).await;
        assert_eq!(updated["version"], task1["version"].as_i64().unwrap_or_default() + 1);
        assert_eq!((updated["status"].as_str(), updated["progress"].as_i64()), (Some("NOT_STARTED"), Some(0)), "a cooperating assignment does not move the roll-up");
        let after = state(&app, Some(&planner), 1).await;
        assert_eq!(assignment_of(&after, "STTTT"), ("COOPERATING".to_owned(), "IN_PROGRESS".to_owned(), 80));
        assert_eq!(list(&after["history"]).len(), 1);
    }
);

app_test!(
    async fn each_agency_of_a_group_led_task_reports_its_own_part_and_the_task_rolls_up(app) {
        let tu_ky = app.signed_in("tuky.officer", "agency", Some("H_TU_KY")).await;
        let planner = app.signed_in("dic.planner", "planner", None).await;
        let before = state(&app, Some(&planner), 26).await;
        let lead_codes: Vec<String> = leads(&before)
            .iter()
            .map(|a| a["agency"]["code"].as_str().unwrap_or_default().to_owned())
            .collect();
        let count = lead_codes.len() as i64;
        assert!(lead_codes.contains(&"H_TU_KY".to_owned()) && lead_codes.contains(&"SYT".to_owned()));
        assert!(count >= 20, "every department and district leads task 26: {count}");

        let updated = report(&app, &tu_ky, json!({ "taskNumber": 26, "status": "COMPLETED", "evidence": "Quyết định 12/QĐ-UBND ngày 01/03/2018" })).await;
        let expected = (100 * 2 + count) / (count * 2);
        assert_eq!(expected, 3, "round(100 / {count})");
        assert_eq!((updated["status"].as_str(), updated["progress"].as_i64()), (Some("IN_PROGRESS"), Some(expected)));
        let after = state(&app, Some(&planner), 26).await;
        for code in &lead_codes {
            let expected = if code == "H_TU_KY" { ("LEAD".to_owned(), "COMPLETED".to_owned(), 100) } else { ("LEAD".to_owned(), "NOT_STARTED".to_owned(), 0) };
            assert_eq!(assignment_of(&after, code), expected, "{code}");
        }
        assert_eq!(mean_progress(&after), expected);

        let others: Vec<&String> = lead_codes.iter().filter(|c| *c != "H_TU_KY").collect();
        let (last, rest) = others.split_last().expect("other leads");
        for code in rest {
            report(&app, &planner, json!({ "taskNumber": 26, "agencyCode": code, "status": "COMPLETED" })).await;
        }
        let almost = state(&app, Some(&planner), 26).await;
        assert_eq!(almost["status"], "IN_PROGRESS", "one lead is still working");
        assert_eq!(almost["progress"], mean_progress(&almost));
        assert_eq!(almost["progress"], ((count - 1) * 100 * 2 + count) / (count * 2));
        let done = report(&app, &planner, json!({ "taskNumber": 26, "agencyCode": last, "progress": 100 })).await;
        assert_eq!((done["status"].as_str(), done["progress"].as_i64()), (Some("COMPLETED"), Some(100)), "completed when every lead is");
        let done = state(&app, None, 26).await;
        assert_eq!(done["version"], before["version"].as_i64().unwrap_or_default() + count);
        assert_eq!(list(&done["history"]).len() as i64, count);

        let blocked = report(&app, &tu_ky, json!({ "taskNumber": 26, "status": "BLOCKED", "progress": 90, "note": "Chờ kinh phí" })).await;
        let blocked_state = state(&app, None, 26).await;
        assert_eq!(assignment_of(&blocked_state, "H_TU_KY"), ("LEAD".to_owned(), "BLOCKED".to_owned(), 90));
        assert_eq!((blocked["status"].as_str(), blocked["progress"].as_i64()), (Some("BLOCKED"), Some(mean_progress(&blocked_state))), "one blocked lead blocks the task");
        assert_eq!(mean_progress(&blocked_state), (((count - 1) * 100 + 90) * 2 + count) / (count * 2));

        // STTTT both leads task 26 and cooperates on it: its report goes to its lead assignment.
        let stttt = app.signed_in("stttt.officer", "agency", Some("STTTT")).await;
        report(&app, &stttt, json!({ "taskNumber": 26, "progress": 50 })).await;
        let after = state(&app, None, 26).await;
        let stttt_assignments: Vec<(String, String, i64)> = list(&after["assignments"])
            .iter()
            .filter(|a| a["agency"]["code"] == "STTTT")
            .map(|a| (a["role"].as_str().unwrap_or_default().to_owned(), a["status"].as_str().unwrap_or_default().to_owned(), a["progress"].as_i64().unwrap_or(-1)))
            .collect();
        assert!(stttt_assignments.contains(&("LEAD".to_owned(), "IN_PROGRESS".to_owned(), 50)), "{stttt_assignments:?}");
        assert!(stttt_assignments.contains(&("COOPERATING".to_owned(), "NOT_STARTED".to_owned(), 0)), "{stttt_assignments:?}");
        assert_eq!(after["progress"], mean_progress(&after));
    }
);

app_test!(
    async fn a_stale_expected_version_is_refused_and_changes_nothing(app) {
        let syt = app.signed_in("syt.officer", "agency", Some("SYT")).await;
        report(&app, &syt, json!({ "taskNumber": 24, "progress": 20, "expectedVersion": 1 })).await;
        let before = state(&app, Some(&syt), 24).await;
        assert_eq!(before["version"], 2);
        for stale in [1, 0, 3, 99] {
            let codes = refused(&app, Some(&syt), json!({ "taskNumber": 24, "status": "COMPLETED", "expectedVersion": stale })).await;
            assert_eq!(codes, ["CONFLICT"], "expectedVersion {stale} while the task is at 2");
        }
        assert_eq!(state(&app, Some(&syt), 24).await, before, "a refused report changes nothing");
        let updated = report(&app, &syt, json!({ "taskNumber": 24, "status": "COMPLETED", "expectedVersion": 2 })).await;
        assert_eq!(updated["version"], 3);
    }
);

app_test!(
    async fn sixteen_racing_updates_with_the_same_expected_version_give_exactly_one_success(app) {
        let syt = app.signed_in("syt.officer", "agency", Some("SYT")).await;
        let planner = app.signed_in("dic.planner", "planner", None).await;
        report(&app, &syt, json!({ "taskNumber": 24, "progress": 5 })).await;
        let before = state(&app, Some(&planner), 24).await;
        let version = before["version"].as_i64().unwrap_or_default();

        let start = Arc::new(tokio::sync::Barrier::new(16));
        let racers: Vec<_> = (0..16)
            .map(|i| {
                let token = if i % 2 == 0 { syt.clone() } else { planner.clone() };
                let body = json!({ "query": UPDATE, "variables": { "input": {
                    "taskNumber": 24, "progress": 10 + i, "note": format!("racer {i}"), "expectedVersion": version
                } } });
                race(&app, start.clone(), token, body)
            })
            .collect();
        let mut answers = Vec::new();
        for racer in racers {
            answers.push(racer.await.expect("the racer finishes"));
        }
        let winners: Vec<&Value> = answers.iter().filter(|a| a.get("errors").is_none()).collect();
        let losers: Vec<Vec<String>> = answers
            .iter()
            .filter_map(|a| a["errors"].as_array().map(|e| codes(e)))
            .collect();
        assert_eq!(winners.len(), 1, "exactly one success: {answers:?}");
        assert_eq!(losers.len(), 15);
        assert!(losers.iter().all(|c| c == &["CONFLICT"]), "the others get CONFLICT: {losers:?}");

        let winner = &winners[0]["data"]["updateTaskStatus"];
        assert_eq!(winner["version"], version + 1);
        let after = state(&app, Some(&planner), 24).await;
        assert_eq!(after["version"], version + 1);
        assert_eq!(after["progress"], winner["progress"], "the task holds the winner's report");
        let history = list(&after["history"]);
        assert_eq!(history.len(), list(&before["history"]).len() + 1, "history grows by exactly one");
        assert_eq!(history.last().map(|h| h["progress"].clone()), Some(winner["progress"].clone()));
    }
);

app_test!(
    async fn twenty_concurrent_updates_without_expected_version_are_all_applied_and_kept(app) {
        let planner = app.signed_in("dic.planner", "planner", None).await;
        let before = state(&app, Some(&planner), 26).await;
        let version = before["version"].as_i64().unwrap_or_default();
        let agencies: Vec<String> = leads(&before)
            .iter()
            .take(20)
            .map(|a| a["agency"]["code"].as_str().unwrap_or_default().to_owned())
            .collect();
        assert_eq!(agencies.len(), 20);
        let tokens = agency_officers(&app, &agencies).await;
        let start = Arc::new(tokio::sync::Barrier::new(20));
        let racers: Vec<_> = tokens
            .iter()
            .enumerate()
            .map(|(i, token)| {
                let body = json!({ "query": UPDATE, "variables": { "input": {
                    "taskNumber": 26, "status": "IN_PROGRESS", "progress": 10 + i, "note": format!("báo cáo {i}")
                } } });
                race(&app, start.clone(), token.clone(), body)
            })
            .collect();
        for (i, racer) in racers.into_iter().enumerate() {
            let answer = racer.await.expect("the racer finishes");
            assert!(answer.get("errors").is_none(), "update {i} ({}) succeeds: {answer}", agencies[i]);
        }

        let after = state(&app, Some(&planner), 26).await;
        assert_eq!(after["version"], version + 20, "every update bumped the version once");
        let history = list(&after["history"]);
        assert_eq!(history.len(), 20, "no update is lost from the history");
        let mut versions: Vec<i64> = history.iter().filter_map(|h| h["version"].as_i64()).collect();
        versions.sort_unstable();
        assert_eq!(versions, ((version + 1)..=(version + 20)).collect::<Vec<_>>(), "each update got its own version");
        for (i, code) in agencies.iter().enumerate() {
            let entry = history
                .iter()
                .find(|h| h["agency"]["code"] == code.as_str())
                .unwrap_or_else(|| panic!("{code} is in the history"));
            assert_eq!(entry["progress"], 10 + i as i64);
            assert_eq!(entry["note"], format!("báo cáo {i}"));
            assert_eq!(entry["changedBy"], officer_of(code));
            assert_eq!(assignment_of(&after, code), ("LEAD".to_owned(), "IN_PROGRESS".to_owned(), 10 + i as i64), "no update is lost");
        }
        assert_eq!(after["status"], "IN_PROGRESS");
        assert_eq!(after["progress"], mean_progress(&after), "the roll-up counts every report");
    }
);

app_test!(
    async fn planners_record_kpi_values_and_attainment_respects_direction(app) {
        let planner = app.signed_in("dic.planner", "planner", None).await;
        let agency = app.signed_in("stttt.officer", "agency", Some("STTTT")).await;
        let leader = app.signed_in("ubnd.leader", "leader", None).await;
        let before = app.data(KPI_STANDING, json!({ "code": "ICT_RANK" })).await["kpi"].clone();
        assert_eq!((before["a2018"].is_null(), before["s2018"].as_str()), (true, Some("NO_DATA")));
        let rank_2018 = |value: f64| json!({ "input": {
            "kpiCode": "ICT_RANK", "year": 2018, "value": value, "source": "ICT Index 2018 (MIC/VAIP)", "note": "Xếp hạng 2018"
        } });

        for (token, code, who) in [(Some(&agency), "FORBIDDEN", "an agency"), (Some(&leader), "FORBIDDEN", "a leader"), (None, "UNAUTHENTICATED", "anonymous")] {
            let errors = app.errors_as(token.map(String::as_str), RECORD, rank_2018(20.0)).await;
            assert_eq!(codes(&errors), [code], "{who}");
        }
        let this_year: i64 = civil_date(vietnam_day())[..4].parse().expect("a year");
        let invalid = [
            (json!({ "kpiCode": "DVC_LEVEL3", "year": 2019, "value": 150.0, "source": "Báo cáo" }), "BAD_INPUT", "over 100%"),
            (json!({ "kpiCode": "DVC_LEVEL3", "year": 2019, "value": -1.0, "source": "Báo cáo" }), "BAD_INPUT", "below 0%"),
            (json!({ "kpiCode": "DVC_LEVEL3", "year": this_year + 1, "value": 50.0, "source": "Báo cáo" }), "BAD_INPUT", "next year"),
            (json!({ "kpiCode": "ICT_RANK", "year": 2018, "value": 0.0, "source": "ICT Index" }), "BAD_INPUT", "rank 0"),
            (json!({ "kpiCode": "ICT_RANK", "year": 2018, "value": 20.5, "source": "ICT Index" }), "BAD_INPUT", "a fractional rank"),
            (json!({ "kpiCode": "ICT_RANK", "year": 2018, "value": 20.0, "source": "   " }), "BAD_INPUT", "no source"),
            (json!({ "kpiCode": "NO_SUCH_KPI", "year": 2018, "value": 20.0, "source": "x" }), "NOT_FOUND", "an unknown KPI"),
        ];
        for (input, code, why) in invalid {
            let errors = app.errors_as(Some(&planner), RECORD, json!({ "input": input })).await;
            assert_eq!(codes(&errors), [code], "{why}");
        }
        let unchanged = app.data(KPI_STANDING, json!({ "code": "ICT_RANK" })).await["kpi"].clone();
        assert_eq!(unchanged, before, "refused values record nothing");
        let level3 = app.data(KPI_STANDING, json!({ "code": "DVC_LEVEL3" })).await["kpi"].clone();
        assert!(list(&level3["measurements"]).iter().all(|m| m["value"] != 150.0 && m["value"] != -1.0));

        let recorded = app.data_as(Some(&planner), RECORD, rank_2018(25.0)).await["recordKpiMeasurement"].clone();
        assert_eq!(recorded["code"], "ICT_RANK");
        assert!(list(&recorded["measurements"]).contains(&json!({ "year": 2018, "value": 25.0, "source": "ICT Index 2018 (MIC/VAIP)", "note": "Xếp hạng 2018" })));
        let recorded = app.data_as(Some(&planner), RECORD, rank_2018(20.0)).await["recordKpiMeasurement"].clone();
        let for_2018: Vec<Value> = list(&recorded["measurements"]).into_iter().filter(|m| m["year"] == 2018).collect();
        assert_eq!(for_2018, [json!({ "year": 2018, "value": 20.0, "source": "ICT Index 2018 (MIC/VAIP)", "note": "Xếp hạng 2018" })], "recording again corrects the year's value");
        assert_eq!(list(&recorded["measurements"]).len(), list(&before["measurements"]).len() + 1);

        let standing = app.data(KPI_STANDING, json!({ "code": "ICT_RANK" })).await["kpi"].clone();
        assert_eq!(standing["a2018"], 100.0, "from rank 31 to rank 20 against a target of 20 is 100%");
        assert_eq!(standing["s2018"], "ON_TRACK");
        assert_eq!(standing["a2017"], 0.0, "still rank 31 in 2017: none of the way");
        assert_eq!(standing["s2017"], "BEHIND");
        assert_eq!(standing["s2019"], "ON_TRACK", "rank 19 beats the target");
        assert!(standing["a2019"].as_f64().is_some_and(|a| a > 100.0));

        let recorded = app
            .data_as(Some(&planner), RECORD, json!({ "input": { "kpiCode": "DVC_LEVEL3", "year": 2017, "value": 15.0, "source": "Báo cáo 2017" } }))
            .await;
        assert!(list(&recorded["recordKpiMeasurement"]["measurements"]).iter().any(|m| m["year"] == 2017 && m["value"] == 15.0));
        let level3 = app.data(KPI_STANDING, json!({ "code": "DVC_LEVEL3" })).await["kpi"].clone();
        assert_eq!(level3["a2017"], 50.0, "15% against a 30% target");
        assert_eq!(level3["s2017"], "BEHIND");
    }
);

app_test!(
    async fn the_latest_report_is_the_one_effective_last_even_when_back_filled_later(app) {
        let token = app.signed_in("health.officer", "agency", Some("SYT")).await;
        const LATEST: &str = "{ task(number: 24) { latestReport { progress effectiveOn } } tasks(first: 27) { nodes { number latestReport { progress } } } }";
        let none = app.data(LATEST, json!({})).await;
        assert!(none["task"]["latestReport"].is_null(), "no report yet: {none}");
        const REPORT: &str = "mutation($p: Int!, $on: Date!) { updateTaskStatus(input: { taskNumber: 24, progress: $p, effectiveOn: $on }) { version } }";
        app.data_as(Some(&token), REPORT, json!({ "p": 40, "on": "2018-03-01" })).await;
        app.data_as(Some(&token), REPORT, json!({ "p": 20, "on": "2017-03-01" })).await;
        let latest = app.data(LATEST, json!({})).await;
        assert_eq!(latest["task"]["latestReport"]["progress"], 40, "{latest}");
        assert_eq!(latest["task"]["latestReport"]["effectiveOn"], "2018-03-01");
        let with_reports: Vec<i64> = latest["tasks"]["nodes"]
            .as_array()
            .map(|nodes| {
                nodes
                    .iter()
                    .filter(|n| !n["latestReport"].is_null())
                    .filter_map(|n| n["number"].as_i64())
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(with_reports, [24], "only task 24 has a report");
    }
);
