//! The follow-up pages: a reporting round with its downloads, a planner returning a report
//! from the task page, and a request for explanation asked and answered through the forms.

use reqwest::StatusCode;

use super::*;

app_test!(
    async fn a_planner_returns_a_report_from_the_task_page_and_the_round_shows_it(app) {
        let syt = app.signed_in("syt.officer", "agency", Some("SYT")).await;
        app.data_as(
            Some(&syt),
            "mutation { updateTaskStatus(input: { taskNumber: 24, progress: 45, effectiveOn: \"2017-12-01\", note: \"Đã triển khai 3/7 hệ thống\" }) { version } }",
            json!({}),
        )
        .await;
        let mut planner = Browser::signed_in(&app, "dic.planner", "planner", None).await;
        let page = planner.page("/tasks/24", StatusCode::OK).await;
        assert!(page.contains("action=\"/tasks/24/reviews\""), "planners are offered the review form");
        let csrf = hidden(&page, "csrf");
        let history_id = hidden(&page, "history_id");

        let response = planner
            .post("/tasks/24/reviews", &[("csrf", &csrf), ("history_id", &history_id), ("decision", "RETURN"), ("reason", "")])
            .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "a return needs a reason");
        let response = planner
            .post("/tasks/24/reviews", &[("csrf", "forged"), ("history_id", &history_id), ("decision", "RETURN"), ("reason", "x")])
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let response = planner
            .post(
                "/tasks/24/reviews",
                &[("csrf", &csrf), ("history_id", &history_id), ("decision", "RETURN"), ("reason", "Thiếu minh chứng <văn bản>")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert!(location(&response).contains("sent=returned"));
        let page = planner.page("/tasks/24", StatusCode::OK).await;
        assert!(page.contains("Bị trả lại, không được tính"));
        assert!(page.contains("Thiếu minh chứng &#60;văn bản&#62;"));
        assert!(!page.contains("name=\"history_id\""), "a returned report is not reviewed again");

        let round = planner.page("/rounds/2017-Q4", StatusCode::OK).await;
        assert!(round.contains("Kỳ báo cáo Quý IV/2017"));
        assert!(round.contains("15/09/2017 – 14/12/2017"));
        assert!(round.contains("sub-RETURNED"));
        assert!(round.contains("Thiếu minh chứng"));
        let english = planner.page("/rounds/2017-Q4?lang=en", StatusCode::OK).await;
        assert!(english.contains("Reporting round Q4 2017"));

        let csv = planner.get("/rounds/2017-Q4.csv").await;
        assert_eq!(csv.status(), StatusCode::OK);
        assert!(csv.headers()["content-disposition"].to_str().unwrap_or_default().contains("egov-round-2017-Q4.csv"));
        let bytes = csv.bytes().await.unwrap_or_default();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "Excel reads the BOM as UTF-8");
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("RETURNED") && text.contains("Sở Y tế"));
        let xlsx = planner.get("/rounds/2017-Q4.xlsx").await;
        assert_eq!(xlsx.status(), StatusCode::OK);
        assert!(xlsx.bytes().await.unwrap_or_default().starts_with(b"PK"));

        let index = planner.page("/rounds", StatusCode::OK).await;
        assert!(index.contains("href=\"/rounds/"));
        let missing = planner.page("/rounds/2017-Q9", StatusCode::BAD_REQUEST).await;
        assert!(missing.contains("2017-Q9") || missing.contains("quarter"), "{missing}");
    }
);

app_test!(
    async fn a_leader_asks_for_an_explanation_and_the_agency_answers_it_once(app) {
        let mut leader = Browser::signed_in(&app, "vice.chair", "leader", None).await;
        let page = leader.page("/tasks/24", StatusCode::OK).await;
        assert!(page.contains("action=\"/tasks/24/explanations\""));
        assert!(!page.contains("action=\"/tasks/24/reviews\""), "only planners review reports");
        let csrf = hidden(&page, "csrf");
        let due = (chrono::Utc::now().date_naive() + chrono::Duration::days(10)).to_string();
        let response = leader
            .post(
                "/tasks/24/explanations",
                &[("csrf", &csrf), ("agency", "SYT"), ("question", "Vì sao hệ thống tiêm chủng chưa triển khai?"), ("due_on", &due)],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let response = leader
            .post("/tasks/24/explanations", &[("csrf", &csrf), ("agency", "SYT"), ("question", "x"), ("due_on", "2001-01-01")])
            .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "an answer date in the past");

        let mut officer = Browser::signed_in(&app, "syt.officer", "agency", Some("SYT")).await;
        let my = officer.page("/my", StatusCode::OK).await;
        assert!(my.contains("Vì sao hệ thống tiêm chủng chưa triển khai?"));
        let task = officer.page("/tasks/24", StatusCode::OK).await;
        let start = task.find("action=\"/explanations/").expect("an answer form");
        let id: String = task[start + "action=\"/explanations/".len()..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        let csrf = hidden(&task[start..], "csrf");
        let path = format!("/explanations/{id}/answer");
        let response = officer.post(&path, &[("csrf", &csrf), ("answer", "Đang chờ Bộ Y tế cấp tài khoản")]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let response = officer.post(&path, &[("csrf", &csrf), ("answer", "Lần hai")]).await;
        assert_eq!(response.status(), StatusCode::CONFLICT, "an answer is given once");

        let seen = leader.page("/tasks/24", StatusCode::OK).await;
        assert!(seen.contains("Đang chờ Bộ Y tế cấp tài khoản"));
        assert!(!seen.contains("Lần hai"));
        let my = officer.page("/my", StatusCode::OK).await;
        assert!(!my.contains("Vì sao hệ thống"), "answered requests leave the list");
        let anonymous = Browser::new(&app).get("/tasks/24").await.text().await.unwrap_or_default();
        assert!(!anonymous.contains("Vì sao hệ thống"), "explanations are not public");
    }
);

app_test!(
    async fn planners_see_the_explanations_that_are_late_on_their_overview(app) {
        use sea_orm::ConnectionTrait;
        let leader = app.signed_in("vice.chair", "leader", None).await;
        let due = (chrono::Utc::now().date_naive() + chrono::Duration::days(3)).to_string();
        app.data_as(
            Some(&leader),
            "mutation($d: Date!) { requestExplanation(input: { taskNumber: 17, agencyCode: \"STP\", question: \"Vì sao chưa có báo cáo quý?\", dueOn: $d }) { id } }",
            json!({ "d": due }),
        )
        .await;
        let mut planner = Browser::signed_in(&app, "dic.planner", "planner", None).await;
        let page = planner.page("/plan", StatusCode::OK).await;
        assert!(!page.contains("id=\"late-explanations\""), "not late yet");
        // The answer date passes without an answer.
        app.db
            .execute_unprepared("UPDATE explanation_requests SET due_on = '2020-01-01'")
            .await
            .expect("writable");
        let page = planner.page("/plan", StatusCode::OK).await;
        let late = &page[page.find("id=\"late-explanations\"").expect("a late section")..];
        assert!(late.contains("Sở Tư pháp") && late.contains("Vì sao chưa có báo cáo quý?"));
        assert!(late.contains("/tasks/17"));
    }
);
