//! The plan document and the baseline it states.

use entities::{baseline_fact, plan};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use crate::error::{Error, Result};

/// The plan being tracked (681/KH-UBND).
pub async fn current(db: &DatabaseConnection) -> Result<plan::Model> {
    plan::Entity::find()
        .order_by_asc(plan::Column::Id)
        .one(db)
        .await?
        .ok_or_else(|| Error::NotFound("plan".into()))
}

/// The baseline facts of a plan, in document order.
pub async fn baseline(db: &DatabaseConnection, plan_id: i32) -> Result<Vec<baseline_fact::Model>> {
    Ok(baseline_fact::Entity::find()
        .filter(baseline_fact::Column::PlanId.eq(plan_id))
        .order_by_asc(baseline_fact::Column::Position)
        .all(db)
        .await?)
}
