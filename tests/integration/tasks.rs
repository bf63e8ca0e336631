//! The 27 appendix tasks: leads, cooperating agencies, timelines and due dates.

use super::*;

const TASK: &str = "query($n: Int!) { task(number: $n) {
    number titleVi titleEn leadTextVi cooperatingTextVi
    leadAgencies { code level } cooperatingAgencies { code }
    leadParties { code isGroup open } cooperatingParties { code isGroup open agencies { code } }
    assignments { role status progress agency { code } viaGroup { code } }
    timeline { startYear endYear recurrence labelVi labelEn }
    dueDate status progress version
    overdueIn2017: isOverdue(asOf: \"2018-01-01\") onLastDay: isOverdue(asOf: \"2017-12-31\")
} }";

async fn task(app: &TestApp, number: i64) -> Value {
    app.data(TASK, json!({ "n": number })).await["task"].clone()
}

app_test!(
    async fn task_1_is_led_by_the_ppc_office_and_due_at_the_end_of_2017(app) {
        let task = task(&app, 1).await;
        assert!(task["titleVi"]
            .as_str()
            .unwrap_or_default()
            .starts_with("Kết nối, liên thông hệ thống quản lý văn bản và điều hành với Văn phòng Chính phủ"));
        assert_eq!(codes_of(&task["leadAgencies"]), ["VPUBND"]);
        assert_eq!(task["leadTextVi"], "Văn phòng Ủy ban nhân dân tỉnh");
        let cooperating = codes_of(&task["cooperatingAgencies"]);
        assert_eq!(cooperating[0], "STTTT");
        assert!(cooperating.contains(&"H_GIA_LOC".to_owned()), "districts cooperate");
        assert!(!cooperating.contains(&"VPUBND".to_owned()), "the lead does not cooperate with itself");
        assert_eq!(
            task["timeline"],
            json!({ "startYear": 2016, "endYear": 2017, "recurrence": "ONCE", "labelVi": "2016-2017", "labelEn": "2016-2017" })
        );
        assert_eq!(task["dueDate"], "2017-12-31");
        assert_eq!(task["overdueIn2017"], true);
        assert_eq!(task["onLastDay"], false);
    }
);

app_test!(
    async fn with_nothing_reported_every_task_has_not_started(app) {
        let data = app
            .data("{ tasks(first: 27) { totalCount nodes { number status progress version assignments { status progress } } } }", json!({}))
            .await;
        assert_eq!(data["tasks"]["totalCount"], 27);
        let nodes = data["tasks"]["nodes"].as_array().cloned().unwrap_or_default();
        assert_eq!(numbers_of(&data["tasks"]["nodes"]), (1..=27).collect::<Vec<_>>());
        for node in nodes {
            assert_eq!(node["status"], "NOT_STARTED", "task {}", node["number"]);
            assert_eq!(node["progress"], 0);
            assert_eq!(node["version"], 1);
            assert!(node["assignments"]
                .as_array()
                .is_some_and(|a| a.iter().all(|x| x["status"] == "NOT_STARTED" && x["progress"] == 0)));
        }
    }
);

app_test!(
    async fn annual_and_ongoing_tasks_have_no_due_date_and_are_never_overdue(app) {
        let annual = task(&app, 2).await;
        assert_eq!(annual["timeline"]["recurrence"], "ANNUAL");
        assert_eq!(annual["timeline"]["labelVi"], "Hàng năm");
        assert!(annual["timeline"]["endYear"].is_null());
        assert!(annual["dueDate"].is_null());
        assert_eq!(annual["overdueIn2017"], false);
        let ongoing = task(&app, 3).await;
        assert_eq!(ongoing["timeline"]["recurrence"], "ONGOING");
        assert_eq!(ongoing["timeline"]["labelVi"], "Năm 2016 và các năm tiếp theo");
        assert_eq!(ongoing["timeline"]["startYear"], 2016);
        assert!(ongoing["dueDate"].is_null());
    }
);

app_test!(
    async fn task_20_has_two_leads_and_task_12_is_led_by_telecom_enterprises(app) {
        let task20 = task(&app, 20).await;
        assert_eq!(codes_of(&task20["leadAgencies"]), ["STNMT", "SXD"]);
        let task12 = task(&app, 12).await;
        assert_eq!(task12["leadTextVi"], "Các doanh nghiệp viễn thông");
        assert_eq!(codes_of(&task12["leadParties"]), ["DN_VIEN_THONG"]);
        let leads = task12["leadAgencies"].as_array().cloned().unwrap_or_default();
        assert!(!leads.is_empty());
        assert!(leads.iter().all(|a| a["level"] == "NON_STATE"));
    }
);

app_test!(
    async fn task_26_gives_every_department_and_district_its_own_lead_assignment(app) {
        let task = task(&app, 26).await;
        let leads = codes_of(&task["leadAgencies"]);
        let groups = app
            .data("{ a: agencyGroup(code: \"SO_NGANH\") { members { code } } b: agencyGroup(code: \"UBND_HUYEN\") { members { code } } }", json!({}))
            .await;
        let mut expected = codes_of(&groups["a"]["members"]);
        expected.extend(codes_of(&groups["b"]["members"]));
        assert_eq!(leads, expected);
        assert!(leads.contains(&"STTTT".to_owned()), "DIC leads its own portal upgrade");
        assert_eq!(leads.iter().filter(|c| c.starts_with("H_") || c.starts_with("TP_") || c.starts_with("TX_")).count(), 12);
        let lead_assignments: Vec<&Value> = task["assignments"]
            .as_array()
            .map(|a| a.iter().filter(|x| x["role"] == "LEAD").collect())
            .unwrap_or_default();
        assert_eq!(lead_assignments.len(), leads.len());
        assert!(lead_assignments
            .iter()
            .all(|a| a["viaGroup"]["code"] == "SO_NGANH" || a["viaGroup"]["code"] == "UBND_HUYEN"));
        assert_eq!(codes_of(&task["cooperatingAgencies"]), ["STTTT"]);
    }
);

app_test!(
    async fn related_agencies_stay_visible_as_an_open_group(app) {
        let task = task(&app, 18).await;
        assert_eq!(task["cooperatingTextVi"], "Các cơ quan liên quan");
        assert_eq!(
            task["cooperatingParties"],
            json!([{ "code": "CQ_LIEN_QUAN", "isGroup": true, "open": true, "agencies": [] }])
        );
        assert_eq!(task["cooperatingAgencies"], json!([]));
        assert_eq!(codes_of(&task["leadAgencies"]), ["SLDTBXH"]);
    }
);

app_test!(
    async fn every_task_has_a_lead_and_english_title(app) {
        let data = app
            .data("{ tasks(first: 27) { nodes { number titleEn leadAgencies { code } clauses { code } } } }", json!({}))
            .await;
        for node in data["tasks"]["nodes"].as_array().cloned().unwrap_or_default() {
            assert!(!codes_of(&node["leadAgencies"]).is_empty(), "task {} has a lead", node["number"]);
            assert!(!node["titleEn"].as_str().unwrap_or_default().is_empty());
            assert!(!codes_of(&node["clauses"]).is_empty(), "task {} carries out a clause", node["number"]);
        }
    }
);

app_test!(
    async fn an_unknown_task_number_is_null(app) {
        let data = app.data("{ task(number: 28) { number } }", json!({})).await;
        assert!(data["task"].is_null());
    }
);
