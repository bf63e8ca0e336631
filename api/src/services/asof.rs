//! The plan "as of" a date: every figure is computed from the history's `effectiveOn`, so asking
//! what the plan looked like on 31/12/2017 has one answer, whatever was entered later.
//!
//! The rules here are pure functions over plain values (unit-tested below); [`load`] reads what
//! they need from the database.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use entities::rollup::rollup;
use entities::{assignment, task, task_history, AssignmentRole, Recurrence, TaskStatus};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::error::Result;

/// One accepted report, reduced to what as-of rules need.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Report {
    /// Recording order (history id): breaks ties between reports effective the same day.
    pub id: i32,
    pub effective_on: NaiveDate,
    pub status: TaskStatus,
    pub progress: i32,
    pub has_evidence: bool,
}

impl From<&task_history::Model> for Report {
    fn from(m: &task_history::Model) -> Self {
        Self {
            id: m.id,
            effective_on: m.effective_on,
            status: m.status,
            progress: m.progress,
            has_evidence: m.evidence.is_some(),
        }
    }
}

/// An assignment's state on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StateAt {
    pub status: TaskStatus,
    pub progress: i32,
    /// When the current unbroken run of COMPLETED reports began, if completed.
    pub completed_on: Option<NaiveDate>,
}

/// The state of one assignment on `as_of`: its latest report effective on or before that day
/// (the later-recorded one when two are effective the same day); NOT_STARTED at 0% before any.
pub fn state_at(reports: &[Report], as_of: NaiveDate) -> StateAt {
    let mut effective: Vec<&Report> = reports.iter().filter(|r| r.effective_on <= as_of).collect();
    effective.sort_by_key(|r| (r.effective_on, r.id));
    let mut state = StateAt {
        status: TaskStatus::NotStarted,
        progress: 0,
        completed_on: None,
    };
    for report in effective {
        state.completed_on = match (report.status, state.completed_on) {
            (TaskStatus::Completed, Some(since)) => Some(since),
            (TaskStatus::Completed, None) => Some(report.effective_on),
            _ => None,
        };
        state.status = report.status;
        state.progress = report.progress;
    }
    state
}

/// Whether a task with this due date and state is overdue on `as_of`.
pub fn overdue(due_date: Option<NaiveDate>, status: TaskStatus, as_of: NaiveDate) -> bool {
    super::tasks::is_overdue(due_date, status, as_of)
}

/// State of a reporting period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodState {
    /// A report (annual/ongoing) or completion (span) came in within the period.
    Met,
    /// The period has not ended and nothing is owed yet.
    Open,
    /// The period ended without the report or completion it owed.
    Missed,
    /// The period starts after `as_of`.
    Upcoming,
}

/// One reporting period of a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// Calendar year of an annual/ongoing period; the end year of a span.
    pub year: i32,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub state: PeriodState,
    /// Reports effective within the period and on or before `as_of`.
    pub reports: usize,
}

fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN)
}

/// The reporting periods of a task as of a date, given the reports on its lead assignments.
///
/// - `ONCE` spans form one period from 1 January of the start year to the due date: met when
///   the task is completed (as of `as_of`), missed once the due date has passed without it.
/// - `ANNUAL` and `ONGOING` tasks owe a report every calendar year from their start year to the
///   year of `as_of`: a year is met by any report effective within it, missed once it has ended
///   without one.
pub fn periods(
    task: &task::Model,
    reports: &[Report],
    completed: bool,
    as_of: NaiveDate,
) -> Vec<Period> {
    periods_counting(task, completed, as_of, |from, to| {
        reports
            .iter()
            .filter(|r| r.effective_on >= from && r.effective_on <= to && r.effective_on <= as_of)
            .count()
    })
}

/// [`periods`], with `counted(from, to)` giving the number of reports effective between the two
/// days (inclusive) and on or before `as_of`; a period's state depends only on whether that is 0.
pub fn periods_counting(
    task: &task::Model,
    completed: bool,
    as_of: NaiveDate,
    counted: impl Fn(NaiveDate, NaiveDate) -> usize,
) -> Vec<Period> {
    match task.recurrence {
        Recurrence::Once => {
            let starts_on = ymd(task.start_year, 1, 1);
            let ends_on = task
                .due_date
                .unwrap_or_else(|| ymd(task.end_year.unwrap_or(task.start_year), 12, 31));
            let state = if completed {
                PeriodState::Met
            } else if as_of < starts_on {
                PeriodState::Upcoming
            } else if ends_on < as_of {
                PeriodState::Missed
            } else {
                PeriodState::Open
            };
            vec![Period {
                year: ends_on.year(),
                starts_on,
                ends_on,
                state,
                reports: counted(starts_on, ends_on),
            }]
        }
        Recurrence::Annual | Recurrence::Ongoing => (task.start_year..=as_of.year())
            .map(|year| {
                let (starts_on, ends_on) = (ymd(year, 1, 1), ymd(year, 12, 31));
                let reports = counted(starts_on, ends_on);
                let state = if reports > 0 {
                    PeriodState::Met
                } else if ends_on < as_of {
                    PeriodState::Missed
                } else {
                    PeriodState::Open
                };
                Period {
                    year,
                    starts_on,
                    ends_on,
                    state,
                    reports,
                }
            })
            .collect(),
    }
}

/// One assignment as of the snapshot's date.
#[derive(Debug, Clone)]
pub struct AssignmentAt {
    pub assignment: assignment::Model,
    pub state: StateAt,
    pub reports: Vec<Report>,
}

/// One task as of the snapshot's date.
#[derive(Debug, Clone)]
pub struct TaskAt {
    pub task: task::Model,
    pub status: TaskStatus,
    pub progress: i32,
    pub overdue: bool,
    pub assignments: Vec<AssignmentAt>,
    /// The latest report effective on or before the snapshot's date, on any assignment.
    pub latest: Option<task_history::Model>,
}

impl TaskAt {
    /// Lead assignments only.
    pub fn leads(&self) -> impl Iterator<Item = &AssignmentAt> {
        self.assignments
            .iter()
            .filter(|a| a.assignment.role == AssignmentRole::Lead)
    }

    /// Reports on lead assignments, effective on or before the snapshot's date.
    pub fn lead_reports(&self) -> Vec<Report> {
        self.leads()
            .flat_map(|a| a.reports.iter().copied())
            .collect()
    }

    /// Reporting periods as of `as_of`.
    pub fn periods(&self, as_of: NaiveDate) -> Vec<Period> {
        periods(
            &self.task,
            &self.lead_reports(),
            self.status == TaskStatus::Completed,
            as_of,
        )
    }
}

/// Combines a task with its assignments and history into its state on `as_of`.
pub fn task_at(
    task: task::Model,
    assignments: Vec<assignment::Model>,
    history: &[task_history::Model],
    as_of: NaiveDate,
) -> TaskAt {
    let mut by_assignment: HashMap<i32, Vec<Report>> = HashMap::new();
    let latest = history
        .iter()
        .filter(|h| h.effective_on <= as_of)
        .max_by_key(|h| (h.effective_on, h.id))
        .cloned();
    for entry in history.iter().filter(|h| h.effective_on <= as_of) {
        by_assignment
            .entry(entry.assignment_id)
            .or_default()
            .push(Report::from(entry));
    }
    task_from_reports(task, assignments, by_assignment, latest, as_of)
}

/// [`task_at`] from reports already grouped by assignment (all effective by `as_of`) and the
/// latest of them in full.
fn task_from_reports(
    task: task::Model,
    assignments: Vec<assignment::Model>,
    mut by_assignment: HashMap<i32, Vec<Report>>,
    latest: Option<task_history::Model>,
    as_of: NaiveDate,
) -> TaskAt {
    let assignments: Vec<AssignmentAt> = assignments
        .into_iter()
        .map(|assignment| {
            let reports = by_assignment.remove(&assignment.id).unwrap_or_default();
            AssignmentAt {
                state: state_at(&reports, as_of),
                assignment,
                reports,
            }
        })
        .collect();
    let leads: Vec<(TaskStatus, i32)> = assignments
        .iter()
        .filter(|a| a.assignment.role == AssignmentRole::Lead)
        .map(|a| (a.state.status, a.state.progress))
        .collect();
    let (status, progress) = rollup(&leads);
    TaskAt {
        overdue: overdue(task.due_date, status, as_of),
        task,
        status,
        progress,
        assignments,
        latest,
    }
}

/// Every task of the primary plan (681/KH-UBND) as of `as_of`, in appendix order.
pub async fn load_primary(db: &DatabaseConnection, as_of: NaiveDate) -> Result<Vec<TaskAt>> {
    let plan = super::plan::current(db).await?;
    load(db, plan.id, as_of).await
}

/// Every task of a plan as of `as_of`, in appendix order.
pub async fn load(db: &DatabaseConnection, plan_id: i32, as_of: NaiveDate) -> Result<Vec<TaskAt>> {
    load_scope(db, Some(plan_id), as_of).await
}

/// Every task of a plan, or of every plan when `plan_id` is `None`, as of `as_of`, in plan and
/// appendix order.
pub async fn load_scope(
    db: &DatabaseConnection,
    plan_id: Option<i32>,
    as_of: NaiveDate,
) -> Result<Vec<TaskAt>> {
    let in_scope = |column: task::Column| {
        let mut tasks = Query::select();
        tasks.column(column).from(task::Entity);
        if let Some(plan_id) = plan_id {
            tasks.and_where(task::Column::PlanId.eq(plan_id));
        }
        tasks
    };
    let tasks = tasks_in_scope(db, plan_id).await?;
    let mut assignments: HashMap<i32, Vec<assignment::Model>> = HashMap::new();
    let mut query = assignment::Entity::find();
    if plan_id.is_some() {
        query = query
            .filter(assignment::Column::TaskId.in_subquery(in_scope(task::Column::Id).to_owned()));
    }
    for a in query.order_by_asc(assignment::Column::Id).all(db).await? {
        assignments.entry(a.task_id).or_default().push(a);
    }
    let mut query = task_history::Entity::find()
        .select_only()
        .columns([
            task_history::Column::Id,
            task_history::Column::TaskId,
            task_history::Column::AssignmentId,
            task_history::Column::EffectiveOn,
            task_history::Column::Status,
            task_history::Column::Progress,
        ])
        .column_as(
            Expr::col(task_history::Column::Evidence).is_not_null(),
            "has_evidence",
        )
        .filter(task_history::Column::EffectiveOn.lte(as_of))
        .filter(super::counted::condition());
    if plan_id.is_some() {
        query = query.filter(
            task_history::Column::TaskId.in_subquery(in_scope(task::Column::Id).to_owned()),
        );
    }
    let rows = query.into_model::<LeanReport>().all(db).await?;
    let mut reports: HashMap<i32, HashMap<i32, Vec<Report>>> = HashMap::new();
    let mut latest_ids: HashMap<i32, (NaiveDate, i32)> = HashMap::new();
    for row in rows {
        let latest = latest_ids
            .entry(row.task_id)
            .or_insert((row.effective_on, row.id));
        *latest = (*latest).max((row.effective_on, row.id));
        reports
            .entry(row.task_id)
            .or_default()
            .entry(row.assignment_id)
            .or_default()
            .push(Report {
                id: row.id,
                effective_on: row.effective_on,
                status: row.status,
                progress: row.progress,
                has_evidence: row.has_evidence,
            });
    }
    for by_assignment in reports.values_mut() {
        for list in by_assignment.values_mut() {
            list.sort_unstable_by_key(|r| r.id);
        }
    }
    let mut latest: HashMap<i32, task_history::Model> = HashMap::new();
    let ids: Vec<i32> = latest_ids.values().map(|(_, id)| *id).collect();
    for chunk in ids.chunks(LATEST_CHUNK) {
        for h in task_history::Entity::find()
            .filter(task_history::Column::Id.is_in(chunk.iter().copied()))
            .all(db)
            .await?
        {
            latest.insert(h.task_id, h);
        }
    }
    Ok(tasks
        .into_iter()
        .map(|t| {
            let id = t.id;
            task_from_reports(
                t,
                assignments.remove(&id).unwrap_or_default(),
                reports.remove(&id).unwrap_or_default(),
                latest.remove(&id),
                as_of,
            )
        })
        .collect())
}

/// The tasks of a plan, or of every plan when `plan_id` is `None`, in plan and appendix order.
pub(crate) async fn tasks_in_scope(
    db: &DatabaseConnection,
    plan_id: Option<i32>,
) -> Result<Vec<task::Model>> {
    let mut tasks = task::Entity::find();
    if let Some(plan_id) = plan_id {
        tasks = tasks.filter(task::Column::PlanId.eq(plan_id));
    }
    Ok(tasks
        .order_by_asc(task::Column::PlanId)
        .order_by_asc(task::Column::Number)
        .all(db)
        .await?)
}

/// Ids per query when fetching the latest reports in full.
const LATEST_CHUNK: usize = 500;

/// The columns of a history row that as-of rules read.
#[derive(Debug, FromQueryResult)]
struct LeanReport {
    id: i32,
    task_id: i32,
    assignment_id: i32,
    effective_on: NaiveDate,
    status: TaskStatus,
    progress: i32,
    has_evidence: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use TaskStatus::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        ymd(y, m, d)
    }

    fn report(id: i32, on: NaiveDate, status: TaskStatus, progress: i32) -> Report {
        Report {
            id,
            effective_on: on,
            status,
            progress,
            has_evidence: false,
        }
    }

    fn task(recurrence: Recurrence, start: i32, end: Option<i32>) -> task::Model {
        task::Model {
            id: 1,
            plan_id: 1,
            number: 1,
            title_vi: String::new(),
            title_en: String::new(),
            lead_text_vi: String::new(),
            cooperating_text_vi: String::new(),
            timeline_vi: String::new(),
            recurrence,
            start_year: start,
            end_year: end,
            due_date: end.map(|y| day(y, 12, 31)),
            status: NotStarted,
            progress: 0,
            version: 1,
            search_text: String::new(),
        }
    }

    #[test]
    fn the_state_on_a_date_ignores_reports_effective_later() {
        let reports = [
            report(1, day(2016, 6, 1), InProgress, 30),
            report(2, day(2017, 12, 1), Completed, 100),
        ];
        assert_eq!(state_at(&reports, day(2016, 5, 31)).status, NotStarted);
        assert_eq!(
            state_at(&reports, day(2016, 12, 31)),
            StateAt {
                status: InProgress,
                progress: 30,
                completed_on: None
            }
        );
        assert_eq!(
            state_at(&reports, day(2018, 1, 1)).completed_on,
            Some(day(2017, 12, 1))
        );
    }

    #[test]
    fn a_back_filled_report_counts_from_the_day_it_says() {
        let reports = [
            report(1, day(2018, 3, 1), InProgress, 80),
            report(2, day(2017, 5, 1), InProgress, 40),
        ];
        assert_eq!(state_at(&reports, day(2017, 12, 31)).progress, 40);
        assert_eq!(
            state_at(&reports, day(2018, 3, 1)).progress,
            80,
            "the later effective date wins"
        );
        let same_day = [
            report(1, day(2017, 5, 1), InProgress, 40),
            report(2, day(2017, 5, 1), InProgress, 45),
        ];
        assert_eq!(
            state_at(&same_day, day(2017, 5, 1)).progress,
            45,
            "the later-recorded report wins a tie"
        );
    }

    #[test]
    fn completion_dates_follow_the_last_unbroken_run() {
        let reports = [
            report(1, day(2016, 6, 1), Completed, 100),
            report(2, day(2016, 9, 1), InProgress, 90),
            report(3, day(2017, 2, 28), Completed, 100),
            report(4, day(2017, 3, 1), Completed, 100),
        ];
        assert_eq!(
            state_at(&reports, day(2017, 12, 31)).completed_on,
            Some(day(2017, 2, 28))
        );
    }

    #[test]
    fn annual_tasks_owe_one_report_per_calendar_year() {
        let annual = task(Recurrence::Annual, 2016, None);
        let reports = [
            report(1, day(2016, 11, 1), InProgress, 10),
            report(2, day(2018, 2, 28), InProgress, 20),
        ];
        let periods = periods(&annual, &reports, false, day(2019, 6, 30));
        let states: Vec<(i32, PeriodState)> = periods.iter().map(|p| (p.year, p.state)).collect();
        assert_eq!(
            states,
            [
                (2016, PeriodState::Met),
                (2017, PeriodState::Missed),
                (2018, PeriodState::Met),
                (2019, PeriodState::Open)
            ]
        );
    }

    #[test]
    fn a_leap_day_report_falls_in_its_year() {
        let ongoing = task(Recurrence::Ongoing, 2016, None);
        let reports = [report(1, day(2020, 2, 29), InProgress, 10)];
        let periods = periods(&ongoing, &reports, false, day(2021, 1, 1));
        let y2020 = periods.iter().find(|p| p.year == 2020).expect("2020");
        assert_eq!((y2020.state, y2020.reports), (PeriodState::Met, 1));
        assert_eq!(
            periods.iter().find(|p| p.year == 2019).map(|p| p.state),
            Some(PeriodState::Missed)
        );
    }

    #[test]
    fn a_span_is_missed_after_its_due_date_unless_completed() {
        let span = task(Recurrence::Once, 2016, Some(2017));
        assert_eq!(
            periods(&span, &[], false, day(2017, 12, 31))[0].state,
            PeriodState::Open
        );
        assert_eq!(
            periods(&span, &[], false, day(2018, 1, 1))[0].state,
            PeriodState::Missed
        );
        assert_eq!(
            periods(&span, &[], true, day(2018, 1, 1))[0].state,
            PeriodState::Met
        );
        assert_eq!(
            periods(&span, &[], false, day(2015, 1, 1))[0].state,
            PeriodState::Upcoming
        );
    }
}
