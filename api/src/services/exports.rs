//! The architecture catalog in the ArchiMate exchange format, for EA tools such as Archi.
//!
//! Maps the catalog's kinds and relation kinds to ArchiMate types and hands plain structs to
//! `reports::archimate`. Relationship types are chosen to be valid in ArchiMate's relationship
//! table for the element types involved; where no specific relationship fits, `Association`
//! (always allowed) keeps the link.
//!
//! Imports go the other way: `reports::archimate::read` reads an uploaded file within its limits
//! (nesting, element count, attribute and text sizes) into the same plain structs, and
//! `read_file` maps them back to catalog fields, checking every kind, layer and relation.

use entities::{ComponentKind, RelationKind};
use reports::archimate::{Bilingual, Element, Model, Relationship};
use sea_orm::{DatabaseConnection, EntityTrait, QueryOrder};

use super::architecture::{self, ComponentFilter};
use super::{agencies, plan};
use crate::error::Result;

/// The ArchiMate element type for a component kind.
pub fn element_type(kind: ComponentKind) -> &'static str {
    match kind {
        ComponentKind::UserGroup => "BusinessActor",
        ComponentKind::Channel => "BusinessInterface",
        ComponentKind::Portal | ComponentKind::Application => "ApplicationComponent",
        ComponentKind::Service => "ApplicationService",
        ComponentKind::Platform | ComponentKind::SecurityControl => "SystemSoftware",
        ComponentKind::Database => "DataObject",
        ComponentKind::Network => "CommunicationNetwork",
        ComponentKind::Facility => "Node",
        ComponentKind::Framework => "Principle",
        ComponentKind::Regulation => "Constraint",
    }
}

fn is_motivation(t: &str) -> bool {
    matches!(t, "Principle" | "Constraint")
}

/// The ArchiMate relationship for "`from` depends on `to`" with the given element types, as
/// `(type, source is the dependency)`.
pub fn relationship_type(kind: RelationKind, from: &str, to: &str) -> (&'static str, bool) {
    let serves = |t: &str| {
        matches!(
            t,
            "ApplicationComponent"
                | "ApplicationService"
                | "SystemSoftware"
                | "Node"
                | "BusinessInterface"
        )
    };
    if is_motivation(from) || is_motivation(to) {
        return ("Association", false);
    }
    if to == "DataObject" && from != "DataObject" && from != "BusinessActor" {
        return ("Access", false);
    }
    match kind {
        RelationKind::PartOf if from == to => ("Aggregation", true),
        RelationKind::IntegratesWith
            if from.starts_with("Application") && to.starts_with("Application") =>
        {
            ("Flow", false)
        }
        RelationKind::Uses | RelationKind::HostedOn | RelationKind::ProtectedBy if serves(to) => {
            ("Serving", true)
        }
        _ => ("Association", false),
    }
}

fn id(code: &str) -> String {
    format!("id-{code}")
}

/// The whole catalog as an ArchiMate model.
pub async fn architecture_model(db: &DatabaseConnection) -> Result<Model> {
    let plan = plan::current(db).await?;
    let components = architecture::list(db, &ComponentFilter::default()).await?;
    let agencies = agencies::list(db, None).await?;
    let groups = agencies::groups(db).await?;
    let ids: Vec<i32> = components.iter().map(|c| c.id).collect();
    let task_links = architecture::task_links_of_components(db, &ids).await?;
    let tasks = entities::task::Entity::find().all(db).await?;
    let relations = entities::component_relation::Entity::find()
        .order_by_asc(entities::component_relation::Column::Id)
        .all(db)
        .await?;
    let elements: Vec<Element> = components
        .iter()
        .map(|c| {
            let mut properties = vec![
                ("code".to_owned(), c.code.clone()),
                ("layer".to_owned(), c.layer.as_str().to_owned()),
                ("kind".to_owned(), c.kind.as_str().to_owned()),
                ("lifecycle".to_owned(), c.lifecycle.as_str().to_owned()),
                ("scope".to_owned(), c.scope.as_str().to_owned()),
                ("external".to_owned(), c.external.to_string()),
            ];
            let owner = c
                .owner_agency_id
                .and_then(|o| agencies.iter().find(|a| a.id == o).map(|a| a.code.clone()))
                .or_else(|| {
                    c.owner_group_id
                        .and_then(|o| groups.iter().find(|g| g.id == o).map(|g| g.code.clone()))
                });
            if let Some(owner) = owner {
                properties.push(("owner".to_owned(), owner));
            }
            let mut numbers: Vec<i32> = task_links
                .iter()
                .filter(|l| l.component_id == c.id)
                .filter_map(|l| tasks.iter().find(|t| t.id == l.task_id).map(|t| t.number))
                .collect();
            numbers.sort_unstable();
            if !numbers.is_empty() {
                let list: Vec<String> = numbers.iter().map(i32::to_string).collect();
                properties.push(("tasks".to_owned(), list.join(",")));
            }
            Element {
                identifier: id(&c.code),
                archimate_type: element_type(c.kind).to_owned(),
                name: Bilingual {
                    vi: c.name_vi.clone(),
                    en: c.name_en.clone(),
                },
                documentation: Bilingual {
                    vi: c.description_vi.clone(),
                    en: c.description_en.clone(),
                },
                properties,
            }
        })
        .collect();
    let relationships = relations
        .iter()
        .filter_map(|r| {
            let from = components.iter().find(|c| c.id == r.from_id)?;
            let to = components.iter().find(|c| c.id == r.to_id)?;
            let (kind, reversed) =
                relationship_type(r.kind, element_type(from.kind), element_type(to.kind));
            let (source, target) = if reversed { (to, from) } else { (from, to) };
            Some(Relationship {
                identifier: format!("id-rel-{}-{}-{}", from.code, r.kind.as_str(), to.code),
                archimate_type: kind.to_owned(),
                source: id(&source.code),
                target: id(&target.code),
                name: Some(r.kind.as_str().to_owned()),
            })
        })
        .collect();
    Ok(Model {
        identifier: format!("id-plan-{}", plan.id),
        name: Bilingual {
            vi: format!(
                "Kiến trúc Chính quyền điện tử tỉnh Hải Dương ({})",
                plan.code
            ),
            en: format!("Hải Dương e-government architecture ({})", plan.code),
        },
        documentation: Bilingual {
            vi: plan.title_vi,
            en: plan.title_en,
        },
        elements,
        relationships,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dependencies_map_to_relationships_archimate_allows() {
        assert_eq!(
            relationship_type(RelationKind::Uses, "ApplicationComponent", "SystemSoftware"),
            ("Serving", true)
        );
        assert_eq!(
            relationship_type(
                RelationKind::IntegratesWith,
                "ApplicationComponent",
                "ApplicationComponent"
            ),
            ("Flow", false)
        );
        assert_eq!(
            relationship_type(RelationKind::Uses, "ApplicationComponent", "DataObject"),
            ("Access", false)
        );
        assert_eq!(
            relationship_type(
                RelationKind::PartOf,
                "ApplicationComponent",
                "ApplicationComponent"
            ),
            ("Aggregation", true)
        );
        assert_eq!(
            relationship_type(RelationKind::Uses, "ApplicationComponent", "Principle"),
            ("Association", false)
        );
        assert_eq!(
            relationship_type(RelationKind::ConnectedVia, "Node", "CommunicationNetwork"),
            ("Association", false)
        );
    }
}

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub created: u32,
    pub updated: u32,
    pub relations_added: u32,
}

/// One element read from an exchange file.
#[derive(Debug, Clone)]
struct ImportedElement {
    code: String,
    fields: super::register::ComponentFields,
}

fn bad(message: impl Into<String>) -> crate::Error {
    crate::Error::bad_input(format!("architecture file: {}", message.into()))
}

fn parse_enum<T: serde::de::DeserializeOwned>(value: &str, what: &str, code: &str) -> Result<T> {
    serde_json::from_value(serde_json::Value::String(value.trim().to_owned()))
        .map_err(|_| bad(format!("{code}: {value:?} is not a valid {what}")))
}

/// The catalog kind and layer an ArchiMate element type stands for, when the file does not say.
fn kind_for(archimate_type: &str) -> Option<(ComponentKind, entities::ArchitectureLayer)> {
    use entities::ArchitectureLayer as L;
    Some(match archimate_type {
        "BusinessActor" => (ComponentKind::UserGroup, L::Users),
        "BusinessInterface" => (ComponentKind::Channel, L::AccessChannels),
        "ApplicationComponent" => (ComponentKind::Application, L::SharedApplications),
        "ApplicationService" => (ComponentKind::Service, L::Services),
        "SystemSoftware" => (ComponentKind::Platform, L::Integration),
        "DataObject" => (ComponentKind::Database, L::Data),
        "CommunicationNetwork" => (ComponentKind::Network, L::Infrastructure),
        "Node" => (ComponentKind::Facility, L::Infrastructure),
        "Principle" => (ComponentKind::Framework, L::Governance),
        "Constraint" => (ComponentKind::Regulation, L::Governance),
        _ => return None,
    })
}

/// Reads an exchange file into components and relations, checking everything; nothing is
/// written here. `reports::archimate::read` reads the format within its limits (depth, element
/// count, attribute and text sizes); this maps what it read to the catalog.
#[allow(clippy::type_complexity)]
fn read_file(xml: &str) -> Result<(Vec<ImportedElement>, Vec<(String, String, RelationKind)>)> {
    let model = reports::archimate::read(xml).map_err(|err| bad(err.to_string()))?;
    let mut elements = Vec::new();
    let mut by_identifier = std::collections::HashMap::new();
    for element in model.elements {
        let identifier = element.identifier.as_str();
        let archimate_type = element.archimate_type.as_str();
        let (default_kind, default_layer) = kind_for(archimate_type).ok_or_else(|| {
            bad(format!(
                "{identifier}: element type {archimate_type:?} is not supported"
            ))
        })?;
        let properties: std::collections::HashMap<String, String> = element
            .properties
            .iter()
            .map(|(name, value)| (name.clone(), value.trim().to_owned()))
            .collect();
        let code = properties
            .get("code")
            .cloned()
            .or_else(|| identifier.strip_prefix("id-").map(str::to_owned))
            .unwrap_or_else(|| identifier.to_owned())
            .to_uppercase();
        // A text the file gives (even blank) is trimmed; one it leaves empty is not given.
        let given = |text: &str| (!text.is_empty()).then(|| text.trim().to_owned());
        let name_vi = given(&element.name.vi).filter(|n| !n.is_empty());
        let name_en = given(&element.name.en)
            .filter(|n| !n.is_empty())
            .or_else(|| name_vi.clone());
        if name_vi.is_none() {
            return Err(bad(format!("{code}: an element needs a name")));
        }
        let layer = match properties.get("layer") {
            Some(v) => parse_enum(v, "layer", &code)?,
            None => default_layer,
        };
        let kind = match properties.get("kind") {
            Some(v) => parse_enum(v, "kind", &code)?,
            None => default_kind,
        };
        let lifecycle = properties
            .get("lifecycle")
            .map(|v| parse_enum(v, "lifecycle", &code))
            .transpose()?;
        let scope = match properties.get("scope") {
            Some(v) => parse_enum(v, "scope", &code)?,
            None => entities::Scope::Province,
        };
        let task_numbers = properties
            .get("tasks")
            .map(|list| {
                list.split(',')
                    .filter(|n| !n.trim().is_empty())
                    .map(|n| {
                        n.trim()
                            .parse::<i32>()
                            .map_err(|_| bad(format!("{code}: tasks must be numbers")))
                    })
                    .collect::<Result<Vec<i32>>>()
            })
            .transpose()?;
        by_identifier.insert(identifier.to_owned(), code.clone());
        elements.push(ImportedElement {
            fields: super::register::ComponentFields {
                name_vi,
                name_en,
                layer: Some(layer),
                kind: Some(kind),
                lifecycle,
                owner_code: properties.get("owner").cloned(),
                scope: Some(scope),
                external: properties.get("external").map(|e| e == "true"),
                description_vi: given(&element.documentation.vi),
                description_en: given(&element.documentation.en),
                task_numbers,
                ..Default::default()
            },
            code,
        });
    }
    let mut codes = std::collections::HashSet::new();
    for element in &elements {
        if !codes.insert(element.code.clone()) {
            return Err(bad(format!("{} appears twice", element.code)));
        }
    }
    let mut relations = Vec::new();
    for relationship in &model.relationships {
        let end = |attribute: &str, identifier: &str| {
            by_identifier.get(identifier).cloned().ok_or_else(|| {
                bad(format!(
                    "a relationship's {attribute} {identifier:?} names no element in the file"
                ))
            })
        };
        let source = end("source", &relationship.source)?;
        let target = end("target", &relationship.target)?;
        let name = relationship.name.as_deref().unwrap_or_default();
        let archimate_type = relationship.archimate_type.as_str();
        let (kind, reversed) = match parse_enum::<RelationKind>(name, "relation kind", &source) {
            Ok(kind) => {
                let reversed = matches!(archimate_type, "Serving" | "Aggregation" | "Composition");
                (kind, reversed)
            }
            Err(_) => match archimate_type {
                "Serving" => (RelationKind::Uses, true),
                "Flow" | "Triggering" => (RelationKind::IntegratesWith, false),
                "Access" | "Association" => (RelationKind::Uses, false),
                "Aggregation" | "Composition" => (RelationKind::PartOf, true),
                "Assignment" | "Realization" => (RelationKind::HostedOn, true),
                other => return Err(bad(format!("relationship type {other:?} is not supported"))),
            },
        };
        let (from, to) = if reversed {
            (target, source)
        } else {
            (source, target)
        };
        if from == to {
            return Err(bad(format!("{from} cannot depend on itself")));
        }
        relations.push((from, to, kind));
    }
    Ok((elements, relations))
}

/// Bulk-loads or updates the catalog from an ArchiMate exchange file (planners only). Every
/// element and relationship is checked first; if any is invalid, or the relations would form a
/// dependency cycle, nothing changes.
pub async fn import_architecture(
    db: &DatabaseConnection,
    viewer: Option<&super::access::Viewer>,
    xml: &str,
) -> Result<ImportSummary> {
    use sea_orm::TransactionTrait;
    let viewer = super::access::planner(viewer)?;
    let (elements, relations) = read_file(xml)?;
    let txn = db.begin().await?;
    let summary = super::register::import(
        &txn,
        viewer,
        elements.into_iter().map(|e| (e.code, e.fields)).collect(),
        relations,
    )
    .await?;
    txn.commit().await?;
    Ok(summary)
}
