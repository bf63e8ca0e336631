//! Attachments to status reports, sent as GraphQL multipart requests: what is accepted (the type
//! read from the bytes), what is refused with nothing of the report stored, how names are kept,
//! and that signed-in users download exactly what was sent.

use api::services::attachments::Limits;
use entities::{attachment_file, history_attachment};
use sea_orm::{EntityTrait, PaginatorTrait};

use super::*;

const UPDATE: &str = "mutation($input: UpdateTaskStatusInput!) {
    updateTaskStatus(input: $input) { number version }
}";
const HISTORY: &str = "{ task(number: 24) {
    version
    history { version attachments { fileName contentType size sha256 url } }
} }";

/// A small but well-formed PDF.
const PDF: &[u8] = b"%PDF-1.4\n\
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n\
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n\
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 72 72] >> endobj\n\
trailer << /Root 1 0 R >>\n%%EOF\n";

/// A 1x1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];

/// The start of a Windows executable (the DOS stub), renamed and declared as a PDF.
fn executable() -> Vec<u8> {
    let mut bytes = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00".to_vec();
    bytes.extend_from_slice(b"This program cannot be run in DOS mode.\r\r\n$");
    bytes.resize(512, 0);
    bytes
}

/// One file of a multipart request: its name, declared type and bytes.
struct Part<'a>(&'a str, &'a str, &'a [u8]);

const BOUNDARY: &str = "egov-test-boundary-7f3a";

/// A GraphQL multipart request body (operations, map, files) for `updateTaskStatus`.
fn multipart_body(input: Value, files: &[Part<'_>]) -> Vec<u8> {
    let mut input = input;
    input["attachments"] = Value::Array(vec![Value::Null; files.len()]);
    let operations = json!({ "query": UPDATE, "variables": { "input": input } });
    multipart_raw(operations, "", files)
}

/// A multipart body with the given operations, mapping file `i` to
/// `{prefix}variables.input.attachments.{i}`.
fn multipart_raw(operations: Value, prefix: &str, files: &[Part<'_>]) -> Vec<u8> {
    let map: serde_json::Map<String, Value> = (0..files.len())
        .map(|i| {
            let path = format!("{prefix}variables.input.attachments.{i}");
            (i.to_string(), json!([path]))
        })
        .collect();
    let mut body = Vec::new();
    for (name, value) in [("operations", operations), ("map", Value::Object(map))] {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (i, Part(file_name, declared, bytes)) in files.iter().enumerate() {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{i}\"; \
                 filename=\"{file_name}\"\r\nContent-Type: {declared}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// Posts a multipart body to `/graphql` with a bearer token; the status and the JSON answer.
async fn post_multipart(app: &TestApp, token: Option<&str>, body: Vec<u8>) -> (u16, Value) {
    let mut request = app
        .client
        .post(format!("{}/graphql", app.address))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("request is sent");
    let status = response.status().as_u16();
    let text = response.text().await.expect("response body");
    let json = serde_json::from_str(&text)
        .unwrap_or_else(|err| panic!("response is JSON ({err}): {text}"));
    (status, json)
}

/// A report of 40% on task 24 by Sở Y tế, with the given files.
async fn report_with(app: &TestApp, token: &str, files: &[Part<'_>]) -> Value {
    let input = json!({ "taskNumber": 24, "progress": 40, "effectiveOn": "2017-03-01" });
    let (status, answer) = post_multipart(app, Some(token), multipart_body(input, files)).await;
    assert_eq!(status, 200, "{answer}");
    answer
}

/// The attachments of task 24's newest report, as a signed-in reader sees them.
async fn newest_attachments(app: &TestApp, token: &str) -> Vec<Value> {
    let task = app.data_as(Some(token), HISTORY, json!({})).await["task"].clone();
    let history = task["history"].as_array().cloned().unwrap_or_default();
    let newest = history
        .iter()
        .max_by_key(|entry| entry["version"].as_i64())
        .expect("task 24 has history");
    newest["attachments"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// Everything a refused report must leave as it was: the task and the stored files.
async fn stored_state(app: &TestApp) -> (Value, u64, u64) {
    (
        app.data(HISTORY, json!({})).await,
        attachment_file::Entity::find()
            .count(&app.db)
            .await
            .expect("count files"),
        history_attachment::Entity::find()
            .count(&app.db)
            .await
            .expect("count links"),
    )
}

/// The message and code of a refused report.
fn refusal(answer: &Value) -> (String, String) {
    let errors = answer["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{answer}");
    (
        errors[0]["message"].as_str().unwrap_or_default().to_owned(),
        errors[0]["extensions"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    )
}

async fn get(app: &TestApp, path: &str, token: Option<&str>) -> reqwest::Response {
    let mut request = app.client.get(format!("{}{path}", app.address));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("download answers")
}

app_test!(
    async fn a_pdf_sent_with_a_report_appears_in_its_history_and_downloads_byte_identical(app) {
        let token = app.signed_in("syt.officer", "agency", Some("SYT")).await;
        let answer = report_with(
            &app,
            &token,
            &[
                Part("Quyết định 123.pdf", "application/pdf", PDF),
                Part("screenshot.png", "image/png", PNG),
            ],
        )
        .await;
        assert!(answer.get("errors").is_none(), "{answer}");

        let listed = newest_attachments(&app, &token).await;
        assert_eq!(listed.len(), 2, "{listed:?}");
        assert_eq!(listed[0]["fileName"], "Quyết định 123.pdf");
        assert_eq!(listed[0]["contentType"], "application/pdf");
        assert_eq!(listed[0]["size"], PDF.len());
        assert_eq!(listed[1]["fileName"], "screenshot.png");
        assert_eq!(listed[1]["contentType"], "image/png");
        assert_eq!(listed[1]["size"], PNG.len());

        for (entry, sent) in listed.iter().zip([PDF, PNG]) {
            let url = entry["url"].as_str().expect("a url");
            assert!(url.starts_with("/attachments/"), "{url}");
            let response = get(&app, url, Some(&token)).await;
            assert_eq!(response.status(), 200);
            let headers = response.headers().clone();
            let header = |name: &str| {
                headers
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned()
            };
            assert_eq!(header("content-type"), entry["contentType"]);
            assert_eq!(header("x-content-type-options"), "nosniff");
            assert_eq!(header("cache-control"), "private");
            assert_eq!(header("x-content-sha256"), entry["sha256"]);
            assert!(header("content-disposition").starts_with("attachment;"));
            let bytes = response.bytes().await.expect("the file");
            assert_eq!(bytes.as_ref(), sent, "downloaded byte for byte");
        }
        let disposition = get(&app, listed[0]["url"].as_str().unwrap_or_default(), Some(&token))
            .await
            .headers()
            .get("content-disposition")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert!(
            disposition.ends_with("filename*=UTF-8''Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh%20123.pdf"),
            "{disposition}"
        );
    }
);

app_test!(
    async fn a_renamed_executable_is_refused_and_nothing_of_the_report_is_stored(app) {
        let token = app.signed_in("syt.officer", "agency", Some("SYT")).await;
        let before = stored_state(&app).await;
        let exe = executable();
        let answer = report_with(
            &app,
            &token,
            &[
                Part("minutes.pdf", "application/pdf", PDF),
                Part("decision.pdf", "application/pdf", &exe),
            ],
        )
        .await;
        let (message, code) = refusal(&answer);
        assert_eq!(code, "BAD_INPUT");
        assert!(message.contains("\"decision.pdf\""), "{message}");
        assert!(message.contains("PDF, PNG, JPEG, DOCX, XLSX, ODT or ODS"), "{message}");
        assert_eq!(stored_state(&app).await, before, "no history, no file");

        let zip = b"PK\x03\x04\x14\x00\x00\x00\x00\x00".to_vec();
        let html = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>";
        for (name, bytes) in [("archive.docx", zip.as_slice()), ("page.pdf", html.as_slice())] {
            let answer = report_with(&app, &token, &[Part(name, "application/pdf", bytes)]).await;
            let (message, code) = refusal(&answer);
            assert_eq!(code, "BAD_INPUT");
            assert!(message.contains(name), "{message}");
        }
        assert_eq!(stored_state(&app).await, before, "still nothing");
    }
);

app_test!(
    async fn a_zero_byte_file_is_refused(app) {
        let token = app.signed_in("syt.officer", "agency", Some("SYT")).await;
        let before = stored_state(&app).await;
        let answer = report_with(&app, &token, &[Part("scan.pdf", "application/pdf", b"")]).await;
        let (message, code) = refusal(&answer);
        assert_eq!(code, "BAD_INPUT");
        assert!(message.contains("\"scan.pdf\" is empty"), "{message}");
        assert_eq!(stored_state(&app).await, before);
    }
);

app_test!(
    async fn too_many_or_too_large_files_are_refused_under_the_configured_limits(
        app,
        |config| {
            config.limits.attachments = Limits {
                max_bytes: 1024,
                max_files: 2,
            }
        }
    ) {
        let token = app.signed_in("syt.officer", "agency", Some("SYT")).await;
        let before = stored_state(&app).await;
        let three = [
            Part("a.pdf", "application/pdf", PDF),
            Part("b.pdf", "application/pdf", PDF),
            Part("c.png", "image/png", PNG),
        ];
        let (message, code) = refusal(&report_with(&app, &token, &three).await);
        assert_eq!(code, "BAD_INPUT");
        assert!(message.contains("at most 2 attachments"), "{message}");

        let mut large = PDF.to_vec();
        large.resize(1025, b' ');
        let answer = report_with(&app, &token, &[Part("large.pdf", "application/pdf", &large)]).await;
        let (message, code) = refusal(&answer);
        assert_eq!(code, "BAD_INPUT");
        assert!(message.contains("\"large.pdf\"") && message.contains("at most 1 KiB"), "{message}");

        // A body beyond every file at its limit plus the allowance for the operation is cut off.
        let huge = vec![b'%'; 1024 * 1024 + 2 * 1024];
        let input = json!({ "taskNumber": 24, "progress": 40 });
        let body = multipart_body(input, &[Part("huge.pdf", "application/pdf", &huge)]);
        let (status, answer) = post_multipart(&app, Some(&token), body).await;
        assert_eq!(status, 413, "{answer}");
        assert_eq!(codes(answer["errors"].as_array().expect("errors")), ["PAYLOAD_TOO_LARGE"]);

        assert_eq!(stored_state(&app).await, before);
        let fine = report_with(&app, &token, &three[..2]).await;
        assert!(fine.get("errors").is_none(), "two small files are fine: {fine}");
    }
);

app_test!(
    async fn a_path_as_file_name_is_stored_as_a_name_only(app) {
        let token = app.signed_in("syt.officer", "agency", Some("SYT")).await;
        report_with(
            &app,
            &token,
            &[
                Part("../../x.pdf", "application/pdf", PDF),
                Part("..\\..\\Windows\\system32\\shot", "application/octet-stream", PNG),
            ],
        )
        .await;
        let listed = newest_attachments(&app, &token).await;
        let names: Vec<&str> = listed.iter().filter_map(|a| a["fileName"].as_str()).collect();
        assert_eq!(names, ["x.pdf", "shot.png"]);
        let url = listed[0]["url"].as_str().unwrap_or_default();
        assert!(url.ends_with("/x.pdf"), "{url}");
        let response = get(&app, url, Some(&token)).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.bytes().await.expect("bytes").as_ref(), PDF);
    }
);

app_test!(
    async fn only_signed_in_users_download_attachments(app) {
        let token = app.signed_in("syt.officer", "agency", Some("SYT")).await;
        report_with(&app, &token, &[Part("minutes.pdf", "application/pdf", PDF)]).await;
        let listed = app.data(HISTORY, json!({})).await["task"]["history"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|entry| entry["attachments"].as_array().cloned().unwrap_or_default())
            .collect::<Vec<_>>();
        assert_eq!(listed.len(), 1, "anyone who reads the history sees the file listed");
        let url = listed[0]["url"].as_str().unwrap_or_default().to_owned();

        let anonymous = get(&app, &url, None).await;
        assert_eq!(anonymous.status(), 401);
        let body: Value = anonymous.json().await.expect("JSON");
        assert_eq!(codes(body["errors"].as_array().expect("errors")), ["UNAUTHENTICATED"]);

        let browser = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("a client");
        let page = browser
            .get(format!("{}{url}", app.address))
            .header("accept", "text/html")
            .send()
            .await
            .expect("answers");
        assert_eq!(page.status(), 303);
        let location = page.headers()["location"].to_str().unwrap_or_default().to_owned();
        assert!(location.starts_with("/login?next=%2Fattachments%2F"), "{location}");

        let forged = get(&app, &url, Some("not-a-token")).await;
        assert_eq!(forged.status(), 401);
        let leader = app.signed_in("vice.chairman", "leader", None).await;
        assert_eq!(get(&app, &url, Some(&leader)).await.status(), 200);
        assert_eq!(get(&app, "/attachments/999999/x.pdf", Some(&leader)).await.status(), 404);
        assert_eq!(get(&app, "/attachments/abc/x.pdf", Some(&leader)).await.status(), 404);
    }
);

app_test!(
    async fn the_same_content_attached_twice_is_stored_once(app) {
        let token = app.signed_in("syt.officer", "agency", Some("SYT")).await;
        report_with(&app, &token, &[Part("minutes.pdf", "application/pdf", PDF)]).await;
        report_with(
            &app,
            &token,
            &[
                Part("minutes-copy.pdf", "application/pdf", PDF),
                Part("again.pdf", "application/pdf", PDF),
            ],
        )
        .await;
        let (_, files, links) = stored_state(&app).await;
        assert_eq!((files, links), (1, 3));
        let listed = newest_attachments(&app, &token).await;
        assert_eq!(listed[0]["sha256"], listed[1]["sha256"]);
        for entry in &listed {
            let url = entry["url"].as_str().unwrap_or_default();
            let response = get(&app, url, Some(&token)).await;
            assert_eq!(response.bytes().await.expect("bytes").as_ref(), PDF);
        }
    }
);

app_test!(
    async fn multipart_requests_keep_the_guards_of_json_ones(app) {
        let token = app.signed_in("syt.officer", "agency", Some("SYT")).await;
        let before = stored_state(&app).await;
        let input = json!({ "taskNumber": 24, "progress": 40 });
        let body = multipart_body(input.clone(), &[Part("a.pdf", "application/pdf", PDF)]);

        // A cross-site form can send multipart, but not a bearer token or the CSRF header.
        let (status, answer) = post_multipart(&app, None, body.clone()).await;
        assert_eq!(status, 415, "{answer}");
        assert_eq!(codes(answer["errors"].as_array().expect("errors")), ["UNSUPPORTED_MEDIA_TYPE"]);

        // Batched operations are refused as in JSON.
        let one = json!({ "query": UPDATE, "variables": { "input": {
            "taskNumber": 24, "progress": 40, "attachments": [null]
        } } });
        let batched = multipart_raw(json!([one]), "0.", &[Part("a.pdf", "application/pdf", PDF)]);
        let (status, answer) = post_multipart(&app, Some(&token), batched).await;
        assert_eq!(status, 400, "{answer}");
        assert_eq!(codes(answer["errors"].as_array().expect("errors")), ["BATCH_NOT_SUPPORTED"]);

        // Malformed multipart is a 400, not a crash.
        let (status, _) = post_multipart(&app, Some(&token), b"--nope\r\n".to_vec()).await;
        assert_eq!(status, 400);

        // Uploads need a signed-in reporter: the CSRF header alone, without a session, is anonymous.
        let response = app
            .client
            .post(format!("{}/graphql", app.address))
            .header("content-type", format!("multipart/form-data; boundary={BOUNDARY}"))
            .header("x-egov-csrf", "anything")
            .body(body)
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status(), 200);
        let answer: Value = response.json().await.expect("JSON");
        assert_eq!(refusal(&answer).1, "UNAUTHENTICATED");
        assert_eq!(stored_state(&app).await, before);
    }
);
