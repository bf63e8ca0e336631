//! Listing tasks: filters, search with and without diacritics, and cursor pagination.

use super::*;

async fn numbers(app: &TestApp, filter: Value) -> Vec<i64> {
    let data = app
        .data(
            "query($f: TaskFilter) { tasks(first: 30, filter: $f) { totalCount nodes { number } } }",
            json!({ "f": filter }),
        )
        .await;
    let numbers = numbers_of(&data["tasks"]["nodes"]);
    assert_eq!(data["tasks"]["totalCount"], numbers.len());
    numbers
}

app_test!(
    async fn tasks_filter_by_lead_agency(app) {
        assert_eq!(numbers(&app, json!({ "leadAgencyCode": "STNMT" })).await, [20, 21, 26]);
        assert_eq!(numbers(&app, json!({ "leadAgencyCode": "SYT" })).await, [24, 26]);
        assert_eq!(numbers(&app, json!({ "leadAgencyCode": "H_TU_KY" })).await, [26]);
        assert_eq!(numbers(&app, json!({ "leadAgencyCode": "UBND_HUYEN" })).await, [26]);
        assert_eq!(numbers(&app, json!({ "leadAgencyCode": "UBND_XA" })).await, [27]);
    }
);

app_test!(
    async fn an_unknown_lead_agency_code_is_bad_input(app) {
        let errors = app
            .errors(r#"{ tasks(filter: { leadAgencyCode: "XYZ" }) { totalCount } }"#, json!({}))
            .await;
        assert_eq!(codes(&errors), ["BAD_INPUT"]);
        assert!(errors[0]["message"].as_str().unwrap_or_default().contains("XYZ"));
    }
);

app_test!(
    async fn tasks_filter_by_year_status_and_overdue_date(app) {
        let in_2019 = numbers(&app, json!({ "activeInYear": 2019 })).await;
        assert!(in_2019.contains(&2) && in_2019.contains(&3) && in_2019.contains(&4));
        assert!(!in_2019.contains(&1), "task 1 ended in 2017");
        assert!(in_2019.contains(&26) && !in_2019.contains(&24), "task 24 ran 2016-2018");
        let in_2015 = numbers(&app, json!({ "activeInYear": 2015 })).await;
        assert!(in_2015.is_empty());
        let in_2018 = numbers(&app, json!({ "activeInYear": 2018, "leadAgencyCode": "KBNN" })).await;
        assert_eq!(in_2018, [15], "task 15 runs 2017-2018");

        assert_eq!(numbers(&app, json!({ "status": "NOT_STARTED" })).await.len(), 27);
        assert!(numbers(&app, json!({ "status": "COMPLETED" })).await.is_empty());

        let overdue_2018 = numbers(&app, json!({ "overdueAsOf": "2018-01-01" })).await;
        let expected: Vec<i64> = vec![1, 5, 12, 13, 18, 19, 23, 25, 27];
        assert_eq!(overdue_2018, expected, "spans ending in 2017 are overdue on 1 January 2018");
        assert!(numbers(&app, json!({ "overdueAsOf": "2017-12-31" })).await.is_empty());
        let overdue_2021 = numbers(&app, json!({ "overdueAsOf": "2021-01-01" })).await;
        assert_eq!(overdue_2021.len(), 25, "every span, but not the annual and ongoing tasks");
    }
);

app_test!(
    async fn search_matches_vietnamese_with_or_without_diacritics(app) {
        assert_eq!(numbers(&app, json!({ "search": "chu ky so" })).await, [11]);
        assert_eq!(numbers(&app, json!({ "search": "chữ ký số" })).await, [11]);
        assert_eq!(numbers(&app, json!({ "search": "CHỮ KÝ SỐ" })).await, [11]);
        let portals = numbers(&app, json!({ "search": "cong thong tin dien tu" })).await;
        assert!(portals.contains(&5) && portals.contains(&26) && portals.contains(&27));
        assert_eq!(numbers(&app, json!({ "search": "digital signature" })).await, [11]);
        assert!(numbers(&app, json!({ "search": "100%_" })).await.is_empty());
        assert_eq!(numbers(&app, json!({ "search": "ISO", "leadAgencyCode": "SKHCN" })).await, [16]);
    }
);

app_test!(
    async fn pages_follow_cursors_without_gaps_or_repeats(app) {
        let query = "query($after: String) { tasks(first: 10, after: $after) {
            totalCount nodes { number } edges { cursor node { number } }
            pageInfo { hasNextPage endCursor } } }";
        let mut seen = Vec::new();
        let mut after = Value::Null;
        let mut pages = 0;
        loop {
            let data = app.data(query, json!({ "after": after })).await;
            let page = &data["tasks"];
            assert_eq!(page["totalCount"], 27);
            let numbers = numbers_of(&page["nodes"]);
            let edge_numbers: Vec<i64> = page["edges"]
                .as_array()
                .map(|e| e.iter().filter_map(|x| x["node"]["number"].as_i64()).collect())
                .unwrap_or_default();
            assert_eq!(numbers, edge_numbers);
            assert_eq!(page["pageInfo"]["endCursor"], page["edges"][numbers.len() - 1]["cursor"]);
            seen.extend(numbers);
            pages += 1;
            if page["pageInfo"]["hasNextPage"] == false {
                break;
            }
            after = page["pageInfo"]["endCursor"].clone();
        }
        assert_eq!(pages, 3);
        assert_eq!(seen, (1..=27).collect::<Vec<_>>());
    }
);

app_test!(
    async fn the_default_page_is_twenty_tasks(app) {
        let data = app
            .data("{ tasks { nodes { number } pageInfo { hasNextPage } } }", json!({}))
            .await;
        assert_eq!(numbers_of(&data["tasks"]["nodes"]).len(), 20);
        assert_eq!(data["tasks"]["pageInfo"]["hasNextPage"], true);
    }
);

app_test!(
    async fn page_sizes_above_100_or_below_zero_and_bad_cursors_are_refused(app) {
        for first in [101, -1] {
            let errors = app
                .errors("query($n: Int) { tasks(first: $n) { totalCount } }", json!({ "n": first }))
                .await;
            assert_eq!(codes(&errors), ["BAD_INPUT"], "first: {first}");
        }
        let errors = app
            .errors(r#"{ tasks(after: "bm90LWEtY3Vyc29y") { totalCount } }"#, json!({}))
            .await;
        assert_eq!(codes(&errors), ["BAD_INPUT"]);
        let errors = app
            .errors(r#"{ agency(code: "STTTT") { tasks(first: 500) { totalCount } } }"#, json!({}))
            .await;
        assert_eq!(codes(&errors), ["BAD_INPUT"]);
    }
);

app_test!(
    async fn a_malformed_date_is_bad_input(app) {
        let errors = app
            .errors(r#"{ tasks(filter: { overdueAsOf: "31/12/2017" }) { totalCount } }"#, json!({}))
            .await;
        assert_eq!(codes(&errors), ["BAD_INPUT"]);
        assert!(errors[0]["message"].as_str().unwrap_or_default().contains("YYYY-MM-DD"));
    }
);
