//! Agencies, levels and the groups the plan names collectively.

use super::*;

app_test!(
    async fn the_twelve_districts_of_2016_are_listed_by_name(app) {
        let data = app
            .data("{ agencies(level: DISTRICT) { code nameVi nameEn level } }", json!({}))
            .await;
        let districts = data["agencies"].as_array().cloned().unwrap_or_default();
        assert_eq!(districts.len(), 12);
        let names: Vec<&str> = districts.iter().filter_map(|d| d["nameVi"].as_str()).collect();
        for name in ["thành phố Hải Dương", "thị xã Chí Linh", "huyện Thanh Miện", "huyện Kinh Môn"] {
            assert!(names.iter().any(|n| n.contains(name)), "{name} missing from {names:?}");
        }
        assert!(districts.iter().all(|d| d["level"] == "DISTRICT"));
    }
);

app_test!(
    async fn every_level_has_agencies_with_vietnamese_and_english_names(app) {
        let data = app
            .data("{ agencies { code nameVi nameEn level } }", json!({}))
            .await;
        let agencies = data["agencies"].as_array().cloned().unwrap_or_default();
        for level in ["CENTRAL", "PROVINCE", "DISTRICT", "COMMUNE", "NON_STATE"] {
            assert!(agencies.iter().any(|a| a["level"] == level), "no {level} agency");
        }
        for agency in &agencies {
            assert!(!agency["nameVi"].as_str().unwrap_or_default().is_empty());
            assert!(!agency["nameEn"].as_str().unwrap_or_default().is_empty());
        }
        let provincial = agencies.iter().filter(|a| a["level"] == "PROVINCE").count();
        assert!(provincial >= 20, "the standard set of departments, not only those named");
    }
);

app_test!(
    async fn an_agency_is_found_by_code_with_its_tasks(app) {
        let data = app
            .data(
                r#"{ agency(code: "STTTT") { nameVi shortEn level
                      lead: tasks(role: LEAD, first: 30) { totalCount nodes { number } }
                      all: tasks(first: 5) { totalCount pageInfo { hasNextPage } } } }"#,
                json!({}),
            )
            .await;
        let dic = &data["agency"];
        assert_eq!(dic["nameVi"], "Sở Thông tin và Truyền thông");
        assert_eq!(dic["level"], "PROVINCE");
        let lead = numbers_of(&dic["lead"]["nodes"]);
        for number in [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 26] {
            assert!(lead.contains(&number), "DIC leads task {number}: {lead:?}");
        }
        assert_eq!(dic["lead"]["totalCount"], lead.len());
        assert!(dic["all"]["totalCount"].as_u64().unwrap_or_default() > lead.len() as u64);
        assert_eq!(dic["all"]["pageInfo"]["hasNextPage"], true);
    }
);

app_test!(
    async fn an_unknown_agency_is_null(app) {
        let data = app.data(r#"{ agency(code: "NOPE") { code } }"#, json!({})).await;
        assert!(data["agency"].is_null());
    }
);

app_test!(
    async fn groups_expand_to_their_members_and_open_groups_name_no_one(app) {
        let data = app
            .data(
                "{ agencyGroups { code nameVi open members { code level } } }",
                json!({}),
            )
            .await;
        let groups = data["agencyGroups"].as_array().cloned().unwrap_or_default();
        let group = |code: &str| groups.iter().find(|g| g["code"] == code).cloned().unwrap_or_default();
        let departments = group("SO_NGANH");
        assert_eq!(departments["nameVi"], "Các sở, ban, ngành tỉnh");
        assert!(codes_of(&departments["members"]).contains(&"STTTT".to_owned()));
        assert_eq!(group("UBND_HUYEN")["members"].as_array().map(Vec::len), Some(12));
        let related = group("CQ_LIEN_QUAN");
        assert_eq!(related["open"], true);
        assert_eq!(related["members"], json!([]));
        let telecoms = group("DN_VIEN_THONG")["members"].clone();
        assert!(telecoms.as_array().is_some_and(|m| !m.is_empty()
            && m.iter().all(|a| a["level"] == "NON_STATE")));
    }
);
