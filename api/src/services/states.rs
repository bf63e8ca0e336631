//! The state of every lead assignment on a date, computed by the database.
//!
//! Rankings, plan progress and standings need, per lead assignment, only a handful of facts on
//! the as-of date: its latest report, when its final run of COMPLETED reports began, whether any
//! report carried evidence, and which calendar years had a report. [`load`] asks the database
//! for exactly those with indexed probes (see the `history_probes` migration), so the cost
//! follows the number of assignments, not the length of their history. [`asof::load`] reads the
//! whole history instead, for views that show it; `From<&TaskAt>` derives the same facts from
//! it, which the integration tests use to check one against the other.

use std::collections::{BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate};
use entities::rollup::rollup;
use entities::{task, Recurrence, TaskStatus};
use sea_orm::{DatabaseConnection, DbBackend, FromQueryResult, Statement, Value};

use super::asof::{self, Period, StateAt, TaskAt};
use super::{clock, counted};
use crate::error::Result;

/// One lead assignment on the as-of date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadState {
    pub assignment_id: i32,
    pub agency_id: i32,
    pub state: StateAt,
    /// Whether any report effective by the date carried evidence.
    pub has_evidence: bool,
    /// On annual and ongoing tasks: the calendar years from the task's start year with at least
    /// one report effective by the date, ascending. Empty on other tasks.
    pub years_reported: Vec<i32>,
}

impl LeadState {
    /// The task's reporting periods as this lead met them by `as_of` (see [`asof::periods`]);
    /// each period's `reports` counts the calendar years in it with a report.
    pub fn periods(&self, task: &task::Model, as_of: NaiveDate) -> Vec<Period> {
        let completed = self.state.status == TaskStatus::Completed;
        asof::periods_counting(task, completed, as_of, |from, to| {
            self.years_reported
                .iter()
                .filter(|year| (from.year()..=to.year()).contains(year))
                .count()
        })
    }
}

/// One task on the as-of date, rolled up from its lead assignments.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskState {
    pub task: task::Model,
    pub status: TaskStatus,
    pub progress: i32,
    pub overdue: bool,
    /// In assignment order.
    pub leads: Vec<LeadState>,
}

impl TaskState {
    fn new(task: task::Model, leads: Vec<LeadState>, as_of: NaiveDate) -> Self {
        let states: Vec<(TaskStatus, i32)> = leads
            .iter()
            .map(|l| (l.state.status, l.state.progress))
            .collect();
        let (status, progress) = rollup(&states);
        Self {
            overdue: asof::overdue(task.due_date, status, as_of),
            task,
            status,
            progress,
            leads,
        }
    }
}

impl From<&TaskAt> for TaskState {
    /// The same facts, derived from a task's full history as of its date.
    fn from(t: &TaskAt) -> Self {
        let yearly = t.task.recurrence != Recurrence::Once;
        let leads = t
            .leads()
            .map(|lead| LeadState {
                assignment_id: lead.assignment.id,
                agency_id: lead.assignment.agency_id,
                state: lead.state,
                has_evidence: lead.reports.iter().any(|r| r.has_evidence),
                years_reported: lead
                    .reports
                    .iter()
                    .map(|r| r.effective_on.year())
                    .filter(|year| yearly && *year >= t.task.start_year)
                    .collect::<BTreeSet<i32>>()
                    .into_iter()
                    .collect(),
            })
            .collect();
        Self {
            task: t.task.clone(),
            status: t.status,
            progress: t.progress,
            overdue: t.overdue,
            leads,
        }
    }
}

/// Every task of a plan, or of every plan when `plan_id` is `None`, on `as_of`, in plan and
/// appendix order.
pub async fn load(
    db: &DatabaseConnection,
    plan_id: Option<i32>,
    as_of: NaiveDate,
) -> Result<Vec<TaskState>> {
    let tasks = asof::tasks_in_scope(db, plan_id).await?;
    let backend = db.get_database_backend();
    let mut leads: HashMap<i32, Vec<LeadState>> = HashMap::new();
    let mut by_assignment: HashMap<i32, (i32, usize)> = HashMap::new();
    let statement = in_scope(backend, &leads_sql(backend), as_of, plan_id, Vec::new());
    for row in LeadRow::find_by_statement(statement).all(db).await? {
        let list = leads.entry(row.task_id).or_default();
        by_assignment.insert(row.id, (row.task_id, list.len()));
        list.push(row.into_state());
    }
    let first_year = tasks
        .iter()
        .filter(|t| t.recurrence != Recurrence::Once)
        .map(|t| t.start_year)
        .min();
    // No report is effective after the day it was filed (the service refuses future dates), so
    // years after this one have none to look for, however late `as_of` is.
    let last_year = as_of.year().min(clock::today().year());
    for year in first_year.unwrap_or(i32::MAX)..=last_year {
        let (Some(from), Some(to)) = (
            NaiveDate::from_ymd_opt(year, 1, 1),
            NaiveDate::from_ymd_opt(year, 12, 31),
        ) else {
            continue;
        };
        let extra = vec![from.into(), to.into(), year.into()];
        let statement = in_scope(backend, &reported_in_sql(), as_of, plan_id, extra);
        for row in ReportedRow::find_by_statement(statement).all(db).await? {
            if let Some((task_id, index)) = by_assignment.get(&row.id) {
                if let Some(lead) = leads.get_mut(task_id).and_then(|l| l.get_mut(*index)) {
                    lead.years_reported.push(year);
                }
            }
        }
    }
    Ok(tasks
        .into_iter()
        .map(|t| {
            let own = leads.remove(&t.id).unwrap_or_default();
            TaskState::new(t, own, as_of)
        })
        .collect())
}

/// Lead assignments in scope with, as of `$1`: the latest report (by effective day, then
/// recording order, as `l`), the latest report that is not COMPLETED (`o`), evidence, and, when
/// the latest is COMPLETED, the day of the first report after `o` (or of the first report of
/// all). Each is an index probe per assignment. PostgreSQL is told so with `LATERAL` (left to
/// itself it hashes the whole history to join `l` and `o`); SQLite, which has no `LATERAL`,
/// probes the same way when joining on the latest report's id.
fn leads_sql(backend: DbBackend) -> String {
    let latest = |columns: &str, extra: &str| {
        format!(
            "(SELECT {columns} FROM task_history h
               WHERE h.assignment_id = a.id AND h.effective_on <= $1{extra} AND {counted}
               ORDER BY h.effective_on DESC, h.id DESC LIMIT 1)",
            counted = counted::SQL
        )
    };
    let open = " AND h.status <> 'COMPLETED'";
    let joins = if backend == DbBackend::Postgres {
        format!(
            "LEFT JOIN LATERAL {} l ON TRUE\nLEFT JOIN LATERAL {} o ON TRUE",
            latest("h.id, h.status, h.progress", ""),
            latest("h.id, h.effective_on", open)
        )
    } else {
        format!(
            "LEFT JOIN task_history l ON l.id = {}\nLEFT JOIN task_history o ON o.id = {}",
            latest("h.id", ""),
            latest("h.id", open)
        )
    };
    format!(
        "SELECT a.id, a.task_id, a.agency_id, l.status, l.progress,
  CASE WHEN l.status = 'COMPLETED' THEN
    CASE WHEN o.id IS NULL THEN
      (SELECT MIN(h.effective_on) FROM task_history h WHERE h.assignment_id = a.id AND {counted})
    ELSE
      (SELECT h.effective_on FROM task_history h
        WHERE h.assignment_id = a.id AND h.effective_on >= o.effective_on AND h.effective_on <= $1
          AND (h.effective_on > o.effective_on OR h.id > o.id) AND {counted}
        ORDER BY h.effective_on, h.id LIMIT 1)
    END
  END AS completed_on,
  COALESCE((SELECT 1 FROM task_history h
      WHERE h.assignment_id = a.id AND h.evidence IS NOT NULL AND h.effective_on <= $1
        AND {counted}
      LIMIT 1), 0) AS has_evidence
FROM assignments a
JOIN tasks t ON t.id = a.task_id
{joins}
WHERE a.role = 'LEAD'",
        counted = counted::SQL
    )
}

/// Lead assignments of annual and ongoing tasks begun by year `$4`, with a counted report
/// effective between `$2` and `$3` and by `$1`.
fn reported_in_sql() -> String {
    format!(
        "
SELECT a.id
FROM assignments a
JOIN tasks t ON t.id = a.task_id
WHERE a.role = 'LEAD' AND t.recurrence <> 'ONCE' AND t.start_year <= $4
  AND EXISTS (SELECT 1 FROM task_history h
    WHERE h.assignment_id = a.id AND h.effective_on >= $2 AND h.effective_on <= $3
      AND h.effective_on <= $1 AND {})",
        counted::SQL
    )
}

/// `sql` (numbered `$n` parameters, `$1` the as-of date, then `extra`), limited to one plan's
/// tasks when given, in the backend's parameter syntax and in assignment order.
fn in_scope(
    backend: DbBackend,
    sql: &str,
    as_of: NaiveDate,
    plan_id: Option<i32>,
    extra: Vec<Value>,
) -> Statement {
    let mut values: Vec<Value> = vec![as_of.into()];
    values.extend(extra);
    let mut sql = sql.to_owned();
    if let Some(plan_id) = plan_id {
        values.push(plan_id.into());
        sql.push_str(&format!(" AND t.plan_id = ${}", values.len()));
    }
    sql.push_str(" ORDER BY a.id");
    if backend != DbBackend::Postgres {
        sql = sql.replace('$', "?");
    }
    Statement::from_sql_and_values(backend, sql, values)
}

#[derive(Debug, FromQueryResult)]
struct LeadRow {
    id: i32,
    task_id: i32,
    agency_id: i32,
    status: Option<TaskStatus>,
    progress: Option<i32>,
    completed_on: Option<NaiveDate>,
    has_evidence: i32,
}

impl LeadRow {
    fn into_state(self) -> LeadState {
        LeadState {
            assignment_id: self.id,
            agency_id: self.agency_id,
            state: StateAt {
                status: self.status.unwrap_or(TaskStatus::NotStarted),
                progress: self.progress.unwrap_or(0),
                completed_on: self.completed_on,
            },
            has_evidence: self.has_evidence != 0,
            years_reported: Vec::new(),
        }
    }
}

#[derive(Debug, FromQueryResult)]
struct ReportedRow {
    id: i32,
}
