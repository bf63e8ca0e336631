//! `egov-tracker seed synthetic`: a synthetic national data set beside the real plan, generated
//! deterministically and idempotently, that leaves plan 681/KH-UBND as it was.

use super::*;
use clap::Parser;
use entities::rollup::rollup;
use entities::{agency, assignment, plan, task, task_history, AssignmentRole, TaskStatus};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use seeds::synthetic::{self, Options};

const SMALL: Options = Options {
    provinces: 2,
    years: 1,
    seed: 681,
};

/// The real plan (the lowest id), its tasks and their assignments, in a stable order.
async fn real_plan(app: &TestApp) -> (plan::Model, Vec<task::Model>, Vec<assignment::Model>) {
    let real = plan::Entity::find()
        .order_by_asc(plan::Column::Id)
        .one(&app.db)
        .await
        .expect("query plans")
        .expect("the real plan");
    let tasks = task::Entity::find()
        .filter(task::Column::PlanId.eq(real.id))
        .order_by_asc(task::Column::Number)
        .all(&app.db)
        .await
        .expect("query tasks");
    let assignments = assignment::Entity::find()
        .filter(assignment::Column::TaskId.is_in(tasks.iter().map(|t| t.id)))
        .order_by_asc(assignment::Column::Id)
        .all(&app.db)
        .await
        .expect("query assignments");
    (real, tasks, assignments)
}

/// The synthetic plans and their tasks.
async fn synthetic_tasks(app: &TestApp) -> (Vec<plan::Model>, Vec<task::Model>) {
    let plans = plan::Entity::find()
        .filter(plan::Column::Code.starts_with("SYN-"))
        .order_by_asc(plan::Column::Code)
        .all(&app.db)
        .await
        .expect("query plans");
    let tasks = task::Entity::find()
        .filter(task::Column::PlanId.is_in(plans.iter().map(|p| p.id)))
        .order_by_asc(task::Column::Id)
        .all(&app.db)
        .await
        .expect("query tasks");
    (plans, tasks)
}

async fn history_count(app: &TestApp, tasks: &[task::Model]) -> u64 {
    task_history::Entity::find()
        .filter(task_history::Column::TaskId.is_in(tasks.iter().map(|t| t.id)))
        .count(&app.db)
        .await
        .expect("count history")
}

async fn synthetic_agencies(app: &TestApp) -> u64 {
    agency::Entity::find()
        .filter(agency::Column::Code.starts_with("SYN"))
        .count(&app.db)
        .await
        .expect("count agencies")
}

/// Each task's stored status, progress and version against its history: the roll-up of its lead
/// assignments' latest reports, and 1 + the number of reports.
async fn assert_state_follows_history(app: &TestApp, tasks: &[task::Model]) {
    for t in tasks {
        let history = task_history::Entity::find()
            .filter(task_history::Column::TaskId.eq(t.id))
            .order_by_asc(task_history::Column::EffectiveOn)
            .order_by_asc(task_history::Column::Id)
            .all(&app.db)
            .await
            .expect("query history");
        let leads = assignment::Entity::find()
            .filter(assignment::Column::TaskId.eq(t.id))
            .filter(assignment::Column::Role.eq(AssignmentRole::Lead))
            .all(&app.db)
            .await
            .expect("query assignments");
        let mut latest = Vec::new();
        for lead in &leads {
            let state = history
                .iter()
                .rev()
                .find(|h| h.assignment_id == lead.id)
                .map_or((TaskStatus::NotStarted, 0), |h| (h.status, h.progress));
            assert_eq!(
                (lead.status, lead.progress),
                state,
                "assignment {} holds its latest report",
                lead.id
            );
            latest.push(state);
        }
        assert_eq!(leads.len(), 5, "task {} has 5 leads", t.id);
        assert_eq!((t.status, t.progress), rollup(&latest), "task {}", t.id);
        assert_eq!(t.version as usize, 1 + history.len(), "task {}", t.id);
        let mut by_id = history.clone();
        by_id.sort_by_key(|h| h.id);
        let versions: Vec<i32> = by_id.iter().map(|h| h.task_version).collect();
        let expected: Vec<i32> = (2..2 + history.len() as i32).collect();
        assert_eq!(versions, expected, "task {} versions count up", t.id);
        assert!(history.iter().all(|h| h.changed_by_user_id.is_none()));
    }
}

app_test!(
    async fn a_synthetic_set_sits_beside_the_real_plan_and_a_second_run_changes_nothing(app) {
        let before = real_plan(&app).await;
        assert_eq!(before.0.code, "681/KH-UBND");
        assert_eq!(before.1.len(), 27);

        let first = synthetic::generate(&app.db, &SMALL).await.expect("generate");
        assert_eq!((first.provinces_created, first.provinces_kept), (2, 0));
        assert_eq!((first.plans, first.tasks, first.lead_assignments), (2, 54, 270));
        let (plans, tasks) = synthetic_tasks(&app).await;
        assert_eq!(
            plans.iter().map(|p| p.code.as_str()).collect::<Vec<_>>(),
            ["SYN-01", "SYN-02"]
        );
        assert!(plans.iter().all(|p| p.title_en.starts_with("Synthetic")));
        for p in &plans {
            assert_eq!(tasks.iter().filter(|t| t.plan_id == p.id).count(), 27, "{}", p.code);
        }
        let history = history_count(&app, &tasks).await;
        assert_eq!(history, first.history);
        // About 10 monthly reports (of 12) on each of the 270 lead assignments.
        assert!((2_000..=3_240).contains(&history), "{history} reports");
        assert_eq!(synthetic_agencies(&app).await, first.agencies);
        let assignments = assignment::Entity::find()
            .filter(assignment::Column::TaskId.is_in(tasks.iter().map(|t| t.id)))
            .count(&app.db)
            .await
            .expect("count assignments");
        assert_eq!(assignments, first.assignments);
        assert_state_follows_history(&app, &tasks).await;

        // A second run with the same options keeps everything, ids included.
        let second = synthetic::generate(&app.db, &SMALL).await.expect("generate again");
        assert_eq!((second.provinces_created, second.provinces_kept), (0, 2));
        assert_eq!((second.history, second.agencies, second.assignments), (first.history, first.agencies, first.assignments));
        let (plans_again, tasks_again) = synthetic_tasks(&app).await;
        assert_eq!((plans_again, tasks_again.clone()), (plans, tasks));
        assert_eq!(history_count(&app, &tasks_again).await, history);

        // The real plan, its 27 tasks and their assignments are as they were, with no reports.
        let after = real_plan(&app).await;
        assert_eq!(after, before);
        assert_eq!(history_count(&app, &after.1).await, 0);
        let served = app.data("{ plan { code } }", json!({})).await;
        assert_eq!(served["plan"]["code"], "681/KH-UBND");

        // Re-running the real seed loader (as after an edit of the seed files) leaves the
        // synthetic rows alone.
        entities::seed_run::Entity::delete_many().exec(&app.db).await.expect("forget seed runs");
        let data = seeds::SeedData::parse().expect("seed data");
        seeds::load(&app.db, &data).await.expect("re-seed");
        let (_, tasks_after_seed) = synthetic_tasks(&app).await;
        assert_eq!(tasks_after_seed, tasks_again);
        assert_eq!(history_count(&app, &tasks_after_seed).await, history);
        assert_eq!(synthetic_agencies(&app).await, first.agencies);
        assert_eq!(real_plan(&app).await, before);
    }
);

app_test!(
    async fn other_options_regenerate_a_province_in_place(app) {
        let first = synthetic::generate(&app.db, &SMALL).await.expect("generate");
        let longer = Options { years: 2, ..SMALL };
        let second = synthetic::generate(&app.db, &longer).await.expect("regenerate");
        assert_eq!((second.provinces_created, second.provinces_kept), (2, 0));
        assert!(second.history > first.history);
        assert_eq!(second.agencies, first.agencies);
        let (plans, tasks) = synthetic_tasks(&app).await;
        assert_eq!(plans.len(), 2, "no duplicate plans");
        assert_eq!(tasks.len(), 54);
        assert_eq!(history_count(&app, &tasks).await, second.history);
        assert_eq!(synthetic_agencies(&app).await, second.agencies);
        assert_state_follows_history(&app, &tasks).await;

        // Back to the first options: the same rows as the first run, apart from ids.
        let third = synthetic::generate(&app.db, &SMALL).await.expect("regenerate again");
        assert_eq!(third.history, first.history);
        let (_, tasks) = synthetic_tasks(&app).await;
        assert_eq!(history_count(&app, &tasks).await, first.history);
    }
);

#[test]
fn seed_takes_an_optional_synthetic_subcommand() {
    use api::config::{Cli, Command, SeedCommand};

    let plain = Cli::try_parse_from(["egov-tracker", "seed"]).expect("seed parses");
    assert!(matches!(plain.command, Command::Seed { what: None }));
    let full = Cli::try_parse_from([
        "egov-tracker",
        "seed",
        "synthetic",
        "--provinces",
        "63",
        "--years",
        "10",
    ])
    .expect("seed synthetic parses");
    assert!(matches!(
        full.command,
        Command::Seed {
            what: Some(SeedCommand::Synthetic {
                provinces: 63,
                years: 10,
                seed: 681
            })
        }
    ));
    let small = Cli::try_parse_from([
        "egov-tracker",
        "seed",
        "synthetic",
        "--provinces",
        "2",
        "--years",
        "1",
        "--seed",
        "7",
    ])
    .expect("small set parses");
    assert!(matches!(
        small.command,
        Command::Seed {
            what: Some(SeedCommand::Synthetic {
                provinces: 2,
                years: 1,
                seed: 7
            })
        }
    ));
    for bad in [
        ["--provinces", "64"],
        ["--provinces", "0"],
        ["--years", "11"],
        ["--years", "0"],
    ] {
        let args = ["egov-tracker", "seed", "synthetic", bad[0], bad[1]];
        assert!(Cli::try_parse_from(args).is_err(), "{bad:?} is refused");
    }
}
