//! Test support: [`TestApp::spawn`] starts the real service on a fresh database of the chosen
//! backend and gives a client for it; [`app_test!`] runs one test body on SQLite and on
//! PostgreSQL.
//!
//! Each SQLite test gets its own temporary directory; each PostgreSQL test creates its own
//! database (`egov_test_<uuid>`) on the server named by `EGOV_TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`) and drops it afterwards.

use std::path::PathBuf;

use api::config::StorageArgs;
use api::{Application, Config, DatabaseUrl};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::{json, Value};

/// Which database a test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Administrative connection used to create and drop per-test PostgreSQL databases.
pub fn postgres_admin_url() -> String {
    std::env::var("EGOV_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

fn with_database(admin_url: &str, name: &str) -> String {
    match admin_url.rfind('/') {
        Some(slash) if slash > "postgres://".len() => format!("{}/{}", &admin_url[..slash], name),
        _ => format!("{admin_url}/{name}"),
    }
}

/// A fresh, empty database for one test: a temporary directory for SQLite, or a new
/// PostgreSQL database. Dropping it removes the directory and drops the database.
pub struct TestDatabase {
    /// `None` for SQLite: the service's default file in `dir`.
    pub url: Option<DatabaseUrl>,
    /// Data directory (SQLite file, token secret).
    pub dir: PathBuf,
    /// Which backend this is.
    pub backend: Backend,
    postgres_name: Option<String>,
}

impl TestDatabase {
    /// Creates the directory (and, for PostgreSQL, the database).
    pub async fn create(backend: Backend) -> TestDatabase {
        let id = uuid::Uuid::new_v4().simple().to_string();
        let dir = std::env::temp_dir().join(format!("egov-test-{id}"));
        std::fs::create_dir_all(&dir).expect("create the test directory");
        let (url, postgres_name) = match backend {
            Backend::Sqlite => (None, None),
            Backend::Postgres => {
                let name = format!("egov_test_{id}");
                let admin = Database::connect(postgres_admin_url())
                    .await
                    .expect("PostgreSQL is reachable (start it, or set EGOV_TEST_POSTGRES_URL)");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                    .await
                    .expect("create the test database");
                admin.close().await.ok();
                let url = with_database(&postgres_admin_url(), &name);
                (Some(DatabaseUrl::new(url)), Some(name))
            }
        };
        TestDatabase {
            url,
            dir,
            backend,
            postgres_name,
        }
    }

    /// Service settings for this database, listening on a free loopback port.
    pub fn config(&self) -> Config {
        Config::new(
            StorageArgs {
                database_url: self.url.clone(),
                data_dir: self.dir.clone(),
                db_max_connections: 4,
                reporting_calendar: None,
            },
            "127.0.0.1:0".parse().expect("loopback address"),
        )
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        if let Some(name) = self.postgres_name.take() {
            let statement = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("a runtime for cleanup");
                runtime.block_on(async {
                    if let Ok(admin) = Database::connect(postgres_admin_url()).await {
                        let _ = admin.execute_unprepared(&statement).await;
                        let _ = admin.close().await;
                    }
                });
            })
            .join();
        }
    }
}

/// A running service on its own fresh database.
pub struct TestApp {
    /// Base URL, e.g. `http://127.0.0.1:41234`.
    pub address: String,
    /// HTTP client for the service.
    pub client: reqwest::Client,
    /// Direct connection to the service's database, for checks behind the API's back.
    pub db: DatabaseConnection,
    /// Settings the service was started with (to start it again on the same data).
    pub config: Config,
    backend: Backend,
    _database: Option<TestDatabase>,
}

impl TestApp {
    /// Starts the service on a fresh database and waits until it serves.
    pub async fn spawn(backend: Backend) -> TestApp {
        Self::spawn_with(backend, |_| {}).await
    }

    /// Like [`TestApp::spawn`], with settings adjusted by `adjust` first.
    pub async fn spawn_with(backend: Backend, adjust: impl FnOnce(&mut Config)) -> TestApp {
        let database = TestDatabase::create(backend).await;
        let mut config = database.config();
        adjust(&mut config);
        let mut app = Self::start(&config).await;
        app._database = Some(database);
        app
    }

    /// Starts another service on the same data as `config` (a restart, or a second instance).
    pub async fn start(config: &Config) -> TestApp {
        let application = Application::build(config)
            .await
            .expect("the service starts");
        let address = format!("http://{}", application.address());
        let db = application.db().clone();
        tokio::spawn(application.run_until_stopped());
        let client = reqwest::Client::new();
        let health = client
            .get(format!("{address}/healthz"))
            .send()
            .await
            .expect("health check answers");
        assert_eq!(health.status(), 200);
        TestApp {
            address,
            client,
            db,
            config: config.clone(),
            backend: if config.database_url.is_some() {
                Backend::Postgres
            } else {
                Backend::Sqlite
            },
            _database: None,
        }
    }

    /// The backend this app runs on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Posts a raw body to `/graphql` and returns the status and the JSON answer.
    pub async fn post_raw(&self, body: impl Into<reqwest::Body>) -> (u16, Value) {
        self.post_as(None, body).await
    }

    /// Posts a raw body with an optional bearer token.
    pub async fn post_as(
        &self,
        token: Option<&str>,
        body: impl Into<reqwest::Body>,
    ) -> (u16, Value) {
        let mut request = self
            .client
            .post(format!("{}/graphql", self.address))
            .header("content-type", "application/json")
            .body(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("request is sent");
        let status = response.status().as_u16();
        let text = response.text().await.expect("response body");
        let json = serde_json::from_str(&text)
            .unwrap_or_else(|err| panic!("response is JSON ({err}): {text}"));
        (status, json)
    }

    /// Runs a GraphQL operation with variables as an optional signed-in user; the whole response.
    pub async fn graphql_as(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let body = json!({ "query": query, "variables": variables }).to_string();
        let (status, json) = self.post_as(token, body).await;
        assert_eq!(status, 200, "GraphQL answered {status}: {json}");
        json
    }

    /// Runs a GraphQL operation anonymously and returns the whole response.
    pub async fn graphql(&self, query: &str, variables: Value) -> Value {
        self.graphql_as(None, query, variables).await
    }

    /// Runs a query that must succeed and returns its `data`.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        self.data_as(None, query, variables).await
    }

    /// Runs an operation as a signed-in user; it must succeed. Returns its `data`.
    pub async fn data_as(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let response = self.graphql_as(token, query, variables).await;
        assert!(
            response.get("errors").is_none(),
            "unexpected errors: {}",
            response["errors"]
        );
        response["data"].clone()
    }

    /// Runs a query that must fail and returns its errors.
    pub async fn errors(&self, query: &str, variables: Value) -> Vec<Value> {
        self.errors_as(None, query, variables).await
    }

    /// Runs an operation as a signed-in user; it must fail. Returns its errors.
    pub async fn errors_as(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> Vec<Value> {
        let response = self.graphql_as(token, query, variables).await;
        response["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("expected errors, got {response}"))
            .clone()
    }

    /// Creates an account directly (as the `user add` command does) and returns its password.
    /// `role` is `planner`, `agency` or `leader`.
    pub async fn add_user(&self, username: &str, role: &str, agency: Option<&str>) -> String {
        let password = format!("{username}-pass-phrase-123");
        api::services::users::create(
            &self.db,
            api::services::users::NewUser {
                username: username.to_owned(),
                password: password.clone(),
                role: api::services::users::parse_role(role).expect("a role"),
                agency_code: agency.map(str::to_owned),
                email: None,
            },
        )
        .await
        .expect("create user");
        password
    }

    /// Signs in through GraphQL and returns `(access token, refresh token)`.
    pub async fn login(&self, username: &str, password: &str) -> (String, String) {
        let data = self
            .data(
                "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token refreshToken } }",
                json!({ "u": username, "p": password }),
            )
            .await;
        (
            data["login"]["token"].as_str().expect("token").to_owned(),
            data["login"]["refreshToken"]
                .as_str()
                .expect("refresh token")
                .to_owned(),
        )
    }

    /// Creates an account and signs it in; returns the access token.
    pub async fn signed_in(&self, username: &str, role: &str, agency: Option<&str>) -> String {
        let password = self.add_user(username, role, agency).await;
        self.login(username, &password).await.0
    }
}

/// The `code` extension of each error.
pub fn codes(errors: &[Value]) -> Vec<String> {
    errors
        .iter()
        .map(|e| {
            e["extensions"]["code"]
                .as_str()
                .unwrap_or("<none>")
                .to_owned()
        })
        .collect()
}

/// Declares a test that runs once on SQLite and once on PostgreSQL, each on a fresh database:
/// `app_test!(async fn name(app) { ... })` produces `name::on_sqlite` and `name::on_postgres`.
/// `app_test!(async fn name(app, |config| { ... }) { ... })` adjusts the settings first.
#[macro_export]
macro_rules! app_test {
    ($(#[$meta:meta])* async fn $name:ident($app:ident, $adjust:expr) $body:block) => {
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_sqlite() {
                let $app = $crate::TestApp::spawn_with($crate::Backend::Sqlite, $adjust).await;
                $body
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_postgres() {
                let $app = $crate::TestApp::spawn_with($crate::Backend::Postgres, $adjust).await;
                $body
            }
        }
    };
    ($(#[$meta:meta])* async fn $name:ident($app:ident) $body:block) => {
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_sqlite() {
                let $app = $crate::TestApp::spawn($crate::Backend::Sqlite).await;
                $body
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_postgres() {
                let $app = $crate::TestApp::spawn($crate::Backend::Postgres).await;
                $body
            }
        }
    };
}
