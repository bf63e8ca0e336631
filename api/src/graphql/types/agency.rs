//! Agencies, the groups the plan names collectively, and "parties" as the plan writes them.

use async_graphql::{ComplexObject, Context, Result, ResultExt, SimpleObject};
use entities::{agency, agency_group};

use super::{AgencyLevel, AssignmentRole, TaskConnection};
use crate::graphql::loaders::{
    self, AgencyById, AssignmentsOfAgency, GroupById, GroupsOfAgency, MembersOfGroup, TaskById,
};
use crate::services::tasks as task_rules;

/// An agency, committee, ministry or enterprise.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Agency {
    #[graphql(skip)]
    pub id: i32,
    /// Stable code, e.g. `STTTT` for the Department of Information and Communications.
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    /// Common abbreviation, e.g. "Sở TT&TT".
    pub short_vi: Option<String>,
    pub short_en: Option<String>,
    pub level: AgencyLevel,
    /// Whether the plan names this body itself, not only through a group.
    pub named_in_plan: bool,
    /// Whether this record stands for many bodies at once (the commune-level committees until
    /// they are registered one by one).
    pub collective: bool,
    /// Where the facts about this agency come from.
    pub source: String,
}

impl From<agency::Model> for Agency {
    fn from(m: agency::Model) -> Self {
        Self {
            id: m.id,
            code: m.code,
            name_vi: m.name_vi,
            name_en: m.name_en,
            short_vi: m.short_vi,
            short_en: m.short_en,
            level: m.level.into(),
            named_in_plan: m.named_in_plan,
            collective: m.collective,
            source: m.source,
        }
    }
}

#[ComplexObject]
impl Agency {
    /// Tasks this agency holds an assignment on (of one role when `role` is given), in
    /// appendix order.
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 100) as usize * child_complexity + 1")]
    async fn tasks(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size: default 20, at most 100.")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last task of the previous page.")] after: Option<String>,
        #[graphql(desc = "Only assignments with this role.")] role: Option<AssignmentRole>,
    ) -> Result<TaskConnection> {
        task_rules::page_size(first).extend()?;
        let mut ids: Vec<i32> = loaders::rows(ctx, AssignmentsOfAgency(self.id))
            .await?
            .into_iter()
            .filter(|a| role.is_none_or(|r| entities::AssignmentRole::from(r) == a.role))
            .map(|a| a.task_id)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        let mut tasks = loaders::many(ctx, ids.into_iter().map(TaskById).collect()).await?;
        tasks.sort_by_key(|t| t.number);
        let page = task_rules::page_of(tasks, first, after.as_deref()).extend()?;
        Ok(page.into())
    }

    /// Groups this agency belongs to.
    async fn groups(&self, ctx: &Context<'_>) -> Result<Vec<AgencyGroup>> {
        let ids = loaders::rows(ctx, GroupsOfAgency(self.id))
            .await?
            .into_iter()
            .map(|m| GroupById(m.group_id))
            .collect();
        Ok(loaders::many(ctx, ids)
            .await?
            .into_iter()
            .map(AgencyGroup::from)
            .collect())
    }
}

/// A collective phrase of the plan ("các sở, ban, ngành tỉnh") and the agencies it stands for.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct AgencyGroup {
    #[graphql(skip)]
    pub id: i32,
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    /// An open group ("các cơ quan liên quan") names no one: planners name its members per task.
    pub open: bool,
    pub note: Option<String>,
}

impl From<agency_group::Model> for AgencyGroup {
    fn from(m: agency_group::Model) -> Self {
        Self {
            id: m.id,
            code: m.code,
            name_vi: m.name_vi,
            name_en: m.name_en,
            open: m.open,
            note: m.note,
        }
    }
}

async fn members(ctx: &Context<'_>, group_id: i32) -> Result<Vec<Agency>> {
    let ids = loaders::rows(ctx, MembersOfGroup(group_id))
        .await?
        .into_iter()
        .map(|m| AgencyById(m.agency_id))
        .collect();
    Ok(loaders::many(ctx, ids)
        .await?
        .into_iter()
        .map(Agency::from)
        .collect())
}

#[ComplexObject]
impl AgencyGroup {
    /// The member agencies (empty for an open group).
    async fn members(&self, ctx: &Context<'_>) -> Result<Vec<Agency>> {
        members(ctx, self.id).await
    }
}

/// An agency or group exactly as the plan names it in a column or clause.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Party {
    #[graphql(skip)]
    pub agency_id: Option<i32>,
    #[graphql(skip)]
    pub group_id: Option<i32>,
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    /// Whether this names a group rather than one agency.
    pub is_group: bool,
    /// Whether this is an open group whose members planners name per task.
    pub open: bool,
}

impl Party {
    fn from_agency(a: agency::Model) -> Self {
        Party {
            agency_id: Some(a.id),
            group_id: None,
            code: a.code,
            name_vi: a.name_vi,
            name_en: a.name_en,
            is_group: false,
            open: false,
        }
    }

    fn from_group(g: agency_group::Model) -> Self {
        Party {
            agency_id: None,
            group_id: Some(g.id),
            code: g.code,
            name_vi: g.name_vi,
            name_en: g.name_en,
            is_group: true,
            open: g.open,
        }
    }

    /// Resolves one agency-or-group reference from a link row.
    pub async fn load(
        ctx: &Context<'_>,
        agency_id: Option<i32>,
        group_id: Option<i32>,
    ) -> Result<Option<Party>> {
        Ok(Self::load_all(ctx, vec![(agency_id, group_id)])
            .await?
            .pop())
    }

    /// Resolves agency-or-group references in order, with one batched load per kind.
    pub async fn load_all(
        ctx: &Context<'_>,
        refs: Vec<(Option<i32>, Option<i32>)>,
    ) -> Result<Vec<Party>> {
        let agency_keys = refs.iter().filter_map(|r| r.0).map(AgencyById).collect();
        let group_keys = refs
            .iter()
            .filter(|r| r.0.is_none())
            .filter_map(|r| r.1)
            .map(GroupById)
            .collect();
        let mut agencies = loaders::many(ctx, agency_keys).await?.into_iter();
        let mut groups = loaders::many(ctx, group_keys).await?.into_iter();
        let mut parties = Vec::with_capacity(refs.len());
        for reference in refs {
            let party = match reference {
                (Some(_), _) => agencies.next().map(Party::from_agency),
                (None, Some(_)) => groups.next().map(Party::from_group),
                (None, None) => None,
            };
            parties.extend(party);
        }
        Ok(parties)
    }
}

#[ComplexObject]
impl Party {
    /// The agencies this party stands for: itself, or the group's members.
    async fn agencies(&self, ctx: &Context<'_>) -> Result<Vec<Agency>> {
        self.expand(ctx).await
    }
}

impl Party {
    /// The agencies this party stands for: itself, or the group's members.
    pub async fn expand(&self, ctx: &Context<'_>) -> Result<Vec<Agency>> {
        match (self.agency_id, self.group_id) {
            (Some(id), _) => Ok(loaders::one(ctx, AgencyById(id))
                .await?
                .map(Agency::from)
                .into_iter()
                .collect()),
            (None, Some(id)) => members(ctx, id).await,
            (None, None) => Ok(Vec::new()),
        }
    }
}
