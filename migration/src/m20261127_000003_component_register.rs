//! The architecture catalog as a living register: operator, go-live date, hosting, criticality
//! and data held on each component, and the immutable history of changes to the catalog.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261127_000001_plan_schema::{a, create_tables, drop_tables, Fk, Spec};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn tables() -> Vec<Spec> {
    vec![Spec {
        name: "component_history",
        columns: vec![
            integer(a("component_id")),
            string_len(a("action"), 32),
            text(a("summary")),
            text_null(a("reason")),
            timestamp_with_time_zone(a("changed_at")),
            integer_null(a("changed_by_user_id")),
        ],
        fks: vec![
            Fk("component_id", "components", true),
            Fk("changed_by_user_id", "users", false),
        ],
        indexes: vec![(false, &["component_id", "id"])],
    }]
}

fn new_columns() -> Vec<ColumnDef> {
    vec![
        integer_null(a("operator_agency_id")),
        date_null(a("go_live_on")),
        text_null(a("hosting")),
        string_len_null(a("criticality"), 24),
        text_null(a("data_held")),
    ]
}

const NEW_COLUMNS: [&str; 5] = [
    "operator_agency_id",
    "go_live_on",
    "hosting",
    "criticality",
    "data_held",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in new_columns() {
            manager
                .alter_table(
                    Table::alter()
                        .table(a("components"))
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        create_tables(manager, tables()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, tables()).await?;
        for column in NEW_COLUMNS.iter().rev() {
            manager
                .alter_table(
                    Table::alter()
                        .table(a("components"))
                        .drop_column(a(column))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
