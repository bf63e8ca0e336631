//! The HTTP surface: health, GraphiQL, request validation and query limits.

use super::*;

app_test!(
    async fn health_answers_ok_and_graphiql_is_served(app) {
        let health = app.client.get(format!("{}/healthz", app.address)).send().await.expect("healthz");
        assert_eq!(health.status(), 200);
        let page = app.client.get(format!("{}/graphql", app.address)).send().await.expect("graphiql");
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap_or_default();
        assert!(html.to_lowercase().contains("graphiql"));
    }
);

app_test!(
    async fn batched_requests_are_refused_with_400(app) {
        let (status, body) = app.post_raw(r#"[{"query":"{ plan { code } }"},{"query":"{ plan { code } }"}]"#).await;
        assert_eq!(status, 400);
        assert_eq!(body["errors"][0]["extensions"]["code"], "BATCH_NOT_SUPPORTED");
    }
);

app_test!(
    async fn malformed_json_gets_400_with_a_json_error(app) {
        let (status, body) = app.post_raw("{ this is not json").await;
        assert_eq!(status, 400);
        assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_REQUEST");
        let (status, _) = app.post_raw(r#"{"variables": {}}"#).await;
        assert_eq!(status, 400, "a body without a query is not a GraphQL request");
    }
);

app_test!(
    async fn oversized_bodies_are_refused_with_413(app) {
        let padding = " ".repeat(1024 * 1024 + 1);
        let (status, body) = app.post_raw(format!(r#"{{"query":"{{ plan {{ code }} }}"{padding}}}"#)).await;
        assert_eq!(status, 413);
        assert_eq!(body["errors"][0]["extensions"]["code"], "PAYLOAD_TOO_LARGE");
    }
);

app_test!(
    async fn unknown_fields_are_graphql_errors_with_a_code(app) {
        let errors = app.errors("{ plan { code nonsense } }", json!({})).await;
        assert_eq!(codes(&errors), ["BAD_INPUT"]);
        assert!(errors[0]["message"].as_str().unwrap_or_default().contains("nonsense"));
        let errors = app.errors("{ plan { code ", json!({})).await;
        assert_eq!(codes(&errors), ["BAD_INPUT"]);
    }
);

app_test!(
    async fn queries_nested_deeper_than_15_are_refused(app) {
        let mut query = String::from("{ task(number: 1) { number ");
        for _ in 0..8 {
            query.push_str("components { dependsOn { code ");
        }
        for _ in 0..8 {
            query.push_str("} } ");
        }
        query.push_str("} }");
        let errors = app.errors(&query, json!({})).await;
        assert_eq!(codes(&errors), ["BAD_INPUT"]);
        assert!(errors[0]["message"].as_str().unwrap_or_default().to_lowercase().contains("nested"));
    }
);

app_test!(
    async fn queries_costing_more_than_500_are_refused_but_the_dashboard_fits(app) {
        let errors = app
            .errors(
                "{ tasks(first: 100) { nodes { number titleVi status progress leadAgencies { nameVi } } } }",
                json!({}),
            )
            .await;
        assert_eq!(codes(&errors), ["BAD_INPUT"]);
        assert!(errors[0]["message"].as_str().unwrap_or_default().to_lowercase().contains("complex"));
        let data = app
            .data(
                "{ tasks(first: 27) { totalCount nodes { number titleVi status progress leadAgencies { nameVi } cooperatingAgencies { nameVi } latestReport { status progress effectiveOn note agency { nameVi } } } } }",
                json!({}),
            )
            .await;
        assert_eq!(numbers_of(&data["tasks"]["nodes"]).len(), 27);
    }
);

app_test!(
    async fn responses_keep_vietnamese_text_intact(app) {
        let data = app.data(r#"{ agency(code: "SLDTBXH") { nameVi } }"#, json!({})).await;
        assert_eq!(data["agency"]["nameVi"], "Sở Lao động - Thương binh và Xã hội");
    }
);
