//! The plan schema: plans, agencies and groups, clauses, tasks and assignments, KPIs and the
//! architecture catalog.
//!
//! Tables are described as data (`tables()`), so `up` and `down` cannot drift apart: `up` creates
//! them in order with their foreign keys and indexes, `down` drops them in reverse.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A foreign key: column, referenced table, and whether deleting the parent deletes the row.
pub(crate) struct Fk(pub &'static str, pub &'static str, pub bool);

/// One table: its name, its columns (besides the `id` key), foreign keys and indexes.
/// An index is `(unique, columns)`.
pub(crate) struct Spec {
    pub name: &'static str,
    pub columns: Vec<ColumnDef>,
    pub fks: Vec<Fk>,
    pub indexes: Vec<(bool, &'static [&'static str])>,
}

pub(crate) fn a(name: &str) -> Alias {
    Alias::new(name)
}

fn tables() -> Vec<Spec> {
    vec![
        Spec {
            name: "agencies",
            columns: vec![
                string_len_uniq(a("code"), 40),
                string(a("name_vi")),
                string(a("name_en")),
                string_null(a("short_vi")),
                string_null(a("short_en")),
                string_len(a("level"), 24),
                boolean(a("named_in_plan")),
                boolean(a("collective")),
                text(a("source")),
                text(a("search_text")),
            ],
            fks: vec![],
            indexes: vec![(false, &["level"])],
        },
        Spec {
            name: "agency_groups",
            columns: vec![
                string_len_uniq(a("code"), 40),
                string(a("name_vi")),
                string(a("name_en")),
                boolean(a("open")),
                text_null(a("note")),
            ],
            fks: vec![],
            indexes: vec![],
        },
        Spec {
            name: "agency_group_members",
            columns: vec![integer(a("group_id")), integer(a("agency_id"))],
            fks: vec![
                Fk("group_id", "agency_groups", true),
                Fk("agency_id", "agencies", true),
            ],
            indexes: vec![(true, &["group_id", "agency_id"]), (false, &["agency_id"])],
        },
        Spec {
            name: "plans",
            columns: vec![
                string_len_uniq(a("code"), 40),
                date(a("issued_on")),
                text(a("title_vi")),
                text(a("title_en")),
                integer_null(a("issuer_agency_id")),
                string(a("place_vi")),
                string(a("signed_by")),
                string(a("signer_title_vi")),
                string(a("signer_title_en")),
                string(a("implements_code")),
                date(a("implements_issued_on")),
                text(a("implements_title_vi")),
                text(a("implements_title_en")),
                text(a("summary_vi")),
                text(a("summary_en")),
            ],
            fks: vec![Fk("issuer_agency_id", "agencies", false)],
            indexes: vec![],
        },
        Spec {
            name: "baseline_facts",
            columns: vec![
                integer(a("plan_id")),
                string_len(a("code"), 60),
                integer(a("position")),
                text(a("label_vi")),
                text(a("label_en")),
                double(a("value")),
                string(a("unit")),
                double_null(a("out_of")),
                integer_null(a("year")),
                text(a("quote_vi")),
            ],
            fks: vec![Fk("plan_id", "plans", true)],
            indexes: vec![(true, &["plan_id", "code"])],
        },
        Spec {
            name: "clauses",
            columns: vec![
                integer(a("plan_id")),
                string_len(a("code"), 24),
                string_len(a("kind"), 24),
                string_len_null(a("parent_code"), 24),
                integer(a("position")),
                text(a("title_vi")),
                text(a("title_en")),
                boolean(a("title_derived")),
                text(a("text_vi")),
                text(a("text_en")),
            ],
            fks: vec![Fk("plan_id", "plans", true)],
            indexes: vec![(true, &["plan_id", "code"]), (false, &["plan_id", "kind"])],
        },
        Spec {
            name: "clause_parties",
            columns: vec![
                integer(a("clause_id")),
                integer(a("position")),
                integer_null(a("agency_id")),
                integer_null(a("group_id")),
            ],
            fks: vec![
                Fk("clause_id", "clauses", true),
                Fk("agency_id", "agencies", true),
                Fk("group_id", "agency_groups", true),
            ],
            indexes: vec![(true, &["clause_id", "position"])],
        },
        Spec {
            name: "tasks",
            columns: vec![
                integer(a("plan_id")),
                integer(a("number")),
                text(a("title_vi")),
                text(a("title_en")),
                text(a("lead_text_vi")),
                text(a("cooperating_text_vi")),
                string(a("timeline_vi")),
                string_len(a("recurrence"), 24),
                integer(a("start_year")),
                integer_null(a("end_year")),
                date_null(a("due_date")),
                string_len(a("status"), 24),
                integer(a("progress")),
                integer(a("version")),
                text(a("search_text")),
            ],
            fks: vec![Fk("plan_id", "plans", true)],
            indexes: vec![
                (true, &["plan_id", "number"]),
                (false, &["status"]),
                (false, &["due_date"]),
            ],
        },
        Spec {
            name: "task_parties",
            columns: vec![
                integer(a("task_id")),
                string_len(a("role"), 24),
                integer(a("position")),
                integer_null(a("agency_id")),
                integer_null(a("group_id")),
            ],
            fks: vec![
                Fk("task_id", "tasks", true),
                Fk("agency_id", "agencies", true),
                Fk("group_id", "agency_groups", true),
            ],
            indexes: vec![(true, &["task_id", "role", "position"])],
        },
        Spec {
            name: "assignments",
            columns: vec![
                integer(a("task_id")),
                integer(a("agency_id")),
                string_len(a("role"), 24),
                integer_null(a("via_group_id")),
                string_len(a("status"), 24),
                integer(a("progress")),
            ],
            fks: vec![
                Fk("task_id", "tasks", true),
                Fk("agency_id", "agencies", true),
                Fk("via_group_id", "agency_groups", false),
            ],
            indexes: vec![
                (true, &["task_id", "agency_id", "role"]),
                (false, &["agency_id", "role"]),
            ],
        },
        Spec {
            name: "task_clauses",
            columns: vec![integer(a("task_id")), integer(a("clause_id"))],
            fks: vec![
                Fk("task_id", "tasks", true),
                Fk("clause_id", "clauses", true),
            ],
            indexes: vec![(true, &["task_id", "clause_id"]), (false, &["clause_id"])],
        },
        Spec {
            name: "kpis",
            columns: vec![
                integer(a("plan_id")),
                string_len(a("code"), 40),
                integer(a("position")),
                text(a("name_vi")),
                text(a("name_en")),
                string_len(a("unit"), 24),
                string_len(a("direction"), 24),
                integer_null(a("clause_id")),
                integer_null(a("objective_clause_id")),
                text(a("definition_vi")),
                text(a("definition_en")),
                text(a("quote_vi")),
                integer_null(a("baseline_year")),
                double_null(a("baseline_value")),
                text_null(a("target_note")),
            ],
            fks: vec![
                Fk("plan_id", "plans", true),
                Fk("clause_id", "clauses", false),
                Fk("objective_clause_id", "clauses", false),
            ],
            indexes: vec![(true, &["plan_id", "code"])],
        },
        Spec {
            name: "kpi_targets",
            columns: vec![integer(a("kpi_id")), integer(a("year")), double(a("value"))],
            fks: vec![Fk("kpi_id", "kpis", true)],
            indexes: vec![(true, &["kpi_id", "year"])],
        },
        Spec {
            name: "kpi_measurements",
            columns: vec![
                integer(a("kpi_id")),
                integer(a("year")),
                double(a("value")),
                text(a("source")),
                text_null(a("note")),
            ],
            fks: vec![Fk("kpi_id", "kpis", true)],
            indexes: vec![(true, &["kpi_id", "year"])],
        },
        Spec {
            name: "kpi_tasks",
            columns: vec![integer(a("kpi_id")), integer(a("task_id"))],
            fks: vec![Fk("kpi_id", "kpis", true), Fk("task_id", "tasks", true)],
            indexes: vec![(true, &["kpi_id", "task_id"]), (false, &["task_id"])],
        },
        Spec {
            name: "components",
            columns: vec![
                string_len_uniq(a("code"), 60),
                integer(a("position")),
                text(a("name_vi")),
                text(a("name_en")),
                string_len(a("layer"), 24),
                string_len(a("kind"), 24),
                string_len(a("lifecycle"), 24),
                integer_null(a("owner_agency_id")),
                integer_null(a("owner_group_id")),
                string_len(a("scope"), 24),
                boolean(a("external")),
                text(a("description_vi")),
                text(a("description_en")),
                text(a("search_text")),
            ],
            fks: vec![
                Fk("owner_agency_id", "agencies", false),
                Fk("owner_group_id", "agency_groups", false),
            ],
            indexes: vec![(false, &["layer"])],
        },
        Spec {
            name: "component_relations",
            columns: vec![
                integer(a("from_id")),
                integer(a("to_id")),
                string_len(a("kind"), 24),
                text_null(a("note")),
            ],
            fks: vec![
                Fk("from_id", "components", true),
                Fk("to_id", "components", true),
            ],
            indexes: vec![(true, &["from_id", "to_id", "kind"]), (false, &["to_id"])],
        },
        Spec {
            name: "component_tasks",
            columns: vec![integer(a("component_id")), integer(a("task_id"))],
            fks: vec![
                Fk("component_id", "components", true),
                Fk("task_id", "tasks", true),
            ],
            indexes: vec![(true, &["component_id", "task_id"]), (false, &["task_id"])],
        },
        Spec {
            name: "component_clauses",
            columns: vec![integer(a("component_id")), integer(a("clause_id"))],
            fks: vec![
                Fk("component_id", "components", true),
                Fk("clause_id", "clauses", true),
            ],
            indexes: vec![(true, &["component_id", "clause_id"])],
        },
        Spec {
            name: "seed_runs",
            columns: vec![
                string_len_uniq(a("digest"), 64),
                timestamp_with_time_zone(a("applied_at")),
            ],
            fks: vec![],
            indexes: vec![],
        },
    ]
}

fn index_name(table: &str, columns: &[&str]) -> String {
    format!("idx_{}_{}", table, columns.join("_"))
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_tables(manager, tables()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, tables()).await
    }
}

/// Creates the tables in order, each with its foreign keys and then its indexes.
pub(crate) async fn create_tables(
    manager: &SchemaManager<'_>,
    specs: Vec<Spec>,
) -> Result<(), DbErr> {
    for spec in specs {
        let mut table = Table::create();
        table.table(a(spec.name)).col(pk_auto(a("id")));
        for column in spec.columns {
            table.col(column);
        }
        for Fk(column, parent, cascade) in &spec.fks {
            table.foreign_key(
                ForeignKey::create()
                    .name(format!("fk_{}_{}", spec.name, column))
                    .from(a(spec.name), a(column))
                    .to(a(parent), a("id"))
                    .on_delete(if *cascade {
                        ForeignKeyAction::Cascade
                    } else {
                        ForeignKeyAction::SetNull
                    }),
            );
        }
        manager.create_table(table).await?;
        for (unique, columns) in &spec.indexes {
            let mut index = Index::create();
            index
                .name(index_name(spec.name, columns))
                .table(a(spec.name));
            for column in columns.iter() {
                index.col(a(column));
            }
            if *unique {
                index.unique();
            }
            manager.create_index(index).await?;
        }
    }
    Ok(())
}

/// Drops the tables in reverse order.
pub(crate) async fn drop_tables(
    manager: &SchemaManager<'_>,
    specs: Vec<Spec>,
) -> Result<(), DbErr> {
    for spec in specs.into_iter().rev() {
        manager
            .drop_table(Table::drop().table(a(spec.name)).to_owned())
            .await?;
    }
    Ok(())
}
