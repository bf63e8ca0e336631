//! The gate in front of rendering downloads: at most `EGOV_MAX_RENDERS` renders at once, and one
//! render for identical requests.
//!
//! Rendering a chart or a PDF is the service's most memory-hungry work; without a bound, a few
//! simultaneous `summary.pdf` downloads for different dates take gigabytes. A download that finds
//! every slot taken waits up to `EGOV_RENDER_WAIT_SECONDS`, then is refused with
//! [`Error::Busy`] (HTTP 503 with `Retry-After`). Requests for the same file, options, day and
//! data version share one render: the ones that arrive while it runs wait for it, and later ones
//! get its bytes from a small cache bounded by size (the data version in the key means no
//! answer outlives a write).

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use sea_orm::DatabaseConnection;
use tokio::sync::Semaphore;

use super::downloads::{self, Download, Options, Target};
use super::{clock, figures};
use crate::error::{Error, Result};

/// Most bytes of rendered files kept for reuse.
const KEPT_BYTES: u64 = 64 * 1024 * 1024;
/// How long a rendered file is kept after it was last asked for.
const KEPT_FOR: Duration = Duration::from_secs(10 * 60);

/// Everything that makes two renders give the same bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct RenderKey {
    target: Target,
    options: Options,
    version: i64,
    today: NaiveDate,
}

/// Bounds and shares renders; cheap to clone (one per service instance).
#[derive(Clone)]
pub struct Renders {
    slots: Arc<Semaphore>,
    wait: Duration,
    done: moka::future::Cache<RenderKey, Arc<Download>>,
}

impl Renders {
    /// A gate allowing `max_concurrent` renders at once (at least one), where a download waits
    /// at most `wait` for a slot.
    pub fn new(max_concurrent: usize, wait: Duration) -> Self {
        Self {
            slots: Arc::new(Semaphore::new(max_concurrent.max(1))),
            wait,
            done: moka::future::Cache::builder()
                .weigher(|_, download: &Arc<Download>| {
                    u32::try_from(download.bytes.len()).unwrap_or(u32::MAX)
                })
                .max_capacity(KEPT_BYTES)
                .time_to_idle(KEPT_FOR)
                .build(),
        }
    }

    /// Renders a download through the gate, or shares the bytes of an identical render.
    pub async fn download(
        &self,
        db: &DatabaseConnection,
        target: &Target,
        options: Options,
    ) -> Result<Arc<Download>> {
        let key = RenderKey {
            target: target.clone(),
            options,
            version: figures::version(db).await?,
            today: clock::today(),
        };
        self.done
            .try_get_with(key, async {
                let _slot = tokio::time::timeout(self.wait, self.slots.acquire())
                    .await
                    .map_err(|_| Error::Busy(self.retry_after()))?
                    .map_err(|err| Error::Internal(err.into()))?;
                match downloads::download(db, target, options).await {
                    Ok(download) => Ok(Arc::new(download)),
                    Err(Error::Internal(cause)) => {
                        tracing::error!(error = ?cause, "rendering a download failed");
                        Err(Error::Internal(cause))
                    }
                    Err(err) => Err(err),
                }
            })
            .await
            .map_err(|shared| unshare(&shared))
    }

    /// Seconds a refused download is told to wait before trying again.
    fn retry_after(&self) -> u64 {
        self.wait.as_secs().clamp(1, 30)
    }
}

/// The error of a shared render, for each of the requests that waited for it (internal causes
/// were logged once, where they happened).
fn unshare(err: &Error) -> Error {
    match err {
        Error::BadInput(message) => Error::BadInput(message.clone()),
        Error::NotFound(what) => Error::NotFound(what.clone()),
        Error::Unauthenticated => Error::Unauthenticated,
        Error::InvalidCredentials => Error::InvalidCredentials,
        Error::Forbidden(message) => Error::Forbidden(message.clone()),
        Error::Conflict(message) => Error::Conflict(message.clone()),
        Error::TooManyRequests => Error::TooManyRequests,
        Error::Busy(seconds) => Error::Busy(*seconds),
        Error::Internal(_) => Error::Internal(anyhow::anyhow!("a shared render failed")),
    }
}
