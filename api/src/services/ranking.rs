//! Agency rankings and plan progress as of a date.
//!
//! Facts per agency are gathered from its lead assignments' states on the date
//! ([`agency_facts`], over [`states::load`]); the published scoring method
//! (`seeds/data/scoring.toml`) turns them into points normalised by the best unit ([`score`]).
//! Both are pure, so `docs/ranking.md`'s worked example is checked by unit tests.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use entities::{agency, plan, AgencyLevel, TaskStatus};
use sea_orm::DatabaseConnection;
use seeds::scoring::{Measure, ScoringMethod};

use super::asof::{self, PeriodState};
use super::states::{self, LeadState, TaskState};
use super::{agencies, kpis};
use crate::error::{Error, Result};

/// What an agency's lead assignments add up to on a date.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AgencyFacts {
    pub agency_id: i32,
    /// Tasks where the agency holds a lead assignment.
    pub assigned: u32,
    pub completed: u32,
    /// Completed on or before the due date.
    pub on_time: u32,
    /// With a due date that has passed, or completed: the ones timeliness is judged on.
    pub judged_for_time: u32,
    /// With a due date (spans).
    pub with_due_date: u32,
    pub overdue: u32,
    /// Reporting years owed and met on annual and ongoing tasks.
    pub periods_owed: u32,
    pub periods_met: u32,
    pub with_evidence: u32,
    pub progress_sum: i64,
    /// Mean progress on lead tasks that move at least one KPI; none without such tasks.
    pub kpi_contribution: Option<f64>,
}

impl AgencyFacts {
    /// The rate a measure takes for this agency, between 0 and 1.
    pub fn rate(&self, measure: Measure) -> f64 {
        let ratio = |n: u32, d: u32, empty: f64| {
            if d == 0 {
                empty
            } else {
                f64::from(n) / f64::from(d)
            }
        };
        match measure {
            Measure::CompletionRate => ratio(self.completed, self.assigned, 0.0),
            Measure::OnTimeRate => ratio(self.on_time, self.judged_for_time, 0.0),
            Measure::NotOverdueRate => 1.0 - ratio(self.overdue, self.with_due_date, 0.0),
            Measure::ReportingRegularity => ratio(self.periods_met, self.periods_owed, 1.0),
            Measure::EvidenceRate => ratio(self.with_evidence, self.assigned, 0.0),
            Measure::MeanProgress => {
                if self.assigned == 0 {
                    0.0
                } else {
                    self.progress_sum as f64 / f64::from(self.assigned) / 100.0
                }
            }
        }
    }
}

/// Gathers each agency's facts from the tasks as of `as_of`; `kpi_tasks` are the ids of tasks
/// linked to a KPI.
pub fn agency_facts(
    tasks: &[TaskState],
    kpi_tasks: &HashSet<i32>,
    as_of: NaiveDate,
) -> BTreeMap<i32, AgencyFacts> {
    facts_by(tasks, kpi_tasks, as_of, |_, lead| lead.agency_id)
}

/// Gathers facts per unit, the id `unit_of` gives each lead assignment (an agency, or a whole
/// plan); the facts' `agency_id` holds that unit id.
fn facts_by(
    tasks: &[TaskState],
    kpi_tasks: &HashSet<i32>,
    as_of: NaiveDate,
    unit_of: impl Fn(&TaskState, &LeadState) -> i32,
) -> BTreeMap<i32, AgencyFacts> {
    let mut facts: BTreeMap<i32, AgencyFacts> = BTreeMap::new();
    let mut kpi_progress: HashMap<i32, (i64, i64)> = HashMap::new();
    for task in tasks {
        for lead in &task.leads {
            let agency_id = unit_of(task, lead);
            let f = facts.entry(agency_id).or_insert_with(|| AgencyFacts {
                agency_id,
                ..Default::default()
            });
            let state = lead.state;
            let completed = state.status == TaskStatus::Completed;
            f.assigned += 1;
            f.progress_sum += i64::from(state.progress);
            if completed {
                f.completed += 1;
            }
            if let Some(due) = task.task.due_date {
                f.with_due_date += 1;
                let on_time = completed && state.completed_on.is_some_and(|on| on <= due);
                if completed || due < as_of {
                    f.judged_for_time += 1;
                }
                if on_time {
                    f.on_time += 1;
                }
                if asof::overdue(Some(due), state.status, as_of) {
                    f.overdue += 1;
                }
            } else {
                for period in lead.periods(&task.task, as_of) {
                    match period.state {
                        PeriodState::Met => {
                            f.periods_owed += 1;
                            f.periods_met += 1;
                        }
                        PeriodState::Missed => f.periods_owed += 1,
                        PeriodState::Open | PeriodState::Upcoming => {}
                    }
                }
            }
            if lead.has_evidence {
                f.with_evidence += 1;
            }
            if kpi_tasks.contains(&task.task.id) {
                let entry = kpi_progress.entry(agency_id).or_default();
                entry.0 += i64::from(state.progress);
                entry.1 += 1;
            }
        }
    }
    for (agency_id, (sum, count)) in kpi_progress {
        if let Some(f) = facts.get_mut(&agency_id) {
            f.kpi_contribution = (count > 0).then(|| sum as f64 / count as f64);
        }
    }
    facts
}

/// The band a score falls in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Band {
    Good,
    Fair,
    Average,
    Weak,
}

/// Points on one criterion.
#[derive(Debug, Clone, PartialEq)]
pub struct Points {
    pub criterion: String,
    pub value: f64,
    pub points: f64,
    pub max_points: f64,
}

/// One agency's place in a ranking.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    pub rank: u32,
    pub score: f64,
    pub band: Band,
    pub facts: AgencyFacts,
    pub breakdown: Vec<Points>,
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Scores agencies together: each criterion's rate is normalised by the best rate among them.
/// Equal scores share a rank (1, 2, 2, 4); ties keep the order of `order_key` (agency code).
pub fn score(method: &ScoringMethod, facts: Vec<(String, AgencyFacts)>) -> Vec<Scored> {
    let best: Vec<f64> = method
        .criterion
        .iter()
        .map(|c| {
            facts
                .iter()
                .map(|(_, f)| f.rate(c.measure))
                .fold(0.0, f64::max)
        })
        .collect();
    let mut scored: Vec<(String, Scored)> = facts
        .into_iter()
        .map(|(key, f)| {
            let breakdown: Vec<Points> = method
                .criterion
                .iter()
                .zip(&best)
                .map(|(c, best)| {
                    let value = f.rate(c.measure);
                    let points = if *best > 0.0 {
                        value / best * c.max_points
                    } else {
                        0.0
                    };
                    Points {
                        criterion: c.code.clone(),
                        value: round2(value),
                        points: round2(points),
                        max_points: c.max_points,
                    }
                })
                .collect();
            let score = round2(breakdown.iter().map(|p| p.points).sum());
            let band = if score >= method.bands.good {
                Band::Good
            } else if score >= method.bands.fair {
                Band::Fair
            } else if score >= method.bands.average {
                Band::Average
            } else {
                Band::Weak
            };
            (
                key,
                Scored {
                    rank: 0,
                    score,
                    band,
                    facts: f,
                    breakdown,
                },
            )
        })
        .collect();
    scored.sort_by(|(ka, a), (kb, b)| b.score.total_cmp(&a.score).then_with(|| ka.cmp(kb)));
    let mut previous: Option<f64> = None;
    let mut rank = 0;
    for (index, (_, entry)) in scored.iter_mut().enumerate() {
        if previous != Some(entry.score) {
            rank = index as u32 + 1;
            previous = Some(entry.score);
        }
        entry.rank = rank;
    }
    scored.into_iter().map(|(_, s)| s).collect()
}

/// A ranking with the agencies it ranks.
#[derive(Debug, Clone)]
pub struct Ranking {
    pub method: ScoringMethod,
    pub entries: Vec<(agency::Model, Scored)>,
}

async fn kpi_tasks_of(db: &DatabaseConnection, tasks: &[TaskState]) -> Result<HashSet<i32>> {
    let task_ids: Vec<i32> = tasks.iter().map(|t| t.task.id).collect();
    Ok(kpis::kpi_links_of_tasks(db, &task_ids)
        .await?
        .into_iter()
        .map(|l| l.task_id)
        .collect())
}

fn scoring_method() -> Result<ScoringMethod> {
    ScoringMethod::parse().map_err(|err| Error::Internal(err.into()))
}

/// Ranks every agency holding a lead assignment in a plan (of one level when given) as of
/// `as_of`.
pub async fn ranking(
    db: &DatabaseConnection,
    plan_id: i32,
    as_of: NaiveDate,
    level: Option<AgencyLevel>,
) -> Result<Ranking> {
    let method = scoring_method()?;
    let tasks = states::load(db, Some(plan_id), as_of).await?;
    let kpi_tasks = kpi_tasks_of(db, &tasks).await?;
    let facts = agency_facts(&tasks, &kpi_tasks, as_of);
    let ids: Vec<i32> = facts.keys().copied().collect();
    let by_id: HashMap<i32, agency::Model> = agencies::by_ids(db, &ids)
        .await?
        .into_iter()
        .filter(|a| level.is_none_or(|l| a.level == l))
        .map(|a| (a.id, a))
        .collect();
    let keyed: Vec<(String, AgencyFacts)> = facts
        .into_values()
        .filter_map(|f| by_id.get(&f.agency_id).map(|a| (a.code.clone(), f)))
        .collect();
    let entries = score(&method, keyed)
        .into_iter()
        .filter_map(|s| by_id.get(&s.facts.agency_id).cloned().map(|a| (a, s)))
        .collect();
    Ok(Ranking { method, entries })
}

/// Every plan (one per province) scored together as of a date, each as one unit.
#[derive(Debug, Clone)]
pub struct Standings {
    pub method: ScoringMethod,
    /// Best first: the plan, its score (facts over all its lead assignments) and its tasks' tally.
    pub entries: Vec<(plan::Model, Scored, Tally)>,
}

/// Scores every plan by the published method as if each plan were one agency holding all its
/// lead assignments, with each plan's task tally, from every plan's lead states on the date.
pub async fn standings(db: &DatabaseConnection, as_of: NaiveDate) -> Result<Standings> {
    let method = scoring_method()?;
    let tasks = states::load(db, None, as_of).await?;
    let kpi_tasks = kpi_tasks_of(db, &tasks).await?;
    let facts = facts_by(&tasks, &kpi_tasks, as_of, |task, _| task.task.plan_id);
    let mut tallies: HashMap<i32, Tally> = HashMap::new();
    for t in &tasks {
        tallies
            .entry(t.task.plan_id)
            .or_default()
            .add(t.status, t.progress, t.overdue);
    }
    let plans: HashMap<i32, plan::Model> = super::plan::list(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let keyed: Vec<(String, AgencyFacts)> = facts
        .into_values()
        .filter_map(|f| plans.get(&f.agency_id).map(|p| (p.code.clone(), f)))
        .collect();
    let entries = score(&method, keyed)
        .into_iter()
        .filter_map(|s| {
            let plan = plans.get(&s.facts.agency_id)?.clone();
            let tally = tallies.remove(&plan.id).unwrap_or_default();
            Some((plan, s, tally))
        })
        .collect();
    Ok(Standings { method, entries })
}

/// Counts and mean progress for a group of tasks or assignments.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    pub total: u32,
    pub completed: u32,
    pub in_progress: u32,
    pub not_started: u32,
    pub blocked: u32,
    pub overdue: u32,
    progress_sum: i64,
}

impl Tally {
    fn add(&mut self, status: TaskStatus, progress: i32, overdue: bool) {
        self.total += 1;
        self.progress_sum += i64::from(progress);
        match status {
            TaskStatus::Completed => self.completed += 1,
            TaskStatus::InProgress => self.in_progress += 1,
            TaskStatus::NotStarted => self.not_started += 1,
            TaskStatus::Blocked => self.blocked += 1,
        }
        if overdue {
            self.overdue += 1;
        }
    }

    /// Mean progress, 0-100, to one decimal.
    pub fn percent_complete(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            (self.progress_sum as f64 / f64::from(self.total) * 10.0).round() / 10.0
        }
    }
}

/// The plan's progress on a date.
#[derive(Debug, Clone, Default)]
pub struct PlanProgress {
    /// Over the 27 tasks (each at its rolled-up progress).
    pub tasks: Tally,
    /// Per main task (II.1-II.6): the tasks linked to the clause or its items.
    pub by_main_task: Vec<(entities::clause::Model, Tally)>,
    /// Per agency level: lead assignments held by agencies of that level.
    pub by_level: Vec<(AgencyLevel, Tally)>,
    /// Per objective measured by KPIs: the KPIs' codes and the tasks that move them.
    pub by_objective: Vec<(entities::clause::Model, Vec<String>, Tally)>,
}

/// Rolls a plan up as of `as_of` (see docs/data-model.md for the rule).
pub async fn plan_progress(
    db: &DatabaseConnection,
    plan_id: i32,
    as_of: NaiveDate,
) -> Result<PlanProgress> {
    let tasks = states::load(db, Some(plan_id), as_of).await?;
    let mut progress = PlanProgress::default();
    for t in &tasks {
        progress.tasks.add(t.status, t.progress, t.overdue);
    }
    let main_tasks = super::clauses::list(db, Some(entities::ClauseKind::MainTask), false).await?;
    let clause_ids: Vec<i32> = main_tasks.iter().map(|c| c.id).collect();
    let links = super::clauses::task_links_of_clauses(db, &clause_ids).await?;
    for top in main_tasks.iter().filter(|c| c.parent_code.is_none()) {
        let family: HashSet<i32> = main_tasks
            .iter()
            .filter(|c| c.id == top.id || c.parent_code.as_deref() == Some(top.code.as_str()))
            .map(|c| c.id)
            .collect();
        let linked: HashSet<i32> = links
            .iter()
            .filter(|l| family.contains(&l.clause_id))
            .map(|l| l.task_id)
            .collect();
        let mut tally = Tally::default();
        for t in tasks.iter().filter(|t| linked.contains(&t.task.id)) {
            tally.add(t.status, t.progress, t.overdue);
        }
        progress.by_main_task.push((top.clone(), tally));
    }
    let lead_agencies: Vec<i32> = tasks
        .iter()
        .flat_map(|t| t.leads.iter().map(|l| l.agency_id))
        .collect::<HashSet<i32>>()
        .into_iter()
        .collect();
    let agencies: HashMap<i32, AgencyLevel> = agencies::by_ids(db, &lead_agencies)
        .await?
        .into_iter()
        .map(|a| (a.id, a.level))
        .collect();
    let mut by_level: BTreeMap<AgencyLevel, Tally> = BTreeMap::new();
    for t in &tasks {
        for lead in &t.leads {
            if let Some(level) = agencies.get(&lead.agency_id) {
                let overdue = asof::overdue(t.task.due_date, lead.state.status, as_of);
                by_level.entry(*level).or_default().add(
                    lead.state.status,
                    lead.state.progress,
                    overdue,
                );
            }
        }
    }
    progress.by_level = by_level.into_iter().collect();

    let objectives = super::clauses::list(db, Some(entities::ClauseKind::Objective), false).await?;
    let all_kpis = kpis::list(db).await?;
    let kpi_ids: Vec<i32> = all_kpis.iter().map(|k| k.id).collect();
    let kpi_links = kpis::task_links_of_kpis(db, &kpi_ids).await?;
    for objective in objectives {
        let measuring: Vec<&entities::kpi::Model> = all_kpis
            .iter()
            .filter(|k| k.objective_clause_id == Some(objective.id))
            .collect();
        if measuring.is_empty() {
            continue;
        }
        let linked: HashSet<i32> = kpi_links
            .iter()
            .filter(|l| measuring.iter().any(|k| k.id == l.kpi_id))
            .map(|l| l.task_id)
            .collect();
        let mut tally = Tally::default();
        for t in tasks.iter().filter(|t| linked.contains(&t.task.id)) {
            tally.add(t.status, t.progress, t.overdue);
        }
        let codes = measuring.iter().map(|k| k.code.clone()).collect();
        progress.by_objective.push((objective, codes, tally));
    }
    Ok(progress)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn method() -> ScoringMethod {
        ScoringMethod::parse().expect("the published method")
    }

    fn facts(id: i32, assigned: u32, completed: u32, on_time: u32, overdue: u32) -> AgencyFacts {
        AgencyFacts {
            agency_id: id,
            assigned,
            completed,
            on_time,
            judged_for_time: completed.max(on_time) + overdue,
            with_due_date: assigned,
            overdue,
            progress_sum: i64::from(completed) * 100,
            ..Default::default()
        }
    }

    #[test]
    fn the_only_agency_to_finish_on_time_ranks_first_with_full_marks() {
        let ranked = score(
            &method(),
            vec![
                ("A".into(), facts(1, 1, 0, 0, 0)),
                ("B".into(), facts(2, 1, 1, 1, 0)),
                ("C".into(), facts(3, 2, 0, 0, 0)),
            ],
        );
        assert_eq!(ranked[0].facts.agency_id, 2);
        assert_eq!(ranked[0].rank, 1);
        assert_eq!(ranked[0].score, 90.0, "everything but evidence");
        assert_eq!(ranked[0].band, Band::Good);
        assert_eq!(ranked[1].score, ranked[2].score, "the others tie");
        assert_eq!((ranked[1].rank, ranked[2].rank), (2, 2));
        assert_eq!(
            (ranked[1].facts.agency_id, ranked[2].facts.agency_id),
            (1, 3),
            "ties by code"
        );
    }

    #[test]
    fn equal_scores_share_a_rank_and_the_next_rank_skips() {
        let ranked = score(
            &method(),
            vec![
                ("D".into(), facts(4, 2, 1, 1, 1)),
                ("A".into(), facts(1, 1, 1, 1, 0)),
                ("C".into(), facts(3, 2, 1, 1, 1)),
                ("B".into(), facts(2, 2, 1, 1, 1)),
            ],
        );
        let ranks: Vec<(i32, u32)> = ranked.iter().map(|s| (s.facts.agency_id, s.rank)).collect();
        assert_eq!(ranks, [(1, 1), (2, 2), (3, 2), (4, 2)]);
        let ranked = score(
            &method(),
            vec![
                ("X".into(), facts(1, 1, 1, 1, 0)),
                ("Y".into(), facts(2, 1, 1, 1, 0)),
                ("Z".into(), facts(3, 1, 0, 0, 1)),
            ],
        );
        let ranks: Vec<u32> = ranked.iter().map(|s| s.rank).collect();
        assert_eq!(ranks, [1, 1, 3]);
    }

    /// The worked example of docs/ranking.md, number for number.
    #[test]
    fn the_worked_example_in_the_ranking_guide() {
        let a = AgencyFacts {
            agency_id: 1,
            assigned: 1,
            completed: 1,
            on_time: 1,
            judged_for_time: 1,
            with_due_date: 1,
            with_evidence: 1,
            progress_sum: 100,
            ..Default::default()
        };
        let b = AgencyFacts {
            agency_id: 2,
            assigned: 2,
            completed: 1,
            judged_for_time: 1,
            with_due_date: 2,
            progress_sum: 150,
            ..Default::default()
        };
        let c = AgencyFacts {
            agency_id: 3,
            assigned: 1,
            judged_for_time: 1,
            with_due_date: 1,
            overdue: 1,
            progress_sum: 20,
            ..Default::default()
        };
        let ranked = score(
            &method(),
            vec![("C".into(), c), ("A".into(), a), ("B".into(), b)],
        );
        let summary: Vec<(i32, u32, f64, Band)> = ranked
            .iter()
            .map(|s| (s.facts.agency_id, s.rank, s.score, s.band))
            .collect();
        assert_eq!(
            summary,
            [
                (1, 1, 100.0, Band::Good),
                (2, 2, 50.0, Band::Average),
                (3, 3, 12.0, Band::Weak)
            ]
        );
        let points: Vec<f64> = ranked[1].breakdown.iter().map(|p| p.points).collect();
        assert_eq!(
            points,
            [17.5, 0.0, 15.0, 7.5, 10.0, 0.0],
            "B: COMPLETION..EVIDENCE"
        );
        let points: Vec<f64> = ranked[2].breakdown.iter().map(|p| p.points).collect();
        assert_eq!(points, [0.0, 0.0, 0.0, 2.0, 10.0, 0.0], "C");
    }

    #[test]
    fn an_agency_with_no_lead_task_has_no_rates_to_score() {
        let idle = AgencyFacts {
            agency_id: 9,
            ..Default::default()
        };
        assert_eq!(idle.rate(Measure::CompletionRate), 0.0);
        assert_eq!(idle.rate(Measure::MeanProgress), 0.0);
        assert_eq!(
            idle.rate(Measure::NotOverdueRate),
            1.0,
            "nothing can be overdue"
        );
        assert_eq!(
            idle.rate(Measure::ReportingRegularity),
            1.0,
            "nothing was owed"
        );
        let tasks: Vec<TaskState> = Vec::new();
        assert!(
            agency_facts(&tasks, &HashSet::new(), NaiveDate::MIN).is_empty(),
            "only lead assignments make an agency rankable"
        );
    }

    #[test]
    fn with_nothing_reported_nobody_scores_on_rates_nobody_has() {
        let ranked = score(
            &method(),
            vec![
                ("A".into(), facts(1, 2, 0, 0, 0)),
                ("B".into(), facts(2, 1, 0, 0, 0)),
            ],
        );
        for entry in &ranked {
            let completion = entry
                .breakdown
                .iter()
                .find(|p| p.criterion == "COMPLETION")
                .expect("criterion");
            assert_eq!(completion.points, 0.0);
            assert_eq!(entry.rank, 1);
        }
        assert!(
            score(&method(), vec![]).is_empty(),
            "an empty level ranks no one"
        );
    }
}
