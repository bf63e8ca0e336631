//! How a task's status and progress follow from its lead assignments.
//!
//! The rule (documented in `docs/data-model.md`):
//! - progress is the mean of the lead assignments' progress, rounded to the nearest integer;
//! - the task is `COMPLETED` only when every lead assignment is completed;
//! - otherwise `BLOCKED` when any lead assignment is blocked;
//! - otherwise `IN_PROGRESS` when any lead assignment has started (status or progress);
//! - otherwise `NOT_STARTED`. A task with no lead assignment is `NOT_STARTED` at 0%.

use crate::TaskStatus;

/// Rolls the `(status, progress)` pairs of a task's lead assignments up into the task's own.
pub fn rollup(leads: &[(TaskStatus, i32)]) -> (TaskStatus, i32) {
    if leads.is_empty() {
        return (TaskStatus::NotStarted, 0);
    }
    let total: i64 = leads.iter().map(|(_, p)| i64::from(*p)).sum();
    let count = leads.len() as i64;
    let progress = ((total * 2 + count) / (count * 2)) as i32;
    let status = if leads.iter().all(|(s, _)| *s == TaskStatus::Completed) {
        TaskStatus::Completed
    } else if leads.iter().any(|(s, _)| *s == TaskStatus::Blocked) {
        TaskStatus::Blocked
    } else if leads
        .iter()
        .any(|(s, p)| *s != TaskStatus::NotStarted || *p > 0)
    {
        TaskStatus::InProgress
    } else {
        TaskStatus::NotStarted
    };
    (status, progress)
}

#[cfg(test)]
mod tests {
    use super::rollup;
    use crate::TaskStatus::*;

    #[test]
    fn a_task_without_reports_has_not_started() {
        assert_eq!(rollup(&[]), (NotStarted, 0));
        assert_eq!(rollup(&[(NotStarted, 0), (NotStarted, 0)]), (NotStarted, 0));
    }

    #[test]
    fn progress_is_the_rounded_mean_of_the_leads() {
        assert_eq!(
            rollup(&[(Completed, 100), (InProgress, 50)]),
            (InProgress, 75)
        );
        assert_eq!(rollup(&[(InProgress, 1), (NotStarted, 0)]), (InProgress, 1));
        assert_eq!(
            rollup(&[(InProgress, 1), (NotStarted, 0), (NotStarted, 0)]),
            (InProgress, 0)
        );
    }

    #[test]
    fn a_task_completes_only_when_every_lead_has() {
        assert_eq!(
            rollup(&[(Completed, 100), (Completed, 100)]),
            (Completed, 100)
        );
        assert_eq!(rollup(&[(Completed, 100), (Blocked, 40)]), (Blocked, 70));
    }
}
