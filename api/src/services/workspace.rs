//! What the signed-in workspace shows: an agency's own tasks with their deadlines, one task with
//! its shares, history and comments and the actions the viewer may take, and the planners'
//! filtered overview of the plan.
//!
//! The pages in `crate::pages::workspace` render these structs; the writes they offer go through
//! [`super::reporting`], [`super::kpis`] and [`super::snapshots`] like the GraphQL mutations, so
//! the rules shown here (who may report, who may comment) only decide which forms to offer.

use std::collections::{BTreeSet, HashMap};

use chrono::{Duration, NaiveDate};
use entities::{
    agency, assignment, clause, explanation_request, plan, report_review, task, task_comment,
    task_history, AssignmentRole, ClauseKind, ReviewDecision, TaskStatus, UserRole,
};
use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::access::{planner, signed_in, Viewer};
use super::{
    agencies, asof, clauses, clock, explanations, plan as plans, reporting, reviews, tasks, users,
};
use crate::error::{Error, Result};

/// A task due within this many days is marked as due soon.
pub const DUE_SOON_DAYS: i64 = 30;
/// History entries on one page of a task.
pub const HISTORY_PAGE_SIZE: u64 = 20;
/// The newest comments shown on a task.
pub const MAX_COMMENTS: u64 = 100;
/// The highest history page number accepted.
pub const MAX_HISTORY_PAGE: u64 = 10_000;

/// Whether a task not yet completed falls due within [`DUE_SOON_DAYS`] from `today` (and is not
/// yet overdue).
pub fn due_soon(due_date: Option<NaiveDate>, status: TaskStatus, today: NaiveDate) -> bool {
    match due_date {
        Some(due) if status != TaskStatus::Completed => {
            due >= today && due <= today + Duration::days(DUE_SOON_DAYS)
        }
        _ => false,
    }
}

/// One agency's share of a task.
#[derive(Debug, Clone)]
pub struct Share {
    pub assignment: assignment::Model,
    pub agency: agency::Model,
}

/// One task as an agency holds it.
#[derive(Debug, Clone)]
pub struct AgencyTask {
    pub task: task::Model,
    /// The agency's own assignment: its share of a group-led task.
    pub share: assignment::Model,
    /// Whether the share came from a group the plan names (tasks 26 and 27).
    pub via_group: bool,
    /// The agency's own latest counted report on the task.
    pub latest: Option<task_history::Model>,
    /// When DIC returned a report newer than `latest`: that report and the reason, so the
    /// officer knows to report again.
    pub returned: Option<(task_history::Model, String)>,
    /// Past due and the agency's share not completed.
    pub overdue: bool,
    pub due_soon: bool,
}

/// The tasks of the signed-in officer's agency in the current plan, in appendix order.
#[derive(Debug, Clone)]
pub struct AgencyTasks {
    pub agency: agency::Model,
    pub plan: plan::Model,
    pub leads: Vec<AgencyTask>,
    pub cooperates: Vec<AgencyTask>,
    /// Requests for explanation the agency has not answered yet, with their task, newest first.
    pub open_explanations: Vec<(explanation_request::Model, task::Model)>,
}

/// The tasks the viewer's agency leads and cooperates on; `FORBIDDEN` for an account of no
/// agency.
pub async fn agency_tasks(db: &DatabaseConnection, viewer: Option<&Viewer>) -> Result<AgencyTasks> {
    let viewer = signed_in(viewer)?;
    let agency_id = viewer
        .agency_id
        .ok_or_else(|| Error::forbidden("this account belongs to no agency"))?;
    let agency = agencies::by_ids(db, &[agency_id])
        .await?
        .pop()
        .ok_or_else(|| Error::NotFound("agency".into()))?;
    let plan = plans::resolve(db, None).await?;
    let held = tasks::assignments_of_agencies(db, &[agency_id]).await?;
    let task_ids: Vec<i32> = held.iter().map(|a| a.task_id).collect();
    let by_id: HashMap<i32, task::Model> = tasks::by_ids(db, &task_ids)
        .await?
        .into_iter()
        .filter(|t| t.plan_id == plan.id)
        .map(|t| (t.id, t))
        .collect();
    let today = clock::today();
    let (mut leads, mut cooperates) = (Vec::new(), Vec::new());
    for share in held {
        let Some(task) = by_id.get(&share.task_id).cloned() else {
            continue;
        };
        let latest = task_history::Entity::find()
            .filter(task_history::Column::AssignmentId.eq(share.id))
            .filter(super::counted::condition())
            .order_by_desc(task_history::Column::EffectiveOn)
            .order_by_desc(task_history::Column::Id)
            .one(db)
            .await?;
        let newest = task_history::Entity::find()
            .filter(task_history::Column::AssignmentId.eq(share.id))
            .order_by_desc(task_history::Column::Id)
            .one(db)
            .await?;
        let returned = match newest {
            Some(entry) if latest.as_ref().is_none_or(|l| l.id < entry.id) => {
                reviews::reviews_of_histories(db, &[entry.id])
                    .await?
                    .into_iter()
                    .find(|r| r.decision == ReviewDecision::Return)
                    .map(|r| (entry, r.reason.unwrap_or_default()))
            }
            _ => None,
        };
        let row = AgencyTask {
            returned,
            overdue: asof::overdue(task.due_date, share.status, today),
            due_soon: due_soon(task.due_date, share.status, today),
            via_group: share.via_group_id.is_some(),
            task,
            latest,
            share,
        };
        match row.share.role {
            AssignmentRole::Lead => leads.push(row),
            _ => cooperates.push(row),
        }
    }
    leads.sort_by_key(|r| r.task.number);
    cooperates.sort_by_key(|r| r.task.number);
    let listing = explanations::Listing {
        unanswered: true,
        ..Default::default()
    };
    let open_explanations = explanations::list(db, Some(viewer), listing)
        .await?
        .into_iter()
        .filter_map(|e| {
            let task = by_id.get(&e.task_id).cloned()?;
            Some((e, task))
        })
        .collect();
    Ok(AgencyTasks {
        agency,
        plan,
        leads,
        cooperates,
        open_explanations,
    })
}

/// One report as a task page lists it, with DIC's reviews of it.
#[derive(Debug, Clone)]
pub struct HistoryItem {
    pub entry: task_history::Model,
    pub agency: Option<agency::Model>,
    /// Who recorded it; shown to signed-in readers only.
    pub author: Option<String>,
    /// Reviews, oldest first, each with its reviewer (signed-in readers only).
    pub reviews: Vec<(report_review::Model, Option<String>)>,
}

impl HistoryItem {
    /// Whether the report counts in figures (DIC has not returned it).
    pub fn counted(&self) -> bool {
        !self
            .reviews
            .iter()
            .any(|(r, _)| r.decision == ReviewDecision::Return)
    }
}

/// A request for explanation as a task page lists it.
#[derive(Debug, Clone)]
pub struct ExplanationItem {
    pub request: explanation_request::Model,
    pub agency: Option<agency::Model>,
    pub asked_by: Option<String>,
    pub answered_by: Option<String>,
}

/// One comment as a task page lists it.
#[derive(Debug, Clone)]
pub struct CommentItem {
    pub comment: task_comment::Model,
    pub agency: Option<agency::Model>,
    /// Who wrote it; shown to signed-in readers only.
    pub author: Option<String>,
}

/// One task with everything its page shows.
#[derive(Debug, Clone)]
pub struct TaskView {
    pub plan: plan::Model,
    pub task: task::Model,
    pub leads: Vec<Share>,
    pub cooperators: Vec<Share>,
    pub overdue: bool,
    pub due_soon: bool,
    /// This page of the history, newest first.
    pub history: Vec<HistoryItem>,
    pub history_total: u64,
    /// The page shown (from 1) and the number of pages (at least 1).
    pub page: u64,
    pub pages: u64,
    /// The newest comments, newest first.
    pub comments: Vec<CommentItem>,
    /// The agencies the viewer may report for: its own lead share, or every lead for a planner.
    pub may_report_for: Vec<agency::Model>,
    /// Whether the viewer may comment (an agency assigned to the task, or a planner).
    pub may_comment: bool,
    /// Whether the viewer may accept or return reports (a planner).
    pub may_review: bool,
    /// Requests for explanation on the task the viewer may see, newest first, with the agency
    /// asked and the usernames of who asked and who answered.
    pub explanations: Vec<ExplanationItem>,
    /// Whether the viewer may ask for explanations (a leader or planner).
    pub may_request_explanation: bool,
}

/// The task with this appendix number in the current plan, with page `page` (from 1) of its
/// history; `NOT_FOUND` for no such task, `BAD_INPUT` for a page out of range.
pub async fn task_view(
    db: &DatabaseConnection,
    viewer: Option<&Viewer>,
    number: i32,
    page: u64,
) -> Result<TaskView> {
    if !(1..=MAX_HISTORY_PAGE).contains(&page) {
        return Err(Error::bad_input(format!(
            "`page` must be between 1 and {MAX_HISTORY_PAGE}"
        )));
    }
    let plan = plans::resolve(db, None).await?;
    let task = tasks::by_number(db, plan.id, number)
        .await?
        .ok_or_else(|| Error::NotFound(format!("task {number}")))?;
    let held = tasks::assignments_of_tasks(db, &[task.id]).await?;
    let agency_ids: Vec<i32> = held.iter().map(|a| a.agency_id).collect();
    let mut named: HashMap<i32, agency::Model> = agencies::by_ids(db, &agency_ids)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let (mut leads, mut cooperators) = (Vec::new(), Vec::new());
    for assignment in held {
        let Some(agency) = named.get(&assignment.agency_id).cloned() else {
            continue;
        };
        let role = assignment.role;
        let share = Share { assignment, agency };
        match role {
            AssignmentRole::Lead => leads.push(share),
            _ => cooperators.push(share),
        }
    }

    let history_total = task_history::Entity::find()
        .filter(task_history::Column::TaskId.eq(task.id))
        .count(db)
        .await?;
    let pages = history_total.div_ceil(HISTORY_PAGE_SIZE).max(1);
    let page = page.min(pages);
    let entries = task_history::Entity::find()
        .filter(task_history::Column::TaskId.eq(task.id))
        .order_by_desc(task_history::Column::ChangedAt)
        .order_by_desc(task_history::Column::Id)
        .offset((page - 1) * HISTORY_PAGE_SIZE)
        .limit(HISTORY_PAGE_SIZE)
        .all(db)
        .await?;
    let comments = task_comment::Entity::find()
        .filter(task_comment::Column::TaskId.eq(task.id))
        .order_by_desc(task_comment::Column::CreatedAt)
        .order_by_desc(task_comment::Column::Id)
        .limit(MAX_COMMENTS)
        .all(db)
        .await?;

    let missing: Vec<i32> = comments
        .iter()
        .filter_map(|c| c.agency_id)
        .chain(entries.iter().map(|e| e.agency_id))
        .filter(|id| !named.contains_key(id))
        .collect::<BTreeSet<i32>>()
        .into_iter()
        .collect();
    for agency in agencies::by_ids(db, &missing).await? {
        named.insert(agency.id, agency);
    }
    let entry_ids: Vec<i32> = entries.iter().map(|e| e.id).collect();
    let mut reviews: HashMap<i32, Vec<report_review::Model>> = HashMap::new();
    for review in reviews::reviews_of_histories(db, &entry_ids).await? {
        reviews.entry(review.history_id).or_default().push(review);
    }
    let authors: HashMap<i32, String> = match viewer {
        Some(_) => {
            let ids: Vec<i32> = entries
                .iter()
                .filter_map(|e| e.changed_by_user_id)
                .chain(comments.iter().filter_map(|c| c.user_id))
                .chain(
                    reviews
                        .values()
                        .flatten()
                        .filter_map(|r| r.reviewer_user_id),
                )
                .collect::<BTreeSet<i32>>()
                .into_iter()
                .collect();
            users::by_ids(db, &ids)
                .await?
                .into_iter()
                .map(|u| (u.id, u.username))
                .collect()
        }
        None => HashMap::new(),
    };
    let history = entries
        .into_iter()
        .map(|entry| HistoryItem {
            agency: named.get(&entry.agency_id).cloned(),
            author: entry
                .changed_by_user_id
                .and_then(|id| authors.get(&id).cloned()),
            reviews: reviews
                .remove(&entry.id)
                .unwrap_or_default()
                .into_iter()
                .map(|r| {
                    let reviewer = r.reviewer_user_id.and_then(|id| authors.get(&id).cloned());
                    (r, reviewer)
                })
                .collect(),
            entry,
        })
        .collect();
    let comments = comments
        .into_iter()
        .map(|comment| CommentItem {
            agency: comment.agency_id.and_then(|id| named.get(&id).cloned()),
            author: comment.user_id.and_then(|id| authors.get(&id).cloned()),
            comment,
        })
        .collect();

    let (may_report_for, may_comment) = match viewer.map(|v| (v.role, v.agency_id)) {
        Some((UserRole::Planner, _)) => (leads.iter().map(|s| s.agency.clone()).collect(), true),
        Some((UserRole::Agency, Some(own))) => (
            leads
                .iter()
                .filter(|s| s.agency.id == own)
                .map(|s| s.agency.clone())
                .collect(),
            leads
                .iter()
                .chain(cooperators.iter())
                .any(|s| s.agency.id == own),
        ),
        _ => (Vec::new(), false),
    };
    let listing = explanations::Listing {
        task_id: Some(task.id),
        ..Default::default()
    };
    let requests = explanations::list(db, viewer, listing).await?;
    let people: Vec<i32> = requests
        .iter()
        .flat_map(|e| [e.requested_by_user_id, e.answered_by_user_id])
        .flatten()
        .collect::<BTreeSet<i32>>()
        .into_iter()
        .collect();
    let usernames: HashMap<i32, String> = users::by_ids(db, &people)
        .await?
        .into_iter()
        .map(|u| (u.id, u.username))
        .collect();
    let explanations = requests
        .into_iter()
        .map(|e| ExplanationItem {
            agency: named.get(&e.agency_id).cloned(),
            asked_by: e
                .requested_by_user_id
                .and_then(|id| usernames.get(&id).cloned()),
            answered_by: e
                .answered_by_user_id
                .and_then(|id| usernames.get(&id).cloned()),
            request: e,
        })
        .collect();
    let today = clock::today();
    Ok(TaskView {
        explanations,
        may_request_explanation: explanations::may_request(viewer),
        overdue: asof::overdue(task.due_date, task.status, today),
        due_soon: due_soon(task.due_date, task.status, today),
        plan,
        task,
        leads,
        cooperators,
        history,
        history_total,
        page,
        pages,
        comments,
        may_review: viewer.is_some_and(Viewer::is_planner),
        may_report_for,
        may_comment,
    })
}

/// Requests for explanation past their date and still unanswered, with their task and agency,
/// newest first: what planners chase. Planners only.
pub async fn late_explanations(
    db: &DatabaseConnection,
    viewer: Option<&Viewer>,
) -> Result<Vec<(explanation_request::Model, task::Model, agency::Model)>> {
    planner(viewer)?;
    let listing = explanations::Listing {
        overdue: true,
        ..Default::default()
    };
    let late = explanations::list(db, viewer, listing).await?;
    let task_ids: Vec<i32> = late.iter().map(|e| e.task_id).collect();
    let agency_ids: Vec<i32> = late.iter().map(|e| e.agency_id).collect();
    let tasks: HashMap<i32, task::Model> = tasks::by_ids(db, &task_ids)
        .await?
        .into_iter()
        .map(|t| (t.id, t))
        .collect();
    let named: HashMap<i32, agency::Model> = agencies::by_ids(db, &agency_ids)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    Ok(late
        .into_iter()
        .filter_map(|e| {
            let task = tasks.get(&e.task_id).cloned()?;
            let agency = named.get(&e.agency_id).cloned()?;
            Some((e, task, agency))
        })
        .collect())
}

/// What a planner filters the plan by; every given criterion must hold.
#[derive(Debug, Clone, Default)]
pub struct PlanFilter {
    /// Tasks this agency (or group) leads.
    pub agency_code: Option<String>,
    pub status: Option<TaskStatus>,
    /// Tasks overdue on this date, judged from the reports effective by then.
    pub overdue_as_of: Option<NaiveDate>,
    /// Tasks carrying out this main task of section II ("II.3"), or one of its items.
    pub main_task: Option<String>,
}

/// One task in the planners' overview.
#[derive(Debug, Clone)]
pub struct PlanRow {
    pub task: task::Model,
    pub leads: Vec<agency::Model>,
    /// The task's latest report and the agency that made it.
    pub latest: Option<(task_history::Model, Option<agency::Model>)>,
    /// Overdue today.
    pub overdue: bool,
}

/// The planners' overview of the current plan; planners only.
pub async fn plan_overview(
    db: &DatabaseConnection,
    viewer: Option<&Viewer>,
    filter: &PlanFilter,
) -> Result<Vec<PlanRow>> {
    planner(viewer)?;
    let plan = plans::resolve(db, None).await?;
    let listed = tasks::list(
        db,
        &tasks::TaskFilter {
            plan_id: Some(plan.id),
            lead_agency_code: filter.agency_code.clone(),
            status: filter.status,
            overdue_as_of: filter.overdue_as_of,
            ..Default::default()
        },
        Some(tasks::MAX_PAGE_SIZE),
        None,
    )
    .await?
    .items;
    let listed = match filter.main_task.as_deref() {
        Some(code) => {
            let linked = tasks_of_main_task(db, plan.id, code).await?;
            listed
                .into_iter()
                .filter(|t| linked.contains(&t.id))
                .collect()
        }
        None => listed,
    };
    let ids: Vec<i32> = listed.iter().map(|t| t.id).collect();
    let held = tasks::assignments_of_tasks(db, &ids).await?;
    let latest = reporting::latest_reports_of_tasks(db, &ids).await?;
    let agency_ids: Vec<i32> = held
        .iter()
        .map(|a| a.agency_id)
        .chain(latest.iter().map(|h| h.agency_id))
        .collect::<BTreeSet<i32>>()
        .into_iter()
        .collect();
    let named: HashMap<i32, agency::Model> = agencies::by_ids(db, &agency_ids)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let mut latest: HashMap<i32, task_history::Model> =
        latest.into_iter().map(|h| (h.task_id, h)).collect();
    let today = clock::today();
    Ok(listed
        .into_iter()
        .map(|task| PlanRow {
            leads: held
                .iter()
                .filter(|a| a.task_id == task.id && a.role == AssignmentRole::Lead)
                .filter_map(|a| named.get(&a.agency_id).cloned())
                .collect(),
            latest: latest.remove(&task.id).map(|h| {
                let agency = named.get(&h.agency_id).cloned();
                (h, agency)
            }),
            overdue: asof::overdue(task.due_date, task.status, today),
            task,
        })
        .collect())
}

/// The ids of the tasks linked to a main task of section II or to one of its items;
/// `BAD_INPUT` for a code that names no main task.
async fn tasks_of_main_task(
    db: &DatabaseConnection,
    plan_id: i32,
    code: &str,
) -> Result<BTreeSet<i32>> {
    let main = clauses::by_code(db, code)
        .await?
        .filter(|c| c.kind == ClauseKind::MainTask && c.plan_id == plan_id)
        .ok_or_else(|| Error::bad_input(format!("no main task has the code {code:?}")))?;
    let mut ids: Vec<i32> = clauses::children_of(db, std::slice::from_ref(&main.code))
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect();
    ids.push(main.id);
    Ok(clauses::task_links_of_clauses(db, &ids)
        .await?
        .into_iter()
        .map(|link| link.task_id)
        .collect())
}

/// The choices the planners' filter form offers: lead agencies of the current plan and its main
/// tasks (top-level clauses of section II), in plan order.
pub async fn plan_choices(
    db: &DatabaseConnection,
) -> Result<(Vec<agency::Model>, Vec<clause::Model>)> {
    let plan = plans::resolve(db, None).await?;
    let tasks_of_plan = Query::select()
        .column(task::Column::Id)
        .from(task::Entity)
        .and_where(task::Column::PlanId.eq(plan.id))
        .to_owned();
    let lead_ids: BTreeSet<i32> = assignment::Entity::find()
        .filter(assignment::Column::Role.eq(AssignmentRole::Lead))
        .filter(assignment::Column::TaskId.in_subquery(tasks_of_plan))
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.agency_id)
        .collect();
    let ids: Vec<i32> = lead_ids.into_iter().collect();
    let agencies = agencies::by_ids(db, &ids).await?;
    let mains = clauses::list(db, Some(ClauseKind::MainTask), true)
        .await?
        .into_iter()
        .filter(|c| c.plan_id == plan.id)
        .collect();
    Ok((agencies, mains))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn due_soon_means_within_thirty_days_and_not_done() {
        let today = day(2017, 12, 1);
        let open = TaskStatus::InProgress;
        assert!(due_soon(Some(day(2017, 12, 31)), open, today));
        assert!(due_soon(Some(today), open, today));
        assert!(!due_soon(Some(day(2018, 1, 1)), open, today));
        assert!(!due_soon(Some(day(2017, 11, 30)), open, today));
        assert!(!due_soon(
            Some(day(2017, 12, 31)),
            TaskStatus::Completed,
            today
        ));
        assert!(!due_soon(None, open, today));
    }
}
