//! Batch loading for resolvers: every key type here is fetched with one query per request
//! tick, however many objects ask for it.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, Loader};
use async_graphql::{Context, ErrorExtensions};
use entities::{
    agency, agency_group, agency_group_member, assignment, clause, clause_party, component,
    component_clause, component_history, component_relation, component_task, kpi, kpi_measurement,
    kpi_target, kpi_task, report_review, task, task_clause, task_comment, task_history, task_party,
    user,
};
use sea_orm::DatabaseConnection;

use crate::error::Error;
use crate::services::{
    agencies, architecture, attachments, clauses, kpis, register, reporting, reviews, tasks, users,
};

/// Loads rows for the GraphQL resolvers in batches.
pub struct DbLoader {
    db: DatabaseConnection,
}

impl DbLoader {
    /// A loader reading from `db`.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

/// Rows keyed by their own id.
macro_rules! by_id {
    ($key:ident, $module:ident, $fetch:path) => {
        /// Loads one row by id.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $key(pub i32);

        impl Loader<$key> for DbLoader {
            type Value = $module::Model;
            type Error = Arc<Error>;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, Self::Value>, Self::Error> {
                let ids: Vec<i32> = keys.iter().map(|k| k.0).collect();
                let rows = $fetch(&self.db, &ids).await.map_err(Arc::new)?;
                Ok(rows.into_iter().map(|row| ($key(row.id), row)).collect())
            }
        }
    };
}

/// Rows grouped by the id of the row that owns them.
macro_rules! by_owner {
    ($key:ident, $module:ident, $fetch:path, $owner:ident) => {
        /// Loads all rows belonging to one owner.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $key(pub i32);

        impl Loader<$key> for DbLoader {
            type Value = Vec<$module::Model>;
            type Error = Arc<Error>;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, Self::Value>, Self::Error> {
                let ids: Vec<i32> = keys.iter().map(|k| k.0).collect();
                let rows = $fetch(&self.db, &ids).await.map_err(Arc::new)?;
                let mut map: HashMap<$key, Self::Value> =
                    keys.iter().map(|k| (*k, Vec::new())).collect();
                for row in rows {
                    if let Some(owner) = Into::<Option<i32>>::into(row.$owner) {
                        map.entry($key(owner)).or_default().push(row);
                    }
                }
                Ok(map)
            }
        }
    };
}

by_id!(AgencyById, agency, agencies::by_ids);
by_id!(GroupById, agency_group, agencies::groups_by_ids);
by_id!(TaskById, task, tasks::by_ids);
by_id!(ClauseById, clause, clauses::by_ids);
by_id!(KpiById, kpi, kpis::by_ids);
by_id!(ComponentById, component, architecture::by_ids);
by_id!(UserById, user, users::by_ids);

by_owner!(
    MembersOfGroup,
    agency_group_member,
    agencies::members_of_groups,
    group_id
);
by_owner!(
    GroupsOfAgency,
    agency_group_member,
    agencies::groups_of_agencies,
    agency_id
);
by_owner!(
    AssignmentsOfTask,
    assignment,
    tasks::assignments_of_tasks,
    task_id
);
by_owner!(
    AssignmentsOfAgency,
    assignment,
    tasks::assignments_of_agencies,
    agency_id
);
by_owner!(PartiesOfTask, task_party, tasks::parties_of_tasks, task_id);
by_owner!(
    ClauseLinksOfTask,
    task_clause,
    tasks::clause_links_of_tasks,
    task_id
);
by_owner!(
    PartiesOfClause,
    clause_party,
    clauses::parties_of_clauses,
    clause_id
);
by_owner!(
    TaskLinksOfClause,
    task_clause,
    clauses::task_links_of_clauses,
    clause_id
);
by_owner!(KpisOfClause, kpi, clauses::kpis_of_clauses, clause_id);
by_owner!(
    KpisOfObjective,
    kpi,
    clauses::kpis_of_objectives,
    objective_clause_id
);
by_owner!(
    ComponentLinksOfClause,
    component_clause,
    clauses::component_links_of_clauses,
    clause_id
);
by_owner!(TargetsOfKpi, kpi_target, kpis::targets_of, kpi_id);
by_owner!(
    MeasurementsOfKpi,
    kpi_measurement,
    kpis::measurements_of,
    kpi_id
);
by_owner!(TaskLinksOfKpi, kpi_task, kpis::task_links_of_kpis, kpi_id);
by_owner!(KpiLinksOfTask, kpi_task, kpis::kpi_links_of_tasks, task_id);
by_owner!(
    RelationsFrom,
    component_relation,
    architecture::relations_from,
    from_id
);
by_owner!(
    RelationsTo,
    component_relation,
    architecture::relations_to,
    to_id
);
by_owner!(
    TaskLinksOfComponent,
    component_task,
    architecture::task_links_of_components,
    component_id
);
by_owner!(
    ComponentLinksOfTask,
    component_task,
    architecture::component_links_of_tasks,
    task_id
);
by_owner!(
    HistoryOfComponent,
    component_history,
    register::history_of_components,
    component_id
);
by_owner!(
    HistoryOfTask,
    task_history,
    reporting::history_of_tasks,
    task_id
);
by_owner!(
    CountedHistoryOfTask,
    task_history,
    reporting::counted_history_of_tasks,
    task_id
);
by_owner!(
    ReviewsOfHistory,
    report_review,
    reviews::reviews_of_histories,
    history_id
);
by_owner!(
    LatestReportOfTask,
    task_history,
    reporting::latest_reports_of_tasks,
    task_id
);
by_owner!(
    CommentsOfTask,
    task_comment,
    reporting::comments_of_tasks,
    task_id
);
by_owner!(
    ClauseLinksOfComponent,
    component_clause,
    architecture::clause_links_of_components,
    component_id
);

/// The attachments of one history entry (names, types, sizes, hashes; never the bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AttachmentsOfHistory(pub i32);

impl Loader<AttachmentsOfHistory> for DbLoader {
    type Value = Vec<attachments::AttachmentInfo>;
    type Error = Arc<Error>;

    async fn load(
        &self,
        keys: &[AttachmentsOfHistory],
    ) -> Result<HashMap<AttachmentsOfHistory, Self::Value>, Self::Error> {
        let ids: Vec<i32> = keys.iter().map(|k| k.0).collect();
        let rows = attachments::of_history(&self.db, &ids)
            .await
            .map_err(Arc::new)?;
        let mut map: HashMap<AttachmentsOfHistory, Self::Value> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        for row in rows {
            map.entry(AttachmentsOfHistory(row.history_id))
                .or_default()
                .push(row);
        }
        Ok(map)
    }
}

/// Lettered items of a numbered clause, keyed by the parent's code.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ChildrenOfClause(pub String);

impl Loader<ChildrenOfClause> for DbLoader {
    type Value = Vec<clause::Model>;
    type Error = Arc<Error>;

    async fn load(
        &self,
        keys: &[ChildrenOfClause],
    ) -> Result<HashMap<ChildrenOfClause, Self::Value>, Self::Error> {
        let codes: Vec<String> = keys.iter().map(|k| k.0.clone()).collect();
        let rows = clauses::children_of(&self.db, &codes)
            .await
            .map_err(Arc::new)?;
        let mut map: HashMap<ChildrenOfClause, Self::Value> =
            keys.iter().map(|k| (k.clone(), Vec::new())).collect();
        for row in rows {
            if let Some(parent) = row.parent_code.clone() {
                map.entry(ChildrenOfClause(parent)).or_default().push(row);
            }
        }
        Ok(map)
    }
}

/// Turns a loader's shared error into a GraphQL error with the same code.
fn shared_error(err: Arc<Error>) -> async_graphql::Error {
    err.as_ref().extend()
}

fn loader<'a>(ctx: &'a Context<'_>) -> async_graphql::Result<&'a DataLoader<DbLoader>> {
    ctx.data::<DataLoader<DbLoader>>()
}

/// Loads the value for one key.
pub async fn one<K, V>(ctx: &Context<'_>, key: K) -> async_graphql::Result<Option<V>>
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
    DbLoader: Loader<K, Value = V, Error = Arc<Error>>,
{
    loader(ctx)?.load_one(key).await.map_err(shared_error)
}

/// Loads the values for several keys, in the keys' order, skipping keys with no value.
pub async fn many<K, V>(ctx: &Context<'_>, keys: Vec<K>) -> async_graphql::Result<Vec<V>>
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
    V: Clone,
    DbLoader: Loader<K, Value = V, Error = Arc<Error>>,
{
    let mut found = loader(ctx)?
        .load_many(keys.iter().cloned())
        .await
        .map_err(shared_error)?;
    Ok(keys.iter().filter_map(|k| found.remove(k)).collect())
}

/// Loads the rows belonging to one owner (empty when it has none).
pub async fn rows<K, V>(ctx: &Context<'_>, key: K) -> async_graphql::Result<Vec<V>>
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
    DbLoader: Loader<K, Value = Vec<V>, Error = Arc<Error>>,
{
    Ok(one(ctx, key).await?.unwrap_or_default())
}
