//! Integration tests: each test starts the real service on a fresh database and checks, through
//! HTTP and GraphQL, what a planner or agency would check. Every test runs on SQLite and on
//! PostgreSQL (`app_test!`), except `instances`, which runs several instances on one PostgreSQL.

mod accounts;
mod agencies;
mod architecture;
mod attachments;
mod caching;
mod durability;
mod follow_up;
mod hostile;
mod http;
mod instances;
mod kpis;
mod national;
mod plan;
mod privacy;
mod progress;
mod register;
mod reminders;
mod reporting;
mod reports;
mod seeding;
mod subscriptions;
mod synthetic;
mod task_list;
mod tasks;
mod web;

pub use egov_tracker_tests::{app_test, codes, Backend, TestApp};
pub use serde_json::{json, Value};

/// The `code` of every item in a JSON list.
pub fn codes_of(list: &Value) -> Vec<String> {
    list.as_array()
        .map(|items| {
            items
                .iter()
                .map(|item| item["code"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// The `number` of every task in a JSON list.
pub fn numbers_of(list: &Value) -> Vec<i64> {
    list.as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|item| item["number"].as_i64())
                .collect()
        })
        .unwrap_or_default()
}
