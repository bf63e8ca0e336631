//! As-of views: reporting periods, plan progress and agency rankings.

use async_graphql::{ComplexObject, Context, Enum, Result, SimpleObject};

use super::{Agency, AgencyLevel, Plan};
use crate::graphql::Date;
use crate::services::asof::{Period, PeriodState as Rule};
use crate::services::ranking::{self, Scored, Tally};

/// State of a reporting period on the asked date.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodState {
    /// Reported (annual/ongoing) or completed (span) within the period.
    Met,
    /// Not ended yet.
    Open,
    /// Ended without the report or completion it owed.
    Missed,
    /// Starts after the asked date.
    Upcoming,
}

impl From<Rule> for PeriodState {
    fn from(state: Rule) -> Self {
        match state {
            Rule::Met => Self::Met,
            Rule::Open => Self::Open,
            Rule::Missed => Self::Missed,
            Rule::Upcoming => Self::Upcoming,
        }
    }
}

/// A span's one period, or one calendar year of an annual or ongoing task.
#[derive(SimpleObject, Clone)]
pub struct ReportingPeriod {
    pub year: i32,
    pub starts_on: Date,
    pub ends_on: Date,
    pub state: PeriodState,
    /// Reports on lead assignments effective within the period.
    pub reports: i32,
}

impl From<Period> for ReportingPeriod {
    fn from(p: Period) -> Self {
        Self {
            year: p.year,
            starts_on: p.starts_on.into(),
            ends_on: p.ends_on.into(),
            state: p.state.into(),
            reports: i32::try_from(p.reports).unwrap_or(i32::MAX),
        }
    }
}

/// Counts by status and the mean progress of a group.
#[derive(SimpleObject, Clone)]
pub struct ProgressTally {
    pub total: u32,
    pub completed: u32,
    pub in_progress: u32,
    pub not_started: u32,
    pub blocked: u32,
    pub overdue: u32,
    /// Mean progress, 0-100.
    pub percent_complete: f64,
}

impl From<&Tally> for ProgressTally {
    fn from(t: &Tally) -> Self {
        Self {
            total: t.total,
            completed: t.completed,
            in_progress: t.in_progress,
            not_started: t.not_started,
            blocked: t.blocked,
            overdue: t.overdue,
            percent_complete: t.percent_complete(),
        }
    }
}

/// Progress of one main task (II.1-II.6) over the appendix tasks linked to it.
#[derive(SimpleObject, Clone)]
pub struct MainTaskProgress {
    pub code: String,
    pub title_vi: String,
    pub title_en: String,
    pub tasks: ProgressTally,
}

/// Progress of the lead assignments held by agencies of one level.
#[derive(SimpleObject, Clone)]
pub struct LevelProgress {
    pub level: AgencyLevel,
    pub assignments: ProgressTally,
}

/// Progress towards one objective: the KPIs that measure it and the tasks that move them.
#[derive(SimpleObject, Clone)]
pub struct ObjectiveProgress {
    pub code: String,
    pub title_vi: String,
    pub title_en: String,
    pub kpi_codes: Vec<String>,
    pub tasks: ProgressTally,
}

/// The plan on a date. Each task's progress is the mean of its lead assignments' (group-led
/// tasks over every member); the plan's is the mean over its tasks.
#[derive(SimpleObject, Clone)]
pub struct PlanProgress {
    pub as_of: Date,
    pub tasks_total: u32,
    pub completed: u32,
    pub in_progress: u32,
    pub not_started: u32,
    pub blocked: u32,
    pub overdue: u32,
    pub percent_complete: f64,
    pub by_main_task: Vec<MainTaskProgress>,
    pub by_level: Vec<LevelProgress>,
    pub by_objective: Vec<ObjectiveProgress>,
}

impl PlanProgress {
    /// The view of a computed roll-up.
    pub fn new(as_of: chrono::NaiveDate, p: ranking::PlanProgress) -> Self {
        Self {
            as_of: as_of.into(),
            tasks_total: p.tasks.total,
            completed: p.tasks.completed,
            in_progress: p.tasks.in_progress,
            not_started: p.tasks.not_started,
            blocked: p.tasks.blocked,
            overdue: p.tasks.overdue,
            percent_complete: p.tasks.percent_complete(),
            by_main_task: p
                .by_main_task
                .iter()
                .map(|(clause, tally)| MainTaskProgress {
                    code: clause.code.clone(),
                    title_vi: clause.title_vi.clone(),
                    title_en: clause.title_en.clone(),
                    tasks: tally.into(),
                })
                .collect(),
            by_level: p
                .by_level
                .iter()
                .map(|(level, tally)| LevelProgress {
                    level: (*level).into(),
                    assignments: tally.into(),
                })
                .collect(),
            by_objective: p
                .by_objective
                .iter()
                .map(|(clause, kpis, tally)| ObjectiveProgress {
                    code: clause.code.clone(),
                    title_vi: clause.title_vi.clone(),
                    title_en: clause.title_en.clone(),
                    kpi_codes: kpis.clone(),
                    tasks: tally.into(),
                })
                .collect(),
        }
    }
}

/// Score band: GOOD ≥ 80, FAIR ≥ 65, AVERAGE ≥ 50, WEAK below (bounds from the scoring method).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Band {
    Good,
    Fair,
    Average,
    Weak,
}

impl From<ranking::Band> for Band {
    fn from(b: ranking::Band) -> Self {
        match b {
            ranking::Band::Good => Self::Good,
            ranking::Band::Fair => Self::Fair,
            ranking::Band::Average => Self::Average,
            ranking::Band::Weak => Self::Weak,
        }
    }
}

/// Points on one criterion.
#[derive(SimpleObject, Clone)]
pub struct CriterionPoints {
    pub criterion: String,
    /// The agency's rate on the criterion, 0-1, before normalisation.
    pub value: f64,
    pub points: f64,
    pub max_points: f64,
}

/// One agency's place in a ranking.
#[derive(SimpleObject, Clone)]
pub struct RankingEntry {
    pub rank: u32,
    pub score: f64,
    pub band: Band,
    pub agency: Agency,
    /// Tasks where the agency holds a lead assignment (group-led ones included).
    pub tasks_assigned: u32,
    pub tasks_completed: u32,
    pub tasks_on_time: u32,
    pub tasks_overdue: u32,
    /// Mean progress on its lead tasks that move a KPI (null without such tasks).
    pub kpi_contribution: Option<f64>,
    pub breakdown: Vec<CriterionPoints>,
    /// Version of the scoring method used.
    pub method_version: String,
}

fn breakdown_of(points: Vec<ranking::Points>) -> Vec<CriterionPoints> {
    points
        .into_iter()
        .map(|p| CriterionPoints {
            criterion: p.criterion,
            value: p.value,
            points: p.points,
            max_points: p.max_points,
        })
        .collect()
}

/// One plan's (province's) place among all plans: scored by the published method as if the
/// plan were one agency holding all its lead assignments.
#[derive(SimpleObject, Clone)]
pub struct PlanStanding {
    pub rank: u32,
    pub score: f64,
    pub band: Band,
    pub plan: Plan,
    /// The plan's tasks on the date, each at its rolled-up progress.
    pub tasks: ProgressTally,
    /// Lead assignments across the plan, and how many are completed, on time, overdue.
    pub assignments_led: u32,
    pub assignments_completed: u32,
    pub assignments_on_time: u32,
    pub assignments_overdue: u32,
    pub breakdown: Vec<CriterionPoints>,
    /// Version of the scoring method used.
    pub method_version: String,
}

impl PlanStanding {
    /// The view of one scored plan.
    pub fn new(
        plan: entities::plan::Model,
        s: Scored,
        tasks: &Tally,
        method_version: &str,
    ) -> Self {
        Self {
            rank: s.rank,
            score: s.score,
            band: s.band.into(),
            plan: plan.into(),
            tasks: tasks.into(),
            assignments_led: s.facts.assigned,
            assignments_completed: s.facts.completed,
            assignments_on_time: s.facts.on_time,
            assignments_overdue: s.facts.overdue,
            breakdown: breakdown_of(s.breakdown),
            method_version: method_version.to_owned(),
        }
    }
}

impl RankingEntry {
    /// The view of one scored agency.
    pub fn new(agency: entities::agency::Model, s: Scored, method_version: &str) -> Self {
        Self {
            rank: s.rank,
            score: s.score,
            band: s.band.into(),
            agency: agency.into(),
            tasks_assigned: s.facts.assigned,
            tasks_completed: s.facts.completed,
            tasks_on_time: s.facts.on_time,
            tasks_overdue: s.facts.overdue,
            kpi_contribution: s.facts.kpi_contribution.map(|k| (k * 10.0).round() / 10.0),
            breakdown: breakdown_of(s.breakdown),
            method_version: method_version.to_owned(),
        }
    }
}

/// A criterion of the published scoring method.
#[derive(SimpleObject, Clone)]
pub struct ScoringCriterion {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    /// What it measures (see seeds/data/scoring.toml).
    pub measure: String,
    pub max_points: f64,
}

/// The published scoring method (seeds/data/scoring.toml).
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct ScoringMethod {
    pub version: String,
    pub name_vi: String,
    pub name_en: String,
    pub source: String,
    pub good_from: f64,
    pub fair_from: f64,
    pub average_from: f64,
    pub criteria: Vec<ScoringCriterion>,
}

#[ComplexObject]
impl ScoringMethod {
    /// Sum of the criteria's maximum points.
    async fn max_score(&self, _ctx: &Context<'_>) -> Result<f64> {
        Ok(self.criteria.iter().map(|c| c.max_points).sum())
    }
}

impl From<seeds::ScoringMethod> for ScoringMethod {
    fn from(m: seeds::ScoringMethod) -> Self {
        Self {
            version: m.version,
            name_vi: m.name_vi,
            name_en: m.name_en,
            source: m.source,
            good_from: m.bands.good,
            fair_from: m.bands.fair,
            average_from: m.bands.average,
            criteria: m
                .criterion
                .into_iter()
                .map(|c| ScoringCriterion {
                    code: c.code,
                    name_vi: c.name_vi,
                    name_en: c.name_en,
                    measure: format!("{:?}", c.measure),
                    max_points: c.max_points,
                })
                .collect(),
        }
    }
}
