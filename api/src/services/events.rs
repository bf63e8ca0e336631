//! Accepted changes, fanned out to live subscribers (the `taskStatusChanged` subscription) on
//! every instance that serves the database.
//!
//! On SQLite there is one process: a change is announced in-process once its transaction has
//! committed. On PostgreSQL the change is queued with `pg_notify` inside the writing transaction,
//! so PostgreSQL delivers it only if the write commits, and to every instance listening on
//! [`CHANNEL`], this one included; [`listen`] forwards what an instance hears to its subscribers
//! and drops its cached figures.

use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sqlx::postgres::PgListener;
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, Statement};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

use super::figures::Figures;
use crate::error::{Error, Result};

/// Capacity of the broadcast buffer; a subscriber that falls further behind skips events.
const CAPACITY: usize = 256;

/// The PostgreSQL notification channel carrying accepted changes as JSON.
pub const CHANNEL: &str = "egov_changes";

/// Longest wait between attempts to get the listening connection back.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// One accepted status report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskStatusChanged {
    pub task_id: i32,
    pub task_number: i32,
    pub agency_id: i32,
    pub status: entities::TaskStatus,
    pub progress: i32,
    pub task_status: entities::TaskStatus,
    pub task_progress: i32,
    pub task_version: i32,
    pub effective_on: NaiveDate,
    pub changed_at: DateTime<Utc>,
    pub changed_by_user_id: Option<i32>,
}

/// The feed of accepted changes on this instance.
#[derive(Debug, Clone)]
pub struct Events {
    sender: broadcast::Sender<TaskStatusChanged>,
    through_database: bool,
}

impl Events {
    /// Changes are announced in-process (one instance, SQLite).
    pub fn local() -> Self {
        Self {
            sender: broadcast::channel(CAPACITY).0,
            through_database: false,
        }
    }

    /// Changes travel through PostgreSQL's LISTEN/NOTIFY; [`listen`] must run for subscribers
    /// to hear anything.
    pub fn through_postgres() -> Self {
        Self {
            through_database: true,
            ..Self::local()
        }
    }

    /// The right feed for a database backend.
    pub fn for_backend(backend: DbBackend) -> Self {
        match backend {
            DbBackend::Postgres => Self::through_postgres(),
            _ => Self::local(),
        }
    }

    /// Queues `event` inside the transaction that makes the change (PostgreSQL sends it with the
    /// commit, or never); a no-op on SQLite.
    pub async fn stage(&self, txn: &DatabaseTransaction, event: &TaskStatusChanged) -> Result<()> {
        if self.through_database {
            let payload =
                serde_json::to_string(event).map_err(|err| Error::Internal(err.into()))?;
            txn.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT pg_notify($1, $2)",
                [CHANNEL.into(), payload.into()],
            ))
            .await?;
        }
        Ok(())
    }

    /// Announces `event` once its transaction has committed; on PostgreSQL the notification
    /// staged in the transaction does this, through [`listen`].
    pub fn committed(&self, event: TaskStatusChanged) {
        if !self.through_database {
            self.deliver(event);
        }
    }

    /// Hands an event to this instance's subscribers; having none is fine.
    fn deliver(&self, event: TaskStatusChanged) {
        let _ = self.sender.send(event);
    }

    /// A receiver of changes announced from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<TaskStatusChanged> {
        self.sender.subscribe()
    }
}

/// Starts listening on [`CHANNEL`] and returns once the LISTEN is in place, so no change
/// committed after this returns is missed. The background task forwards each notification to
/// `events` and drops `figures`' cache. A lost connection is re-established with backoff (the
/// cache is dropped then too, since notifications may have been missed); the task ends when
/// the database no longer exists.
pub async fn listen(url: &str, events: Events, figures: Figures) -> Result<()> {
    let mut listener = PgListener::connect(url)
        .await
        .map_err(|err| Error::Internal(err.into()))?;
    listener
        .listen(CHANNEL)
        .await
        .map_err(|err| Error::Internal(err.into()))?;
    tokio::spawn(async move {
        let mut backoff = Duration::from_millis(250);
        loop {
            match listener.try_recv().await {
                Ok(Some(notification)) => {
                    backoff = Duration::from_millis(250);
                    figures.forget();
                    match serde_json::from_str::<TaskStatusChanged>(notification.payload()) {
                        Ok(event) => events.deliver(event),
                        Err(err) => {
                            tracing::warn!(%err, "ignoring a malformed change notification")
                        }
                    }
                }
                Ok(None) => {
                    figures.forget();
                    tracing::warn!("change notifications interrupted; reconnected");
                }
                Err(sea_orm::sqlx::Error::Database(err))
                    if err.code().as_deref() == Some("3D000") =>
                {
                    tracing::info!("the database is gone; no longer listening for changes");
                    return;
                }
                Err(err) => {
                    figures.forget();
                    tracing::warn!(%err, retry_in = ?backoff, "listening for changes failed");
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
            }
        }
    });
    Ok(())
}
