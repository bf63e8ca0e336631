//! Architecture components and the typed relations between them.

use async_graphql::{ComplexObject, Context, Result, SimpleObject};
use entities::{component, component_relation};

use super::{
    Agency, ArchitectureLayer, Clause, ComponentKind, Lifecycle, Party, RelationKind, Scope, Task,
};
use crate::graphql::loaders::{
    self, AgencyById, ClauseById, ClauseLinksOfComponent, ComponentById, HistoryOfComponent,
    RelationsFrom, RelationsTo, TaskById, TaskLinksOfComponent,
};

/// A component of the provincial e-government architecture.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct ArchitectureComponent {
    #[graphql(skip)]
    pub id: i32,
    #[graphql(skip)]
    pub owner_agency_id: Option<i32>,
    #[graphql(skip)]
    pub owner_group_id: Option<i32>,
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub layer: ArchitectureLayer,
    pub kind: ComponentKind,
    pub lifecycle: Lifecycle,
    pub scope: Scope,
    /// A national system outside the province's control.
    pub external: bool,
    pub description_vi: String,
    pub description_en: String,
    #[graphql(skip)]
    pub operator_agency_id: Option<i32>,
    pub go_live_on: Option<crate::graphql::Date>,
    /// Where it runs (e.g. the provincial data integration centre).
    pub hosting: Option<String>,
    /// LOW, MEDIUM, HIGH or CRITICAL.
    pub criticality: Option<String>,
    /// The data it holds.
    pub data_held: Option<String>,
}

impl From<component::Model> for ArchitectureComponent {
    fn from(m: component::Model) -> Self {
        Self {
            id: m.id,
            owner_agency_id: m.owner_agency_id,
            owner_group_id: m.owner_group_id,
            code: m.code,
            name_vi: m.name_vi,
            name_en: m.name_en,
            layer: m.layer.into(),
            kind: m.kind.into(),
            lifecycle: m.lifecycle.into(),
            scope: m.scope.into(),
            external: m.external,
            description_vi: m.description_vi,
            description_en: m.description_en,
            operator_agency_id: m.operator_agency_id,
            go_live_on: m.go_live_on.map(Into::into),
            hosting: m.hosting,
            criticality: m.criticality,
            data_held: m.data_held,
        }
    }
}

/// A typed dependency on another component.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct ComponentRelation {
    #[graphql(skip)]
    pub other_id: i32,
    pub kind: RelationKind,
    pub note: Option<String>,
}

#[ComplexObject]
impl ComponentRelation {
    /// The component at the other end.
    async fn component(&self, ctx: &Context<'_>) -> Result<Option<ArchitectureComponent>> {
        Ok(loaders::one(ctx, ComponentById(self.other_id))
            .await?
            .map(ArchitectureComponent::from))
    }
}

fn relation(row: component_relation::Model, other_id: i32) -> ComponentRelation {
    ComponentRelation {
        other_id,
        kind: row.kind.into(),
        note: row.note,
    }
}

async fn components(ctx: &Context<'_>, ids: Vec<i32>) -> Result<Vec<ArchitectureComponent>> {
    let mut ids = ids;
    ids.dedup();
    Ok(
        loaders::many(ctx, ids.into_iter().map(ComponentById).collect())
            .await?
            .into_iter()
            .map(ArchitectureComponent::from)
            .collect(),
    )
}

#[ComplexObject]
impl ArchitectureComponent {
    /// The owning agency, when one agency owns it.
    async fn owner_agency(&self, ctx: &Context<'_>) -> Result<Option<Agency>> {
        let Some(id) = self.owner_agency_id else {
            return Ok(None);
        };
        Ok(loaders::one(ctx, AgencyById(id)).await?.map(Agency::from))
    }

    /// The agency that runs it day to day, when not the owner.
    async fn operator_agency(&self, ctx: &Context<'_>) -> Result<Option<Agency>> {
        let Some(id) = self.operator_agency_id else {
            return Ok(None);
        };
        Ok(loaders::one(ctx, AgencyById(id)).await?.map(Agency::from))
    }

    /// Every change made to this component in the register, oldest first (who changed it is
    /// shown to signed-in readers only).
    async fn history(&self, ctx: &Context<'_>) -> Result<Vec<ComponentChange>> {
        Ok(loaders::rows(ctx, HistoryOfComponent(self.id))
            .await?
            .into_iter()
            .map(ComponentChange::from)
            .collect())
    }

    /// The owner as the catalog names it: an agency or a group (e.g. every department for
    /// department portals).
    async fn owner(&self, ctx: &Context<'_>) -> Result<Option<Party>> {
        Party::load(ctx, self.owner_agency_id, self.owner_group_id).await
    }

    /// Appendix tasks that build or upgrade this component.
    async fn related_tasks(&self, ctx: &Context<'_>) -> Result<Vec<Task>> {
        let ids = loaders::rows(ctx, TaskLinksOfComponent(self.id))
            .await?
            .into_iter()
            .map(|l| TaskById(l.task_id))
            .collect();
        let mut tasks = loaders::many(ctx, ids).await?;
        tasks.sort_by_key(|t| t.number);
        Ok(tasks.into_iter().map(Task::from).collect())
    }

    /// Components this one depends on (any relation kind).
    async fn depends_on(&self, ctx: &Context<'_>) -> Result<Vec<ArchitectureComponent>> {
        let ids = loaders::rows(ctx, RelationsFrom(self.id))
            .await?
            .into_iter()
            .map(|r| r.to_id)
            .collect();
        components(ctx, ids).await
    }

    /// Components that depend on this one.
    async fn dependents(&self, ctx: &Context<'_>) -> Result<Vec<ArchitectureComponent>> {
        let ids = loaders::rows(ctx, RelationsTo(self.id))
            .await?
            .into_iter()
            .map(|r| r.from_id)
            .collect();
        components(ctx, ids).await
    }

    /// Outgoing relations with their kind: what this component uses, is hosted on, ...
    async fn relations(&self, ctx: &Context<'_>) -> Result<Vec<ComponentRelation>> {
        Ok(loaders::rows(ctx, RelationsFrom(self.id))
            .await?
            .into_iter()
            .map(|r| {
                let other = r.to_id;
                relation(r, other)
            })
            .collect())
    }

    /// Incoming relations with their kind: what uses this component, is hosted on it, ...
    async fn incoming_relations(&self, ctx: &Context<'_>) -> Result<Vec<ComponentRelation>> {
        Ok(loaders::rows(ctx, RelationsTo(self.id))
            .await?
            .into_iter()
            .map(|r| {
                let other = r.from_id;
                relation(r, other)
            })
            .collect())
    }

    /// Plan clauses that name this component.
    async fn clauses(&self, ctx: &Context<'_>) -> Result<Vec<Clause>> {
        let ids = loaders::rows(ctx, ClauseLinksOfComponent(self.id))
            .await?
            .into_iter()
            .map(|l| ClauseById(l.clause_id))
            .collect();
        let mut clauses = loaders::many(ctx, ids).await?;
        clauses.sort_by_key(|c| c.position);
        Ok(clauses.into_iter().map(Clause::from).collect())
    }
}

/// A delivering task's state on the coverage date.
#[derive(SimpleObject, Clone)]
pub struct DeliveringTask {
    pub task: Task,
    pub status: super::TaskStatus,
    pub progress: i32,
}

/// A component and the tasks that deliver it.
#[derive(SimpleObject, Clone)]
pub struct ComponentCoverage {
    pub component: ArchitectureComponent,
    pub tasks: Vec<DeliveringTask>,
}

/// The components of one layer.
#[derive(SimpleObject, Clone)]
pub struct LayerCoverage {
    pub layer: ArchitectureLayer,
    pub components: Vec<ComponentCoverage>,
}

/// Traceability between the catalog, the tasks and the KPIs on a date.
#[derive(SimpleObject, Clone)]
pub struct ArchitectureCoverage {
    pub as_of: crate::graphql::Date,
    pub layers: Vec<LayerCoverage>,
    /// Components that no appendix task delivers (national systems included).
    pub undelivered_components: Vec<ArchitectureComponent>,
    /// Appendix tasks that deliver no component (propaganda, training, ...).
    pub tasks_without_components: Vec<Task>,
    /// KPIs that no task moves.
    pub kpis_without_tasks: Vec<super::Kpi>,
}

fn delivering(t: crate::services::asof::TaskAt) -> DeliveringTask {
    DeliveringTask {
        status: t.status.into(),
        progress: t.progress,
        task: t.task.into(),
    }
}

impl ArchitectureCoverage {
    /// The view of a computed coverage.
    pub fn new(as_of: chrono::NaiveDate, c: crate::services::architecture::Coverage) -> Self {
        Self {
            as_of: as_of.into(),
            layers: c
                .layers
                .into_iter()
                .map(|(layer, components)| LayerCoverage {
                    layer: layer.into(),
                    components: components
                        .into_iter()
                        .map(|cc| ComponentCoverage {
                            component: cc.component.into(),
                            tasks: cc.tasks.into_iter().map(delivering).collect(),
                        })
                        .collect(),
                })
                .collect(),
            undelivered_components: c.undelivered.into_iter().map(Into::into).collect(),
            tasks_without_components: c
                .tasks_without_components
                .into_iter()
                .map(|t| t.task.into())
                .collect(),
            kpis_without_tasks: c.kpis_without_tasks.into_iter().map(Into::into).collect(),
        }
    }
}

/// One change to the architecture register.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct ComponentChange {
    #[graphql(skip)]
    pub changed_by_user_id: Option<i32>,
    /// CREATED, UPDATED, LIFECYCLE, RELATION_ADDED or RELATION_REMOVED.
    pub action: String,
    pub summary: String,
    pub reason: Option<String>,
    pub changed_at: chrono::DateTime<chrono::Utc>,
}

impl From<entities::component_history::Model> for ComponentChange {
    fn from(m: entities::component_history::Model) -> Self {
        Self {
            changed_by_user_id: m.changed_by_user_id,
            action: m.action,
            summary: m.summary,
            reason: m.reason,
            changed_at: m.changed_at,
        }
    }
}

#[ComplexObject]
impl ComponentChange {
    /// Username of who made the change; null for anonymous readers.
    async fn changed_by(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        match (
            crate::graphql::context::viewer(ctx),
            self.changed_by_user_id,
        ) {
            (Some(_), Some(id)) => Ok(loaders::one(ctx, crate::graphql::loaders::UserById(id))
                .await?
                .map(|u| u.username)),
            _ => Ok(None),
        }
    }
}
