//! Accepted changes, broadcast to live subscribers (the `taskStatusChanged` subscription).

use chrono::{DateTime, NaiveDate, Utc};
use tokio::sync::broadcast;

/// Capacity of the broadcast buffer; a subscriber that falls further behind skips events.
const CAPACITY: usize = 256;

/// One accepted status report.
#[derive(Debug, Clone)]
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

/// The broadcast channel of accepted changes.
#[derive(Debug, Clone)]
pub struct Events {
    sender: broadcast::Sender<TaskStatusChanged>,
}

impl Default for Events {
    fn default() -> Self {
        Self {
            sender: broadcast::channel(CAPACITY).0,
        }
    }
}

impl Events {
    /// Announces a change; having no subscriber is fine.
    pub fn publish(&self, event: TaskStatusChanged) {
        let _ = self.sender.send(event);
    }

    /// A receiver of changes published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<TaskStatusChanged> {
        self.sender.subscribe()
    }
}
