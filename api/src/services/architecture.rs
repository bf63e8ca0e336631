//! The e-government architecture catalog: components and their typed relations.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use entities::search::fold;
use entities::{component, ArchitectureLayer, ComponentKind, Lifecycle, Scope};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use super::asof::{self, TaskAt};
use super::tasks::search_condition;
use super::{agencies, fetch_by, kpis};
use crate::error::{Error, Result};

/// Which components to list; every given criterion must hold.
#[derive(Debug, Clone, Default)]
pub struct ComponentFilter {
    pub layer: Option<ArchitectureLayer>,
    pub kind: Option<ComponentKind>,
    pub lifecycle: Option<Lifecycle>,
    /// Agency or group code of the owner.
    pub owner_code: Option<String>,
    pub scope: Option<Scope>,
    /// Words to find in the code or names, with or without diacritics.
    pub search: Option<String>,
}

/// Components matching `filter`, in catalog order.
pub async fn list(
    db: &DatabaseConnection,
    filter: &ComponentFilter,
) -> Result<Vec<component::Model>> {
    let mut condition = Condition::all();
    if let Some(layer) = filter.layer {
        condition = condition.add(component::Column::Layer.eq(layer));
    }
    if let Some(kind) = filter.kind {
        condition = condition.add(component::Column::Kind.eq(kind));
    }
    if let Some(lifecycle) = filter.lifecycle {
        condition = condition.add(component::Column::Lifecycle.eq(lifecycle));
    }
    if let Some(scope) = filter.scope {
        condition = condition.add(component::Column::Scope.eq(scope));
    }
    if let Some(code) = filter.owner_code.as_deref().map(str::trim) {
        if let Some(agency) = agencies::by_code(db, code).await? {
            condition = condition.add(component::Column::OwnerAgencyId.eq(agency.id));
        } else if let Some(group) = agencies::group_by_code(db, code).await? {
            condition = condition.add(component::Column::OwnerGroupId.eq(group.id));
        } else {
            return Err(Error::bad_input(format!(
                "`ownerCode` {code:?} is neither an agency nor a group code"
            )));
        }
    }
    if let Some(search) = filter.search.as_deref() {
        condition = condition.add(search_condition(
            component::Column::SearchText,
            &fold(search),
        ));
    }
    Ok(component::Entity::find()
        .filter(condition)
        .order_by_asc(component::Column::Position)
        .all(db)
        .await?)
}

/// The component with this code, if any.
pub async fn by_code(db: &DatabaseConnection, code: &str) -> Result<Option<component::Model>> {
    by_code_in(db, code).await
}

/// [`by_code`] on any connection or transaction.
pub async fn by_code_in(
    db: &impl sea_orm::ConnectionTrait,
    code: &str,
) -> Result<Option<component::Model>> {
    Ok(component::Entity::find()
        .filter(component::Column::Code.eq(code))
        .one(db)
        .await?)
}

fetch_by!(
    /// Components by id.
    by_ids, component, Id
);
fetch_by!(
    /// Relations whose dependent ("from") end is one of the given components.
    relations_from, component_relation, FromId
);
fetch_by!(
    /// Relations whose dependency ("to") end is one of the given components.
    relations_to, component_relation, ToId
);
fetch_by!(
    /// Task links of the given components.
    task_links_of_components, component_task, ComponentId
);
fetch_by!(
    /// Component links of the given tasks.
    component_links_of_tasks, component_task, TaskId
);
fetch_by!(
    /// Clause links of the given components.
    clause_links_of_components, component_clause, ComponentId
);

/// A component and the tasks that deliver it, as of a date.
#[derive(Debug, Clone)]
pub struct CoveredComponent {
    pub component: component::Model,
    pub tasks: Vec<TaskAt>,
}

/// How the catalog and the plan cover each other on a date.
#[derive(Debug, Clone, Default)]
pub struct Coverage {
    /// Per layer, in layer order: its components with their delivering tasks.
    pub layers: Vec<(ArchitectureLayer, Vec<CoveredComponent>)>,
    /// Components no task delivers (national systems included).
    pub undelivered: Vec<component::Model>,
    /// Tasks that deliver no component.
    pub tasks_without_components: Vec<TaskAt>,
    /// KPIs no task moves.
    pub kpis_without_tasks: Vec<entities::kpi::Model>,
}

/// Traceability between the catalog, the tasks and the KPIs, with task progress as of `as_of`.
pub async fn coverage(db: &DatabaseConnection, as_of: NaiveDate) -> Result<Coverage> {
    let components = list(db, &ComponentFilter::default()).await?;
    let ids: Vec<i32> = components.iter().map(|c| c.id).collect();
    let links = task_links_of_components(db, &ids).await?;
    let tasks: HashMap<i32, TaskAt> = asof::load_primary(db, as_of)
        .await?
        .into_iter()
        .map(|t| (t.task.id, t))
        .collect();
    let delivering: HashSet<i32> = links.iter().map(|l| l.task_id).collect();
    let mut coverage = Coverage::default();
    let mut by_layer: Vec<(ArchitectureLayer, Vec<CoveredComponent>)> = Vec::new();
    for component in components {
        let mut covered: Vec<TaskAt> = links
            .iter()
            .filter(|l| l.component_id == component.id)
            .filter_map(|l| tasks.get(&l.task_id).cloned())
            .collect();
        covered.sort_by_key(|t| t.task.number);
        if covered.is_empty() {
            coverage.undelivered.push(component.clone());
        }
        match by_layer
            .iter_mut()
            .find(|(layer, _)| *layer == component.layer)
        {
            Some((_, list)) => list.push(CoveredComponent {
                component,
                tasks: covered,
            }),
            None => by_layer.push((
                component.layer,
                vec![CoveredComponent {
                    component,
                    tasks: covered,
                }],
            )),
        }
    }
    by_layer.sort_by_key(|(layer, _)| *layer);
    coverage.layers = by_layer;
    let mut without: Vec<TaskAt> = tasks
        .into_values()
        .filter(|t| !delivering.contains(&t.task.id))
        .collect();
    without.sort_by_key(|t| t.task.number);
    coverage.tasks_without_components = without;
    let all_kpis = kpis::list(db).await?;
    let kpi_ids: Vec<i32> = all_kpis.iter().map(|k| k.id).collect();
    let moved: HashSet<i32> = kpis::task_links_of_kpis(db, &kpi_ids)
        .await?
        .into_iter()
        .map(|l| l.kpi_id)
        .collect();
    coverage.kpis_without_tasks = all_kpis
        .into_iter()
        .filter(|k| !moved.contains(&k.id))
        .collect();
    Ok(coverage)
}
