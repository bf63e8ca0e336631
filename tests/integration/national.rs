//! Several plans in one database (the synthetic national data set beside the province's plan):
//! every question names its plan or means the province's, and `planStandings` ranks them all.

use seeds::synthetic::{self, Options};

use super::*;

async fn with_two_synthetic_provinces(app: &TestApp) {
    synthetic::generate(
        &app.db,
        &Options {
            provinces: 2,
            years: 1,
            seed: 681,
        },
    )
    .await
    .expect("the synthetic provinces are generated");
    api::services::figures::mark(&app.db)
        .await
        .expect("the data version advances");
}

app_test!(
    async fn questions_that_name_no_plan_are_about_the_province_s_own(app) {
        const QUERY: &str = "{ tasks(first: 30) { totalCount nodes { number titleVi } } task(number: 5) { titleVi } agencies { code } }";
        let before = app.data(QUERY, json!({})).await;
        with_two_synthetic_provinces(&app).await;

        let plans = app.data("{ plans { code } plan { code } }", json!({})).await;
        assert_eq!(codes_of(&plans["plans"]), ["681/KH-UBND", "SYN-01", "SYN-02"]);
        assert_eq!(plans["plan"]["code"], "681/KH-UBND");
        let after = app.data(QUERY, json!({})).await;
        assert_eq!(after, before, "the province's tasks and agencies are still the ones it had");
        let progress = app.data("{ planProgress(asOf: \"2016-12-31\") { tasksTotal } }", json!({})).await;
        assert_eq!(progress["planProgress"]["tasksTotal"], 27);
    }
);

app_test!(
    async fn a_named_plan_answers_with_its_own_tasks_agencies_and_figures(app) {
        with_two_synthetic_provinces(&app).await;
        let data = app
            .data(
                r#"{
                  plan(code: "SYN-02") { code titleVi }
                  tasks(plan: "SYN-02", first: 30) { totalCount nodes { number } }
                  task(number: 5, plan: "SYN-02") { number leadAgencies { code } }
                  ranking(plan: "SYN-02", asOf: "2016-12-31") { agency { code } }
                  planProgress(plan: "SYN-02", asOf: "2016-12-31") { tasksTotal completed percentComplete }
                }"#,
                json!({}),
            )
            .await;
        assert_eq!(data["plan"]["code"], "SYN-02");
        assert_eq!(data["tasks"]["totalCount"], 27);
        assert_eq!(numbers_of(&data["tasks"]["nodes"]), (1..=27).collect::<Vec<i64>>());
        let leads = codes_of(&data["task"]["leadAgencies"]);
        assert!(!leads.is_empty() && leads.iter().all(|c| c.starts_with("SYN02-")), "{leads:?}");
        let ranked = data["ranking"].as_array().expect("a ranking");
        assert!(!ranked.is_empty());
        assert!(
            ranked.iter().all(|e| e["agency"]["code"].as_str().is_some_and(|c| c.starts_with("SYN02-"))),
            "only the plan's own agencies are ranked: {}",
            data["ranking"]
        );
        assert_eq!(data["planProgress"]["tasksTotal"], 27);

        let errors = app.errors("{ tasks(plan: \"SYN-99\") { totalCount } }", json!({})).await;
        assert_eq!(codes(&errors), ["NOT_FOUND"]);
    }
);

app_test!(
    async fn plan_standings_rank_every_plan_with_the_tallies_plan_progress_gives(app) {
        with_two_synthetic_provinces(&app).await;
        let day = "2017-03-31";
        let standings = app
            .data(
                "query($d: Date!) { planStandings(asOf: $d) { rank score plan { code } tasks { total completed overdue percentComplete } } }",
                json!({ "d": day }),
            )
            .await;
        let entries = standings["planStandings"].as_array().expect("standings");
        let mut codes: Vec<String> = entries
            .iter()
            .map(|e| e["plan"]["code"].as_str().unwrap_or_default().to_owned())
            .collect();
        codes.sort();
        assert_eq!(codes, ["681/KH-UBND", "SYN-01", "SYN-02"]);
        assert_eq!(entries[0]["rank"], 1);
        let scores: Vec<f64> = entries.iter().filter_map(|e| e["score"].as_f64()).collect();
        assert!(scores.windows(2).all(|w| w[0] >= w[1]), "best first: {scores:?}");
        for entry in entries {
            let code = entry["plan"]["code"].clone();
            let progress = app
                .data(
                    "query($p: String!, $d: Date!) { planProgress(plan: $p, asOf: $d) { tasksTotal completed overdue percentComplete } }",
                    json!({ "p": code, "d": day }),
                )
                .await;
            let p = &progress["planProgress"];
            let t = &entry["tasks"];
            assert_eq!(
                [&t["total"], &t["completed"], &t["overdue"], &t["percentComplete"]],
                [&p["tasksTotal"], &p["completed"], &p["overdue"], &p["percentComplete"]],
                "{code}"
            );
        }
    }
);

app_test!(
    async fn a_report_on_a_named_plan_changes_that_plan_only(app) {
        with_two_synthetic_provinces(&app).await;
        let token = app.signed_in("dic.planner", "planner", None).await;
        let query = "query($p: String) { task(number: 3, plan: $p) { progress version leadAgencies { code } } }";
        let real_before = app.data(query, json!({ "p": null })).await;
        let synthetic = app.data(query, json!({ "p": "SYN-01" })).await;
        let agency = synthetic["task"]["leadAgencies"][0]["code"].clone();
        let version = synthetic["task"]["version"].clone();
        app.data_as(
            Some(&token),
            "mutation($a: String!, $v: Int!) { updateTaskStatus(input: { plan: \"SYN-01\", taskNumber: 3, agencyCode: $a, status: BLOCKED, expectedVersion: $v }) { version } }",
            json!({ "a": agency, "v": version }),
        )
        .await;
        let synthetic_after = app.data(query, json!({ "p": "SYN-01" })).await;
        assert_eq!(synthetic_after["task"]["version"], json!(version.as_i64().map(|v| v + 1)));
        assert_eq!(app.data(query, json!({ "p": null })).await, real_before, "the province's task 3 is untouched");
    }
);

/// Adds reports straight to the history of a task's first lead assignment.
async fn file_history(
    app: &TestApp,
    task: &entities::task::Model,
    reports: &[(&str, &str, i32, bool)],
) {
    use entities::{assignment, task_history, AssignmentRole, TaskStatus};
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

    let lead = assignment::Entity::find()
        .filter(assignment::Column::TaskId.eq(task.id))
        .filter(assignment::Column::Role.eq(AssignmentRole::Lead))
        .order_by_asc(assignment::Column::Id)
        .one(&app.db)
        .await
        .expect("query assignments")
        .expect("a lead assignment");
    for (index, (on, status, progress, evidence)) in reports.iter().enumerate() {
        let status = match *status {
            "COMPLETED" => TaskStatus::Completed,
            "BLOCKED" => TaskStatus::Blocked,
            _ => TaskStatus::InProgress,
        };
        task_history::ActiveModel {
            task_id: Set(task.id),
            assignment_id: Set(lead.id),
            agency_id: Set(lead.agency_id),
            status: Set(status),
            progress: Set(*progress),
            note: Set(None),
            evidence: Set(evidence.then(|| "https://example.vn/bien-ban.pdf".to_owned())),
            effective_on: Set(on.parse().expect("a date")),
            changed_at: Set(sea_orm::prelude::ChronoUtc::now()),
            changed_by_user_id: Set(None),
            task_version: Set(index as i32 + 2),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .expect("insert a report");
    }
}

app_test!(
    async fn the_database_s_lead_states_are_the_ones_the_whole_history_gives_on_every_date(app) {
        use api::services::{asof, states};
        use entities::{task, Recurrence};
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

        with_two_synthetic_provinces(&app).await;
        let province = api::services::plan::current(&app.db).await.expect("the plan");
        let tasks = task::Entity::find()
            .filter(task::Column::PlanId.eq(province.id))
            .order_by_asc(task::Column::Number)
            .all(&app.db)
            .await
            .expect("query tasks");
        let span = tasks.iter().find(|t| t.recurrence == Recurrence::Once).expect("a span");
        let yearly = tasks.iter().find(|t| t.recurrence != Recurrence::Once).expect("a yearly task");
        // Recorded out of order: a same-day tie, back-filled reports, a completion run broken and
        // begun again, evidence on one report only, a year without reports.
        file_history(&app, span, &[
            ("2017-03-01", "COMPLETED", 100, false),
            ("2017-03-01", "IN_PROGRESS", 90, false),
            ("2017-02-01", "COMPLETED", 100, true),
            ("2017-06-01", "COMPLETED", 100, false),
            ("2017-06-01", "COMPLETED", 100, false),
            ("2016-05-01", "IN_PROGRESS", 30, false),
            ("2018-02-01", "BLOCKED", 60, false),
            ("2018-04-01", "COMPLETED", 100, false),
        ]).await;
        file_history(&app, yearly, &[
            ("2016-11-30", "IN_PROGRESS", 20, false),
            ("2018-01-01", "IN_PROGRESS", 50, true),
            ("2017-12-31", "COMPLETED", 100, false),
        ]).await;

        let mut days: Vec<String> = [
            "2016-04-30", "2016-05-01", "2017-01-31", "2017-02-01", "2017-02-28", "2017-03-01",
            "2017-05-31", "2017-06-01", "2017-12-31", "2018-01-01", "2018-03-31", "2018-04-01",
        ]
        .map(String::from)
        .to_vec();
        days.extend((2016..=2019).flat_map(|y| ["03-31", "06-30", "09-30", "12-31"].map(|d| format!("{y}-{d}"))));
        for day in days {
            let day: sea_orm::prelude::ChronoDate = day.parse().expect("a date");
            let probed = states::load(&app.db, None, day).await.expect("lead states");
            let read: Vec<states::TaskState> = asof::load_scope(&app.db, None, day)
                .await
                .expect("the history")
                .iter()
                .map(states::TaskState::from)
                .collect();
            assert_eq!(probed.len(), 27 * 3);
            assert_eq!(read.len(), probed.len());
            for (p, r) in probed.iter().zip(&read) {
                assert_eq!(p.task.id, r.task.id);
                assert_eq!(p.leads, r.leads, "the leads of task {} as of {day}", p.task.id);
                assert_eq!((p.status, p.progress, p.overdue), (r.status, r.progress, r.overdue), "task {} as of {day}", p.task.id);
            }
            for plan in [Some(province.id), None] {
                let one = states::load(&app.db, plan, day).await.expect("one plan");
                assert!(one.iter().all(|t| plan.is_none_or(|p| t.task.plan_id == p)));
            }
        }
        // What the tricky histories come to, as a reader would work them out.
        let on = |d: &str| d.parse::<sea_orm::prelude::ChronoDate>().expect("a date");
        let at = |states: &[states::TaskState], id: i32| {
            states.iter().find(|t| t.task.id == id).map(|t| t.leads[0].clone()).expect("the task")
        };
        let states = states::load(&app.db, Some(province.id), on("2017-12-31")).await.expect("states");
        let lead = at(&states, span.id);
        assert_eq!((lead.state.status, lead.state.completed_on), (entities::TaskStatus::Completed, Some(on("2017-06-01"))));
        assert!(lead.has_evidence, "the back-filled February report carried evidence");
        let early = states::load(&app.db, Some(province.id), on("2017-01-31")).await.expect("states");
        assert!(!at(&early, span.id).has_evidence);
        assert_eq!(at(&early, span.id).state.progress, 30);
        let yearly_lead = at(&states::load(&app.db, None, on("2019-06-30")).await.expect("states"), yearly.id);
        assert_eq!(yearly_lead.years_reported, [2016, 2017, 2018]);
        assert_eq!(yearly_lead.state.progress, 50, "the latest effective report, not the latest recorded");
    }
);
