//! Requests for explanation (giải trình) and their answers.

use async_graphql::{ComplexObject, Context, Result, SimpleObject, ID};
use chrono::{DateTime, Utc};
use entities::explanation_request;

use super::{Agency, Task};
use crate::graphql::context::viewer;
use crate::graphql::loaders::{self, AgencyById, TaskById, UserById};
use crate::graphql::Date;
use crate::services::{clock, explanations};

/// A leader's or planner's request that an agency explain its work on a task, and the agency's
/// one answer. Visible to leaders and planners, and to the agency asked.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Explanation {
    #[graphql(skip)]
    pub source: explanation_request::Model,
    /// What the agency is asked to explain.
    pub question: String,
    /// The day the answer is expected by.
    pub due_on: Date,
    pub requested_at: DateTime<Utc>,
    /// The agency's answer; null until it answers.
    pub answer: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
}

impl From<explanation_request::Model> for Explanation {
    fn from(m: explanation_request::Model) -> Self {
        Self {
            question: m.question.clone(),
            due_on: Date(m.due_on),
            requested_at: m.requested_at,
            answer: m.answer.clone(),
            answered_at: m.answered_at,
            source: m,
        }
    }
}

async fn username(ctx: &Context<'_>, id: Option<i32>) -> Result<Option<String>> {
    match (viewer(ctx), id) {
        (Some(_), Some(id)) => Ok(loaders::one(ctx, UserById(id)).await?.map(|u| u.username)),
        _ => Ok(None),
    }
}

#[ComplexObject]
impl Explanation {
    /// What `answerExplanation` takes.
    async fn id(&self) -> ID {
        ID(self.source.id.to_string())
    }

    /// The task it is about.
    async fn task(&self, ctx: &Context<'_>) -> Result<Option<Task>> {
        Ok(loaders::one(ctx, TaskById(self.source.task_id))
            .await?
            .map(Task::from))
    }

    /// The agency asked.
    async fn agency(&self, ctx: &Context<'_>) -> Result<Option<Agency>> {
        Ok(loaders::one(ctx, AgencyById(self.source.agency_id))
            .await?
            .map(Agency::from))
    }

    /// Username of who asked.
    async fn requested_by(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        username(ctx, self.source.requested_by_user_id).await
    }

    /// Username of who answered.
    async fn answered_by(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        username(ctx, self.source.answered_by_user_id).await
    }

    /// Unanswered and past `dueOn` (today in Vietnam).
    async fn overdue(&self) -> bool {
        explanations::is_overdue(&self.source, clock::today())
    }
}
