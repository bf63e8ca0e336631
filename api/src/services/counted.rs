//! Which status reports count: every report, except one a DIC planner has returned
//! (`report_reviews`). A returned report stays in the history, on record, but no figure reads
//! it: the task's current state, the as-of figures for every date, the rankings and the
//! reporting rounds fall back to the lead's previous counted report.
//!
//! This is the one place that says so; every reader of `task_history` that computes a figure
//! filters with [`condition`] (sea-query) or [`SQL`] (hand-written statements). It imports
//! only entities, so any service may use it without an import cycle.

use entities::{report_review, task_history, ReviewDecision};
use sea_orm::sea_query::{Query, SimpleExpr};
use sea_orm::ColumnTrait;

/// The predicate for a `task_history` row aliased `h`, for hand-written statements.
pub const SQL: &str = "NOT EXISTS (SELECT 1 FROM report_reviews rr \
     WHERE rr.history_id = h.id AND rr.decision = 'RETURN')";

/// The predicate on `task_history` for sea-query statements.
pub fn condition() -> SimpleExpr {
    task_history::Column::Id.not_in_subquery(
        Query::select()
            .column(report_review::Column::HistoryId)
            .from(report_review::Entity)
            .and_where(report_review::Column::Decision.eq(ReviewDecision::Return))
            .to_owned(),
    )
}
