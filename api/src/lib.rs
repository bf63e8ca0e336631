//! egov-tracker: Hải Dương's e-government action plan 681/KH-UBND as live, queryable data.
//!
//! A request travels `http` (poem routes, body limits, JSON parsing) → `graphql` (thin
//! resolvers and view types, DataLoaders) → `services` (the rules: filters, pagination,
//! as-of dates) → `entities` (sea-orm models) → the database. `startup` wires these together
//! for the binary and for the integration tests; `config` is the one place settings come from.

pub mod assets;
pub mod auth;
pub mod backup;
pub mod cli;
pub mod config;
pub mod dashboard;
pub mod db;
pub mod error;
pub mod graphql;
pub mod http;
pub mod pages;
pub mod server;
pub mod services;
pub mod startup;
pub mod worker;

pub use config::{Config, DatabaseUrl};
pub use error::Error;
pub use startup::Application;
