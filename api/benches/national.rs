//! Figures at national size: how long `ranking` and `planProgress` of one province and
//! `planStandings` of every province take to compute (the services, uncached, in-process), how
//! that grows with the history, and what reading the whole history instead would cost.
//!
//! Run against a database holding the synthetic national data set:
//!
//! ```sh
//! egov-tracker seed synthetic --provinces 63 --years 10      # with DATABASE_URL set
//! DATABASE_URL=postgres://postgres@127.0.0.1:5432/egov_synth \
//!     cargo bench -p egov-tracker --bench national
//! ```
//!
//! Without `DATABASE_URL` it uses the SQLite file in `EGOV_DATA_DIR` (default `./data`).

use std::future::Future;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context;
use api::config::{DatabaseUrl, StorageArgs};
use api::services::{asof, plan, ranking, states};
use api::Config;
use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

const RUNS: usize = 7;

async fn measure<T, F, Fut>(name: &str, mut run: F) -> anyhow::Result<Duration>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = api::error::Result<T>>,
{
    let mut times: Vec<Duration> = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let start = Instant::now();
        run().await.with_context(|| format!("computing {name}"))?;
        times.push(start.elapsed());
    }
    times.sort();
    let median = times[RUNS / 2];
    println!(
        "{name:<44} median {:>9.1} ms   min {:>9.1} ms   max {:>9.1} ms",
        ms(median),
        ms(times[0]),
        ms(times[RUNS - 1])
    );
    Ok(median)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn count(db: &DatabaseConnection, sql: &str) -> anyhow::Result<i64> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            sql.to_owned(),
        ))
        .await?
        .context("a count")?;
    Ok(row.try_get::<i64>("", "n")?)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let storage = StorageArgs {
        database_url: std::env::var("DATABASE_URL").ok().map(DatabaseUrl::new),
        data_dir: std::env::var("EGOV_DATA_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|_| PathBuf::from("./data")),
        db_max_connections: 4,
        reporting_calendar: None,
    };
    let config = Config::new(storage, "127.0.0.1:0".parse()?);
    let db = api::db::connect(&config).await?;
    api::startup::migrate(&db).await?;

    let plans = plan::list(&db).await?;
    let history = count(&db, "SELECT COUNT(*) AS n FROM task_history").await?;
    println!(
        "{} plans, {} tasks, {} lead assignments, {history} history rows; {RUNS} runs each",
        plans.len(),
        count(&db, "SELECT COUNT(*) AS n FROM tasks").await?,
        count(
            &db,
            "SELECT COUNT(*) AS n FROM assignments WHERE role = 'LEAD'"
        )
        .await?
    );
    let province = plans
        .iter()
        .find(|p| p.code == "SYN-07")
        .or(plans.first())
        .context("no plan: seed the database first")?
        .clone();
    let as_of = NaiveDate::from_ymd_opt(2026, 6, 30).context("a date")?;

    println!("\none province ({}), as of {as_of}", province.code);
    measure("ranking (one province)", || {
        ranking::ranking(&db, province.id, as_of, None)
    })
    .await?;
    measure("planProgress (one province)", || {
        ranking::plan_progress(&db, province.id, as_of)
    })
    .await?;
    measure("lead states alone (one province)", || {
        states::load(&db, Some(province.id), as_of)
    })
    .await?;

    println!("\nevery plan, by history read (cost against data size)");
    for year in [2017, 2019, 2021, 2023, 2026] {
        let day = NaiveDate::from_ymd_opt(year, 6, 30).context("a date")?;
        let rows = count(
            &db,
            &format!("SELECT COUNT(*) AS n FROM task_history WHERE effective_on <= '{day}'"),
        )
        .await?;
        measure(&format!("planStandings as of {day} ({rows} rows)"), || {
            ranking::standings(&db, day)
        })
        .await?;
    }
    measure("lead states alone, every plan, 2026-06-30", || {
        states::load(&db, None, as_of)
    })
    .await?;
    println!("\nreading the whole history instead (what the views that show it cost)");
    measure("as-of load alone, every plan, 2026-06-30", || {
        asof::load_scope(&db, None, as_of)
    })
    .await?;
    measure("history rows fetched alone, every plan", || async {
        use entities::task_history::{Column, Entity};
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
        let rows: Vec<(i32, i32, i32, NaiveDate, String, i32)> = Entity::find()
            .select_only()
            .columns([
                Column::Id,
                Column::TaskId,
                Column::AssignmentId,
                Column::EffectiveOn,
                Column::Status,
                Column::Progress,
            ])
            .filter(Column::EffectiveOn.lte(as_of))
            .into_tuple()
            .all(&db)
            .await?;
        Ok(rows.len())
    })
    .await?;
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        let pool = db.get_postgres_connection_pool().clone();
        measure("history rows streamed by sqlx alone, every plan", || {
            let pool = pool.clone();
            async move {
                use futures_util::TryStreamExt;
                let mut rows = sea_orm::sqlx::query_as::<_, (i32, i32, i32, NaiveDate, i16, i32)>(
                    "SELECT id, task_id, assignment_id, effective_on, \
                     CASE status WHEN 'COMPLETED' THEN 2 WHEN 'IN_PROGRESS' THEN 1 \
                     WHEN 'BLOCKED' THEN 3 ELSE 0 END::smallint, progress \
                     FROM task_history WHERE effective_on <= $1",
                )
                .bind(as_of)
                .fetch(&pool);
                let mut n = 0usize;
                while let Some(row) = rows
                    .try_next()
                    .await
                    .map_err(|e| api::error::Error::Internal(e.into()))?
                {
                    n += row.0 as usize & 1;
                }
                Ok::<usize, api::error::Error>(n)
            }
        })
        .await?;
    }
    Ok(())
}
