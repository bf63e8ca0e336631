//! Query root: the read-only surface of the plan.

use super::context::{reader, viewer};
use async_graphql::{Context, Object, Result, ResultExt};

use super::types::{
    Agency, AgencyGroup, AgencyLevel, ArchitectureComponent, ArchitectureCoverage,
    ArchitectureLayer, Clause, ClauseKind, ComponentKind, Explanation, Kpi, Lifecycle,
    Notification, NotificationConnection, Plan, PlanProgress, PlanStanding, RankingEntry,
    ReportSnapshot, ReportingCalendar, ReportingRound, Scope, ScoringMethod, Task, TaskConnection,
    TaskFilter, User,
};
use super::Date;
use crate::services::{
    access, agencies, architecture, clauses, clock, explanations, figures::Figures, kpis, plan,
    reminders, rounds, snapshots, tasks, users,
};

/// The id of the plan a field names by code, or of the province's plan.
async fn plan_id(db: &sea_orm::DatabaseConnection, plan: Option<String>) -> Result<i32> {
    Ok(plan::resolve(db, plan.as_deref()).await.extend()?.id)
}

/// Everything a reader can ask about the plan.
pub struct QueryRoot;

async fn clauses_of(ctx: &Context<'_>, kind: ClauseKind) -> Result<Vec<Clause>> {
    Ok(clauses::list(reader(ctx)?, Some(kind.into()), true)
        .await
        .extend()?
        .into_iter()
        .map(Clause::from)
        .collect())
}

#[Object]
impl QueryRoot {
    /// The reporting round of a period (`2017-Q4`, `2017-H1`, `2017`, or `2017-03` when monthly
    /// reports are in force): every lead assignment of a task active in the period, with the
    /// report that meets its duty and whether it came ON_TIME, LATE, RETURNED or is MISSING,
    /// and totals per agency. Past and current periods only; a period not yet open is
    /// BAD_INPUT.
    async fn reporting_round(
        &self,
        ctx: &Context<'_>,
        period: String,
        plan: Option<String>,
    ) -> Result<ReportingRound> {
        let db = reader(ctx)?;
        let calendar = ctx.data::<std::sync::Arc<seeds::calendar::Calendar>>()?;
        let period = rounds::parse_period(calendar, &period).extend()?;
        Ok(rounds::round(db, calendar, plan.as_deref(), period)
            .await
            .extend()?
            .into())
    }

    /// Requests for explanation the viewer may see, newest first (at most 500): every one for
    /// leaders and planners, those addressed to the viewer's agency for its officers.
    /// `unanswered` keeps the open ones; `overdue` the open ones past their date, which
    /// planners chase.
    async fn explanations(
        &self,
        ctx: &Context<'_>,
        #[graphql(default)] unanswered: bool,
        #[graphql(default)] overdue: bool,
    ) -> Result<Vec<Explanation>> {
        let listing = explanations::Listing {
            unanswered,
            overdue,
            task_id: None,
        };
        Ok(explanations::list(reader(ctx)?, viewer(ctx), listing)
            .await
            .extend()?
            .into_iter()
            .map(Explanation::from)
            .collect())
    }

    /// The signed-in account's notifications, newest first: `first` 1-100 (default 20), `after`
    /// the `endCursor` of the previous page. UNAUTHENTICATED for anonymous callers.
    async fn notifications(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: i32,
        after: Option<async_graphql::ID>,
    ) -> Result<NotificationConnection> {
        use async_graphql::ErrorExtensions;
        let db = reader(ctx)?;
        let viewer = access::signed_in(viewer(ctx)).extend()?;
        if !(1..=100).contains(&first) {
            return Err(crate::Error::bad_input("`first` must be 1-100").extend());
        }
        let after = match after {
            Some(id) => Some(id.parse::<i32>().map_err(|_| {
                crate::Error::bad_input("`after` must be a Notification id").extend()
            })?),
            None => None,
        };
        let page = reminders::notifications_of(db, viewer.user_id, first as u64 + 1, after)
            .await
            .extend()?;
        let more = page.len() > first as usize;
        let nodes: Vec<Notification> = page
            .into_iter()
            .take(first as usize)
            .map(Notification::from)
            .collect();
        let unread = reminders::unread_count(db, viewer.user_id).await.extend()?;
        Ok(NotificationConnection {
            end_cursor: more
                .then(|| {
                    nodes
                        .last()
                        .map(|n| async_graphql::ID(n.notification_id.to_string()))
                })
                .flatten(),
            nodes,
            unread_count: i32::try_from(unread).unwrap_or(i32::MAX),
        })
    }

    /// The reporting calendar in force: cut-off day, period kinds and deadlines, and the
    /// recent periods.
    async fn reporting_calendar(&self, ctx: &Context<'_>) -> Result<ReportingCalendar> {
        reader(ctx)?;
        let calendar = ctx.data::<std::sync::Arc<seeds::calendar::Calendar>>()?;
        Ok(ReportingCalendar::new(calendar, clock::today()))
    }

    /// A plan document by its code; without one, the province's plan, 681/KH-UBND of
    /// 1 April 2016. An unknown code is NOT_FOUND.
    async fn plan(&self, ctx: &Context<'_>, code: Option<String>) -> Result<Plan> {
        Ok(plan::resolve(reader(ctx)?, code.as_deref())
            .await
            .extend()?
            .into())
    }

    /// Every plan held: the province's own first, then any others (such as the synthetic
    /// national data set, codes `SYN-01`...).
    async fn plans(&self, ctx: &Context<'_>) -> Result<Vec<Plan>> {
        Ok(plan::list(reader(ctx)?)
            .await
            .extend()?
            .into_iter()
            .map(Plan::from)
            .collect())
    }

    /// Agencies, optionally of one level, in catalog order.
    async fn agencies(&self, ctx: &Context<'_>, level: Option<AgencyLevel>) -> Result<Vec<Agency>> {
        Ok(agencies::list(reader(ctx)?, level.map(Into::into))
            .await
            .extend()?
            .into_iter()
            .map(Agency::from)
            .collect())
    }

    /// The agency with this code (e.g. `STTTT`).
    async fn agency(&self, ctx: &Context<'_>, code: String) -> Result<Option<Agency>> {
        Ok(agencies::by_code(reader(ctx)?, code.trim())
            .await
            .extend()?
            .map(Agency::from))
    }

    /// Groups the plan names collectively ("các sở, ban, ngành tỉnh", ...).
    async fn agency_groups(&self, ctx: &Context<'_>) -> Result<Vec<AgencyGroup>> {
        Ok(agencies::groups(reader(ctx)?)
            .await
            .extend()?
            .into_iter()
            .map(AgencyGroup::from)
            .collect())
    }

    /// The group with this code (e.g. `SO_NGANH`).
    async fn agency_group(&self, ctx: &Context<'_>, code: String) -> Result<Option<AgencyGroup>> {
        Ok(agencies::group_by_code(reader(ctx)?, code.trim())
            .await
            .extend()?
            .map(AgencyGroup::from))
    }

    /// Appendix tasks matching `filter`, in appendix order, a page at a time.
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 100) as usize * child_complexity + 1")]
    async fn tasks(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size: default 20, at most 100.")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last task of the previous page.")] after: Option<String>,
        filter: Option<TaskFilter>,
        #[graphql(desc = "Plan code; default the province's plan, 681/KH-UBND.")] plan: Option<
            String,
        >,
    ) -> Result<TaskConnection> {
        let db = reader(ctx)?;
        let mut filter: tasks::TaskFilter = filter.map(Into::into).unwrap_or_default();
        filter.plan_id = Some(plan_id(db, plan).await?);
        Ok(tasks::list(db, &filter, first, after.as_deref())
            .await
            .extend()?
            .into())
    }

    /// The task with this appendix number (1-27).
    async fn task(
        &self,
        ctx: &Context<'_>,
        number: i32,
        #[graphql(desc = "Plan code; default the province's plan, 681/KH-UBND.")] plan: Option<
            String,
        >,
    ) -> Result<Option<Task>> {
        let db = reader(ctx)?;
        let plan_id = plan_id(db, plan).await?;
        Ok(tasks::by_number(db, plan_id, number)
            .await
            .extend()?
            .map(Task::from))
    }

    /// Frozen periodic reports, newest period first, with their figures and files. Who froze
    /// each is shown to signed-in readers only, like who reported what.
    async fn report_snapshots(&self, ctx: &Context<'_>) -> Result<Vec<ReportSnapshot>> {
        let signed_in = viewer(ctx).is_some();
        Ok(snapshots::list(reader(ctx)?)
            .await
            .extend()?
            .into_iter()
            .map(|mut snapshot| {
                if !signed_in {
                    snapshot.frozen_by = None;
                }
                ReportSnapshot::from(snapshot)
            })
            .collect())
    }

    /// The plan's KPIs.
    async fn kpis(&self, ctx: &Context<'_>) -> Result<Vec<Kpi>> {
        Ok(kpis::list(reader(ctx)?)
            .await
            .extend()?
            .into_iter()
            .map(Kpi::from)
            .collect())
    }

    /// The KPI with this code (e.g. `ICT_RANK`).
    async fn kpi(&self, ctx: &Context<'_>, code: String) -> Result<Option<Kpi>> {
        Ok(kpis::by_code(reader(ctx)?, code.trim())
            .await
            .extend()?
            .map(Kpi::from))
    }

    /// Components of the e-government architecture in catalog order; every given filter must
    /// hold (`search` matches code and names with or without diacritics).
    #[allow(clippy::too_many_arguments)]
    async fn architecture_components(
        &self,
        ctx: &Context<'_>,
        layer: Option<ArchitectureLayer>,
        kind: Option<ComponentKind>,
        lifecycle: Option<Lifecycle>,
        #[graphql(desc = "Agency or group code of the owner.")] owner_code: Option<String>,
        scope: Option<Scope>,
        search: Option<String>,
    ) -> Result<Vec<ArchitectureComponent>> {
        let filter = architecture::ComponentFilter {
            layer: layer.map(Into::into),
            kind: kind.map(Into::into),
            lifecycle: lifecycle.map(Into::into),
            owner_code,
            scope: scope.map(Into::into),
            search,
        };
        Ok(architecture::list(reader(ctx)?, &filter)
            .await
            .extend()?
            .into_iter()
            .map(ArchitectureComponent::from)
            .collect())
    }

    /// Per layer, the components with the tasks that deliver them and those tasks' progress as
    /// of a date (default today); components no task delivers; tasks that deliver no component;
    /// KPIs no task moves.
    async fn architecture_coverage(
        &self,
        ctx: &Context<'_>,
        as_of: Option<Date>,
    ) -> Result<ArchitectureCoverage> {
        let as_of = as_of.map_or_else(clock::today, |d| d.0);
        let coverage = architecture::coverage(reader(ctx)?, as_of).await.extend()?;
        Ok(ArchitectureCoverage::new(as_of, coverage))
    }

    /// The component with this code (e.g. `LGSP`), with its relations both ways and history.
    async fn component(
        &self,
        ctx: &Context<'_>,
        code: String,
    ) -> Result<Option<ArchitectureComponent>> {
        Ok(architecture::by_code(reader(ctx)?, code.trim())
            .await
            .extend()?
            .map(ArchitectureComponent::from))
    }

    /// The component with this code (e.g. `LGSP`).
    async fn architecture_component(
        &self,
        ctx: &Context<'_>,
        code: String,
    ) -> Result<Option<ArchitectureComponent>> {
        Ok(architecture::by_code(reader(ctx)?, code.trim())
            .await
            .extend()?
            .map(ArchitectureComponent::from))
    }

    /// Section I: the general objective (I.1) and the specific objectives (I.2, items a-c).
    async fn objectives(&self, ctx: &Context<'_>) -> Result<Vec<Clause>> {
        clauses_of(ctx, ClauseKind::Objective).await
    }

    /// Section II: the six main tasks with their lettered items.
    async fn main_tasks(&self, ctx: &Context<'_>) -> Result<Vec<Clause>> {
        clauses_of(ctx, ClauseKind::MainTask).await
    }

    /// Section III: the solutions.
    async fn solutions(&self, ctx: &Context<'_>) -> Result<Vec<Clause>> {
        clauses_of(ctx, ClauseKind::Solution).await
    }

    /// Section IV: each agency's duties.
    async fn duties(&self, ctx: &Context<'_>) -> Result<Vec<Clause>> {
        clauses_of(ctx, ClauseKind::Duty).await
    }

    /// The plan's progress on a date (default today): tasks by status, overdue, mean progress,
    /// by main task and by agency level.
    async fn plan_progress(
        &self,
        ctx: &Context<'_>,
        as_of: Option<Date>,
        #[graphql(desc = "Plan code; default the province's plan, 681/KH-UBND.")] plan: Option<
            String,
        >,
    ) -> Result<PlanProgress> {
        let as_of = as_of.map_or_else(clock::today, |d| d.0);
        let db = reader(ctx)?;
        let plan_id = plan_id(db, plan).await?;
        let progress = ctx
            .data::<Figures>()?
            .plan_progress(db, plan_id, as_of)
            .await
            .extend()?;
        Ok(PlanProgress::new(as_of, progress.as_ref().clone()))
    }

    /// Agencies holding a lead assignment, scored and ranked by the published method as of a
    /// date (default today); `level` ranks departments or district committees separately.
    async fn ranking(
        &self,
        ctx: &Context<'_>,
        as_of: Option<Date>,
        level: Option<AgencyLevel>,
        #[graphql(desc = "Plan code; default the province's plan, 681/KH-UBND.")] plan: Option<
            String,
        >,
    ) -> Result<Vec<RankingEntry>> {
        let as_of = as_of.map_or_else(clock::today, |d| d.0);
        let db = reader(ctx)?;
        let plan_id = plan_id(db, plan).await?;
        let ranking = ctx
            .data::<Figures>()?
            .ranking(db, plan_id, as_of, level.map(Into::into))
            .await
            .extend()?;
        let version = &ranking.method.version;
        Ok(ranking
            .entries
            .iter()
            .map(|(agency, scored)| RankingEntry::new(agency.clone(), scored.clone(), version))
            .collect())
    }

    /// Every plan (one per province) scored and ranked by the published method as of a date
    /// (default today), each plan taken as one unit holding all its lead assignments; with each
    /// plan's task tally. Best first.
    async fn plan_standings(
        &self,
        ctx: &Context<'_>,
        as_of: Option<Date>,
    ) -> Result<Vec<PlanStanding>> {
        let as_of = as_of.map_or_else(clock::today, |d| d.0);
        let standings = ctx
            .data::<Figures>()?
            .standings(reader(ctx)?, as_of)
            .await
            .extend()?;
        let version = &standings.method.version;
        Ok(standings
            .entries
            .iter()
            .map(|(plan, scored, tally)| {
                PlanStanding::new(plan.clone(), scored.clone(), tally, version)
            })
            .collect())
    }

    /// The published scoring method used by `ranking`.
    async fn scoring_method(&self, ctx: &Context<'_>) -> Result<ScoringMethod> {
        reader(ctx)?;
        Ok(seeds::ScoringMethod::parse()
            .map_err(|err| crate::Error::Internal(err.into()))
            .extend()?
            .into())
    }

    /// The signed-in account (null when anonymous).
    async fn me(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        let Some(viewer) = viewer(ctx) else {
            return Ok(None);
        };
        Ok(users::by_username(reader(ctx)?, &viewer.username)
            .await
            .extend()?
            .map(User::from))
    }

    /// All accounts (planners only).
    async fn users(&self, ctx: &Context<'_>) -> Result<Vec<User>> {
        access::planner(viewer(ctx)).extend()?;
        Ok(users::list(reader(ctx)?)
            .await
            .extend()?
            .into_iter()
            .map(User::from)
            .collect())
    }

    /// Any clause by its code (e.g. `II.3.c`, `IV.2.đ`).
    async fn clause(&self, ctx: &Context<'_>, code: String) -> Result<Option<Clause>> {
        Ok(clauses::by_code(reader(ctx)?, &code)
            .await
            .extend()?
            .map(Clause::from))
    }
}
