//! A small cache of computed figures (rankings, plan progress and the standings of every plan as
//! of a date) and of whole GraphQL answers, that never serves anything older than an
//! acknowledged write, on one instance or many.
//!
//! The database holds a data version that every figure-changing write advances before it is
//! acknowledged: a one-row table on SQLite, bumped inside the writing transaction
//! ([`mark_in`]); a sequence on PostgreSQL, advanced right after the commit
//! ([`Figures::mark_committed`]) so that concurrent writers never queue on one row. A read takes
//! the version first, then computes, and files the result under that version; an entry is served
//! only while the version is unchanged. A write acknowledged before a read began has therefore
//! moved the version past every entry computed without it. Change notifications
//! ([`super::events::listen`]) also drop entries eagerly. Writes other than status reports
//! advance the version through [`mark`] once their mutation has run (the GraphQL layer does
//! this for every mutation), which is what lets whole answers be cached.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use entities::AgencyLevel;
use migration::{DATA_VERSION_SEQUENCE, DATA_VERSION_TABLE};
use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, Statement};

use super::ranking::{self, PlanProgress, Ranking, Standings};
use crate::error::{Error, Result};

/// Entries kept per kind of figure before the oldest are dropped wholesale.
const CAPACITY: usize = 64;

#[derive(Default)]
struct Entries {
    version: i64,
    rankings: HashMap<(i32, NaiveDate, Option<AgencyLevel>), Arc<Ranking>>,
    progress: HashMap<(i32, NaiveDate), Arc<PlanProgress>>,
    standings: HashMap<NaiveDate, Arc<Standings>>,
    responses: HashMap<ResponseKey, Arc<str>>,
}

/// What a GraphQL answer depends on besides the data: the request as sent, who asked, and the
/// day (fields without `asOf` mean today in Vietnam).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ResponseKey {
    /// The request body (query, operation name and variables), byte for byte.
    pub body: Vec<u8>,
    /// The signed-in account, `None` for anonymous requests.
    pub viewer: Option<i32>,
    pub today: NaiveDate,
}

impl Entries {
    /// Makes the entries current for `version`: older entries are dropped.
    fn advance_to(&mut self, version: i64) -> bool {
        if version > self.version {
            *self = Entries {
                version,
                ..Entries::default()
            };
        }
        version == self.version
    }
}

/// This instance's cache of computed figures (cheap to clone; clones share entries).
#[derive(Clone, Default)]
pub struct Figures {
    entries: Arc<Mutex<Entries>>,
}

impl std::fmt::Debug for Figures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Figures").finish_non_exhaustive()
    }
}

/// The data version now.
pub async fn version(db: &impl ConnectionTrait) -> Result<i64> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => format!(
            "SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS version \
             FROM {DATA_VERSION_SEQUENCE}"
        ),
        _ => format!("SELECT version FROM {DATA_VERSION_TABLE}"),
    };
    let row = db
        .query_one_raw(Statement::from_string(backend, sql))
        .await?
        .ok_or_else(|| Error::Internal(anyhow::anyhow!("the data version is missing")))?;
    Ok(row.try_get::<i64>("", "version")?)
}

/// Inside a transaction that changes figures: on SQLite, bumps the version with the write.
pub async fn mark_in(txn: &DatabaseTransaction) -> Result<()> {
    if txn.get_database_backend() != DbBackend::Postgres {
        txn.execute_unprepared(&format!(
            "UPDATE {DATA_VERSION_TABLE} SET version = version + 1"
        ))
        .await?;
    }
    Ok(())
}

/// Advances the version for a change already committed without [`mark_in`] (seed loading).
pub async fn mark(db: &DatabaseConnection) -> Result<()> {
    let sql = match db.get_database_backend() {
        DbBackend::Postgres => format!("SELECT nextval('{DATA_VERSION_SEQUENCE}')"),
        _ => format!("UPDATE {DATA_VERSION_TABLE} SET version = version + 1"),
    };
    db.execute_unprepared(&sql).await?;
    Ok(())
}

impl Figures {
    /// After a figure-changing transaction committed, before it is acknowledged: on PostgreSQL,
    /// advances the version. The write stands even if this fails (it is logged, and the change
    /// notification still drops other instances' entries), so callers acknowledge it either way.
    pub async fn mark_committed(&self, db: &DatabaseConnection) {
        self.forget();
        if db.get_database_backend() == DbBackend::Postgres {
            if let Err(err) = mark(db).await {
                tracing::error!(error = ?err, "advancing the data version after a commit");
            }
        }
    }

    /// The answer filed under `key` for data version `version`, if any.
    pub fn response(&self, version: i64, key: &ResponseKey) -> Option<Arc<str>> {
        self.lookup(version, |e| e.responses.get(key).cloned())
    }

    /// Files an answer computed from data at `version` or later.
    pub fn store_response(&self, version: i64, key: ResponseKey, body: Arc<str>) {
        self.store(version, |e| bounded_insert(&mut e.responses, key, body));
    }

    /// Drops every entry.
    pub fn forget(&self) {
        if let Ok(mut entries) = self.entries.lock() {
            let version = entries.version;
            *entries = Entries {
                version,
                ..Entries::default()
            };
        }
    }

    fn lookup<T>(&self, version: i64, get: impl FnOnce(&mut Entries) -> Option<T>) -> Option<T> {
        let mut entries = self.entries.lock().ok()?;
        if entries.advance_to(version) {
            get(&mut entries)
        } else {
            None
        }
    }

    fn store(&self, version: i64, put: impl FnOnce(&mut Entries)) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.advance_to(version) {
                put(&mut entries);
            }
        }
    }

    /// The entry under `key` in the map `slot` picks, computed by `compute` when the data version
    /// moved on or the entry is missing.
    async fn cached<K, V>(
        &self,
        db: &DatabaseConnection,
        slot: fn(&mut Entries) -> &mut HashMap<K, Arc<V>>,
        key: K,
        compute: impl Future<Output = Result<V>>,
    ) -> Result<Arc<V>>
    where
        K: std::hash::Hash + Eq,
    {
        let version = version(db).await?;
        if let Some(hit) = self.lookup(version, |e| slot(e).get(&key).cloned()) {
            return Ok(hit);
        }
        let computed = Arc::new(compute.await?);
        self.store(version, |e| bounded_insert(slot(e), key, computed.clone()));
        Ok(computed)
    }

    /// [`ranking::ranking`], computed once per data version.
    pub async fn ranking(
        &self,
        db: &DatabaseConnection,
        plan_id: i32,
        as_of: NaiveDate,
        level: Option<AgencyLevel>,
    ) -> Result<Arc<Ranking>> {
        let compute = ranking::ranking(db, plan_id, as_of, level);
        self.cached(db, |e| &mut e.rankings, (plan_id, as_of, level), compute)
            .await
    }

    /// [`ranking::plan_progress`], computed once per data version.
    pub async fn plan_progress(
        &self,
        db: &DatabaseConnection,
        plan_id: i32,
        as_of: NaiveDate,
    ) -> Result<Arc<PlanProgress>> {
        let compute = ranking::plan_progress(db, plan_id, as_of);
        self.cached(db, |e| &mut e.progress, (plan_id, as_of), compute)
            .await
    }

    /// [`ranking::standings`], computed once per data version.
    pub async fn standings(
        &self,
        db: &DatabaseConnection,
        as_of: NaiveDate,
    ) -> Result<Arc<Standings>> {
        let compute = ranking::standings(db, as_of);
        self.cached(db, |e| &mut e.standings, as_of, compute).await
    }
}

/// Inserts, first dropping every entry of a full map (entries are cheap to recompute).
fn bounded_insert<K: std::hash::Hash + Eq, V>(map: &mut HashMap<K, V>, key: K, value: V) {
    if map.len() >= CAPACITY {
        map.clear();
    }
    map.insert(key, value);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_filed_under_an_older_version_are_never_served() {
        let figures = Figures::default();
        let day = NaiveDate::from_ymd_opt(2020, 12, 31).unwrap_or_default();
        figures.store(3, |e| {
            e.progress
                .insert((1, day), Arc::new(PlanProgress::default()));
        });
        assert!(figures
            .lookup(3, |e| e.progress.get(&(1, day)).cloned())
            .is_some());
        assert!(figures
            .lookup(4, |e| e.progress.get(&(1, day)).cloned())
            .is_none());
        figures.store(3, |e| {
            e.progress
                .insert((1, day), Arc::new(PlanProgress::default()));
        });
        assert!(
            figures
                .lookup(4, |e| e.progress.get(&(1, day)).cloned())
                .is_none(),
            "a result computed at version 3 is not filed once version 4 was seen"
        );
    }

    #[test]
    fn forgetting_drops_entries_but_keeps_the_version() {
        let figures = Figures::default();
        let day = NaiveDate::from_ymd_opt(2020, 12, 31).unwrap_or_default();
        figures.store(5, |e| {
            e.progress
                .insert((1, day), Arc::new(PlanProgress::default()));
        });
        figures.forget();
        assert!(figures
            .lookup(5, |e| e.progress.get(&(1, day)).cloned())
            .is_none());
        figures.store(4, |e| {
            e.progress
                .insert((1, day), Arc::new(PlanProgress::default()));
        });
        assert!(figures
            .lookup(5, |e| e.progress.get(&(1, day)).cloned())
            .is_none());
    }
}
