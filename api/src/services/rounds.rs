//! Reporting rounds (Decree 09/2019/NĐ-CP): in each period of the reporting calendar, every
//! lead assignment of a task that is active in the period owes one status report dated inside
//! the period's data window, entered by the period's deadline. A round is how DIC sees who
//! reported on time, who late, whose report it returned, and who has not reported at all.
//!
//! The rules, in one place:
//! - a task is active in a period once its start year has begun by the window's last day and
//!   the plan was issued by then; a one-off task stops owing once the lead's counted state was
//!   COMPLETED the day before the window opens; annual and ongoing tasks owe every period;
//! - a submission is `ON_TIME` when a counted report effective inside the window was entered
//!   by the end of the deadline day (Vietnam time), `LATE` when the only counted ones were
//!   entered after it (however they are dated), `RETURNED` when every report in the window was
//!   returned by DIC, and `MISSING` otherwise (before the deadline, "not yet"). Rounds read
//!   returned reports too, to mark them, so they apply [`super::counted`]'s rule themselves.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use entities::search::fold;
use entities::{
    agency, plan, report_review, task, task_history, AssignmentRole, Recurrence, ReviewDecision,
    TaskStatus,
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use seeds::calendar::{Calendar, Period};

use reports::model::{Lang, Text};
use reports::tables::{
    round_csv, round_workbook, RoundAgencyRow, RoundRow, RoundSheet, SubmissionState,
};

use super::downloads::Download;
use super::{agencies, asof, clock, plan as plans, report_data, states, tasks};
use crate::error::{Error, Result};

/// How a lead assignment met its duty to report in a round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SubmissionStatus {
    /// A counted report entered by the deadline.
    OnTime,
    /// Counted reports, all entered after the deadline.
    Late,
    /// Nothing counted yet (before the deadline: not yet due).
    Missing,
    /// Every report of the window was returned by DIC; none since.
    Returned,
}

impl SubmissionStatus {
    /// Every status, in the order tables list them.
    pub const ALL: [SubmissionStatus; 4] = [
        SubmissionStatus::OnTime,
        SubmissionStatus::Late,
        SubmissionStatus::Returned,
        SubmissionStatus::Missing,
    ];

    /// The stable spelling used in GraphQL and downloads.
    pub fn code(self) -> &'static str {
        match self {
            SubmissionStatus::OnTime => "ON_TIME",
            SubmissionStatus::Late => "LATE",
            SubmissionStatus::Missing => "MISSING",
            SubmissionStatus::Returned => "RETURNED",
        }
    }
}

/// One lead assignment's submission in a round.
#[derive(Debug, Clone)]
pub struct Submission {
    pub agency: agency::Model,
    pub task: task::Model,
    pub assignment_id: i32,
    pub status: SubmissionStatus,
    /// The report the status rests on: the latest on-time one, the first late one, or the
    /// latest returned one.
    pub report: Option<task_history::Model>,
    /// Why DIC returned `report`, when `status` is `RETURNED`.
    pub return_reason: Option<String>,
}

impl Submission {
    /// When the counted report was entered.
    pub fn submitted_at(&self) -> Option<DateTime<Utc>> {
        self.report.as_ref().map(|r| r.changed_at)
    }
}

/// Counts of submissions by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub owed: usize,
    pub on_time: usize,
    pub late: usize,
    pub returned: usize,
    pub missing: usize,
}

impl Totals {
    fn add(&mut self, status: SubmissionStatus) {
        self.owed += 1;
        match status {
            SubmissionStatus::OnTime => self.on_time += 1,
            SubmissionStatus::Late => self.late += 1,
            SubmissionStatus::Returned => self.returned += 1,
            SubmissionStatus::Missing => self.missing += 1,
        }
    }

    /// The share of owed reports that came on time, when any were owed.
    pub fn on_time_rate(&self) -> Option<f64> {
        (self.owed > 0).then(|| self.on_time as f64 / self.owed as f64)
    }
}

/// One agency's line in a round.
#[derive(Debug, Clone)]
pub struct AgencyTotals {
    pub agency: agency::Model,
    pub totals: Totals,
}

/// A period's round.
#[derive(Debug, Clone)]
pub struct Round {
    pub plan: plan::Model,
    pub period: Period,
    /// The data window, both days included.
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The last day to submit (included).
    pub deadline: NaiveDate,
    /// Whether the deadline has passed today (Vietnam time).
    pub deadline_passed: bool,
    /// Ordered by task number, then agency name.
    pub submissions: Vec<Submission>,
    /// Per agency, by name (accents folded, as people look names up).
    pub agencies: Vec<AgencyTotals>,
    pub totals: Totals,
}

/// The end of `deadline` in Vietnam, as an instant: reports entered up to it are on time.
pub fn deadline_end(deadline: NaiveDate) -> DateTime<Utc> {
    let last_moment = deadline.and_time(NaiveTime::MIN) + Duration::days(1);
    clock::vietnam()
        .from_local_datetime(&last_moment)
        .single()
        .map_or_else(|| last_moment.and_utc(), |t| t.with_timezone(&Utc))
}

/// Parses a period as written in URLs and GraphQL (`2017-Q4`, `2017-H1`, `2017-03`, `2017`)
/// and checks that the calendar runs its kind.
pub fn parse_period(calendar: &Calendar, text: &str) -> Result<Period> {
    let period = Period::parse(text.trim()).map_err(|err| Error::bad_input(err.to_string()))?;
    match calendar.rule(period.kind) {
        Some(rule) if rule.in_force => Ok(period),
        _ => Err(Error::bad_input(format!(
            "the reporting calendar has no {} reports; periods in force: {}",
            period.kind.code(),
            calendar
                .in_force()
                .map(|r| r.kind.code())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// The round of `period` for a plan (the primary plan when `plan_code` is `None`).
pub async fn round(
    db: &DatabaseConnection,
    calendar: &Calendar,
    plan_code: Option<&str>,
    period: Period,
) -> Result<Round> {
    let (Some((from, to)), Some(deadline)) = (calendar.window(period), calendar.deadline(period))
    else {
        return Err(Error::bad_input(format!(
            "period {period} is outside the reporting calendar"
        )));
    };
    let today = clock::today();
    if from > today {
        return Err(Error::bad_input(format!(
            "period {period} has not started: its data window opens on {}",
            from.format("%d/%m/%Y")
        )));
    }
    let plan = plans::resolve(db, plan_code).await?;
    let all_tasks = asof::tasks_in_scope(db, Some(plan.id)).await?;
    let active: HashMap<i32, task::Model> = all_tasks
        .into_iter()
        .filter(|t| plan.issued_on <= to && active_by(t, to))
        .map(|t| (t.id, t))
        .collect();
    let task_ids: Vec<i32> = active.keys().copied().collect();
    let mut leads: Vec<_> = tasks::assignments_of_tasks(db, &task_ids)
        .await?
        .into_iter()
        .filter(|a| a.role == AssignmentRole::Lead)
        .collect();
    let before = from.pred_opt().unwrap_or(from);
    let completed_before: HashSet<i32> = states::load(db, Some(plan.id), before)
        .await?
        .into_iter()
        .flat_map(|t| t.leads)
        .filter(|l| l.state.status == TaskStatus::Completed)
        .map(|l| l.assignment_id)
        .collect();
    leads.retain(|a| {
        active
            .get(&a.task_id)
            .is_some_and(|t| t.recurrence != Recurrence::Once || !completed_before.contains(&a.id))
    });

    let in_window = task_history::Entity::find()
        .filter(task_history::Column::TaskId.is_in(task_ids.iter().copied()))
        .filter(task_history::Column::EffectiveOn.gte(from))
        .filter(task_history::Column::EffectiveOn.lte(to))
        .order_by_asc(task_history::Column::Id)
        .all(db)
        .await?;
    let history_ids: Vec<i32> = in_window.iter().map(|h| h.id).collect();
    let mut returns: HashMap<i32, String> = HashMap::new();
    for chunk in history_ids.chunks(500) {
        for review in report_review::Entity::find()
            .filter(report_review::Column::HistoryId.is_in(chunk.iter().copied()))
            .filter(report_review::Column::Decision.eq(ReviewDecision::Return))
            .all(db)
            .await?
        {
            returns.insert(review.history_id, review.reason.unwrap_or_default());
        }
    }
    let mut by_assignment: HashMap<i32, Vec<task_history::Model>> = HashMap::new();
    for entry in in_window {
        by_assignment
            .entry(entry.assignment_id)
            .or_default()
            .push(entry);
    }

    let agency_ids: Vec<i32> = leads.iter().map(|a| a.agency_id).collect();
    let named: HashMap<i32, agency::Model> = agencies::by_ids(db, &agency_ids)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let cutoff = deadline_end(deadline);
    let mut submissions = Vec::with_capacity(leads.len());
    for lead in leads {
        let (Some(task), Some(agency)) = (active.get(&lead.task_id), named.get(&lead.agency_id))
        else {
            continue;
        };
        let reports = by_assignment.remove(&lead.id).unwrap_or_default();
        let (status, report) = judge(&reports, &returns, cutoff);
        let return_reason = match (status, &report) {
            (SubmissionStatus::Returned, Some(r)) => returns.get(&r.id).cloned(),
            _ => None,
        };
        submissions.push(Submission {
            agency: agency.clone(),
            task: task.clone(),
            assignment_id: lead.id,
            status,
            report,
            return_reason,
        });
    }
    submissions.sort_by_cached_key(|s| (s.task.number, fold(&s.agency.name_vi)));
    let mut per_agency: BTreeMap<(String, i32), AgencyTotals> = BTreeMap::new();
    let mut totals = Totals::default();
    for s in &submissions {
        totals.add(s.status);
        per_agency
            .entry((fold(&s.agency.name_vi), s.agency.id))
            .or_insert_with(|| AgencyTotals {
                agency: s.agency.clone(),
                totals: Totals::default(),
            })
            .totals
            .add(s.status);
    }
    Ok(Round {
        plan,
        period,
        from,
        to,
        deadline,
        deadline_passed: today > deadline,
        submissions,
        agencies: per_agency.into_values().collect(),
        totals,
    })
}

/// The file formats a round downloads in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundFormat {
    Csv,
    Xlsx,
}

/// The round as a plain table for `reports`.
pub fn sheet(round: &Round) -> RoundSheet {
    let vietnam = clock::vietnam();
    RoundSheet {
        plan_code: round.plan.code.clone(),
        period_code: round.period.to_string(),
        period_label: Text::new(round.period.label_vi(), round.period.label_en()),
        from: round.from,
        to: round.to,
        deadline: round.deadline,
        rows: round
            .submissions
            .iter()
            .map(|s| RoundRow {
                task_number: s.task.number,
                task_title: Text::new(&s.task.title_vi, &s.task.title_en),
                agency: report_data::agency_ref(&s.agency),
                state: match s.status {
                    SubmissionStatus::OnTime => SubmissionState::OnTime,
                    SubmissionStatus::Late => SubmissionState::Late,
                    SubmissionStatus::Returned => SubmissionState::Returned,
                    SubmissionStatus::Missing => SubmissionState::Missing,
                },
                submitted_at: s
                    .submitted_at()
                    .map(|at| at.with_timezone(&vietnam).naive_local()),
                effective_on: s.report.as_ref().map(|r| r.effective_on),
                status: s.report.as_ref().map(|r| report_data::status(r.status)),
                progress: s.report.as_ref().map(|r| r.progress),
                note: s.report.as_ref().and_then(|r| r.note.clone()),
                return_reason: s.return_reason.clone(),
            })
            .collect(),
        agencies: round
            .agencies
            .iter()
            .map(|a| {
                let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
                RoundAgencyRow {
                    agency: report_data::agency_ref(&a.agency),
                    owed: count(a.totals.owed),
                    on_time: count(a.totals.on_time),
                    late: count(a.totals.late),
                    returned: count(a.totals.returned),
                    missing: count(a.totals.missing),
                }
            })
            .collect(),
    }
}

/// The round as a CSV or XLSX file named after its period (`egov-round-2017-Q4.csv`).
pub fn download(round: &Round, format: RoundFormat, lang: Lang) -> Result<Download> {
    let table = sheet(round);
    let suffix = lang.pick("", "-en");
    let (bytes, content_type, extension) = match format {
        RoundFormat::Csv => (round_csv(&table, lang), "text/csv; charset=utf-8", "csv"),
        RoundFormat::Xlsx => (
            round_workbook(&table, lang).map_err(|err| Error::Internal(err.into()))?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
    };
    Ok(Download {
        bytes,
        content_type,
        file_name: format!("egov-round-{}{suffix}.{extension}", round.period),
        attachment: true,
    })
}

/// Whether a task has begun by `day` (tasks start on 1 January of their start year).
fn active_by(task: &task::Model, day: NaiveDate) -> bool {
    NaiveDate::from_ymd_opt(task.start_year, 1, 1).is_some_and(|start| start <= day)
}

/// The status of one assignment from its reports inside the window (in recording order).
fn judge(
    reports: &[task_history::Model],
    returns: &HashMap<i32, String>,
    cutoff: DateTime<Utc>,
) -> (SubmissionStatus, Option<task_history::Model>) {
    let (counted, returned): (Vec<&task_history::Model>, Vec<&task_history::Model>) =
        reports.iter().partition(|r| !returns.contains_key(&r.id));
    let on_time = counted
        .iter()
        .filter(|r| r.changed_at < cutoff)
        .max_by_key(|r| (r.effective_on, r.id));
    if let Some(r) = on_time {
        return (SubmissionStatus::OnTime, Some((*r).clone()));
    }
    if let Some(r) = counted.iter().min_by_key(|r| (r.changed_at, r.id)) {
        return (SubmissionStatus::Late, Some((*r).clone()));
    }
    if let Some(r) = returned.iter().max_by_key(|r| (r.changed_at, r.id)) {
        return (SubmissionStatus::Returned, Some((*r).clone()));
    }
    (SubmissionStatus::Missing, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use entities::Recurrence;

    fn report(id: i32, effective: (i32, u32, u32), entered: &str) -> task_history::Model {
        task_history::Model {
            id,
            task_id: 1,
            assignment_id: 1,
            agency_id: 1,
            status: TaskStatus::InProgress,
            progress: 50,
            note: None,
            evidence: None,
            effective_on: NaiveDate::from_ymd_opt(effective.0, effective.1, effective.2)
                .unwrap_or_default(),
            changed_at: entered.parse().unwrap_or_default(),
            changed_by_user_id: None,
            task_version: id,
        }
    }

    fn task(start_year: i32, recurrence: Recurrence) -> task::Model {
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
            start_year,
            end_year: None,
            due_date: None,
            status: TaskStatus::NotStarted,
            progress: 0,
            version: 1,
            search_text: String::new(),
        }
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn the_deadline_day_ends_at_midnight_in_vietnam() {
        let end = deadline_end(day(2017, 12, 18));
        assert_eq!(end.to_rfc3339(), "2017-12-18T17:00:00+00:00");
    }

    #[test]
    fn a_report_entered_by_the_deadline_is_on_time_and_after_it_late() {
        let cutoff = deadline_end(day(2017, 12, 18));
        let none = HashMap::new();
        let on_time = [report(1, (2017, 12, 1), "2017-12-18T16:59:59Z")];
        assert_eq!(judge(&on_time, &none, cutoff).0, SubmissionStatus::OnTime);
        let late = [report(2, (2017, 12, 1), "2017-12-18T17:00:00Z")];
        assert_eq!(judge(&late, &none, cutoff).0, SubmissionStatus::Late);
        assert_eq!(judge(&[], &none, cutoff), (SubmissionStatus::Missing, None));
    }

    #[test]
    fn a_returned_report_counts_as_returned_until_a_new_one_arrives() {
        let cutoff = deadline_end(day(2017, 12, 18));
        let returns = HashMap::from([(1, "số liệu sai".to_owned())]);
        let first = report(1, (2017, 12, 1), "2017-12-02T03:00:00Z");
        let (status, counted) = judge(std::slice::from_ref(&first), &returns, cutoff);
        assert_eq!(status, SubmissionStatus::Returned);
        assert_eq!(counted.map(|r| r.id), Some(1));
        let again = report(2, (2017, 12, 10), "2017-12-20T03:00:00Z");
        let (status, counted) = judge(&[first, again], &returns, cutoff);
        assert_eq!(status, SubmissionStatus::Late);
        assert_eq!(counted.map(|r| r.id), Some(2));
    }

    #[test]
    fn a_task_starting_mid_period_owes_from_its_start_year() {
        let annual = task(2018, Recurrence::Annual);
        assert!(!active_by(&annual, day(2017, 12, 14)));
        assert!(active_by(&annual, day(2018, 3, 14)));
    }
}
