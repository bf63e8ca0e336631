//! Clauses of sections I-IV: objectives, main tasks, solutions and duties.

use async_graphql::{ComplexObject, Context, Result, SimpleObject};
use entities::clause;

use super::{Agency, ArchitectureComponent, ClauseKind, Kpi, Party, Task};
use crate::graphql::loaders::{
    self, ChildrenOfClause, ComponentById, ComponentLinksOfClause, KpisOfClause, KpisOfObjective,
    PartiesOfClause, TaskById, TaskLinksOfClause,
};

/// A numbered clause (II.3) or lettered item (II.3.c) of the plan.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Clause {
    #[graphql(skip)]
    pub id: i32,
    /// Document numbering, e.g. `I.2.a`, `II.3.c`, `IV.2.đ`.
    pub code: String,
    pub kind: ClauseKind,
    /// Code of the numbered clause a lettered item belongs to.
    pub parent_code: Option<String>,
    pub title_vi: String,
    pub title_en: String,
    /// Whether the title was written for the catalog because the plan gives the item none.
    pub title_derived: bool,
    /// The clause's text as written (empty when its content is only lettered items).
    pub text_vi: String,
    pub text_en: String,
}

impl From<clause::Model> for Clause {
    fn from(m: clause::Model) -> Self {
        Self {
            id: m.id,
            code: m.code,
            kind: m.kind.into(),
            parent_code: m.parent_code,
            title_vi: m.title_vi,
            title_en: m.title_en,
            title_derived: m.title_derived,
            text_vi: m.text_vi,
            text_en: m.text_en,
        }
    }
}

impl Clause {
    /// This clause and its lettered items: what a question about "II.3" should cover.
    async fn family(&self, ctx: &Context<'_>) -> Result<Vec<i32>> {
        let mut ids = vec![self.id];
        ids.extend(
            loaders::rows(ctx, ChildrenOfClause(self.code.clone()))
                .await?
                .into_iter()
                .map(|c| c.id),
        );
        Ok(ids)
    }
}

#[ComplexObject]
impl Clause {
    /// Lettered items of a numbered clause.
    async fn items(&self, ctx: &Context<'_>) -> Result<Vec<Clause>> {
        Ok(loaders::rows(ctx, ChildrenOfClause(self.code.clone()))
            .await?
            .into_iter()
            .map(Clause::from)
            .collect())
    }

    /// Appendix tasks that carry out this clause or its items, in appendix order.
    async fn tasks(&self, ctx: &Context<'_>) -> Result<Vec<Task>> {
        let keys = self
            .family(ctx)
            .await?
            .into_iter()
            .map(TaskLinksOfClause)
            .collect();
        let mut ids = Vec::new();
        for link in loaders::many(ctx, keys).await?.into_iter().flatten() {
            if !ids.contains(&link.task_id) {
                ids.push(link.task_id);
            }
        }
        let mut tasks = loaders::many(ctx, ids.into_iter().map(TaskById).collect()).await?;
        tasks.sort_by_key(|t| t.number);
        Ok(tasks.into_iter().map(Task::from).collect())
    }

    /// KPIs that come from or measure this clause or its items.
    async fn kpis(&self, ctx: &Context<'_>) -> Result<Vec<Kpi>> {
        let family = self.family(ctx).await?;
        let measuring = loaders::many(ctx, family.iter().copied().map(KpisOfObjective).collect());
        let from = loaders::many(ctx, family.iter().copied().map(KpisOfClause).collect());
        let (measuring, from) = tokio::join!(measuring, from);
        let mut kpis: Vec<entities::kpi::Model> = Vec::new();
        for kpi in measuring?.into_iter().chain(from?).flatten() {
            if !kpis.iter().any(|k| k.id == kpi.id) {
                kpis.push(kpi);
            }
        }
        kpis.sort_by_key(|k| k.position);
        Ok(kpis.into_iter().map(Kpi::from).collect())
    }

    /// Architecture components this clause or its items name.
    async fn components(&self, ctx: &Context<'_>) -> Result<Vec<ArchitectureComponent>> {
        let keys = self
            .family(ctx)
            .await?
            .into_iter()
            .map(ComponentLinksOfClause)
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

    /// For duties (section IV): the agencies and groups the clause is addressed to, as written.
    async fn parties(&self, ctx: &Context<'_>) -> Result<Vec<Party>> {
        let mut rows = loaders::rows(ctx, PartiesOfClause(self.id)).await?;
        rows.sort_by_key(|p| p.position);
        Party::load_all(
            ctx,
            rows.into_iter()
                .map(|r| (r.agency_id, r.group_id))
                .collect(),
        )
        .await
    }

    /// For duties: every agency the clause is addressed to, groups expanded.
    async fn agencies(&self, ctx: &Context<'_>) -> Result<Vec<Agency>> {
        let mut agencies: Vec<Agency> = Vec::new();
        for party in self.parties(ctx).await? {
            for agency in party.expand(ctx).await? {
                if !agencies.iter().any(|a| a.id == agency.id) {
                    agencies.push(agency);
                }
            }
        }
        Ok(agencies)
    }
}
