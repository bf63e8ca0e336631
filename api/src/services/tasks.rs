//! Appendix tasks: filtering, cursor pagination, assignments and overdue rules.
//!
//! Tasks are ordered by their appendix number; a cursor is an opaque encoding of the number of
//! the last task on a page, so pages stay stable while statuses change.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::NaiveDate;
use entities::search::fold;
use entities::{assignment, task, task_party, AssignmentRole, TaskStatus};
use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use super::{agencies, fetch_by};
use crate::error::{Error, Result};

/// Page size when `first` is not given.
pub const DEFAULT_PAGE_SIZE: i32 = 20;
/// Largest page size a client may ask for.
pub const MAX_PAGE_SIZE: i32 = 100;

const CURSOR_PREFIX: &str = "task:";

/// Which tasks to list; every given criterion must hold.
#[derive(Debug, Clone, Default)]
pub struct TaskFilter {
    /// Tasks of this plan (all plans when unset).
    pub plan_id: Option<i32>,
    /// Tasks where this agency holds a lead assignment, or that name this group as lead.
    pub lead_agency_code: Option<String>,
    /// Tasks whose rolled-up status is this.
    pub status: Option<TaskStatus>,
    /// Tasks whose timeline includes this year.
    pub active_in_year: Option<i32>,
    /// Tasks overdue on this date, judged from the reports effective by then.
    pub overdue_as_of: Option<NaiveDate>,
    /// Words that must all occur in the number or title, with or without diacritics.
    pub search: Option<String>,
}

/// One page of results.
#[derive(Debug, Clone)]
pub struct Page<T> {
    /// Items on this page.
    pub items: Vec<T>,
    /// Number of items matching the filter, over all pages.
    pub total: u64,
    /// Whether more items follow this page.
    pub has_next: bool,
}

/// Checks a requested page size: default 20, between 0 and 100.
pub fn page_size(first: Option<i32>) -> Result<u64> {
    let first = first.unwrap_or(DEFAULT_PAGE_SIZE);
    if !(0..=MAX_PAGE_SIZE).contains(&first) {
        return Err(Error::bad_input(format!(
            "`first` must be between 0 and {MAX_PAGE_SIZE}, got {first}"
        )));
    }
    Ok(first as u64)
}

/// The opaque cursor of the task with this number.
pub fn encode_cursor(number: i32) -> String {
    URL_SAFE_NO_PAD.encode(format!("{CURSOR_PREFIX}{number}"))
}

/// The task number a cursor stands for.
pub fn decode_cursor(cursor: &str) -> Result<i32> {
    URL_SAFE_NO_PAD
        .decode(cursor.trim())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.strip_prefix(CURSOR_PREFIX)?.parse().ok())
        .ok_or_else(|| Error::bad_input(format!("`after` is not a valid cursor: {cursor:?}")))
}

/// A task is overdue when it has a due date, is not completed, and the due date is before
/// `as_of`.
pub fn is_overdue(due_date: Option<NaiveDate>, status: TaskStatus, as_of: NaiveDate) -> bool {
    status != TaskStatus::Completed && due_date.is_some_and(|due| due < as_of)
}

/// The timeline in English, in the appendix's terms ("2016-2017", "Every year",
/// "2016 and following years"); the Vietnamese is stored as written.
pub fn timeline_label_en(task: &task::Model) -> String {
    match task.recurrence {
        entities::Recurrence::Once => match task.end_year {
            Some(end) if end != task.start_year => format!("{}-{}", task.start_year, end),
            _ => task.start_year.to_string(),
        },
        entities::Recurrence::Annual => "Every year".to_owned(),
        entities::Recurrence::Ongoing => format!("{} and following years", task.start_year),
    }
}

/// A condition requiring every word of a folded search to occur in `column`.
pub(crate) fn search_condition<C: ColumnTrait>(column: C, folded: &str) -> Condition {
    folded
        .split_whitespace()
        .map(|word| word.replace(['%', '_', '\\'], ""))
        .filter(|word| !word.is_empty())
        .fold(Condition::all(), |condition, word| {
            condition.add(column.like(format!("%{word}%")))
        })
}

async fn filter_condition(db: &DatabaseConnection, filter: &TaskFilter) -> Result<Condition> {
    let mut condition = Condition::all();
    if let Some(plan_id) = filter.plan_id {
        condition = condition.add(task::Column::PlanId.eq(plan_id));
    }
    if let Some(code) = filter.lead_agency_code.as_deref().map(str::trim) {
        let subquery = if let Some(agency) = agencies::by_code(db, code).await? {
            Query::select()
                .column(assignment::Column::TaskId)
                .from(assignment::Entity)
                .and_where(assignment::Column::AgencyId.eq(agency.id))
                .and_where(assignment::Column::Role.eq(AssignmentRole::Lead))
                .to_owned()
        } else if let Some(group) = agencies::group_by_code(db, code).await? {
            Query::select()
                .column(task_party::Column::TaskId)
                .from(task_party::Entity)
                .and_where(task_party::Column::GroupId.eq(group.id))
                .and_where(task_party::Column::Role.eq(AssignmentRole::Lead))
                .to_owned()
        } else {
            return Err(Error::bad_input(format!(
                "`leadAgencyCode` {code:?} is neither an agency nor a group code"
            )));
        };
        condition = condition.add(task::Column::Id.in_subquery(subquery));
    }
    if let Some(status) = filter.status {
        condition = condition.add(task::Column::Status.eq(status));
    }
    if let Some(year) = filter.active_in_year {
        condition = condition.add(task::Column::StartYear.lte(year)).add(
            Condition::any()
                .add(task::Column::EndYear.is_null())
                .add(task::Column::EndYear.gte(year)),
        );
    }
    if let Some(as_of) = filter.overdue_as_of {
        let overdue: Vec<i32> = super::states::load(db, filter.plan_id, as_of)
            .await?
            .into_iter()
            .filter(|t| t.overdue)
            .map(|t| t.task.id)
            .collect();
        condition = condition.add(task::Column::Id.is_in(overdue));
    }
    if let Some(search) = filter.search.as_deref() {
        condition = condition.add(search_condition(task::Column::SearchText, &fold(search)));
    }
    Ok(condition)
}

/// One page of tasks matching `filter`, after the cursor `after`, in appendix order.
pub async fn list(
    db: &DatabaseConnection,
    filter: &TaskFilter,
    first: Option<i32>,
    after: Option<&str>,
) -> Result<Page<task::Model>> {
    let limit = page_size(first)?;
    let after = after.map(decode_cursor).transpose()?;
    let condition = filter_condition(db, filter).await?;
    let total = task::Entity::find()
        .filter(condition.clone())
        .count(db)
        .await?;
    let mut query = task::Entity::find()
        .filter(condition)
        .order_by_asc(task::Column::Number)
        .limit(limit + 1);
    if let Some(number) = after {
        query = query.filter(task::Column::Number.gt(number));
    }
    let mut items = query.all(db).await?;
    let has_next = items.len() as u64 > limit;
    items.truncate(limit as usize);
    Ok(Page {
        items,
        total,
        has_next,
    })
}

/// Pages an already loaded, ordered list of tasks the same way as [`list`].
pub fn page_of(
    tasks: Vec<task::Model>,
    first: Option<i32>,
    after: Option<&str>,
) -> Result<Page<task::Model>> {
    let limit = page_size(first)? as usize;
    let after = after.map(decode_cursor).transpose()?;
    let total = tasks.len() as u64;
    let mut items: Vec<task::Model> = tasks
        .into_iter()
        .filter(|t| after.is_none_or(|n| t.number > n))
        .collect();
    let has_next = items.len() > limit;
    items.truncate(limit);
    Ok(Page {
        items,
        total,
        has_next,
    })
}

/// The task of a plan with this appendix number, if any.
pub async fn by_number(
    db: &DatabaseConnection,
    plan_id: i32,
    number: i32,
) -> Result<Option<task::Model>> {
    by_number_in(db, plan_id, number).await
}

/// [`by_number`] on any connection or transaction.
pub async fn by_number_in(
    db: &impl sea_orm::ConnectionTrait,
    plan_id: i32,
    number: i32,
) -> Result<Option<task::Model>> {
    Ok(task::Entity::find()
        .filter(task::Column::PlanId.eq(plan_id))
        .filter(task::Column::Number.eq(number))
        .one(db)
        .await?)
}

fetch_by!(
    /// Tasks by id.
    by_ids, task, Id
);
fetch_by!(
    /// Assignments (after group expansion) of the given tasks.
    assignments_of_tasks, assignment, TaskId
);
fetch_by!(
    /// Assignments held by the given agencies.
    assignments_of_agencies, assignment, AgencyId
);
fetch_by!(
    /// Lead and cooperating parties of the given tasks, as the appendix writes them.
    parties_of_tasks, task_party, TaskId
);
fetch_by!(
    /// Clause links of the given tasks.
    clause_links_of_tasks, task_clause, TaskId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        assert_eq!(decode_cursor(&encode_cursor(27)).ok(), Some(27));
        assert!(decode_cursor("not-a-cursor").is_err());
        assert!(decode_cursor(&URL_SAFE_NO_PAD.encode("agency:3")).is_err());
    }

    #[test]
    fn page_sizes_default_to_20_and_stop_at_100() {
        assert_eq!(page_size(None).ok(), Some(20));
        assert_eq!(page_size(Some(100)).ok(), Some(100));
        assert!(page_size(Some(101)).is_err());
        assert!(page_size(Some(-1)).is_err());
    }
}
