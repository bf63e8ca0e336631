//! Dates far outside the plan's time: accepted only from 2000-01-01 to 2100-12-31, in GraphQL,
//! in routes and on the command line.

use super::assert_healthy;
use crate::*;

app_test!(
    async fn dates_outside_the_accepted_range_are_refused_everywhere(app) {
        for date in ["+262142-12-31", "2101-01-01", "1999-12-31", "-0001-01-01"] {
            let query = "query($d: Date) { tasks(first: 1) { nodes { periods(asOf: $d) { year } } } }";
            let errors = app.errors(query, json!({ "d": date })).await;
            assert_eq!(codes(&errors), ["BAD_INPUT"], "{date}");
            let inline = format!("{{ ranking(asOf: \"{date}\") {{ score }} }}");
            let errors = app.errors(&inline, json!({})).await;
            assert_eq!(codes(&errors), ["BAD_INPUT"], "{date}");
            for route in ["/reports/ranking.png", "/reports/tasks.csv", "/"] {
                let response = app
                    .client
                    .get(format!("{}{route}", app.address))
                    .query(&[("asOf", date)])
                    .send()
                    .await
                    .expect("sent");
                assert_eq!(response.status(), 400, "{route} {date}");
                let body: Value = response.json().await.expect("JSON");
                assert_eq!(codes(body["errors"].as_array().expect("errors")), ["BAD_INPUT"]);
            }
        }
        let edge = app
            .data("{ ranking(asOf: \"2100-12-31\") { score } }", json!({}))
            .await;
        assert!(edge["ranking"].is_array());
        assert_healthy(&app).await;
    }
);
