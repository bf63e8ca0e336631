//! Downloads under `/reports/`, frozen report snapshots and the change feed, as leadership and
//! DIC's systems use them.

use super::*;

const UPDATE: &str = "mutation($input: UpdateTaskStatusInput!) {
    updateTaskStatus(input: $input) { number status progress }
}";
const FREEZE: &str = "mutation($input: FreezeReportInput!) {
    freezeReport(input: $input) {
        id period year number label lang asOf sha256 frozenBy pdfUrl
        figures { tasksTotal completed inProgress overdue percentComplete }
        files { name contentType sha256 sizeBytes url }
    }
}";
const SNAPSHOTS: &str = "{ reportSnapshots { id label asOf sha256 frozenBy
    figures { tasksTotal completed } files { name sha256 sizeBytes } } }";

/// A downloaded file: status, headers of interest and bytes.
struct Got {
    status: u16,
    content_type: String,
    disposition: String,
    bytes: Vec<u8>,
}

impl Got {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or(Value::Null)
    }
}

async fn get(app: &TestApp, path: &str) -> Got {
    get_as(app, None, path).await
}

async fn get_as(app: &TestApp, token: Option<&str>, path: &str) -> Got {
    let mut request = app.client.get(format!("{}{path}", app.address));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("the request is answered");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    Got {
        status: response.status().as_u16(),
        content_type: header("content-type"),
        disposition: header("content-disposition"),
        bytes: response.bytes().await.expect("a body").to_vec(),
    }
}

/// Width of a PNG, from its header.
fn png_width(bytes: &[u8]) -> u32 {
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG");
    u32::from_be_bytes([bytes[16], bytes[17], bytes[18], bytes[19]])
}

/// Splits CSV text into records of cells (RFC 4180: quoted cells may hold commas, quotes and
/// line breaks).
fn csv_records(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => record.push(std::mem::take(&mut cell)),
            ('\r', false) => {}
            ('\n', false) => {
                record.push(std::mem::take(&mut cell));
                records.push(std::mem::take(&mut record));
            }
            (c, _) => cell.push(c),
        }
    }
    if !cell.is_empty() || !record.is_empty() {
        record.push(cell);
        records.push(record);
    }
    records
}

/// The CSV row of a task, by its number in the first column.
fn csv_row(records: &[Vec<String>], number: &str) -> Vec<String> {
    records
        .iter()
        .find(|r| r.first().map(String::as_str) == Some(number))
        .cloned()
        .unwrap_or_default()
}

app_test!(
    async fn every_chart_downloads_as_svg_with_vietnamese_labels_and_a_dated_name(app) {
        for name in ["ranking", "progress", "kpis", "status", "architecture"] {
            let got = get(&app, &format!("/reports/{name}.svg?asOf=2017-12-31")).await;
            assert_eq!(got.status, 200, "{name}: {}", got.text());
            assert_eq!(got.content_type, "image/svg+xml", "{name}");
            assert!(
                got.disposition.contains(&format!("egov-{name}-2017-12-31.svg")),
                "{name}: {}",
                got.disposition
            );
            let svg = got.text();
            assert!(svg.contains("<svg") && svg.contains("<text"), "{name} has real text");
            assert!(svg.contains("31/12/2017"), "{name} says its date the Vietnamese way");
        }
        let progress = get(&app, "/reports/progress.svg?asOf=2017-12-31").await.text();
        assert!(progress.contains("Hoàn thành") || progress.contains("Chưa triển khai"));
        let english = get(&app, "/reports/status.svg?asOf=2017-12-31&lang=en").await;
        assert!(english.disposition.contains("-en.svg"));
        assert!(english.text().contains("Not started"), "labels follow lang=en");
    }
);

app_test!(
    async fn charts_download_as_print_quality_png(app) {
        let got = get(&app, "/reports/ranking.png?asOf=2017-12-31&level=PROVINCE").await;
        assert_eq!(got.status, 200, "{}", got.text());
        assert_eq!(got.content_type, "image/png");
        assert!(png_width(&got.bytes) >= 2400, "drawn at 2x a 1200 px chart");
        let again = get(&app, "/reports/ranking.png?asOf=2017-12-31&level=PROVINCE").await;
        assert_eq!(got.bytes, again.bytes, "same data, same bytes");
        let districts = get(&app, "/reports/ranking.png?asOf=2017-12-31&level=DISTRICT").await;
        assert_ne!(got.bytes, districts.bytes, "the level selects other agencies");
    }
);

app_test!(
    async fn one_kpi_has_its_own_chart_and_an_unknown_one_is_404(app) {
        let got = get(&app, "/reports/kpis/ICT_RANK.svg").await;
        assert_eq!(got.status, 200, "{}", got.text());
        assert_eq!(got.content_type, "image/svg+xml");
        let missing = get(&app, "/reports/kpis/NO_SUCH_KPI.svg").await;
        assert_eq!(missing.status, 404);
        assert_eq!(missing.json()["errors"][0]["extensions"]["code"], "NOT_FOUND");
    }
);

app_test!(
    async fn bad_parameters_and_unknown_reports_get_400_or_404_with_a_code(app) {
        let cases = [
            ("/reports/ranking.svg?asOf=2017-13-01", 400, "BAD_INPUT"),
            ("/reports/ranking.svg?asOf=yesterday", 400, "BAD_INPUT"),
            ("/reports/ranking.svg?lang=fr", 400, "BAD_INPUT"),
            ("/reports/ranking.svg?level=CITY", 400, "BAD_INPUT"),
            ("/reports/status.svg?groupBy=agency", 400, "BAD_INPUT"),
            ("/reports/architecture.svg?colour=rainbow", 400, "BAD_INPUT"),
            ("/reports/ranking.svg?asof=2017-12-31", 400, "BAD_INPUT"),
            ("/reports/summary.pdf?asOf=31/12/2017", 400, "BAD_INPUT"),
            ("/reports/nothing.png", 404, "NOT_FOUND"),
            ("/reports/ranking.gif", 404, "NOT_FOUND"),
            ("/reports/summary.png", 404, "NOT_FOUND"),
            ("/reports/tasks", 404, "NOT_FOUND"),
            ("/reports/snapshots/999.pdf", 404, "NOT_FOUND"),
            ("/reports/snapshots/abc.pdf", 404, "NOT_FOUND"),
            ("/reports/snapshots/1/summary.pdf", 404, "NOT_FOUND"),
        ];
        for (path, status, code) in cases {
            let got = get(&app, path).await;
            assert_eq!(got.status, status, "{path}: {}", got.text());
            assert_eq!(got.json()["errors"][0]["extensions"]["code"], code, "{path}");
            assert!(got.json()["errors"][0]["message"].as_str().is_some_and(|m| !m.is_empty()));
        }
        let message = get(&app, "/reports/ranking.svg?asOf=2017-13-01").await.json();
        assert!(message["errors"][0]["message"].as_str().unwrap_or_default().contains("YYYY-MM-DD"));
    }
);

app_test!(
    async fn the_task_csv_opens_in_excel_and_follows_the_as_of_date(app) {
        let token = app.signed_in("syt.officer", "agency", Some("SYT")).await;
        let input = json!({ "taskNumber": 24, "status": "COMPLETED", "effectiveOn": "2017-06-05",
            "note": "Đã triển khai, \"HIS\" kết nối\nvới 12 bệnh viện" });
        app.data_as(Some(&token), UPDATE, json!({ "input": input })).await;

        let got = get(&app, "/reports/tasks.csv?asOf=2017-12-31").await;
        assert_eq!(got.status, 200, "{}", got.text());
        assert!(got.content_type.starts_with("text/csv"));
        assert!(got.disposition.starts_with("attachment"));
        assert!(got.disposition.contains("egov-tasks-2017-12-31.csv"));
        assert!(got.bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 with a byte-order mark");
        let records = csv_records(got.text().trim_start_matches('\u{feff}'));
        assert_eq!(records.len(), 28, "a header and one row per task");
        let row = csv_row(&records, "24");
        assert!(row.iter().any(|c| c == "COMPLETED"), "{row:?}");
        assert!(row.iter().any(|c| c.contains("\"HIS\" kết nối\nvới 12")), "the note survives quoting: {row:?}");

        let before = get(&app, "/reports/tasks.csv?asOf=2017-01-01").await;
        let records = csv_records(before.text().trim_start_matches('\u{feff}'));
        let row = csv_row(&records, "24");
        assert!(row.iter().any(|c| c == "NOT_STARTED"), "not reported yet on 1/1/2017: {row:?}");
    }
);

app_test!(
    async fn the_workbook_and_the_pdf_download_with_their_types(app) {
        let xlsx = get(&app, "/reports/tasks.xlsx?asOf=2017-12-31").await;
        assert_eq!(xlsx.status, 200, "{}", xlsx.text());
        assert_eq!(
            xlsx.content_type,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        assert!(xlsx.bytes.starts_with(b"PK"), "an XLSX is a zip");
        assert!(xlsx.disposition.contains("egov-tasks-2017-12-31.xlsx"));

        let pdf = get(&app, "/reports/summary.pdf?asOf=2017-12-31").await;
        assert_eq!(pdf.status, 200, "{}", pdf.text());
        assert_eq!(pdf.content_type, "application/pdf");
        assert!(pdf.bytes.starts_with(b"%PDF"));
        assert!(pdf.disposition.contains("egov-summary-2017-12-31.pdf"));
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_the_dashboard_and_the_feed_need_sign_in_when_reads_do() {
    let app = TestApp::spawn_with(egov_tracker_tests::Backend::Sqlite, |c| {
        c.require_sign_in = true
    })
    .await;
    for path in [
        "/reports/ranking.svg",
        "/reports/tasks.csv",
        "/feeds/changes.atom",
        "/",
    ] {
        let got = get(&app, path).await;
        assert_eq!(got.status, 401, "{path}");
        assert_eq!(
            got.json()["errors"][0]["extensions"]["code"],
            "UNAUTHENTICATED"
        );
    }
    let token = app.signed_in("leader", "leader", None).await;
    let got = get_as(&app, Some(&token), "/reports/ranking.svg").await;
    assert_eq!(got.status, 200);
}

app_test!(
    async fn a_frozen_report_is_kept_byte_for_byte_and_never_changes(app) {
        let planner = app.signed_in("dic.planner", "planner", None).await;
        let input = json!({ "period": "QUARTER", "year": 2017, "number": 4,
            "note": "Báo cáo quý IV gửi UBND tỉnh" });
        let frozen = app.data_as(Some(&planner), FREEZE, json!({ "input": input })).await["freezeReport"].clone();
        assert_eq!(frozen["label"], "Quý 4/2017");
        assert_eq!(frozen["asOf"], "2017-12-31");
        assert_eq!(frozen["frozenBy"], "dic.planner");
        assert_eq!(frozen["figures"]["tasksTotal"], 27);
        let names: Vec<&str> = frozen["files"].as_array().map(|f| f.iter().filter_map(|f| f["name"].as_str()).collect()).unwrap_or_default();
        for name in ["summary.pdf", "tasks.csv", "tasks.xlsx", "ranking.png", "progress.png"] {
            assert!(names.contains(&name), "{name} in {names:?}");
        }

        let pdf_url = frozen["pdfUrl"].as_str().unwrap_or_default().to_owned();
        let pdf = get(&app, &pdf_url).await;
        assert_eq!(pdf.status, 200, "{}", pdf.text());
        assert!(pdf.bytes.starts_with(b"%PDF"));
        assert!(pdf.disposition.contains("egov-report-2017-Q4-summary.pdf"), "{}", pdf.disposition);

        let token = app.signed_in("syt.officer", "agency", Some("SYT")).await;
        let report = json!({ "taskNumber": 24, "status": "COMPLETED", "effectiveOn": "2017-06-05" });
        app.data_as(Some(&token), UPDATE, json!({ "input": report })).await;

        let again = get(&app, &pdf_url).await;
        assert_eq!(pdf.bytes, again.bytes, "a snapshot never changes after later reports");
        let listed = app.data(SNAPSHOTS, json!({})).await["reportSnapshots"].clone();
        assert_eq!(listed.as_array().map(Vec::len), Some(1));
        assert_eq!(listed[0]["sha256"], frozen["sha256"]);
        assert_eq!(listed[0]["figures"]["completed"], 0, "the figures are those frozen");
        assert_eq!(listed[0]["frozenBy"], Value::Null, "anonymous readers don't see who froze it");
        let seen = app.data_as(Some(&token), SNAPSHOTS, json!({})).await["reportSnapshots"].clone();
        assert_eq!(seen[0]["frozenBy"], "dic.planner");
        let csv_file = &frozen["files"].as_array().and_then(|f| f.iter().find(|f| f["name"] == "tasks.csv")).cloned().unwrap_or_default();
        let csv = get(&app, csv_file["url"].as_str().unwrap_or_default()).await;
        assert_eq!(csv.status, 200);
        assert_eq!(csv.bytes.len() as i64, csv_file["sizeBytes"].as_i64().unwrap_or(-1));

        let twice = app.errors_as(Some(&planner), FREEZE, json!({ "input": input })).await;
        assert_eq!(codes(&twice), ["CONFLICT"]);
        let english = json!({ "period": "QUARTER", "year": 2017, "number": 4, "lang": "EN" });
        let en = app.data_as(Some(&planner), FREEZE, json!({ "input": english })).await["freezeReport"].clone();
        assert_eq!(en["label"], "Q4 2017");
    }
);

app_test!(
    async fn only_planners_freeze_and_only_periods_that_have_ended(app) {
        let agency = app.signed_in("syt.officer", "agency", Some("SYT")).await;
        let planner = app.signed_in("dic.planner", "planner", None).await;
        let year = json!({ "period": "YEAR", "year": 2017 });
        assert_eq!(codes(&app.errors_as(None, FREEZE, json!({ "input": year })).await), ["UNAUTHENTICATED"]);
        assert_eq!(codes(&app.errors_as(Some(&agency), FREEZE, json!({ "input": year })).await), ["FORBIDDEN"]);
        for bad in [
            json!({ "period": "YEAR", "year": 2100 }),
            json!({ "period": "QUARTER", "year": 2017, "number": 5 }),
            json!({ "period": "HALF_YEAR", "year": 2017 }),
            json!({ "period": "YEAR", "year": 2015 }),
        ] {
            let errors = app.errors_as(Some(&planner), FREEZE, json!({ "input": bad })).await;
            assert_eq!(codes(&errors), ["BAD_INPUT"], "{bad}");
        }
        let listed = app.data(SNAPSHOTS, json!({})).await["reportSnapshots"].clone();
        assert_eq!(listed, json!([]), "refusals store nothing");
    }
);

app_test!(
    async fn the_atom_feed_carries_status_changes(app) {
        let empty = get(&app, "/feeds/changes.atom").await;
        assert_eq!(empty.status, 200);
        assert!(empty.content_type.starts_with("application/atom+xml"));
        let token = app.signed_in("syt.officer", "agency", Some("SYT")).await;
        let input = json!({ "taskNumber": 24, "status": "IN_PROGRESS", "progress": 40,
            "effectiveOn": "2017-06-05", "note": "Đã triển khai phần mềm <HIS>" });
        app.data_as(Some(&token), UPDATE, json!({ "input": input })).await;
        let feed = get(&app, "/feeds/changes.atom").await.text();
        let doc = roxmltree::Document::parse(&feed).expect("the feed is well-formed XML");
        let entries: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("entry")).collect();
        assert_eq!(entries.len(), 1);
        let title = entries[0]
            .children()
            .find(|n| n.has_tag_name("title"))
            .and_then(|n| n.text())
            .unwrap_or_default();
        assert_eq!(title, "Nhiệm vụ 24: Đang triển khai 40%");
        assert!(feed.contains("Đã triển khai phần mềm &lt;HIS&gt;"));
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_command_writes_the_whole_set_offline() {
    let app = TestApp::spawn(egov_tracker_tests::Backend::Sqlite).await;
    let out = app.config.data_dir.join("out");
    let server = env!("CARGO_BIN_EXE_egov-tracker-under-test");
    let run = |args: Vec<String>| {
        std::process::Command::new(server)
            .arg("--data-dir")
            .arg(&app.config.data_dir)
            .args(args)
            .env("RUST_LOG", "warn")
            .env_remove("DATABASE_URL")
            .output()
            .expect("the command runs")
    };
    let args = |lang: &str| {
        ["report", "--as-of", "2017-12-31", "--lang", lang, "--out"]
            .map(String::from)
            .into_iter()
            .chain([out.display().to_string()])
            .collect::<Vec<_>>()
    };
    let refused = run(args("fr"));
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--lang must be vi or en"));

    let done = run(args("vi"));
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .expect("the output directory")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .collect();
    names.sort();
    let kpis = app.data("{ kpis { code } }", json!({})).await["kpis"]
        .as_array()
        .map(Vec::len)
        .unwrap_or_default();
    assert_eq!(names.len(), (5 + kpis) * 2 + 3, "{names:?}");
    for name in [
        "egov-ranking-2017-12-31.png",
        "egov-architecture-2017-12-31.svg",
        "egov-kpi-ICT_RANK-2017-12-31.svg",
        "egov-summary-2017-12-31.pdf",
        "egov-tasks-2017-12-31.csv",
        "egov-tasks-2017-12-31.xlsx",
    ] {
        assert!(names.iter().any(|n| n == name), "{name} in {names:?}");
    }
    let pdf = std::fs::read(out.join("egov-summary-2017-12-31.pdf")).expect("the PDF");
    let served = get(&app, "/reports/summary.pdf?asOf=2017-12-31").await;
    assert_eq!(
        pdf, served.bytes,
        "offline and served reports are the same bytes"
    );
    assert!(String::from_utf8_lossy(&done.stdout).contains(&format!("{} files", names.len())));
}
