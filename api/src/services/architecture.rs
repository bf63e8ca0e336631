//! The e-government architecture catalog: components and their typed relations.

use entities::search::fold;
use entities::{component, ArchitectureLayer};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use super::fetch_by;
use super::tasks::search_condition;
use crate::error::Result;

/// Components, optionally of one layer and matching a search (with or without diacritics),
/// in catalog order.
pub async fn list(
    db: &DatabaseConnection,
    layer: Option<ArchitectureLayer>,
    search: Option<&str>,
) -> Result<Vec<component::Model>> {
    let mut condition = Condition::all();
    if let Some(layer) = layer {
        condition = condition.add(component::Column::Layer.eq(layer));
    }
    if let Some(search) = search {
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
