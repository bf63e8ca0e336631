//! The architecture catalog in the ArchiMate exchange format, for EA tools such as Archi.
//!
//! Maps the catalog's kinds and relation kinds to ArchiMate types and hands plain structs to
//! `reports::archimate`. Relationship types are chosen to be valid in ArchiMate's relationship
//! table for the element types involved; where no specific relationship fits, `Association`
//! (always allowed) keeps the link.

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
                identifier: format!("id-rel-{}", r.id),
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
