//! Keeping the architecture catalog current: planners add, change and retire components and
//! relations; an owning agency moves its own components through their lifecycle. Every change is
//! validated and written with an immutable history entry in the same transaction.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, Utc};
use entities::search::fold;
use entities::{
    component, component_history, component_relation, component_task, ArchitectureLayer,
    ComponentKind, Lifecycle, RelationKind, Scope, UserRole,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, Set, TransactionTrait,
};

use super::access::{planner, signed_in, Viewer};
use super::{agencies, architecture, fetch_by, tasks};
use crate::error::{Error, Result};

/// Criticality levels a component may be given.
pub const CRITICALITIES: [&str; 4] = ["LOW", "MEDIUM", "HIGH", "CRITICAL"];

/// Fields of a component; on update, `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ComponentFields {
    pub name_vi: Option<String>,
    pub name_en: Option<String>,
    pub layer: Option<ArchitectureLayer>,
    pub kind: Option<ComponentKind>,
    pub lifecycle: Option<Lifecycle>,
    /// Agency or group code.
    pub owner_code: Option<String>,
    pub operator_code: Option<String>,
    pub scope: Option<Scope>,
    pub external: Option<bool>,
    pub description_vi: Option<String>,
    pub description_en: Option<String>,
    pub go_live_on: Option<NaiveDate>,
    pub hosting: Option<String>,
    pub criticality: Option<String>,
    pub data_held: Option<String>,
    /// Appendix tasks that deliver it (replaces the list when given).
    pub task_numbers: Option<Vec<i32>>,
    /// Why; required to move a lifecycle backwards.
    pub reason: Option<String>,
}

fn text(value: &Option<String>, what: &str, max: usize) -> Result<Option<String>> {
    match value.as_deref().map(str::trim) {
        None => Ok(None),
        Some(v) if v.chars().count() > max => Err(Error::bad_input(format!(
            "{what} must be at most {max} characters"
        ))),
        Some(v) => Ok(Some(v.to_owned())),
    }
}

async fn require(db: &impl ConnectionTrait, code: &str) -> Result<component::Model> {
    component::Entity::find()
        .filter(component::Column::Code.eq(code.trim()))
        .one(db)
        .await?
        .ok_or_else(|| Error::NotFound(format!("component {}", code.trim())))
}

async fn record(
    db: &impl ConnectionTrait,
    component_id: i32,
    viewer: &Viewer,
    action: &str,
    summary: String,
    reason: Option<String>,
) -> Result<()> {
    component_history::ActiveModel {
        component_id: Set(component_id),
        action: Set(action.to_owned()),
        summary: Set(summary),
        reason: Set(reason),
        changed_at: Set(Utc::now()),
        changed_by_user_id: Set(Some(viewer.user_id)),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Checks a lifecycle move: forward freely; backwards only by a planner who says why.
fn check_move(
    from: Lifecycle,
    to: Lifecycle,
    viewer: &Viewer,
    reason: &Option<String>,
) -> Result<()> {
    if to >= from {
        return Ok(());
    }
    if !viewer.is_planner() {
        return Err(Error::forbidden(format!(
            "only planners may move a component back from {} to {}",
            from.as_str(),
            to.as_str()
        )));
    }
    if reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
        return Err(Error::bad_input(format!(
            "moving a component back from {} to {} needs a reason",
            from.as_str(),
            to.as_str()
        )));
    }
    Ok(())
}

/// Component codes: 2-60 characters of A-Z, 0-9 and `_`.
fn check_code(code: &str) -> Result<()> {
    let valid = (2..=60).contains(&code.len())
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    if valid {
        Ok(())
    } else {
        Err(Error::bad_input(format!(
            "component code {code:?} must be 2-60 characters of A-Z, 0-9 and _"
        )))
    }
}

/// A new, planned component with nothing but its code and place in the catalog.
fn blank_component(code: &str, position: i32) -> component::ActiveModel {
    component::ActiveModel {
        code: Set(code.to_owned()),
        position: Set(position),
        lifecycle: Set(Lifecycle::Planned),
        external: Set(false),
        description_vi: Set(String::new()),
        description_en: Set(String::new()),
        owner_agency_id: Set(None),
        owner_group_id: Set(None),
        operator_agency_id: Set(None),
        go_live_on: Set(None),
        hosting: Set(None),
        criticality: Set(None),
        data_held: Set(None),
        ..Default::default()
    }
}

/// Applies `fields` to a component (new or existing) and returns what changed, for the history.
async fn apply(
    db: &impl ConnectionTrait,
    row: &mut component::ActiveModel,
    current: Option<&component::Model>,
    fields: &ComponentFields,
) -> Result<Vec<String>> {
    let mut changes = Vec::new();
    macro_rules! set {
        ($field:ident, $value:expr, $show:expr) => {{
            let value = $value;
            if current.is_none_or(|c| c.$field != value) {
                changes.push(format!("{} {}", stringify!($field), $show(&value)));
                row.$field = Set(value);
            }
        }};
    }
    if let Some(name) = text(&fields.name_vi, "nameVi", 500)? {
        set!(name_vi, name, |v: &String| v.clone());
    }
    if let Some(name) = text(&fields.name_en, "nameEn", 500)? {
        set!(name_en, name, |v: &String| v.clone());
    }
    if let Some(layer) = fields.layer {
        set!(layer, layer, |v: &ArchitectureLayer| v.as_str().to_owned());
    }
    if let Some(kind) = fields.kind {
        set!(kind, kind, |v: &ComponentKind| v.as_str().to_owned());
    }
    if let Some(scope) = fields.scope {
        set!(scope, scope, |v: &Scope| v.as_str().to_owned());
    }
    if let Some(external) = fields.external {
        set!(external, external, |v: &bool| v.to_string());
    }
    if let Some(text_vi) = text(&fields.description_vi, "descriptionVi", 4000)? {
        set!(description_vi, text_vi, |_: &String| "(changed)".to_owned());
    }
    if let Some(text_en) = text(&fields.description_en, "descriptionEn", 4000)? {
        set!(description_en, text_en, |_: &String| "(changed)".to_owned());
    }
    if let Some(day) = fields.go_live_on {
        set!(go_live_on, Some(day), |v: &Option<NaiveDate>| format!(
            "{v:?}"
        ));
    }
    if let Some(hosting) = text(&fields.hosting, "hosting", 500)? {
        set!(hosting, Some(hosting), |v: &Option<String>| v
            .clone()
            .unwrap_or_default());
    }
    if let Some(level) = fields
        .criticality
        .as_deref()
        .map(|c| c.trim().to_uppercase())
    {
        if !CRITICALITIES.contains(&level.as_str()) {
            return Err(Error::bad_input(format!(
                "criticality must be one of {CRITICALITIES:?}"
            )));
        }
        set!(criticality, Some(level), |v: &Option<String>| v
            .clone()
            .unwrap_or_default());
    }
    if let Some(data) = text(&fields.data_held, "dataHeld", 4000)? {
        set!(data_held, Some(data), |_: &Option<String>| "(changed)"
            .to_owned());
    }
    if let Some(code) = fields.owner_code.as_deref().map(str::trim) {
        let (agency, group) = match agencies::by_code_any(db, code).await? {
            Some(found) => found,
            None => return Err(Error::bad_input(format!("unknown owner {code:?}"))),
        };
        set!(owner_agency_id, agency, |_: &Option<i32>| code.to_owned());
        set!(owner_group_id, group, |_: &Option<i32>| code.to_owned());
    }
    if let Some(code) = fields.operator_code.as_deref().map(str::trim) {
        let agency = agencies::by_code_any(db, code)
            .await?
            .and_then(|(agency, _)| agency)
            .ok_or_else(|| Error::bad_input(format!("unknown operator agency {code:?}")))?;
        set!(operator_agency_id, Some(agency), |_: &Option<i32>| code
            .to_owned());
    }
    Ok(changes)
}

async fn replace_tasks(
    db: &impl ConnectionTrait,
    component_id: i32,
    numbers: &[i32],
) -> Result<()> {
    let plan_id = super::plan::current(db).await?.id;
    let mut ids = Vec::new();
    for number in numbers {
        let task = tasks::by_number_in(db, plan_id, *number)
            .await?
            .ok_or_else(|| Error::bad_input(format!("unknown task {number}")))?;
        ids.push(task.id);
    }
    component_task::Entity::delete_many()
        .filter(component_task::Column::ComponentId.eq(component_id))
        .exec(db)
        .await?;
    for task_id in ids {
        component_task::ActiveModel {
            component_id: Set(component_id),
            task_id: Set(task_id),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Adds a component (planners only).
pub async fn create(
    db: &DatabaseConnection,
    viewer: Option<&Viewer>,
    code: &str,
    fields: ComponentFields,
) -> Result<component::Model> {
    let viewer = planner(viewer)?;
    let code = code.trim().to_uppercase();
    check_code(&code)?;
    let (Some(_), Some(_), Some(_), Some(_), Some(_)) = (
        fields.name_vi.as_deref().filter(|n| !n.trim().is_empty()),
        fields.name_en.as_deref().filter(|n| !n.trim().is_empty()),
        fields.layer,
        fields.kind,
        fields.scope,
    ) else {
        return Err(Error::bad_input(
            "a new component needs nameVi, nameEn, layer, kind and scope",
        ));
    };
    let txn = db.begin().await?;
    if architecture::by_code_in(&txn, &code).await?.is_some() {
        return Err(Error::Conflict(format!("component {code} already exists")));
    }
    let position = component::Entity::find().count(&txn).await? as i32;
    let mut row = blank_component(&code, position);
    row.lifecycle = Set(fields.lifecycle.unwrap_or(Lifecycle::Planned));
    apply(&txn, &mut row, None, &fields).await?;
    row.search_text = Set(fold(&format!(
        "{} {} {}",
        code,
        fields.name_vi.as_deref().unwrap_or_default(),
        fields.name_en.as_deref().unwrap_or_default()
    )));
    let created = row.insert(&txn).await?;
    if let Some(numbers) = &fields.task_numbers {
        replace_tasks(&txn, created.id, numbers).await?;
    }
    record(
        &txn,
        created.id,
        viewer,
        "CREATED",
        format!("added {code}"),
        fields.reason.clone(),
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// Changes a component (planners only); a backwards lifecycle move needs a reason.
pub async fn update(
    db: &DatabaseConnection,
    viewer: Option<&Viewer>,
    code: &str,
    fields: ComponentFields,
) -> Result<component::Model> {
    let viewer = planner(viewer)?;
    let txn = db.begin().await?;
    let current = require(&txn, code).await?;
    let mut row: component::ActiveModel = current.clone().into();
    let mut changes = apply(&txn, &mut row, Some(&current), &fields).await?;
    if let Some(lifecycle) = fields.lifecycle {
        check_move(current.lifecycle, lifecycle, viewer, &fields.reason)?;
        if lifecycle != current.lifecycle {
            changes.push(format!(
                "lifecycle {} → {}",
                current.lifecycle.as_str(),
                lifecycle.as_str()
            ));
            row.lifecycle = Set(lifecycle);
        }
    }
    if fields.name_vi.is_some() || fields.name_en.is_some() {
        let name_vi = fields.name_vi.clone().unwrap_or(current.name_vi.clone());
        let name_en = fields.name_en.clone().unwrap_or(current.name_en.clone());
        row.search_text = Set(fold(&format!("{} {} {}", current.code, name_vi, name_en)));
    }
    if let Some(numbers) = &fields.task_numbers {
        replace_tasks(&txn, current.id, numbers).await?;
        changes.push(format!("tasks {numbers:?}"));
    }
    if changes.is_empty() {
        return Ok(current);
    }
    let updated = row.update(&txn).await?;
    record(
        &txn,
        current.id,
        viewer,
        "UPDATED",
        changes.join("; "),
        fields.reason.clone(),
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

/// Moves a component through its lifecycle and sets its go-live date: planners, or an officer of
/// the agency that owns it. Backwards moves need a planner and a reason.
pub async fn set_lifecycle(
    db: &DatabaseConnection,
    viewer: Option<&Viewer>,
    code: &str,
    lifecycle: Lifecycle,
    go_live_on: Option<NaiveDate>,
    reason: Option<String>,
) -> Result<component::Model> {
    let viewer = signed_in(viewer)?;
    let txn = db.begin().await?;
    let current = require(&txn, code).await?;
    let owns = viewer.role == UserRole::Agency
        && viewer.agency_id.is_some()
        && viewer.agency_id == current.owner_agency_id;
    if !viewer.is_planner() && !owns {
        return Err(Error::forbidden(format!(
            "only planners and the owning agency may change {}'s lifecycle",
            current.code
        )));
    }
    check_move(current.lifecycle, lifecycle, viewer, &reason)?;
    let mut changes = Vec::new();
    let mut row: component::ActiveModel = current.clone().into();
    if lifecycle != current.lifecycle {
        changes.push(format!(
            "lifecycle {} → {}",
            current.lifecycle.as_str(),
            lifecycle.as_str()
        ));
        row.lifecycle = Set(lifecycle);
    }
    if go_live_on.is_some() && go_live_on != current.go_live_on {
        changes.push(format!(
            "go-live {}",
            go_live_on.map(|d| d.to_string()).unwrap_or_default()
        ));
        row.go_live_on = Set(go_live_on);
    }
    if changes.is_empty() {
        return Ok(current);
    }
    let updated = row.update(&txn).await?;
    record(
        &txn,
        current.id,
        viewer,
        "LIFECYCLE",
        changes.join("; "),
        reason,
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

/// Whether adding `from → to` would close a cycle among `edges`.
pub fn closes_cycle(edges: &[(i32, i32)], from: i32, to: i32) -> bool {
    let mut next: HashMap<i32, Vec<i32>> = HashMap::new();
    for (a, b) in edges {
        next.entry(*a).or_default().push(*b);
    }
    let mut seen = HashSet::new();
    let mut stack = vec![to];
    while let Some(node) = stack.pop() {
        if node == from {
            return true;
        }
        if seen.insert(node) {
            stack.extend(next.get(&node).into_iter().flatten().copied());
        }
    }
    false
}

/// Adds "`from` depends on `to`" (planners only): both must exist, and no cycle may form.
pub async fn add_relation(
    db: &DatabaseConnection,
    viewer: Option<&Viewer>,
    from: &str,
    to: &str,
    kind: RelationKind,
    note: Option<String>,
) -> Result<component::Model> {
    let viewer = planner(viewer)?;
    let txn = db.begin().await?;
    let source = require(&txn, from).await?;
    let target = require(&txn, to).await?;
    let edges: Vec<(i32, i32)> = component_relation::Entity::find()
        .all(&txn)
        .await?
        .into_iter()
        .map(|r| (r.from_id, r.to_id))
        .collect();
    if source.id == target.id || closes_cycle(&edges, source.id, target.id) {
        return Err(Error::bad_input(format!(
            "{} depending on {} would make a dependency cycle",
            source.code, target.code
        )));
    }
    if edges.contains(&(source.id, target.id))
        && component_relation::Entity::find()
            .filter(component_relation::Column::FromId.eq(source.id))
            .filter(component_relation::Column::ToId.eq(target.id))
            .filter(component_relation::Column::Kind.eq(kind))
            .one(&txn)
            .await?
            .is_some()
    {
        return Err(Error::Conflict(format!(
            "{} already {} {}",
            source.code,
            kind.as_str(),
            target.code
        )));
    }
    component_relation::ActiveModel {
        from_id: Set(source.id),
        to_id: Set(target.id),
        kind: Set(kind),
        note: Set(text(&note, "note", 1000)?),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let summary = format!("{} {} {}", source.code, kind.as_str(), target.code);
    record(&txn, source.id, viewer, "RELATION_ADDED", summary, None).await?;
    txn.commit().await?;
    Ok(source)
}

/// Removes a relation (planners only).
pub async fn remove_relation(
    db: &DatabaseConnection,
    viewer: Option<&Viewer>,
    from: &str,
    to: &str,
    kind: RelationKind,
    reason: Option<String>,
) -> Result<component::Model> {
    let viewer = planner(viewer)?;
    let txn = db.begin().await?;
    let source = require(&txn, from).await?;
    let target = require(&txn, to).await?;
    let removed = component_relation::Entity::delete_many()
        .filter(component_relation::Column::FromId.eq(source.id))
        .filter(component_relation::Column::ToId.eq(target.id))
        .filter(component_relation::Column::Kind.eq(kind))
        .exec(&txn)
        .await?;
    if removed.rows_affected == 0 {
        return Err(Error::NotFound(format!(
            "relation {} {} {}",
            source.code,
            kind.as_str(),
            target.code
        )));
    }
    let summary = format!(
        "{} no longer {} {}",
        source.code,
        kind.as_str(),
        target.code
    );
    record(&txn, source.id, viewer, "RELATION_REMOVED", summary, reason).await?;
    txn.commit().await?;
    Ok(source)
}

fetch_by!(
    /// History entries of the given components, oldest first.
    history_of_components, component_history, ComponentId
);

fn sorted(numbers: &[i32]) -> Vec<i32> {
    let mut numbers = numbers.to_vec();
    numbers.sort_unstable();
    numbers.dedup();
    numbers
}

/// The appendix numbers of the tasks that deliver a component, sorted.
async fn task_numbers_of(db: &impl ConnectionTrait, component_id: i32) -> Result<Vec<i32>> {
    let links = component_task::Entity::find()
        .filter(component_task::Column::ComponentId.eq(component_id))
        .all(db)
        .await?;
    let ids: Vec<i32> = links.iter().map(|l| l.task_id).collect();
    let numbers: Vec<i32> = entities::task::Entity::find()
        .filter(entities::task::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|t| t.number)
        .collect();
    Ok(sorted(&numbers))
}

/// Upserts components and adds relations read from an exchange file, inside the caller's
/// transaction (see `services::exports::import_architecture`): components by code, relations
/// that are not there yet; each change with a history entry. Any invalid item fails the whole.
pub async fn import(
    txn: &impl ConnectionTrait,
    viewer: &Viewer,
    components: Vec<(String, ComponentFields)>,
    relations: Vec<(String, String, RelationKind)>,
) -> Result<super::exports::ImportSummary> {
    let mut summary = super::exports::ImportSummary::default();
    let mut position = component::Entity::find().count(txn).await? as i32;
    for (code, fields) in components {
        check_code(&code)?;
        let current = architecture::by_code_in(txn, &code).await?;
        let mut row = match &current {
            Some(model) => component::ActiveModel::from(model.clone()),
            None => {
                position += 1;
                blank_component(&code, position)
            }
        };
        let mut changes = apply(txn, &mut row, current.as_ref(), &fields).await?;
        if let Some(lifecycle) = fields.lifecycle {
            if current.as_ref().is_none_or(|c| c.lifecycle != lifecycle) {
                changes.push(format!("lifecycle {}", lifecycle.as_str()));
                row.lifecycle = Set(lifecycle);
            }
        }
        row.search_text = Set(fold(&format!(
            "{} {} {}",
            code,
            fields.name_vi.as_deref().unwrap_or_default(),
            fields.name_en.as_deref().unwrap_or_default()
        )));
        let tasks_changed = match (&current, &fields.task_numbers) {
            (_, None) => false,
            (None, Some(_)) => true,
            (Some(existing), Some(numbers)) => {
                task_numbers_of(txn, existing.id).await? != sorted(numbers)
            }
        };
        let saved = match current {
            Some(_) if changes.is_empty() && !tasks_changed => continue,
            Some(_) => {
                summary.updated += 1;
                row.update(txn).await?
            }
            None => {
                summary.created += 1;
                row.insert(txn).await?
            }
        };
        if let Some(numbers) = fields.task_numbers.as_ref().filter(|_| tasks_changed) {
            replace_tasks(txn, saved.id, numbers).await?;
            changes.push(format!("tasks {numbers:?}"));
        }
        let note = if changes.is_empty() {
            "imported".to_owned()
        } else {
            format!("imported: {}", changes.join("; "))
        };
        record(txn, saved.id, viewer, "IMPORTED", note, None).await?;
    }
    let ids: HashMap<String, i32> = component::Entity::find()
        .all(txn)
        .await?
        .into_iter()
        .map(|c| (c.code, c.id))
        .collect();
    let existing = component_relation::Entity::find().all(txn).await?;
    let mut edges: Vec<(i32, i32)> = existing.iter().map(|r| (r.from_id, r.to_id)).collect();
    let mut present: HashSet<(i32, i32, RelationKind)> = existing
        .iter()
        .map(|r| (r.from_id, r.to_id, r.kind))
        .collect();
    for (from, to, kind) in relations {
        let (Some(&source), Some(&target)) = (ids.get(&from), ids.get(&to)) else {
            return Err(Error::bad_input(format!(
                "architecture file: relation {from} → {to} names a missing component"
            )));
        };
        if present.contains(&(source, target, kind)) {
            continue;
        }
        if !edges.contains(&(source, target)) && closes_cycle(&edges, source, target) {
            return Err(Error::bad_input(format!(
                "architecture file: {from} depending on {to} would make a dependency cycle"
            )));
        }
        component_relation::ActiveModel {
            from_id: Set(source),
            to_id: Set(target),
            kind: Set(kind),
            note: Set(None),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        edges.push((source, target));
        present.insert((source, target, kind));
        summary.relations_added += 1;
        record(
            txn,
            source,
            viewer,
            "RELATION_ADDED",
            format!("{from} {} {to} (imported)", kind.as_str()),
            None,
        )
        .await?;
    }
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::closes_cycle;

    #[test]
    fn a_relation_back_to_an_ancestor_closes_a_cycle() {
        let edges = [(1, 2), (2, 3)];
        assert!(closes_cycle(&edges, 3, 1));
        assert!(!closes_cycle(&edges, 1, 3), "a second path is not a cycle");
        assert!(!closes_cycle(&edges, 4, 1));
    }
}
