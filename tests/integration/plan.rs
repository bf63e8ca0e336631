//! The plan document, its baseline and its clauses.

use super::*;

app_test!(
    async fn the_plan_is_681_kh_ubnd_issued_on_1_april_2016(app) {
        let data = app
            .data(
                "{ plan { code issuedOn titleVi titleEn issuer implements implementsIssuedOn signedBy } }",
                json!({}),
            )
            .await;
        let plan = &data["plan"];
        assert_eq!(plan["code"], "681/KH-UBND");
        assert_eq!(plan["issuedOn"], "2016-04-01");
        assert_eq!(plan["implements"], "36a/NQ-CP");
        assert_eq!(plan["implementsIssuedOn"], "2015-10-14");
        assert_eq!(plan["issuer"], "Ủy ban nhân dân tỉnh Hải Dương");
        assert_eq!(plan["signedBy"], "Nguyễn Dương Thái");
        assert!(plan["titleVi"].as_str().unwrap_or_default().contains("Chính phủ điện tử"));
        assert!(!plan["titleEn"].as_str().unwrap_or_default().is_empty());
    }
);

app_test!(
    async fn the_baseline_states_the_figures_of_the_preamble(app) {
        let data = app
            .data("{ plan { baseline { code value unit outOf year quoteVi } } }", json!({}))
            .await;
        let facts = data["plan"]["baseline"].as_array().cloned().unwrap_or_default();
        let value = |code: &str| {
            facts
                .iter()
                .find(|f| f["code"] == code)
                .map(|f| f["value"].as_f64().unwrap_or(f64::NAN))
        };
        assert_eq!(value("DATA_NETWORK_POINTS"), Some(55.0));
        assert_eq!(value("VIDEO_CONFERENCE_POINTS"), Some(28.0));
        let rank = facts.iter().find(|f| f["unit"] == "rank").expect("a rank fact");
        assert_eq!(rank["value"], 31.0);
        assert_eq!(rank["outOf"], 63.0);
        assert_eq!(rank["year"], 2015);
        assert!(facts.iter().any(|f| f["value"] == 12.0));
        assert!(facts.iter().any(|f| f["value"] == 100.0
            && f["quoteVi"].as_str().unwrap_or_default().contains("quang hóa")));
    }
);

app_test!(
    async fn objectives_main_tasks_solutions_and_duties_follow_the_document(app) {
        let data = app
            .data(
                "{ objectives { code items { code } }
                   mainTasks { code titleVi items { code } }
                   solutions { code items { code } }
                   duties { code parties { code isGroup } items { code } } }",
                json!({}),
            )
            .await;
        assert_eq!(codes_of(&data["objectives"]), ["I.1", "I.2"]);
        assert_eq!(codes_of(&data["objectives"][1]["items"]), ["I.2.a", "I.2.b", "I.2.c"]);
        assert_eq!(
            codes_of(&data["mainTasks"]),
            ["II.1", "II.2", "II.3", "II.4", "II.5", "II.6"]
        );
        assert_eq!(data["mainTasks"][0]["titleVi"], "Xây dựng hạ tầng công nghệ thông tin");
        assert_eq!(codes_of(&data["mainTasks"][2]["items"]).len(), 4);
        assert_eq!(codes_of(&data["solutions"]), ["III.1", "III.2", "III.3"]);
        assert!(codes_of(&data["solutions"][2]["items"]).contains(&"III.3.đ".to_owned()));
        let duties = codes_of(&data["duties"]);
        assert_eq!(duties.len(), 8, "IV.1 to IV.8: {duties:?}");
        assert_eq!(codes_of(&data["duties"][1]["parties"]), ["STTTT"]);
        assert_eq!(codes_of(&data["duties"][1]["items"]).len(), 9, "IV.2 a-h with đ");
        let iv8 = &data["duties"][7]["parties"];
        assert_eq!(codes_of(iv8), ["SO_NGANH", "UBND_HUYEN"]);
        assert_eq!(iv8[0]["isGroup"], true);
    }
);

app_test!(
    async fn an_objective_traces_to_kpis_tasks_and_systems(app) {
        let data = app
            .data(
                r#"{ clause(code: "I.2.b") { kind kpis { code tasks { number components { code } } } } }"#,
                json!({}),
            )
            .await;
        let clause = &data["clause"];
        assert_eq!(clause["kind"], "OBJECTIVE");
        let kpis = clause["kpis"].as_array().cloned().unwrap_or_default();
        let rank = kpis.iter().find(|k| k["code"] == "ICT_RANK").expect("ICT_RANK measures I.2.b");
        let tasks = rank["tasks"].as_array().cloned().unwrap_or_default();
        assert!(!tasks.is_empty());
        assert!(
            tasks.iter().any(|t| !t["components"].as_array().is_none_or(Vec::is_empty)),
            "some task moving the rank builds a system"
        );
    }
);

app_test!(
    async fn an_unknown_clause_is_null_not_an_error(app) {
        let data = app.data(r#"{ clause(code: "IX.9") { code } }"#, json!({})).await;
        assert!(data["clause"].is_null());
    }
);
