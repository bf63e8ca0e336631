//! Plan 681/KH-UBND as reviewed data files, and the loader that puts them in the database.
//!
//! The files under `seeds/data/` are the source of truth for the plan's text, agencies, tasks,
//! KPIs and architecture catalog; each starts with a header explaining its format. They are
//! compiled into the binary, checked for consistency ([`SeedData::parse`]) and written by
//! [`load`], an idempotent upsert: a second run adds nothing, and reported status, progress and
//! recorded measurements are never overwritten.

pub mod calendar;
mod files;
mod loader;
pub mod scoring;
pub mod synthetic;

pub use calendar::{Calendar, Period, PeriodKind};
pub use files::SeedData;
pub use loader::{load, LoadOutcome};
pub use scoring::ScoringMethod;

/// Why the seed data could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    /// A data file is not valid TOML or does not match its format.
    #[error("seed file {file} is malformed: {source}")]
    Parse {
        file: &'static str,
        #[source]
        source: toml::de::Error,
    },
    /// The files parse but contradict each other (an unknown code, a duplicate, ...).
    #[error("seed data is inconsistent: {0}")]
    Invalid(String),
    /// The database refused a read or write.
    #[error("database error while seeding: {0}")]
    Db(#[from] sea_orm::DbErr),
}
