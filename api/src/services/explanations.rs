//! Requests for explanation (giải trình): a leader or DIC planner asks an agency to explain its
//! work on a task by a date; the agency answers once, in writing, and both stay on record with
//! their dates. Unanswered requests past their date are what planners chase.
//!
//! Explanations are correspondence between the province's offices, not part of the public
//! plan: leaders and planners see every request, an agency's officers see the requests
//! addressed to their agency, and anonymous readers see none.

use chrono::{Duration, NaiveDate, Utc};
use entities::{explanation_request, UserRole};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionTrait,
};

use super::access::{signed_in, Viewer};
use super::figures::{self, Figures};
use super::reminders::{self, Notice};
use super::reporting::MAX_NOTE_CHARS;
use super::{agencies, clock, plan, tasks};
use crate::error::{Error, Result};

/// The furthest ahead an answer may be asked for, in days.
pub const MAX_DAYS_TO_ANSWER: i64 = 366;
/// Most requests one listing returns.
pub const MAX_LISTED: u64 = 500;

/// A leader's or planner's request.
#[derive(Debug, Clone)]
pub struct NewRequest {
    pub task_number: i32,
    pub agency_code: String,
    pub question: String,
    /// The day the answer is expected by; today or later, within [`MAX_DAYS_TO_ANSWER`].
    pub due_on: NaiveDate,
}

fn check_text(text: &str, what: &str) -> Result<String> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > MAX_NOTE_CHARS {
        return Err(Error::bad_input(format!(
            "{what} needs 1-{MAX_NOTE_CHARS} characters"
        )));
    }
    Ok(text.to_owned())
}

/// Records a request for explanation; leaders and planners only.
pub async fn request(
    db: &DatabaseConnection,
    figures: &Figures,
    viewer: Option<&Viewer>,
    new: NewRequest,
) -> Result<explanation_request::Model> {
    let viewer = signed_in(viewer)?;
    if viewer.role == UserRole::Agency {
        return Err(Error::forbidden(
            "leaders and DIC planners ask for explanations; agencies answer them",
        ));
    }
    let question = check_text(&new.question, "a question")?;
    let today = clock::today();
    if new.due_on < today || new.due_on > today + Duration::days(MAX_DAYS_TO_ANSWER) {
        return Err(Error::bad_input(format!(
            "dueOn must be between today ({today}) and {MAX_DAYS_TO_ANSWER} days from now"
        )));
    }
    let plan = plan::current(db).await?;
    let task = tasks::by_number(db, plan.id, new.task_number)
        .await?
        .ok_or_else(|| Error::NotFound(format!("task {}", new.task_number)))?;
    let agency = agencies::require(db, new.agency_code.trim()).await?;
    let held = tasks::assignments_of_tasks(db, &[task.id]).await?;
    if !held.iter().any(|a| a.agency_id == agency.id) {
        return Err(Error::bad_input(format!(
            "{} holds no assignment on task {}",
            agency.code, task.number
        )));
    }
    let txn = db.begin().await?;
    let saved = explanation_request::ActiveModel {
        task_id: Set(task.id),
        agency_id: Set(agency.id),
        question: Set(question),
        due_on: Set(new.due_on),
        requested_at: Set(Utc::now()),
        requested_by_user_id: Set(Some(viewer.user_id)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let (vi, en) = (reports::model::Lang::Vi, reports::model::Lang::En);
    reminders::notify(
        &txn,
        &Notice {
            agency_id: agency.id,
            task_id: Some(task.id),
            period: None,
            subject: format!("explanation:{}", saved.id),
            kind: "EXPLANATION_REQUESTED",
            on_date: today,
            text_vi: format!(
                "Đề nghị giải trình về nhiệm vụ {} trước ngày {}: {}",
                task.number,
                reports::format::date(saved.due_on, vi),
                saved.question
            ),
            text_en: format!(
                "Please explain task {} by {}: {}",
                task.number,
                reports::format::date(saved.due_on, en),
                saved.question
            ),
            link: format!("/tasks/{}#explanation-{}", task.number, saved.id),
        },
    )
    .await?;
    txn.commit().await?;
    written(db, figures).await;
    Ok(saved)
}

/// Records an agency's one answer to a request addressed to it.
pub async fn answer(
    db: &DatabaseConnection,
    figures: &Figures,
    viewer: Option<&Viewer>,
    id: i32,
    text: &str,
) -> Result<explanation_request::Model> {
    let viewer = signed_in(viewer)?;
    let text = check_text(text, "an answer")?;
    let found = explanation_request::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| Error::NotFound(format!("explanation request {id}")))?;
    if viewer.role != UserRole::Agency || viewer.agency_id != Some(found.agency_id) {
        return Err(Error::forbidden(
            "only the agency asked answers a request for explanation",
        ));
    }
    let answered_at = Utc::now();
    let answered = explanation_request::Entity::update_many()
        .col_expr(explanation_request::Column::Answer, Expr::value(text))
        .col_expr(
            explanation_request::Column::AnsweredAt,
            Expr::value(answered_at),
        )
        .col_expr(
            explanation_request::Column::AnsweredByUserId,
            Expr::value(viewer.user_id),
        )
        .filter(explanation_request::Column::Id.eq(id))
        .filter(explanation_request::Column::Answer.is_null())
        .exec(db)
        .await?;
    if answered.rows_affected == 0 {
        return Err(Error::Conflict(format!(
            "explanation request {id} is already answered; an answer is given once"
        )));
    }
    written(db, figures).await;
    explanation_request::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| Error::NotFound(format!("explanation request {id}")))
}

/// What to list.
#[derive(Debug, Clone, Copy, Default)]
pub struct Listing {
    /// Only requests not yet answered.
    pub unanswered: bool,
    /// Only unanswered requests whose date has passed (implies `unanswered`).
    pub overdue: bool,
    /// Only requests on this task.
    pub task_id: Option<i32>,
}

/// The requests the viewer may see, newest first, at most [`MAX_LISTED`].
pub async fn list(
    db: &DatabaseConnection,
    viewer: Option<&Viewer>,
    listing: Listing,
) -> Result<Vec<explanation_request::Model>> {
    let Some(viewer) = viewer else {
        return Ok(Vec::new());
    };
    let mut condition = Condition::all();
    if viewer.role == UserRole::Agency {
        let Some(own) = viewer.agency_id else {
            return Ok(Vec::new());
        };
        condition = condition.add(explanation_request::Column::AgencyId.eq(own));
    }
    if let Some(task_id) = listing.task_id {
        condition = condition.add(explanation_request::Column::TaskId.eq(task_id));
    }
    if listing.unanswered || listing.overdue {
        condition = condition.add(explanation_request::Column::Answer.is_null());
    }
    if listing.overdue {
        condition = condition.add(explanation_request::Column::DueOn.lt(clock::today()));
    }
    Ok(explanation_request::Entity::find()
        .filter(condition)
        .order_by_desc(explanation_request::Column::RequestedAt)
        .order_by_desc(explanation_request::Column::Id)
        .limit(MAX_LISTED)
        .all(db)
        .await?)
}

/// The appendix number of the task a request is about.
pub async fn task_number(
    db: &DatabaseConnection,
    request: &explanation_request::Model,
) -> Result<i32> {
    tasks::by_ids(db, &[request.task_id])
        .await?
        .pop()
        .map(|t| t.number)
        .ok_or_else(|| Error::NotFound("task".into()))
}

/// The appendix number of the task of request `id`, if the request exists.
pub async fn task_number_of(db: &DatabaseConnection, id: i32) -> Result<Option<i32>> {
    match explanation_request::Entity::find_by_id(id).one(db).await? {
        Some(request) => Ok(Some(task_number(db, &request).await?)),
        None => Ok(None),
    }
}

/// Whether an unanswered request is past its date.
pub fn is_overdue(request: &explanation_request::Model, today: NaiveDate) -> bool {
    request.answer.is_none() && request.due_on < today
}

/// Whether the viewer may ask for explanations (leaders and planners).
pub fn may_request(viewer: Option<&Viewer>) -> bool {
    viewer.is_some_and(|v| v.role != UserRole::Agency)
}

/// Whether the viewer may answer this request (an officer of the agency asked, once).
pub fn may_answer(viewer: Option<&Viewer>, request: &explanation_request::Model) -> bool {
    request.answer.is_none()
        && viewer
            .is_some_and(|v| v.role == UserRole::Agency && v.agency_id == Some(request.agency_id))
}

/// After a request or an answer: no cached answer on any instance outlives it.
async fn written(db: &DatabaseConnection, figures: &Figures) {
    figures.forget();
    if let Err(err) = figures::mark(db).await {
        tracing::error!(error = ?err, "advancing the data version after an explanation");
    }
}
