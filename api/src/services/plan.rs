//! The plan document and the baseline it states.

use entities::{baseline_fact, plan};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
};

use crate::error::{Error, Result};

/// The primary plan: the first one loaded, 681/KH-UBND. Questions that name no plan are about it.
pub async fn current(db: &impl ConnectionTrait) -> Result<plan::Model> {
    plan::Entity::find()
        .order_by_asc(plan::Column::Id)
        .one(db)
        .await?
        .ok_or_else(|| Error::NotFound("plan".into()))
}

/// The plan with this code, or the primary plan when no code is given.
pub async fn resolve(db: &DatabaseConnection, code: Option<&str>) -> Result<plan::Model> {
    let Some(code) = code.map(str::trim) else {
        return current(db).await;
    };
    plan::Entity::find()
        .filter(plan::Column::Code.eq(code))
        .one(db)
        .await?
        .ok_or_else(|| Error::NotFound(format!("plan {code:?}")))
}

/// Every plan, the primary one first.
pub async fn list(db: &DatabaseConnection) -> Result<Vec<plan::Model>> {
    Ok(plan::Entity::find()
        .order_by_asc(plan::Column::Id)
        .all(db)
        .await?)
}

/// The baseline facts of a plan, in document order.
pub async fn baseline(db: &DatabaseConnection, plan_id: i32) -> Result<Vec<baseline_fact::Model>> {
    Ok(baseline_fact::Entity::find()
        .filter(baseline_fact::Column::PlanId.eq(plan_id))
        .order_by_asc(baseline_fact::Column::Position)
        .all(db)
        .await?)
}
