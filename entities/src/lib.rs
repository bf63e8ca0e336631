//! Database models for egov-tracker.
//!
//! One module per table, in sea-orm's entity format. This crate knows nothing about HTTP or
//! GraphQL: the API converts these models into its own view types, and the seed loader writes
//! them. Enumerations are stored as their upper-case string values so that rows stay readable
//! in `sqlite3`/`psql` and identical on both databases.

pub mod agency;
pub mod agency_group;
pub mod agency_group_member;
pub mod assignment;
pub mod attachment_file;
pub mod baseline_fact;
pub mod clause;
pub mod clause_party;
pub mod component;
pub mod component_clause;
pub mod component_history;
pub mod component_relation;
pub mod component_task;
pub mod enums;
pub mod explanation_request;
pub mod history_attachment;
pub mod kpi;
pub mod kpi_measurement;
pub mod kpi_target;
pub mod kpi_task;
pub mod login_failure;
pub mod mail_message;
pub mod notification;
pub mod plan;
pub mod refresh_token;
pub mod reminder;
pub mod report_review;
pub mod report_snapshot;
pub mod report_snapshot_file;
pub mod rollup;
pub mod search;
pub mod seed_run;
pub mod task;
pub mod task_clause;
pub mod task_comment;
pub mod task_history;
pub mod task_party;
pub mod user;

pub use enums::*;
