//! Reporting rounds and the reporting calendar they follow (Decree 09/2019/NĐ-CP).

use async_graphql::{Enum, SimpleObject};
use chrono::{DateTime, Utc};
use seeds::calendar::{Calendar, KindRule, PeriodKind};

use super::{Agency, HistoryEntry, Task};
use crate::graphql::Date;
use crate::services::rounds::{self, SubmissionStatus as Status};

/// How a lead agency met its duty to report in a round.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubmissionStatus {
    /// A counted report effective in the period, entered by the deadline.
    OnTime,
    /// Counted reports, all entered after the deadline (however they are dated).
    Late,
    /// No counted report yet; before the deadline this means "not yet".
    Missing,
    /// DIC returned the period's reports and no new one has arrived.
    Returned,
}

impl From<Status> for SubmissionStatus {
    fn from(s: Status) -> Self {
        match s {
            Status::OnTime => Self::OnTime,
            Status::Late => Self::Late,
            Status::Missing => Self::Missing,
            Status::Returned => Self::Returned,
        }
    }
}

/// A kind of reporting period.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportingPeriodKind {
    Monthly,
    Quarterly,
    HalfYearly,
    Annual,
}

impl From<PeriodKind> for ReportingPeriodKind {
    fn from(k: PeriodKind) -> Self {
        match k {
            PeriodKind::Monthly => Self::Monthly,
            PeriodKind::Quarterly => Self::Quarterly,
            PeriodKind::HalfYearly => Self::HalfYearly,
            PeriodKind::Annual => Self::Annual,
        }
    }
}

/// One lead assignment's submission in a round.
#[derive(SimpleObject)]
pub struct RoundSubmission {
    pub agency: Agency,
    pub task: Task,
    pub status: SubmissionStatus,
    /// When the report the status rests on was entered.
    pub submitted_at: Option<DateTime<Utc>>,
    /// That report: the latest on-time one, the first late one, or the returned one.
    pub report: Option<HistoryEntry>,
    /// Why DIC returned it, when `status` is RETURNED.
    pub return_reason: Option<String>,
}

/// Submissions counted by status.
#[derive(SimpleObject)]
pub struct RoundTotals {
    /// Reports owed.
    pub owed: i32,
    pub on_time: i32,
    pub late: i32,
    pub returned: i32,
    pub missing: i32,
    /// on time ÷ owed, 0-1; null when nothing is owed.
    pub on_time_rate: Option<f64>,
}

impl From<rounds::Totals> for RoundTotals {
    fn from(t: rounds::Totals) -> Self {
        let count = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
        Self {
            owed: count(t.owed),
            on_time: count(t.on_time),
            late: count(t.late),
            returned: count(t.returned),
            missing: count(t.missing),
            on_time_rate: t.on_time_rate(),
        }
    }
}

/// One agency's line in a round.
#[derive(SimpleObject)]
pub struct RoundAgencyTotals {
    pub agency: Agency,
    pub totals: RoundTotals,
}

/// A period's reporting round: who owed a report, and how each was met.
#[derive(SimpleObject)]
pub struct ReportingRound {
    /// The period's code, e.g. `2017-Q4`.
    pub period: String,
    pub kind: ReportingPeriodKind,
    /// "Quý IV/2017".
    pub label_vi: String,
    /// "Q4 2017".
    pub label_en: String,
    /// First day of the data window.
    pub from: Date,
    /// Last day of the data window (the cut-off).
    pub to: Date,
    /// Last day to submit; reports entered later are LATE.
    pub deadline: Date,
    pub deadline_passed: bool,
    /// By task number, then agency name.
    pub submissions: Vec<RoundSubmission>,
    /// Per agency, by agency name.
    pub agencies: Vec<RoundAgencyTotals>,
    pub totals: RoundTotals,
}

impl From<rounds::Round> for ReportingRound {
    fn from(r: rounds::Round) -> Self {
        Self {
            period: r.period.to_string(),
            kind: r.period.kind.into(),
            label_vi: r.period.label_vi(),
            label_en: r.period.label_en(),
            from: Date(r.from),
            to: Date(r.to),
            deadline: Date(r.deadline),
            deadline_passed: r.deadline_passed,
            submissions: r
                .submissions
                .into_iter()
                .map(|s| RoundSubmission {
                    submitted_at: s.submitted_at(),
                    agency: s.agency.into(),
                    task: s.task.into(),
                    status: s.status.into(),
                    report: s.report.map(HistoryEntry::from),
                    return_reason: s.return_reason,
                })
                .collect(),
            agencies: r
                .agencies
                .into_iter()
                .map(|a| RoundAgencyTotals {
                    agency: a.agency.into(),
                    totals: a.totals.into(),
                })
                .collect(),
            totals: r.totals.into(),
        }
    }
}

/// One kind of period in the reporting calendar.
#[derive(SimpleObject)]
pub struct ReportingKindRule {
    pub kind: ReportingPeriodKind,
    pub name_vi: String,
    pub name_en: String,
    /// Whether the province runs rounds of this kind.
    pub in_force: bool,
    /// The deadline, in days after the cut-off day.
    pub deadline_days_after_cutoff: i32,
    /// Where the rule comes from (or that it is an assumption).
    pub source: String,
}

impl From<&KindRule> for ReportingKindRule {
    fn from(r: &KindRule) -> Self {
        Self {
            kind: r.kind.into(),
            name_vi: r.name_vi.clone(),
            name_en: r.name_en.clone(),
            in_force: r.in_force,
            deadline_days_after_cutoff: i32::try_from(r.deadline_days_after_cutoff)
                .unwrap_or(i32::MAX),
            source: r.source.clone(),
        }
    }
}

/// The reporting calendar in force.
#[derive(SimpleObject)]
pub struct ReportingCalendar {
    /// Day of the month that closes each data window (14 by default).
    pub cutoff_day: i32,
    pub kinds: Vec<ReportingKindRule>,
    /// Periods of the kinds in force whose window has opened, most recent first (at most 24).
    pub recent_periods: Vec<String>,
}

impl ReportingCalendar {
    /// The calendar, with its recent periods as of `today`.
    pub fn new(calendar: &Calendar, today: chrono::NaiveDate) -> Self {
        Self {
            cutoff_day: i32::try_from(calendar.cutoff_day).unwrap_or(i32::MAX),
            kinds: calendar.kinds.iter().map(ReportingKindRule::from).collect(),
            recent_periods: calendar
                .recent(today, 24)
                .into_iter()
                .map(|p| p.to_string())
                .collect(),
        }
    }
}
