//! Charts and documents for leadership (ranking, progress, KPI trajectories, the consolidated
//! PDF, CSV and XLSX exports).
//!
//! The crate is pure: it takes plain structs and returns bytes, with no database and no HTTP, so
//! every report is deterministic and testable on its own. It is empty until the reporting issue
//! lands; the workspace reserves its place so the dependency direction (`api → reports`) is
//! fixed from the start.
