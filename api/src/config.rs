//! Settings, built once in `main` from command-line flags with environment fallbacks.
//!
//! Nothing else in the service reads the environment. `.env.sample` documents every variable.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

/// Default address the service listens on.
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

/// Command line of the `egov-tracker` binary.
#[derive(Debug, Parser)]
#[command(
    name = "egov-tracker",
    version,
    about = "Tracks Hải Dương's e-government action plan 681/KH-UBND over GraphQL"
)]
pub struct Cli {
    #[command(flatten)]
    pub storage: StorageArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Where the data lives; shared by every subcommand.
#[derive(Debug, Clone, Args)]
pub struct StorageArgs {
    /// Database URL: `sqlite://PATH` or `postgres://USER@HOST/DB`. Default: SQLite in the data directory.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<DatabaseUrl>,
    /// Directory for the embedded SQLite database and other local state.
    #[arg(long, env = "EGOV_DATA_DIR", default_value = "./data", global = true)]
    pub data_dir: PathBuf,
    /// Most database connections this process opens (size it so that instances × this stays
    /// below the PostgreSQL server's `max_connections`).
    #[arg(
        long,
        env = "EGOV_DB_MAX_CONNECTIONS",
        default_value_t = 10,
        global = true,
        value_parser = clap::value_parser!(u32).range(1..)
    )]
    pub db_max_connections: u32,
    /// The province's reporting calendar (a TOML file in the format of
    /// `seeds/data/reporting.toml`): which period kinds are in force, the cut-off day and the
    /// deadlines. Unset: the built-in calendar after Decree 09/2019/NĐ-CP.
    #[arg(long, env = "EGOV_REPORTING_CALENDAR", global = true)]
    pub reporting_calendar: Option<PathBuf>,
}

/// Sign-in settings for `serve`.
#[derive(Debug, Clone, Args)]
pub struct AuthArgs {
    /// HMAC secret for access tokens, at least 32 bytes. Unset: generated once and kept in the
    /// data directory (owner-only permissions). Set it when several instances share a database.
    #[arg(long, env = "EGOV_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<Secret>,
    /// Lifetime of an access token, in minutes.
    #[arg(long, env = "EGOV_ACCESS_TOKEN_MINUTES", default_value_t = 30)]
    pub access_token_minutes: u32,
    /// Longest a sign-in session lasts through refreshes, in hours.
    #[arg(long, env = "EGOV_SESSION_HOURS", default_value_t = 8)]
    pub session_hours: u32,
    /// Make every read require sign-in (by default the plan and its progress are public).
    #[arg(long, env = "EGOV_REQUIRE_SIGN_IN", default_value_t = false)]
    pub require_sign_in: bool,
    /// The address browsers reach the service at, e.g. `https://egov.haiduong.gov.vn`; when it
    /// is https, session cookies are marked `Secure`.
    #[arg(long, env = "EGOV_PUBLIC_URL", value_parser = parse_public_url)]
    pub public_url: Option<String>,
}

/// Parses `--public-url`: an absolute http or https URL.
fn parse_public_url(text: &str) -> Result<String, String> {
    let text = text.trim();
    let lower = text.to_ascii_lowercase();
    match lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
    {
        Some(rest) if !rest.is_empty() && !rest.starts_with('/') => {
            Ok(text.trim_end_matches('/').to_owned())
        }
        _ => Err("expected an http:// or https:// URL, e.g. https://egov.haiduong.gov.vn".into()),
    }
}

/// Reminders (`serve` and `remind`): when the pass runs and how its digests are mailed.
#[derive(Debug, Clone, Args)]
pub struct ReminderArgs {
    /// SMTP server for reminder digests, e.g. `smtp://mail.haiduong.gov.vn:587?tls=required`
    /// or `smtps://user:password@mail.example:465`. Unset: nothing is mailed; notifications
    /// are still shown in the app.
    #[arg(long, env = "EGOV_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<Secret>,
    /// The sender of reminder digests.
    #[arg(
        long,
        env = "EGOV_MAIL_FROM",
        default_value = "egov-tracker <no-reply@localhost>"
    )]
    pub mail_from: String,
    /// Days before a due date when lead agencies are reminded, comma-separated.
    #[arg(long, env = "EGOV_REMINDER_DAYS", default_value = "30,7,1", value_delimiter = ',',
          value_parser = clap::value_parser!(i64).range(0..=366))]
    pub reminder_days: Vec<i64>,
    /// Seconds between two reminder passes of `serve` (0: no pass; run `remind` from cron
    /// instead). The first pass runs at start, so a service that was down catches up.
    #[arg(long, env = "EGOV_REMINDER_INTERVAL", default_value_t = 300,
          value_parser = clap::value_parser!(u64).range(0..=86_400))]
    pub reminder_interval: u64,
}

/// Bounds on what clients can make the service hold or do at once (`serve`); see
/// `docs/security.md`.
#[derive(Debug, Clone, Args)]
pub struct LimitArgs {
    /// Most client connections held at once; at the limit, the connection that has waited
    /// longest without a request in progress is closed to make room. Keep it below the
    /// process's file-descriptor limit.
    #[arg(long, env = "EGOV_MAX_CONNECTIONS", default_value_t = 512,
          value_parser = clap::value_parser!(u32).range(8..=100_000))]
    pub max_connections: u32,
    /// Seconds a client has to send a request's headers, and the longest an idle keep-alive
    /// connection is kept.
    #[arg(long, env = "EGOV_HEADER_TIMEOUT_SECONDS", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(1..=600))]
    pub header_timeout_seconds: u32,
    /// Most reports and charts rendered at once (rendering is the service's most memory-hungry
    /// work).
    #[arg(long, env = "EGOV_MAX_RENDERS", default_value_t = 2,
          value_parser = clap::value_parser!(u32).range(1..=64))]
    pub max_renders: u32,
    /// Seconds a download waits for a free render before it is answered 503 with `Retry-After`.
    #[arg(long, env = "EGOV_RENDER_WAIT_SECONDS", default_value_t = 5,
          value_parser = clap::value_parser!(u32).range(0..=120))]
    pub render_wait_seconds: u32,
    /// Largest file attached to a report, in MiB (the whole report may be this times
    /// `--max-attachments` and is held in memory while it is checked).
    #[arg(long, env = "EGOV_MAX_ATTACHMENT_MB", default_value_t = 20,
          value_parser = clap::value_parser!(u32).range(1..=200))]
    pub max_attachment_mb: u32,
    /// Most files attached to one report.
    #[arg(long, env = "EGOV_MAX_ATTACHMENTS", default_value_t = 5,
          value_parser = clap::value_parser!(u32).range(1..=20))]
    pub max_attachments: u32,
}

/// The bounds of [`LimitArgs`], as durations and counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most client connections held at once.
    pub max_connections: usize,
    /// Time allowed for a request's headers; also the idle keep-alive timeout.
    pub header_timeout: Duration,
    /// Most renders at once.
    pub max_renders: usize,
    /// How long a download waits for a render slot.
    pub render_wait: Duration,
    /// How many files a report may carry and how large each may be.
    pub attachments: crate::services::attachments::Limits,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_connections: 512,
            header_timeout: Duration::from_secs(10),
            max_renders: 2,
            render_wait: Duration::from_secs(5),
            attachments: crate::services::attachments::Limits::default(),
        }
    }
}

impl From<LimitArgs> for Limits {
    fn from(args: LimitArgs) -> Self {
        Self {
            max_connections: args.max_connections as usize,
            header_timeout: Duration::from_secs(u64::from(args.header_timeout_seconds)),
            max_renders: args.max_renders as usize,
            render_wait: Duration::from_secs(u64::from(args.render_wait_seconds)),
            attachments: crate::services::attachments::Limits::new(
                args.max_attachment_mb,
                args.max_attachments,
            ),
        }
    }
}

/// What the binary should do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Migrate, seed on first start, and serve GraphQL over HTTP.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "EGOV_BIND", default_value = DEFAULT_BIND)]
        bind: SocketAddr,
        /// Answer repeated GraphQL requests from a cache filed under the data version (never
        /// older than an acknowledged write); `false` computes every answer.
        #[arg(long, env = "EGOV_RESPONSE_CACHE", default_value_t = true, action = clap::ArgAction::Set)]
        response_cache: bool,
        #[command(flatten)]
        auth: AuthArgs,
        #[command(flatten)]
        limits: LimitArgs,
        #[command(flatten)]
        reminders: ReminderArgs,
    },
    /// Run one reminder pass for a date and deliver the outbox, then exit (for cron, and for
    /// catching up by hand).
    Remind {
        /// The date to remind as of (YYYY-MM-DD); default today in Vietnam.
        #[arg(long, value_parser = parse_as_of)]
        as_of: Option<chrono::NaiveDate>,
        /// The address links in e-mails start with.
        #[arg(long, env = "EGOV_PUBLIC_URL", value_parser = parse_public_url)]
        public_url: Option<String>,
        #[command(flatten)]
        reminders: ReminderArgs,
    },
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Write a consistent copy of the database while the service runs.
    Backup {
        /// File to write (SQLite: a database file; PostgreSQL: a pg_dump custom-format archive).
        #[arg(long)]
        to: PathBuf,
    },
    /// Apply pending migrations and exit.
    Migrate,
    /// Migrate, then load the plan's seed data (idempotent) and exit; `seed synthetic` then adds
    /// a synthetic national data set.
    Seed {
        #[command(subcommand)]
        what: Option<SeedCommand>,
    },
    /// Render every chart (PNG and SVG), the consolidated PDF, the CSV and the XLSX as of a date
    /// into a directory, offline.
    Report {
        /// The date the figures are as of (YYYY-MM-DD, 2000-01-01 to 2100-12-31); default today
        /// in Vietnam.
        #[arg(long, value_parser = parse_as_of)]
        as_of: Option<chrono::NaiveDate>,
        /// Directory to write into (created if missing).
        #[arg(long)]
        out: PathBuf,
        /// Language of the labels: vi or en.
        #[arg(long, default_value = "vi")]
        lang: String,
    },
    /// Print the GraphQL schema (SDL), or write it to a file.
    Schema {
        /// File to write instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// Parses `--as-of` within the dates the service accepts.
fn parse_as_of(text: &str) -> Result<chrono::NaiveDate, String> {
    crate::services::clock::parse_date(text).map_err(|err| err.to_string())
}

/// What `seed` loads besides the plan's own seed data.
#[derive(Debug, Subcommand)]
pub enum SeedCommand {
    /// After the plan's seed data, generate a deterministic synthetic data set for load tests:
    /// a plan, agencies, the 27 tasks, assignments and monthly reports for each of Vietnam's
    /// provinces (about 1,000,000 history rows for 63 provinces over 10 years). Idempotent: a
    /// province already generated with the same options is kept, one generated with other
    /// options is regenerated.
    Synthetic {
        /// Number of synthetic provinces (1-63).
        #[arg(long, default_value_t = 63, value_parser = clap::value_parser!(u32).range(1..=63))]
        provinces: u32,
        /// Years of monthly reports from May 2016 (1-10).
        #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=10))]
        years: u32,
        /// Seed of the pseudo-random generator; the same seed gives the same data.
        #[arg(long, default_value_t = 681)]
        seed: u64,
    },
}

/// Account commands.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account; the password is read from standard input.
    Add {
        #[arg(long)]
        username: String,
        /// planner, agency or leader.
        #[arg(long)]
        role: String,
        /// Agency code; required for the agency role.
        #[arg(long)]
        agency: Option<String>,
        /// Where reminders are mailed (optional).
        #[arg(long)]
        email: Option<String>,
        /// Read the password from standard input (required: passwords never go on the command line).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// List accounts.
    List,
    /// Disable an account; its tokens stop working at once.
    Disable { username: String },
    /// Set a new password, read from standard input, and end the account's sessions.
    ResetPassword {
        username: String,
        #[arg(long, required = true)]
        password_stdin: bool,
    },
}

/// A secret string that never reaches logs or `Debug` output.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(s.to_owned()))
    }
}

/// A database URL whose password never reaches logs or `Debug` output.
#[derive(Clone)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    /// Wraps a URL.
    pub fn new(url: impl Into<String>) -> Self {
        Self(url.into())
    }

    /// The URL itself, for the database driver only.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether this is a SQLite URL.
    pub fn is_sqlite(&self) -> bool {
        self.0.starts_with("sqlite:")
    }

    /// The URL with any password replaced by `***`.
    pub fn redacted(&self) -> String {
        match (self.0.find("://"), self.0.rfind('@')) {
            (Some(scheme), Some(at)) if at > scheme => {
                let userinfo = &self.0[scheme + 3..at];
                match userinfo.find(':') {
                    Some(colon) => format!(
                        "{}{}:***{}",
                        &self.0[..scheme + 3],
                        &userinfo[..colon],
                        &self.0[at..]
                    ),
                    None => self.0.clone(),
                }
            }
            _ => self.0.clone(),
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl std::str::FromStr for DatabaseUrl {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.starts_with("sqlite:")
            || s.starts_with("postgres://")
            || s.starts_with("postgresql://")
        {
            Ok(Self(s.to_owned()))
        } else {
            Err("expected a sqlite://… or postgres://… URL".into())
        }
    }
}

/// Everything the service needs to run.
#[derive(Debug, Clone)]
pub struct Config {
    /// Database to use; `None` means SQLite at `data_dir/egov-tracker.db`.
    pub database_url: Option<DatabaseUrl>,
    /// Directory for local state.
    pub data_dir: PathBuf,
    /// Address to listen on (port 0 picks a free port).
    pub bind: SocketAddr,
    /// Maximum database connections in the pool.
    pub max_connections: u32,
    /// Token secret; `None` means the one kept in the data directory.
    pub jwt_secret: Option<Secret>,
    /// Lifetime of an access token.
    pub access_token_ttl: Duration,
    /// Longest a session lasts through refreshes.
    pub session_ttl: Duration,
    /// Whether reads require sign-in.
    pub require_sign_in: bool,
    /// The address browsers reach the service at; https makes session cookies `Secure`.
    pub public_url: Option<String>,
    /// Whether whole GraphQL answers are cached.
    pub response_cache: bool,
    /// Bounds on connections, renders and attachments.
    pub limits: Limits,
    /// The reporting calendar's file; `None` means the built-in one.
    pub reporting_calendar: Option<PathBuf>,
    /// Reminder passes and their mail.
    pub reminders: ReminderSettings,
}

/// How reminders run.
#[derive(Debug, Clone)]
pub struct ReminderSettings {
    /// The SMTP server; `None` mails nothing.
    pub smtp_url: Option<Secret>,
    pub mail_from: String,
    pub due_days: Vec<i64>,
    /// Time between passes inside `serve`; `None` runs none.
    pub interval: Option<Duration>,
}

impl Default for ReminderSettings {
    fn default() -> Self {
        Self {
            smtp_url: None,
            mail_from: "egov-tracker <no-reply@localhost>".into(),
            due_days: crate::services::reminders::DEFAULT_DUE_DAYS.to_vec(),
            interval: None,
        }
    }
}

impl From<ReminderArgs> for ReminderSettings {
    fn from(args: ReminderArgs) -> Self {
        Self {
            smtp_url: args.smtp_url,
            mail_from: args.mail_from,
            due_days: args.reminder_days,
            interval: (args.reminder_interval > 0)
                .then(|| Duration::from_secs(args.reminder_interval)),
        }
    }
}

impl Config {
    /// Settings from the storage flags and a bind address, with default sign-in settings.
    pub fn new(storage: StorageArgs, bind: SocketAddr) -> Self {
        Self {
            database_url: storage.database_url,
            data_dir: storage.data_dir,
            bind,
            max_connections: storage.db_max_connections,
            jwt_secret: None,
            access_token_ttl: Duration::from_secs(30 * 60),
            session_ttl: Duration::from_secs(8 * 3600),
            require_sign_in: false,
            public_url: None,
            response_cache: true,
            limits: Limits::default(),
            reporting_calendar: storage.reporting_calendar,
            reminders: ReminderSettings::default(),
        }
    }

    /// The reporting calendar: the configured file, or the built-in one.
    pub fn calendar(&self) -> anyhow::Result<seeds::calendar::Calendar> {
        use anyhow::Context;
        match &self.reporting_calendar {
            None => seeds::calendar::Calendar::parse().context("the built-in reporting calendar"),
            Some(path) => {
                let text = std::fs::read_to_string(path).with_context(|| {
                    format!("reading the reporting calendar {}", path.display())
                })?;
                seeds::calendar::Calendar::from_toml(&text)
                    .with_context(|| format!("the reporting calendar {}", path.display()))
            }
        }
    }

    /// Applies the sign-in flags of `serve`.
    pub fn with_auth(mut self, auth: AuthArgs) -> Self {
        self.jwt_secret = auth.jwt_secret;
        self.access_token_ttl =
            Duration::from_secs(u64::from(auth.access_token_minutes.max(1)) * 60);
        self.session_ttl = Duration::from_secs(u64::from(auth.session_hours.max(1)) * 3600);
        self.require_sign_in = auth.require_sign_in;
        self.public_url = auth.public_url;
        self
    }

    /// Whether browsers reach the service over https (cookies are then `Secure`).
    pub fn public_url_is_https(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|url| url.to_ascii_lowercase().starts_with("https://"))
    }
}

#[cfg(test)]
mod tests {
    use super::{parse_public_url, DatabaseUrl};

    #[test]
    fn public_urls_are_absolute_http_or_https() {
        assert_eq!(
            parse_public_url("https://egov.haiduong.gov.vn/").as_deref(),
            Ok("https://egov.haiduong.gov.vn")
        );
        assert!(parse_public_url("http://10.0.0.5:8080").is_ok());
        assert!(parse_public_url("egov.haiduong.gov.vn").is_err());
        assert!(parse_public_url("https://").is_err());
        assert!(parse_public_url("ftp://x").is_err());
    }

    #[test]
    fn passwords_are_redacted_from_database_urls() {
        let url = DatabaseUrl::new("postgres://egov:s3cret@db.example/egov");
        assert_eq!(url.redacted(), "postgres://egov:***@db.example/egov");
        assert!(!format!("{url:?}").contains("s3cret"));
        assert_eq!(
            DatabaseUrl::new("sqlite://data/x.db").redacted(),
            "sqlite://data/x.db"
        );
    }
}
