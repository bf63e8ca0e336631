//! KPIs: units, direction, baselines, stepped targets and sourced measurements.

use super::*;

const KPI: &str = "query($code: String!) { kpi(code: $code) {
    code nameVi nameEn unit direction baseline { year value } targets { year value }
    measurements { year value source } clause definition objective { code } tasks { number }
} }";

async fn kpi(app: &TestApp, code: &str) -> Value {
    app.data(KPI, json!({ "code": code })).await["kpi"].clone()
}

app_test!(
    async fn online_services_have_stepped_targets_for_2017_and_2020(app) {
        let level3 = kpi(&app, "DVC_LEVEL3").await;
        assert_eq!(level3["unit"], "%");
        assert_eq!(level3["direction"], "HIGHER_IS_BETTER");
        assert_eq!(level3["targets"], json!([{ "year": 2017, "value": 30.0 }, { "year": 2020, "value": 60.0 }]));
        assert_eq!(level3["clause"], "I.2.a");
        assert!(level3["definition"].as_str().unwrap_or_default().contains("điền và gửi trực tuyến"));
        let level4 = kpi(&app, "DVC_LEVEL4").await;
        assert_eq!(level4["targets"], json!([{ "year": 2017, "value": 5.0 }, { "year": 2020, "value": 10.0 }]));
        assert!(numbers_of(&level4["tasks"]).contains(&8));
    }
);

app_test!(
    async fn the_ict_rank_is_lower_is_better_from_31_towards_20(app) {
        let rank = kpi(&app, "ICT_RANK").await;
        assert_eq!(rank["direction"], "LOWER_IS_BETTER");
        assert_eq!(rank["baseline"], json!({ "year": 2015, "value": 31.0 }));
        assert_eq!(rank["targets"], json!([{ "year": 2017, "value": 20.0 }]));
        assert_eq!(rank["objective"]["code"], "I.2.b");
        let measurements = rank["measurements"].as_array().cloned().unwrap_or_default();
        assert!(!measurements.is_empty());
        assert!(measurements.iter().all(|m| !m["source"].as_str().unwrap_or_default().is_empty()));
    }
);

app_test!(
    async fn the_plan_sets_at_least_eight_kpis_each_with_a_target_or_source(app) {
        let data = app
            .data("{ kpis { code nameVi nameEn clause targets { year } measurements { year } } }", json!({}))
            .await;
        let kpis = data["kpis"].as_array().cloned().unwrap_or_default();
        assert!(kpis.len() >= 8);
        for code in ["DVC_LEVEL3", "DVC_LEVEL4", "PORTAL_INTEGRATION", "EDOC_EXCHANGE", "EDOC_SIGNED",
                     "ONE_STOP_MODERN", "ICT_RANK", "IT_STAFF", "OFFICIAL_EMAIL"] {
            let kpi = kpis.iter().find(|k| k["code"] == code).unwrap_or_else(|| panic!("{code} is seeded"));
            assert!(!kpi["targets"].as_array().is_none_or(Vec::is_empty), "{code} has targets");
            assert!(kpi["clause"].is_string());
        }
        for kpi in &kpis {
            let has_something = !kpi["targets"].as_array().is_none_or(Vec::is_empty)
                || !kpi["measurements"].as_array().is_none_or(Vec::is_empty);
            assert!(has_something, "{} has a target or a measurement", kpi["code"]);
        }
    }
);

app_test!(
    async fn an_unknown_kpi_is_null(app) {
        let data = app.data(r#"{ kpi(code: "NOPE") { code } }"#, json!({})).await;
        assert!(data["kpi"].is_null());
    }
);
