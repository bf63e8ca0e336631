//! The follow-up worker inside `serve`, and the one-off pass of `egov-tracker remind`: freeze
//! the reports of periods past their deadline ([`snapshots::freeze_due`]), decide the day's
//! reminders ([`reminders::pass`]), then deliver the outbox ([`mailer::deliver`]).
//!
//! The first pass runs when the service starts, so a service that was down catches up; then
//! one every `EGOV_REMINDER_INTERVAL` seconds. Several instances may run passes at once: the
//! unique keys of reminders and digests make a second decision a no-op, and the outbox's claim
//! gives each message to one instance.

use std::sync::Arc;

use anyhow::Context;
use chrono::NaiveDate;
use sea_orm::DatabaseConnection;
use seeds::calendar::Calendar;

use crate::config::ReminderSettings;
use crate::services::figures::Figures;
use crate::services::mailer::{self, Delivered, Mailer};
use crate::services::reminders::{self, PassOutcome, Settings};
use crate::services::{clock, snapshots};

/// Everything a pass needs.
#[derive(Clone)]
pub struct Reminders {
    pub db: DatabaseConnection,
    pub figures: Figures,
    pub calendar: Arc<Calendar>,
    pub settings: Settings,
    pub mailer: Option<Mailer>,
}

impl Reminders {
    /// Builds the mailer from the settings (none without an SMTP URL).
    pub fn new(
        db: DatabaseConnection,
        figures: Figures,
        calendar: Arc<Calendar>,
        config: &ReminderSettings,
        public_url: Option<String>,
    ) -> anyhow::Result<Self> {
        let mailer = match &config.smtp_url {
            Some(url) => Some(
                Mailer::new(url.expose(), &config.mail_from)
                    .context("EGOV_SMTP_URL or EGOV_MAIL_FROM is not usable")?,
            ),
            None => None,
        };
        Ok(Self {
            db,
            figures,
            calendar,
            settings: Settings {
                due_days: config.due_days.clone(),
                public_url,
            },
            mailer,
        })
    }

    /// One pass for `as_of`: the reports of periods whose deadline has passed are frozen, the
    /// day's reminders decided, then the outbox delivered when a mailer is set.
    pub async fn once(&self, as_of: NaiveDate) -> anyhow::Result<(PassOutcome, Option<Delivered>)> {
        let frozen = snapshots::freeze_due(&self.db, &self.calendar, as_of.min(clock::today()))
            .await
            .context("freezing the reports of periods past their deadline")?;
        for done in &frozen {
            tracing::info!(
                report = %snapshots::label(&done.snapshot),
                sha256 = %done.snapshot.sha256,
                "froze a period's report after its deadline"
            );
        }
        let outcome = reminders::pass(
            &self.db,
            &self.figures,
            &self.calendar,
            &self.settings,
            as_of,
        )
        .await
        .context("deciding reminders")?;
        let delivered = match &self.mailer {
            Some(mailer) => Some(
                mailer::deliver(&self.db, mailer)
                    .await
                    .context("delivering reminder digests")?,
            ),
            None => None,
        };
        Ok((outcome, delivered))
    }

    /// Runs a pass now and then every `interval`, for the life of the process.
    pub fn spawn(self, interval: std::time::Duration) -> tokio::task::JoinHandle<()> {
        if self.mailer.is_none() {
            tracing::info!(
                "EGOV_SMTP_URL is not set: reminders are shown in the app, none is mailed"
            );
        }
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(interval);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                match self.once(clock::today()).await {
                    Ok((outcome, delivered)) => {
                        tracing::debug!(?outcome, ?delivered, "reminder pass")
                    }
                    Err(err) => {
                        tracing::error!(error = ?err, "reminder pass failed; the next one retries")
                    }
                }
            }
        })
    }
}
