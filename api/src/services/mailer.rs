//! Delivering the outbox (`mail_outbox`) over SMTP with `lettre`.
//!
//! Each pass claims one message at a time with a lease (`status = SENDING`, `claimed_until`):
//! on PostgreSQL with `FOR UPDATE SKIP LOCKED`, so several instances never claim the same
//! message; on SQLite the claim is one write, which SQLite serialises. The claim commits before
//! the message is sent. After the SMTP server accepts it the message is marked `SENT`; after a
//! refusal or an unreachable server it goes back to `PENDING` with its last error and a later
//! `next_attempt_at` (30 s doubling, at most an hour). A process killed while sending leaves
//! the message `SENDING` until its lease ends, and another pass sends it again: delivery is at
//! least once, with the same `Message-ID` each time so receiving systems can drop the copy,
//! and the outbox records the outcome once.

use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use entities::mail_message;
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, FromQueryResult, Statement,
};

use crate::error::{Error, Result};

/// How long a claimed message is held before another pass may send it.
const LEASE: Duration = Duration::minutes(2);
/// Most messages one pass sends.
const MAX_PER_PASS: usize = 200;
/// How long one SMTP exchange may take.
const SMTP_TIMEOUT: StdDuration = StdDuration::from_secs(20);

/// An SMTP connection setting and the sender's address.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer").field("from", &self.from).finish()
    }
}

impl Mailer {
    /// A mailer for an SMTP URL (`smtp://host:port`, `smtps://user:pass@host`,
    /// `smtp://host:587?tls=required`) sending as `from`.
    pub fn new(url: &str, from: &str) -> anyhow::Result<Self> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        Ok(Self {
            transport,
            from: from.parse()?,
        })
    }

    async fn send(&self, message: &mail_message::Model) -> std::result::Result<(), String> {
        let mut builder = Message::builder()
            .from(self.from.clone())
            .subject(message.subject.clone())
            .message_id(Some(format!(
                "<{}.{}@egov-tracker>",
                message.id,
                message.digest_key.replace(':', ".")
            )))
            .header(ContentType::TEXT_PLAIN);
        let mut any = false;
        for address in message
            .recipients
            .split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
        {
            match address.parse::<Mailbox>() {
                Ok(to) => {
                    builder = builder.to(to);
                    any = true;
                }
                Err(err) => tracing::warn!(%address, error = %err, "skipping an unusable address"),
            }
        }
        if !any {
            return Err("no usable recipient address".into());
        }
        let email = builder
            .body(message.body.clone())
            .map_err(|err| err.to_string())?;
        self.transport
            .send(email)
            .await
            .map(|_| ())
            .map_err(|err| err.to_string())
    }
}

/// What a delivery pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delivered {
    pub sent: usize,
    pub failed: usize,
}

/// Sends what is due in the outbox.
pub async fn deliver(db: &DatabaseConnection, mailer: &Mailer) -> Result<Delivered> {
    let mut done = Delivered::default();
    for _ in 0..MAX_PER_PASS {
        let now = Utc::now();
        let Some(message) = claim(db, now).await? else {
            break;
        };
        match mailer.send(&message).await {
            Ok(()) => {
                finish(db, message.id, None, now).await?;
                done.sent += 1;
            }
            Err(error) => {
                tracing::warn!(message = message.id, %error, "sending a reminder digest failed; it will be retried");
                finish(db, message.id, Some((error, message.attempts)), now).await?;
                done.failed += 1;
            }
        }
    }
    Ok(done)
}

/// Claims the oldest message due (pending and due, or sending with an expired lease).
async fn claim(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<Option<mail_message::Model>> {
    let backend = db.get_database_backend();
    let lock = if backend == DbBackend::Postgres {
        " FOR UPDATE SKIP LOCKED"
    } else {
        ""
    };
    let sql = format!(
        "UPDATE mail_outbox SET status = 'SENDING', claimed_until = $1, attempts = attempts + 1
         WHERE id = (SELECT id FROM mail_outbox
           WHERE (status = 'PENDING' AND next_attempt_at <= $2)
              OR (status = 'SENDING' AND claimed_until < $2)
           ORDER BY id LIMIT 1{lock})
         RETURNING *"
    );
    let sql = if backend == DbBackend::Postgres {
        sql
    } else {
        sql.replace('$', "?")
    };
    let statement =
        Statement::from_sql_and_values(backend, sql, [(now + LEASE).into(), now.into()]);
    let row = db.query_one_raw(statement).await?;
    row.map(|row| mail_message::Model::from_query_result(&row, ""))
        .transpose()
        .map_err(Error::from)
}

/// Records the outcome of a send.
async fn finish(
    db: &DatabaseConnection,
    id: i32,
    failure: Option<(String, i32)>,
    now: DateTime<Utc>,
) -> Result<()> {
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, QueryFilter};
    let update = mail_message::Entity::update_many()
        .filter(mail_message::Column::Id.eq(id))
        .col_expr(
            mail_message::Column::ClaimedUntil,
            Expr::value(None::<DateTime<Utc>>),
        );
    let update = match failure {
        None => update
            .col_expr(mail_message::Column::Status, Expr::value("SENT"))
            .col_expr(mail_message::Column::SentAt, Expr::value(now))
            .col_expr(mail_message::Column::LastError, Expr::value(None::<String>)),
        Some((error, attempts)) => {
            let wait = 30i64.saturating_mul(1 << attempts.clamp(0, 7)).min(3600);
            let error: String = error.chars().take(1000).collect();
            update
                .col_expr(mail_message::Column::Status, Expr::value("PENDING"))
                .col_expr(
                    mail_message::Column::NextAttemptAt,
                    Expr::value(now + Duration::seconds(wait)),
                )
                .col_expr(mail_message::Column::LastError, Expr::value(error))
        }
    };
    update.exec(db).await?;
    Ok(())
}
