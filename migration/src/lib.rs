//! Schema migrations for egov-tracker.
//!
//! Migrations create structure only (tables, keys, indexes); the plan's data lives in the seed
//! files and is loaded by the `seeds` crate. Every migration has a `down` that removes exactly
//! what its `up` created, in reverse order.

pub use sea_orm_migration::prelude::*;

mod m20261127_000001_plan_schema;
mod m20261127_000002_reporting;
mod m20261127_000003_component_register;
mod m20261127_000004_report_snapshots;
mod m20261127_000005_shared_state;
mod m20261127_000006_history_probes;
mod m20261127_000007_attachments;
mod m20261202_000008_follow_up;
mod m20261202_000009_reminders;

pub use m20261127_000005_shared_state::{DATA_VERSION_SEQUENCE, DATA_VERSION_TABLE};

/// Runs the migrations in order; `Migrator::up(&db, None)` brings a database to the latest schema.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_plan_schema::Migration),
            Box::new(m20261127_000002_reporting::Migration),
            Box::new(m20261127_000003_component_register::Migration),
            Box::new(m20261127_000004_report_snapshots::Migration),
            Box::new(m20261127_000005_shared_state::Migration),
            Box::new(m20261127_000006_history_probes::Migration),
            Box::new(m20261127_000007_attachments::Migration),
            Box::new(m20261202_000008_follow_up::Migration),
            Box::new(m20261202_000009_reminders::Migration),
        ]
    }
}
