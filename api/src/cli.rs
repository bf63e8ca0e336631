//! The command line: what each `egov-tracker` subcommand does.
//!
//! Lives in the library so that the shipping binary and the test suite's copy of it (used to
//! kill a running server in durability tests) run exactly the same code.

use std::io::Read;

use crate::config::{Cli, Command, Config, SeedCommand, UserCommand, DEFAULT_BIND};
use crate::services::users;
use crate::{backup, db, graphql, startup, Application};
use anyhow::Context;
use tracing_subscriber::EnvFilter;

/// Logs to standard error, filtered by `RUST_LOG` (default `info`).
pub fn init_tracing() {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
}

/// Runs one subcommand to completion.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let default_bind = DEFAULT_BIND.parse().context("default bind address")?;
    match cli.command {
        Command::Serve {
            bind,
            response_cache,
            auth,
            limits,
            reminders,
        } => {
            let mut config = Config::new(cli.storage, bind).with_auth(auth);
            config.response_cache = response_cache;
            config.limits = limits.into();
            config.reminders = reminders.into();
            let app = Application::build(&config).await?;
            let address = app.address();
            tracing::info!(database = %db::resolve_url(&config).redacted(), "database ready");
            println!("egov-tracker is serving GraphQL at http://{address}/graphql (GraphiQL in a browser)");
            app.run_until_stopped().await
        }
        Command::Remind {
            as_of,
            public_url,
            reminders,
        } => {
            let mut config = Config::new(cli.storage, default_bind);
            config.reminders = reminders.into();
            let conn = db::connect(&config).await?;
            startup::prepare_database(&conn).await?;
            let calendar = std::sync::Arc::new(config.calendar()?);
            let worker = crate::worker::Reminders::new(
                conn,
                crate::services::figures::Figures::default(),
                calendar,
                &config.reminders,
                public_url,
            )?;
            let as_of = as_of.unwrap_or_else(crate::services::clock::today);
            let (outcome, delivered) = worker.once(as_of).await?;
            println!(
                "reminders as of {as_of}: {} new, {} notifications, {} digests queued",
                outcome.reminders, outcome.notifications, outcome.digests
            );
            match delivered {
                Some(d) => println!("mail: {} sent, {} failed (retried later)", d.sent, d.failed),
                None => println!("mail: EGOV_SMTP_URL is not set, nothing mailed"),
            }
            Ok(())
        }
        Command::Migrate => {
            let config = Config::new(cli.storage, default_bind);
            let conn = db::connect(&config).await?;
            startup::migrate(&conn).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::Seed { what } => {
            let config = Config::new(cli.storage, default_bind);
            let conn = db::connect(&config).await?;
            let outcome = startup::prepare_database(&conn).await?;
            println!("seed data: {outcome:?}");
            match what {
                None => Ok(()),
                Some(SeedCommand::Synthetic {
                    provinces,
                    years,
                    seed,
                }) => synthetic_command(&conn, provinces, years, seed).await,
            }
        }
        Command::User { command } => {
            let config = Config::new(cli.storage, default_bind);
            let conn = db::connect(&config).await?;
            startup::prepare_database(&conn).await?;
            user_command(&conn, command).await
        }
        Command::Backup { to } => {
            let config = Config::new(cli.storage, default_bind);
            let conn = db::connect(&config).await?;
            backup::backup(&db::resolve_url(&config), &conn, &to).await?;
            println!("backup written to {}", to.display());
            Ok(())
        }
        Command::Report { as_of, out, lang } => {
            let config = Config::new(cli.storage, default_bind);
            let conn = db::connect(&config).await?;
            startup::prepare_database(&conn).await?;
            let lang = reports::model::Lang::parse(&lang)
                .with_context(|| format!("--lang must be vi or en, not {lang:?}"))?;
            let as_of = as_of.unwrap_or_else(crate::services::clock::today);
            report_command(&conn, as_of, lang, &out).await
        }
        Command::Schema { out } => {
            let sdl = graphql::sdl();
            match out {
                Some(path) => std::fs::write(&path, sdl)
                    .with_context(|| format!("writing {}", path.display()))?,
                None => print!("{sdl}"),
            }
            Ok(())
        }
    }
}

/// Renders the whole set of reports into `out`, with a progress bar when standard error is a
/// terminal.
async fn report_command(
    conn: &sea_orm::DatabaseConnection,
    as_of: chrono::NaiveDate,
    lang: reports::model::Lang,
    out: &std::path::Path,
) -> anyhow::Result<()> {
    use std::io::{IsTerminal, Write};

    use crate::services::downloads::{self, Options};

    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let kpi_codes: Vec<String> = crate::services::kpis::list(conn)
        .await?
        .into_iter()
        .map(|k| k.code)
        .collect();
    let targets = downloads::full_set(&kpi_codes);
    let options = Options {
        lang,
        ..Options::new(as_of)
    };
    let terminal = std::io::stderr().is_terminal();
    let total = targets.len();
    for (done, target) in targets.iter().enumerate() {
        let download = downloads::download(conn, target, options)
            .await
            .map_err(|err| anyhow::anyhow!("rendering {target:?}: {err:?}"))?;
        let path = out.join(&download.file_name);
        std::fs::write(&path, &download.bytes)
            .with_context(|| format!("writing {}", path.display()))?;
        if terminal {
            let width = 30;
            let filled = (done + 1) * width / total;
            eprint!(
                "\r[{}{}] {}/{} {:<40}",
                "#".repeat(filled),
                "-".repeat(width - filled),
                done + 1,
                total,
                download.file_name
            );
            std::io::stderr().flush().ok();
        } else {
            eprintln!("wrote {}", path.display());
        }
    }
    if terminal {
        eprintln!();
    }
    println!("{total} files as of {as_of} written to {}", out.display());
    Ok(())
}

/// Generates the synthetic national data set (`seed synthetic`) and prints what is there.
async fn synthetic_command(
    conn: &sea_orm::DatabaseConnection,
    provinces: u32,
    years: u32,
    seed: u64,
) -> anyhow::Result<()> {
    let options = seeds::synthetic::Options {
        provinces,
        years,
        seed,
    };
    let summary = seeds::synthetic::generate(conn, &options)
        .await
        .context("generating the synthetic data set")?;
    if summary.provinces_created > 0 {
        crate::services::figures::mark(conn)
            .await
            .context("advancing the data version after generating")?;
    }
    println!("{summary}");
    Ok(())
}

/// Reads a password from standard input, without its final line break.
fn password_from_stdin() -> anyhow::Result<String> {
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .context("reading the password from standard input")?;
    let password = input
        .strip_suffix('\n')
        .map(|p| p.strip_suffix('\r').unwrap_or(p))
        .unwrap_or(&input);
    Ok(password.to_owned())
}

async fn user_command(
    conn: &sea_orm::DatabaseConnection,
    command: UserCommand,
) -> anyhow::Result<()> {
    let writes = !matches!(command, UserCommand::List);
    match command {
        UserCommand::Add {
            username,
            role,
            agency,
            email,
            password_stdin: _,
        } => {
            let role = users::parse_role(&role)?;
            let password = password_from_stdin()?;
            let user = users::create(
                conn,
                users::NewUser {
                    username,
                    password,
                    role,
                    agency_code: agency,
                    email,
                },
            )
            .await?;
            println!("created {} ({})", user.username, user.role.as_str());
        }
        UserCommand::List => {
            let agencies = crate::services::agencies::list(conn, None).await?;
            for user in users::list(conn).await? {
                let agency = user
                    .agency_id
                    .and_then(|id| agencies.iter().find(|a| a.id == id))
                    .map_or("-", |a| a.code.as_str());
                let state = if user.disabled { "disabled" } else { "active" };
                println!(
                    "{}\t{}\t{}\t{}",
                    user.username,
                    user.role.as_str(),
                    agency,
                    state
                );
            }
        }
        UserCommand::Disable { username } => {
            let user = users::disable(conn, &username).await?;
            println!("disabled {}", user.username);
        }
        UserCommand::ResetPassword {
            username,
            password_stdin: _,
        } => {
            let password = password_from_stdin()?;
            let user = users::reset_password(conn, &username, password).await?;
            println!(
                "password reset for {}; its sessions have ended",
                user.username
            );
        }
    }
    if writes {
        crate::services::figures::mark(conn)
            .await
            .context("advancing the data version after changing accounts")?;
    }
    Ok(())
}
