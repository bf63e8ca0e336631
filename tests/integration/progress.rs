//! As-of figures through GraphQL: task state and periods on a date, plan progress, rankings.

use super::*;

const REPORT: &str = "mutation($n: Int!, $s: TaskStatus, $p: Int, $on: Date, $e: String, $a: String) {
    updateTaskStatus(input: { taskNumber: $n, status: $s, progress: $p, effectiveOn: $on, evidence: $e, agencyCode: $a }) { version } }";

const RANKING: &str = "query($on: Date, $level: AgencyLevel) { ranking(asOf: $on, level: $level) {
    rank score band agency { code level } tasksAssigned tasksCompleted tasksOnTime tasksOverdue
    kpiContribution breakdown { criterion points maxPoints } methodVersion } }";

fn entry<'a>(ranking: &'a Value, code: &str) -> &'a Value {
    ranking
        .as_array()
        .and_then(|entries| entries.iter().find(|e| e["agency"]["code"] == code))
        .unwrap_or_else(|| panic!("{code} is ranked"))
}

app_test!(
    async fn an_agency_finishing_its_task_on_time_ranks_first_from_the_day_it_says(app) {
        let syt = app.signed_in("syt.officer", "agency", Some("SYT")).await;
        app.data_as(
            Some(&syt),
            REPORT,
            json!({ "n": 24, "s": "COMPLETED", "on": "2017-06-01", "e": "45/QĐ-SYT ngày 01/06/2017" }),
        )
        .await;

        let before = app.data(RANKING, json!({ "on": "2017-05-31", "level": "PROVINCE" })).await;
        let entries = before["ranking"].as_array().cloned().unwrap_or_default();
        assert!(entries.len() >= 18, "every department leads task 26");
        assert!(entries.iter().all(|e| e["agency"]["level"] == "PROVINCE"));
        assert!(
            entries.iter().filter(|e| e["agency"]["code"] != "STTTT").all(|e| e["rank"] == 1),
            "nothing counts yet, so everyone ties"
        );
        let dic = entry(&before["ranking"], "STTTT");
        assert_eq!(dic["rank"].as_u64(), Some(entries.len() as u64), "DIC owed its 2016 reports on tasks 2 and 3");
        assert_eq!(entry(&before["ranking"], "SYT")["tasksCompleted"], 0);

        let after = app.data(RANKING, json!({ "on": "2017-12-31", "level": "PROVINCE" })).await;
        let first = &after["ranking"][0];
        assert_eq!(first["agency"]["code"], "SYT");
        assert_eq!(first["rank"], 1);
        assert_eq!(first["tasksAssigned"], 2, "task 24, and task 26 through the departments group");
        assert_eq!(first["tasksCompleted"], 1);
        assert_eq!(first["tasksOnTime"], 1);
        assert_eq!(first["tasksOverdue"], 0);
        assert_eq!(first["methodVersion"], "2026.1");
        let max: f64 = first["breakdown"].as_array().map_or(0.0, |b| b.iter().filter_map(|p| p["maxPoints"].as_f64()).sum());
        assert_eq!(max, 100.0);
        let second = &after["ranking"][1];
        assert_eq!(second["rank"], 2);
        assert!(first["score"].as_f64() > second["score"].as_f64());
        assert!(
            after["ranking"]
                .as_array()
                .is_some_and(|e| e.iter().skip(1).filter(|x| x["agency"]["code"] != "STTTT").all(|x| x["rank"] == 2)),
            "the rest tie behind"
        );

        let districts = app.data(RANKING, json!({ "on": "2017-12-31", "level": "DISTRICT" })).await;
        let districts = districts["ranking"].as_array().cloned().unwrap_or_default();
        assert_eq!(districts.len(), 12);
        assert!(districts.iter().all(|d| d["tasksAssigned"] == 1 && d["rank"] == 1));

        let everyone = app.data(RANKING, json!({ "on": "2017-12-31" })).await;
        assert!(everyone["ranking"].as_array().is_some_and(|e| e.iter().any(|x| x["agency"]["level"] == "NON_STATE")), "telecom enterprises lead task 12");
    }
);

app_test!(
    async fn overdue_and_the_plan_summary_follow_the_asked_date(app) {
        let syt = app.signed_in("syt.officer", "agency", Some("SYT")).await;
        app.data_as(Some(&syt), REPORT, json!({ "n": 24, "s": "COMPLETED", "on": "2018-06-01" })).await;
        let query = "query($on: Date) {
            task(number: 24) { statusAsOf(date: $on) progressAsOf(date: $on) isOverdue(asOf: $on) }
            planProgress(asOf: $on) { asOf tasksTotal completed notStarted overdue percentComplete
              byMainTask { code tasks { total completed } } byLevel { level assignments { total completed } } }
            overdue: tasks(first: 27, filter: { overdueAsOf: $on }) { nodes { number } } }";
        let early = app.data(query, json!({ "on": "2018-05-31" })).await;
        assert_eq!(early["task"], json!({ "statusAsOf": "NOT_STARTED", "progressAsOf": 0, "isOverdue": false }));
        assert_eq!(early["planProgress"]["completed"], 0);

        let late = app.data(query, json!({ "on": "2019-01-01" })).await;
        assert_eq!(late["task"], json!({ "statusAsOf": "COMPLETED", "progressAsOf": 100, "isOverdue": false }));
        let summary = &late["planProgress"];
        assert_eq!(summary["asOf"], "2019-01-01");
        assert_eq!(summary["tasksTotal"], 27);
        assert_eq!(summary["completed"], 1);
        assert_eq!(summary["notStarted"], 26);
        let overdue = numbers_of(&late["overdue"]["nodes"]);
        assert!(!overdue.contains(&24), "completed before its due date");
        assert!(overdue.contains(&15), "task 15 was due at the end of 2018");
        assert_eq!(summary["overdue"], overdue.len());
        assert_eq!(summary["percentComplete"], (100.0_f64 / 27.0 * 10.0).round() / 10.0);
        let main_tasks = summary["byMainTask"].as_array().cloned().unwrap_or_default();
        assert_eq!(codes_of(&summary["byMainTask"]), ["II.1", "II.2", "II.3", "II.4", "II.5", "II.6"]);
        assert!(main_tasks.iter().any(|m| m["tasks"]["completed"] == 1), "task 24 counts under its main task");
        let province = summary["byLevel"].as_array().and_then(|l| l.iter().find(|x| x["level"] == "PROVINCE").cloned()).expect("province level");
        assert_eq!(province["assignments"]["completed"], 1);
    }
);

app_test!(
    async fn annual_tasks_owe_a_report_each_year(app) {
        let dic = app.signed_in("dic.officer", "agency", Some("STTTT")).await;
        for on in ["2016-10-01", "2018-03-01"] {
            app.data_as(Some(&dic), REPORT, json!({ "n": 2, "p": 50, "on": on })).await;
        }
        let data = app
            .data("{ task(number: 2) { periods(asOf: \"2019-06-30\") { year state reports startsOn endsOn } } }", json!({}))
            .await;
        let states: Vec<(i64, String)> = data["task"]["periods"]
            .as_array()
            .map(|p| p.iter().map(|x| (x["year"].as_i64().unwrap_or_default(), x["state"].as_str().unwrap_or_default().to_owned())).collect())
            .unwrap_or_default();
        assert_eq!(
            states,
            [(2016, "MET".to_owned()), (2017, "MISSED".to_owned()), (2018, "MET".to_owned()), (2019, "OPEN".to_owned())]
        );
        assert_eq!(data["task"]["periods"][0]["startsOn"], "2016-01-01");
        let ranking = app.data(RANKING, json!({ "on": "2019-06-30", "level": "PROVINCE" })).await;
        let regularity = entry(&ranking["ranking"], "STTTT")["breakdown"]
            .as_array()
            .and_then(|b| b.iter().find(|p| p["criterion"] == "REGULARITY").cloned())
            .expect("a regularity criterion");
        assert!(regularity["points"].as_f64().unwrap_or_default() < regularity["maxPoints"].as_f64().unwrap_or_default(),
            "DIC missed 2017 and the ongoing task 3 every year");
    }
);

app_test!(
    async fn the_scoring_method_is_published(app) {
        let data = app
            .data("{ scoringMethod { version goodFrom fairFrom averageFrom maxScore criteria { code maxPoints } } }", json!({}))
            .await;
        let method = &data["scoringMethod"];
        assert_eq!(method["version"], "2026.1");
        assert_eq!((method["goodFrom"].as_f64(), method["fairFrom"].as_f64(), method["averageFrom"].as_f64()), (Some(80.0), Some(65.0), Some(50.0)));
        assert_eq!(method["maxScore"], 100.0);
        assert!(codes_of(&method["criteria"]).contains(&"TIMELINESS".to_owned()));
    }
);

app_test!(
    async fn kpis_and_objectives_read_as_of_a_date(app) {
        let data = app
            .data(
                r#"{ kpi(code: "ICT_RANK") {
                      in2016: valueAsOf(date: "2016-12-31") { year value }
                      in2018: valueAsOf(date: "2018-06-30") { year value source }
                      in2020: valueAsOf(date: "2020-01-01") { year value }
                      attainment(year: 2019) status(year: 2019) }
                    planProgress(asOf: "2020-12-31") { byObjective { code kpiCodes tasks { total } } } }"#,
                json!({}),
            )
            .await;
        let rank = &data["kpi"];
        assert!(rank["in2016"].is_null(), "no measurement before 2017");
        assert_eq!(rank["in2018"]["year"], 2017);
        assert_eq!(rank["in2018"]["value"], 31.0);
        assert_eq!(rank["in2020"]["value"], 19.0);
        assert_eq!(rank["status"], "ON_TRACK", "rank 19 beats the target of 20");
        assert!(rank["attainment"].as_f64().is_some_and(|a| a > 100.0));
        let objectives = data["planProgress"]["byObjective"].as_array().cloned().unwrap_or_default();
        let codes: Vec<&str> = objectives.iter().filter_map(|o| o["code"].as_str()).collect();
        for code in ["I.2.a", "I.2.b", "I.2.c"] {
            assert!(codes.contains(&code), "{code} is measured by a KPI: {codes:?}");
        }
        let b = objectives.iter().find(|o| o["code"] == "I.2.b").expect("I.2.b");
        assert!(b["kpiCodes"].as_array().is_some_and(|k| k.iter().any(|c| c == "ICT_RANK")));
        assert!(b["tasks"]["total"].as_u64().unwrap_or_default() > 0);
    }
);
