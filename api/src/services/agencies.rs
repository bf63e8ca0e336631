//! Agencies, the groups the plan names collectively, and group membership.

use entities::{agency, agency_group, AgencyLevel};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use super::fetch_by;
use crate::error::{Error, Result};

/// The province's agencies, optionally of one level, in the seed files' order; the synthetic
/// national data set's agencies are left out (`agency(code)` still finds them).
pub async fn list(
    db: &DatabaseConnection,
    level: Option<AgencyLevel>,
) -> Result<Vec<agency::Model>> {
    let mut query = agency::Entity::find()
        .filter(agency::Column::Source.ne(seeds::synthetic::SOURCE))
        .order_by_asc(agency::Column::Id);
    if let Some(level) = level {
        query = query.filter(agency::Column::Level.eq(level));
    }
    Ok(query.all(db).await?)
}

/// The agency with this code, if any.
pub async fn by_code(db: &DatabaseConnection, code: &str) -> Result<Option<agency::Model>> {
    Ok(agency::Entity::find()
        .filter(agency::Column::Code.eq(code))
        .one(db)
        .await?)
}

/// The agency with this code, or `NOT_FOUND`.
pub async fn require(db: &DatabaseConnection, code: &str) -> Result<agency::Model> {
    by_code(db, code)
        .await?
        .ok_or_else(|| Error::NotFound(format!("agency {code}")))
}

/// All groups, in the seed files' order.
pub async fn groups(db: &DatabaseConnection) -> Result<Vec<agency_group::Model>> {
    Ok(agency_group::Entity::find()
        .order_by_asc(agency_group::Column::Id)
        .all(db)
        .await?)
}

/// The group with this code, if any.
pub async fn group_by_code(
    db: &DatabaseConnection,
    code: &str,
) -> Result<Option<agency_group::Model>> {
    Ok(agency_group::Entity::find()
        .filter(agency_group::Column::Code.eq(code))
        .one(db)
        .await?)
}

/// The `(agency id, group id)` a code names, whichever it is.
pub async fn by_code_any(
    db: &impl sea_orm::ConnectionTrait,
    code: &str,
) -> Result<Option<(Option<i32>, Option<i32>)>> {
    if let Some(agency) = agency::Entity::find()
        .filter(agency::Column::Code.eq(code))
        .one(db)
        .await?
    {
        return Ok(Some((Some(agency.id), None)));
    }
    Ok(agency_group::Entity::find()
        .filter(agency_group::Column::Code.eq(code))
        .one(db)
        .await?
        .map(|g| (None, Some(g.id))))
}

fetch_by!(
    /// Agencies by id.
    by_ids, agency, Id
);
fetch_by!(
    /// Groups by id.
    groups_by_ids, agency_group, Id
);
fetch_by!(
    /// Membership rows of the given groups.
    members_of_groups, agency_group_member, GroupId
);
fetch_by!(
    /// Membership rows of the given agencies.
    groups_of_agencies, agency_group_member, AgencyId
);
