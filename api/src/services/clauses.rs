//! Objectives, main tasks, solutions and duties: the numbered clauses of sections I-IV.

use entities::{clause, ClauseKind};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use super::fetch_by;
use crate::error::Result;

/// Clauses of one kind (all of them when `kind` is `None`) in document order; with
/// `top_level_only`, only numbered clauses (I.1, II.3, ...), not their lettered items.
pub async fn list(
    db: &DatabaseConnection,
    kind: Option<ClauseKind>,
    top_level_only: bool,
) -> Result<Vec<clause::Model>> {
    let mut query = clause::Entity::find().order_by_asc(clause::Column::Position);
    if let Some(kind) = kind {
        query = query.filter(clause::Column::Kind.eq(kind));
    }
    if top_level_only {
        query = query.filter(clause::Column::ParentCode.is_null());
    }
    Ok(query.all(db).await?)
}

/// The clause with this code ("II.3.c"), if any.
pub async fn by_code(db: &DatabaseConnection, code: &str) -> Result<Option<clause::Model>> {
    Ok(clause::Entity::find()
        .filter(clause::Column::Code.eq(code.trim()))
        .one(db)
        .await?)
}

/// Lettered items of the given numbered clauses, in document order.
pub async fn children_of(db: &DatabaseConnection, codes: &[String]) -> Result<Vec<clause::Model>> {
    Ok(clause::Entity::find()
        .filter(clause::Column::ParentCode.is_in(codes.iter().cloned()))
        .order_by_asc(clause::Column::Position)
        .all(db)
        .await?)
}

fetch_by!(
    /// Clauses by id.
    by_ids, clause, Id
);
fetch_by!(
    /// Parties (agencies or groups) of the given duty clauses.
    parties_of_clauses, clause_party, ClauseId
);
fetch_by!(
    /// Task links of the given clauses.
    task_links_of_clauses, task_clause, ClauseId
);
fetch_by!(
    /// KPIs that come from, or measure, the given clauses.
    kpis_of_clauses, kpi, ClauseId
);
fetch_by!(
    /// KPIs measuring the given objective clauses.
    kpis_of_objectives, kpi, ObjectiveClauseId
);
fetch_by!(
    /// Component links of the given clauses.
    component_links_of_clauses, component_clause, ClauseId
);
