//! One e-mail in the outbox: a daily digest of reminders, written with the reminders it
//! carries and then delivered by the reminder worker (at least once to the SMTP server; its
//! `status` records the outcome exactly once).

use sea_orm::entity::prelude::*;

/// One e-mail in the outbox and its delivery state.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "mail_outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// What makes it one of a kind: `agency:{id}:{date}` or `planners:{date}`.
    #[sea_orm(unique)]
    pub digest_key: String,
    /// Addresses, separated by commas.
    #[sea_orm(column_type = "Text")]
    pub recipients: String,
    #[sea_orm(column_type = "Text")]
    pub subject: String,
    /// Plain text, Vietnamese first, English after.
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub created_at: DateTimeUtc,
    /// `PENDING` (waiting or retrying), `SENDING` (claimed by an instance until
    /// `claimed_until`), `SENT`.
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    pub claimed_until: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    pub sent_at: Option<DateTimeUtc>,
}

/// Relations are followed with explicit queries in the services layer.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
