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

app_test!(
    async fn components_filter_by_kind_lifecycle_owner_and_scope(app) {
        let data = app
            .data(
                r#"{ networks: architectureComponents(kind: NETWORK) { code kind }
                     planned: architectureComponents(lifecycle: PLANNED, layer: INTEGRATION) { code lifecycle }
                     dic: architectureComponents(ownerCode: "STTTT") { code ownerAgency { code } }
                     national: architectureComponents(scope: NATIONAL) { code external } }"#,
                json!({}),
            )
            .await;
        assert!(data["networks"].as_array().is_some_and(|c| !c.is_empty() && c.iter().all(|x| x["kind"] == "NETWORK")));
        assert!(codes_of(&data["planned"]).contains(&"LGSP".to_owned()));
        let dic = data["dic"].as_array().cloned().unwrap_or_default();
        assert!(dic.len() >= 3 && dic.iter().all(|c| c["ownerAgency"]["code"] == "STTTT"));
        assert!(codes_of(&data["national"]).contains(&"NATIONAL_PUBLIC_SERVICE_PORTAL".to_owned()));
        let errors = app.errors(r#"{ architectureComponents(ownerCode: "NOPE") { code } }"#, json!({})).await;
        assert_eq!(codes(&errors), ["BAD_INPUT"]);
    }
);

app_test!(
    async fn coverage_traces_components_to_tasks_and_finds_the_gaps(app) {
        let data = app
            .data(
                r#"{ architectureCoverage(asOf: "2018-01-01") {
                      asOf layers { layer components { component { code } tasks { task { number } status progress } } }
                      undeliveredComponents { code external }
                      tasksWithoutComponents { number }
                      kpisWithoutTasks { code } } }"#,
                json!({}),
            )
            .await;
        let coverage = &data["architectureCoverage"];
        assert_eq!(coverage["asOf"], "2018-01-01");
        let layers = coverage["layers"].as_array().cloned().unwrap_or_default();
        assert_eq!(layers.len(), 10, "every layer");
        let integration = layers.iter().find(|l| l["layer"] == "INTEGRATION").expect("integration layer");
        let lgsp = integration["components"]
            .as_array()
            .and_then(|c| c.iter().find(|x| x["component"]["code"] == "LGSP").cloned())
            .expect("LGSP");
        assert_eq!(lgsp["tasks"], json!([{ "task": { "number": 6 }, "status": "NOT_STARTED", "progress": 0 }]));
        assert!(codes_of(&coverage["undeliveredComponents"]).contains(&"NGSP".to_owned()), "national systems are not the province's to build");
        let without = numbers_of(&coverage["tasksWithoutComponents"]);
        assert!(without.contains(&2) && without.contains(&10), "propaganda and training build no system: {without:?}");
        assert!(coverage["kpisWithoutTasks"].is_array());
    }
);

app_test!(
    async fn the_catalog_exports_as_an_archimate_exchange_file(app) {
        let response = app
            .client
            .get(format!("{}/exports/architecture.xml", app.address))
            .send()
            .await
            .expect("export");
        assert_eq!(response.status(), 200);
        let headers = response.headers().clone();
        assert!(headers["content-type"].to_str().unwrap_or_default().starts_with("application/xml"));
        assert!(headers["content-disposition"].to_str().unwrap_or_default().contains("egov-architecture-"));
        let xml = response.text().await.expect("body");
        let document = roxmltree::Document::parse(&xml).expect("well-formed XML");
        let ns = "http://www.opengroup.org/xsd/archimate/3.0/";
        let xsi = "http://www.w3.org/2001/XMLSchema-instance";
        let root = document.root_element();
        assert_eq!((root.tag_name().namespace(), root.tag_name().name()), (Some(ns), "model"));
        let children: Vec<&str> = root.children().filter(|n| n.is_element()).map(|n| n.tag_name().name()).collect();
        let order = ["name", "documentation", "elements", "relationships", "propertyDefinitions"];
        let mut last = 0;
        for child in &children {
            let position = order.iter().position(|o| o == child).unwrap_or_else(|| panic!("unexpected <{child}>"));
            assert!(position >= last, "children follow the schema's sequence: {children:?}");
            last = position;
        }
        let allowed = ["BusinessActor", "BusinessInterface", "ApplicationComponent", "ApplicationService",
            "SystemSoftware", "DataObject", "CommunicationNetwork", "Node", "Principle", "Constraint"];
        let elements: Vec<roxmltree::Node> = root.descendants().filter(|n| n.has_tag_name((ns, "element"))).collect();
        assert_eq!(elements.len(), 58, "every component");
        let mut ids = std::collections::HashSet::new();
        for element in &elements {
            let id = element.attribute("identifier").expect("identifier");
            assert!(ids.insert(id.to_owned()), "identifiers are unique");
            assert!(allowed.contains(&element.attribute((xsi, "type")).unwrap_or_default()));
            assert!(element.children().any(|n| n.has_tag_name((ns, "name"))), "{id} has a name");
        }
        let lgsp = elements.iter().find(|e| e.attribute("identifier") == Some("id-LGSP")).expect("LGSP");
        let vi_name = lgsp.children().find(|n| n.has_tag_name((ns, "name")) && n.attribute(("http://www.w3.org/XML/1998/namespace", "lang")) == Some("vi")).and_then(|n| n.text());
        assert!(vi_name.is_some_and(|n| n.contains("tích hợp")), "Vietnamese names survive: {vi_name:?}");
        let relationships: Vec<roxmltree::Node> = root.descendants().filter(|n| n.has_tag_name((ns, "relationship"))).collect();
        assert_eq!(relationships.len(), 98, "every relation");
        for r in &relationships {
            for end in ["source", "target"] {
                assert!(ids.contains(r.attribute(end).unwrap_or_default()), "{end} names an element");
            }
        }
        let definitions: std::collections::HashSet<&str> = root
            .descendants()
            .filter(|n| n.has_tag_name((ns, "propertyDefinition")))
            .filter_map(|n| n.attribute("identifier"))
            .collect();
        assert!(root
            .descendants()
            .filter(|n| n.has_tag_name((ns, "property")))
            .all(|p| definitions.contains(p.attribute("propertyDefinitionRef").unwrap_or_default())));
        let again = app.client.get(format!("{}/exports/architecture.xml", app.address)).send().await.expect("export").text().await.expect("body");
        assert_eq!(again, xml, "the export is deterministic");
    }
);
