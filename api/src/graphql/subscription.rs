//! Subscription root: accepted status reports as they happen (websocket on `/graphql/ws`).

use async_graphql::{Context, Result, Subscription};
use futures_util::Stream;
use tokio::sync::broadcast::error::RecvError;

use super::context::reader;
use super::types::TaskStatusChange;
use crate::services::events::Events;

/// Live feeds.
pub struct SubscriptionRoot;

#[Subscription]
impl SubscriptionRoot {
    /// Every accepted status report, or only those on one task.
    async fn task_status_changed(
        &self,
        ctx: &Context<'_>,
        task_number: Option<i32>,
    ) -> Result<impl Stream<Item = TaskStatusChange>> {
        reader(ctx)?;
        let receiver = ctx.data::<Events>()?.subscribe();
        Ok(futures_util::stream::unfold(
            receiver,
            move |mut receiver| async move {
                loop {
                    match receiver.recv().await {
                        Ok(event) if task_number.is_none_or(|n| n == event.task_number) => {
                            return Some((TaskStatusChange::from(event), receiver))
                        }
                        Ok(_) | Err(RecvError::Lagged(_)) => continue,
                        Err(RecvError::Closed) => return None,
                    }
                }
            },
        ))
    }
}
