//! The architecture catalog as a living register: planners add and change components and
//! relations, owners move their components through their lifecycle, and every change is kept.

use super::*;

const CREATE: &str = "mutation($code: String!, $input: ComponentInput!) {
    createComponent(code: $code, input: $input) { code layer kind lifecycle ownerAgency { code } relatedTasks { number } criticality } }";
const LIFECYCLE: &str = "mutation($code: String!, $l: Lifecycle!, $on: Date, $why: String) {
    setComponentLifecycle(code: $code, lifecycle: $l, goLiveOn: $on, reason: $why) { lifecycle goLiveOn } }";
const RELATE: &str = "mutation($from: String!, $to: String!) {
    addComponentRelation(from: $from, to: $to, kind: INTEGRATES_WITH) { code dependsOn { code } } }";
const HISTORY: &str = "query($code: String!) { component(code: $code) { lifecycle history { action summary reason changedBy } } }";

fn hospital_system() -> Value {
    json!({
        "nameVi": "Hệ thống quản lý bệnh viện tuyến tỉnh",
        "nameEn": "Provincial hospital management system",
        "layer": "SERVICES", "kind": "APPLICATION", "scope": "PROVINCE",
        "ownerCode": "SYT", "criticality": "high", "taskNumbers": [24],
        "hosting": "Trung tâm tích hợp dữ liệu tỉnh"
    })
}

app_test!(
    async fn planners_add_components_and_relations_and_every_change_is_kept(app) {
        let planner = app.signed_in("dic.planner", "planner", None).await;
        let created = app
            .data_as(Some(&planner), CREATE, json!({ "code": "HOSPITAL_MIS", "input": hospital_system() }))
            .await;
        let component = &created["createComponent"];
        assert_eq!(component["lifecycle"], "PLANNED");
        assert_eq!(component["ownerAgency"]["code"], "SYT");
        assert_eq!(component["criticality"], "HIGH");
        assert_eq!(numbers_of(&component["relatedTasks"]), [24]);
        let found = app
            .data(r#"{ architectureComponents(search: "quan ly benh vien", ownerCode: "SYT") { code } }"#, json!({}))
            .await;
        assert!(codes_of(&found["architectureComponents"]).contains(&"HOSPITAL_MIS".to_owned()));

        let related = app.data_as(Some(&planner), RELATE, json!({ "from": "HOSPITAL_MIS", "to": "LGSP" })).await;
        assert_eq!(codes_of(&related["addComponentRelation"]["dependsOn"]), ["LGSP"]);
        let errors = app.errors_as(Some(&planner), RELATE, json!({ "from": "LGSP", "to": "HOSPITAL_MIS" })).await;
        assert_eq!(codes(&errors), ["BAD_INPUT"], "a cycle is refused");
        let errors = app.errors_as(Some(&planner), RELATE, json!({ "from": "HOSPITAL_MIS", "to": "NO_SUCH" })).await;
        assert_eq!(codes(&errors), ["NOT_FOUND"]);
        let lgsp = app.data(r#"{ component(code: "LGSP") { dependsOn { code } dependents { code } } }"#, json!({})).await;
        assert!(!codes_of(&lgsp["component"]["dependsOn"]).contains(&"HOSPITAL_MIS".to_owned()), "the refused cycle changed nothing");
        assert!(codes_of(&lgsp["component"]["dependents"]).contains(&"HOSPITAL_MIS".to_owned()));

        let errors = app.errors_as(Some(&planner), CREATE, json!({ "code": "HOSPITAL_MIS", "input": hospital_system() })).await;
        assert_eq!(codes(&errors), ["CONFLICT"]);
        let mut bad = hospital_system();
        bad["criticality"] = json!("urgent");
        let errors = app.errors_as(Some(&planner), CREATE, json!({ "code": "OTHER", "input": bad })).await;
        assert_eq!(codes(&errors), ["BAD_INPUT"]);
        let officer = app.signed_in("syt.officer", "agency", Some("SYT")).await;
        let errors = app.errors_as(Some(&officer), CREATE, json!({ "code": "OTHER", "input": hospital_system() })).await;
        assert_eq!(codes(&errors), ["FORBIDDEN"]);

        let history = app.data_as(Some(&planner), HISTORY, json!({ "code": "HOSPITAL_MIS" })).await;
        let actions: Vec<&str> = history["component"]["history"]
            .as_array()
            .map(|h| h.iter().filter_map(|e| e["action"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(actions, ["CREATED", "RELATION_ADDED"]);
        assert_eq!(history["component"]["history"][0]["changedBy"], "dic.planner");
        let public = app.data(HISTORY, json!({ "code": "HOSPITAL_MIS" })).await;
        assert!(public["component"]["history"][0]["changedBy"].is_null());
    }
);

app_test!(
    async fn owners_move_their_components_forward_and_only_planners_go_back_with_a_reason(app) {
        let planner = app.signed_in("dic.planner", "planner", None).await;
        app.data_as(Some(&planner), CREATE, json!({ "code": "HOSPITAL_MIS", "input": hospital_system() })).await;
        let owner = app.signed_in("syt.officer", "agency", Some("SYT")).await;
        let other = app.signed_in("sxd.officer", "agency", Some("SXD")).await;

        let moved = app
            .data_as(Some(&owner), LIFECYCLE, json!({ "code": "HOSPITAL_MIS", "l": "OPERATIONAL", "on": "2018-03-01" }))
            .await;
        assert_eq!(moved["setComponentLifecycle"], json!({ "lifecycle": "OPERATIONAL", "goLiveOn": "2018-03-01" }));
        let errors = app.errors_as(Some(&other), LIFECYCLE, json!({ "code": "HOSPITAL_MIS", "l": "RETIRING" })).await;
        assert_eq!(codes(&errors), ["FORBIDDEN"], "another agency's component");
        let errors = app.errors_as(Some(&owner), LIFECYCLE, json!({ "code": "HOSPITAL_MIS", "l": "BUILDING", "why": "rework" })).await;
        assert_eq!(codes(&errors), ["FORBIDDEN"], "owners only move forward");
        let errors = app.errors_as(Some(&planner), LIFECYCLE, json!({ "code": "HOSPITAL_MIS", "l": "BUILDING" })).await;
        assert_eq!(codes(&errors), ["BAD_INPUT"], "going back needs a reason");
        let errors = app.errors_as(None, LIFECYCLE, json!({ "code": "HOSPITAL_MIS", "l": "RETIRED" })).await;
        assert_eq!(codes(&errors), ["UNAUTHENTICATED"]);
        let back = app
            .data_as(Some(&planner), LIFECYCLE, json!({ "code": "HOSPITAL_MIS", "l": "BUILDING", "why": "Nâng cấp theo Quyết định 12/QĐ-SYT" }))
            .await;
        assert_eq!(back["setComponentLifecycle"]["lifecycle"], "BUILDING");
        let retired = app
            .data_as(Some(&planner), "mutation { retireComponent(code: \"HOSPITAL_MIS\", reason: \"Thay bằng hệ thống quốc gia\") { lifecycle } }", json!({}))
            .await;
        assert_eq!(retired["retireComponent"]["lifecycle"], "RETIRED");

        let history = app.data_as(Some(&planner), HISTORY, json!({ "code": "HOSPITAL_MIS" })).await;
        let entries = history["component"]["history"].as_array().cloned().unwrap_or_default();
        let summaries: Vec<&str> = entries.iter().filter_map(|e| e["summary"].as_str()).collect();
        assert_eq!(summaries.len(), 4, "{summaries:?}");
        assert!(summaries[1].contains("PLANNED → OPERATIONAL") && summaries[1].contains("go-live 2018-03-01"));
        assert_eq!(entries[1]["changedBy"], "syt.officer");
        assert_eq!(entries[2]["reason"], "Nâng cấp theo Quyết định 12/QĐ-SYT");
        assert!(summaries[3].contains("BUILDING → RETIRED"));
    }
);

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

const IMPORT: &str =
    "mutation($xml: String!) { importArchitecture(xml: $xml) { created updated relationsAdded } }";

app_test!(
    async fn the_exchange_file_round_trips_through_an_empty_catalog(app) {
        let planner = app.signed_in("dic.planner", "planner", None).await;
        let before = export(&app).await;
        use sea_orm::EntityTrait;
        entities::component::Entity::delete_many().exec(&app.db).await.expect("empty the catalog");
        let empty = app.data("{ architectureComponents { code } }", json!({})).await;
        assert_eq!(empty["architectureComponents"], json!([]));

        let imported = app.data_as(Some(&planner), IMPORT, json!({ "xml": before })).await;
        assert_eq!(imported["importArchitecture"], json!({ "created": 58, "updated": 0, "relationsAdded": 98 }));
        assert_eq!(export(&app).await, before, "export, import into an empty catalog, export again: the same model");
        let again = app.data_as(Some(&planner), IMPORT, json!({ "xml": before })).await;
        assert_eq!(again["importArchitecture"], json!({ "created": 0, "updated": 0, "relationsAdded": 0 }), "importing twice changes nothing");
        let lgsp = app.data(r#"{ component(code: "LGSP") { relatedTasks { number } dependents { code } } }"#, json!({})).await;
        assert_eq!(numbers_of(&lgsp["component"]["relatedTasks"]), [6]);
    }
);

app_test!(
    async fn a_malformed_or_invalid_file_changes_nothing(app) {
        let planner = app.signed_in("dic.planner", "planner", None).await;
        let before = export(&app).await;
        let broken = [
            "<model".to_owned(),
            before.replace("<model xmlns=\"http://www.opengroup.org/xsd/archimate/3.0/\"", "<model xmlns=\"urn:other\""),
            before.replacen(">INTEGRATION<", ">NOWHERE<", 1),
            before.replacen("target=\"id-", "target=\"id-MISSING_", 1),
            before.replacen("Hệ thống tích hợp", "Hệ thống tích hợp mới", 1).replacen("source=\"id-", "source=\"id-NOPE", 1),
        ];
        for xml in broken {
            let errors = app.errors_as(Some(&planner), IMPORT, json!({ "xml": xml })).await;
            assert_eq!(codes(&errors), ["BAD_INPUT"], "{}", errors[0]["message"]);
        }
        assert_eq!(export(&app).await, before, "nothing changed");
        let officer = app.signed_in("syt.officer", "agency", Some("SYT")).await;
        let errors = app.errors_as(Some(&officer), IMPORT, json!({ "xml": before })).await;
        assert_eq!(codes(&errors), ["FORBIDDEN"]);
    }
);
