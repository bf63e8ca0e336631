//! Writes [`SeedData`] into the database as an idempotent upsert, in one transaction.
//!
//! Reference data (titles, texts, timelines, groups as written, links) is brought in line with
//! the files. Data that people report is never touched: an existing assignment keeps its status
//! and progress, a task keeps its roll-up and version, a recorded KPI measurement keeps its value,
//! a component keeps the lifecycle planners gave it. Nothing is deleted except links the files
//! no longer state.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use entities::search::fold;
use entities::{
    agency, agency_group, agency_group_member, assignment, baseline_fact, clause, clause_party,
    component, component_clause, component_relation, component_task, kpi, kpi_measurement,
    kpi_target, kpi_task, plan, rollup::rollup, seed_run, task, task_clause, task_party,
    AssignmentRole, TaskStatus,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, QueryFilter, Set, TransactionTrait, TryIntoModel,
};

use crate::files::{GroupSeed, TaskSeed};
use crate::{SeedData, SeedError};

/// What [`load`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadOutcome {
    /// This version of the seed data had already been applied; nothing was written.
    AlreadyApplied,
    /// The data was upserted.
    Applied,
}

/// Loads the seed data into `db` unless this exact version was applied before.
pub async fn load(db: &DatabaseConnection, data: &SeedData) -> Result<LoadOutcome, SeedError> {
    let txn = db.begin().await?;
    let seen = seed_run::Entity::find()
        .filter(seed_run::Column::Digest.eq(data.digest()))
        .one(&txn)
        .await?;
    if seen.is_some() {
        return Ok(LoadOutcome::AlreadyApplied);
    }
    let mut writer = Writer {
        txn: &txn,
        agencies: HashMap::new(),
        groups: HashMap::new(),
        members: HashMap::new(),
        clauses: HashMap::new(),
        tasks: HashMap::new(),
    };
    writer.agencies(data).await?;
    let plan_id = writer.plan(data).await?;
    writer.clauses(data, plan_id).await?;
    writer.tasks(data, plan_id).await?;
    writer.kpis(data, plan_id).await?;
    writer.components(data).await?;
    seed_run::ActiveModel {
        digest: Set(data.digest().to_owned()),
        applied_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(LoadOutcome::Applied)
}

/// A reference to an agency or a group, resolved to ids.
#[derive(Clone, Copy)]
enum Party {
    Agency(i32),
    Group(i32),
}

struct Writer<'a> {
    txn: &'a DatabaseTransaction,
    agencies: HashMap<String, i32>,
    groups: HashMap<String, i32>,
    /// Group id to its member agency ids, in file order.
    members: HashMap<i32, Vec<i32>>,
    clauses: HashMap<String, i32>,
    tasks: HashMap<i32, i32>,
}

impl Writer<'_> {
    fn party(&self, code: &str) -> Result<Party, SeedError> {
        if let Some(id) = self.agencies.get(code) {
            Ok(Party::Agency(*id))
        } else if let Some(id) = self.groups.get(code) {
            Ok(Party::Group(*id))
        } else {
            Err(SeedError::Invalid(format!(
                "unknown agency or group {code}"
            )))
        }
    }

    fn clause_id(&self, code: &str) -> Result<i32, SeedError> {
        self.clauses
            .get(code)
            .copied()
            .ok_or_else(|| SeedError::Invalid(format!("unknown clause {code}")))
    }

    fn task_id(&self, number: i32) -> Result<i32, SeedError> {
        self.tasks
            .get(&number)
            .copied()
            .ok_or_else(|| SeedError::Invalid(format!("unknown task {number}")))
    }

    /// Agencies and the group members each party expands to.
    fn expand(&self, party: Party) -> Vec<(i32, Option<i32>)> {
        match party {
            Party::Agency(id) => vec![(id, None)],
            Party::Group(group) => self
                .members
                .get(&group)
                .map(|ids| ids.iter().map(|id| (*id, Some(group))).collect())
                .unwrap_or_default(),
        }
    }

    async fn agencies(&mut self, data: &SeedData) -> Result<(), SeedError> {
        let existing: HashMap<String, agency::Model> = agency::Entity::find()
            .all(self.txn)
            .await?
            .into_iter()
            .map(|m| (m.code.clone(), m))
            .collect();
        for seed in &data.agencies.agency {
            let search = fold(&format!(
                "{} {} {} {} {}",
                seed.code,
                seed.name_vi,
                seed.name_en,
                seed.short_vi.as_deref().unwrap_or(""),
                seed.short_en.as_deref().unwrap_or("")
            ));
            let mut row = match existing.get(&seed.code) {
                Some(model) => agency::ActiveModel::from(model.clone()),
                None => agency::ActiveModel {
                    code: Set(seed.code.clone()),
                    ..Default::default()
                },
            };
            row.name_vi = Set(seed.name_vi.clone());
            row.name_en = Set(seed.name_en.clone());
            row.short_vi = Set(seed.short_vi.clone());
            row.short_en = Set(seed.short_en.clone());
            row.level = Set(seed.level);
            row.named_in_plan = Set(seed.named_in_plan);
            row.collective = Set(seed.collective);
            row.source = Set(seed.source.clone());
            row.search_text = Set(search);
            let id = row.save(self.txn).await?.try_into_model()?.id;
            self.agencies.insert(seed.code.clone(), id);
        }
        for seed in &data.agencies.group {
            self.group(seed).await?;
        }
        Ok(())
    }

    async fn group(&mut self, seed: &GroupSeed) -> Result<(), SeedError> {
        let existing = agency_group::Entity::find()
            .filter(agency_group::Column::Code.eq(&seed.code))
            .one(self.txn)
            .await?;
        let mut row = match existing {
            Some(model) => agency_group::ActiveModel::from(model),
            None => agency_group::ActiveModel {
                code: Set(seed.code.clone()),
                ..Default::default()
            },
        };
        row.name_vi = Set(seed.name_vi.clone());
        row.name_en = Set(seed.name_en.clone());
        row.open = Set(seed.open);
        row.note = Set(seed.note.clone());
        let group_id = row.save(self.txn).await?.try_into_model()?.id;
        self.groups.insert(seed.code.clone(), group_id);

        let current: HashSet<i32> = agency_group_member::Entity::find()
            .filter(agency_group_member::Column::GroupId.eq(group_id))
            .all(self.txn)
            .await?
            .into_iter()
            .map(|m| m.agency_id)
            .collect();
        let mut ordered = Vec::new();
        for code in &seed.members {
            let agency_id = self.agencies[code];
            ordered.push(agency_id);
            if !current.contains(&agency_id) {
                agency_group_member::ActiveModel {
                    group_id: Set(group_id),
                    agency_id: Set(agency_id),
                    ..Default::default()
                }
                .insert(self.txn)
                .await?;
            }
        }
        let mut extra: Vec<i32> = current
            .into_iter()
            .filter(|id| !ordered.contains(id))
            .collect();
        extra.sort_unstable();
        ordered.extend(extra);
        self.members.insert(group_id, ordered);
        Ok(())
    }

    async fn plan(&mut self, data: &SeedData) -> Result<i32, SeedError> {
        let seed = &data.plan.plan;
        let existing = plan::Entity::find()
            .filter(plan::Column::Code.eq(&seed.code))
            .one(self.txn)
            .await?;
        let mut row = match existing {
            Some(model) => plan::ActiveModel::from(model),
            None => plan::ActiveModel {
                code: Set(seed.code.clone()),
                ..Default::default()
            },
        };
        row.issued_on = Set(seed.issued_on);
        row.title_vi = Set(seed.title_vi.clone());
        row.title_en = Set(seed.title_en.clone());
        row.issuer_agency_id = Set(self.agencies.get(&seed.issuer).copied());
        row.place_vi = Set(seed.place_vi.clone());
        row.signed_by = Set(seed.signed_by.clone());
        row.signer_title_vi = Set(seed.signer_title_vi.clone());
        row.signer_title_en = Set(seed.signer_title_en.clone());
        row.implements_code = Set(seed.implements.clone());
        row.implements_issued_on = Set(seed.implements_issued_on);
        row.implements_title_vi = Set(seed.implements_title_vi.clone());
        row.implements_title_en = Set(seed.implements_title_en.clone());
        row.summary_vi = Set(seed.summary_vi.clone());
        row.summary_en = Set(seed.summary_en.clone());
        let plan_id = row.save(self.txn).await?.try_into_model()?.id;

        let existing: HashMap<String, baseline_fact::Model> = baseline_fact::Entity::find()
            .filter(baseline_fact::Column::PlanId.eq(plan_id))
            .all(self.txn)
            .await?
            .into_iter()
            .map(|m| (m.code.clone(), m))
            .collect();
        for (position, seed) in data.plan.baseline.iter().enumerate() {
            let mut row = match existing.get(&seed.code) {
                Some(model) => baseline_fact::ActiveModel::from(model.clone()),
                None => baseline_fact::ActiveModel {
                    plan_id: Set(plan_id),
                    code: Set(seed.code.clone()),
                    ..Default::default()
                },
            };
            row.position = Set(position as i32);
            row.label_vi = Set(seed.label_vi.clone());
            row.label_en = Set(seed.label_en.clone());
            row.value = Set(seed.value);
            row.unit = Set(seed.unit.clone());
            row.out_of = Set(seed.out_of);
            row.year = Set(seed.year);
            row.quote_vi = Set(seed.quote_vi.clone());
            row.save(self.txn).await?;
        }
        Ok(plan_id)
    }

    async fn clauses(&mut self, data: &SeedData, plan_id: i32) -> Result<(), SeedError> {
        let existing: HashMap<String, clause::Model> = clause::Entity::find()
            .filter(clause::Column::PlanId.eq(plan_id))
            .all(self.txn)
            .await?
            .into_iter()
            .map(|m| (m.code.clone(), m))
            .collect();
        for (position, seed) in data.clauses.clause.iter().enumerate() {
            let mut row = match existing.get(&seed.code) {
                Some(model) => clause::ActiveModel::from(model.clone()),
                None => clause::ActiveModel {
                    plan_id: Set(plan_id),
                    code: Set(seed.code.clone()),
                    ..Default::default()
                },
            };
            row.kind = Set(seed.kind);
            row.parent_code = Set(seed.parent.clone());
            row.position = Set(position as i32);
            row.title_vi = Set(seed.title_vi.clone());
            row.title_en = Set(seed.title_en.clone());
            row.title_derived = Set(seed.title_derived);
            row.text_vi = Set(seed.text_vi.clone());
            row.text_en = Set(seed.text_en.clone());
            let clause_id = row.save(self.txn).await?.try_into_model()?.id;
            self.clauses.insert(seed.code.clone(), clause_id);

            clause_party::Entity::delete_many()
                .filter(clause_party::Column::ClauseId.eq(clause_id))
                .exec(self.txn)
                .await?;
            for (position, code) in seed.agencies.iter().enumerate() {
                let (agency_id, group_id) = match self.party(code)? {
                    Party::Agency(id) => (Some(id), None),
                    Party::Group(id) => (None, Some(id)),
                };
                clause_party::ActiveModel {
                    clause_id: Set(clause_id),
                    position: Set(position as i32),
                    agency_id: Set(agency_id),
                    group_id: Set(group_id),
                    ..Default::default()
                }
                .insert(self.txn)
                .await?;
            }
        }
        Ok(())
    }

    async fn tasks(&mut self, data: &SeedData, plan_id: i32) -> Result<(), SeedError> {
        let existing: HashMap<i32, task::Model> = task::Entity::find()
            .filter(task::Column::PlanId.eq(plan_id))
            .all(self.txn)
            .await?
            .into_iter()
            .map(|m| (m.number, m))
            .collect();
        for seed in &data.tasks.task {
            let mut row = match existing.get(&seed.number) {
                Some(model) => task::ActiveModel::from(model.clone()),
                None => task::ActiveModel {
                    plan_id: Set(plan_id),
                    number: Set(seed.number),
                    status: Set(TaskStatus::NotStarted),
                    progress: Set(0),
                    version: Set(1),
                    ..Default::default()
                },
            };
            row.title_vi = Set(seed.title_vi.clone());
            row.title_en = Set(seed.title_en.clone());
            row.lead_text_vi = Set(seed.lead_text_vi.clone());
            row.cooperating_text_vi = Set(seed.cooperating_text_vi.clone());
            row.timeline_vi = Set(seed.timeline_vi.clone());
            row.recurrence = Set(seed.recurrence);
            row.start_year = Set(seed.start_year);
            row.end_year = Set(seed.end_year);
            row.due_date = Set(seed.due_date());
            row.search_text = Set(fold(&format!(
                "{} {} {}",
                seed.number, seed.title_vi, seed.title_en
            )));
            let task_id = row.save(self.txn).await?.try_into_model()?.id;
            self.tasks.insert(seed.number, task_id);
            self.task_parties(seed, task_id).await?;
            self.sync_links(
                task_clause::Entity,
                task_id,
                seed.clauses
                    .iter()
                    .map(|code| self.clause_id(code))
                    .collect::<Result<_, _>>()?,
            )
            .await?;
        }
        Ok(())
    }

    /// Rewrites the parties as written and adds any missing assignment; existing assignments
    /// keep what agencies reported. Recomputes the roll-up when assignments were added.
    async fn task_parties(&mut self, seed: &TaskSeed, task_id: i32) -> Result<(), SeedError> {
        task_party::Entity::delete_many()
            .filter(task_party::Column::TaskId.eq(task_id))
            .exec(self.txn)
            .await?;
        let current: HashSet<(i32, AssignmentRole)> = assignment::Entity::find()
            .filter(assignment::Column::TaskId.eq(task_id))
            .all(self.txn)
            .await?
            .into_iter()
            .map(|a| (a.agency_id, a.role))
            .collect();
        let mut wanted: Vec<(i32, AssignmentRole, Option<i32>)> = Vec::new();
        for (role, codes) in [
            (AssignmentRole::Lead, &seed.lead),
            (AssignmentRole::Cooperating, &seed.cooperating),
        ] {
            for (position, code) in codes.iter().enumerate() {
                let party = self.party(code)?;
                let (agency_id, group_id) = match party {
                    Party::Agency(id) => (Some(id), None),
                    Party::Group(id) => (None, Some(id)),
                };
                task_party::ActiveModel {
                    task_id: Set(task_id),
                    role: Set(role),
                    position: Set(position as i32),
                    agency_id: Set(agency_id),
                    group_id: Set(group_id),
                    ..Default::default()
                }
                .insert(self.txn)
                .await?;
                for (agency_id, via) in self.expand(party) {
                    let duplicate = wanted.iter().any(|(a, r, _)| *a == agency_id && *r == role);
                    // A group in the cooperating column does not make the task's own lead
                    // cooperate with itself; an agency named outright still does.
                    let lead_via_group = role == AssignmentRole::Cooperating
                        && via.is_some()
                        && wanted
                            .iter()
                            .any(|(a, r, _)| *a == agency_id && *r == AssignmentRole::Lead);
                    if !duplicate && !lead_via_group {
                        wanted.push((agency_id, role, via));
                    }
                }
            }
        }
        let mut added_lead = false;
        for (agency_id, role, via) in wanted {
            if current.contains(&(agency_id, role)) {
                continue;
            }
            added_lead |= role == AssignmentRole::Lead;
            assignment::ActiveModel {
                task_id: Set(task_id),
                agency_id: Set(agency_id),
                role: Set(role),
                via_group_id: Set(via),
                status: Set(TaskStatus::NotStarted),
                progress: Set(0),
                ..Default::default()
            }
            .insert(self.txn)
            .await?;
        }
        if added_lead && !current.is_empty() {
            self.refresh_rollup(task_id).await?;
        }
        Ok(())
    }

    async fn refresh_rollup(&self, task_id: i32) -> Result<(), SeedError> {
        let leads: Vec<(TaskStatus, i32)> = assignment::Entity::find()
            .filter(assignment::Column::TaskId.eq(task_id))
            .filter(assignment::Column::Role.eq(AssignmentRole::Lead))
            .all(self.txn)
            .await?
            .into_iter()
            .map(|a| (a.status, a.progress))
            .collect();
        let (status, progress) = rollup(&leads);
        if let Some(model) = task::Entity::find_by_id(task_id).one(self.txn).await? {
            if model.status != status || model.progress != progress {
                let version = model.version + 1;
                let mut row = task::ActiveModel::from(model);
                row.status = Set(status);
                row.progress = Set(progress);
                row.version = Set(version);
                row.update(self.txn).await?;
            }
        }
        Ok(())
    }

    async fn kpis(&mut self, data: &SeedData, plan_id: i32) -> Result<(), SeedError> {
        let existing: HashMap<String, kpi::Model> = kpi::Entity::find()
            .filter(kpi::Column::PlanId.eq(plan_id))
            .all(self.txn)
            .await?
            .into_iter()
            .map(|m| (m.code.clone(), m))
            .collect();
        for (position, seed) in data.kpis.kpi.iter().enumerate() {
            let mut row = match existing.get(&seed.code) {
                Some(model) => kpi::ActiveModel::from(model.clone()),
                None => kpi::ActiveModel {
                    plan_id: Set(plan_id),
                    code: Set(seed.code.clone()),
                    ..Default::default()
                },
            };
            row.position = Set(position as i32);
            row.name_vi = Set(seed.name_vi.clone());
            row.name_en = Set(seed.name_en.clone());
            row.unit = Set(seed.unit.clone());
            row.direction = Set(seed.direction);
            row.clause_id = Set(Some(self.clause_id(&seed.clause)?));
            row.objective_clause_id = Set(seed
                .objective
                .as_deref()
                .map(|code| self.clause_id(code))
                .transpose()?);
            row.definition_vi = Set(seed.definition_vi.clone());
            row.definition_en = Set(seed.definition_en.clone());
            row.quote_vi = Set(seed.quote_vi.clone());
            row.baseline_year = Set(seed.baseline.map(|b| b.year));
            row.baseline_value = Set(seed.baseline.map(|b| b.value));
            row.target_note = Set(seed.target_note.clone());
            let kpi_id = row.save(self.txn).await?.try_into_model()?.id;

            kpi_target::Entity::delete_many()
                .filter(kpi_target::Column::KpiId.eq(kpi_id))
                .exec(self.txn)
                .await?;
            for target in &seed.targets {
                kpi_target::ActiveModel {
                    kpi_id: Set(kpi_id),
                    year: Set(target.year),
                    value: Set(target.value),
                    ..Default::default()
                }
                .insert(self.txn)
                .await?;
            }
            let recorded: HashSet<i32> = kpi_measurement::Entity::find()
                .filter(kpi_measurement::Column::KpiId.eq(kpi_id))
                .all(self.txn)
                .await?
                .into_iter()
                .map(|m| m.year)
                .collect();
            for m in seed
                .measurement
                .iter()
                .filter(|m| !recorded.contains(&m.year))
            {
                kpi_measurement::ActiveModel {
                    kpi_id: Set(kpi_id),
                    year: Set(m.year),
                    value: Set(m.value),
                    source: Set(m.source.clone()),
                    note: Set(m.note.clone()),
                    ..Default::default()
                }
                .insert(self.txn)
                .await?;
            }
            self.sync_links(
                kpi_task::Entity,
                kpi_id,
                seed.tasks
                    .iter()
                    .map(|n| self.task_id(*n))
                    .collect::<Result<_, _>>()?,
            )
            .await?;
        }
        Ok(())
    }

    async fn components(&mut self, data: &SeedData) -> Result<(), SeedError> {
        let existing: HashMap<String, component::Model> = component::Entity::find()
            .all(self.txn)
            .await?
            .into_iter()
            .map(|m| (m.code.clone(), m))
            .collect();
        let mut ids = HashMap::new();
        for (position, seed) in data.architecture.component.iter().enumerate() {
            let mut row = match existing.get(&seed.code) {
                Some(model) => component::ActiveModel::from(model.clone()),
                None => component::ActiveModel {
                    code: Set(seed.code.clone()),
                    lifecycle: Set(seed.lifecycle),
                    ..Default::default()
                },
            };
            let owner = seed.owner.as_deref().map(|c| self.party(c)).transpose()?;
            row.position = Set(position as i32);
            row.name_vi = Set(seed.name_vi.clone());
            row.name_en = Set(seed.name_en.clone());
            row.layer = Set(seed.layer);
            row.kind = Set(seed.kind);
            row.owner_agency_id = Set(match owner {
                Some(Party::Agency(id)) => Some(id),
                _ => None,
            });
            row.owner_group_id = Set(match owner {
                Some(Party::Group(id)) => Some(id),
                _ => None,
            });
            row.scope = Set(seed.scope);
            row.external = Set(seed.external);
            row.description_vi = Set(seed.description_vi.clone());
            row.description_en = Set(seed.description_en.clone());
            row.search_text = Set(fold(&format!(
                "{} {} {}",
                seed.code, seed.name_vi, seed.name_en
            )));
            let component_id = row.save(self.txn).await?.try_into_model()?.id;
            ids.insert(seed.code.as_str(), component_id);
            self.sync_links(
                component_task::Entity,
                component_id,
                seed.tasks
                    .iter()
                    .map(|n| self.task_id(*n))
                    .collect::<Result<_, _>>()?,
            )
            .await?;
            self.sync_links(
                component_clause::Entity,
                component_id,
                seed.clauses
                    .iter()
                    .map(|c| self.clause_id(c))
                    .collect::<Result<_, _>>()?,
            )
            .await?;
        }
        let current: HashSet<(i32, i32, entities::RelationKind)> =
            component_relation::Entity::find()
                .all(self.txn)
                .await?
                .into_iter()
                .map(|r| (r.from_id, r.to_id, r.kind))
                .collect();
        for seed in &data.architecture.relation {
            let key = (ids[seed.from.as_str()], ids[seed.to.as_str()], seed.kind);
            if current.contains(&key) {
                continue;
            }
            component_relation::ActiveModel {
                from_id: Set(key.0),
                to_id: Set(key.1),
                kind: Set(key.2),
                note: Set(seed.note.clone()),
                ..Default::default()
            }
            .insert(self.txn)
            .await?;
        }
        Ok(())
    }

    /// Makes the link rows of `owner` in a two-column link table exactly `targets`.
    async fn sync_links<L: LinkTable>(
        &self,
        _table: L,
        owner: i32,
        targets: Vec<i32>,
    ) -> Result<(), SeedError> {
        L::sync(self.txn, owner, targets).await
    }
}

/// A table linking an owner row to target rows (task → clause, KPI → task, ...).
trait LinkTable {
    async fn sync(
        db: &impl ConnectionTrait,
        owner: i32,
        targets: Vec<i32>,
    ) -> Result<(), SeedError>;
}

macro_rules! link_table {
    ($module:ident, $owner_column:ident, $owner:ident, $target:ident) => {
        impl LinkTable for $module::Entity {
            async fn sync(
                db: &impl ConnectionTrait,
                owner: i32,
                targets: Vec<i32>,
            ) -> Result<(), SeedError> {
                let current: Vec<$module::Model> = $module::Entity::find()
                    .filter($module::Column::$owner_column.eq(owner))
                    .all(db)
                    .await?;
                for stale in current.iter().filter(|m| !targets.contains(&m.$target)) {
                    $module::Entity::delete_by_id(stale.id).exec(db).await?;
                }
                let mut seen: HashSet<i32> = current.iter().map(|m| m.$target).collect();
                for target in targets {
                    if seen.insert(target) {
                        $module::ActiveModel {
                            $owner: Set(owner),
                            $target: Set(target),
                            ..Default::default()
                        }
                        .insert(db)
                        .await?;
                    }
                }
                Ok(())
            }
        }
    };
}

link_table!(task_clause, TaskId, task_id, clause_id);
link_table!(kpi_task, KpiId, kpi_id, task_id);
link_table!(component_task, ComponentId, component_id, task_id);
link_table!(component_clause, ComponentId, component_id, clause_id);
