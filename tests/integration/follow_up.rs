//! DIC's follow-up loop: reporting rounds per period (Decree 09/2019/NĐ-CP) and the review of
//! status reports, where a returned report stops counting everywhere.

use super::*;

const REPORT: &str = "mutation($n: Int!, $s: TaskStatus, $p: Int, $on: Date) {
    updateTaskStatus(input: { taskNumber: $n, status: $s, progress: $p, effectiveOn: $on }) { version } }";
const REVIEW: &str =
    "mutation($input: ReviewStatusReportInput!) { reviewStatusReport(input: $input) {
    review { decision reason reviewedBy historyId }
    entry { id counted progress }
    task { number status progress } } }";
const HISTORY: &str = "query { task(number: 24) {
    status progress
    history { id progress effectiveOn counted reviews { decision reason } } } }";
const ROUND: &str = "query($p: String!) { reportingRound(period: $p) {
    period labelVi labelEn from to deadline deadlinePassed
    totals { owed onTime late returned missing }
    agencies { agency { code } totals { owed onTime late returned missing onTimeRate } }
    submissions { agency { code } task { number } status submittedAt returnReason report { id progress effectiveOn } } } }";

fn submission<'a>(round: &'a Value, task: i64, agency: &str) -> &'a Value {
    round["submissions"]
        .as_array()
        .and_then(|all| {
            all.iter()
                .find(|s| s["task"]["number"] == task && s["agency"]["code"] == agency)
        })
        .unwrap_or_else(|| panic!("{agency} owes a report on task {task}"))
}

/// The id of the report on task 24 with this progress.
fn report_id(history: &Value, progress: i64) -> String {
    history["task"]["history"]
        .as_array()
        .and_then(|h| h.iter().find(|e| e["progress"] == progress))
        .and_then(|e| e["id"].as_str())
        .unwrap_or_else(|| panic!("a report at {progress}%"))
        .to_owned()
}

app_test!(
    async fn a_round_lists_every_lead_with_what_it_reported_and_when(app) {
        let syt = app.signed_in("syt.officer", "agency", Some("SYT")).await;
        app.data_as(Some(&syt), REPORT, json!({ "n": 24, "p": 40, "on": "2017-11-20" })).await;

        let round = app.data(ROUND, json!({ "p": "2017-Q4" })).await["reportingRound"].clone();
        assert_eq!(round["period"], "2017-Q4");
        assert_eq!(round["labelVi"], "Quý IV/2017");
        assert_eq!(round["from"], "2017-09-15");
        assert_eq!(round["to"], "2017-12-14");
        assert_eq!(round["deadline"], "2017-12-18");
        assert_eq!(round["deadlinePassed"], true);
        let syt_24 = submission(&round, 24, "SYT");
        assert_eq!(syt_24["status"], "LATE", "entered in 2026 for a 2017 period, however it is dated");
        assert_eq!(syt_24["report"]["progress"], 40);
        assert!(syt_24["submittedAt"].as_str().is_some_and(|at| at.starts_with("20")));
        let dic = submission(&round, 2, "STTTT");
        assert_eq!(dic["status"], "MISSING");
        assert!(dic["report"].is_null());
        let owed = round["totals"]["owed"].as_i64().unwrap_or_default();
        assert!(owed > 27, "group-led tasks owe one report per member agency, got {owed}");
        assert_eq!(round["totals"]["late"], 1);
        assert_eq!(round["totals"]["missing"].as_i64(), Some(owed - 1));
        let per_agency = round["agencies"]
            .as_array()
            .and_then(|a| a.iter().find(|a| a["agency"]["code"] == "SYT"))
            .cloned()
            .unwrap_or_default();
        assert_eq!(per_agency["totals"]["late"], 1);
        assert_eq!(per_agency["totals"]["onTimeRate"], 0.0);

        let before_plan = app.data(ROUND, json!({ "p": "2016-Q1" })).await["reportingRound"].clone();
        assert_eq!(before_plan["totals"]["owed"], 0, "the plan was issued on 01/04/2016");
    }
);

app_test!(
    async fn a_report_entered_before_the_deadline_of_the_open_period_is_on_time(app) {
        let syt = app.signed_in("syt.officer", "agency", Some("SYT")).await;
        app.data_as(Some(&syt), REPORT, json!({ "n": 24, "p": 70 })).await;
        let calendar = app.data("{ reportingCalendar { cutoffDay recentPeriods kinds { kind inForce } } }", json!({})).await;
        let current = calendar["reportingCalendar"]["recentPeriods"]
            .as_array()
            .and_then(|p| p.iter().filter_map(Value::as_str).find(|p| p.contains("-Q")))
            .map(str::to_owned)
            .unwrap_or_default();
        let round = app.data(ROUND, json!({ "p": current })).await["reportingRound"].clone();
        assert_eq!(round["deadlinePassed"], false, "the newest quarter's window holds today");
        assert_eq!(submission(&round, 24, "SYT")["status"], "ON_TIME");
        assert_eq!(round["totals"]["onTime"], 1);
        assert_eq!(calendar["reportingCalendar"]["cutoffDay"], 14);
    }
);

app_test!(
    async fn periods_that_have_not_opened_or_are_not_in_force_are_refused(app) {
        for period in ["2099-Q1", "2017-03", "2017-Q5", "17-Q1", "1999", "", "2017-Q4; DROP TABLE tasks"] {
            let errors = app.errors(ROUND, json!({ "p": period })).await;
            assert_eq!(codes(&errors), ["BAD_INPUT"], "{period:?}");
        }
        let message = app.errors(ROUND, json!({ "p": "2017-03" })).await[0]["message"].clone();
        assert!(message.as_str().is_some_and(|m| m.contains("QUARTERLY")), "{message}");
    }
);

app_test!(
    async fn a_returned_report_stops_counting_on_every_date_until_the_agency_reports_again(app) {
        let syt = app.signed_in("syt.officer", "agency", Some("SYT")).await;
        let planner = app.signed_in("dic.planner", "planner", None).await;
        app.data_as(Some(&syt), REPORT, json!({ "n": 24, "p": 30, "on": "2017-06-01" })).await;
        app.data_as(Some(&syt), REPORT, json!({ "n": 24, "p": 60, "on": "2017-11-01" })).await;
        let history = app.data_as(Some(&planner), HISTORY, json!({})).await;
        let wrong = report_id(&history, 60);
        let first = report_id(&history, 30);

        let as_of = "query { task(number: 24) { d1: progressAsOf(date: \"2017-11-15\") d2: progressAsOf(date: \"2018-06-30\") }
            planProgress(asOf: \"2017-11-15\") { percentComplete } }";
        let before = app.data(as_of, json!({})).await;
        assert_eq!(before["task"]["d1"], 60);

        let no_reason = app
            .errors_as(Some(&planner), REVIEW, json!({ "input": { "historyId": wrong, "decision": "RETURN" } }))
            .await;
        assert_eq!(codes(&no_reason), ["BAD_INPUT"]);
        let by_agency = app
            .errors_as(Some(&syt), REVIEW, json!({ "input": { "historyId": wrong, "decision": "ACCEPT" } }))
            .await;
        assert_eq!(codes(&by_agency), ["FORBIDDEN"]);
        let unknown = app
            .errors_as(Some(&planner), REVIEW, json!({ "input": { "historyId": "999999", "decision": "ACCEPT" } }))
            .await;
        assert_eq!(codes(&unknown), ["NOT_FOUND"]);

        let accepted = app
            .data_as(Some(&planner), REVIEW, json!({ "input": { "historyId": first, "decision": "ACCEPT" } }))
            .await;
        assert_eq!(accepted["reviewStatusReport"]["entry"]["counted"], true);
        let returned = app
            .data_as(
                Some(&planner),
                REVIEW,
                json!({ "input": { "historyId": wrong, "decision": "RETURN", "reason": "Số liệu 60% chưa có minh chứng" } }),
            )
            .await["reviewStatusReport"]
            .clone();
        assert_eq!(returned["review"]["decision"], "RETURN");
        assert_eq!(returned["review"]["reviewedBy"], "dic.planner");
        assert_eq!(returned["entry"]["counted"], false);
        assert_eq!(returned["task"]["progress"], 30, "the lead falls back to its previous counted report");

        let after = app.data(as_of, json!({})).await;
        assert_eq!(after["task"]["d1"], 30, "a report found wrong is wrong on every date");
        assert_eq!(after["task"]["d2"], 30);
        let (was, now) = (
            before["planProgress"]["percentComplete"].as_f64().unwrap_or_default(),
            after["planProgress"]["percentComplete"].as_f64().unwrap_or_default(),
        );
        assert!((was - 60.0 / 27.0).abs() < 0.06 && (now - 30.0 / 27.0).abs() < 0.06, "{was} → {now}");
        let history = app.data_as(Some(&planner), HISTORY, json!({})).await;
        assert_eq!(history["task"]["progress"], 30);
        let entries = history["task"]["history"].as_array().cloned().unwrap_or_default();
        assert_eq!(entries.len(), 2, "the returned report stays on record");
        let kept = entries.iter().find(|e| e["progress"] == 60).cloned().unwrap_or_default();
        assert_eq!(kept["counted"], false);
        assert_eq!(kept["reviews"][0]["reason"], "Số liệu 60% chưa có minh chứng");

        let round = app.data(ROUND, json!({ "p": "2017-Q4" })).await["reportingRound"].clone();
        let syt_24 = submission(&round, 24, "SYT");
        assert_eq!(syt_24["status"], "RETURNED");
        assert_eq!(syt_24["returnReason"], "Số liệu 60% chưa có minh chứng");
        assert_eq!(round["totals"]["returned"], 1);

        let again = app
            .errors_as(Some(&planner), REVIEW, json!({ "input": { "historyId": wrong, "decision": "ACCEPT" } }))
            .await;
        assert_eq!(codes(&again), ["CONFLICT"], "a return is answered with a new report");

        app.data_as(Some(&syt), REPORT, json!({ "n": 24, "p": 55, "on": "2017-12-01" })).await;
        let round = app.data(ROUND, json!({ "p": "2017-Q4" })).await["reportingRound"].clone();
        let syt_24 = submission(&round, 24, "SYT");
        assert_eq!(syt_24["status"], "LATE");
        assert_eq!(syt_24["report"]["progress"], 55);
    }
);

const ASK: &str = "mutation($input: RequestExplanationInput!) { requestExplanation(input: $input) {
    id question dueOn answer overdue agency { code } task { number } requestedBy } }";
const ANSWER: &str =
    "mutation($input: AnswerExplanationInput!) { answerExplanation(input: $input) {
    id answer answeredAt answeredBy } }";

app_test!(
    async fn an_explanation_is_asked_by_leaders_answered_once_by_the_agency_and_private(app) {
        let leader = app.signed_in("vice.chair", "leader", None).await;
        let planner = app.signed_in("dic.planner", "planner", None).await;
        let syt = app.signed_in("syt.officer", "agency", Some("SYT")).await;
        let stp = app.signed_in("stp.officer", "agency", Some("STP")).await;
        let due = (chrono::Utc::now().date_naive() + chrono::Duration::days(7)).to_string();
        let input = json!({ "taskNumber": 24, "agencyCode": "SYT", "question": "Vì sao chậm?", "dueOn": due });

        assert_eq!(codes(&app.errors_as(Some(&syt), ASK, json!({ "input": input })).await), ["FORBIDDEN"]);
        assert_eq!(codes(&app.errors(ASK, json!({ "input": input })).await), ["UNAUTHENTICATED"]);
        let mut elsewhere = input.clone();
        elsewhere["agencyCode"] = json!("STP");
        assert_eq!(codes(&app.errors_as(Some(&leader), ASK, json!({ "input": elsewhere })).await), ["BAD_INPUT"]);
        let mut past = input.clone();
        past["dueOn"] = json!("2020-01-01");
        assert_eq!(codes(&app.errors_as(Some(&leader), ASK, json!({ "input": past })).await), ["BAD_INPUT"]);

        let asked = app.data_as(Some(&leader), ASK, json!({ "input": input })).await["requestExplanation"].clone();
        assert_eq!(asked["agency"]["code"], "SYT");
        assert_eq!(asked["requestedBy"], "vice.chair");
        assert_eq!(asked["overdue"], false);
        let id = asked["id"].clone();

        let list = "query { explanations(unanswered: true) { id question } task(number: 24) { explanations { id } } }";
        let seen = |token: Option<String>| {
            let app = &app;
            async move {
                let data = app.data_as(token.as_deref(), list, json!({})).await;
                (
                    data["explanations"].as_array().map_or(0, Vec::len),
                    data["task"]["explanations"].as_array().map_or(0, Vec::len),
                )
            }
        };
        assert_eq!(seen(Some(planner.clone())).await, (1, 1));
        assert_eq!(seen(Some(syt.clone())).await, (1, 1));
        assert_eq!(seen(Some(stp.clone())).await, (0, 0), "another agency does not see it");
        assert_eq!(seen(None).await, (0, 0), "anonymous readers do not see it");

        let answer = json!({ "input": { "id": id, "answer": "Chờ Bộ Y tế cấp tài khoản" } });
        assert_eq!(codes(&app.errors_as(Some(&stp), ANSWER, answer.clone()).await), ["FORBIDDEN"]);
        assert_eq!(codes(&app.errors_as(Some(&planner), ANSWER, answer.clone()).await), ["FORBIDDEN"]);
        let answered = app.data_as(Some(&syt), ANSWER, answer.clone()).await["answerExplanation"].clone();
        assert_eq!(answered["answer"], "Chờ Bộ Y tế cấp tài khoản");
        assert_eq!(answered["answeredBy"], "syt.officer");
        assert!(answered["answeredAt"].is_string());
        assert_eq!(codes(&app.errors_as(Some(&syt), ANSWER, answer).await), ["CONFLICT"]);
        assert_eq!(seen(Some(planner.clone())).await, (0, 1), "answered requests are no longer open");
        let overdue = app.data_as(Some(&planner), "{ explanations(overdue: true) { id } }", json!({})).await;
        assert_eq!(overdue["explanations"], json!([]));
    }
);

app_test!(
    async fn who_owes_a_report_follows_each_tasks_timeline_and_completion(app) {
        let syt = app.signed_in("syt.officer", "agency", Some("SYT")).await;
        let planner = app.signed_in("dic.planner", "planner", None).await;
        app.data_as(Some(&syt), REPORT, json!({ "n": 24, "s": "COMPLETED", "on": "2017-06-01" })).await;
        app.data_as(
            Some(&planner),
            "mutation { updateTaskStatus(input: { taskNumber: 2, status: COMPLETED, effectiveOn: \"2016-12-01\" }) { version } }",
            json!({}),
        )
        .await;
        let owes = |round: &Value, task: i64, agency: &str| {
            round["submissions"].as_array().is_some_and(|all| {
                all.iter().any(|s| s["task"]["number"] == task && s["agency"]["code"] == agency)
            })
        };
        let q4 = app.data(ROUND, json!({ "p": "2017-Q4" })).await["reportingRound"].clone();
        assert!(!owes(&q4, 24, "SYT"), "a one-off task completed before the period owes nothing");
        assert!(owes(&q4, 2, "STTTT"), "an annual task owes every period, completed last year or not");
        let members = q4["submissions"]
            .as_array()
            .map_or(0, |all| all.iter().filter(|s| s["task"]["number"] == 26).count());
        assert!(members >= 30, "a group-led task owes one report per member agency, got {members}");

        let q2_2016 = app.data(ROUND, json!({ "p": "2016-Q2" })).await["reportingRound"].clone();
        assert!(owes(&q2_2016, 24, "SYT"), "task 24 runs from 2016");
        assert!(!owes(&q2_2016, 15, "KBNN"), "task 15 starts in 2017 and owes nothing before");
        let q1_2017 = app.data(ROUND, json!({ "p": "2017-Q1" })).await["reportingRound"].clone();
        assert_eq!(q1_2017["from"], "2016-12-15");
        assert!(owes(&q1_2017, 15, "KBNN"), "from the quarter whose window reaches into its start year");
    }
);
