//! Fills the `reports` crate's plain structs from the database, as of a date.
//!
//! The figures are the same ones GraphQL serves (`asof`, `ranking`, `kpis`, `architecture`):
//! this module only gathers and reshapes them, so a chart never disagrees with the API.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate};
use entities::{
    AgencyLevel, ArchitectureLayer, AssignmentRole, ClauseKind, KpiDirection, Lifecycle,
    Recurrence, TaskStatus,
};
use reports::model::{self, Text};
use sea_orm::DatabaseConnection;

use super::asof::{self, PeriodState, TaskAt};
use super::ranking::{self, Band};
use super::{agencies, architecture, clauses, kpis, plan};
use crate::error::Result;

/// How the status breakdown groups tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum StatusGrouping {
    /// By main task II.1-II.6.
    #[default]
    MainTask,
    /// By the level of the agencies holding lead assignments.
    Level,
}

/// Vietnamese and English names of an agency level, as reports print them.
pub fn level_name(level: AgencyLevel) -> Text {
    match level {
        AgencyLevel::Central => Text::new("Cơ quan trung ương", "Central agencies"),
        AgencyLevel::Province => {
            Text::new("Sở, ban, ngành tỉnh", "Provincial departments and agencies")
        }
        AgencyLevel::District => Text::new("UBND cấp huyện", "District People's Committees"),
        AgencyLevel::Commune => Text::new("UBND cấp xã", "Commune People's Committees"),
        AgencyLevel::NonState => Text::new("Doanh nghiệp, báo chí", "Enterprises and press"),
    }
}

/// A task status as the reports name it.
pub fn status(status: TaskStatus) -> model::Status {
    match status {
        TaskStatus::NotStarted => model::Status::NotStarted,
        TaskStatus::InProgress => model::Status::InProgress,
        TaskStatus::Completed => model::Status::Completed,
        TaskStatus::Blocked => model::Status::Blocked,
    }
}

fn recurrence(recurrence: Recurrence) -> model::Recurrence {
    match recurrence {
        Recurrence::Once => model::Recurrence::Once,
        Recurrence::Annual => model::Recurrence::Annual,
        Recurrence::Ongoing => model::Recurrence::Ongoing,
    }
}

fn period_state(state: PeriodState) -> model::PeriodState {
    match state {
        PeriodState::Met => model::PeriodState::Met,
        PeriodState::Open => model::PeriodState::Open,
        PeriodState::Missed => model::PeriodState::Missed,
        PeriodState::Upcoming => model::PeriodState::Upcoming,
    }
}

fn lifecycle(lifecycle: Lifecycle) -> model::Lifecycle {
    match lifecycle {
        Lifecycle::Planned => model::Lifecycle::Planned,
        Lifecycle::Building => model::Lifecycle::Building,
        Lifecycle::Operational => model::Lifecycle::Operational,
        Lifecycle::Retiring => model::Lifecycle::Retiring,
        Lifecycle::Retired => model::Lifecycle::Retired,
    }
}

fn band(band: Band) -> model::Band {
    match band {
        Band::Good => model::Band::Good,
        Band::Fair => model::Band::Fair,
        Band::Average => model::Band::Average,
        Band::Weak => model::Band::Weak,
    }
}

pub(crate) fn agency_ref(agency: &entities::agency::Model) -> model::AgencyRef {
    model::AgencyRef {
        code: agency.code.clone(),
        name: Text::new(&agency.name_vi, &agency.name_en),
    }
}

/// Main-task codes (II.1-II.6) of each task id, from the task-clause links.
async fn main_tasks_of(db: &DatabaseConnection) -> Result<HashMap<i32, String>> {
    let main_tasks = clauses::list(db, Some(ClauseKind::MainTask), false).await?;
    let top_of: HashMap<i32, String> = main_tasks
        .iter()
        .map(|c| {
            let top = c.parent_code.clone().unwrap_or_else(|| c.code.clone());
            (c.id, top)
        })
        .collect();
    let ids: Vec<i32> = main_tasks.iter().map(|c| c.id).collect();
    let mut links = clauses::task_links_of_clauses(db, &ids).await?;
    links.sort_by_key(|l| l.id);
    let mut of_task = HashMap::new();
    for link in links {
        if let Some(top) = top_of.get(&link.clause_id) {
            of_task.entry(link.task_id).or_insert_with(|| top.clone());
        }
    }
    Ok(of_task)
}

/// Turns tasks as of a date into report rows.
async fn task_rows(
    db: &DatabaseConnection,
    tasks: &[TaskAt],
    as_of: NaiveDate,
) -> Result<Vec<model::TaskRow>> {
    let agency_ids: Vec<i32> = tasks
        .iter()
        .flat_map(|t| t.assignments.iter().map(|a| a.assignment.agency_id))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let agencies: HashMap<i32, entities::agency::Model> = agencies::by_ids(db, &agency_ids)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let main_tasks = main_tasks_of(db).await?;
    Ok(tasks
        .iter()
        .map(|t| {
            let parties = |role: AssignmentRole| -> Vec<model::AgencyRef> {
                t.assignments
                    .iter()
                    .filter(|a| a.assignment.role == role)
                    .filter_map(|a| agencies.get(&a.assignment.agency_id))
                    .map(agency_ref)
                    .collect()
            };
            let completed_on = t
                .leads()
                .filter_map(|a| a.state.completed_on)
                .max()
                .filter(|_| t.status == TaskStatus::Completed);
            model::TaskRow {
                number: t.task.number,
                title: Text::new(&t.task.title_vi, &t.task.title_en),
                main_task: main_tasks.get(&t.task.id).cloned(),
                recurrence: recurrence(t.task.recurrence),
                start_year: t.task.start_year,
                end_year: t.task.end_year,
                timeline: Text::new(
                    &t.task.timeline_vi,
                    super::tasks::timeline_label_en(&t.task),
                ),
                due_date: t.task.due_date,
                status: status(t.status),
                progress: t.progress,
                overdue: t.overdue,
                completed_on,
                periods: t
                    .periods(as_of)
                    .into_iter()
                    .map(|p| model::YearState {
                        year: p.year,
                        state: period_state(p.state),
                    })
                    .collect(),
                leads: parties(AssignmentRole::Lead),
                cooperating: parties(AssignmentRole::Cooperating),
                last_report_on: t.latest.as_ref().map(|h| h.effective_on),
                last_note: t.latest.as_ref().and_then(|h| h.note.clone()),
            }
        })
        .collect())
}

/// Every task as of `as_of`, in appendix order.
pub async fn tasks(db: &DatabaseConnection, as_of: NaiveDate) -> Result<Vec<model::TaskRow>> {
    let tasks = asof::load_primary(db, as_of).await?;
    task_rows(db, &tasks, as_of).await
}

/// The progress chart's data: every task, over the years from the plan's start to the later of
/// the last end year and the as-of year.
pub async fn timeline(db: &DatabaseConnection, as_of: NaiveDate) -> Result<model::Timeline> {
    let tasks = tasks(db, as_of).await?;
    Ok(timeline_of(tasks, as_of))
}

fn timeline_of(tasks: Vec<model::TaskRow>, as_of: NaiveDate) -> model::Timeline {
    let first_year = tasks
        .iter()
        .map(|t| t.start_year)
        .min()
        .unwrap_or(as_of.year())
        .min(as_of.year());
    let last_year = tasks
        .iter()
        .filter_map(|t| t.end_year)
        .max()
        .unwrap_or(first_year)
        .max(as_of.year())
        .max(first_year + 4);
    model::Timeline {
        as_of,
        first_year,
        last_year,
        tasks,
    }
}

/// The agency ranking as of `as_of`, of one level or all.
pub async fn ranking(
    db: &DatabaseConnection,
    as_of: NaiveDate,
    level: Option<AgencyLevel>,
) -> Result<model::Ranking> {
    let ranked = ranking::ranking(db, plan::current(db).await?.id, as_of, level).await?;
    Ok(model::Ranking {
        as_of,
        group: level.map(level_name),
        method: ranked.method.version.clone(),
        entries: ranked
            .entries
            .iter()
            .map(|(agency, scored)| model::RankingEntry {
                rank: scored.rank,
                agency: agency_ref(agency),
                score: scored.score,
                band: band(scored.band),
                tasks_assigned: scored.facts.assigned,
                tasks_completed: scored.facts.completed,
                tasks_overdue: scored.facts.overdue,
            })
            .collect(),
    })
}

/// The text with its first letter in upper case: KPI names are phrases cut from the plan's
/// sentences ("dịch vụ công được cung cấp trực tuyến ở mức độ 3"), titles in reports.
fn sentence_case(text: &str) -> String {
    let mut chars = text.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Every KPI with its targets and the measurements of years up to `as_of`'s.
pub async fn kpis(db: &DatabaseConnection, as_of: NaiveDate) -> Result<Vec<model::KpiSeries>> {
    let all = kpis::list(db).await?;
    let ids: Vec<i32> = all.iter().map(|k| k.id).collect();
    let (targets, measurements) = (
        kpis::targets_of(db, &ids).await?,
        kpis::measurements_of(db, &ids).await?,
    );
    let year = as_of.year();
    Ok(all
        .into_iter()
        .map(|k| {
            let mut targets: Vec<(i32, f64)> = targets
                .iter()
                .filter(|t| t.kpi_id == k.id)
                .map(|t| (t.year, t.value))
                .collect();
            let mut measured: Vec<(i32, f64)> = measurements
                .iter()
                .filter(|m| m.kpi_id == k.id && m.year <= year)
                .map(|m| (m.year, m.value))
                .collect();
            targets.sort_by_key(|t| t.0);
            measured.sort_by_key(|m| m.0);
            let trajectory = kpis::Trajectory {
                lower_is_better: k.direction == KpiDirection::LowerIsBetter,
                baseline: k.baseline_year.zip(k.baseline_value),
                targets,
                measurements: measured,
            };
            let latest = trajectory.measurements.last().copied();
            let point = |(year, value): (i32, f64)| model::Point { year, value };
            model::KpiSeries {
                code: k.code.clone(),
                name: Text::new(sentence_case(&k.name_vi), sentence_case(&k.name_en)),
                unit: k.unit.clone(),
                direction: match k.direction {
                    KpiDirection::HigherIsBetter => model::Direction::HigherIsBetter,
                    KpiDirection::LowerIsBetter => model::Direction::LowerIsBetter,
                },
                baseline: trajectory.baseline.map(point),
                targets: trajectory.targets.iter().copied().map(point).collect(),
                measurements: trajectory.measurements.iter().copied().map(point).collect(),
                latest: latest.map(point),
                state: match latest.map(|(y, _)| trajectory.status(y)) {
                    Some(kpis::KpiStatus::OnTrack) => model::KpiState::OnTrack,
                    Some(kpis::KpiStatus::Behind) => model::KpiState::Behind,
                    _ => model::KpiState::NoData,
                },
                attainment: latest.and_then(|(y, _)| trajectory.attainment(y)),
            }
        })
        .collect())
}

/// Tasks by status per main task or per agency level, as of `as_of`.
pub async fn status_breakdown(
    db: &DatabaseConnection,
    as_of: NaiveDate,
    grouping: StatusGrouping,
) -> Result<model::StatusBreakdown> {
    let progress = ranking::plan_progress(db, plan::current(db).await?.id, as_of).await?;
    let group = |code: String, label: Text, tally: &ranking::Tally| model::StatusGroup {
        code,
        label,
        completed: tally.completed,
        in_progress: tally.in_progress,
        not_started: tally.not_started,
        blocked: tally.blocked,
        overdue: tally.overdue,
    };
    let (grouping, counting, groups) = match grouping {
        StatusGrouping::MainTask => (
            Text::new("theo nhiệm vụ chủ yếu", "by main task"),
            Text::new(
                "Số nhiệm vụ; nhiệm vụ gắn với nhiều nhiệm vụ chủ yếu được tính ở mỗi nhóm",
                "Tasks; a task linked to several main tasks counts in each",
            ),
            progress
                .by_main_task
                .iter()
                .map(|(clause, tally)| {
                    let label = Text::new(
                        format!("{} {}", clause.code, clause.title_vi),
                        format!("{} {}", clause.code, clause.title_en),
                    );
                    group(clause.code.clone(), label, tally)
                })
                .collect(),
        ),
        StatusGrouping::Level => (
            Text::new(
                "theo cấp của cơ quan chủ trì",
                "by level of the lead agencies",
            ),
            Text::new(
                "Số phân công chủ trì; nhiệm vụ có nhiều cơ quan chủ trì được tính cho mỗi cơ quan",
                "Lead assignments; a task with several lead agencies counts once per agency",
            ),
            progress
                .by_level
                .iter()
                .map(|(level, tally)| group(level.as_str().into(), level_name(*level), tally))
                .collect(),
        ),
    };
    Ok(model::StatusBreakdown {
        as_of,
        grouping,
        counting,
        groups,
    })
}

/// Vietnamese and English names of an architecture layer.
pub fn layer_name(layer: ArchitectureLayer) -> Text {
    match layer {
        ArchitectureLayer::Users => Text::new("Người sử dụng", "Users"),
        ArchitectureLayer::AccessChannels => Text::new("Kênh truy cập", "Access channels"),
        ArchitectureLayer::Portals => Text::new("Cổng thông tin", "Portals"),
        ArchitectureLayer::Services => Text::new("Dịch vụ công", "Services"),
        ArchitectureLayer::Integration => Text::new("Tích hợp", "Integration"),
        ArchitectureLayer::SharedApplications => {
            Text::new("Ứng dụng dùng chung", "Shared applications")
        }
        ArchitectureLayer::Data => Text::new("Cơ sở dữ liệu", "Data"),
        ArchitectureLayer::Infrastructure => Text::new("Hạ tầng kỹ thuật", "Infrastructure"),
        ArchitectureLayer::Security => Text::new("An toàn thông tin", "Security"),
        ArchitectureLayer::Governance => Text::new("Chỉ đạo, chính sách", "Governance"),
    }
}

/// The architecture map as of `as_of`: layers, components (with the mean progress of the tasks
/// that deliver them) and relations. Retired components are left out.
pub async fn architecture_map(
    db: &DatabaseConnection,
    as_of: NaiveDate,
    colouring: model::MapColouring,
) -> Result<model::ArchitectureMap> {
    let coverage = architecture::coverage(db, as_of).await?;
    let mut layers = Vec::new();
    let mut components = Vec::new();
    let mut ids = HashMap::new();
    for (layer, covered) in &coverage.layers {
        layers.push(model::MapLayer {
            code: layer.as_str().into(),
            name: layer_name(*layer),
        });
        for c in covered
            .iter()
            .filter(|c| c.component.lifecycle != Lifecycle::Retired)
        {
            ids.insert(c.component.id, c.component.code.clone());
            let progress = (!c.tasks.is_empty()).then(|| {
                let sum: i32 = c.tasks.iter().map(|t| t.progress).sum();
                f64::from(sum) / c.tasks.len() as f64
            });
            components.push(model::MapComponent {
                code: c.component.code.clone(),
                name: Text::new(&c.component.name_vi, &c.component.name_en),
                layer: layer.as_str().into(),
                lifecycle: lifecycle(c.component.lifecycle),
                progress,
            });
        }
    }
    let component_ids: Vec<i32> = ids.keys().copied().collect();
    let mut relations = architecture::relations_from(db, &component_ids).await?;
    relations.sort_by_key(|r| r.id);
    let relations = relations
        .into_iter()
        .filter_map(|r| {
            Some(model::MapRelation {
                from: ids.get(&r.from_id)?.clone(),
                to: ids.get(&r.to_id)?.clone(),
                kind: r.kind.as_str().into(),
            })
        })
        .collect();
    Ok(model::ArchitectureMap {
        as_of,
        layers,
        components,
        relations,
        colouring,
    })
}

/// Everything the consolidated report holds, as of `as_of`.
pub async fn summary(db: &DatabaseConnection, as_of: NaiveDate) -> Result<model::Summary> {
    let plan = plan::current(db).await?;
    let loaded = asof::load_primary(db, as_of).await?;
    let tasks = task_rows(db, &loaded, as_of).await?;
    let mut figures = model::Figures {
        tasks_total: tasks.len() as u32,
        ..Default::default()
    };
    for t in &tasks {
        match t.status {
            model::Status::Completed => figures.completed += 1,
            model::Status::InProgress => figures.in_progress += 1,
            model::Status::NotStarted => figures.not_started += 1,
            model::Status::Blocked => figures.blocked += 1,
        }
        figures.overdue += u32::from(t.overdue);
    }
    if !tasks.is_empty() {
        let sum: i32 = tasks.iter().map(|t| t.progress).sum();
        figures.percent_complete = (f64::from(sum) / tasks.len() as f64 * 10.0).round() / 10.0;
    }
    let issuer = match plan.issuer_agency_id {
        Some(id) => agencies::by_ids(db, &[id]).await?.into_iter().next(),
        None => None,
    };
    let reporter = agencies::by_code(db, REPORTING_AGENCY).await?;
    Ok(model::Summary {
        plan_code: plan.code.clone(),
        plan_title: Text::new(&plan.title_vi, &plan.title_en),
        issuer: issuer.map_or_else(
            || {
                Text::new(
                    "UBND tỉnh Hải Dương",
                    "Hải Dương Provincial People's Committee",
                )
            },
            |a| Text::new(&a.name_vi, &a.name_en),
        ),
        issued_on: plan.issued_on,
        reporter: reporter.map_or_else(
            || {
                Text::new(
                    "Sở Thông tin và Truyền thông",
                    "Department of Information and Communications",
                )
            },
            |a| Text::new(&a.name_vi, &a.name_en),
        ),
        as_of,
        figures,
        ranking: ranking(db, as_of, None).await?,
        tasks,
        kpis: kpis(db, as_of).await?,
        status: status_breakdown(db, as_of, StatusGrouping::MainTask).await?,
    })
}

/// Code of the agency that owes the periodic report (plan IV.2.a): the Department of
/// Information and Communications.
pub const REPORTING_AGENCY: &str = "STTTT";

/// The progress chart's data from a summary, without reading the database again.
pub fn timeline_of_summary(summary: &model::Summary) -> model::Timeline {
    timeline_of(summary.tasks.clone(), summary.as_of)
}

#[cfg(test)]
mod tests {
    use super::sentence_case;

    #[test]
    fn kpi_names_cut_from_sentences_read_as_titles() {
        assert_eq!(sentence_case(" dịch vụ công"), "Dịch vụ công");
        assert_eq!(sentence_case("ước tính"), "Ước tính");
        assert_eq!(sentence_case(""), "");
    }
}
