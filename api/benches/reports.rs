//! Rendering benchmark: how long each chart, the consolidated PDF and the tables take to render
//! from the seeded plan, in-process (no HTTP). Run with `cargo bench -p egov-tracker --bench
//! reports`; it prints one line per output with the median and the slowest of its runs.
//! `BENCH_ONLY=ranking.png` renders only the outputs whose name contains that text (for a
//! profiler).
//!
//! The data is the real seed (27 tasks, 48 agencies, 11 KPIs, 58 components) in a temporary
//! SQLite database, with one status report per task so that bars and markers are drawn.

use std::time::{Duration, Instant};

use anyhow::Context;
use api::config::StorageArgs;
use api::services::report_data::{self, StatusGrouping};
use api::Config;
use reports::model::{ChartFormat, Figure, Lang, MapColouring};

const RUNS: usize = 9;

fn measure(name: &str, mut render: impl FnMut() -> reports::Result<Vec<u8>>) -> anyhow::Result<()> {
    if std::env::var("BENCH_ONLY").is_ok_and(|only| !name.contains(only.as_str())) {
        return Ok(());
    }
    let mut times: Vec<Duration> = Vec::with_capacity(RUNS);
    let mut size = 0;
    for _ in 0..RUNS {
        let start = Instant::now();
        let bytes = render().with_context(|| format!("rendering {name}"))?;
        times.push(start.elapsed());
        size = bytes.len();
    }
    times.sort();
    println!(
        "{name:<24} median {:>8.1} ms   max {:>8.1} ms   {:>9} bytes",
        times[RUNS / 2].as_secs_f64() * 1000.0,
        times[RUNS - 1].as_secs_f64() * 1000.0,
        size
    );
    Ok(())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("egov-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let storage = StorageArgs {
        database_url: None,
        data_dir: dir.clone(),
        db_max_connections: 4,
        reporting_calendar: None,
    };
    let config = Config::new(storage, "127.0.0.1:0".parse()?);
    let db = api::db::connect(&config).await?;
    api::startup::prepare_database(&db).await?;
    report_every_task(&db).await?;

    let as_of = chrono::NaiveDate::from_ymd_opt(2018, 12, 31).context("a date")?;
    let summary = report_data::summary(&db, as_of).await?;
    let timeline = report_data::timeline_of_summary(&summary);
    let by_level = report_data::status_breakdown(&db, as_of, StatusGrouping::Level).await?;
    let map = report_data::architecture_map(&db, as_of, MapColouring::Progress).await?;
    let lang = Lang::Vi;
    println!(
        "rendering as of {as_of}: {} tasks, {} ranked agencies, {} KPIs, {} components; {RUNS} runs each",
        summary.tasks.len(),
        summary.ranking.entries.len(),
        summary.kpis.len(),
        map.components.len()
    );
    for format in [ChartFormat::Png, ChartFormat::Svg] {
        let ext = format.extension();
        use reports::charts;
        measure(&format!("ranking.{ext}"), || {
            charts::ranking(&summary.ranking, lang, format)
        })?;
        measure(&format!("progress.{ext}"), || {
            charts::progress(&timeline, lang, format)
        })?;
        measure(&format!("kpis.{ext}"), || {
            charts::kpis(&summary.kpis, as_of, lang, format)
        })?;
        if let Some(kpi) = summary.kpis.first() {
            measure(&format!("kpis/{}.{ext}", kpi.code), || {
                charts::kpi(kpi, as_of, lang, format)
            })?;
        }
        measure(&format!("status.{ext}"), || {
            charts::status(&by_level, lang, format)
        })?;
        measure(&format!("architecture.{ext}"), || {
            charts::architecture(&map, lang, format)
        })?;
    }
    let figures = vec![
        Figure {
            caption: "Tiến độ".into(),
            png: reports::charts::progress(&timeline, lang, ChartFormat::Png)?,
        },
        Figure {
            caption: "Xếp hạng".into(),
            png: reports::charts::ranking(&summary.ranking, lang, ChartFormat::Png)?,
        },
        Figure {
            caption: "Chỉ tiêu".into(),
            png: reports::charts::kpis(&summary.kpis, as_of, lang, ChartFormat::Png)?,
        },
        Figure {
            caption: "Kiến trúc".into(),
            png: reports::charts::architecture(&map, lang, ChartFormat::Png)?,
        },
    ];
    measure("summary.pdf (layout)", || {
        reports::pdf::summary(&summary, &figures, lang)
    })?;
    measure("tasks.csv", || {
        Ok(reports::tables::tasks_csv(&summary.tasks, lang))
    })?;
    measure("tasks.xlsx", || reports::tables::workbook(&summary, lang))?;
    db.close().await.ok();
    std::fs::remove_dir_all(&dir).ok();
    Ok(())
}

/// One report per task's first lead, effective in 2017, so charts have something to draw.
async fn report_every_task(db: &sea_orm::DatabaseConnection) -> anyhow::Result<()> {
    use entities::{assignment, task_history, AssignmentRole, TaskStatus};
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
    let leads = assignment::Entity::find()
        .filter(assignment::Column::Role.eq(AssignmentRole::Lead))
        .all(db)
        .await?;
    for (i, lead) in leads.iter().enumerate() {
        let status = match i % 4 {
            0 => TaskStatus::Completed,
            1 | 2 => TaskStatus::InProgress,
            _ => TaskStatus::NotStarted,
        };
        let progress = match status {
            TaskStatus::Completed => 100,
            TaskStatus::InProgress => 20 + (i as i32 * 7) % 70,
            _ => 0,
        };
        task_history::ActiveModel {
            task_id: Set(lead.task_id),
            assignment_id: Set(lead.id),
            agency_id: Set(lead.agency_id),
            status: Set(status),
            progress: Set(progress),
            note: Set(Some("Báo cáo định kỳ".into())),
            evidence: Set(None),
            effective_on: Set(
                chrono::NaiveDate::from_ymd_opt(2017, 6, 1 + (i % 28) as u32).context("a date")?,
            ),
            changed_at: Set(chrono::Utc::now()),
            changed_by_user_id: Set(None),
            task_version: Set(1),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}
