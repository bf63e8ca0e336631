//! The architecture catalog: components, layers and typed relations both ways.

use super::*;

app_test!(
    async fn the_catalog_names_every_system_the_plan_names(app) {
        let data = app
            .data("{ architectureComponents { code layer kind lifecycle nameVi } }", json!({}))
            .await;
        let components = data["architectureComponents"].as_array().cloned().unwrap_or_default();
        assert!(components.len() > 20);
        let codes = codes_of(&data["architectureComponents"]);
        for code in ["LGSP", "DATA_CENTRE", "DEDICATED_NETWORK", "OFFICIAL_EMAIL", "EDOC_SYSTEM",
                     "DIGITAL_SIGNATURE", "PROVINCIAL_PORTAL", "PUBLIC_SERVICE_PORTAL", "ONE_STOP_DISTRICT"] {
            assert!(codes.contains(&code.to_owned()), "{code} is catalogued");
        }
        for layer in ["USERS", "ACCESS_CHANNELS", "PORTALS", "SERVICES", "INTEGRATION",
                      "SHARED_APPLICATIONS", "DATA", "INFRASTRUCTURE", "SECURITY", "GOVERNANCE"] {
            assert!(components.iter().any(|c| c["layer"] == layer), "layer {layer} has components");
        }
    }
);

app_test!(
    async fn the_one_stop_shop_feeds_the_provincial_then_the_national_portal(app) {
        let data = app
            .data(
                r#"{ architectureComponent(code: "ONE_STOP_DISTRICT") {
                      dependsOn { code } relations { kind component { code } } relatedTasks { number } }
                    portal: architectureComponent(code: "PUBLIC_SERVICE_PORTAL") {
                      dependsOn { code } dependents { code } } }"#,
                json!({}),
            )
            .await;
        let one_stop = &data["architectureComponent"];
        assert!(codes_of(&one_stop["dependsOn"]).contains(&"PUBLIC_SERVICE_PORTAL".to_owned()));
        assert!(numbers_of(&one_stop["relatedTasks"]).contains(&7));
        let portal = &data["portal"];
        assert!(codes_of(&portal["dependsOn"]).contains(&"NATIONAL_PUBLIC_SERVICE_PORTAL".to_owned()));
        assert!(codes_of(&portal["dependents"]).contains(&"ONE_STOP_DISTRICT".to_owned()));
    }
);

app_test!(
    async fn systems_connect_through_the_integration_platform(app) {
        let data = app
            .data(
                r#"{ architectureComponent(code: "LGSP") { layer ownerAgency { code } dependents { code } relatedTasks { number } } }"#,
                json!({}),
            )
            .await;
        let lgsp = &data["architectureComponent"];
        assert_eq!(lgsp["layer"], "INTEGRATION");
        assert_eq!(lgsp["ownerAgency"]["code"], "STTTT");
        assert_eq!(numbers_of(&lgsp["relatedTasks"]), [6]);
        let dependents = codes_of(&lgsp["dependents"]);
        assert!(dependents.contains(&"EDOC_SYSTEM".to_owned()));
        assert!(dependents.len() >= 5, "{dependents:?}");
    }
);

app_test!(
    async fn components_filter_by_layer_and_search_without_diacritics(app) {
        let data = app
            .data(
                r#"{ security: architectureComponents(layer: SECURITY) { code layer }
                     signature: architectureComponents(search: "chu ky so") { code } }"#,
                json!({}),
            )
            .await;
        let security = data["security"].as_array().cloned().unwrap_or_default();
        assert!(!security.is_empty() && security.iter().all(|c| c["layer"] == "SECURITY"));
        assert!(codes_of(&data["signature"]).contains(&"DIGITAL_SIGNATURE".to_owned()));
    }
);

app_test!(
    async fn a_task_lists_the_systems_it_builds_and_the_kpis_it_moves(app) {
        let data = app
            .data("{ task(number: 11) { components { code } kpis { code } clauses { code } } }", json!({}))
            .await;
        let task = &data["task"];
        assert!(codes_of(&task["components"]).contains(&"DIGITAL_SIGNATURE".to_owned()));
        assert!(codes_of(&task["kpis"]).contains(&"EDOC_SIGNED".to_owned()));
        assert!(codes_of(&task["clauses"]).contains(&"IV.2.h".to_owned()));
    }
);
