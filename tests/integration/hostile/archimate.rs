//! A crafted ArchiMate exchange file must be refused while it is read, before anything is built
//! from it: elements nested thousands deep once overflowed the stack of the XML parser and
//! aborted the whole process, and a file of a hundred thousand elements is not a catalog.

use super::super::*;
use super::assert_healthy;

const IMPORT: &str =
    "mutation($xml: String!) { importArchitecture(xml: $xml) { created updated relationsAdded } }";

const OPEN: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<model xmlns="http://www.opengroup.org/xsd/archimate/3.0/" identifier="id-hostile"><elements>"#;
const CLOSE: &str = "</elements></model>";

/// A file whose elements nest `depth` deep inside `<elements>`.
fn nested(depth: usize) -> String {
    format!(
        "{OPEN}{}{}{CLOSE}",
        "<a>".repeat(depth),
        "</a>".repeat(depth)
    )
}

/// A file with `count` empty elements side by side inside `<elements>`.
fn wide(count: usize) -> String {
    format!("{OPEN}{}{CLOSE}", "<a/>".repeat(count))
}

async fn export(app: &TestApp) -> String {
    app.client
        .get(format!("{}/exports/architecture.xml", app.address))
        .send()
        .await
        .expect("export")
        .text()
        .await
        .expect("body")
}

async fn component_count(app: &TestApp) -> usize {
    let data = app
        .data("{ architectureComponents { code } }", json!({}))
        .await;
    data["architectureComponents"]
        .as_array()
        .map_or(0, Vec::len)
}

app_test!(
    async fn a_deeply_nested_or_huge_architecture_file_is_refused_while_read(app) {
        let planner = app.signed_in("dic.planner", "planner", None).await;
        let components = component_count(&app).await;
        let before = export(&app).await;

        let cases = [
            (nested(5_000), "nested deeper than"),
            (wide(100_000), "more than"),
        ];
        for (xml, says) in cases {
            assert!(xml.len() < 1024 * 1024, "the file fits in a request: {}", xml.len());
            let errors = app.errors_as(Some(&planner), IMPORT, json!({ "xml": xml })).await;
            assert_eq!(codes(&errors), ["BAD_INPUT"], "{errors:?}");
            let message = errors[0]["message"].as_str().unwrap_or_default();
            assert!(message.starts_with("architecture file: "), "{message}");
            assert!(message.contains(says), "{message}");
            assert_healthy(&app).await;
        }

        assert_eq!(component_count(&app).await, components, "no component added");
        assert_eq!(export(&app).await, before, "nothing changed");
    }
);
