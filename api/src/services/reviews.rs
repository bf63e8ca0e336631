//! DIC's check of status reports (plan IV.2.a, "kiểm tra"): a planner accepts a report or
//! returns it with a reason. A review is appended beside the report, which is never edited.
//!
//! A returned report stops counting everywhere at once (see [`super::counted`]): in the same
//! transaction the lead's current state falls back to its latest counted report and the task's
//! roll-up is recomputed, and the data version advances so no cached answer survives the
//! return. A return is final: the agency answers it with a new report. An accepted report can
//! still be returned later, when it is found wrong.

use chrono::Utc;
use entities::{report_review, task, task_history, ReviewDecision, TaskStatus};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};

use super::access::{planner, Viewer};
use super::events::{Events, TaskStatusChanged};
use super::figures::{self, Figures};
use super::reminders::{self, Notice};
use super::reporting::{self, MAX_NOTE_CHARS};
use super::{clock, counted, fetch_by};
use crate::error::{Error, Result};

/// A planner's decision on one status report.
#[derive(Debug, Clone)]
pub struct Review {
    /// The reviewed history entry.
    pub history_id: i32,
    pub decision: ReviewDecision,
    /// Required for a return: what is wrong and what the agency should send instead.
    pub reason: Option<String>,
}

/// What a review did.
#[derive(Debug, Clone)]
pub struct Reviewed {
    pub review: report_review::Model,
    /// The reviewed report.
    pub entry: task_history::Model,
    /// The task as it stands after the review.
    pub task: task::Model,
}

/// Records a review; a return also takes the report out of every figure.
pub async fn review_status_report(
    db: &DatabaseConnection,
    events: &Events,
    figures: &Figures,
    viewer: Option<&Viewer>,
    review: Review,
) -> Result<Reviewed> {
    let viewer = planner(viewer)?;
    let reason = review
        .reason
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty());
    if reason
        .as_ref()
        .is_some_and(|r| r.chars().count() > MAX_NOTE_CHARS)
    {
        return Err(Error::bad_input(format!(
            "reason must be at most {MAX_NOTE_CHARS} characters"
        )));
    }
    if review.decision == ReviewDecision::Return && reason.is_none() {
        return Err(Error::bad_input(
            "a return needs a reason: say what is wrong and what the agency should report instead",
        ));
    }
    let entry = task_history::Entity::find_by_id(review.history_id)
        .one(db)
        .await?
        .ok_or_else(|| Error::NotFound(format!("status report {}", review.history_id)))?;

    let txn = db.begin().await?;
    // Bumping the version takes the task's write lock, so a review and a report on the same
    // task are applied one after the other.
    let Some(mut task) = task::Entity::update_many()
        .col_expr(
            task::Column::Version,
            Expr::col(task::Column::Version).add(1),
        )
        .filter(task::Column::Id.eq(entry.task_id))
        .exec_with_returning(&txn)
        .await?
        .pop()
    else {
        return Err(Error::NotFound(format!(
            "task of status report {}",
            entry.id
        )));
    };
    let returned = report_review::Entity::find()
        .filter(report_review::Column::HistoryId.eq(entry.id))
        .filter(report_review::Column::Decision.eq(ReviewDecision::Return))
        .one(&txn)
        .await?;
    if returned.is_some() {
        return Err(Error::Conflict(format!(
            "status report {} was already returned; the agency answers a return with a new report",
            entry.id
        )));
    }
    let saved = report_review::ActiveModel {
        history_id: Set(entry.id),
        task_id: Set(entry.task_id),
        decision: Set(review.decision),
        reason: Set(reason),
        reviewed_at: Set(Utc::now()),
        reviewer_user_id: Set(Some(viewer.user_id)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;

    let mut event = None;
    if review.decision == ReviewDecision::Return {
        let lang = (reports::model::Lang::Vi, reports::model::Lang::En);
        reminders::notify(
            &txn,
            &Notice {
                agency_id: entry.agency_id,
                task_id: Some(task.id),
                period: None,
                subject: format!("report:{}", entry.id),
                kind: "REPORT_RETURNED",
                on_date: clock::today(),
                text_vi: format!(
                    "Sở TT&TT trả lại báo cáo (hiệu lực {}) về nhiệm vụ {}: {}",
                    reports::format::date(entry.effective_on, lang.0),
                    task.number,
                    saved.reason.as_deref().unwrap_or_default()
                ),
                text_en: format!(
                    "The DIC returned your report (effective {}) on task {}: {}",
                    reports::format::date(entry.effective_on, lang.1),
                    task.number,
                    saved.reason.as_deref().unwrap_or_default()
                ),
                link: format!("/tasks/{}#report-{}", task.number, entry.id),
            },
        )
        .await?;
        let (status, progress) = recount(&txn, &mut task, entry.assignment_id).await?;
        event = Some(TaskStatusChanged {
            task_id: task.id,
            task_number: task.number,
            agency_id: entry.agency_id,
            status,
            progress,
            task_status: task.status,
            task_progress: task.progress,
            task_version: task.version,
            effective_on: clock::today(),
            changed_at: saved.reviewed_at,
            changed_by_user_id: Some(viewer.user_id),
        });
    }
    // Even an acceptance changes what the history answers, so cached answers go.
    figures::mark_in(&txn).await?;
    if let Some(event) = &event {
        events.stage(&txn, event).await?;
    }
    txn.commit().await?;
    figures.mark_committed(db).await;
    if let Some(event) = event {
        events.committed(event);
    }
    Ok(Reviewed {
        review: saved,
        entry,
        task,
    })
}

/// Sets the assignment to its latest counted report (as `asof` reads it today) and the task to
/// the roll-up of its leads; returns the assignment's new state.
async fn recount(
    txn: &impl ConnectionTrait,
    task: &mut task::Model,
    assignment_id: i32,
) -> Result<(TaskStatus, i32)> {
    let latest = task_history::Entity::find()
        .filter(task_history::Column::AssignmentId.eq(assignment_id))
        .filter(task_history::Column::EffectiveOn.lte(clock::today()))
        .filter(counted::condition())
        .order_by_desc(task_history::Column::EffectiveOn)
        .order_by_desc(task_history::Column::Id)
        .one(txn)
        .await?;
    let state = latest.map_or((TaskStatus::NotStarted, 0), |h| (h.status, h.progress));
    (task.status, task.progress) =
        reporting::store_state(txn, task.id, assignment_id, state).await?;
    Ok(state)
}

fetch_by!(
    /// Reviews of the given history entries, oldest first.
    reviews_of_histories, report_review, HistoryId
);

fetch_by!(
    /// Reviews on the given tasks, oldest first.
    reviews_of_tasks, report_review, TaskId
);
