//! In-app notifications of the signed-in account.

use async_graphql::{ComplexObject, SimpleObject, ID};
use chrono::{DateTime, Utc};
use entities::notification;

/// Something the account is told: a task due soon or overdue, a round's report still owed, a
/// report DIC returned, a request for explanation.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Notification {
    #[graphql(skip)]
    pub notification_id: i32,
    /// `DUE_IN_30`, `DUE_IN_7`, `DUE_IN_1`, `OVERDUE`, `ROUND_DUE_SOON`, `ROUND_MISSED`,
    /// `REPORT_RETURNED`, `EXPLANATION_REQUESTED`.
    pub kind: String,
    pub text_vi: String,
    pub text_en: String,
    /// The page it is about (`/tasks/24`, `/rounds/2017-Q4`).
    pub link: String,
    pub created_at: DateTime<Utc>,
    /// When the account marked it read; null while unread.
    pub read_at: Option<DateTime<Utc>>,
}

#[ComplexObject]
impl Notification {
    /// What `markNotificationsRead` and `notifications(after:)` take.
    async fn id(&self) -> ID {
        ID(self.notification_id.to_string())
    }
}

impl From<notification::Model> for Notification {
    fn from(m: notification::Model) -> Self {
        Self {
            notification_id: m.id,
            kind: m.kind,
            text_vi: m.text_vi,
            text_en: m.text_en,
            link: m.link,
            created_at: m.created_at,
            read_at: m.read_at,
        }
    }
}

/// A page of notifications, newest first.
#[derive(SimpleObject)]
pub struct NotificationConnection {
    pub nodes: Vec<Notification>,
    /// Pass as `after` for the next page; null on the last page.
    pub end_cursor: Option<ID>,
    /// Unread notifications of the account, on every page.
    pub unread_count: i32,
}
