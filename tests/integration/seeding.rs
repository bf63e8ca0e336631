//! First start, second start and re-seeding: nothing duplicated, nothing reported overwritten.

use super::*;
use entities::{agency, assignment, component_relation, task, AssignmentRole, TaskStatus};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};

async fn counts(app: &TestApp) -> [u64; 4] {
    [
        agency::Entity::find()
            .count(&app.db)
            .await
            .expect("count agencies"),
        task::Entity::find()
            .count(&app.db)
            .await
            .expect("count tasks"),
        assignment::Entity::find()
            .count(&app.db)
            .await
            .expect("count assignments"),
        component_relation::Entity::find()
            .count(&app.db)
            .await
            .expect("count relations"),
    ]
}

app_test!(
    async fn a_second_start_neither_duplicates_nor_clobbers_data(app) {
        let before = counts(&app).await;
        let task26 = task::Entity::find()
            .filter(task::Column::Number.eq(26))
            .one(&app.db)
            .await
            .expect("query")
            .expect("task 26");
        let lead = assignment::Entity::find()
            .filter(assignment::Column::TaskId.eq(task26.id))
            .filter(assignment::Column::Role.eq(AssignmentRole::Lead))
            .one(&app.db)
            .await
            .expect("query")
            .expect("a lead assignment");
        let mut reported: assignment::ActiveModel = lead.clone().into();
        reported.status = Set(TaskStatus::InProgress);
        reported.progress = Set(40);
        reported.update(&app.db).await.expect("report progress");

        let restarted = TestApp::start(&app.config).await;
        assert_eq!(counts(&restarted).await, before);

        // Force the upsert to run again, as after an edit of the seed files.
        entities::seed_run::Entity::delete_many().exec(&app.db).await.expect("forget seed runs");
        let data = seeds::SeedData::parse().expect("seed data");
        let outcome = seeds::load(&app.db, &data).await.expect("re-seed");
        assert_eq!(outcome, seeds::LoadOutcome::Applied);
        assert_eq!(counts(&app).await, before);
        let kept = assignment::Entity::find_by_id(lead.id)
            .one(&app.db)
            .await
            .expect("query")
            .expect("assignment still there");
        assert_eq!((kept.status, kept.progress), (TaskStatus::InProgress, 40));
        assert_eq!(seeds::load(&app.db, &data).await.expect("third load"), seeds::LoadOutcome::AlreadyApplied);

        let served = restarted
            .data("{ task(number: 26) { titleVi assignments(role: LEAD) { status progress } } }", json!({}))
            .await;
        let statuses = served["task"]["assignments"].as_array().cloned().unwrap_or_default();
        assert_eq!(statuses.iter().filter(|a| a["status"] == "IN_PROGRESS" && a["progress"] == 40).count(), 1);
    }
);
