//! Building and running the service: database, migrations, seed data, schema, listener.
//!
//! The binary and the integration tests start the service the same way, through
//! [`Application::build`], so the tests exercise exactly what users run.

use std::net::SocketAddr;

use anyhow::Context;
use migration::{Migrator, MigratorTrait};
use poem::listener::{Acceptor, Listener, TcpAcceptor, TcpListener};
use poem::Server;
use sea_orm::DatabaseConnection;
use seeds::{LoadOutcome, SeedData};

use std::sync::Arc;

use crate::auth::{self, Keys};
use crate::config::Config;
use crate::graphql::{ReadPolicy, SchemaDeps};
use crate::services::events::Events;
use crate::services::sessions::Sessions;
use crate::{db, graphql, http};

/// Brings the database to the latest schema and loads the plan if this seed version is new.
pub async fn prepare_database(db: &DatabaseConnection) -> anyhow::Result<LoadOutcome> {
    Migrator::up(db, None)
        .await
        .context("running database migrations")?;
    let data = SeedData::parse().context("reading the seed data")?;
    let outcome = seeds::load(db, &data)
        .await
        .context("loading the seed data")?;
    match outcome {
        LoadOutcome::Applied => tracing::info!(digest = data.digest(), "seed data loaded"),
        LoadOutcome::AlreadyApplied => {
            tracing::info!(digest = data.digest(), "seed data already present")
        }
    }
    Ok(outcome)
}

/// A service that is ready to accept connections.
pub struct Application {
    acceptor: TcpAcceptor,
    address: SocketAddr,
    db: DatabaseConnection,
    sessions: Arc<Sessions>,
    events: Events,
    read_policy: ReadPolicy,
}

impl Application {
    /// Connects, migrates, seeds and binds the listener.
    pub async fn build(config: &Config) -> anyhow::Result<Self> {
        let secret = auth::load_secret(config).context("loading the token secret")?;
        let keys = Keys::new(&secret).context("the token secret")?;
        let sessions = Arc::new(Sessions::new(
            keys,
            config.access_token_ttl,
            config.session_ttl,
        ));
        let db = db::connect(config).await?;
        prepare_database(&db).await?;
        let acceptor = TcpListener::bind(config.bind.to_string())
            .into_acceptor()
            .await
            .with_context(|| format!("binding {}", config.bind))?;
        let address = acceptor
            .local_addr()
            .into_iter()
            .find_map(|addr| addr.as_socket_addr().copied())
            .context("the listener has no socket address")?;
        Ok(Self {
            acceptor,
            address,
            db,
            sessions,
            events: Events::default(),
            read_policy: ReadPolicy {
                require_sign_in: config.require_sign_in,
            },
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
        let schema = graphql::build_schema(SchemaDeps {
            db: self.db.clone(),
            sessions: self.sessions.clone(),
            events: self.events,
            read_policy: self.read_policy,
        });
        let app = http::routes(schema, self.db, self.sessions, self.read_policy);
        Server::new_with_acceptor(self.acceptor)
            .run_with_graceful_shutdown(app, shutdown_signal(), None)
            .await
            .context("serving HTTP")
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
