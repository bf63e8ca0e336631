//! The workspace pages: an agency's `/my`, a task's page with its report and comment forms, and
//! the planners' `/plan` with its KPI and freeze forms. Every write is checked through GraphQL,
//! which reads the same services.

use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;

use super::*;

/// A minimal PDF, as a scanned decision would start.
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

/// The task numbers linked from a part of a page.
fn task_links(html: &str) -> Vec<i32> {
    html.split("href=\"/tasks/")
        .skip(1)
        .filter_map(|rest| {
            rest.split(|c: char| !c.is_ascii_digit())
                .next()
                .and_then(|n| n.parse().ok())
        })
        .collect()
}

/// The part of a page from the element with `id` up to the next `</section>`.
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in {html}"));
    let rest = &html[start..];
    &rest[..rest.find("</section>").unwrap_or(rest.len())]
}

/// The report form's fields in page order (the anti-forgery token first).
fn report_form(csrf: &str, version: &str, fields: &[(&'static str, &str)]) -> Form {
    let mut form = Form::new()
        .text("csrf", csrf.to_owned())
        .text("version", version.to_owned());
    for (name, value) in fields {
        form = form.text(*name, (*value).to_owned());
    }
    form
}

fn file(name: &str, bytes: &[u8]) -> Part {
    Part::bytes(bytes.to_vec()).file_name(name.to_owned())
}

/// Task `number`'s status, progress and history length through GraphQL.
async fn task_state(app: &TestApp, number: i32) -> (String, i64, usize) {
    let data = app
        .data(
            "query($n: Int!) { task(number: $n) { status progress history { progress } } }",
            json!({ "n": number }),
        )
        .await;
    let task = &data["task"];
    (
        task["status"].as_str().unwrap_or_default().to_owned(),
        task["progress"].as_i64().unwrap_or_default(),
        task["history"].as_array().map_or(0, Vec::len),
    )
}

app_test!(
    async fn an_officer_sees_the_tasks_its_agency_leads_apart_from_those_it_cooperates_on(app) {
        let mut officer = Browser::signed_in(&app, "stp.officer", "agency", Some("STP")).await;
        let page = officer.page("/my", StatusCode::OK).await;
        assert!(page.contains("Sở Tư pháp"), "{page}");
        assert_eq!(task_links(section(&page, "leads")), vec![17, 26]);
        let cooperates = task_links(section(&page, "cooperates"));
        assert!(!cooperates.is_empty());
        assert!(!cooperates.contains(&17) && !cooperates.contains(&26));
        assert!(section(&page, "leads").contains("Nhiệm vụ giao cho nhóm đơn vị"));
        assert!(page.contains("Chưa báo cáo"));

        let english = officer.page("/my?lang=en", StatusCode::OK).await;
        assert!(english.contains("Department of Justice"));
        assert!(english.contains("Tasks we lead (2)"));
    }
);

app_test!(
    async fn my_tasks_asks_strangers_to_sign_in_and_sends_planners_to_the_plan(app) {
        let mut stranger = Browser::new(&app);
        let response = stranger.get("/my").await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&response), "/login?next=%2Fmy");

        let mut planner = Browser::signed_in(&app, "dic.planner", "planner", None).await;
        let response = planner.get("/my").await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&response), "/plan?lang=vi");
    }
);

app_test!(
    async fn anyone_reads_a_task_page_but_only_its_lead_gets_the_report_form(app) {
        let mut stranger = Browser::new(&app);
        let page = stranger.page("/tasks/17", StatusCode::OK).await;
        assert!(page.contains("17. "));
        assert!(page.contains("Sở Tư pháp"));
        assert!(page.contains("2016-2020"));
        assert!(!page.contains("action=\"/tasks/17/report\""));
        assert!(!page.contains("action=\"/tasks/17/comments\""));
        stranger.page("/tasks/99", StatusCode::NOT_FOUND).await;
        stranger.page("/tasks/abc", StatusCode::NOT_FOUND).await;
        stranger.page("/tasks/17?page=0", StatusCode::BAD_REQUEST).await;

        let mut lead = Browser::signed_in(&app, "stp.officer", "agency", Some("STP")).await;
        let page = lead.page("/tasks/17", StatusCode::OK).await;
        assert!(page.contains("action=\"/tasks/17/report\""));
        assert!(page.contains("enctype=\"multipart/form-data\""));
        assert!(page.contains("action=\"/tasks/17/comments\""));

        let mut cooperating = Browser::signed_in(&app, "dic.officer", "agency", Some("STTTT")).await;
        let page = cooperating.page("/tasks/17", StatusCode::OK).await;
        assert!(!page.contains("action=\"/tasks/17/report\""));
        assert!(page.contains("action=\"/tasks/17/comments\""));

        let mut leader = Browser::signed_in(&app, "vice.chair", "leader", None).await;
        let page = leader.page("/tasks/17", StatusCode::OK).await;
        assert!(!page.contains("action=\"/tasks/17/report\""));
        assert!(!page.contains("action=\"/tasks/17/comments\""));
    }
);

app_test!(
    async fn a_task_page_needs_sign_in_when_reads_require_it(app, |config| {
        config.require_sign_in = true;
    }) {
        let mut stranger = Browser::new(&app);
        let response = stranger.get("/tasks/17?lang=en").await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&response), "/login?next=%2Ftasks%2F17%3Flang%3Den");
        let mut officer = Browser::signed_in(&app, "stp.officer", "agency", Some("STP")).await;
        officer.page("/tasks/17?lang=en", StatusCode::OK).await;
    }
);

app_test!(
    async fn an_officer_reports_with_a_pdf_through_the_form_and_finds_it_in_the_history(app) {
        let mut officer = Browser::signed_in(&app, "stp.officer", "agency", Some("STP")).await;
        let page = officer.page("/tasks/17", StatusCode::OK).await;
        let csrf = hidden(&page, "csrf");
        let version = hidden(&page, "version");
        let form = report_form(
            &csrf,
            &version,
            &[
                ("status", "IN_PROGRESS"),
                ("progress", "40"),
                ("note", "Đã triển khai phần mềm lý lịch tư pháp"),
                ("evidence", "123/QĐ-STP"),
            ],
        )
        .part("attachments", file("Quyết định 123.pdf", PDF));
        let response = officer.post_multipart("/tasks/17/report", form).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&response), "/tasks/17?lang=vi&sent=report#history");

        assert_eq!(task_state(&app, 17).await, ("IN_PROGRESS".into(), 40, 1));
        let page = officer
            .page("/tasks/17?sent=report", StatusCode::OK)
            .await;
        assert!(page.contains("Đã ghi nhận báo cáo"));
        assert!(page.contains("Đã triển khai phần mềm lý lịch tư pháp"));
        assert!(page.contains("stp.officer"));
        assert!(page.contains("Quyết định 123.pdf"));
        let start = page.find("href=\"/attachments/").expect("an attachment link") + 6;
        let href = page[start..].split('"').next().unwrap_or_default().to_owned();
        let download = officer.get(&href).await;
        assert_eq!(download.status(), StatusCode::OK);
        assert_eq!(
            download.bytes().await.expect("bytes").as_ref(),
            PDF,
            "downloads byte-identical"
        );

        let mine = officer.page("/my", StatusCode::OK).await;
        let leads = section(&mine, "leads");
        assert!(leads.contains("40%"));
        assert!(leads.contains("Đã triển khai phần mềm lý lịch tư pháp"));

        let mut stranger = Browser::new(&app);
        let public = stranger.page("/tasks/17", StatusCode::OK).await;
        assert!(public.contains("Quyết định 123.pdf"));
        assert!(!public.contains("href=\"/attachments/"));
        assert!(!public.contains("stp.officer"));
    }
);

app_test!(
    async fn a_report_without_its_token_first_and_right_changes_nothing(app) {
        let mut officer = Browser::signed_in(&app, "stp.officer", "agency", Some("STP")).await;
        let page = officer.page("/tasks/17", StatusCode::OK).await;
        let version = hidden(&page, "version");
        let wrong = report_form("not-the-token", &version, &[("progress", "10")]);
        let response = officer.post_multipart("/tasks/17/report", wrong).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let late = Form::new()
            .text("progress", "10")
            .text("csrf", hidden(&page, "csrf"));
        let response = officer.post_multipart("/tasks/17/report", late).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let mut stranger = Browser::new(&app);
        let response = stranger
            .post_multipart("/tasks/17/report", report_form("x", &version, &[]))
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert_eq!(task_state(&app, 17).await, ("NOT_STARTED".into(), 0, 0));
    }
);

app_test!(
    async fn a_stale_report_shows_the_newer_state_and_keeps_the_officers_values(app) {
        let mut officer = Browser::signed_in(&app, "stp.officer", "agency", Some("STP")).await;
        let page = officer.page("/tasks/17", StatusCode::OK).await;
        let csrf = hidden(&page, "csrf");
        let old_version = hidden(&page, "version");

        let planner = app.signed_in("dic.planner", "planner", None).await;
        let data = app
            .data_as(
                Some(&planner),
                r#"mutation { updateTaskStatus(input: { taskNumber: 17, agencyCode: "STP", progress: 25, note: "Sở TT&TT ghi nhận" }) { progress } }"#,
                json!({}),
            )
            .await;
        assert_eq!(data["updateTaskStatus"]["progress"], 25);

        let form = report_form(
            &csrf,
            &old_version,
            &[("progress", "60"), ("note", "Ghi chú chưa gửi được")],
        )
        .part("attachments", file("bien-ban.pdf", PDF));
        let response = officer.post_multipart("/tasks/17/report", form).await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        let page = response.text().await.expect("page");
        assert!(page.contains("Nhiệm vụ vừa được cập nhật bởi người khác"));
        assert!(page.contains(">Ghi chú chưa gửi được</textarea>"));
        assert!(page.contains("value=\"60\""));
        assert!(page.contains("Sở TT&#38;TT ghi nhận"));
        assert!(page.contains("hãy chọn lại tệp"));
        assert_ne!(hidden(&page, "version"), old_version);
        assert_eq!(task_state(&app, 17).await, ("IN_PROGRESS".into(), 25, 1));

        let again = report_form(
            &hidden(&page, "csrf"),
            &hidden(&page, "version"),
            &[("progress", "60"), ("note", "Ghi chú chưa gửi được")],
        );
        let response = officer.post_multipart("/tasks/17/report", again).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(task_state(&app, 17).await, ("IN_PROGRESS".into(), 60, 2));
    }
);

app_test!(
    async fn a_refused_report_or_file_stores_nothing_and_keeps_the_form(app) {
        let mut officer = Browser::signed_in(&app, "stp.officer", "agency", Some("STP")).await;
        let page = officer.page("/tasks/17?lang=en", StatusCode::OK).await;
        let (csrf, version) = (hidden(&page, "csrf"), hidden(&page, "version"));
        let exe = report_form(
            &csrf,
            &version,
            &[("lang", "en"), ("progress", "50"), ("note", "with a program")],
        )
        .part("attachments", file("decision.pdf", b"MZ\x90\x00\x03\x00\x00\x00program"));
        let response = officer.post_multipart("/tasks/17/report", exe).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        let page = response.text().await.expect("page");
        assert!(page.contains("The input is not valid"));
        assert!(page.contains("decision.pdf"));
        assert!(page.contains(">with a program</textarea>"));

        let bad = report_form(&csrf, &version, &[("progress", "150"), ("note", "too far")]);
        let response = officer.post_multipart("/tasks/17/report", bad).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert!(response.text().await.expect("page").contains(">too far</textarea>"));

        let future = report_form(&csrf, &version, &[("effective_on", "2099-01-01")]);
        let response = officer.post_multipart("/tasks/17/report", future).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert_eq!(task_state(&app, 17).await, ("NOT_STARTED".into(), 0, 0));
    }
);

app_test!(
    async fn a_cooperating_agency_comments_on_a_task_through_the_form(app) {
        let mut officer = Browser::signed_in(&app, "dic.officer", "agency", Some("STTTT")).await;
        let page = officer.page("/tasks/17", StatusCode::OK).await;
        let csrf = hidden(&page, "csrf");
        let response = officer
            .post(
                "/tasks/17/comments",
                &[("csrf", "wrong"), ("body", "Không được ghi")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let response = officer
            .post(
                "/tasks/17/comments",
                &[("csrf", &csrf), ("body", "Sở TT&TT đã hỗ trợ <b>kỹ thuật</b>")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let page = officer.page("/tasks/17", StatusCode::OK).await;
        let comments = &page[page.find("id=\"comments\"").expect("comments")..];
        assert!(comments.contains("Sở TT&#38;TT đã hỗ trợ &#60;b&#62;kỹ thuật&#60;/b&#62;"));
        assert!(!page.contains("<b>kỹ thuật</b>"));
        assert!(!page.contains("Không được ghi"));
        let response = officer
            .post("/tasks/17/comments", &[("csrf", &csrf), ("body", "  ")])
            .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    }
);

app_test!(
    async fn a_planner_filters_the_plan_and_sees_each_tasks_latest_report(app) {
        let officer = app.signed_in("stp.officer", "agency", Some("STP")).await;
        app.data_as(
            Some(&officer),
            r#"mutation { updateTaskStatus(input: { taskNumber: 17, progress: 40, note: "Báo cáo quý 4" }) { progress } }"#,
            json!({}),
        )
        .await;
        let mut planner = Browser::signed_in(&app, "dic.planner", "planner", None).await;
        let page = planner.page("/plan", StatusCode::OK).await;
        assert_eq!(task_links(&page), (1..=27).collect::<Vec<i32>>());
        assert!(page.contains("Báo cáo quý 4"));
        let page = planner.page("/plan?agency=STP", StatusCode::OK).await;
        assert_eq!(task_links(&page), vec![17, 26]);
        let page = planner
            .page("/plan?agency=STP&status=IN_PROGRESS", StatusCode::OK)
            .await;
        assert_eq!(task_links(&page), vec![17]);
        let page = planner
            .page("/plan?overdueAsOf=2018-01-01", StatusCode::OK)
            .await;
        let overdue = task_links(&page);
        assert!(!overdue.is_empty() && !overdue.contains(&17), "{overdue:?}");
        planner
            .page("/plan?status=SOMETIMES", StatusCode::BAD_REQUEST)
            .await;
        planner
            .page("/plan?overdueAsOf=3000-01-01", StatusCode::BAD_REQUEST)
            .await;

        let mut officer = Browser::signed_in(&app, "stp.two", "agency", Some("STP")).await;
        officer.page("/plan", StatusCode::FORBIDDEN).await;
        let response = Browser::new(&app).get("/plan").await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }
);

app_test!(
    async fn a_planner_records_a_kpi_value_from_the_plan_page(app) {
        let mut planner = Browser::signed_in(&app, "dic.planner", "planner", None).await;
        let page = planner.page("/plan", StatusCode::OK).await;
        let start = page.find("action=\"/plan/kpis\"").expect("a KPI form");
        let csrf = hidden(&page[start..], "csrf");
        let response = planner
            .post(
                "/plan/kpis",
                &[
                    ("csrf", "forged"),
                    ("kpi", "DVC_LEVEL3"),
                    ("year", "2017"),
                    ("value", "30"),
                    ("source", "x"),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let response = planner
            .post(
                "/plan/kpis",
                &[
                    ("csrf", &csrf),
                    ("kpi", "DVC_LEVEL3"),
                    ("year", "2017"),
                    ("value", "42,5"),
                    ("source", "Báo cáo 45/BC-STTTT"),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&response), "/plan?lang=vi&sent=kpi");
        let data = app
            .data(
                r#"{ kpi(code: "DVC_LEVEL3") { measurements { year value source } } }"#,
                json!({}),
            )
            .await;
        let measured = data["kpi"]["measurements"].as_array().cloned().unwrap_or_default();
        assert!(
            measured.iter().any(|m| m["year"] == 2017
                && m["value"] == 42.5
                && m["source"] == "Báo cáo 45/BC-STTTT"),
            "{measured:?}"
        );
        let response = planner
            .post(
                "/plan/kpis",
                &[("csrf", &csrf), ("kpi", "DVC_LEVEL3"), ("year", "2017"), ("value", "abc"), ("source", "x")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    }
);
