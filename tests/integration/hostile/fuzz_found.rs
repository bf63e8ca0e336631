//! Inputs found by the fuzz targets (`fuzz/`, docs/fuzzing.md), each kept as a test once
//! minimised; the raw input is in `fuzz/regressions/`.

use std::time::Duration;

use super::{assert_healthy, attack_twice, fan_out};
use crate::*;

app_test!(
    async fn fragments_of_spreads_only_are_refused_in_milliseconds(app) {
        // Fragments that hold nothing but spreads, the last spreading a fragment that is not
        // defined: 2^23 spreads, which async-graphql's recursion-depth check used to walk (3.3 s
        // for one request in the optimised fuzz build; each further level doubles it).
        let query = fan_out(22, "...Missing");
        assert!(query.len() < 2_000);
        for (took, answer) in attack_twice(&app, &query).await {
            let errors = answer["errors"].as_array().expect("errors");
            assert!(!errors.is_empty(), "{answer}");
            assert!(
                codes(errors).iter().all(|code| code != "<none>"),
                "every error has a code: {answer}"
            );
            assert!(took < Duration::from_secs(5), "refused after {took:?}");
        }
        assert_healthy(&app).await;
    }
);
