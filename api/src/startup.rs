//! Building and running the service: database, migrations, seed data, schema, listener.
//!
//! The binary and the integration tests start the service the same way, through
//! [`Application::build`], so the tests exercise exactly what users run.

use std::net::SocketAddr;

use anyhow::Context;
use migration::{Migrator, MigratorTrait};
use sea_orm::{DatabaseConnection, DbBackend};
use seeds::calendar::Calendar;
use seeds::{LoadOutcome, SeedData};
use tokio::net::TcpListener;

use std::sync::Arc;

use crate::auth::{self, Keys};
use crate::config::{Config, Limits};
use crate::graphql::{ReadPolicy, SchemaDeps};
use crate::services::events::{self, Events};
use crate::services::figures::{self, Figures};
use crate::services::renders::Renders;
use crate::services::sessions::Sessions;
use crate::{db, graphql, http, server};

/// Key of the PostgreSQL advisory lock held while migrating and seeding (ASCII "egov").
const SCHEMA_LOCK: i64 = 0x6567_6f76;

/// Holds PostgreSQL's advisory lock [`SCHEMA_LOCK`] on a connection of its own, so that of several
/// instances starting together one migrates and seeds while the others wait, then find nothing
/// left to do. The lock goes with the connection if the process dies. SQLite needs no lock: its
/// migrations run in write transactions, which SQLite serialises.
struct SchemaLock(Option<sea_orm::sqlx::PgConnection>);

impl SchemaLock {
    async fn acquire(db: &DatabaseConnection) -> anyhow::Result<Self> {
        if db.get_database_backend() != DbBackend::Postgres {
            return Ok(Self(None));
        }
        let mut conn = db
            .get_postgres_connection_pool()
            .acquire()
            .await
            .context("opening a connection for the schema lock")?
            .detach();
        sea_orm::sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(SCHEMA_LOCK)
            .execute(&mut conn)
            .await
            .context("taking the schema lock")?;
        Ok(Self(Some(conn)))
    }

    async fn release(self) {
        if let Some(mut conn) = self.0 {
            let _ = sea_orm::sqlx::query("SELECT pg_advisory_unlock($1)")
                .bind(SCHEMA_LOCK)
                .execute(&mut conn)
                .await;
            let _ = sea_orm::sqlx::Connection::close(conn).await;
        }
    }
}

/// Applies pending migrations, one instance at a time.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    let lock = SchemaLock::acquire(db).await?;
    let result = Migrator::up(db, None)
        .await
        .context("running database migrations");
    lock.release().await;
    result
}

/// Brings the database to the latest schema and loads the plan if this seed version is new,
/// one instance at a time.
pub async fn prepare_database(db: &DatabaseConnection) -> anyhow::Result<LoadOutcome> {
    let lock = SchemaLock::acquire(db).await?;
    let result = migrate_and_seed(db).await;
    lock.release().await;
    result
}

async fn migrate_and_seed(db: &DatabaseConnection) -> anyhow::Result<LoadOutcome> {
    Migrator::up(db, None)
        .await
        .context("running database migrations")?;
    let data = SeedData::parse().context("reading the seed data")?;
    let outcome = seeds::load(db, &data)
        .await
        .context("loading the seed data")?;
    match outcome {
        LoadOutcome::Applied => {
            figures::mark(db)
                .await
                .context("advancing the data version after seeding")?;
            tracing::info!(digest = data.digest(), "seed data loaded")
        }
        LoadOutcome::AlreadyApplied => {
            tracing::info!(digest = data.digest(), "seed data already present")
        }
    }
    Ok(outcome)
}

/// A service that is ready to accept connections.
pub struct Application {
    listener: TcpListener,
    address: SocketAddr,
    db: DatabaseConnection,
    sessions: Arc<Sessions>,
    events: Events,
    figures: Figures,
    read_policy: ReadPolicy,
    response_cache: bool,
    limits: Limits,
    site: crate::pages::Site,
    calendar: Arc<Calendar>,
    reminders: crate::worker::Reminders,
    reminder_interval: Option<std::time::Duration>,
}

impl Application {
    /// Connects, migrates, seeds and binds the listener.
    pub async fn build(config: &Config) -> anyhow::Result<Self> {
        let calendar = Arc::new(config.calendar()?);
        let secret = auth::load_secret(config).context("loading the token secret")?;
        let keys = Keys::new(&secret).context("the token secret")?;
        let sessions = Arc::new(Sessions::new(
            keys,
            config.access_token_ttl,
            config.session_ttl,
        ));
        let db = db::connect(config).await?;
        prepare_database(&db).await?;
        let events = Events::for_backend(db.get_database_backend());
        let figures = Figures::default();
        if db.get_database_backend() == DbBackend::Postgres {
            events::listen(
                db::resolve_url(config).expose(),
                events.clone(),
                figures.clone(),
            )
            .await
            .context("listening for changes made through other instances")?;
        }
        let reminders = crate::worker::Reminders::new(
            db.clone(),
            figures.clone(),
            calendar.clone(),
            &config.reminders,
            config.public_url.clone(),
        )?;
        let listener = TcpListener::bind(config.bind)
            .await
            .with_context(|| format!("binding {}", config.bind))?;
        let address = listener
            .local_addr()
            .context("the listener has no socket address")?;
        Ok(Self {
            listener,
            address,
            db,
            sessions,
            events,
            figures,
            read_policy: ReadPolicy {
                require_sign_in: config.require_sign_in,
            },
            response_cache: config.response_cache,
            limits: config.limits,
            site: crate::pages::Site {
                secure_cookies: config.public_url_is_https(),
            },
            calendar,
            reminders,
            reminder_interval: config.reminders.interval,
        })
    }

    /// The address actually bound (useful when the configured port was 0).
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The database connection pool the service uses.
    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// The feed of accepted changes (for tests that watch it).
    pub fn events(&self) -> &Events {
        &self.events
    }

    /// Serves until the process receives Ctrl-C or SIGTERM.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let responses = http::ResponseCache(self.response_cache.then(|| self.figures.clone()));
        let schema = graphql::build_schema(SchemaDeps {
            db: self.db.clone(),
            sessions: self.sessions.clone(),
            events: self.events.clone(),
            figures: self.figures.clone(),
            read_policy: self.read_policy,
            attachment_limits: self.limits.attachments,
            calendar: self.calendar.clone(),
        });
        let renders = Renders::new(self.limits.max_renders, self.limits.render_wait);
        let worker = self
            .reminder_interval
            .map(|interval| self.reminders.spawn(interval));
        let app = http::routes(
            schema,
            http::Shared {
                db: self.db,
                sessions: self.sessions,
                events: self.events,
                figures: self.figures,
                read_policy: self.read_policy,
                responses,
                renders,
                site: self.site,
                attachment_limits: self.limits.attachments,
                calendar: self.calendar,
            },
        );
        server::serve(self.listener, app, self.limits, shutdown_signal()).await;
        if let Some(worker) = worker {
            worker.abort();
        }
        Ok(())
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
