//! Frozen periodic reports as GraphQL sees them: the period, the headline figures, who froze
//! it, and where to download each file.

use async_graphql::{Enum, SimpleObject};
use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::graphql::Date;
use crate::services::snapshots::{self, PeriodKind};

/// The length of a reporting period.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportPeriod {
    /// A quarter; `number` 1-4.
    Quarter,
    /// A half-year; `number` 1-2.
    HalfYear,
    /// A calendar year; no `number`.
    Year,
}

impl From<ReportPeriod> for PeriodKind {
    fn from(value: ReportPeriod) -> Self {
        match value {
            ReportPeriod::Quarter => PeriodKind::Quarter,
            ReportPeriod::HalfYear => PeriodKind::HalfYear,
            ReportPeriod::Year => PeriodKind::Year,
        }
    }
}

impl From<PeriodKind> for ReportPeriod {
    fn from(value: PeriodKind) -> Self {
        match value {
            PeriodKind::Quarter => ReportPeriod::Quarter,
            PeriodKind::HalfYear => ReportPeriod::HalfYear,
            PeriodKind::Year => ReportPeriod::Year,
        }
    }
}

/// Language of a report.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReportLang {
    /// Vietnamese.
    #[default]
    Vi,
    /// English.
    En,
}

impl From<ReportLang> for reports::model::Lang {
    fn from(value: ReportLang) -> Self {
        match value {
            ReportLang::Vi => reports::model::Lang::Vi,
            ReportLang::En => reports::model::Lang::En,
        }
    }
}

/// The plan's headline figures as frozen.
#[derive(SimpleObject, Debug, Clone, Default)]
pub struct SnapshotFigures {
    pub tasks_total: i32,
    pub completed: i32,
    pub in_progress: i32,
    pub not_started: i32,
    pub blocked: i32,
    pub overdue: i32,
    pub percent_complete: f64,
}

impl SnapshotFigures {
    fn from_json(text: &str) -> Self {
        let value: Value = serde_json::from_str(text).unwrap_or(Value::Null);
        let int = |key: &str| value.get(key).and_then(Value::as_i64).unwrap_or(0) as i32;
        SnapshotFigures {
            tasks_total: int("tasksTotal"),
            completed: int("completed"),
            in_progress: int("inProgress"),
            not_started: int("notStarted"),
            blocked: int("blocked"),
            overdue: int("overdue"),
            percent_complete: value
                .get("percentComplete")
                .and_then(Value::as_f64)
                .unwrap_or(0.0),
        }
    }
}

/// One stored file of a frozen report.
#[derive(SimpleObject, Debug, Clone)]
pub struct SnapshotFile {
    /// `summary.pdf`, `tasks.csv`, `ranking.png`, ...
    pub name: String,
    pub content_type: String,
    /// SHA-256 of the bytes, hex: the download always matches it.
    pub sha256: String,
    pub size_bytes: i64,
    /// Where to download it (`/reports/snapshots/{id}/{name}`).
    pub url: String,
}

/// A frozen periodic report: immutable once made.
#[derive(SimpleObject, Debug, Clone)]
pub struct ReportSnapshot {
    pub id: i32,
    pub period: ReportPeriod,
    pub year: i32,
    /// Quarter 1-4 or half 1-2; null for a year.
    pub number: Option<i32>,
    /// "Quý 4/2017", "Q4 2017", ... in the report's language.
    pub label: String,
    pub lang: ReportLang,
    /// The period's last day: every figure is as of it.
    pub as_of: Date,
    pub figures: SnapshotFigures,
    /// SHA-256 over the files' names and hashes.
    pub sha256: String,
    pub note: Option<String>,
    pub frozen_at: DateTime<Utc>,
    /// Username of the planner who froze it.
    pub frozen_by: Option<String>,
    /// The consolidated PDF (`/reports/snapshots/{id}.pdf`).
    pub pdf_url: String,
    pub files: Vec<SnapshotFile>,
}

impl From<snapshots::Snapshot> for ReportSnapshot {
    fn from(value: snapshots::Snapshot) -> Self {
        let s = value.snapshot;
        let period = snapshots::period_of(&s);
        ReportSnapshot {
            id: s.id,
            period: period.map_or(ReportPeriod::Year, |p| p.kind.into()),
            year: s.year,
            number: (s.period_number != 0).then_some(s.period_number),
            label: snapshots::label(&s),
            lang: if s.lang == "en" {
                ReportLang::En
            } else {
                ReportLang::Vi
            },
            as_of: Date(s.as_of),
            figures: SnapshotFigures::from_json(&s.figures_json),
            note: s.note.clone(),
            frozen_at: s.frozen_at,
            frozen_by: value.frozen_by,
            pdf_url: format!("/reports/snapshots/{}.pdf", s.id),
            files: value
                .files
                .into_iter()
                .map(|f| SnapshotFile {
                    url: format!("/reports/snapshots/{}/{}", s.id, f.name),
                    name: f.name,
                    content_type: f.content_type,
                    sha256: f.sha256,
                    size_bytes: f.size_bytes,
                })
                .collect(),
            sha256: s.sha256,
        }
    }
}
