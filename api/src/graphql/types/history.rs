//! What happened to a task: status reports, comments, and the live change feed.

use async_graphql::{ComplexObject, Context, Result, SimpleObject, ID};
use chrono::{DateTime, Utc};
use entities::{report_review, task_comment, task_history};

use super::{Agency, ReviewDecision, Task, TaskStatus};
use crate::graphql::context::viewer;
use crate::graphql::loaders::{
    self, AgencyById, AttachmentsOfHistory, ReviewsOfHistory, TaskById, UserById,
};
use crate::graphql::Date;
use crate::services::attachments::AttachmentInfo;
use crate::services::events::TaskStatusChanged;

/// Who made a change, shown only to signed-in readers: the plan is public, its authors are not.
async fn author(ctx: &Context<'_>, user_id: Option<i32>) -> Result<Option<String>> {
    match (viewer(ctx), user_id) {
        (Some(_), Some(id)) => Ok(loaders::one(ctx, UserById(id)).await?.map(|u| u.username)),
        _ => Ok(None),
    }
}

async fn agency(ctx: &Context<'_>, id: Option<i32>) -> Result<Option<Agency>> {
    match id {
        Some(id) => Ok(loaders::one(ctx, AgencyById(id)).await?.map(Agency::from)),
        None => Ok(None),
    }
}

/// One status report; history is never edited or deleted. A report DIC returned stays here
/// with its review but no longer counts (`counted: false`).
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct HistoryEntry {
    #[graphql(skip)]
    pub history_id: i32,
    #[graphql(skip)]
    pub agency_id: i32,
    #[graphql(skip)]
    pub changed_by_user_id: Option<i32>,
    pub status: TaskStatus,
    pub progress: i32,
    pub note: Option<String>,
    pub evidence: Option<String>,
    /// When it really happened.
    pub effective_on: Date,
    /// When it was recorded.
    pub changed_at: DateTime<Utc>,
    /// The task version this change produced.
    pub version: i32,
}

impl From<task_history::Model> for HistoryEntry {
    fn from(m: task_history::Model) -> Self {
        Self {
            history_id: m.id,
            agency_id: m.agency_id,
            changed_by_user_id: m.changed_by_user_id,
            status: m.status.into(),
            progress: m.progress,
            note: m.note,
            evidence: m.evidence,
            effective_on: m.effective_on.into(),
            changed_at: m.changed_at,
            version: m.task_version,
        }
    }
}

#[ComplexObject]
impl HistoryEntry {
    /// This report's identity: what `reviewStatusReport` takes as `historyId`.
    async fn id(&self) -> ID {
        ID(self.history_id.to_string())
    }

    /// DIC's reviews of this report, oldest first.
    async fn reviews(&self, ctx: &Context<'_>) -> Result<Vec<ReportReview>> {
        Ok(loaders::rows(ctx, ReviewsOfHistory(self.history_id))
            .await?
            .into_iter()
            .map(ReportReview::from)
            .collect())
    }

    /// Whether the report counts in figures: false once DIC has returned it.
    async fn counted(&self, ctx: &Context<'_>) -> Result<bool> {
        Ok(!loaders::rows(ctx, ReviewsOfHistory(self.history_id))
            .await?
            .iter()
            .any(|r| r.decision == entities::ReviewDecision::Return))
    }

    /// The agency whose assignment changed.
    async fn agency(&self, ctx: &Context<'_>) -> Result<Option<Agency>> {
        agency(ctx, Some(self.agency_id)).await
    }

    /// Username of who reported it; null for anonymous readers.
    async fn changed_by(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        author(ctx, self.changed_by_user_id).await
    }

    /// Files that came with the report, in the order they were attached.
    async fn attachments(&self, ctx: &Context<'_>) -> Result<Vec<Attachment>> {
        Ok(loaders::rows(ctx, AttachmentsOfHistory(self.history_id))
            .await?
            .into_iter()
            .map(Attachment::from)
            .collect())
    }
}

/// A DIC planner's review of a status report; appended beside it, never edited.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct ReportReview {
    #[graphql(skip)]
    pub reviewer_user_id: Option<i32>,
    #[graphql(skip)]
    pub history_id: i32,
    pub decision: ReviewDecision,
    /// Why it was returned, or a remark on acceptance.
    pub reason: Option<String>,
    pub reviewed_at: DateTime<Utc>,
}

impl From<report_review::Model> for ReportReview {
    fn from(m: report_review::Model) -> Self {
        Self {
            reviewer_user_id: m.reviewer_user_id,
            history_id: m.history_id,
            decision: m.decision.into(),
            reason: m.reason,
            reviewed_at: m.reviewed_at,
        }
    }
}

#[ComplexObject]
impl ReportReview {
    /// The reviewed report's `HistoryEntry.id`.
    async fn history_id(&self) -> ID {
        ID(self.history_id.to_string())
    }

    /// Username of the reviewer; null for anonymous readers.
    async fn reviewed_by(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        author(ctx, self.reviewer_user_id).await
    }
}

/// A file attached to a status report. Anyone who can read the history sees that it exists;
/// only signed-in users can download it from `url`.
#[derive(SimpleObject, Clone)]
pub struct Attachment {
    /// The name it was attached under (a name only, never a path); it ends in the extension of
    /// its type.
    pub file_name: String,
    /// The type read from its contents, e.g. `application/pdf`.
    pub content_type: String,
    /// Size in bytes.
    pub size: i64,
    /// SHA-256 of the contents, lower-case hex: compare it with the downloaded file.
    pub sha256: String,
    /// Where signed-in users download it (relative to the service's address).
    pub url: String,
}

impl From<AttachmentInfo> for Attachment {
    fn from(info: AttachmentInfo) -> Self {
        Self {
            url: info.url(),
            file_name: info.file_name,
            content_type: info.content_type,
            size: info.size,
            sha256: info.sha256,
        }
    }
}

/// A comment or piece of evidence on a task.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct TaskComment {
    #[graphql(skip)]
    pub agency_id: Option<i32>,
    #[graphql(skip)]
    pub user_id: Option<i32>,
    pub body: String,
    pub evidence: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<task_comment::Model> for TaskComment {
    fn from(m: task_comment::Model) -> Self {
        Self {
            agency_id: m.agency_id,
            user_id: m.user_id,
            body: m.body,
            evidence: m.evidence,
            created_at: m.created_at,
        }
    }
}

#[ComplexObject]
impl TaskComment {
    /// The agency the comment is from.
    async fn agency(&self, ctx: &Context<'_>) -> Result<Option<Agency>> {
        agency(ctx, self.agency_id).await
    }

    /// Username of the author; null for anonymous readers.
    async fn author(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        author(ctx, self.user_id).await
    }
}

/// An accepted status report, as streamed by `taskStatusChanged`.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct TaskStatusChange {
    #[graphql(skip)]
    pub task_id: i32,
    #[graphql(skip)]
    pub agency_id: i32,
    #[graphql(skip)]
    pub changed_by_user_id: Option<i32>,
    pub task_number: i32,
    /// The assignment's new state.
    pub status: TaskStatus,
    pub progress: i32,
    /// The task's rolled-up state after the change.
    pub task_status: TaskStatus,
    pub task_progress: i32,
    pub version: i32,
    pub effective_on: Date,
    pub changed_at: DateTime<Utc>,
}

impl From<TaskStatusChanged> for TaskStatusChange {
    fn from(e: TaskStatusChanged) -> Self {
        Self {
            task_id: e.task_id,
            agency_id: e.agency_id,
            changed_by_user_id: e.changed_by_user_id,
            task_number: e.task_number,
            status: e.status.into(),
            progress: e.progress,
            task_status: e.task_status.into(),
            task_progress: e.task_progress,
            version: e.task_version,
            effective_on: e.effective_on.into(),
            changed_at: e.changed_at,
        }
    }
}

#[ComplexObject]
impl TaskStatusChange {
    /// The agency whose assignment changed.
    async fn agency(&self, ctx: &Context<'_>) -> Result<Option<Agency>> {
        agency(ctx, Some(self.agency_id)).await
    }

    /// The task as it stands now.
    async fn task(&self, ctx: &Context<'_>) -> Result<Option<Task>> {
        Ok(loaders::one(ctx, TaskById(self.task_id))
            .await?
            .map(Task::from))
    }

    /// Username of who reported it; null for anonymous subscribers.
    async fn changed_by(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        author(ctx, self.changed_by_user_id).await
    }
}
