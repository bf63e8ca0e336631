//! Status reporting: the rules for who may change which assignment, the validation of a
//! report, and the transaction that applies it with its history entry.
//!
//! A report is applied in one transaction that first bumps the task's version (taking the
//! write lock: SQLite's database lock, PostgreSQL's row lock), so concurrent reports on a task
//! are applied one after another and none is lost; with `expected_version`, a stale report
//! changes nothing and fails with `CONFLICT`.
//!
//! A report may carry attachments: every file is checked (count, size, type from the bytes)
//! before the transaction starts, so a refused file refuses the whole report and nothing is
//! stored; accepted files are stored in the same transaction as the history entry
//! (`attachments`).

use chrono::{NaiveDate, Utc};
use entities::rollup::rollup;
use entities::{
    assignment, task, task_comment, task_history, AssignmentRole, TaskStatus, UserRole,
};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};

use super::access::{signed_in, Viewer};
use super::attachments::{self, Upload};
use super::events::{Events, TaskStatusChanged};
use super::figures::{self, Figures};
use super::{agencies, clock, counted, fetch_by, plan, tasks};
use crate::error::{Error, Result};

/// Longest note accepted, in characters.
pub const MAX_NOTE_CHARS: usize = 4000;
/// Longest evidence reference accepted, in characters.
pub const MAX_EVIDENCE_CHARS: usize = 500;

/// A status report on one assignment.
#[derive(Debug, Clone, Default)]
pub struct StatusReport {
    /// The plan's code; the primary plan when unset.
    pub plan_code: Option<String>,
    pub task_number: i32,
    /// The reporting agency; defaults to the caller's own.
    pub agency_code: Option<String>,
    pub status: Option<TaskStatus>,
    pub progress: Option<i32>,
    pub note: Option<String>,
    pub evidence: Option<String>,
    /// When it really happened; defaults to today in Vietnam.
    pub effective_on: Option<NaiveDate>,
    pub expected_version: Option<i32>,
    /// Files attached to the report (the scanned decision, the minutes, a screenshot); their
    /// declared types are ignored.
    pub attachments: Vec<Upload>,
    /// The limits `attachments` are checked against: the configured ones
    /// (`Config::limits.attachments`, `Data<&attachments::Limits>` in HTTP handlers);
    /// `Default` is the built-in 20 MiB × 5.
    pub attachment_limits: attachments::Limits,
}

/// Checks an evidence reference: a web address, or an official document number such as
/// `123/QĐ-UBND` (optionally with its date).
pub fn check_evidence(evidence: Option<String>) -> Result<Option<String>> {
    let Some(text) = evidence
        .map(|e| e.trim().to_owned())
        .filter(|e| !e.is_empty())
    else {
        return Ok(None);
    };
    if text.chars().count() > MAX_EVIDENCE_CHARS {
        return Err(Error::bad_input(format!(
            "evidence must be at most {MAX_EVIDENCE_CHARS} characters"
        )));
    }
    let is_url = (text.starts_with("https://") || text.starts_with("http://"))
        && text.len() > "https://".len()
        && !text.contains(char::is_whitespace);
    let is_document = text.contains('/') && text.chars().any(|c| c.is_ascii_digit());
    if is_url || is_document {
        Ok(Some(text))
    } else {
        Err(Error::bad_input(
            "evidence must be a URL (https://…) or an official document reference such as \"123/QĐ-UBND ngày 05/06/2017\"",
        ))
    }
}

fn check_note(note: Option<String>) -> Result<Option<String>> {
    let note = note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    if note
        .as_ref()
        .is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS)
    {
        return Err(Error::bad_input(format!(
            "note must be at most {MAX_NOTE_CHARS} characters"
        )));
    }
    Ok(note)
}

/// The status and progress a report leads to, from what it says and what was there.
fn resolve_state(
    status: Option<TaskStatus>,
    progress: Option<i32>,
    current: (TaskStatus, i32),
) -> Result<(TaskStatus, i32)> {
    if let Some(p) = progress {
        if !(0..=100).contains(&p) {
            return Err(Error::bad_input(format!("progress must be 0-100, got {p}")));
        }
    }
    let status = match (status, progress) {
        (Some(s), _) => s,
        (None, Some(100)) => TaskStatus::Completed,
        (None, Some(0)) if current.0 == TaskStatus::NotStarted => TaskStatus::NotStarted,
        (None, Some(_)) if current.0 == TaskStatus::Blocked => TaskStatus::Blocked,
        (None, Some(_)) => TaskStatus::InProgress,
        (None, None) => current.0,
    };
    let progress = match (status, progress) {
        (TaskStatus::Completed, None | Some(100)) => 100,
        (TaskStatus::Completed, Some(p)) => {
            return Err(Error::bad_input(format!(
                "a completed assignment is at 100% progress, got {p}"
            )))
        }
        (TaskStatus::NotStarted, None | Some(0)) => 0,
        (TaskStatus::NotStarted, Some(p)) => {
            return Err(Error::bad_input(format!(
                "an assignment that has not started is at 0% progress, got {p}"
            )))
        }
        (_, Some(p)) => p,
        (_, None) => Ord::min(current.1, 99),
    };
    Ok((status, progress))
}

/// The assignment a viewer reports on, after the role rules.
async fn reporting_assignment(
    db: &DatabaseConnection,
    viewer: &Viewer,
    task: &task::Model,
    agency_code: Option<&str>,
) -> Result<assignment::Model> {
    let rows = tasks::assignments_of_tasks(db, &[task.id]).await?;
    let agency_id = match agency_code.map(str::trim).filter(|c| !c.is_empty()) {
        Some(code) => Some(agencies::require(db, code).await?.id),
        None => None,
    };
    match viewer.role {
        UserRole::Leader => Err(Error::forbidden(
            "leaders read the plan; they do not report on it",
        )),
        UserRole::Agency => {
            let own = viewer
                .agency_id
                .ok_or_else(|| Error::forbidden("this account belongs to no agency"))?;
            if agency_id.is_some_and(|id| id != own) {
                return Err(Error::forbidden("an agency may report only for itself"));
            }
            if let Some(lead) = rows
                .iter()
                .find(|a| a.agency_id == own && a.role == AssignmentRole::Lead)
            {
                return Ok(lead.clone());
            }
            if rows.iter().any(|a| a.agency_id == own) {
                Err(Error::forbidden(format!(
                    "your agency cooperates on task {} and may comment, but only lead agencies report its status",
                    task.number
                )))
            } else {
                Err(Error::forbidden(format!(
                    "your agency holds no assignment on task {}",
                    task.number
                )))
            }
        }
        UserRole::Planner => {
            let candidates: Vec<&assignment::Model> = match agency_id {
                Some(id) => {
                    let mut held: Vec<&assignment::Model> =
                        rows.iter().filter(|a| a.agency_id == id).collect();
                    held.sort_by_key(|a| a.role != AssignmentRole::Lead);
                    held.truncate(1);
                    held
                }
                None => rows
                    .iter()
                    .filter(|a| a.role == AssignmentRole::Lead)
                    .collect(),
            };
            match candidates.as_slice() {
                [one] => Ok((*one).clone()),
                [] => Err(Error::bad_input(format!(
                    "that agency holds no assignment on task {}",
                    task.number
                ))),
                _ => Err(Error::bad_input(format!(
                    "task {} has several lead agencies: say which with agencyCode",
                    task.number
                ))),
            }
        }
    }
}

/// Applies a status report, with its attachments, and returns the task as it now stands.
pub async fn update_task_status(
    db: &DatabaseConnection,
    events: &Events,
    figures: &Figures,
    viewer: Option<&Viewer>,
    report: StatusReport,
) -> Result<task::Model> {
    let viewer = signed_in(viewer)?;
    let plan = plan::resolve(db, report.plan_code.as_deref()).await?;
    let task = tasks::by_number(db, plan.id, report.task_number)
        .await?
        .ok_or_else(|| Error::NotFound(format!("task {}", report.task_number)))?;
    let target = reporting_assignment(db, viewer, &task, report.agency_code.as_deref()).await?;
    let note = check_note(report.note)?;
    let evidence = check_evidence(report.evidence)?;
    let today = clock::today();
    let issued_on = plan.issued_on;
    let effective_on = report.effective_on.unwrap_or(today);
    if effective_on > today {
        return Err(Error::bad_input(format!(
            "effectiveOn {effective_on} is in the future (today is {today})"
        )));
    }
    if effective_on < issued_on {
        return Err(Error::bad_input(format!(
            "effectiveOn {effective_on} is before the plan was issued ({issued_on})"
        )));
    }
    let files = attachments::check(report.attachments, &report.attachment_limits).await?;

    let txn = db.begin().await?;
    let mut bump = task::Entity::update_many()
        .col_expr(
            task::Column::Version,
            Expr::col(task::Column::Version).add(1),
        )
        .filter(task::Column::Id.eq(task.id));
    if let Some(expected) = report.expected_version {
        bump = bump.filter(task::Column::Version.eq(expected));
    }
    let Some(mut updated) = bump.exec_with_returning(&txn).await?.pop() else {
        return Err(Error::Conflict(format!(
            "task {} changed since version {}; reload it and try again",
            task.number,
            report.expected_version.unwrap_or_default()
        )));
    };
    let mut held = assignment::Entity::find()
        .filter(assignment::Column::TaskId.eq(task.id))
        .all(&txn)
        .await?;
    let current = held
        .iter_mut()
        .find(|a| a.id == target.id)
        .ok_or_else(|| Error::NotFound("assignment".into()))?;
    let (status, progress) = resolve_state(
        report.status,
        report.progress,
        (current.status, current.progress),
    )?;
    let (task_status, task_progress) =
        store_state(&txn, task.id, target.id, (status, progress)).await?;
    (updated.status, updated.progress) = (task_status, task_progress);
    let version = updated.version;

    let changed_at = Utc::now();
    let entry = task_history::ActiveModel {
        task_id: Set(task.id),
        assignment_id: Set(target.id),
        agency_id: Set(target.agency_id),
        status: Set(status),
        progress: Set(progress),
        note: Set(note),
        evidence: Set(evidence),
        effective_on: Set(effective_on),
        changed_at: Set(changed_at),
        changed_by_user_id: Set(Some(viewer.user_id)),
        task_version: Set(version),
        ..Default::default()
    };
    let history_id = task_history::Entity::insert(entry)
        .exec(&txn)
        .await?
        .last_insert_id;
    attachments::store(&txn, history_id, files).await?;
    let event = TaskStatusChanged {
        task_id: task.id,
        task_number: task.number,
        agency_id: target.agency_id,
        status,
        progress,
        task_status,
        task_progress,
        task_version: version,
        effective_on,
        changed_at,
        changed_by_user_id: Some(viewer.user_id),
    };
    figures::mark_in(&txn).await?;
    events.stage(&txn, &event).await?;
    txn.commit().await?;

    figures.mark_committed(db).await;
    events.committed(event);
    Ok(updated)
}

/// Inside a write transaction: sets an assignment's status and progress, then recomputes and
/// stores the task's roll-up of its lead assignments, which it returns.
pub(crate) async fn store_state(
    txn: &impl ConnectionTrait,
    task_id: i32,
    assignment_id: i32,
    (status, progress): (TaskStatus, i32),
) -> Result<(TaskStatus, i32)> {
    assignment::Entity::update_many()
        .set(assignment::ActiveModel {
            status: Set(status),
            progress: Set(progress),
            ..Default::default()
        })
        .filter(assignment::Column::Id.eq(assignment_id))
        .exec(txn)
        .await?;
    let leads: Vec<(TaskStatus, i32)> = assignment::Entity::find()
        .filter(assignment::Column::TaskId.eq(task_id))
        .filter(assignment::Column::Role.eq(AssignmentRole::Lead))
        .all(txn)
        .await?
        .into_iter()
        .map(|a| (a.status, a.progress))
        .collect();
    let (task_status, task_progress) = rollup(&leads);
    task::Entity::update_many()
        .set(task::ActiveModel {
            status: Set(task_status),
            progress: Set(task_progress),
            ..Default::default()
        })
        .filter(task::Column::Id.eq(task_id))
        .exec(txn)
        .await?;
    Ok((task_status, task_progress))
}

/// A comment or evidence on a task.
#[derive(Debug, Clone, Default)]
pub struct NewComment {
    /// The plan's code; the primary plan when unset.
    pub plan_code: Option<String>,
    pub task_number: i32,
    pub agency_code: Option<String>,
    pub body: String,
    pub evidence: Option<String>,
}

/// Adds a comment: any agency assigned to the task (lead or cooperating) may, and planners.
pub async fn add_comment(
    db: &DatabaseConnection,
    viewer: Option<&Viewer>,
    comment: NewComment,
) -> Result<task_comment::Model> {
    let viewer = signed_in(viewer)?;
    let plan = plan::resolve(db, comment.plan_code.as_deref()).await?;
    let task = tasks::by_number(db, plan.id, comment.task_number)
        .await?
        .ok_or_else(|| Error::NotFound(format!("task {}", comment.task_number)))?;
    let body = comment.body.trim().to_owned();
    if body.is_empty() || body.chars().count() > MAX_NOTE_CHARS {
        return Err(Error::bad_input(format!(
            "a comment needs 1-{MAX_NOTE_CHARS} characters"
        )));
    }
    let evidence = check_evidence(comment.evidence)?;
    let rows = tasks::assignments_of_tasks(db, &[task.id]).await?;
    let agency_id = match viewer.role {
        UserRole::Leader => {
            return Err(Error::forbidden(
                "leaders read the plan; they do not comment on it",
            ))
        }
        UserRole::Agency => {
            let own = viewer
                .agency_id
                .ok_or_else(|| Error::forbidden("this account belongs to no agency"))?;
            if !rows.iter().any(|a| a.agency_id == own) {
                return Err(Error::forbidden(format!(
                    "your agency holds no assignment on task {}",
                    task.number
                )));
            }
            Some(own)
        }
        UserRole::Planner => match comment.agency_code.as_deref().map(str::trim) {
            Some(code) if !code.is_empty() => Some(agencies::require(db, code).await?.id),
            _ => None,
        },
    };
    Ok(task_comment::ActiveModel {
        task_id: Set(task.id),
        agency_id: Set(agency_id),
        user_id: Set(Some(viewer.user_id)),
        body: Set(body),
        evidence: Set(evidence),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

fetch_by!(
    /// History entries of the given tasks, oldest first.
    history_of_tasks, task_history, TaskId
);
/// Counted history entries of the given tasks (every entry but returned ones), oldest first:
/// what as-of views compute from.
pub async fn counted_history_of_tasks(
    db: &DatabaseConnection,
    ids: &[i32],
) -> Result<Vec<task_history::Model>> {
    Ok(task_history::Entity::find()
        .filter(task_history::Column::TaskId.is_in(ids.iter().copied()))
        .filter(counted::condition())
        .order_by_asc(task_history::Column::Id)
        .all(db)
        .await?)
}

/// The latest counted report of each of the given tasks: the one effective last, the later
/// recorded of two effective the same day (as `asof` reads them). One query with one index
/// probe per task, whatever the history's size.
pub async fn latest_reports_of_tasks(
    db: &DatabaseConnection,
    ids: &[i32],
) -> Result<Vec<task_history::Model>> {
    let latest_of_each = Query::select()
        .expr(Expr::cust(format!(
            "(SELECT h.id FROM task_history h WHERE h.task_id = tasks.id AND {} \
             ORDER BY h.effective_on DESC, h.id DESC LIMIT 1)",
            counted::SQL
        )))
        .from(task::Entity)
        .and_where(task::Column::Id.is_in(ids.iter().copied()))
        .to_owned();
    Ok(task_history::Entity::find()
        .filter(task_history::Column::Id.in_subquery(latest_of_each))
        .all(db)
        .await?)
}

fetch_by!(
    /// Comments on the given tasks, oldest first.
    comments_of_tasks, task_comment, TaskId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completed_means_100_and_not_started_means_0() {
        let fresh = (TaskStatus::NotStarted, 0);
        assert_eq!(
            resolve_state(Some(TaskStatus::Completed), None, fresh).ok(),
            Some((TaskStatus::Completed, 100))
        );
        assert!(resolve_state(Some(TaskStatus::Completed), Some(90), fresh).is_err());
        assert!(resolve_state(Some(TaskStatus::NotStarted), Some(10), fresh).is_err());
        assert_eq!(
            resolve_state(None, Some(40), fresh).ok(),
            Some((TaskStatus::InProgress, 40))
        );
        assert_eq!(
            resolve_state(None, Some(100), fresh).ok(),
            Some((TaskStatus::Completed, 100))
        );
        assert!(resolve_state(None, Some(101), fresh).is_err());
        assert!(resolve_state(None, Some(-1), fresh).is_err());
    }

    #[test]
    fn evidence_is_a_url_or_a_document_reference() {
        assert!(check_evidence(Some("https://haiduong.gov.vn/x".into())).is_ok());
        assert!(check_evidence(Some("123/QĐ-UBND ngày 05/06/2017".into())).is_ok());
        assert_eq!(check_evidence(Some("  ".into())).ok(), Some(None));
        assert!(check_evidence(Some("trust me".into())).is_err());
    }
}
