//! Reminders (đôn đốc) end to end: `egov-tracker remind --as-of` decides the day's reminders,
//! shows them to the agency's accounts and mails one digest per agency per day to a real SMTP
//! server (aiosmtpd, `tests/smtp/sink.py`), read back from what it received.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use sea_orm::ConnectionTrait;

use super::*;

const SERVER: &str = env!("CARGO_BIN_EXE_egov-tracker-under-test");
const SYT_EMAIL: &str = "vanthu.syt@haiduong.gov.vn";
const DIC_EMAIL: &str = "theodoi.stttt@haiduong.gov.vn";

/// A running aiosmtpd that keeps every message it accepts as a text file.
struct SmtpSink {
    port: u16,
    dir: PathBuf,
    child: Option<tokio::process::Child>,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl SmtpSink {
    /// An address where no server listens yet.
    fn down() -> SmtpSink {
        let dir = std::env::temp_dir().join(format!("egov-smtp-{}", uuid::Uuid::new_v4()));
        SmtpSink {
            port: free_port(),
            dir,
            child: None,
        }
    }

    async fn start() -> SmtpSink {
        let mut sink = SmtpSink::down();
        sink.up().await;
        sink
    }

    /// Starts the server on this sink's port and waits until it accepts connections.
    async fn up(&mut self) {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/smtp/sink.py");
        let child = tokio::process::Command::new("python3")
            .arg(script)
            .arg(self.port.to_string())
            .arg(&self.dir)
            .stdout(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("python3 runs the SMTP sink (pip install aiosmtpd)");
        self.child = Some(child);
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port))
                .await
                .is_ok()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the SMTP sink did not start on port {}", self.port);
    }

    fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received so far, in arrival order.
    fn messages(&self) -> Vec<String> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        files.retain(|p| p.extension().is_some_and(|e| e == "txt"));
        files.sort();
        files
            .iter()
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .map(|m| m.replace("\r\n", "\n"))
            .collect()
    }

    /// The messages whose envelope names `address`.
    fn to(&self, address: &str) -> Vec<String> {
        self.messages()
            .into_iter()
            .filter(|m| m.lines().next().is_some_and(|l| l.contains(address)))
            .collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Runs `egov-tracker remind` on the app's database; returns its standard output.
async fn remind(app: &TestApp, as_of: &str, smtp: Option<&str>) -> String {
    let mut command = tokio::process::Command::new(SERVER);
    command
        .arg("--data-dir")
        .arg(&app.config.data_dir)
        .args(["remind", "--as-of", as_of])
        .env("RUST_LOG", "warn")
        .env_remove("DATABASE_URL")
        .env_remove("EGOV_SMTP_URL")
        .env_remove("EGOV_PUBLIC_URL");
    if let Some(url) = &app.config.database_url {
        command.arg("--database-url").arg(url.expose());
    }
    if let Some(smtp) = smtp {
        command.args(["--smtp-url", smtp]);
    }
    let output = command.output().await.expect("remind runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "remind failed: {stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// Accounts with addresses: an officer of Sở Y tế and a DIC planner.
async fn accounts(app: &TestApp) -> (String, String) {
    let planner = app.signed_in("dic.planner", "planner", None).await;
    let syt = app.signed_in("syt.officer", "agency", Some("SYT")).await;
    let update = "mutation($u: String!, $e: String) { updateUser(input: { username: $u, email: $e }) { email } }";
    let set = app
        .data_as(
            Some(&planner),
            update,
            json!({ "u": "syt.officer", "e": SYT_EMAIL }),
        )
        .await;
    assert_eq!(set["updateUser"]["email"], SYT_EMAIL);
    app.data_as(
        Some(&syt),
        update,
        json!({ "u": "syt.officer", "e": SYT_EMAIL }),
    )
    .await;
    app.data_as(
        Some(&planner),
        update,
        json!({ "u": "dic.planner", "e": DIC_EMAIL }),
    )
    .await;
    let refused = app
        .errors_as(
            Some(&syt),
            update,
            json!({ "u": "dic.planner", "e": "x@y.vn" }),
        )
        .await;
    assert_eq!(
        codes(&refused),
        ["FORBIDDEN"],
        "an officer changes only its own address"
    );
    let bad = app
        .errors_as(
            Some(&planner),
            update,
            json!({ "u": "syt.officer", "e": "không phải thư" }),
        )
        .await;
    assert_eq!(codes(&bad), ["BAD_INPUT"]);
    (planner, syt)
}

app_test!(
    async fn each_agency_gets_one_digest_a_day_with_its_items_and_sees_them_in_the_app(app) {
        let sink = SmtpSink::start().await;
        let (_planner, syt) = accounts(&app).await;

        let out = remind(&app, "2018-12-01", Some(&sink.url())).await;
        assert!(out.contains("sent"), "{out}");
        let digests = sink.to(SYT_EMAIL);
        assert_eq!(digests.len(), 1, "one digest for Sở Y tế: {out}");
        let digest = &digests[0];
        assert!(digest.contains("Subject: [egov-tracker] Nhắc việc ngày 01/12/2018 — Sở Y tế"), "{digest}");
        let (vi, en) = digest.split_once("\n---\n").expect("Vietnamese, then English");
        assert!(vi.contains("Nhiệm vụ 24 đến hạn ngày 31/12/2018 (còn 30 ngày)"), "{vi}");
        assert!(vi.contains("/tasks/24"));
        assert!(en.contains("Task 24 is due on 31 Dec 2018 (30 days left)"), "{en}");
        let planners = sink.to(DIC_EMAIL);
        assert_eq!(planners.len(), 1, "one digest of late agencies for planners");
        assert!(planners[0].contains("Các đơn vị chậm"), "{}", planners[0]);
        assert!(planners[0].contains("quá hạn"));

        remind(&app, "2018-12-01", Some(&sink.url())).await;
        assert_eq!(sink.to(SYT_EMAIL).len(), 1, "a second pass the same day mails nothing new");
        assert_eq!(sink.to(DIC_EMAIL).len(), 1);

        let query = "{ notifications(first: 50) { unreadCount nodes { id kind textVi link readAt } } }";
        let seen = app.data_as(Some(&syt), query, json!({})).await["notifications"].clone();
        let nodes = seen["nodes"].as_array().cloned().unwrap_or_default();
        let due = nodes.iter().find(|n| n["kind"] == "DUE_IN_30").cloned().unwrap_or_default();
        assert_eq!(due["link"], "/tasks/24");
        assert!(due["textVi"].as_str().is_some_and(|t| t.contains("Nhiệm vụ 24")));
        assert_eq!(seen["unreadCount"].as_u64(), Some(nodes.len() as u64));
        let marked = app
            .data_as(Some(&syt), "mutation { markNotificationsRead }", json!({}))
            .await;
        assert_eq!(marked["markNotificationsRead"].as_u64(), Some(nodes.len() as u64));
        let after = app.data_as(Some(&syt), query, json!({})).await;
        assert_eq!(after["notifications"]["unreadCount"], 0);
        assert_eq!(codes(&app.errors(query, json!({})).await), ["UNAUTHENTICATED"]);

        remind(&app, "2018-12-24", Some(&sink.url())).await;
        let digests = sink.to(SYT_EMAIL);
        assert_eq!(digests.len(), 2, "a new day with a new reminder brings a new digest");
        assert!(digests[1].contains("còn 7 ngày"), "{}", digests[1]);
        assert!(!digests[1].contains("còn 30 ngày"), "an item is mailed once");
    }
);

app_test!(
    async fn an_smtp_outage_delays_the_digest_and_it_arrives_once_the_server_is_back(app) {
        let mut sink = SmtpSink::down();
        accounts(&app).await;
        let out = remind(&app, "2018-12-01", Some(&sink.url())).await;
        assert!(out.contains("0 sent, 2 failed"), "{out}");
        let row = app
            .db
            .query_one_raw(sea_orm::Statement::from_string(
                app.db.get_database_backend(),
                "SELECT status, attempts, last_error FROM mail_outbox ORDER BY id LIMIT 1",
            ))
            .await
            .ok()
            .flatten()
            .expect("the digest is kept in the outbox");
        assert_eq!(row.try_get::<String>("", "status").ok().as_deref(), Some("PENDING"));
        assert_eq!(row.try_get::<i32>("", "attempts").ok(), Some(1));
        assert!(row.try_get::<Option<String>>("", "last_error").ok().flatten().is_some());

        sink.up().await;
        let out = remind(&app, "2018-12-01", Some(&sink.url())).await;
        assert!(out.contains("0 sent, 0 failed"), "the retry waits for its time: {out}");
        // Thirty seconds pass: the retry falls due.
        app.db
            .execute_unprepared("UPDATE mail_outbox SET next_attempt_at = created_at")
            .await
            .expect("the outbox is writable");
        let out = remind(&app, "2018-12-01", Some(&sink.url())).await;
        assert!(out.contains("2 sent"), "{out}");
        assert_eq!(sink.to(SYT_EMAIL).len(), 1);
        assert_eq!(sink.to(DIC_EMAIL).len(), 1);
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_postgres_mail_each_digest_once() {
    let app = TestApp::spawn(egov_tracker_tests::Backend::Postgres).await;
    let sink = SmtpSink::start().await;
    accounts(&app).await;
    let url = sink.url();
    let (a, b) = tokio::join!(
        remind(&app, "2018-12-01", Some(&url)),
        remind(&app, "2018-12-01", Some(&url))
    );
    assert!(a.contains("sent") && b.contains("sent"), "{a}{b}");
    assert_eq!(sink.to(SYT_EMAIL).len(), 1, "{a}{b}");
    assert_eq!(sink.to(DIC_EMAIL).len(), 1);
}

app_test!(
    async fn without_an_smtp_server_reminders_still_reach_the_app(app) {
        let (_planner, syt) = accounts(&app).await;
        let out = remind(&app, "2017-12-16", None).await;
        assert!(out.contains("nothing mailed"), "{out}");
        let seen = app
            .data_as(Some(&syt), "{ notifications { nodes { kind link textVi textEn } } }", json!({}))
            .await;
        let nodes = seen["notifications"]["nodes"].as_array().cloned().unwrap_or_default();
        let round = nodes
            .iter()
            .find(|n| n["kind"] == "ROUND_DUE_SOON")
            .cloned()
            .unwrap_or_default();
        assert_eq!(round["link"], "/rounds/2017-Q4", "{nodes:?}");
        assert!(round["textEn"].as_str().is_some_and(|t| t.contains("due by 18 Dec 2017")));
        let vi = round["textVi"].as_str().unwrap_or_default().to_owned();
        assert!(vi.contains("Quý IV/2017, 6 tháng cuối năm 2017, Năm 2017"), "one item for the reports sharing a deadline: {vi}");
        let feed = app.client.get(format!("{}/feeds/agencies/SYT.atom", app.address)).send().await.expect("feed");
        assert_eq!(feed.status(), 200);
        let feed = feed.text().await.unwrap_or_default();
        assert!(feed.contains("Quý IV/2017") && feed.contains("/rounds/2017-Q4"), "{feed}");
        let unknown = app.client.get(format!("{}/feeds/agencies/NOPE.atom", app.address)).send().await.expect("feed");
        assert_eq!(unknown.status(), 404);
        let on_task_24 = nodes.iter().filter(|n| n["kind"] == "ROUND_DUE_SOON" && n["textVi"].as_str().is_some_and(|t| t.contains("nhiệm vụ 24"))).count();
        assert_eq!(on_task_24, 1);
    }
);

const SNAPSHOTS: &str =
    "{ reportSnapshots { id label asOf frozenBy note pdfUrl files { name url } } }";

app_test!(
    async fn a_period_past_its_deadline_is_frozen_once_even_after_a_restart(app) {
        // The newest quarter whose deadline has passed, and its data window.
        let calendar = app.data("{ reportingCalendar { recentPeriods } }", json!({})).await;
        let quarters: Vec<String> = calendar["reportingCalendar"]["recentPeriods"]
            .as_array()
            .map(|p| p.iter().filter_map(Value::as_str).filter(|p| p.contains("-Q")).map(str::to_owned).collect())
            .unwrap_or_default();
        let mut past = None;
        for code in quarters {
            let round = app
                .data("query($p: String!) { reportingRound(period: $p) { period labelVi from to deadlinePassed } }", json!({ "p": code }))
                .await["reportingRound"]
                .clone();
            if round["deadlinePassed"] == true {
                past = Some(round);
                break;
            }
        }
        let round = past.expect("a quarter whose deadline has passed");
        let (from, to) = (round["from"].as_str().unwrap_or_default(), round["to"].as_str().unwrap_or_default());

        // The database was created when that quarter's window opened; the service was down at
        // its deadline.
        app.db
            .execute_unprepared(&format!("UPDATE seed_runs SET applied_at = '{from} 03:00:00+00:00'"))
            .await
            .expect("seed_runs is writable");
        let syt = app.signed_in("syt.officer", "agency", Some("SYT")).await;
        app.data_as(
            Some(&syt),
            "mutation($on: Date) { updateTaskStatus(input: { taskNumber: 24, progress: 35, effectiveOn: $on }) { version } }",
            json!({ "on": to }),
        )
        .await;

        let planner = app.signed_in("dic.planner", "planner", None).await;
        remind(&app, &chrono::Utc::now().date_naive().to_string(), None).await;
        let listed = app.data_as(Some(&planner), SNAPSHOTS, json!({})).await["reportSnapshots"].clone();
        let all = listed.as_array().cloned().unwrap_or_default();
        let quarter: Vec<&Value> = all.iter().filter(|s| s["asOf"] == to).collect();
        assert!(!quarter.is_empty(), "the quarter is frozen as of its cut-off {to}: {all:?}");
        let frozen = quarter[0];
        assert_eq!(frozen["frozenBy"], "egov-tracker");
        assert!(frozen["note"].as_str().is_some_and(|n| n.contains("Tự động chốt")), "{frozen}");
        let files: Vec<&str> = frozen["files"].as_array().map(|f| f.iter().filter_map(|x| x["name"].as_str()).collect()).unwrap_or_default();
        assert!(files.contains(&"summary.pdf") && files.contains(&"round.csv"), "{files:?}");
        let csv_url = frozen["files"]
            .as_array()
            .and_then(|f| f.iter().find(|x| x["name"] == "round.csv"))
            .and_then(|x| x["url"].as_str())
            .unwrap_or_default()
            .to_owned();
        let csv = app
            .client
            .get(format!("{}{csv_url}", app.address))
            .bearer_auth(&planner)
            .send()
            .await
            .expect("the frozen round downloads");
        assert_eq!(csv.status(), 200);
        let csv = csv.text().await.unwrap_or_default();
        assert!(csv.contains("Sở Y tế") && csv.contains("Trễ hạn"), "the round's submissions are in the frozen report: {csv}");

        // A restart (another pass, another process) freezes nothing twice.
        remind(&app, &chrono::Utc::now().date_naive().to_string(), None).await;
        let again = app.data(SNAPSHOTS, json!({})).await["reportSnapshots"].clone();
        assert_eq!(again.as_array().map(Vec::len), Some(all.len()), "each period is frozen once");
        let labels: Vec<&str> = all.iter().filter_map(|s| s["label"].as_str()).collect();
        let mut unique = labels.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), labels.len(), "{labels:?}");
    }
);
