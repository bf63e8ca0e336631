//! Charts, documents and exchange files for leadership and other tools.
//!
//! The crate is pure: it takes the plain structs of [`model`] and returns bytes or text, with no
//! database and no HTTP, so every output is deterministic (same data, same bytes) and testable on
//! its own.
//!
//! - [`charts`]: ranking, progress (Gantt), KPI trajectories, status breakdown and the
//!   architecture map, as PNG or SVG, drawn with plotters and the embedded DejaVu Sans font;
//! - [`tables`]: the task list as CSV (UTF-8 with a byte-order mark, for Excel) and the
//!   workbook (tasks, assignments, KPIs, ranking) as XLSX;
//! - [`pdf`]: the consolidated report, laid out with Typst, with real (extractable) text;
//! - [`archimate`]: the ArchiMate Model Exchange File Format;
//! - [`atom`]: the Atom feed of status changes and frozen reports.

pub mod archimate;
pub mod atom;
pub mod charts;
pub mod fonts;
pub mod format;
pub mod model;
pub mod pdf;
pub mod tables;

/// Why an output could not be produced. Inputs are plain data, so these are bugs or resource
/// failures, never a caller's bad request.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("drawing the chart failed: {0}")]
    Chart(String),
    #[error("encoding the image failed: {0}")]
    Encode(String),
    #[error("laying out the document failed: {0}")]
    Document(String),
    #[error("writing the spreadsheet failed: {0}")]
    Spreadsheet(String),
}

/// Result of a render.
pub type Result<T> = std::result::Result<T, RenderError>;
