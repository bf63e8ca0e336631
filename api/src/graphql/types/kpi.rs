//! KPIs with their baseline, stepped targets and measurements.

use async_graphql::{ComplexObject, Context, Result, SimpleObject};
use entities::{kpi, kpi_measurement, kpi_target};

use super::{ArchitectureComponent, Clause, KpiDirection, KpiStatus, Task};
use crate::graphql::loaders::{
    self, ClauseById, ComponentById, ComponentLinksOfTask, MeasurementsOfKpi, TargetsOfKpi,
    TaskById, TaskLinksOfKpi,
};
use crate::graphql::Date;
use crate::services::kpis::Trajectory;

/// A measurable indicator the plan sets.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Kpi {
    #[graphql(skip)]
    pub id: i32,
    #[graphql(skip)]
    pub clause_id: Option<i32>,
    #[graphql(skip)]
    pub objective_clause_id: Option<i32>,
    #[graphql(skip)]
    pub lower_is_better: bool,
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    /// `%` or `rank`.
    pub unit: String,
    pub direction: KpiDirection,
    /// Starting value, where a source gives one.
    pub baseline: Option<YearValue>,
    /// What the indicator measures (Vietnamese).
    pub definition: String,
    pub definition_vi: String,
    pub definition_en: String,
    /// The plan's words that set the target.
    pub quote_vi: String,
    /// Remarks on how targets were read from the plan.
    pub target_note: Option<String>,
}

/// A value for a year.
#[derive(SimpleObject, Clone, Copy)]
pub struct YearValue {
    pub year: i32,
    pub value: f64,
}

/// A measured value with its source.
#[derive(SimpleObject, Clone)]
pub struct Measurement {
    pub year: i32,
    pub value: f64,
    pub source: String,
    pub note: Option<String>,
}

impl From<kpi::Model> for Kpi {
    fn from(m: kpi::Model) -> Self {
        let baseline = match (m.baseline_year, m.baseline_value) {
            (Some(year), Some(value)) => Some(YearValue { year, value }),
            _ => None,
        };
        Self {
            id: m.id,
            clause_id: m.clause_id,
            objective_clause_id: m.objective_clause_id,
            lower_is_better: m.direction == entities::KpiDirection::LowerIsBetter,
            code: m.code,
            name_vi: m.name_vi,
            name_en: m.name_en,
            unit: m.unit,
            direction: m.direction.into(),
            baseline,
            definition: m.definition_vi.clone(),
            definition_vi: m.definition_vi,
            definition_en: m.definition_en,
            quote_vi: m.quote_vi,
            target_note: m.target_note,
        }
    }
}

impl From<kpi_target::Model> for YearValue {
    fn from(m: kpi_target::Model) -> Self {
        Self {
            year: m.year,
            value: m.value,
        }
    }
}

impl From<kpi_measurement::Model> for Measurement {
    fn from(m: kpi_measurement::Model) -> Self {
        Self {
            year: m.year,
            value: m.value,
            source: m.source,
            note: m.note,
        }
    }
}

impl Kpi {
    async fn trajectory(&self, ctx: &Context<'_>) -> Result<Trajectory> {
        let (targets, measurements) = tokio::join!(
            loaders::rows(ctx, TargetsOfKpi(self.id)),
            loaders::rows(ctx, MeasurementsOfKpi(self.id))
        );
        let mut targets: Vec<(i32, f64)> =
            targets?.into_iter().map(|t| (t.year, t.value)).collect();
        let mut measurements: Vec<(i32, f64)> = measurements?
            .into_iter()
            .map(|m| (m.year, m.value))
            .collect();
        targets.sort_by_key(|t| t.0);
        measurements.sort_by_key(|m| m.0);
        Ok(Trajectory {
            lower_is_better: self.lower_is_better,
            baseline: self.baseline.map(|b| (b.year, b.value)),
            targets,
            measurements,
        })
    }
}

#[ComplexObject]
impl Kpi {
    /// Code of the plan clause the KPI comes from, e.g. `I.2.a`.
    async fn clause(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        Ok(self.clause_detail(ctx).await?.map(|c| c.code))
    }

    /// The plan clause the KPI comes from.
    async fn clause_detail(&self, ctx: &Context<'_>) -> Result<Option<Clause>> {
        let Some(id) = self.clause_id else {
            return Ok(None);
        };
        Ok(loaders::one(ctx, ClauseById(id)).await?.map(Clause::from))
    }

    /// The objective (I.2.a-c) the KPI measures.
    async fn objective(&self, ctx: &Context<'_>) -> Result<Option<Clause>> {
        let Some(id) = self.objective_clause_id else {
            return Ok(None);
        };
        Ok(loaders::one(ctx, ClauseById(id)).await?.map(Clause::from))
    }

    /// Stepped targets: the value to reach by the end of each year, by year.
    async fn targets(&self, ctx: &Context<'_>) -> Result<Vec<YearValue>> {
        let mut rows = loaders::rows(ctx, TargetsOfKpi(self.id)).await?;
        rows.sort_by_key(|r| r.year);
        Ok(rows.into_iter().map(YearValue::from).collect())
    }

    /// Percent of the year's target reached, respecting direction: for a rank, the share of the
    /// way from the baseline to the target (rank 31 → 20 against a target of 20 is 100).
    /// Null without a measurement for the year or a target.
    async fn attainment(&self, ctx: &Context<'_>, year: i32) -> Result<Option<f64>> {
        Ok(self.trajectory(ctx).await?.attainment(year))
    }

    /// Whether the year's measurement is on the planned trajectory (the line from the baseline
    /// or previous target to the next target).
    async fn status(&self, ctx: &Context<'_>, year: i32) -> Result<KpiStatus> {
        Ok(self.trajectory(ctx).await?.status(year).into())
    }

    /// The latest measured value for a year on or before the date's year (default today): what
    /// the KPI stood at as of that date.
    async fn value_as_of(
        &self,
        ctx: &Context<'_>,
        date: Option<Date>,
    ) -> Result<Option<Measurement>> {
        let year =
            chrono::Datelike::year(&date.map_or_else(crate::services::clock::today, |d| d.0));
        let mut rows = loaders::rows(ctx, MeasurementsOfKpi(self.id)).await?;
        rows.retain(|m| m.year <= year);
        Ok(rows
            .into_iter()
            .max_by_key(|m| m.year)
            .map(Measurement::from))
    }

    /// Measured values with their sources, by year.
    async fn measurements(&self, ctx: &Context<'_>) -> Result<Vec<Measurement>> {
        let mut rows = loaders::rows(ctx, MeasurementsOfKpi(self.id)).await?;
        rows.sort_by_key(|r| r.year);
        Ok(rows.into_iter().map(Measurement::from).collect())
    }

    /// Appendix tasks that move this KPI, in appendix order.
    async fn tasks(&self, ctx: &Context<'_>) -> Result<Vec<Task>> {
        let ids = loaders::rows(ctx, TaskLinksOfKpi(self.id))
            .await?
            .into_iter()
            .map(|l| TaskById(l.task_id))
            .collect();
        let mut tasks = loaders::many(ctx, ids).await?;
        tasks.sort_by_key(|t| t.number);
        Ok(tasks.into_iter().map(Task::from).collect())
    }

    /// Architecture components built by the tasks that move this KPI.
    async fn components(&self, ctx: &Context<'_>) -> Result<Vec<ArchitectureComponent>> {
        let keys = loaders::rows(ctx, TaskLinksOfKpi(self.id))
            .await?
            .into_iter()
            .map(|link| ComponentLinksOfTask(link.task_id))
            .collect();
        let mut ids = Vec::new();
        for link in loaders::many(ctx, keys).await?.into_iter().flatten() {
            if !ids.contains(&link.component_id) {
                ids.push(link.component_id);
            }
        }
        let mut components =
            loaders::many(ctx, ids.into_iter().map(ComponentById).collect()).await?;
        components.sort_by_key(|c| c.position);
        Ok(components
            .into_iter()
            .map(ArchitectureComponent::from)
            .collect())
    }
}
