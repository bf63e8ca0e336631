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
