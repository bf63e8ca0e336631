//! Appendix tasks, their assignments and the paginated task connection.

use async_graphql::{ComplexObject, Context, ErrorExtensions, InputObject, Result, SimpleObject};
use entities::{assignment, task};

use super::{
    Agency, AgencyGroup, ArchitectureComponent, AssignmentRole, Clause, HistoryEntry, Kpi, Party,
    Recurrence, ReportingPeriod, TaskComment, TaskStatus,
};
use crate::graphql::loaders::{
    self, AgencyById, AssignmentsOfTask, ClauseById, ClauseLinksOfTask, CommentsOfTask,
    ComponentById, ComponentLinksOfTask, CountedHistoryOfTask, GroupById, HistoryOfTask, KpiById,
    KpiLinksOfTask, LatestReportOfTask, PartiesOfTask,
};
use crate::graphql::Date;
use crate::services::{asof, clock, tasks as task_rules};

/// One of the 27 tasks in the plan's appendix.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Task {
    #[graphql(skip)]
    pub id: i32,
    /// The row the view was made from, for as-of computations.
    #[graphql(skip)]
    pub source: task::Model,
    /// Number in the appendix (1-27).
    pub number: i32,
    pub title_vi: String,
    pub title_en: String,
    /// The lead column as the appendix writes it.
    pub lead_text_vi: String,
    /// The cooperating column as the appendix writes it.
    pub cooperating_text_vi: String,
    pub timeline: Timeline,
    /// 31 December of the end year of a span; none for annual and ongoing tasks.
    pub due_date: Option<Date>,
    /// Roll-up of the lead assignments (see docs/data-model.md).
    pub status: TaskStatus,
    /// Roll-up of the lead assignments' progress, 0-100.
    pub progress: i32,
    /// Increases with every change; send it back as `expectedVersion` to avoid lost updates.
    pub version: i32,
}

/// When a task runs.
#[derive(SimpleObject, Clone)]
pub struct Timeline {
    pub start_year: i32,
    /// Last year of a span; none for annual and ongoing tasks.
    pub end_year: Option<i32>,
    pub recurrence: Recurrence,
    /// The appendix's own words ("2016-2017", "Hàng năm", ...).
    pub label_vi: String,
    pub label_en: String,
}

impl From<task::Model> for Task {
    fn from(m: task::Model) -> Self {
        let label_en = crate::services::tasks::timeline_label_en(&m);
        Self {
            id: m.id,
            source: m.clone(),
            number: m.number,
            title_vi: m.title_vi,
            title_en: m.title_en,
            lead_text_vi: m.lead_text_vi,
            cooperating_text_vi: m.cooperating_text_vi,
            timeline: Timeline {
                start_year: m.start_year,
                end_year: m.end_year,
                recurrence: m.recurrence.into(),
                label_vi: m.timeline_vi,
                label_en,
            },
            due_date: m.due_date.map(Date),
            status: m.status.into(),
            progress: m.progress,
            version: m.version,
        }
    }
}

impl Task {
    /// This task as of a date (default today), from its assignments and history.
    async fn at(&self, ctx: &Context<'_>, date: Option<Date>) -> Result<asof::TaskAt> {
        let as_of = date.map_or_else(clock::today, |d| d.0);
        let (assignments, history) = tokio::join!(
            loaders::rows(ctx, AssignmentsOfTask(self.id)),
            loaders::rows(ctx, CountedHistoryOfTask(self.id))
        );
        Ok(asof::task_at(
            self.source.clone(),
            assignments?,
            &history?,
            as_of,
        ))
    }

    async fn assignment_rows(
        &self,
        ctx: &Context<'_>,
        role: Option<entities::AssignmentRole>,
    ) -> Result<Vec<assignment::Model>> {
        Ok(loaders::rows(ctx, AssignmentsOfTask(self.id))
            .await?
            .into_iter()
            .filter(|a| role.is_none_or(|r| a.role == r))
            .collect())
    }

    async fn agencies(
        &self,
        ctx: &Context<'_>,
        role: entities::AssignmentRole,
    ) -> Result<Vec<Agency>> {
        let ids = self
            .assignment_rows(ctx, Some(role))
            .await?
            .into_iter()
            .map(|a| AgencyById(a.agency_id))
            .collect();
        Ok(loaders::many(ctx, ids)
            .await?
            .into_iter()
            .map(Agency::from)
            .collect())
    }

    async fn parties(
        &self,
        ctx: &Context<'_>,
        role: entities::AssignmentRole,
    ) -> Result<Vec<Party>> {
        let mut rows: Vec<_> = loaders::rows(ctx, PartiesOfTask(self.id))
            .await?
            .into_iter()
            .filter(|p| p.role == role)
            .collect();
        rows.sort_by_key(|p| p.position);
        Party::load_all(
            ctx,
            rows.into_iter()
                .map(|r| (r.agency_id, r.group_id))
                .collect(),
        )
        .await
    }
}

#[ComplexObject]
impl Task {
    /// Every agency holding a lead assignment, groups expanded (task 26: every department and
    /// district).
    async fn lead_agencies(&self, ctx: &Context<'_>) -> Result<Vec<Agency>> {
        self.agencies(ctx, entities::AssignmentRole::Lead).await
    }

    /// Every agency holding a cooperating assignment, groups expanded.
    async fn cooperating_agencies(&self, ctx: &Context<'_>) -> Result<Vec<Agency>> {
        self.agencies(ctx, entities::AssignmentRole::Cooperating)
            .await
    }

    /// The lead column as written: agencies and groups, including open groups that name no one.
    async fn lead_parties(&self, ctx: &Context<'_>) -> Result<Vec<Party>> {
        self.parties(ctx, entities::AssignmentRole::Lead).await
    }

    /// The cooperating column as written, including open groups such as "các cơ quan liên quan".
    async fn cooperating_parties(&self, ctx: &Context<'_>) -> Result<Vec<Party>> {
        self.parties(ctx, entities::AssignmentRole::Cooperating)
            .await
    }

    /// Each agency's own assignment on this task, with what it reported.
    async fn assignments(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only assignments with this role.")] role: Option<AssignmentRole>,
    ) -> Result<Vec<Assignment>> {
        Ok(self
            .assignment_rows(ctx, role.map(Into::into))
            .await?
            .into_iter()
            .map(Assignment::from)
            .collect())
    }

    /// Whether the task has a due date before `asOf` (default: today in Vietnam) and was not
    /// completed as of that date.
    async fn is_overdue(&self, ctx: &Context<'_>, as_of: Option<Date>) -> Result<bool> {
        Ok(self.at(ctx, as_of).await?.overdue)
    }

    /// Status on a date (default today), from the reports effective by then.
    async fn status_as_of(&self, ctx: &Context<'_>, date: Option<Date>) -> Result<TaskStatus> {
        Ok(self.at(ctx, date).await?.status.into())
    }

    /// Progress on a date (default today), from the reports effective by then.
    async fn progress_as_of(&self, ctx: &Context<'_>, date: Option<Date>) -> Result<i32> {
        Ok(self.at(ctx, date).await?.progress)
    }

    /// Reporting periods as of a date (default today): one for a span, one per calendar year for
    /// annual and ongoing tasks.
    async fn periods(
        &self,
        ctx: &Context<'_>,
        as_of: Option<Date>,
    ) -> Result<Vec<ReportingPeriod>> {
        let as_of = as_of.map_or_else(clock::today, |d| d.0);
        Ok(self
            .at(ctx, Some(Date(as_of)))
            .await?
            .periods(as_of)
            .into_iter()
            .map(ReportingPeriod::from)
            .collect())
    }

    /// Plan clauses (main tasks, solutions, duties) this task carries out.
    async fn clauses(&self, ctx: &Context<'_>) -> Result<Vec<Clause>> {
        let ids = loaders::rows(ctx, ClauseLinksOfTask(self.id))
            .await?
            .into_iter()
            .map(|l| ClauseById(l.clause_id))
            .collect();
        let mut clauses = loaders::many(ctx, ids).await?;
        clauses.sort_by_key(|c| c.position);
        Ok(clauses.into_iter().map(Clause::from).collect())
    }

    /// KPIs this task moves.
    async fn kpis(&self, ctx: &Context<'_>) -> Result<Vec<Kpi>> {
        let ids = loaders::rows(ctx, KpiLinksOfTask(self.id))
            .await?
            .into_iter()
            .map(|l| KpiById(l.kpi_id))
            .collect();
        let mut kpis = loaders::many(ctx, ids).await?;
        kpis.sort_by_key(|k| k.position);
        Ok(kpis.into_iter().map(Kpi::from).collect())
    }

    /// Requests for explanation on this task, newest first: every one for leaders and planners,
    /// those addressed to the viewer's agency for its officers, none for anonymous readers.
    async fn explanations(&self, ctx: &Context<'_>) -> Result<Vec<super::Explanation>> {
        use crate::services::explanations::{self, Listing};
        use async_graphql::ResultExt;
        let db = ctx.data::<sea_orm::DatabaseConnection>()?;
        let listing = Listing {
            task_id: Some(self.id),
            ..Listing::default()
        };
        Ok(
            explanations::list(db, crate::graphql::context::viewer(ctx), listing)
                .await
                .extend()?
                .into_iter()
                .map(super::Explanation::from)
                .collect(),
        )
    }

    /// Every status report, oldest first, returned ones included (`counted: false`).
    /// `changedBy` is shown to signed-in readers only.
    async fn history(&self, ctx: &Context<'_>) -> Result<Vec<HistoryEntry>> {
        Ok(loaders::rows(ctx, HistoryOfTask(self.id))
            .await?
            .into_iter()
            .map(HistoryEntry::from)
            .collect())
    }

    /// The latest report: the one effective last (the later recorded of two effective the same
    /// day), as in `history`; null before any. What a dashboard shows beside the status.
    async fn latest_report(&self, ctx: &Context<'_>) -> Result<Option<HistoryEntry>> {
        Ok(loaders::rows(ctx, LatestReportOfTask(self.id))
            .await?
            .into_iter()
            .next()
            .map(HistoryEntry::from))
    }

    /// Comments and evidence from agencies assigned to the task, oldest first.
    async fn comments(&self, ctx: &Context<'_>) -> Result<Vec<TaskComment>> {
        Ok(loaders::rows(ctx, CommentsOfTask(self.id))
            .await?
            .into_iter()
            .map(TaskComment::from)
            .collect())
    }

    /// Architecture components this task builds or upgrades.
    async fn components(&self, ctx: &Context<'_>) -> Result<Vec<ArchitectureComponent>> {
        let ids = loaders::rows(ctx, ComponentLinksOfTask(self.id))
            .await?
            .into_iter()
            .map(|l| ComponentById(l.component_id))
            .collect();
        let mut components = loaders::many(ctx, ids).await?;
        components.sort_by_key(|c| c.position);
        Ok(components
            .into_iter()
            .map(ArchitectureComponent::from)
            .collect())
    }
}

/// One agency's role on one task and what it reported.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Assignment {
    #[graphql(skip)]
    pub agency_id: i32,
    #[graphql(skip)]
    pub via_group_id: Option<i32>,
    pub role: AssignmentRole,
    pub status: TaskStatus,
    /// 0-100.
    pub progress: i32,
}

impl From<assignment::Model> for Assignment {
    fn from(m: assignment::Model) -> Self {
        Self {
            agency_id: m.agency_id,
            via_group_id: m.via_group_id,
            role: m.role.into(),
            status: m.status.into(),
            progress: m.progress,
        }
    }
}

#[ComplexObject]
impl Assignment {
    /// The agency holding the assignment.
    async fn agency(&self, ctx: &Context<'_>) -> Result<Agency> {
        loaders::one(ctx, AgencyById(self.agency_id))
            .await?
            .map(Agency::from)
            .ok_or_else(|| crate::Error::NotFound(format!("agency #{}", self.agency_id)).extend())
    }

    /// The group this assignment comes from, when the plan names a group.
    async fn via_group(&self, ctx: &Context<'_>) -> Result<Option<AgencyGroup>> {
        let Some(id) = self.via_group_id else {
            return Ok(None);
        };
        Ok(loaders::one(ctx, GroupById(id))
            .await?
            .map(AgencyGroup::from))
    }
}

/// Criteria for listing tasks; all given criteria must hold.
#[derive(InputObject, Default)]
pub struct TaskFilter {
    /// Tasks where this agency holds a lead assignment (or that name this group as lead).
    pub lead_agency_code: Option<String>,
    /// Tasks whose rolled-up status is this.
    pub status: Option<TaskStatus>,
    /// Tasks whose timeline includes this year.
    pub active_in_year: Option<i32>,
    /// Tasks overdue on this date.
    pub overdue_as_of: Option<Date>,
    /// Words to find in the number or title, with or without diacritics ("chu ky so").
    pub search: Option<String>,
}

impl From<TaskFilter> for task_rules::TaskFilter {
    fn from(f: TaskFilter) -> Self {
        Self {
            plan_id: None,
            lead_agency_code: f.lead_agency_code,
            status: f.status.map(Into::into),
            active_in_year: f.active_in_year,
            overdue_as_of: f.overdue_as_of.map(|d| d.0),
            search: f.search,
        }
    }
}

/// A page of tasks.
#[derive(SimpleObject)]
pub struct TaskConnection {
    /// Number of tasks matching the filter, over all pages.
    pub total_count: u64,
    pub nodes: Vec<Task>,
    pub edges: Vec<TaskEdge>,
    pub page_info: PageInfo,
}

/// A task and its cursor.
#[derive(SimpleObject)]
pub struct TaskEdge {
    pub cursor: String,
    pub node: Task,
}

/// Where a page stands.
#[derive(SimpleObject)]
pub struct PageInfo {
    pub has_next_page: bool,
    /// Cursor of the last item on this page; pass it as `after` for the next page.
    pub end_cursor: Option<String>,
}

impl From<task_rules::Page<task::Model>> for TaskConnection {
    fn from(page: task_rules::Page<task::Model>) -> Self {
        let nodes: Vec<Task> = page.items.into_iter().map(Task::from).collect();
        let edges: Vec<TaskEdge> = nodes
            .iter()
            .map(|t| TaskEdge {
                cursor: task_rules::encode_cursor(t.number),
                node: t.clone(),
            })
            .collect();
        Self {
            total_count: page.total,
            page_info: PageInfo {
                has_next_page: page.has_next,
                end_cursor: edges.last().map(|e| e.cursor.clone()),
            },
            nodes,
            edges,
        }
    }
}
